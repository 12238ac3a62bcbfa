//! The text-format tokenizer: protoc's `io::Tokenizer` as its text parser
//! configures it (`#` comments, an `f` allowed after a float, a space
//! required after a number, no multi-line strings), token by token and
//! error by error.
//!
//! The parser pulls one token at a time and switches two modes between
//! pulls, exactly where protoc's parser switches them, because they change
//! how the *next* token is read: `report_whitespace` turns a run of
//! whitespace into a token of its own (positions of some errors depend on
//! it), and `report_url_chars` reads the inside of `[...]` as URL
//! characters. Errors are collected in order of discovery, at the
//! tokenizer's position when it found them, as protoc reports them.

use super::TextError;

/// A token's kind, as protoc names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Start,
    End,
    Identifier,
    Integer,
    Float,
    String,
    Symbol,
    Whitespace,
    UrlChars,
}

/// One token: its kind, its bytes in the input and where it starts.
/// Lines and columns are 0-based; columns count bytes, tabs advancing to
/// the next multiple of 8.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Token {
    pub kind: Kind,
    pub start: usize,
    pub end: usize,
    pub line: u32,
    pub column: u32,
    pub end_column: u32,
}

const TAB_WIDTH: u32 = 8;

fn is_whitespace(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

fn is_unprintable(c: u8) -> bool {
    (1..b' ').contains(&c)
}

fn is_letter(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_'
}

fn is_alphanumeric(c: u8) -> bool {
    is_letter(c) || c.is_ascii_digit()
}

fn is_octal(c: u8) -> bool {
    (b'0'..=b'7').contains(&c)
}

fn is_escape(c: u8) -> bool {
    b"abfnrtv\\?'\"".contains(&c)
}

fn is_url_char(c: u8) -> bool {
    is_alphanumeric(c) || b"-.~!$&()*+,;=%/".contains(&c)
}

/// Whether `text` is an identifier as the tokenizer reads one.
pub(crate) fn is_identifier(text: &[u8]) -> bool {
    match text.split_first() {
        Some((&first, rest)) => is_letter(first) && rest.iter().all(|&c| is_alphanumeric(c)),
        None => false,
    }
}

pub(crate) struct Tokenizer<'a> {
    input: &'a [u8],
    pos: usize,
    line: u32,
    column: u32,
    current: Token,
    previous: Token,
    pub report_whitespace: bool,
    pub report_url_chars: bool,
    /// Every error and warning so far, in order.
    pub diagnostics: Vec<TextError>,
}

impl<'a> Tokenizer<'a> {
    /// A tokenizer before its first token (`Kind::Start`); call `next`.
    pub fn new(input: &'a [u8]) -> Self {
        let start = Token {
            kind: Kind::Start,
            start: 0,
            end: 0,
            line: 0,
            column: 0,
            end_column: 0,
        };
        Tokenizer {
            input,
            pos: 0,
            line: 0,
            column: 0,
            current: start,
            previous: start,
            report_whitespace: false,
            report_url_chars: false,
            diagnostics: Vec::new(),
        }
    }

    pub fn current(&self) -> &Token {
        &self.current
    }

