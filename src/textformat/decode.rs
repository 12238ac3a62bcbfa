//! Parsing wire format into a dynamic message as protoc's
//! `ParsePartialFromZeroCopyStream` does for `--decode`.
//!
//! A field whose number is known but whose wire type does not fit is kept
//! as an unknown field; repeated scalars accept both packed and unpacked
//! input; an unknown number for a closed enum goes to the unknown fields
//! as a varint (a map entry with one, whole, as a length-delimited field);
//! strings that require UTF-8 fail the parse when invalid; singular
//! messages met twice are merged; a oneof member clears the others.
//! Map entries keep only their key and value, in wire order.

use super::encode::write_value;
use super::pool::{Field, Kind, Pool};
use super::value::{Message, Slot, Unknown, Value};
use super::wire::{
    read_unknown, write_tag, write_varint, DecodeError, Reader, Result, END_GROUP, FIXED32,
    FIXED64, LENGTH_DELIMITED, START_GROUP, VARINT,
};

/// Parses `bytes` as a message of type `ty`.
pub(crate) fn decode_message<'p>(
    pool: &'p Pool,
    ty: usize,
    bytes: &[u8],
    budget: i32,
) -> Result<Message<'p>> {
    let mut message = Message::new(ty);
    merge(pool, &mut message, &mut Reader::new(bytes), budget, None)?;
    Ok(message)
}

/// Which wire types a field's values may come in.
fn accepts(field: &Field, wire_type: u32) -> bool {
    let single = match field.kind {
        Kind::Double | Kind::Fixed64 | Kind::Sfixed64 => FIXED64,
        Kind::Float | Kind::Fixed32 | Kind::Sfixed32 => FIXED32,
        Kind::String | Kind::Bytes => LENGTH_DELIMITED,
        Kind::Message(_) if field.delimited => START_GROUP,
        Kind::Message(_) => LENGTH_DELIMITED,
        _ => VARINT,
    };
    wire_type == single
        || (wire_type == LENGTH_DELIMITED && field.repeated && field.kind.is_packable())
}

fn merge<'p>(
    pool: &'p Pool,
    message: &mut Message<'p>,
    reader: &mut Reader,
    budget: i32,
    end_group: Option<u32>,
) -> Result<()> {
    loop {
        if reader.at_end() {
            return match end_group {
                Some(_) => Err(DecodeError::new("unterminated group")),
                None => Ok(()),
            };
        }
        let (number, wire_type) = reader.tag()?;
        if number == 0 {
            return Err(DecodeError::new("field number 0"));
        }
        if wire_type == END_GROUP {
            return match end_group {
                Some(open) if open == number => Ok(()),
                _ => Err(DecodeError::new("unmatched end-group tag")),
            };
        }
        let field = pool.messages[message.ty]
            .field_by_number(number)
            .or_else(|| pool.extension(message.ty, number));
        match field {
            Some(field) if accepts(field, wire_type) => {
                read_field(pool, message, field, wire_type, reader, budget)?;
            }
            _ => {
                let unknown = read_unknown(reader, number, wire_type, budget)?;
                message.unknown.push(unknown);
            }
        }
    }
}

fn store<'p>(pool: &Pool, message: &mut Message<'p>, field: &'p Field, value: Value<'p>) {
    if field.repeated {
        message.push(field, value);
    } else {
        message.set(pool, field, value);
    }
}

/// One scalar value in the wire type its kind uses.
fn read_scalar<'p>(field: &Field, reader: &mut Reader) -> Result<Value<'p>> {
    Ok(match field.kind {
        Kind::Double => Value::F64(f64::from_bits(reader.fixed64()?)),
        Kind::Float => Value::F32(f32::from_bits(reader.fixed32()?)),
        Kind::Fixed64 => Value::U64(reader.fixed64()?),
        Kind::Sfixed64 => Value::I64(reader.fixed64()? as i64),
        Kind::Fixed32 => Value::U32(reader.fixed32()?),
        Kind::Sfixed32 => Value::I32(reader.fixed32()? as i32),
        Kind::Int64 => Value::I64(reader.varint()? as i64),
        Kind::Uint64 => Value::U64(reader.varint()?),
        Kind::Int32 => Value::I32(reader.varint()? as i32),
        Kind::Uint32 => Value::U32(reader.varint()? as u32),
        Kind::Bool => Value::Bool(reader.varint()? != 0),
        Kind::Sint32 => {
            let v = reader.varint()? as u32;
            Value::I32(((v >> 1) as i32) ^ -((v & 1) as i32))
        }
        Kind::Sint64 => {
            let v = reader.varint()?;
            Value::I64(((v >> 1) as i64) ^ -((v & 1) as i64))
        }
        Kind::Enum(_) => Value::Enum(reader.varint()? as i32),
        Kind::String | Kind::Bytes | Kind::Message(_) => {
            return Err(DecodeError::new("not a scalar"));
        }
    })
}

