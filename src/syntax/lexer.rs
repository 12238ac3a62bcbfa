//! The tokenizer. It follows protoc's tokenizer rule for rule, so that the
//! same bytes give the same tokens and the same errors at the same places:
//! whitespace is ASCII whitespace, a line ends at `\n` only, identifiers are
//! ASCII, every byte >= 0x80 outside strings and comments is a one-byte
//! symbol with an error, and a number may not run into a letter.
//!
//! Errors do not stop it: like protoc it reports and carries on, so that one
//! run shows every error. Each error is tagged with the index of the token
//! being read when it was found, which lets the parser interleave lexical
//! and syntax errors in the order protoc reports them.

use super::token::{Token, TokenKind};
use crate::diagnostics::{Code, Diagnostic};
use crate::source::{FileId, Span};

/// The tokens of a file (always ending with [`TokenKind::Eof`]) and the
/// lexical errors, each with the index of the token it was found reading.
pub struct Lexed {
    pub tokens: Vec<Token>,
    pub errors: Vec<(u32, Diagnostic)>,
}

pub fn lex(file: FileId, src: &[u8]) -> Lexed {
    let mut lexer = Lexer {
        src,
        pos: 0,
        file,
        // Roughly one token per five bytes in real-world files.
        tokens: Vec::with_capacity(src.len() / 5 + 1),
        errors: Vec::new(),
    };
    lexer.skip_byte_order_mark();
    lexer.run();
    Lexed {
        tokens: lexer.tokens,
        errors: lexer.errors,
    }
}

pub(crate) fn is_whitespace(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

pub(crate) fn is_whitespace_no_newline(byte: u8) -> bool {
    byte != b'\n' && is_whitespace(byte)
}

fn is_letter(byte: u8) -> bool {
    byte.is_ascii_alphabetic() || byte == b'_'
}

fn is_alphanumeric(byte: u8) -> bool {
    is_letter(byte) || byte.is_ascii_digit()
}

fn is_octal(byte: u8) -> bool {
    (b'0'..=b'7').contains(&byte)
}

fn is_simple_escape(byte: u8) -> bool {
    matches!(
        byte,
        b'a' | b'b' | b'f' | b'n' | b'r' | b't' | b'v' | b'\\' | b'?' | b'\'' | b'"'
    )
}

struct Lexer<'a> {
    src: &'a [u8],
    pos: usize,
    file: FileId,
    tokens: Vec<Token>,
    errors: Vec<(u32, Diagnostic)>,
}

