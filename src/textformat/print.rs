//! Printing a dynamic message as protoc's default `TextFormat::Printer`
//! does for `--decode`, and unknown fields as it does for `--decode_raw`.
//!
//! Two-space indentation; one `name: value` line per scalar, repeated
//! fields one line per element; messages as `name {` ... `}`; set fields
//! in number order with extensions among them as `[full.name]`; groups by
//! their type's name; map entries stably sorted by key, both fields
//! always shown; enums by name, or by number when the number has none;
//! strings and bytes C-escaped byte by byte (non-ASCII bytes as octal,
//! even in valid UTF-8); floats as the shortest `%g` that reads back. Any
//! is not expanded (protoc 35's `--decode` leaves `expand_any` off).
//! Unknown fields come last: varints in decimal, fixed32 and fixed64 as
//! zero-padded hex (`0x%08x`, `0x%016x`), groups as blocks, and
//! length-delimited values as a block when they parse as a message
//! (at most ten levels of such guessing), else as a string.

use super::encode::{is_map, sorted_entries};
use super::number::{format_double, format_float};
use super::pool::{Field, Pool};
use super::value::{Message, Slot, Unknown, Value};
use super::wire::parse_unknown_set;
use crate::escape::c_escape_into;

/// How deep protoc guesses that length-delimited unknown fields are
/// messages.
pub(crate) const UNKNOWN_GUESS_DEPTH: i32 = 10;

pub(crate) struct Printer {
    out: String,
    indent: usize,
}

impl Printer {
    pub fn new() -> Printer {
        Printer {
            out: String::new(),
            indent: 0,
        }
    }

    pub fn finish(self) -> String {
        self.out
    }

    fn start_line(&mut self) {
        for _ in 0..self.indent {
            self.out.push_str("  ");
        }
    }

    fn open_block(&mut self) {
        self.out.push_str(" {\n");
        self.indent += 1;
    }

    fn close_block(&mut self) {
        self.indent = self.indent.saturating_sub(1);
        self.start_line();
        self.out.push_str("}\n");
    }

    pub fn message(&mut self, pool: &Pool, message: &Message) {
        let ty = &pool.messages[message.ty];
        if ty.map_entry {
            for field in &ty.fields {
                let default;
                let value = match message.get(field.number) {
                    Some(value) => value,
                    None => {
                        default = Value::default_of(pool, field.kind);
                        &default
                    }
                };
                self.field_value(pool, field, value);
            }
        } else {
            for (field, slot) in message.listed() {
                match slot {
                    Slot::Single(value) => self.field_value(pool, field, value),
                    Slot::List(values) if is_map(pool, field) => {
                        for value in sorted_entries(pool, values) {
                            self.field_value(pool, field, value);
                        }
                    }
                    Slot::List(values) => {
                        for value in values {
                            self.field_value(pool, field, value);
                        }
                    }
                }
            }
        }
        self.unknown_fields(&message.unknown, UNKNOWN_GUESS_DEPTH);
    }

    fn field_name(&mut self, pool: &Pool, field: &Field) {
        self.start_line();
        if field.extendee.is_some() {
            self.out.push('[');
            self.out.push_str(&field.printable_name);
            self.out.push(']');
        } else if let (true, super::pool::Kind::Message(ty)) = (field.group_like, field.kind) {
            self.out.push_str(&pool.messages[ty].name);
        } else {
            self.out.push_str(&field.name);
        }
    }

    fn field_value(&mut self, pool: &Pool, field: &Field, value: &Value) {
        self.field_name(pool, field);
        if let Value::Message(message) = value {
            self.open_block();
            self.message(pool, message);
            self.close_block();
            return;
        }
        self.out.push_str(": ");
        match value {
            Value::I32(v) => self.out.push_str(&v.to_string()),
            Value::I64(v) => self.out.push_str(&v.to_string()),
            Value::U32(v) => self.out.push_str(&v.to_string()),
            Value::U64(v) => self.out.push_str(&v.to_string()),
            Value::F32(v) => self.out.push_str(&format_float(*v)),
            Value::F64(v) => self.out.push_str(&format_double(*v)),
            Value::Bool(v) => self.out.push_str(if *v { "true" } else { "false" }),
            Value::Bytes(bytes) => self.quoted(bytes),
            Value::Enum(number) => {
                let name = match field.kind {
                    super::pool::Kind::Enum(e) => pool.enums[e].name_of(*number),
                    _ => None,
                };
                match name {
                    Some(name) => self.out.push_str(name),
                    None => self.out.push_str(&number.to_string()),
                }
            }
            Value::Message(_) => {}
        }
        self.out.push('\n');
    }

    fn quoted(&mut self, bytes: &[u8]) {
        self.out.push('"');
        c_escape_into(bytes, &mut self.out);
        self.out.push('"');
    }

    /// protoc's `PrintUnknownFields` with its recursion budget.
    pub fn unknown_fields(&mut self, fields: &[Unknown], budget: i32) {
        for field in fields {
            self.start_line();
            match field {
                Unknown::Varint(number, value) => {
                    self.out.push_str(&format!("{number}: {value}\n"));
                }
                Unknown::Fixed32(number, value) => {
                    self.out.push_str(&format!("{number}: 0x{value:08x}\n"));
                }
                Unknown::Fixed64(number, value) => {
                    self.out.push_str(&format!("{number}: 0x{value:016x}\n"));
                }
                Unknown::LengthDelimited(number, bytes) => {
                    self.out.push_str(&number.to_string());
                    let embedded = if !bytes.is_empty() && budget > 0 {
                        parse_unknown_set(bytes, budget).ok()
                    } else {
                        None
                    };
                    match embedded {
                        Some(embedded) => {
                            self.open_block();
                            self.unknown_fields(&embedded, budget - 1);
                            self.close_block();
                        }
                        None => {
                            self.out.push_str(": ");
                            self.quoted(bytes);
                            self.out.push('\n');
                        }
                    }
                }
                Unknown::Group(number, fields) => {
                    self.out.push_str(&number.to_string());
                    self.open_block();
                    self.unknown_fields(fields, budget - 1);
                    self.close_block();
                }
            }
        }
    }
}