    /// The bytes of a token.
    pub fn text(&self, token: &Token) -> &'a [u8] {
        &self.input[token.start..token.end]
    }

    /// The bytes of the current token.
    pub fn current_text(&self) -> &'a [u8] {
        self.text(&self.current)
    }

    /// Records an error at a position.
    pub fn error_at(&mut self, line: u32, column: u32, message: String) {
        self.diagnostics.push(TextError {
            line,
            column,
            message,
            warning: false,
        });
    }

    fn error_here(&mut self, message: &str) {
        self.error_at(self.line, self.column, message.to_string());
    }

    fn at_end(&self) -> bool {
        self.pos >= self.input.len()
    }

    /// The character under the cursor; 0 at the end, as protoc reads it.
    fn peek(&self) -> u8 {
        self.input.get(self.pos).copied().unwrap_or(0)
    }

    fn advance(&mut self) {
        match self.peek() {
            b'\n' => {
                self.line += 1;
                self.column = 0;
            }
            b'\t' => self.column += TAB_WIDTH - self.column % TAB_WIDTH,
            _ => self.column += 1,
        }
        self.pos += 1;
    }

    fn try_consume(&mut self, c: u8) -> bool {
        if !self.at_end() && self.peek() == c {
            self.advance();
            true
        } else {
            false
        }
    }

    fn try_consume_one(&mut self, class: fn(u8) -> bool) -> bool {
        if !self.at_end() && class(self.peek()) {
            self.advance();
            true
        } else {
            false
        }
    }

    fn consume_zero_or_more(&mut self, class: fn(u8) -> bool) {
        while self.try_consume_one(class) {}
    }

    fn consume_one_or_more(&mut self, class: fn(u8) -> bool, error: &str) {
        if !self.try_consume_one(class) {
            self.error_here(error);
        } else {
            self.consume_zero_or_more(class);
        }
    }

    fn start_token(&mut self) {
        self.current = Token {
            kind: Kind::Start,
            start: self.pos,
            end: self.pos,
            line: self.line,
            column: self.column,
            end_column: self.column,
        };
    }

    fn end_token(&mut self) {
        self.current.end = self.pos;
        self.current.end_column = self.column;
    }

    /// Reads the next token into `current` (the old one becomes
    /// `previous`). Returns false at the end of the input.
    pub fn next(&mut self) -> bool {
        self.previous = self.current;
        while !self.at_end() {
            self.start_token();
            let whitespace = self.try_consume_one(is_whitespace);
            if whitespace {
                self.consume_zero_or_more(is_whitespace);
                self.current.kind = Kind::Whitespace;
            }
            self.end_token();
            if whitespace && self.report_whitespace {
                return true;
            }
            if self.try_consume(b'#') {
                while !self.at_end() && self.peek() != 0 && self.peek() != b'\n' {
                    self.advance();
                }
                self.try_consume(b'\n');
                continue;
            }
            if self.at_end() {
                break;
            }
            let c = self.peek();
            if is_unprintable(c) || c == 0 {
                self.error_here("Invalid control characters encountered in text.");
                self.advance();
                while self.try_consume_one(is_unprintable) || self.try_consume(0) {}
                continue;
            }
            self.start_token();
            self.current.kind = if self.report_url_chars {
                if self.try_consume_one(is_url_char) {
                    self.consume_zero_or_more(is_url_char);
                    Kind::UrlChars
                } else {
                    self.consume_symbol();
                    Kind::Symbol
                }
            } else {
                self.read_token()
            };
            self.end_token();
            return true;
        }
        self.current = Token {
            kind: Kind::End,
            start: self.pos,
            end: self.pos,
            line: self.line,
            column: self.column,
            end_column: self.column,
        };
        false
    }

    fn read_token(&mut self) -> Kind {
        if self.try_consume_one(is_letter) {
            self.consume_zero_or_more(is_alphanumeric);
            Kind::Identifier
        } else if self.try_consume(b'0') {
            self.consume_number(true, false)
        } else if self.try_consume(b'.') {
            if self.try_consume_one(|c| c.is_ascii_digit()) {
                let previous = self.previous;
                if previous.kind == Kind::Identifier
                    && self.current.line == previous.line
                    && self.current.column == previous.end_column
                {
                    self.error_at(
                        self.line,
                        self.column.saturating_sub(2),
                        "Need space between identifier and decimal point.".to_string(),
                    );
                }
                self.consume_number(false, true)
            } else {
                Kind::Symbol
            }
        } else if self.try_consume_one(|c| c.is_ascii_digit()) {
            self.consume_number(false, false)
        } else if self.try_consume(b'"') {
            self.consume_string(b'"');
            Kind::String
        } else if self.try_consume(b'\'') {
            self.consume_string(b'\'');
            Kind::String
        } else {
            self.consume_symbol();
            Kind::Symbol
        }
    }

    fn consume_symbol(&mut self) {
        let c = self.peek();
        if c & 0x80 != 0 {
            let message = format!("Interpreting non ascii codepoint {c}.");
            self.error_at(self.line, self.column, message);
        }
        self.advance();
    }

    fn consume_string(&mut self, delimiter: u8) {
        loop {
            if self.at_end() || self.peek() == 0 {
                self.error_here("Unexpected end of string.");
                return;
            }
            match self.peek() {
                b'\n' => {
                    self.error_here("Multiline strings are not allowed. Did you miss a \"?.");
                    return;
                }
                b'\\' => {
                    self.advance();
                    self.consume_escape();
                }
                c => {
                    self.advance();
                    if c == delimiter {
                        return;
                    }
                }
            }
        }
    }

    /// After a backslash: checks one escape sequence. Digits beyond the
    /// first of an octal or hex escape are read by the string loop.
    fn consume_escape(&mut self) {
        let hex = |c: u8| c.is_ascii_hexdigit();
        if self.try_consume_one(is_escape) || self.try_consume_one(is_octal) {
        } else if self.try_consume(b'x') || self.try_consume(b'X') {
            if !self.try_consume_one(hex) {
                self.error_here("Expected hex digits for escape sequence.");
            }
        } else if self.try_consume(b'u') {
            if !(self.try_consume_one(hex)
                && self.try_consume_one(hex)
                && self.try_consume_one(hex)
                && self.try_consume_one(hex))
            {
                self.error_here("Expected four hex digits for \\u escape sequence.");
            }
        } else if self.try_consume(b'U') {
            // Eight digits, at most 0010ffff.
            let valid = self.try_consume(b'0')
                && self.try_consume(b'0')
                && (self.try_consume(b'0') || self.try_consume(b'1'))
                && (0..5).all(|_| self.try_consume_one(hex));
            if !valid {
                self.error_here("Expected eight hex digits up to 10ffff for \\U escape sequence");
            }
        } else {
            self.error_here("Invalid escape sequence in string literal.");
        }
    }

    fn consume_number(&mut self, started_with_zero: bool, started_with_dot: bool) -> Kind {
        let digit = |c: u8| c.is_ascii_digit();
        let mut is_float = false;
        if started_with_zero && (self.try_consume(b'x') || self.try_consume(b'X')) {
            self.consume_one_or_more(
                |c| c.is_ascii_hexdigit(),
                "\"0x\" must be followed by hex digits.",
            );
        } else if started_with_zero && !self.at_end() && digit(self.peek()) {
            self.consume_zero_or_more(is_octal);
            if !self.at_end() && digit(self.peek()) {
                self.error_here("Numbers starting with leading zero must be in octal.");
                self.consume_zero_or_more(digit);
            }
        } else {
            if started_with_dot {
                is_float = true;
                self.consume_zero_or_more(digit);
            } else {
                self.consume_zero_or_more(digit);
                if self.try_consume(b'.') {
                    is_float = true;
                    self.consume_zero_or_more(digit);
                }
            }
            if self.try_consume(b'e') || self.try_consume(b'E') {
                is_float = true;
                let _ = self.try_consume(b'-') || self.try_consume(b'+');
                self.consume_one_or_more(digit, "\"e\" must be followed by exponent.");
            }
            if self.try_consume(b'f') || self.try_consume(b'F') {
                is_float = true;
            }
        }
        if !self.at_end() && is_letter(self.peek()) {
            self.error_here("Need space between number and identifier.");
        } else if !self.at_end() && self.peek() == b'.' {
            if is_float {
                self.error_here("Already saw decimal point or exponent; can't have another one.");
            } else {
                self.error_here("Hex and octal numbers must be integers.");
            }
        }
        if is_float {
            Kind::Float
        } else {
            Kind::Integer
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(input: &str) -> Vec<(Kind, String)> {
        let mut t = Tokenizer::new(input.as_bytes());
        let mut out = Vec::new();
        while t.next() {
            let token = *t.current();
            out.push((
                token.kind,
                String::from_utf8_lossy(t.text(&token)).into_owned(),
            ));
        }
        out
    }

    #[test]
    fn reads_tokens() {
        let tokens = kinds("a: 1.5f # c\n 'x' 0x1F -3 <");
        let expected: Vec<(Kind, String)> = [
            (Kind::Identifier, "a"),
            (Kind::Symbol, ":"),
            (Kind::Float, "1.5f"),
            (Kind::String, "'x'"),
            (Kind::Integer, "0x1F"),
            (Kind::Symbol, "-"),
            (Kind::Integer, "3"),
            (Kind::Symbol, "<"),
        ]
        .into_iter()
        .map(|(k, s)| (k, s.to_string()))
        .collect();
        assert_eq!(tokens, expected);
    }

    #[test]
    fn columns_expand_tabs() {
        let mut t = Tokenizer::new(b"\t\tx");
        t.next();
        assert_eq!((t.current().line, t.current().column), (0, 16));
    }

    #[test]
    fn errors_do_not_stop_reading() {
        let mut t = Tokenizer::new(b"099 1abc");
        while t.next() {}
        let messages: Vec<&str> = t.diagnostics.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "Numbers starting with leading zero must be in octal.",
                "Need space between number and identifier."
            ]
        );
    }
}