impl Lexer<'_> {
    /// The current byte; NUL past the end, as in protoc, where a NUL byte in
    /// the text and the end of input look alike to most rules.
    fn cur(&self) -> u8 {
        self.src.get(self.pos).copied().unwrap_or(0)
    }

    fn peek(&self, ahead: usize) -> u8 {
        self.src.get(self.pos + ahead).copied().unwrap_or(0)
    }

    fn at_eof(&self) -> bool {
        self.pos >= self.src.len()
    }

    fn bump(&mut self) {
        self.pos += 1;
    }

    fn eat(&mut self, byte: u8) -> bool {
        if !self.at_eof() && self.cur() == byte {
            self.bump();
            true
        } else {
            false
        }
    }

    fn eat_if(&mut self, class: impl Fn(u8) -> bool) -> bool {
        if !self.at_eof() && class(self.cur()) {
            self.bump();
            true
        } else {
            false
        }
    }

    fn eat_while(&mut self, class: impl Fn(u8) -> bool) {
        while self.eat_if(&class) {}
    }

    fn error_at(&mut self, offset: usize, code: Code, message: &str) -> &mut Diagnostic {
        let index = self.tokens.len() as u32;
        let span = Span::new(
            offset as u32,
            (offset as u32 + 1).min(self.src.len() as u32),
        );
        let span = if offset >= self.src.len() {
            Span::point(self.src.len() as u32)
        } else {
            span
        };
        let diagnostic = Diagnostic::error(code, self.file, span, message);
        self.errors.push((index, diagnostic));
        &mut self.errors.last_mut().expect("just pushed").1
    }

    /// Reports `protoc_message` at the current byte, with our own wording.
    fn error(&mut self, code: Code, protoc_message: &str, message: &str, label: &str) {
        let pos = self.pos;
        let diagnostic = self.error_at(pos, code, message);
        diagnostic.protoc_message = protoc_message.to_owned();
        diagnostic.primary.message = label.to_owned();
    }

    fn skip_byte_order_mark(&mut self) {
        if self.eat(0xEF) && (!self.eat(0xBB) || !self.eat(0xBF)) {
            self.error(
                Code::InvalidByteOrderMark,
                "Proto file starts with 0xEF but not UTF-8 BOM. \
                 Only UTF-8 is accepted for proto file.",
                "the file starts with 0xEF but not with a UTF-8 byte-order mark",
                "expected the bytes EF BB BF",
            );
        }
    }

    fn run(&mut self) {
        loop {
            self.eat_while(is_whitespace);
            if self.cur() == b'/' && self.peek(1) == b'/' {
                self.pos += 2;
                self.skip_line_comment();
                continue;
            }
            if self.cur() == b'/' && self.peek(1) == b'*' {
                self.pos += 2;
                self.skip_block_comment();
                continue;
            }
            if self.at_eof() {
                break;
            }
            let byte = self.cur();
            if byte < b' ' {
                self.skip_control_characters();
                continue;
            }
            self.token();
        }
        let end = self.src.len() as u32;
        self.tokens.push(Token {
            kind: TokenKind::Eof,
            span: Span::point(end),
        });
    }

    fn skip_control_characters(&mut self) {
        self.error(
            Code::ControlCharacter,
            "Invalid control characters encountered in text.",
            "invalid control character",
            "control character here",
        );
        self.bump();
        // Like protoc, swallow the whole run, whitespace included.
        while !self.at_eof() && self.cur() < b' ' {
            self.bump();
        }
    }

    fn skip_line_comment(&mut self) {
        while self.cur() != 0 && self.cur() != b'\n' {
            self.bump();
        }
        self.eat(b'\n');
    }

    fn skip_block_comment(&mut self) {
        let start = self.pos - 2;
        loop {
            while !matches!(self.cur(), 0 | b'*' | b'/' | b'\n') {
                self.bump();
            }
            if self.eat(b'\n') {
                self.eat_while(is_whitespace_no_newline);
                if self.eat(b'*') && self.eat(b'/') {
                    return;
                }
            } else if self.eat(b'*') && self.eat(b'/') {
                return;
            } else if self.eat(b'/') && self.cur() == b'*' {
                self.error(
                    Code::NestedBlockComment,
                    "\"/*\" inside block comment.  Block comments cannot be nested.",
                    "`/*` inside a block comment",
                    "block comments cannot be nested",
                );
            } else if self.cur() == 0 {
                let pos = self.pos;
                self.error_at(
                    pos,
                    Code::UnterminatedBlockComment,
                    "unterminated block comment",
                )
                .protoc_message = "End-of-file inside block comment.".into();
                let diagnostic = &mut self.errors.last_mut().expect("just pushed").1;
                diagnostic.primary.message = "the comment is still open here".into();
                diagnostic.secondary.push(crate::diagnostics::Label {
                    file: self.file,
                    span: Span::new(start as u32, start as u32 + 2),
                    message: "comment started here".into(),
                });
                diagnostic.help = Some("close the comment with `*/`".into());
                return;
            }
        }
    }

    fn token(&mut self) {
        let start = self.pos;
        let byte = self.cur();
        let kind = if is_letter(byte) {
            self.bump();
            self.eat_while(is_alphanumeric);
            TokenKind::Ident
        } else if byte == b'0' {
            self.bump();
            self.number(true, false)
        } else if byte == b'.' && self.peek(1).is_ascii_digit() {
            self.check_identifier_before_dot(start);
            self.pos += 2;
            self.number(false, true)
        } else if byte.is_ascii_digit() {
            self.bump();
            self.number(false, false)
        } else if byte == b'"' || byte == b'\'' {
            self.bump();
            self.string(byte);
            TokenKind::Str
        } else {
            if byte >= 0x80 {
                self.error(
                    Code::NonAsciiCharacter,
                    &format!("Interpreting non ascii codepoint {byte}."),
                    "non-ASCII character outside a string or comment",
                    "only ASCII may appear outside strings and comments",
                );
            }
            self.bump();
            TokenKind::Symbol
        };
        self.tokens.push(Token {
            kind,
            span: Span::new(start as u32, self.pos as u32),
        });
    }

    /// protoc rejects `blah.123`: an identifier glued to a float.
    fn check_identifier_before_dot(&mut self, dot: usize) {
        if let Some(prev) = self.tokens.last() {
            if prev.kind == TokenKind::Ident && prev.span.end as usize == dot {
                self.error_at(
                    dot,
                    Code::IdentifierFollowedByNumber,
                    "identifier runs into a number",
                )
                .protoc_message = "Need space between identifier and decimal point.".into();
                let d = &mut self.errors.last_mut().expect("just pushed").1;
                d.primary.message = "add a space before `.`".into();
            }
        }
    }

    fn number(&mut self, started_with_zero: bool, started_with_dot: bool) -> TokenKind {
        let mut is_float = false;
        if started_with_zero && (self.eat(b'x') || self.eat(b'X')) {
            if !self.eat_if(|b| b.is_ascii_hexdigit()) {
                self.error(
                    Code::HexWithoutDigits,
                    "\"0x\" must be followed by hex digits.",
                    "`0x` without hex digits",
                    "expected a hex digit",
                );
            }
            self.eat_while(|b| b.is_ascii_hexdigit());
        } else if started_with_zero && self.cur().is_ascii_digit() {
            self.eat_while(is_octal);
            if self.cur().is_ascii_digit() {
                self.error(
                    Code::InvalidOctal,
                    "Numbers starting with leading zero must be in octal.",
                    "a number with a leading zero must be octal",
                    "not an octal digit",
                );
                self.eat_while(|b| b.is_ascii_digit());
            }
        } else {
            if started_with_dot {
                is_float = true;
                self.eat_while(|b| b.is_ascii_digit());
            } else {
                self.eat_while(|b| b.is_ascii_digit());
                if self.eat(b'.') {
                    is_float = true;
                    self.eat_while(|b| b.is_ascii_digit());
                }
            }
            if self.eat(b'e') || self.eat(b'E') {
                is_float = true;
                let _ = self.eat(b'-') || self.eat(b'+');
                if !self.eat_if(|b| b.is_ascii_digit()) {
                    self.error(
                        Code::MissingExponent,
                        "\"e\" must be followed by exponent.",
                        "exponent has no digits",
                        "expected a digit",
                    );
                }
                self.eat_while(|b| b.is_ascii_digit());
            }
        }
        if is_letter(self.cur()) {
            self.error(
                Code::NumberFollowedByLetter,
                "Need space between number and identifier.",
                "number runs into an identifier",
                "add a space before this",
            );
        } else if self.cur() == b'.' {
            if is_float {
                self.error(
                    Code::ExtraDecimalPoint,
                    "Already saw decimal point or exponent; can't have another one.",
                    "a second decimal point in a number",
                    "unexpected `.`",
                );
            } else {
                self.error(
                    Code::NonDecimalFloat,
                    "Hex and octal numbers must be integers.",
                    "hex and octal numbers must be integers",
                    "unexpected `.`",
                );
            }
        }
        if is_float {
            TokenKind::Float
        } else {
            TokenKind::Int
        }
    }

    fn string(&mut self, delimiter: u8) {
        loop {
            match self.cur() {
                0 => {
                    self.error(
                        Code::UnterminatedString,
                        "Unexpected end of string.",
                        "unterminated string",
                        "the string is still open here",
                    );
                    return;
                }
                b'\n' => {
                    self.error(
                        Code::MultilineString,
                        "Multiline strings are not allowed. Did you miss a \"?.",
                        "string literal runs to the end of the line",
                        "missing closing quote",
                    );
                    return;
                }
                b'\\' => {
                    self.bump();
                    self.escape();
                }
                byte => {
                    self.bump();
                    if byte == delimiter {
                        return;
                    }
                }
            }
        }
    }

    fn escape(&mut self) {
        if self.eat_if(is_simple_escape) || self.eat_if(is_octal) {
            return;
        }
        if self.eat(b'x') || self.eat(b'X') {
            if !self.eat_if(|b| b.is_ascii_hexdigit()) {
                self.error(
                    Code::InvalidHexEscape,
                    "Expected hex digits for escape sequence.",
                    "`\\x` escape without hex digits",
                    "expected a hex digit",
                );
            }
        } else if self.eat(b'u') {
            let ok = (0..4).all(|_| self.eat_if(|b| b.is_ascii_hexdigit()));
            if !ok {
                self.error(
                    Code::InvalidUnicodeEscape,
                    "Expected four hex digits for \\u escape sequence.",
                    "`\\u` needs four hex digits",
                    "expected a hex digit",
                );
            }
        } else if self.eat(b'U') {
            let ok = self.eat(b'0')
                && self.eat(b'0')
                && (self.eat(b'0') || self.eat(b'1'))
                && (0..5).all(|_| self.eat_if(|b| b.is_ascii_hexdigit()));
            if !ok {
                self.error(
                    Code::InvalidUnicodeEscape,
                    "Expected eight hex digits up to 10ffff for \\U escape sequence",
                    "`\\U` needs eight hex digits, at most 0010ffff",
                    "unexpected character in the escape",
                );
            }
        } else {
            self.error(
                Code::InvalidEscape,
                "Invalid escape sequence in string literal.",
                "invalid escape sequence",
                "not an escape character",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<(TokenKind, String)> {
        let lexed = lex(FileId(0), src.as_bytes());
        lexed
            .tokens
            .iter()
            .map(|t| {
                (
                    t.kind,
                    String::from_utf8_lossy(t.text(src.as_bytes())).into_owned(),
                )
            })
            .collect()
    }

    fn errors(src: &[u8]) -> Vec<(u32, String)> {
        lex(FileId(0), src)
            .errors
            .into_iter()
            .map(|(_, d)| (d.protoc_offset.unwrap_or(u32::MAX), d.protoc_message))
            .collect()
    }

    #[test]
    fn numbers_follow_protoc() {
        use TokenKind::*;
        assert_eq!(
            kinds("0x1F 017 1. .5 1e5 1.5e-3 0"),
            vec![
                (Int, "0x1F".into()),
                (Int, "017".into()),
                (Float, "1.".into()),
                (Float, ".5".into()),
                (Float, "1e5".into()),
                (Float, "1.5e-3".into()),
                (Int, "0".into()),
                (Eof, "".into()),
            ]
        );
    }

    #[test]
    fn a_dot_not_before_a_digit_is_a_symbol() {
        use TokenKind::*;
        assert_eq!(
            kinds("a.b"),
            vec![
                (Ident, "a".into()),
                (Symbol, ".".into()),
                (Ident, "b".into()),
                (Eof, "".into())
            ]
        );
    }

    #[test]
    fn number_errors_point_at_the_offending_byte() {
        assert_eq!(
            errors(b"1x"),
            vec![(1, "Need space between number and identifier.".into())]
        );
        assert_eq!(
            errors(b"0x;"),
            vec![(2, "\"0x\" must be followed by hex digits.".into())]
        );
        assert_eq!(
            errors(b"09"),
            vec![(
                1,
                "Numbers starting with leading zero must be in octal.".into()
            )]
        );
        assert_eq!(
            errors(b"a.5"),
            vec![(1, "Need space between identifier and decimal point.".into())]
        );
    }

    #[test]
    fn strings_and_escapes() {
        assert_eq!(
            errors(br#""a\qb""#),
            vec![(3, "Invalid escape sequence in string literal.".into())]
        );
        assert_eq!(
            errors(b"\"abc"),
            vec![(4, "Unexpected end of string.".into())]
        );
        assert_eq!(
            errors(b"'a\nb'"),
            vec![
                (
                    2,
                    "Multiline strings are not allowed. Did you miss a \"?.".into()
                ),
                (5, "Unexpected end of string.".into())
            ]
        );
        assert!(errors(br#""\x41\101\u00e9\U0010ffff\'""#).is_empty());
    }

    #[test]
    fn comments_and_control_characters() {
        assert!(errors(b"// x\n/* y\n * z */").is_empty());
        assert_eq!(
            errors(b"/* x"),
            vec![(4, "End-of-file inside block comment.".into())]
        );
        assert_eq!(
            errors(b"a \x01\x02 b"),
            vec![(2, "Invalid control characters encountered in text.".into())]
        );
        assert_eq!(errors("é".as_bytes()).len(), 2);
    }

    #[test]
    fn byte_order_mark_is_skipped() {
        let lexed = lex(FileId(0), b"\xEF\xBB\xBFsyntax");
        assert!(lexed.errors.is_empty());
        assert_eq!(lexed.tokens[0].span, Span::new(3, 9));
        assert_eq!(errors(b"\xEFsyntax").len(), 1);
    }
}
