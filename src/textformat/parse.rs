//! The text-format parser: text into a dynamic message, as protoc's
//! `TextFormat::Parser` does for `--encode` (partial messages allowed,
//! singular fields set twice rejected, unknown fields and enum names
//! rejected, reserved names skipped).
//!
//! It stops at the first error of its own, but the tokenizer's errors do
//! not stop it: like protoc, it reports them all and fails at the end.
//! Every message names the token the parser was looking at, at that
//! token's position, so whitespace tokens matter where protoc reads them.

use super::encode::encode_message;
use super::number::{double_to_float, parse_float};
use super::pool::{Field, Kind, Message as Type, Pool};
use super::tokenizer::{is_identifier, Kind as Token, Tokenizer};
use super::value::{Message, Value};
use super::TextError;
use crate::syntax::literals::{parse_integer, unescape_into};

/// How deep messages (and skipped values) may nest in text. protoc sets
/// no limit and crashes somewhere past tens of thousands of levels; we
/// stop at this depth with protoc's message for a configured limit.
pub(crate) const TEXT_RECURSION_LIMIT: i32 = 500;

/// Stop parsing: the error is already recorded.
struct Stop;

type Step<T = ()> = Result<T, Stop>;

pub(crate) struct Parser<'a, 'p> {
    pool: &'p Pool,
    tokens: Tokenizer<'a>,
    depth_left: i32,
}

/// The result of parsing: the message if every step succeeded, and every
/// error and warning in order.
pub(crate) struct Parsed<'p> {
    pub message: Option<Message<'p>>,
    pub diagnostics: Vec<TextError>,
}

pub(crate) fn parse<'p>(pool: &'p Pool, ty: usize, text: &[u8]) -> Parsed<'p> {
    let mut parser = Parser {
        pool,
        tokens: Tokenizer::new(text),
        depth_left: TEXT_RECURSION_LIMIT,
    };
    parser.tokens.next();
    let mut message = Message::new(ty);
    let mut completed = true;
    while parser.tokens.current().kind != Token::End {
        if parser.consume_field(&mut message).is_err() {
            completed = false;
            break;
        }
    }
    let diagnostics = parser.tokens.diagnostics;
    let failed = !completed || diagnostics.iter().any(|d| !d.warning);
    Parsed {
        message: (!failed).then_some(message),
        diagnostics,
    }
}

fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

impl<'a, 'p> Parser<'a, 'p> {
    // --- reporting -------------------------------------------------------

    fn report(&mut self, message: String, warning: bool) {
        let token = *self.tokens.current();
        self.tokens.diagnostics.push(TextError {
            line: token.line,
            column: token.column,
            message,
            warning,
        });
    }

    fn error<T>(&mut self, message: String) -> Step<T> {
        self.report(message, false);
        Err(Stop)
    }

    fn current_text(&self) -> String {
        lossy(self.tokens.current_text())
    }

    // --- token helpers ---------------------------------------------------

    fn looking_at(&self, text: &str) -> bool {
        self.tokens.current_text() == text.as_bytes()
    }

    fn looking_at_kind(&self, kind: Token) -> bool {
        self.tokens.current().kind == kind
    }

    fn try_consume(&mut self, text: &str) -> bool {
        if self.looking_at(text) {
            self.tokens.next();
            true
        } else {
            false
        }
    }

    fn consume(&mut self, text: &str) -> Step {
        if self.try_consume(text) {
            return Ok(());
        }
        let found = self.current_text();
        self.error(format!("Expected \"{text}\", found \"{found}\"."))
    }

    /// Runs `f` with whitespace after the token it consumes reported.
    fn before_whitespace<T>(&mut self, f: impl FnOnce(&mut Self) -> T) -> T {
        self.tokens.report_whitespace = true;
        let result = f(self);
        self.tokens.report_whitespace = false;
        result
    }

    fn try_consume_whitespace(&mut self) -> bool {
        if self.looking_at_kind(Token::Whitespace) {
            self.tokens.next();
            true
        } else {
            false
        }
    }

