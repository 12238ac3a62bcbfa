//! Options: `option name = value;` statements, bracketed option lists, the
//! field pseudo-options `default` and `json_name`, and aggregate
//! (text-format) values.

use nom::combinator::cut;
use nom::Parser;

use super::primitives::{
    error_here, fail, fail_eof, fail_with, ident, integer, keyword, report, semicolon, string_lit,
    sym, try_consume,
};
use super::{In, PResult};
use crate::diagnostics::{Code, Diagnostic};
use crate::source::Span;
use crate::syntax::ast::{
    Aggregate, AggregateField, AggregateName, AggregateValue, DefaultKind, DefaultValue,
    FieldOptions, FullIdent, Ident, IntLit, OptionDecl, OptionName, OptionNamePart, OptionValue,
    ScalarKind, ScalarType, ScalarValue, ValueKind,
};
use crate::syntax::literals;
use crate::syntax::token::TokenKind;

/// protoc's text-format parser gives up on messages nested deeper than this.
const MAX_AGGREGATE_DEPTH: u32 = 100;

/// protoc's `ParseOption` in statement form.
pub(super) fn option_statement(i: In<'_>) -> PResult<'_, OptionDecl> {
    let start = i.current().span;
    let (i, _) = keyword("option")(i)?;
    let (i, (name, value)) = option_body(i)?;
    let (i, (end, comments)) = semicolon(i, "the option")?;
    Ok((
        i,
        OptionDecl {
            name,
            value,
            span: start.to(end),
            comments: comments.unwrap_or_default(),
        },
    ))
}

/// One option of a bracketed list: protoc's `ParseOption` in assignment
/// form.
fn option_assignment(i: In<'_>) -> PResult<'_, OptionDecl> {
    let (i, (name, value)) = option_body(i)?;
    Ok((
        i,
        OptionDecl {
            span: name.span.to(value.span),
            name,
            value,
            comments: Default::default(),
        },
    ))
}

fn option_body(i: In<'_>) -> PResult<'_, (OptionName, OptionValue)> {
    let (mut i, first) = option_name_part(i)?;
    let start = part_span(&first);
    let mut end = start;
    let mut parts = vec![first];
    while i.looking_at_symbol(b'.') {
        let (rest, part) = option_name_part(i.next())?;
        end = part_span(&part);
        parts.push(part);
        i = rest;
    }
    let name = OptionName {
        parts,
        span: start.to(end),
    };
    let (i, _) = cut(sym(b'=')).parse(i)?;
    let (i, value) = option_value(i)?;
    Ok((i, (name, value)))
}

fn part_span(part: &OptionNamePart) -> Span {
    match part {
        OptionNamePart::Field(ident) => ident.span,
        OptionNamePart::Extension(_, span) => *span,
    }
}

/// protoc's `ParseOptionNamePart`: `name` or `(full.name)`.
fn option_name_part(i: In<'_>) -> PResult<'_, OptionNamePart> {
    if !i.looking_at_symbol(b'(') {
        let (i, name) = cut(ident("an option name", "Expected identifier.")).parse(i)?;
        return Ok((i, OptionNamePart::Field(name)));
    }
    let open = i.current().span;
    let mut i = i.next();
    let mut parts = Vec::new();
    let mut leading_dot = None;
    if i.kind() == TokenKind::Ident {
        parts.push(Ident {
            span: i.current().span,
        });
        i = i.next();
    }
    while i.looking_at_symbol(b'.') {
        if parts.is_empty() {
            leading_dot = Some(i.current().span);
        }
        let (rest, part) = cut(ident("an identifier", "Expected identifier.")).parse(i.next())?;
        parts.push(part);
        i = rest;
    }
    let (i, close) = cut(sym(b')')).parse(i)?;
    let inner_start = leading_dot.or(parts.first().map(|p| p.span));
    let inner = match (inner_start, parts.last()) {
        (Some(start), Some(last)) => start.to(last.span),
        _ => Span::point(close.start),
    };
    Ok((
        i,
        OptionNamePart::Extension(
            FullIdent {
                leading_dot,
                parts,
                span: inner,
            },
            open.to(close),
        ),
    ))
}

/// protoc's `ConsumeNumber`: a float, an integer (read as a double), `inf`
/// or `nan`.
fn number<'a>(i: In<'a>, what: &'static str, protoc: &'static str) -> PResult<'a, f64> {
    let token = i.current();
    let text = i.ctx.text(token.span);
    let value = match token.kind {
        TokenKind::Float => literals::parse_float(text),
        TokenKind::Int => match literals::parse_integer(text, u64::MAX) {
            Some(value) => value as f64,
            None if text.first() == Some(&b'0') => {
                report(
                    i,
                    error_here(
                        i,
                        Code::IntegerOutOfRange,
                        "integer out of range",
                        "Integer out of range.",
                    ),
                );
                0.0
            }
            None => literals::parse_float(text),
        },
        TokenKind::Ident if text == b"inf" => f64::INFINITY,
        TokenKind::Ident if text == b"nan" => f64::NAN,
        _ => return Err(fail(i, what, protoc)),
    };
    Ok((i.next(), value))
}

/// The value after `=`, classified as protoc classifies it.
fn option_value(i: In<'_>) -> PResult<'_, OptionValue> {
    let start = i.current().span;
    let (i, minus) = try_consume(i, "-");
    let negative = minus.is_some();
    let token = i.current();
    let (rest, kind) = match token.kind {
        TokenKind::Eof => {
            return Err(fail_eof(
                i,
                "Unexpected end of stream while parsing option value.",
                "option value",
            ))
        }
        TokenKind::Ident => {
            let name = Ident { span: token.span };
            let rest = i.next();
            if !negative {
                (rest, ValueKind::Ident(name))
            } else {
                match i.ctx.text(token.span) {
                    b"inf" => (rest, ValueKind::Float(f64::NEG_INFINITY)),
                    b"nan" => (rest, ValueKind::Float(f64::NAN)),
                    _ => {
                        let diagnostic = Diagnostic::error(
                            Code::InvalidOptionValue,
                            i.ctx.file,
                            start.to(token.span),
                            "only `inf` and `nan` may follow `-`",
                        )
                        .protoc("Identifier after '-' symbol must be inf or nan.")
                        .protoc_at(rest.current().span.start);
                        return Err(fail_with(rest, diagnostic));
                    }
                }
            }
        }
        TokenKind::Int => {
            let max = if negative { 1u64 << 63 } else { u64::MAX };
            match literals::parse_integer(i.ctx.text(token.span), max) {
                Some(magnitude) => (
                    i.next(),
                    ValueKind::Int(IntLit {
                        negative,
                        magnitude,
                        span: start.to(token.span),
                    }),
                ),
                None => {
                    let (rest, value) = number(i, "a number", "Expected number.")?;
                    (
                        rest,
                        ValueKind::Float(if negative { -value } else { value }),
                    )
                }
            }
        }
        TokenKind::Float => {
            let (rest, value) = number(i, "a number", "Expected number.")?;
            (
                rest,
                ValueKind::Float(if negative { -value } else { value }),
            )
        }
        TokenKind::Str => {
            if negative {
                let diagnostic = error_here(
                    i,
                    Code::InvalidOptionValue,
                    "a string cannot be negated",
                    "Invalid '-' symbol before string.",
                )
                .secondary(start, "remove this `-`");
                return Err(fail_with(i, diagnostic));
            }
            let (rest, value) = string_lit("a string", "Expected string.")(i)?;
            (rest, ValueKind::Str(value))
        }
        TokenKind::Symbol if i.looking_at_symbol(b'{') => {
            let (rest, aggregate) = aggregate_value(i)?;
            (rest, ValueKind::Aggregate(aggregate))
        }
        TokenKind::Symbol => {
            let mut diagnostic = super::primitives::unexpected(
                i.ctx,
                i.idx,
                "an option value",
                "Expected option value.",
            );
            diagnostic.code = Code::InvalidOptionValue;
            return Err(fail_with(i, diagnostic));
        }
    };
    let end = rest.previous().map_or(start, |t| t.span);
    Ok((
        rest,
        OptionValue {
            kind,
            span: start.to(end),
        },
    ))
}

/// protoc's `ParseUninterpretedBlock`: the braces are matched token by
/// token, whatever lies between; the text-format reading comes after.
fn aggregate_value(i: In<'_>) -> PResult<'_, Aggregate> {
    let open = i.idx;
    let mut depth = 0usize;
    let mut at = i;
    loop {
        if at.at_eof() {
            return Err(fail_eof(
                at,
                "Unexpected end of stream while parsing aggregate value.",
                "aggregate value",
            ));
        }
        if at.looking_at_symbol(b'{') {
            depth += 1;
        } else if at.looking_at_symbol(b'}') {
            depth -= 1;
            if depth == 0 {
                break;
            }
        }
        at = at.next();
    }
    let close = at.idx;
    let span = i.current().span.to(at.current().span);
    let fields = match aggregate_fields(i.at(open + 1), close, 0) {
        Ok((_, fields)) => fields,
        Err(nom::Err::Error(e) | nom::Err::Failure(e)) => {
            if let Some(mut diagnostic) = e.diagnostic {
                diagnostic.code = Code::InvalidAggregate;
                diagnostic.message = format!("invalid aggregate value: {}", diagnostic.message);
                diagnostic.protoc_message = format!(
                    "Error while parsing option value: {}",
                    diagnostic.protoc_message
                );
                i.ctx.report_late(*diagnostic);
            }
            Vec::new()
        }
        Err(nom::Err::Incomplete(_)) => Vec::new(),
    };
    Ok((at.next(), Aggregate { fields, span }))
}

/// Text-format fields up to token index `end` (exclusive).
fn aggregate_fields(mut i: In<'_>, end: usize, depth: u32) -> PResult<'_, Vec<AggregateField>> {
    // Nesting is bounded in `aggregate_single_value`.
    let mut fields = Vec::new();
    while i.idx < end {
        let (rest, field) = aggregate_field(i, depth)?;
        fields.push(field);
        i = rest;
        if i.idx < end && (i.looking_at_symbol(b',') || i.looking_at_symbol(b';')) {
            i = i.next();
        }
    }
    Ok((i, super::exact(fields)))
}

fn aggregate_field(i: In<'_>, depth: u32) -> PResult<'_, AggregateField> {
    let start = i.current().span;
    let (i, name) = aggregate_name(i)?;
    let (i, colon) = try_consume(i, ":");
    // Without a colon only a message value (or a list of them) may follow.
    let message_follows =
        i.looking_at_symbol(b'{') || i.looking_at_symbol(b'<') || i.looking_at_symbol(b'[');
    if colon.is_none() && !message_follows {
        return Err(fail(
            i,
            "`:` or `{`",
            "Expected \":\", found something else.",
        ));
    }
    let (i, value) = aggregate_value_or_list(i, depth)?;
    let end = i.previous().map_or(start, |t| t.span);
    Ok((
        i,
        AggregateField {
            name,
            value,
            span: start.to(end),
        },
    ))
}

fn dotted_name(mut i: In<'_>) -> PResult<'_, FullIdent> {
    let (rest, first) = cut(ident("a name", "Expected identifier.")).parse(i)?;
    i = rest;
    let mut parts = vec![first];
    while i.looking_at_symbol(b'.') {
        let (rest, part) = cut(ident("a name", "Expected identifier.")).parse(i.next())?;
        parts.push(part);
        i = rest;
    }
    let span = first.span.to(parts.last().map_or(first.span, |p| p.span));
    Ok((
        i,
        FullIdent {
            leading_dot: None,
            parts,
            span,
        },
    ))
}

fn aggregate_name(i: In<'_>) -> PResult<'_, AggregateName> {
    if !i.looking_at_symbol(b'[') {
        let (i, name) = cut(ident("a field name", "Expected identifier.")).parse(i)?;
        return Ok((i, AggregateName::Field(name)));
    }
    let open = i.current().span;
    let (i, first) = dotted_name(i.next())?;
    let (i, name, url_prefix) = if i.looking_at_symbol(b'/') {
        let (i, type_name) = dotted_name(i.next())?;
        (i, type_name, Some(first.span))
    } else {
        (i, first, None)
    };
    let (i, close) = cut(sym(b']')).parse(i)?;
    Ok((
        i,
        AggregateName::Extension {
            name,
            url_prefix,
            span: open.to(close),
        },
    ))
}

fn aggregate_value_or_list(i: In<'_>, depth: u32) -> PResult<'_, AggregateValue> {
    if !i.looking_at_symbol(b'[') {
        return aggregate_single_value(i, depth);
    }
    let open = i.current().span;
    let mut i = i.next();
    let mut values = Vec::new();
    if !i.looking_at_symbol(b']') {
        loop {
            let (rest, value) = aggregate_single_value(i, depth)?;
            values.push(value);
            i = rest;
            if !i.looking_at_symbol(b',') {
                break;
            }
            i = i.next();
        }
    }
    let (i, close) = cut(sym(b']')).parse(i)?;
    Ok((i, AggregateValue::List(values, open.to(close))))
}

fn aggregate_single_value(i: In<'_>, depth: u32) -> PResult<'_, AggregateValue> {
    if depth >= MAX_AGGREGATE_DEPTH {
        let diagnostic = error_here(
            i,
            Code::InvalidAggregate,
            "aggregate value nested too deeply",
            "Message is too deep, the parser exceeded the configured recursion limit of 100.",
        )
        .note("protoc reads at most 100 levels of nested messages in an option value");
        return Err(fail_with(i, diagnostic));
    }
    let closing = if i.looking_at_symbol(b'{') {
        b'}'
    } else if i.looking_at_symbol(b'<') {
        b'>'
    } else {
        let (i, scalar) = aggregate_scalar(i)?;
        return Ok((i, AggregateValue::Scalar(scalar)));
    };
    let open = i.current().span;
    let mut i = i.next();
    let mut fields = Vec::new();
    while !i.looking_at_symbol(closing) {
        if i.at_eof() {
            return Err(fail(i, "the end of the message value", "Expected \"}\"."));
        }
        let (rest, field) = aggregate_field(i, depth + 1)?;
        fields.push(field);
        i = rest;
        if i.looking_at_symbol(b',') || i.looking_at_symbol(b';') {
            i = i.next();
        }
    }
    let close = i.current().span;
    Ok((
        i.next(),
        AggregateValue::Message(Aggregate {
            fields,
            span: open.to(close),
        }),
    ))
}

fn aggregate_scalar(i: In<'_>) -> PResult<'_, ScalarValue> {
    let start = i.current().span;
    let (i, minus) = try_consume(i, "-");
    let token = i.current();
    let (rest, kind) = match token.kind {
        TokenKind::Ident => (i.next(), ScalarKind::Ident(Ident { span: token.span })),
        TokenKind::Int => (i.next(), ScalarKind::Int(token.span)),
        TokenKind::Float => (i.next(), ScalarKind::Float(token.span)),
        TokenKind::Str if minus.is_none() => {
            let (rest, value) = string_lit("a string", "Expected string.")(i)?;
            (rest, ScalarKind::Str(value))
        }
        _ => return Err(fail(i, "a value", "Expected value.")),
    };
    let end = rest.previous().map_or(start, |t| t.span);
    Ok((
        rest,
        ScalarValue {
            negative: minus.is_some(),
            kind,
            span: start.to(end),
        },
    ))
}

/// `[opt = v, ...]` after enum values and extension ranges.
pub(super) fn bracketed_options(i: In<'_>) -> PResult<'_, Option<(Vec<OptionDecl>, Span)>> {
    if !i.looking_at_symbol(b'[') {
        return Ok((i, None));
    }
    let open = i.current().span;
    let mut i = i.next();
    let mut options = Vec::new();
    loop {
        let (rest, option) = option_assignment(i)?;
        options.push(option);
        let (rest, comma) = try_consume(rest, ",");
        i = rest;
        if comma.is_none() {
            break;
        }
    }
    let (i, close) = cut(sym(b']')).parse(i)?;
    Ok((i, Some((options, open.to(close)))))
}

/// What a field's `default` must look like, known from its type.
#[derive(Clone, Copy)]
pub(super) enum DefaultFor {
    Scalar(ScalarType),
    /// Groups (and, in protoc, message types): no default allowed.
    Message,
    /// A named type, enum or message, not resolved yet: protoc takes the
    /// next token, whatever it is.
    Unresolved,
}

/// protoc's `ParseFieldOptions`: `[default = x, json_name = "y", opt = z]`.
pub(super) fn field_options(i: In<'_>, default_for: DefaultFor) -> PResult<'_, FieldOptions> {
    let mut result = FieldOptions::default();
    if !i.looking_at_symbol(b'[') {
        return Ok((i, result));
    }
    let open = i.current().span;
    let mut i = i.next();
    loop {
        if i.looking_at("default") {
            if result.default.take().is_some() {
                report(i, already_set(i, "default"));
            }
            let (rest, default) = default_assignment(i, default_for)?;
            result.default = Some(Box::new(default));
            i = rest;
        } else if i.looking_at("json_name") {
            if result.json_name.take().is_some() {
                report(i, already_set(i, "json_name"));
            }
            let start = i.current().span;
            let (rest, _) = keyword("json_name")(i)?;
            let (rest, _) = cut(sym(b'=')).parse(rest)?;
            let (rest, value) =
                cut(string_lit("a string", "Expected string for JSON name.")).parse(rest)?;
            let span = start.to(value.span);
            result.json_name = Some(Box::new((value, span)));
            i = rest;
        } else {
            let (rest, option) = option_assignment(i)?;
            result.options.push(option);
            i = rest;
        }
        let (rest, comma) = try_consume(i, ",");
        i = rest;
        if comma.is_none() {
            break;
        }
    }
    let (i, close) = cut(sym(b']')).parse(i)?;
    result.options = super::exact(std::mem::take(&mut result.options));
    result.span = Some(open.to(close));
    Ok((i, result))
}

fn already_set(i: In<'_>, name: &str) -> Diagnostic {
    error_here(
        i,
        Code::DuplicatePseudoOption,
        &format!("`{name}` is set twice"),
        &format!("Already set option \"{name}\"."),
    )
    .label("second assignment")
}

/// protoc's `ParseDefaultAssignment`.
fn default_assignment(i: In<'_>, default_for: DefaultFor) -> PResult<'_, DefaultValue> {
    let start = i.current().span;
    let (i, _) = keyword("default")(i)?;
    let (i, _) = cut(sym(b'=')).parse(i)?;
    let value_start = i.current().span;
    let (rest, kind) = match default_for {
        DefaultFor::Unresolved => {
            let token = i.current();
            let rest = if token.kind == TokenKind::Eof {
                i
            } else {
                i.next()
            };
            (rest, DefaultKind::Token(token.span))
        }
        DefaultFor::Message => {
            let diagnostic = error_here(
                i,
                Code::InvalidDefaultValue,
                "message and group fields cannot have default values",
                "Messages can't have default values.",
            );
            return Err(fail_with(i, diagnostic));
        }
        DefaultFor::Scalar(scalar) => scalar_default(i, scalar)?,
    };
    let end = rest.previous().map_or(value_start, |t| t.span);
    Ok((
        rest,
        DefaultValue {
            kind,
            value_span: value_start.to(end),
            span: start.to(end),
        },
    ))
}

fn scalar_default(i: In<'_>, scalar: ScalarType) -> PResult<'_, DefaultKind> {
    use ScalarType::*;
    const INTEGER: &str = "Expected integer for field default value.";
    match scalar {
        Int32 | Int64 | Sint32 | Sint64 | Sfixed32 | Sfixed64 => {
            let mut max = if matches!(scalar, Int32 | Sint32 | Sfixed32) {
                i32::MAX as u64
            } else {
                i64::MAX as u64
            };
            let (i, minus) = try_consume(i, "-");
            if minus.is_some() {
                max += 1;
            }
            let (i, mut lit) = cut(integer(max, "an integer", INTEGER)).parse(i)?;
            if let Some(minus) = minus {
                lit.negative = true;
                lit.span = minus.to(lit.span);
            }
            Ok((i, DefaultKind::Int(lit)))
        }
        Uint32 | Uint64 | Fixed32 | Fixed64 => {
            let max = if matches!(scalar, Uint32 | Fixed32) {
                u32::MAX as u64
            } else {
                u64::MAX
            };
            let (i, minus) = try_consume(i, "-");
            if let Some(minus) = minus {
                let diagnostic = error_here(
                    i,
                    Code::InvalidDefaultValue,
                    "unsigned fields cannot have negative defaults",
                    "Unsigned field can't have negative default value.",
                )
                .secondary(minus, "remove this `-`");
                report(i, diagnostic);
            }
            let (i, lit) = cut(integer(max, "an integer", INTEGER)).parse(i)?;
            Ok((i, DefaultKind::Int(lit)))
        }
        Float | Double => {
            let (i, minus) = try_consume(i, "-");
            let (i, value) = number(i, "a number", "Expected number.")?;
            Ok((
                i,
                DefaultKind::Float(if minus.is_some() { -value } else { value }),
            ))
        }
        Bool => {
            if let (i, Some(_)) = try_consume(i, "true") {
                Ok((i, DefaultKind::Bool(true)))
            } else if let (i, Some(_)) = try_consume(i, "false") {
                Ok((i, DefaultKind::Bool(false)))
            } else {
                Err(fail(
                    i,
                    "`true` or `false`",
                    "Expected \"true\" or \"false\".",
                ))
            }
        }
        String => {
            let (i, value) = cut(string_lit(
                "a string",
                "Expected string for field default value.",
            ))
            .parse(i)?;
            Ok((i, DefaultKind::Str(value)))
        }
        Bytes => {
            let (i, value) = cut(string_lit("a string", "Expected string.")).parse(i)?;
            Ok((i, DefaultKind::Str(value)))
        }
    }
}
