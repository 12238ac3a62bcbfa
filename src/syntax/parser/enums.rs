//! Enums: values with their options, `option` and `reserved` statements,
//! and protoc's parse-time `allow_alias` checks.

use nom::combinator::cut;
use nom::Parser;

use super::message::{reserved, ReservedIn};
use super::primitives::{end_decl, ident, keyword, semicolon, signed_int32, sym_or, try_end_decl};
use super::{block, options, In, PResult};
use crate::diagnostics::{Code, Diagnostic};
use crate::source::Span;
use crate::syntax::ast::{Enum, EnumItem, EnumValue, OptionNamePart, ValueKind, Visibility};

/// protoc's `ParseEnumDefinition`.
pub(super) fn enumeration(i: In<'_>, visibility: Option<(Visibility, Span)>) -> PResult<'_, Enum> {
    let start = visibility.map_or(i.current().span, |(_, span)| span);
    let (i, _) = keyword("enum")(i)?;
    let (i, name) = cut(ident("an enum name", "Expected enum name.")).parse(i)?;
    let (i, (_, comments)) = cut(|i| end_decl(i, b'{', true)).parse(i)?;
    let (i, (items, close)) = block(
        i,
        "Reached end of input in enum definition (missing '}').",
        "enum",
        enum_statement,
    )?;
    let enumeration = Enum {
        visibility,
        name,
        items,
        span: start.to(close),
        comments: comments.unwrap_or_default(),
    };
    check_allow_alias(i, &enumeration);
    Ok((i, enumeration))
}

/// protoc's `ParseEnumStatement`.
fn enum_statement(i: In<'_>) -> PResult<'_, Option<EnumItem>> {
    if let Some((rest, _)) = try_end_decl(i, b';', false) {
        Ok((rest, None))
    } else if i.looking_at("option") {
        let (i, option) = options::option_statement(i)?;
        Ok((i, Some(EnumItem::Option(option))))
    } else if i.looking_at("reserved") {
        let (i, reserved) = reserved(i, ReservedIn::Enum)?;
        Ok((i, Some(EnumItem::Reserved(reserved))))
    } else {
        let (i, value) = enum_value(i)?;
        Ok((i, Some(EnumItem::Value(value))))
    }
}

/// protoc's `ParseEnumConstant`.
fn enum_value(i: In<'_>) -> PResult<'_, EnumValue> {
    let start = i.current().span;
    let (i, name) = cut(ident("an enum value name", "Expected enum constant name.")).parse(i)?;
    let (i, _) = cut(sym_or(
        b'=',
        "`=` and a number",
        "Missing numeric value for enum constant.",
    ))
    .parse(i)?;
    let (i, number) = cut(signed_int32("an integer", "Expected integer.")).parse(i)?;
    let (i, value_options) = options::bracketed_options(i)?;
    let (i, (end, comments)) = semicolon(i, "the enum value")?;
    Ok((
        i,
        EnumValue {
            name,
            number,
            options: value_options
                .map(|(options, _)| options)
                .unwrap_or_default(),
            span: start.to(end),
            comments: comments.unwrap_or_default(),
        },
    ))
}

/// protoc's `ValidateEnum`, which its parser runs after each enum: an
/// `allow_alias` that is not `true`, or that no alias needs, is an error.
/// protoc reports it at the token after the enum; the primary label goes
/// there too (so editors and protoc agree on the line), a second label on
/// the option itself.
fn check_allow_alias(after: In<'_>, enumeration: &Enum) {
    let ctx = after.ctx;
    let allow_alias = enumeration.items.iter().find_map(|item| match item {
        EnumItem::Option(option) => match option.name.parts.as_slice() {
            [OptionNamePart::Field(name)] if ctx.text(name.span) == b"allow_alias" => Some(option),
            _ => None,
        },
        _ => None,
    });
    let Some(option) = allow_alias else {
        return;
    };
    let is_true = matches!(option.value.kind, ValueKind::Ident(v) if ctx.text(v.span) == b"true");
    let name = String::from_utf8_lossy(ctx.text(enumeration.name.span));
    let diagnostic = if !is_true {
        Diagnostic::error(
            Code::InvalidOptionValue,
            ctx.file,
            after.current().span,
            format!("`allow_alias` in enum `{name}` is not `true` and has no effect"),
        )
        .protoc(format!(
            "\"{name}\" declares 'option allow_alias = false;' which has no effect. Please \
             remove the declaration."
        ))
        .help("remove the option")
    } else {
        let mut numbers: Vec<i32> = enumeration
            .items
            .iter()
            .filter_map(|item| match item {
                EnumItem::Value(value) => Some(value.number.as_i32()),
                _ => None,
            })
            .collect();
        let count = numbers.len();
        numbers.sort_unstable();
        numbers.dedup();
        if numbers.len() < count {
            return;
        }
        Diagnostic::error(
            Code::InvalidOptionValue,
            ctx.file,
            after.current().span,
            format!("enum `{name}` allows aliases but has none"),
        )
        .protoc(format!(
            "\"{name}\" declares support for enum aliases but no enum values share field \
             numbers. Please remove the unnecessary 'option allow_alias = true;' declaration."
        ))
        .help("remove `option allow_alias = true;`")
    };
    let diagnostic = diagnostic
        .label(format!("checked when enum `{name}` ends, before this"))
        .secondary(option.span, "the option")
        .fix(option.span, "");
    ctx.report(after.idx, diagnostic);
}