    fn consume_identifier(&mut self) -> Step<String> {
        if self.looking_at_kind(Token::Identifier) {
            let text = self.current_text();
            self.tokens.next();
            return Ok(text);
        }
        let got = self.current_text();
        self.error(format!("Expected identifier, got: {got}"))
    }

    fn consume_string(&mut self) -> Step<Vec<u8>> {
        if !self.looking_at_kind(Token::String) {
            let got = self.current_text();
            return self.error(format!("Expected string, got: {got}"));
        }
        let mut value = Vec::new();
        while self.looking_at_kind(Token::String) {
            unescape_into(self.tokens.current_text(), &mut value);
            self.tokens.next();
        }
        Ok(value)
    }

    fn consume_unsigned_integer(&mut self, max: u64) -> Step<u64> {
        if !self.looking_at_kind(Token::Integer) {
            let got = self.current_text();
            return self.error(format!("Expected integer, got: {got}"));
        }
        let Some(value) = parse_integer(self.tokens.current_text(), max) else {
            let text = self.current_text();
            return self.error(format!("Integer out of range ({text})"));
        };
        self.tokens.next();
        Ok(value)
    }

    fn consume_signed_integer(&mut self, max: u64) -> Step<i64> {
        let negative = self.try_consume("-");
        let max = if negative { max + 1 } else { max };
        let value = self.consume_unsigned_integer(max)?;
        Ok(if negative {
            (value as i64).wrapping_neg()
        } else {
            value as i64
        })
    }

    fn consume_double(&mut self) -> Step<f64> {
        let negative = self.try_consume("-");
        let value = match self.tokens.current().kind {
            Token::Integer => {
                let text = self.tokens.current_text();
                let octal = text.len() >= 2 && text[0] == b'0' && (b'0'..b'8').contains(&text[1]);
                let hex = text.len() >= 2 && text[0] == b'0' && matches!(text[1], b'x' | b'X');
                if hex || octal {
                    let text = self.current_text();
                    return self.error(format!("Expect a decimal number, got: {text}"));
                }
                let value = match parse_integer(text, u64::MAX) {
                    Some(value) => value as f64,
                    None => parse_float(text),
                };
                self.tokens.next();
                value
            }
            Token::Float => {
                let value = parse_float(self.tokens.current_text());
                self.tokens.next();
                value
            }
            Token::Identifier => {
                let text = self.current_text().to_ascii_lowercase();
                let value = match text.as_str() {
                    "inf" | "infinity" => f64::INFINITY,
                    "nan" => f64::NAN,
                    _ => return self.error(format!("Expected double, got: {text}")),
                };
                self.tokens.next();
                value
            }
            _ => {
                let got = self.current_text();
                return self.error(format!("Expected double, got: {got}"));
            }
        };
        Ok(if negative { -value } else { value })
    }

    /// The inside of `[...]`: a type URL (`prefix/full.Name`) or a full
    /// name. Returns the name and the prefix (empty for a plain name).
    fn consume_type_url_or_name(&mut self) -> Step<(String, String)> {
        self.tokens.report_url_chars = true;
        let _ = self.try_consume("[");
        let mut text = String::new();
        while self.looking_at_kind(Token::UrlChars) {
            text.push_str(&self.current_text());
            self.tokens.next();
        }
        self.tokens.report_url_chars = false;
        self.before_whitespace(|p| p.consume("]"))?;
        let (prefix, name) = match text.rfind('/') {
            None => (String::new(), text),
            Some(slash) => {
                let (prefix, name) = text.split_at(slash + 1);
                if prefix == "/" {
                    return self.error("Type URL prefix is empty".to_string());
                }
                if prefix.starts_with('/') {
                    return self.error("Type URL starts with \"/\"".to_string());
                }
                let bytes = prefix.as_bytes();
                for i in 0..bytes.len() {
                    let hex = |at: usize| bytes.get(at).is_some_and(|c| c.is_ascii_hexdigit());
                    if bytes[i] == b'%' && (i + 2 >= bytes.len() || !hex(i + 1) || !hex(i + 2)) {
                        let end = (i + 3).min(bytes.len());
                        let got = &prefix[i..end];
                        return self.error(format!("Invalid percent encode, got: \"{got}\""));
                    }
                }
                (prefix.to_string(), name.to_string())
            }
        };
        for identifier in name.split('.') {
            if !is_identifier(identifier.as_bytes()) {
                return self.error(format!(
                    "Invalid identifier in type name, got: \"{identifier}\""
                ));
            }
        }
        Ok((name, prefix))
    }

