//! Token-level parsers (symbols, keywords, identifiers, literals) and the
//! helpers that build syntax errors in both our wording and protoc's.

use nom::combinator::cut;
use nom::Err as NomErr;
use nom::Parser;

use super::{Ctx, In, PErr, PResult};
use crate::diagnostics::{Code, Diagnostic};
use crate::source::Span;
use crate::syntax::ast::{Comments, FullIdent, Ident, IntLit, StrLit};
use crate::syntax::literals;
use crate::syntax::token::TokenKind;

/// A readable name for the token at `idx`, for "found ..." messages.
pub(crate) fn describe(ctx: &Ctx<'_>, idx: usize) -> String {
    let token = ctx.token(idx);
    let text = String::from_utf8_lossy(token.text(ctx.src));
    match token.kind {
        TokenKind::Eof => "end of file".into(),
        TokenKind::Str => "a string literal".into(),
        TokenKind::Int | TokenKind::Float => format!("number `{text}`"),
        TokenKind::Ident => format!("`{text}`"),
        TokenKind::Symbol => format!("`{text}`"),
    }
}

/// "expected WHAT, found X" at the token at `idx`, with protoc's message.
pub(crate) fn unexpected(ctx: &Ctx<'_>, idx: usize, what: &str, protoc: &str) -> Diagnostic {
    let span = ctx.token(idx).span;
    Diagnostic::error(
        Code::UnexpectedToken,
        ctx.file,
        span,
        format!("expected {what}, found {}", describe(ctx, idx)),
    )
    .protoc(protoc)
    .label(format!("expected {what}"))
}

fn err(i: In<'_>, diagnostic: Diagnostic) -> PErr {
    PErr {
        idx: i.idx,
        diagnostic: Some(Box::new(diagnostic)),
    }
}

/// A recoverable mismatch ("not this production").
pub(crate) fn miss(i: In<'_>, what: &str, protoc: &str) -> NomErr<PErr> {
    NomErr::Error(err(i, unexpected(i.ctx, i.idx, what, protoc)))
}

/// A broken statement, reported with `diagnostic`.
pub(crate) fn fail_with(i: In<'_>, diagnostic: Diagnostic) -> NomErr<PErr> {
    NomErr::Failure(err(i, diagnostic))
}

/// A broken statement: "expected WHAT" at the current token.
pub(crate) fn fail(i: In<'_>, what: &str, protoc: &str) -> NomErr<PErr> {
    fail_with(i, unexpected(i.ctx, i.idx, what, protoc))
}

/// The file ended inside a block.
pub(crate) fn fail_eof(i: In<'_>, protoc: &str, what: &str) -> NomErr<PErr> {
    fail_with(i, eof_diagnostic(i, protoc, what))
}

/// The file ended inside a block opened by the `{` at token `open`: the
/// brace is labelled too, and the fix closes the block at the end.
pub(crate) fn fail_eof_unclosed(i: In<'_>, protoc: &str, what: &str, open: usize) -> NomErr<PErr> {
    let mut diagnostic = eof_diagnostic(i, protoc, what);
    let brace = i.at(open);
    if brace.looking_at_symbol(b'{') {
        diagnostic = diagnostic
            .secondary(brace.current().span, "this `{` is never closed")
            .help(format!("add the missing `}}` to close the {what}"))
            .fix(Span::point(i.current().span.start), "}\n");
    }
    fail_with(i, diagnostic)
}

fn eof_diagnostic(i: In<'_>, protoc: &str, what: &str) -> Diagnostic {
    Diagnostic::error(
        Code::UnexpectedEof,
        i.ctx.file,
        i.current().span,
        format!("unexpected end of file in {what}"),
    )
    .protoc(protoc)
    .label("the file ends here")
}

/// An error at token `idx` that does not stop the statement.
pub(crate) fn report(i: In<'_>, diagnostic: Diagnostic) {
    i.ctx.report(i.idx, diagnostic);
}

pub(crate) fn error_here(i: In<'_>, code: Code, message: &str, protoc: &str) -> Diagnostic {
    Diagnostic::error(code, i.ctx.file, i.current().span, message).protoc(protoc)
}

