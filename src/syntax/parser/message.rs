//! Messages and what they contain: fields, maps, groups, oneofs, `extend`,
//! `extensions` and `reserved`.

use nom::combinator::cut;
use nom::Parser;

use super::primitives::{
    end_decl, error_here, fail_eof_unclosed, fail_with, ident, integer, keyword, report, semicolon,
    signed_int32, string_lit, sym, sym_or, try_consume, try_end_decl, type_name,
};
use super::{block, enums, file::visibility, options, report_failure, skip_statement, In, PResult};
use crate::diagnostics::{Code, Diagnostic};
use crate::source::Span;
use crate::syntax::ast::{
    Comments, Edition, Extend, ExtendItem, Extensions, Field, FieldType, Group, Ident, Label,
    MapType, Message, MessageBody, MessageItem, Oneof, OneofItem, OptionNamePart, Range, RangeEnd,
    Reserved, ReservedKind, ScalarType, Syntax, Visibility,
};
use crate::syntax::token::TokenKind;

const MAX_FIELD_NUMBER: u64 = i32::MAX as u64;

/// protoc's `ParseMessageDefinition`.
pub(super) fn message(i: In<'_>, visibility: Option<(Visibility, Span)>) -> PResult<'_, Message> {
    let start = visibility.map_or(i.current().span, |(_, span)| span);
    let ctx = i.ctx;
    let depth = ctx.depth_left.get();
    if depth <= 1 {
        return Err(fail_with(i, nesting_too_deep(i)));
    }
    ctx.depth_left.set(depth - 1);
    let result = message_after_depth_check(i);
    ctx.depth_left.set(depth);
    let (i, (name, body, comments)) = result?;
    Ok((
        i,
        Message {
            visibility,
            name,
            span: start.to(body.span),
            body,
            comments,
        },
    ))
}

fn message_after_depth_check(i: In<'_>) -> PResult<'_, (Ident, MessageBody, Comments)> {
    let (i, _) = keyword("message")(i)?;
    let (i, name) = cut(ident("a message name", "Expected message name.")).parse(i)?;
    let (i, (body, comments)) = message_block(i)?;
    Ok((i, (name, body, comments)))
}

fn nesting_too_deep(i: In<'_>) -> Diagnostic {
    error_here(
        i,
        Code::NestingTooDeep,
        "messages are nested too deeply",
        "Reached maximum recursion limit for nested messages.",
    )
    .label("this message would be nested 32 levels deep")
    .note("protoc allows at most 31 levels of nested messages")
}

/// protoc's `ParseMessageBlock`: `{ statements }`.
fn message_block(i: In<'_>) -> PResult<'_, (MessageBody, Comments)> {
    let (i, (open, comments)) = cut(|i| end_decl(i, b'{', true)).parse(i)?;
    let (i, (items, close)) = block(
        i,
        "Reached end of input in message definition (missing '}').",
        "message",
        message_statement,
    )?;
    check_map_entry_option(i, &items);
    Ok((
        i,
        (
            MessageBody {
                items,
                span: open.to(close),
            },
            comments.unwrap_or_default(),
        ),
    ))
}

/// protoc's parser rejects `option map_entry = ...;` written by hand.
fn check_map_entry_option(i: In<'_>, items: &[MessageItem]) {
    for item in items {
        let MessageItem::Option(option) = item else {
            continue;
        };
        if let Some(OptionNamePart::Field(name)) = option.name.parts.first() {
            if i.ctx.text(name.span) == b"map_entry" {
                let diagnostic = Diagnostic::error(
                    Code::UnexpectedToken,
                    i.ctx.file,
                    option.name.span,
                    "`map_entry` cannot be set by hand",
                )
                .protoc(
                    "map_entry should not be set explicitly. Use map<KeyType, ValueType> \
                     instead.",
                )
                .help("declare the field as `map<KeyType, ValueType>` instead");
                report(i, diagnostic);
                return;
            }
        }
    }
}

/// protoc's `ParseMessageStatement`.
fn message_statement(i: In<'_>) -> PResult<'_, Option<MessageItem>> {
    if let Some((rest, _)) = try_end_decl(i, b';', false) {
        return Ok((rest, None));
    }
    let (i, visibility) = visibility(i)?;
    let (i, item) = if i.looking_at("message") {
        let (i, m) = message(i, visibility)?;
        (i, MessageItem::Message(m))
    } else if i.looking_at("enum") {
        let (i, e) = enums::enumeration(i, visibility)?;
        (i, MessageItem::Enum(e))
    } else if i.looking_at("extensions") {
        let (i, e) = extensions(i)?;
        (i, MessageItem::Extensions(e))
    } else if i.looking_at("reserved") {
        let (i, r) = reserved(i, ReservedIn::Message)?;
        (i, MessageItem::Reserved(r))
    } else if i.looking_at("extend") {
        let (i, e) = extend(i)?;
        (i, MessageItem::Extend(Box::new(e)))
    } else if i.looking_at("option") {
        let (i, o) = options::option_statement(i)?;
        (i, MessageItem::Option(Box::new(o)))
    } else if i.looking_at("oneof") {
        let (i, o) = oneof(i)?;
        (i, MessageItem::Oneof(o))
    } else {
        let (i, label) = label(i);
        let (i, field) = field(i, label, Place::Message)?;
        (
            i,
            match field {
                FieldOrGroup::Field(f) => MessageItem::Field(f),
                FieldOrGroup::Group(g) => MessageItem::Group(g),
            },
        )
    };
    Ok((i, Some(item)))
}

/// Where a field is declared; some forms are not allowed everywhere.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Place {
    Message,
    Oneof,
    Extend,
}

enum FieldOrGroup {
    Field(Field),
    Group(Group),
}

/// protoc's `ParseLabel`.
fn label(i: In<'_>) -> (In<'_>, Option<(Label, Span)>) {
    let label = if i.looking_at("optional") {
        Label::Optional
    } else if i.looking_at("repeated") {
        Label::Repeated
    } else if i.looking_at("required") {
        Label::Required
    } else {
        return (i, None);
    };
    if i.ctx.is_editions() && label != Label::Repeated {
        let (message, protoc, help) = if label == Label::Optional {
            (
                "`optional` is not allowed in editions",
                "Label \"optional\" is not supported in editions. By default, all singular \
                 fields have presence unless features.field_presence is set.",
                "remove `optional`: fields have presence by default in editions",
            )
        } else {
            (
                "`required` is not allowed in editions",
                "Label \"required\" is not supported in editions, use \
                 features.field_presence = LEGACY_REQUIRED.",
                "use `[features.field_presence = LEGACY_REQUIRED]` instead",
            )
        };
        report(
            i,
            error_here(i, Code::LabelInEditions, message, protoc).help(help),
        );
    }
    (i.next(), Some((label, i.current().span)))
}

/// A parsed field type, before we know whether it is a group.
enum TypeRef {
    Field(FieldType),
    Group(Span),
}

/// protoc's `ParseType`: a scalar, `group`, or a type name.
fn field_type(i: In<'_>) -> PResult<'_, TypeRef> {
    let token = i.current();
    if token.kind == TokenKind::Ident {
        let text = i.ctx.text(token.span);
        if text == b"group" {
            if i.ctx.is_editions() {
                report(
                    i,
                    error_here(
                        i,
                        Code::GroupInEditions,
                        "groups are not allowed in editions",
                        "Group syntax is no longer supported in editions. To get group \
                         behavior you can specify features.message_encoding = DELIMITED on \
                         a message field.",
                    )
                    .help(
                        "declare a message and a field with \
                         `[features.message_encoding = DELIMITED]`",
                    ),
                );
            }
            return Ok((i.next(), TypeRef::Group(token.span)));
        }
        let scalar = if i.ctx.syntax.get() == Syntax::Editions(Edition::Unstable) {
            ScalarType::from_unstable_name(text)
        } else {
            ScalarType::from_name(text).map(Ok)
        };
        match scalar {
            Some(Ok(scalar)) => {
                return Ok((
                    i.next(),
                    TypeRef::Field(FieldType::Scalar(scalar, token.span)),
                ));
            }
            Some(Err(replacement)) => {
                let written = String::from_utf8_lossy(text).into_owned();
                report(
                    i,
                    error_here(
                        i,
                        Code::ObsoleteType,
                        &format!("`{written}` is obsolete in edition UNSTABLE"),
                        &format!(
                            "Type '{written}' is obsolete in unstable editions, use \
                             '{replacement}' instead."
                        ),
                    )
                    .help(format!("use `{replacement}`"))
                    .fix(token.span, replacement),
                );
                let scalar = ScalarType::from_unstable_name(replacement.as_bytes())
                    .and_then(Result::ok)
                    .unwrap_or(ScalarType::Int32);
                return Ok((
                    i.next(),
                    TypeRef::Field(FieldType::Scalar(scalar, token.span)),
                ));
            }
            None => {}
        }
    }
    let (i, name) = type_name(i)?;
    Ok((i, TypeRef::Field(FieldType::Named(name))))
}

fn plain_type(i: In<'_>) -> PResult<'_, FieldType> {
    let (rest, ty) = field_type(i)?;
    Ok((
        rest,
        match ty {
            TypeRef::Field(ty) => ty,
            // A group as a map key or value: keep the name for later checks.
            TypeRef::Group(span) => FieldType::Named(crate::syntax::ast::FullIdent {
                leading_dot: None,
                parts: vec![Ident { span }],
                span,
            }),
        },
    ))
}

/// `map<K, V>` after the `map` keyword, with protoc's placement checks.
fn map_type(
    i: In<'_>,
    map_keyword: Span,
    label: Option<(Label, Span)>,
    place: Place,
) -> PResult<'_, FieldType> {
    let misplaced = match (place, label) {
        (Place::Oneof, _) => Some((
            Code::MapInOneof,
            "map fields are not allowed in oneofs",
            "Map fields are not allowed in oneofs.",
        )),
        (_, Some(_)) => Some((
            Code::LabelOnMap,
            "map fields cannot have a label",
            "Field labels (required/optional/repeated) are not allowed on map fields.",
        )),
        (Place::Extend, None) => Some((
            Code::MapExtension,
            "map fields cannot be extensions",
            "Map fields are not allowed to be extensions.",
        )),
        _ => None,
    };
    if let Some((code, message, protoc)) = misplaced {
        let mut diagnostic = Diagnostic::error(code, i.ctx.file, map_keyword, message)
            .protoc(protoc)
            .protoc_at(i.current().span.start);
        if let Some((_, label_span)) = label {
            diagnostic = diagnostic
                .secondary(label_span, "label")
                .help("remove the label: map fields are always repeated");
        }
        return Err(fail_with(i, diagnostic));
    }
    let (i, _) = cut(sym(b'<')).parse(i)?;
    let (i, key) = cut(plain_type).parse(i)?;
    let (i, _) = cut(sym(b',')).parse(i)?;
    let (i, value) = cut(plain_type).parse(i)?;
    let (rest, close) = cut(sym(b'>')).parse(i)?;
    Ok((
        rest,
        FieldType::Map(Box::new(MapType {
            key,
            value,
            span: map_keyword.to(close),
        })),
    ))
}

/// protoc's `ParseMessageFieldNoLabel`: a field or group after its label.
fn field(i: In<'_>, label: Option<(Label, Span)>, place: Place) -> PResult<'_, FieldOrGroup> {
    let start = label.map_or(i.current().span, |(_, span)| span);
    let (i, ty) = if i.looking_at("map") && i.next().looking_at_symbol(b'<') {
        let map_keyword = i.current().span;
        let (i, ty) = map_type(i.next(), map_keyword, label, place)?;
        (i, TypeRef::Field(ty))
    } else {
        // `map` not followed by `<` names a message or enum called `map`;
        // protoc has consumed it by the time it checks the label.
        let (after_map, named_map) = if i.looking_at("map") {
            (i.next(), Some(i.current().span))
        } else {
            (i, None)
        };
        let proto2 = i.ctx.syntax.get() == crate::syntax::ast::Syntax::Proto2;
        if label.is_none() && place != Place::Oneof && proto2 {
            report_missing_label(after_map);
        }
        match named_map {
            Some(span) => (
                after_map,
                TypeRef::Field(FieldType::Named(crate::syntax::ast::FullIdent {
                    leading_dot: None,
                    parts: vec![Ident { span }],
                    span,
                })),
            ),
            None => cut(field_type).parse(i)?,
        }
    };
    let name_token = i.current().span;
    let (i, name) = cut(ident("a field name", "Expected field name.")).parse(i)?;
    let (i, _) = cut(sym_or(
        b'=',
        "`=` and a field number",
        "Missing field number.",
    ))
    .parse(i)?;
    let (i, number) = cut(integer(
        MAX_FIELD_NUMBER,
        "a field number",
        "Expected field number.",
    ))
    .parse(i)?;
    let (i, field_options) = options::field_options(i, default_kind(&ty))?;
    match ty {
        TypeRef::Group(keyword_span) => {
            let first = i.ctx.text(name_token).first().copied().unwrap_or(b'a');
            if !first.is_ascii_uppercase() {
                let diagnostic = Diagnostic::error(
                    Code::GroupNameNotCapitalized,
                    i.ctx.file,
                    name_token,
                    "group names must start with a capital letter",
                )
                .protoc("Group names must start with a capital letter.")
                .label("starts with a lower-case letter");
                i.ctx.report(i.idx, diagnostic);
            }
            if !i.looking_at_symbol(b'{') {
                let diagnostic = error_here(
                    i,
                    Code::MissingGroupBody,
                    "a group needs a body",
                    "Missing group body.",
                )
                .label("expected `{`");
                return Err(fail_with(i, diagnostic));
            }
            let depth = i.ctx.depth_left.get();
            if depth <= 1 {
                return Err(fail_with(i, nesting_too_deep(i)));
            }
            i.ctx.depth_left.set(depth - 1);
            let result = message_block(i);
            i.ctx.depth_left.set(depth);
            let (i, (body, comments)) = result?;
            Ok((
                i,
                FieldOrGroup::Group(Group {
                    label,
                    keyword: keyword_span,
                    name,
                    number,
                    options: field_options.into(),
                    span: start.to(body.span),
                    body,
                    comments: comments.into(),
                }),
            ))
        }
        TypeRef::Field(ty) => {
            let (i, (end, comments)) = semicolon(i, "the field")?;
            Ok((
                i,
                FieldOrGroup::Field(Field {
                    label,
                    ty,
                    name,
                    number,
                    options: field_options.into(),
                    span: start.to(end),
                    comments: comments.unwrap_or_default().into(),
                }),
            ))
        }
    }
}

fn default_kind(ty: &TypeRef) -> options::DefaultFor {
    match ty {
        TypeRef::Group(_) => options::DefaultFor::Message,
        TypeRef::Field(FieldType::Scalar(scalar, _)) => options::DefaultFor::Scalar(*scalar),
        TypeRef::Field(_) => options::DefaultFor::Unresolved,
    }
}

fn report_missing_label(i: In<'_>) {
    let span = i.current().span;
    let diagnostic = Diagnostic::error(
        Code::MissingLabel,
        i.ctx.file,
        span,
        "proto2 fields need a label",
    )
    .protoc("Expected \"required\", \"optional\", or \"repeated\".")
    .label("expected `optional`, `required` or `repeated` before the type")
    .help("add `optional` (or use `syntax = \"proto3\";`)")
    .fix(Span::point(span.start), "optional ");
    report(i, diagnostic);
}

/// protoc's `ParseOneof`.
fn oneof(i: In<'_>) -> PResult<'_, Oneof> {
    let start = i.current().span;
    let (i, _) = keyword("oneof")(i)?;
    let (i, name) = cut(ident("a oneof name", "Expected oneof name.")).parse(i)?;
    let (mut i, (_, comments)) = cut(|i| end_decl(i, b'{', true)).parse(i)?;
    let open = i.idx.saturating_sub(1);
    let mut items = Vec::new();
    loop {
        if i.at_eof() {
            return Err(fail_eof_unclosed(
                i,
                "Reached end of input in oneof definition (missing '}').",
                "oneof",
                open,
            ));
        }
        if i.looking_at("option") {
            // protoc gives up on the whole oneof when an option fails.
            let (rest, option) = options::option_statement(i)?;
            items.push(OneofItem::Option(Box::new(option)));
            i = rest;
        } else {
            if i.looking_at("required") || i.looking_at("optional") || i.looking_at("repeated") {
                let diagnostic = error_here(
                    i,
                    Code::LabelInOneof,
                    "fields in a oneof cannot have labels",
                    "Fields in oneofs must not have labels (required / optional / repeated).",
                )
                .label("remove this label")
                .fix(
                    Span::new(i.current().span.start, i.next().current().span.start),
                    "",
                );
                report(i, diagnostic);
                i = i.next();
            }
            match field(i, None, Place::Oneof) {
                Ok((rest, FieldOrGroup::Field(f))) => {
                    items.push(OneofItem::Field(f));
                    i = rest;
                }
                Ok((rest, FieldOrGroup::Group(g))) => {
                    items.push(OneofItem::Group(g));
                    i = rest;
                }
                Err(err) => {
                    let at = report_failure(i.ctx, err);
                    i = i.at(skip_statement(i.ctx, at));
                }
            }
        }
        if let Some((rest, (close, _))) = try_end_decl(i, b'}', false) {
            let items = super::exact(items);
            return Ok((
                rest,
                Oneof {
                    name,
                    items,
                    span: start.to(close),
                    comments: comments.unwrap_or_default(),
                },
            ));
        }
    }
}

/// protoc's `ParseExtend`.
pub(super) fn extend(i: In<'_>) -> PResult<'_, Extend> {
    let start = i.current().span;
    let (i, _) = keyword("extend")(i)?;
    let (i, extendee) = type_name(i)?;
    let (mut i, (_, comments)) = cut(|i| end_decl(i, b'{', true)).parse(i)?;
    let open = i.idx.saturating_sub(1);
    let mut items = Vec::new();
    loop {
        if i.at_eof() {
            return Err(fail_eof_unclosed(
                i,
                "Reached end of input in extend definition (missing '}').",
                "extend block",
                open,
            ));
        }
        let (after_label, field_label) = label(i);
        match field(after_label, field_label, Place::Extend) {
            Ok((rest, FieldOrGroup::Field(f))) => {
                items.push(ExtendItem::Field(f));
                i = rest;
            }
            Ok((rest, FieldOrGroup::Group(g))) => {
                items.push(ExtendItem::Group(g));
                i = rest;
            }
            Err(err) => {
                let at = report_failure(i.ctx, err);
                i = i.at(skip_statement(i.ctx, at));
            }
        }
        if let Some((rest, (close, _))) = try_end_decl(i, b'}', false) {
            let items = super::exact(items);
            return Ok((
                rest,
                Extend {
                    extendee,
                    items,
                    span: start.to(close),
                    comments: comments.unwrap_or_default(),
                },
            ));
        }
    }
}

fn out_of_bounds(i: In<'_>) -> nom::Err<super::PErr> {
    let previous = i.previous().map_or(i.current().span, |t| t.span);
    let diagnostic = Diagnostic::error(
        Code::FieldNumberOutOfBounds,
        i.ctx.file,
        previous,
        "field number out of bounds",
    )
    .protoc("Field number out of bounds.")
    .protoc_at(i.current().span.start)
    .label("2147483647 leaves no room for the end of the range")
    .help("use `max` for the end of the range");
    fail_with(i, diagnostic)
}

/// One `start [to end|max]` range of message field numbers.
fn field_range<'a>(
    i: In<'a>,
    first_what: &'static str,
    first_protoc: &'static str,
) -> PResult<'a, Range> {
    let (i, start) = cut(integer(MAX_FIELD_NUMBER, first_what, first_protoc)).parse(i)?;
    if start.magnitude == MAX_FIELD_NUMBER {
        return Err(out_of_bounds(i));
    }
    let (i, to) = try_consume(i, "to");
    if to.is_none() {
        return Ok((
            i,
            Range {
                start,
                end: RangeEnd::Single,
                span: start.span,
            },
        ));
    }
    if let (rest, Some(max)) = try_consume(i, "max") {
        return Ok((
            rest,
            Range {
                start,
                end: RangeEnd::Max(max),
                span: start.span.to(max),
            },
        ));
    }
    let (i, end) = cut(integer(MAX_FIELD_NUMBER, "an integer", "Expected integer.")).parse(i)?;
    if end.magnitude == MAX_FIELD_NUMBER {
        return Err(out_of_bounds(i));
    }
    Ok((
        i,
        Range {
            start,
            end: RangeEnd::Int(end),
            span: start.span.to(end.span),
        },
    ))
}

/// One `start [to end|max]` range of enum numbers, which may be negative.
fn enum_range<'a>(
    i: In<'a>,
    first_what: &'static str,
    first_protoc: &'static str,
) -> PResult<'a, Range> {
    let (i, start) = cut(signed_int32(first_what, first_protoc)).parse(i)?;
    let (i, to) = try_consume(i, "to");
    if to.is_none() {
        return Ok((
            i,
            Range {
                start,
                end: RangeEnd::Single,
                span: start.span,
            },
        ));
    }
    if let (rest, Some(max)) = try_consume(i, "max") {
        return Ok((
            rest,
            Range {
                start,
                end: RangeEnd::Max(max),
                span: start.span.to(max),
            },
        ));
    }
    let (i, end) = cut(signed_int32("an integer", "Expected integer.")).parse(i)?;
    Ok((
        i,
        Range {
            start,
            end: RangeEnd::Int(end),
            span: start.span.to(end.span),
        },
    ))
}

/// protoc's `ParseExtensions`.
fn extensions(i: In<'_>) -> PResult<'_, Extensions> {
    let start = i.current().span;
    let (mut i, _) = keyword("extensions")(i)?;
    let mut ranges = Vec::new();
    loop {
        let (rest, range) = field_range(i, "a field number range", "Expected field number range.")?;
        ranges.push(range);
        let (rest, comma) = try_consume(rest, ",");
        i = rest;
        if comma.is_none() {
            break;
        }
    }
    let (i, range_options) = options::bracketed_options(i)?;
    let (i, (end, comments)) = semicolon(i, "the extension ranges")?;
    Ok((
        i,
        Extensions {
            ranges,
            options: range_options
                .map(|(options, _)| options)
                .unwrap_or_default(),
            span: start.to(end),
            comments: comments.unwrap_or_default(),
        },
    ))
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum ReservedIn {
    Message,
    Enum,
}

/// protoc's `ParseReserved`, for messages and enums.
pub(super) fn reserved(i: In<'_>, within: ReservedIn) -> PResult<'_, Reserved> {
    let start = i.current().span;
    let (i, _) = keyword("reserved")(i)?;
    let editions = i.ctx.is_editions();
    let (i, kind) = match i.kind() {
        TokenKind::Str => {
            if editions {
                let diagnostic = error_here(
                    i,
                    Code::ReservedNameSyntax,
                    "reserved names are identifiers in editions, not strings",
                    "Reserved names must be identifiers in editions, not string literals.",
                )
                .help("remove the quotes");
                return Err(fail_with(i, diagnostic));
            }
            reserved_strings(i, within)?
        }
        TokenKind::Ident => {
            if !editions {
                let diagnostic = error_here(
                    i,
                    Code::ReservedNameSyntax,
                    "reserved names must be quoted strings before editions",
                    "Reserved names must be string literals. (Only editions supports \
                     identifiers.)",
                )
                .help("quote the name");
                return Err(fail_with(i, diagnostic));
            }
            let what = match within {
                ReservedIn::Message => "Expected field name identifier.",
                ReservedIn::Enum => "Expected enum value identifier.",
            };
            let mut names = Vec::new();
            let mut i = i;
            loop {
                let (rest, name) = cut(ident("a name", what)).parse(i)?;
                names.push(name);
                let (rest, comma) = try_consume(rest, ",");
                i = rest;
                if comma.is_none() {
                    break;
                }
            }
            (i, ReservedKind::Idents(names))
        }
        _ => {
            let mut ranges = Vec::new();
            let mut i = i;
            loop {
                let (first_what, later_what) = match within {
                    ReservedIn::Message => (
                        "Expected field name or number range.",
                        "Expected field number range.",
                    ),
                    ReservedIn::Enum => (
                        "Expected enum value or number range.",
                        "Expected enum number range.",
                    ),
                };
                let protoc = if ranges.is_empty() {
                    first_what
                } else {
                    later_what
                };
                let (rest, range) = match within {
                    ReservedIn::Message => field_range(i, "a number range or name", protoc)?,
                    ReservedIn::Enum => enum_range(i, "a number range or name", protoc)?,
                };
                ranges.push(range);
                let (rest, comma) = try_consume(rest, ",");
                i = rest;
                if comma.is_none() {
                    break;
                }
            }
            (i, ReservedKind::Ranges(ranges))
        }
    };
    let (i, (end, comments)) = semicolon(i, "the reserved statement")?;
    Ok((
        i,
        Reserved {
            kind,
            span: start.to(end),
            comments: comments.unwrap_or_default(),
        },
    ))
}

fn is_identifier(name: &[u8]) -> bool {
    match name.split_first() {
        Some((first, rest)) => {
            (first.is_ascii_alphabetic() || *first == b'_')
                && rest.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'_')
        }
        None => false,
    }
}

fn reserved_strings(mut i: In<'_>, within: ReservedIn) -> PResult<'_, ReservedKind> {
    let protoc = match within {
        ReservedIn::Message => "Expected field name string literal.",
        ReservedIn::Enum => "Expected enum value string literal.",
    };
    let mut names = Vec::new();
    loop {
        let at = i;
        let (rest, name) = cut(string_lit("a quoted name", protoc)).parse(i)?;
        if !is_identifier(&name.value) {
            let text = String::from_utf8_lossy(&name.value);
            let diagnostic = Diagnostic::warning(
                Code::ReservedNameNotIdentifier,
                i.ctx.file,
                name.span,
                format!("reserved name \"{text}\" is not a valid identifier"),
            )
            .protoc(format!(
                "Reserved name \"{text}\" is not a valid identifier."
            ))
            .note("no field or value can have this name, so reserving it has no effect");
            i.ctx.report(rest.idx.max(at.idx), diagnostic);
        }
        names.push(name);
        let (rest, comma) = try_consume(rest, ",");
        i = rest;
        if comma.is_none() {
            break;
        }
    }
    Ok((i, ReservedKind::Strings(names)))
}