    fn enter(&mut self) -> Step {
        self.depth_left -= 1;
        if self.depth_left < 0 {
            return self.error(format!(
                "Message is too deep, the parser exceeded the configured recursion limit of {TEXT_RECURSION_LIMIT}."
            ));
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.depth_left += 1;
    }

    /// `{` or `<`; returns the closing delimiter.
    fn consume_message_delimiter(&mut self) -> Step<&'static str> {
        if self.try_consume("<") {
            return Ok(">");
        }
        self.consume("{")?;
        Ok("}")
    }

    fn consume_message(&mut self, message: &mut Message<'p>, delimiter: &str) -> Step {
        while !self.looking_at(">") && !self.looking_at("}") {
            self.consume_field(message)?;
        }
        self.consume(delimiter)
    }

    fn skip_separator(&mut self) {
        let _ = self.try_consume(";") || self.try_consume(",");
    }

    // --- fields ----------------------------------------------------------

    fn consume_field(&mut self, message: &mut Message<'p>) -> Step {
        let ty: &'p Type = &self.pool.messages[message.ty];
        if ty.is_any() && self.looking_at("[") {
            return self.consume_any(message, ty);
        }
        let Some((field, field_name)) = self.consume_field_name(message.ty)? else {
            return self.skip_reserved_field();
        };
        self.check_field_use(message, field, &field_name)?;
        if field.is_message() {
            if self.before_whitespace(|p| p.try_consume(":")) {
                self.try_consume_whitespace();
            }
        } else {
            self.before_whitespace(|p| p.consume(":"))?;
            self.try_consume_whitespace();
        }
        if field.repeated && self.try_consume("[") {
            if !self.try_consume("]") {
                loop {
                    if field.is_message() {
                        self.consume_field_message(message, field)?;
                    } else {
                        self.consume_field_value(message, field)?;
                    }
                    if self.try_consume("]") {
                        break;
                    }
                    self.consume(",")?;
                }
            }
        } else if field.is_message() {
            self.consume_field_message(message, field)?;
        } else {
            self.consume_field_value(message, field)?;
        }
        self.skip_separator();
        Ok(())
    }

    /// A field's name: `[extension.name]`, a field name, or a group's type
    /// name. `None` for a reserved name (its value is to be skipped).
    #[inline(never)]
    fn consume_field_name(&mut self, ty: usize) -> Step<Option<(&'p Field, String)>> {
        let pool = self.pool;
        let message_type = &pool.messages[ty];
        if self.looking_at("[") {
            let (name, prefix) = self.consume_type_url_or_name()?;
            if !prefix.is_empty() {
                return self.error("Extension name contains \"/\"".to_string());
            }
            self.try_consume_whitespace();
            return match pool.extension_by_text_name(ty, &name) {
                Some(field) => Ok(Some((field, name))),
                None => self.error(format!(
                    "Extension \"{name}\" is not defined or is not an extension of \"{}\".",
                    message_type.full_name
                )),
            };
        }
        let name = self.before_whitespace(|p| p.consume_identifier())?;
        self.try_consume_whitespace();
        let field = message_type.field_by_name(&name).or_else(|| {
            let lower = name.to_ascii_lowercase();
            message_type.field_by_name(&lower).filter(|f| {
                f.group_like && matches!(f.kind, Kind::Message(m) if pool.messages[m].name == name)
            })
        });
        match field {
            Some(field) => Ok(Some((field, name))),
            None if message_type.is_reserved_name(&name) => Ok(None),
            None => self.error(format!(
                "Message type \"{}\" has no field named \"{name}\".",
                message_type.full_name
            )),
        }
    }

    /// A reserved field: skips its value, guessing its shape.
    fn skip_reserved_field(&mut self) -> Step {
        if self.before_whitespace(|p| p.try_consume(":")) {
            self.try_consume_whitespace();
            if !self.looking_at("{") && !self.looking_at("<") {
                let result = self.skip_field_value();
                self.skip_separator();
                return result;
            }
        }
        let result = self.skip_field_message();
        self.skip_separator();
        result
    }