/// protoc's `Consume(text)` for a symbol; fails with `Expected "c".`
pub(crate) fn sym<'a>(c: u8) -> impl Fn(In<'a>) -> PResult<'a, Span> {
    move |i: In<'a>| {
        if i.looking_at_symbol(c) {
            Ok((i.next(), i.current().span))
        } else {
            let c = c as char;
            Err(miss(i, &format!("`{c}`"), &format!("Expected \"{c}\".")))
        }
    }
}

/// protoc's `Consume(text, error)` for a symbol with a custom error.
pub(crate) fn sym_or<'a>(
    c: u8,
    what: &'static str,
    protoc: &'static str,
) -> impl Fn(In<'a>) -> PResult<'a, Span> {
    move |i: In<'a>| {
        if i.looking_at_symbol(c) {
            Ok((i.next(), i.current().span))
        } else {
            Err(miss(i, what, protoc))
        }
    }
}

/// protoc's `Consume(word)` for a keyword.
pub(crate) fn keyword<'a>(word: &'static str) -> impl Fn(In<'a>) -> PResult<'a, Span> {
    move |i: In<'a>| {
        if i.looking_at(word) {
            Ok((i.next(), i.current().span))
        } else {
            Err(miss(
                i,
                &format!("`{word}`"),
                &format!("Expected \"{word}\"."),
            ))
        }
    }
}

/// protoc's `TryConsume(text)`: consumes the token if it is `text`.
pub(crate) fn try_consume<'a>(i: In<'a>, text: &str) -> (In<'a>, Option<Span>) {
    if i.looking_at(text) {
        (i.next(), Some(i.current().span))
    } else {
        (i, None)
    }
}

/// protoc's `ConsumeIdentifier(error)`.
pub(crate) fn ident<'a>(
    what: &'static str,
    protoc: &'static str,
) -> impl Fn(In<'a>) -> PResult<'a, Ident> {
    move |i: In<'a>| {
        if i.kind() == TokenKind::Ident {
            Ok((
                i.next(),
                Ident {
                    span: i.current().span,
                },
            ))
        } else {
            Err(miss(i, what, protoc))
        }
    }
}

/// protoc's `TryConsumeEndOfDeclaration`/`ConsumeEndOfDeclaration`: the
/// token that ends a declaration, with the comments protoc attaches there.
/// `attach` is false where protoc passes no location.
pub(crate) fn end_decl<'a>(
    i: In<'a>,
    c: u8,
    attach: bool,
) -> PResult<'a, (Span, Option<Comments>)> {
    try_end_decl(i, c, attach).ok_or_else(|| {
        let c = c as char;
        miss(i, &format!("`{c}`"), &format!("Expected \"{c}\"."))
    })
}

/// [`end_decl`] where its absence is not an error: a block's loop asks at
/// every statement whether the block ends, and building an error to
/// discard each time is a parse's largest cost.
pub(crate) fn try_end_decl<'a>(
    i: In<'a>,
    c: u8,
    attach: bool,
) -> Option<(In<'a>, (Span, Option<Comments>))> {
    if !i.looking_at_symbol(c) {
        return None;
    }
    let comments = i.ctx.collect_after(i.idx, c == b'}', attach);
    Some((i.next(), (i.current().span, comments)))
}

/// The `;` ending a declaration described by `what`: on failure, the
/// primary label is on the token protoc names, and a second label and the
/// fix sit right after the previous token, where the `;` belongs.
pub(crate) fn semicolon<'a>(i: In<'a>, what: &str) -> PResult<'a, (Span, Option<Comments>)> {
    end_decl(i, b';', true).map_err(|_| {
        let found = describe(i.ctx, i.idx);
        let after = i.previous().map_or(0, |t| t.span.end);
        let diagnostic = Diagnostic::error(
            Code::UnexpectedToken,
            i.ctx.file,
            i.current().span,
            format!("expected `;` after {what}, found {found}"),
        )
        .protoc("Expected \";\".")
        .label("expected `;` before this")
        .secondary(Span::point(after), "add `;` here")
        .fix(Span::point(after), ";");
        fail_with(i, diagnostic)
    })
}