/// Stores a scalar, or for a closed enum an unknown number as an unknown
/// varint (sign-extended from 32 bits, as protoc writes it).
fn store_scalar<'p>(pool: &Pool, message: &mut Message<'p>, field: &'p Field, value: Value<'p>) {
    if let (Kind::Enum(e), Value::Enum(number)) = (field.kind, &value) {
        if field.closed_enum && pool.enums[e].name_of(*number).is_none() {
            let raw = *number as i64 as u64;
            message.unknown.push(Unknown::Varint(field.number, raw));
            return;
        }
        if pool.messages[message.ty].map_entry {
            // Only the last value of a map entry decides whether it is known.
            message
                .unknown
                .retain(|u| !matches!(u, Unknown::Varint(n, _) if *n == field.number));
        }
    }
    store(pool, message, field, value);
}

fn read_field<'p>(
    pool: &'p Pool,
    message: &mut Message<'p>,
    field: &'p Field,
    wire_type: u32,
    reader: &mut Reader,
    budget: i32,
) -> Result<()> {
    match field.kind {
        Kind::String | Kind::Bytes => {
            let bytes = reader.length_delimited()?;
            if field.utf8 && std::str::from_utf8(bytes).is_err() {
                return Err(DecodeError::new("invalid UTF-8 in a string field"));
            }
            store(pool, message, field, Value::Bytes(bytes.to_vec()));
        }
        Kind::Message(ty) => {
            if budget <= 0 {
                return Err(DecodeError::new("messages nested too deeply"));
            }
            if field.delimited {
                let target = sub_message(pool, message, field)?;
                return merge(pool, target, reader, budget - 1, Some(field.number));
            }
            let bytes = reader.length_delimited()?;
            let map_entry = pool.messages[ty].map_entry;
            let target = sub_message(pool, message, field)?;
            merge(pool, target, &mut Reader::new(bytes), budget - 1, None)?;
            if map_entry {
                settle_map_entry(pool, message, field, ty);
            }
        }
        _ if wire_type == LENGTH_DELIMITED => {
            let mut packed = Reader::new(reader.length_delimited()?);
            while !packed.at_end() {
                let value = read_scalar(field, &mut packed)?;
                store_scalar(pool, message, field, value);
            }
        }
        _ => {
            let value = read_scalar(field, reader)?;
            store_scalar(pool, message, field, value);
        }
    }
    Ok(())
}

/// The message a message field's bytes merge into: the present one of a
/// singular field, a new element of a repeated one.
fn sub_message<'m, 'p>(
    pool: &Pool,
    message: &'m mut Message<'p>,
    field: &'p Field,
) -> Result<&'m mut Message<'p>> {
    let target = if field.repeated {
        message.add_message(field)
    } else {
        message.mutable_message(pool, field)
    };
    target.ok_or(DecodeError::new("not a message field"))
}

/// After a map entry is parsed: its unknown fields are dropped, and an
/// entry whose closed-enum value is unknown moves to the map's message as
/// an unknown length-delimited field: its key (the default if absent) and
/// that value re-serialized, as protoc does.
fn settle_map_entry<'p>(
    pool: &'p Pool,
    message: &mut Message<'p>,
    field: &'p Field,
    entry_type: usize,
) {
    let entry_fields = &pool.messages[entry_type];
    let value_is_closed_enum = entry_fields
        .field_by_number(2)
        .is_some_and(|f| f.closed_enum);
    let Some(Slot::List(entries)) = message.fields.get_mut(&field.number).map(|(_, slot)| slot)
    else {
        return;
    };
    let Some(Value::Message(entry)) = entries.last_mut() else {
        return;
    };
    let unknown_value = entry.unknown.iter().rev().find_map(|u| match u {
        Unknown::Varint(2, value) if value_is_closed_enum => Some(*value),
        _ => None,
    });
    entry.unknown.clear();
    let Some(unknown_value) = unknown_value else {
        return;
    };
    let mut bytes = Vec::new();
    if let Some(key_field) = entry_fields.field_by_number(1) {
        let key = entry
            .get(1)
            .cloned()
            .unwrap_or_else(|| Value::default_of(pool, key_field.kind));
        write_value(pool, key_field, &key, false, &mut bytes);
    }
    write_tag(2, VARINT, &mut bytes);
    write_varint(unknown_value, &mut bytes);
    entries.pop();
    if entries.is_empty() {
        message.fields.remove(&field.number);
    }
    message
        .unknown
        .push(Unknown::LengthDelimited(field.number, bytes));
}