    /// The deprecation warning, and the errors for a singular field or a
    /// oneof set twice.
    #[inline(never)]
    fn check_field_use(&mut self, message: &Message<'p>, field: &'p Field, name: &str) -> Step {
        if field.deprecated {
            self.report(
                format!("text format contains deprecated field \"{name}\""),
                true,
            );
        }
        if !field.repeated && message.has(field) {
            return self.error(format!(
                "Non-repeated field \"{name}\" is specified multiple times."
            ));
        }
        if let (Some(oneof), None) = (field.oneof, field.extendee) {
            if let Some(other) = message.oneof_case(self.pool, oneof) {
                let ty = &self.pool.messages[message.ty];
                let other = ty.field_by_number(other).map_or("", |f| f.name.as_str());
                let oneof = ty.oneofs.get(oneof).map_or("", String::as_str);
                return self.error(format!(
                    "Field \"{name}\" is specified along with field \"{other}\", another member of oneof \"{oneof}\"."
                ));
            }
        }
        Ok(())
    }

    /// `[prefix/full.Name] { ... }` inside a google.protobuf.Any.
    #[inline(never)]
    fn consume_any(&mut self, message: &mut Message<'p>, ty: &'p Type) -> Step {
        let (name, prefix) = self.consume_type_url_or_name()?;
        if prefix.is_empty() {
            return self.error("Type URL prefix is missing".to_string());
        }
        let url = format!("{prefix}{name}");
        self.try_consume_whitespace();
        if self.before_whitespace(|p| p.try_consume(":")) {
            self.try_consume_whitespace();
        }
        let Some(value_type) = self.pool.message_index(&name) else {
            return self.error(format!(
                "Could not find type \"{url}\" stored in google.protobuf.Any."
            ));
        };
        self.enter()?;
        let mut value = Message::new(value_type);
        let delimiter = self.consume_message_delimiter()?;
        self.consume_message(&mut value, delimiter)?;
        self.leave();
        // protoc serializes the payload as it parses it, without the
        // deterministic flag of the outer message.
        let serialized = encode_message(self.pool, &value, false);
        let (Some(type_url), Some(value_field)) = (ty.field_by_number(1), ty.field_by_number(2))
        else {
            return Err(Stop);
        };
        if message.has(type_url) || message.has(value_field) {
            return self.error("Non-repeated Any specified multiple times.".to_string());
        }
        message.set(self.pool, type_url, Value::Bytes(url.into_bytes()));
        message.set(self.pool, value_field, Value::Bytes(serialized));
        self.skip_separator();
        Ok(())
    }

    fn consume_field_message(&mut self, message: &mut Message<'p>, field: &'p Field) -> Step {
        self.enter()?;
        let delimiter = self.consume_message_delimiter()?;
        let sub = if field.repeated {
            message.add_message(field)
        } else {
            message.mutable_message(self.pool, field)
        };
        let Some(sub) = sub else { return Err(Stop) };
        self.consume_message(sub, delimiter)?;
        self.leave();
        Ok(())
    }

    fn set(&mut self, message: &mut Message<'p>, field: &'p Field, value: Value<'p>) {
        if field.repeated {
            message.push(field, value);
        } else {
            message.set(self.pool, field, value);
        }
    }