/// protoc's `ConsumeString`: one or more adjacent string literals.
pub(crate) fn string_lit<'a>(
    what: &'static str,
    protoc: &'static str,
) -> impl Fn(In<'a>) -> PResult<'a, StrLit> {
    move |mut i: In<'a>| {
        if i.kind() != TokenKind::Str {
            return Err(miss(i, what, protoc));
        }
        let start = i.current().span;
        // Room for the first literal without its quotes, which escapes
        // only shorten; the value stays in the tree.
        let mut value = Vec::with_capacity(i.ctx.text(start).len().saturating_sub(2));
        let mut end = start;
        while i.kind() == TokenKind::Str {
            end = i.current().span;
            literals::unescape_into(i.ctx.text(end), &mut value);
            i = i.next();
        }
        Ok((
            i,
            StrLit {
                value: super::exact(value),
                span: start.to(end),
            },
        ))
    }
}

fn out_of_range(i: In<'_>, max: u64) -> Diagnostic {
    error_here(
        i,
        Code::IntegerOutOfRange,
        &format!("integer out of range; the largest allowed here is {max}"),
        "Integer out of range.",
    )
    .label("out of range")
}

/// protoc's `ConsumeInteger64(max)`: an unsigned integer; one above `max`
/// is reported and read as 0, without failing the statement.
pub(crate) fn integer<'a>(
    max: u64,
    what: &'static str,
    protoc: &'static str,
) -> impl Fn(In<'a>) -> PResult<'a, IntLit> {
    move |i: In<'a>| {
        if i.kind() != TokenKind::Int {
            return Err(miss(i, what, protoc));
        }
        let span = i.current().span;
        let magnitude = literals::parse_integer(i.ctx.text(span), max).unwrap_or_else(|| {
            report(i, out_of_range(i, max));
            0
        });
        Ok((
            i.next(),
            IntLit {
                negative: false,
                magnitude,
                span,
            },
        ))
    }
}

/// protoc's `ConsumeSignedInteger`: `-`? and an int32.
pub(crate) fn signed_int32<'a>(
    what: &'static str,
    protoc: &'static str,
) -> impl Fn(In<'a>) -> PResult<'a, IntLit> {
    move |i: In<'a>| {
        let (rest, minus) = try_consume(i, "-");
        let max = i32::MAX as u64 + u64::from(minus.is_some());
        let (rest, mut lit) = integer(max, what, protoc)(rest)?;
        if let Some(minus) = minus {
            lit.negative = true;
            lit.span = minus.to(lit.span);
        }
        Ok((rest, lit))
    }
}

/// protoc's `ParseUserDefinedType`: a possibly-qualified type name.
pub(crate) fn type_name(i: In<'_>) -> PResult<'_, FullIdent> {
    let current = i.current();
    let is_type_keyword = current.kind == TokenKind::Ident
        && (crate::syntax::ast::ScalarType::from_name(i.ctx.text(current.span)).is_some()
            || i.looking_at("group"));
    if is_type_keyword {
        // protoc accepts it to go on parsing, but reports it.
        report(
            i,
            error_here(
                i,
                Code::ExpectedMessageType,
                "expected a message type, found a scalar type",
                "Expected message type.",
            )
            .label("scalar types cannot be used here"),
        );
        let part = Ident { span: current.span };
        return Ok((
            i.next(),
            FullIdent {
                leading_dot: None,
                parts: vec![part],
                span: current.span,
            },
        ));
    }
    let (i2, leading_dot) = if i.looking_at_symbol(b'.') {
        (i.next(), Some(i.current().span))
    } else {
        (i, None)
    };
    let (mut rest, first) = cut(ident("a type name", "Expected type name.")).parse(i2)?;
    let mut parts = vec![first];
    while rest.looking_at_symbol(b'.') {
        let (after, part) =
            cut(ident("an identifier", "Expected identifier.")).parse(rest.next())?;
        parts.push(part);
        rest = after;
    }
    let start = leading_dot.unwrap_or(first.span);
    let end = parts.last().map_or(first.span, |p| p.span);
    Ok((
        rest,
        FullIdent {
            leading_dot,
            parts,
            span: start.to(end),
        },
    ))
}
