//! Serializing a dynamic message as protoc's `SerializePartial` does:
//! set fields in number order (extensions among them), packed repeated
//! fields as one length-delimited run, groups between start and end tags,
//! both fields of a map entry always, unknown fields last.
//!
//! Map entries are written in the order they were added (duplicates
//! included), which is what protoc 35 writes for `--encode` without
//! `--deterministic_output`: its parser adds entries through the repeated
//! view of the map, which then stays authoritative. With `deterministic`
//! they are stably sorted by key, as `--deterministic_output` does.

use super::pool::{Field, Kind, Pool};
use super::value::{Message, Slot, Value};
use super::wire::{
    write_length_delimited, write_tag, write_unknown, write_varint, END_GROUP, FIXED32, FIXED64,
    LENGTH_DELIMITED, START_GROUP, VARINT,
};

pub(crate) fn encode_message(pool: &Pool, message: &Message, deterministic: bool) -> Vec<u8> {
    let mut out = Vec::new();
    write_message(pool, message, deterministic, &mut out);
    out
}

fn write_message(pool: &Pool, message: &Message, deterministic: bool, out: &mut Vec<u8>) {
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
            write_value(pool, field, value, deterministic, out);
        }
    } else {
        for (field, slot) in message.listed() {
            match slot {
                Slot::Single(value) => write_value(pool, field, value, deterministic, out),
                Slot::List(values) if field.packed => write_packed(field, values, out),
                Slot::List(values) => {
                    if deterministic && is_map(pool, field) {
                        for value in sorted_entries(pool, values) {
                            write_value(pool, field, value, deterministic, out);
                        }
                    } else {
                        for value in values {
                            write_value(pool, field, value, deterministic, out);
                        }
                    }
                }
            }
        }
    }
    write_unknown(&message.unknown, out);
}

pub(crate) fn is_map(pool: &Pool, field: &Field) -> bool {
    field.repeated && matches!(field.kind, Kind::Message(m) if pool.messages[m].map_entry)
}

/// Map entries stably sorted by key (protoc's map entry comparator).
pub(crate) fn sorted_entries<'a, 'p>(pool: &Pool, values: &'a [Value<'p>]) -> Vec<&'a Value<'p>> {
    let mut entries: Vec<&Value> = values.iter().collect();
    entries.sort_by(|a, b| {
        let key = |value: &Value<'p>| match value {
            Value::Message(entry) => entry.get(1).cloned().unwrap_or_else(|| {
                match pool.messages[entry.ty].field_by_number(1) {
                    Some(field) => Value::default_of(pool, field.kind),
                    None => Value::I32(0),
                }
            }),
            _ => Value::I32(0),
        };
        compare_keys(&key(a), &key(b))
    });
    entries
}

fn compare_keys(a: &Value, b: &Value) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    match (a, b) {
        (Value::I32(a), Value::I32(b)) => a.cmp(b),
        (Value::I64(a), Value::I64(b)) => a.cmp(b),
        (Value::U32(a), Value::U32(b)) => a.cmp(b),
        (Value::U64(a), Value::U64(b)) => a.cmp(b),
        (Value::Bool(a), Value::Bool(b)) => a.cmp(b),
        (Value::Bytes(a), Value::Bytes(b)) => a.cmp(b),
        _ => Ordering::Equal,
    }
}

fn zigzag32(v: i32) -> u64 {
    ((v << 1) ^ (v >> 31)) as u32 as u64
}

fn zigzag64(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

/// The wire type of a field's single (unpacked) values.
fn wire_type(field: &Field) -> u32 {
    match field.kind {
        Kind::Double | Kind::Fixed64 | Kind::Sfixed64 => FIXED64,
        Kind::Float | Kind::Fixed32 | Kind::Sfixed32 => FIXED32,
        Kind::String | Kind::Bytes => LENGTH_DELIMITED,
        Kind::Message(_) if field.delimited => START_GROUP,
        Kind::Message(_) => LENGTH_DELIMITED,
        _ => VARINT,
    }
}

/// A scalar's bytes without a tag.
fn write_scalar(field: &Field, value: &Value, out: &mut Vec<u8>) {
    match (field.kind, value) {
        (Kind::Sint32, Value::I32(v)) => write_varint(zigzag32(*v), out),
        (Kind::Sint64, Value::I64(v)) => write_varint(zigzag64(*v), out),
        (Kind::Sfixed32, Value::I32(v)) => out.extend_from_slice(&v.to_le_bytes()),
        (Kind::Sfixed64, Value::I64(v)) => out.extend_from_slice(&v.to_le_bytes()),
        (Kind::Fixed32, Value::U32(v)) => out.extend_from_slice(&v.to_le_bytes()),
        (Kind::Fixed64, Value::U64(v)) => out.extend_from_slice(&v.to_le_bytes()),
        (_, Value::F32(v)) => out.extend_from_slice(&v.to_le_bytes()),
        (_, Value::F64(v)) => out.extend_from_slice(&v.to_le_bytes()),
        (_, Value::I32(v) | Value::Enum(v)) => write_varint(*v as i64 as u64, out),
        (_, Value::I64(v)) => write_varint(*v as u64, out),
        (_, Value::U32(v)) => write_varint(*v as u64, out),
        (_, Value::U64(v)) => write_varint(*v, out),
        (_, Value::Bool(v)) => write_varint(*v as u64, out),
        (_, Value::Bytes(v)) => {
            write_varint(v.len() as u64, out);
            out.extend_from_slice(v);
        }
        (_, Value::Message(_)) => {}
    }
}

pub(crate) fn write_value(
    pool: &Pool,
    field: &Field,
    value: &Value,
    deterministic: bool,
    out: &mut Vec<u8>,
) {
    match value {
        Value::Message(message) if field.delimited => {
            write_tag(field.number, START_GROUP, out);
            write_message(pool, message, deterministic, out);
            write_tag(field.number, END_GROUP, out);
        }
        Value::Message(message) => {
            let mut body = Vec::new();
            write_message(pool, message, deterministic, &mut body);
            write_length_delimited(field.number, &body, out);
        }
        _ => {
            write_tag(field.number, wire_type(field), out);
            write_scalar(field, value, out);
        }
    }
}

fn write_packed(field: &Field, values: &[Value], out: &mut Vec<u8>) {
    let mut body = Vec::new();
    for value in values {
        write_scalar(field, value, &mut body);
    }
    write_length_delimited(field.number, &body, out);
}