    #[inline(never)]
    fn consume_field_value(&mut self, message: &mut Message<'p>, field: &'p Field) -> Step {
        const I32_MAX: u64 = i32::MAX as u64;
        const I64_MAX: u64 = i64::MAX as u64;
        let value = match field.kind {
            Kind::Int32 | Kind::Sint32 | Kind::Sfixed32 => {
                Value::I32(self.consume_signed_integer(I32_MAX)? as i32)
            }
            Kind::Int64 | Kind::Sint64 | Kind::Sfixed64 => {
                Value::I64(self.consume_signed_integer(I64_MAX)?)
            }
            Kind::Uint32 | Kind::Fixed32 => {
                Value::U32(self.consume_unsigned_integer(u32::MAX as u64)? as u32)
            }
            Kind::Uint64 | Kind::Fixed64 => Value::U64(self.consume_unsigned_integer(u64::MAX)?),
            Kind::Float => Value::F32(double_to_float(self.consume_double()?)),
            Kind::Double => Value::F64(self.consume_double()?),
            Kind::String | Kind::Bytes => Value::Bytes(self.consume_string()?),
            Kind::Bool => {
                if self.looking_at_kind(Token::Integer) {
                    Value::Bool(self.consume_unsigned_integer(1)? != 0)
                } else {
                    let text = self.consume_identifier()?;
                    match text.as_str() {
                        "true" | "True" | "t" => Value::Bool(true),
                        "false" | "False" | "f" => Value::Bool(false),
                        _ => {
                            return self.error(format!(
                                "Invalid value for boolean field \"{}\". Value: \"{text}\".",
                                field.name
                            ))
                        }
                    }
                }
            }
            Kind::Enum(e) => {
                let values = &self.pool.enums[e];
                let (text, number, by_number) = if self.looking_at_kind(Token::Identifier) {
                    let text = self.consume_identifier()?;
                    let number = values.by_name(&text);
                    (text, number, None)
                } else if self.looking_at("-") || self.looking_at_kind(Token::Integer) {
                    let number = self.consume_signed_integer(I32_MAX)? as i32;
                    let known = values.name_of(number).map(|_| number);
                    (number.to_string(), known, Some(number))
                } else {
                    let got = self.current_text();
                    return self.error(format!("Expected integer or identifier, got: {got}"));
                };
                match (number, by_number) {
                    (Some(number), _) => Value::Enum(number),
                    (None, Some(number)) if !field.closed_enum => Value::Enum(number),
                    _ => {
                        return self.error(format!(
                            "Unknown enumeration value of \"{text}\" for field \"{}\".",
                            field.name
                        ))
                    }
                }
            }
            Kind::Message(_) => return Err(Stop),
        };
        self.set(message, field, value);
        Ok(())
    }

    // --- skipping reserved fields ----------------------------------------

    fn skip_field(&mut self) -> Step {
        if self.looking_at("[") {
            self.consume_type_url_or_name()?;
        } else {
            self.before_whitespace(|p| p.consume_identifier())?;
        }
        self.try_consume_whitespace();
        if self.before_whitespace(|p| p.try_consume(":")) {
            self.try_consume_whitespace();
            if !self.looking_at("{") && !self.looking_at("<") {
                self.skip_field_value()?;
            } else {
                self.skip_field_message()?;
            }
        } else {
            self.skip_field_message()?;
        }
        self.skip_separator();
        Ok(())
    }

    fn skip_field_message(&mut self) -> Step {
        self.enter()?;
        let delimiter = self.consume_message_delimiter()?;
        while !self.looking_at(">") && !self.looking_at("}") {
            self.skip_field()?;
        }
        self.consume(delimiter)?;
        self.leave();
        Ok(())
    }

    fn skip_field_value(&mut self) -> Step {
        self.enter()?;
        if self.looking_at_kind(Token::String) {
            while self.looking_at_kind(Token::String) {
                self.tokens.next();
            }
            self.leave();
            return Ok(());
        }
        if self.try_consume("[") {
            if !self.try_consume("]") {
                loop {
                    if !self.looking_at("{") && !self.looking_at("<") {
                        self.skip_field_value()?;
                    } else {
                        self.skip_field_message()?;
                    }
                    if self.try_consume("]") {
                        break;
                    }
                    self.consume(",")?;
                }
            }
            self.leave();
            return Ok(());
        }
        let has_minus = self.try_consume("-");
        let kind = self.tokens.current().kind;
        if !matches!(kind, Token::Integer | Token::Float | Token::Identifier) {
            let text = self.current_text();
            return self.error(format!("Cannot skip field value, unexpected token: {text}"));
        }
        if has_minus && kind == Token::Identifier {
            let text = self.current_text().to_ascii_lowercase();
            if text != "inf" && text != "infinity" && text != "nan" {
                return self.error(format!("Invalid float number: {text}"));
            }
        }
        self.tokens.next();
        self.leave();
        Ok(())
    }
}
