//! Option values printed back as text: each field of an encoded options
//! message becomes `name = value`, message values text-format aggregates
//! (`{ a: 1 [pkg.ext] { b: true } }`), so that interpreting the text
//! encodes the same fields again.

use prost::Message;

use super::{error, quote, Result, Universe};
use crate::pb;
use crate::pb::field_descriptor_proto::{Label, Type};
use crate::pb::wire::{self, Value};

/// The number of `uninterpreted_option` in every options message.
const UNINTERPRETED_OPTION: u32 = 999;

/// `(name, value)` for every field of `bytes`, an encoded message of
/// `type_name` (full name with the leading dot), in order.
pub(super) fn settings(
    universe: &Universe<'_>,
    type_name: &str,
    bytes: &[u8],
) -> Result<Vec<(String, String)>> {
    let mut out = Vec::new();
    for (number, value) in fields(bytes, type_name)? {
        if number == UNINTERPRETED_OPTION {
            out.push(uninterpreted(value)?);
            continue;
        }
        let Some(field) = known_field(universe, type_name, number) else {
            return error(format!(
                "field {number} of {type_name} is not in its schema"
            ));
        };
        for text in values(universe, field, value)? {
            out.push((field.name().to_owned(), text));
        }
    }
    Ok(out)
}

fn fields<'b>(bytes: &'b [u8], type_name: &str) -> Result<Vec<(u32, Value<'b>)>> {
    wire::fields(bytes).or_else(|_| error(format!("a malformed {type_name}")))
}

fn known_field<'u>(
    universe: &Universe<'u>,
    type_name: &str,
    number: u32,
) -> Option<&'u pb::FieldDescriptorProto> {
    universe
        .message(type_name)?
        .field
        .iter()
        .find(|f| f.number() as u32 == number)
}

/// The text of each value one wire field holds (several when a repeated
/// scalar is packed).
fn values(
    universe: &Universe<'_>,
    field: &pb::FieldDescriptorProto,
    value: Value<'_>,
) -> Result<Vec<String>> {
    let ty = field.r#type();
    match (ty, value) {
        (Type::Message, Value::LengthDelimited(body)) | (Type::Group, Value::Group(body)) => {
            Ok(vec![format!(
                "{{{}}}",
                aggregate(universe, field.type_name(), body)?
            )])
        }
        (_, Value::LengthDelimited(packed))
            if field.label() == Label::Repeated && !matches!(ty, Type::String | Type::Bytes) =>
        {
            let mut rest = packed;
            let mut out = Vec::new();
            while !rest.is_empty() {
                let element = match ty {
                    Type::Fixed32 | Type::Sfixed32 | Type::Float => {
                        let (head, tail) = rest.split_at(rest.len().min(4));
                        rest = tail;
                        Value::Fixed32(u32::from_le_bytes(
                            head.try_into()
                                .or_else(|_| error("a truncated packed field"))?,
                        ))
                    }
                    Type::Fixed64 | Type::Sfixed64 | Type::Double => {
                        let (head, tail) = rest.split_at(rest.len().min(8));
                        rest = tail;
                        Value::Fixed64(u64::from_le_bytes(
                            head.try_into()
                                .or_else(|_| error("a truncated packed field"))?,
                        ))
                    }
                    _ => Value::Varint(
                        wire::varint(&mut rest).or_else(|_| error("a truncated packed field"))?,
                    ),
                };
                out.push(scalar(universe, field, element)?);
            }
            Ok(out)
        }
        _ => Ok(vec![scalar(universe, field, value)?]),
    }
}

