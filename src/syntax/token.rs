//! Tokens: a kind and a byte span. The text is never copied; it is read back
//! from the source through the span.

use crate::source::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    /// `[A-Za-z_][A-Za-z0-9_]*`
    Ident,
    /// A decimal, octal or hex integer, never signed.
    Int,
    /// A decimal number with a point or an exponent.
    Float,
    /// A single- or double-quoted string, quotes included.
    Str,
    /// Any other single byte, such as `{` or `=`.
    Symbol,
    /// The end of the file; always the last token.
    Eof,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    pub kind: TokenKind,
    pub span: Span,
}

impl Token {
    /// The token's text.
    pub fn text<'s>(&self, src: &'s [u8]) -> &'s [u8] {
        &src[self.span.start as usize..self.span.end as usize]
    }

    /// Whether this token's text is exactly `text` (protoc's `LookingAt`).
    pub fn is(&self, src: &[u8], text: &str) -> bool {
        self.kind != TokenKind::Eof && self.text(src) == text.as_bytes()
    }

    pub fn is_symbol(&self, src: &[u8], symbol: u8) -> bool {
        self.kind == TokenKind::Symbol && src[self.span.start as usize] == symbol
    }
}