/// One scalar value as an option value: a number, `true`, an enum value's
/// name, a quoted string.
fn scalar(
    universe: &Universe<'_>,
    field: &pb::FieldDescriptorProto,
    value: Value<'_>,
) -> Result<String> {
    let mismatch = || error(format!("option `{}` has the wrong wire type", field.name()));
    Ok(match (field.r#type(), value) {
        (Type::Int32, Value::Varint(v)) => (v as i32).to_string(),
        (Type::Int64, Value::Varint(v)) => (v as i64).to_string(),
        (Type::Uint32, Value::Varint(v)) => (v as u32).to_string(),
        (Type::Uint64, Value::Varint(v)) => v.to_string(),
        (Type::Sint32, Value::Varint(v)) => {
            let v = v as u32;
            (((v >> 1) as i32) ^ -((v & 1) as i32)).to_string()
        }
        (Type::Sint64, Value::Varint(v)) => (((v >> 1) as i64) ^ -((v & 1) as i64)).to_string(),
        (Type::Bool, Value::Varint(v)) => (v != 0).to_string(),
        (Type::Enum, Value::Varint(v)) => {
            let number = v as i32;
            let name = universe
                .enumeration(field.type_name())
                .and_then(|e| e.value.iter().find(|value| value.number() == number))
                .map(|value| value.name().to_owned());
            match name {
                Some(name) => name,
                None => {
                    return error(format!(
                        "option `{}` holds {number}, which {} does not name",
                        field.name(),
                        field.type_name()
                    ))
                }
            }
        }
        (Type::Fixed32, Value::Fixed32(v)) => v.to_string(),
        (Type::Sfixed32, Value::Fixed32(v)) => (v as i32).to_string(),
        (Type::Float, Value::Fixed32(v)) => float(f64::from(f32::from_bits(v))),
        (Type::Fixed64, Value::Fixed64(v)) => v.to_string(),
        (Type::Sfixed64, Value::Fixed64(v)) => (v as i64).to_string(),
        (Type::Double, Value::Fixed64(v)) => float(f64::from_bits(v)),
        (Type::String | Type::Bytes, Value::LengthDelimited(bytes)) => quote(bytes),
        _ => return mismatch(),
    })
}

/// A float as the text that reads back as exactly this value (a float
/// field's value widened to double reads back, then narrows, exactly).
fn float(value: f64) -> String {
    if value.is_nan() {
        "nan".to_owned()
    } else if value.is_infinite() {
        if value < 0.0 { "-inf" } else { "inf" }.to_owned()
    } else {
        format!("{value:?}")
    }
}

/// The fields of a message value in text format, between its braces.
fn aggregate(universe: &Universe<'_>, type_name: &str, body: &[u8]) -> Result<String> {
    let mut out = String::new();
    for (number, value) in fields(body, type_name)? {
        let (name, field) = match known_field(universe, type_name, number) {
            Some(field) if field.r#type() == Type::Group => {
                // Text format names a group field by its message's name.
                let message = field.type_name().rsplit('.').next().unwrap_or_default();
                (message.to_owned(), field)
            }
            Some(field) => (field.name().to_owned(), field),
            None => match universe.extension(type_name, number as i32) {
                Some((full_name, field)) => (format!("[{full_name}]"), field),
                None => {
                    return error(format!(
                    "field {number} of {type_name} is neither in its schema nor a known extension"
                ))
                }
            },
        };
        let is_message = matches!(field.r#type(), Type::Message | Type::Group);
        for text in values(universe, field, value)? {
            out.push(' ');
            out.push_str(&name);
            out.push_str(if is_message { " " } else { ": " });
            out.push_str(&text);
        }
    }
    out.push(' ');
    Ok(out)
}

/// An option protoc has not interpreted, as the statement that asks for it.
fn uninterpreted(value: Value<'_>) -> Result<(String, String)> {
    let Value::LengthDelimited(bytes) = value else {
        return error("a malformed uninterpreted option");
    };
    let option = pb::UninterpretedOption::decode(bytes)
        .or_else(|_| error("a malformed uninterpreted option"))?;
    let name: Vec<String> = option
        .name
        .iter()
        .map(|part| {
            if part.is_extension {
                format!("({})", part.name_part)
            } else {
                part.name_part.clone()
            }
        })
        .collect();
    let value = if let Some(identifier) = &option.identifier_value {
        identifier.clone()
    } else if let Some(positive) = option.positive_int_value {
        positive.to_string()
    } else if let Some(negative) = option.negative_int_value {
        negative.to_string()
    } else if let Some(double) = option.double_value {
        float(double)
    } else if let Some(string) = &option.string_value {
        quote(string)
    } else if let Some(aggregate) = &option.aggregate_value {
        format!("{{{aggregate}}}")
    } else {
        return error(format!(
            "uninterpreted option `{}` has no value",
            name.join(".")
        ));
    };
    Ok((name.join("."), value))
}
