//! The wire side of option interpretation: option values encoded as
//! protobuf fields, and [`Dyn`], an options message under construction
//! that encodes as protoc serializes messages.

use super::super::types::{FieldInfo, TypeModel};
use crate::pb::field_descriptor_proto::Type;

pub(super) fn put_varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

pub(super) fn put_tag(out: &mut Vec<u8>, number: i32, wire_type: u8) {
    put_varint(out, ((number as u64) << 3) | wire_type as u64);
}

/// A message value of `field`: length-delimited, or between start and end
/// group tags when the field is a group.
pub(super) fn put_message(out: &mut Vec<u8>, field: &FieldInfo, payload: &[u8]) {
    if field.ty == Type::Group {
        put_tag(out, field.number, 3);
        out.extend_from_slice(payload);
        put_tag(out, field.number, 4);
    } else {
        put_length_delimited(out, field.number, payload);
    }
}

pub(super) fn put_length_delimited(out: &mut Vec<u8>, number: i32, payload: &[u8]) {
    put_tag(out, number, 2);
    put_varint(out, payload.len() as u64);
    out.extend_from_slice(payload);
}

/// A number as an option value: protoc's positive, negative and double
/// values.
pub(super) enum Number {
    Int { negative: bool, magnitude: u64 },
    Float(f64),
}

impl Number {
    pub(super) fn signed(&self, min: i64, max: i64) -> Option<Result<i64, ()>> {
        match *self {
            Number::Int {
                negative: false,
                magnitude,
            } => Some(if magnitude <= max as u64 {
                Ok(magnitude as i64)
            } else {
                Err(())
            }),
            Number::Int {
                negative: true,
                magnitude,
            } => Some(if magnitude <= min.unsigned_abs() {
                Ok((magnitude as i64).wrapping_neg())
            } else {
                Err(())
            }),
            Number::Float(_) => None,
        }
    }

    pub(super) fn as_f64(&self) -> f64 {
        match *self {
            Number::Int {
                negative,
                magnitude,
            } => {
                if negative {
                    -(magnitude as f64)
                } else {
                    magnitude as f64
                }
            }
            Number::Float(value) => value,
        }
    }
}

/// An options message under construction: values by field number, so that
/// it encodes as protoc serializes a message, fields in number order,
/// message values merged, repeated scalars packed where the field is.
#[derive(Clone, Default)]
pub(super) struct Dyn {
    fields: std::collections::BTreeMap<i32, (FieldInfo, Vec<DynValue>)>,
}

#[derive(Clone)]
pub(super) enum DynValue {
    /// One value with its tag.
    Tagged(Vec<u8>),
    Message(Dyn),
}

/// The bytes of a tagged value without its tag.
pub(super) fn untagged(bytes: &[u8]) -> &[u8] {
    let tag_len = bytes
        .iter()
        .position(|b| b & 0x80 == 0)
        .map_or(0, |p| p + 1);
    &bytes[tag_len..]
}

impl Dyn {
    pub(super) fn is_set(&self, path: &[FieldInfo]) -> bool {
        match path {
            [] => false,
            [last] => self
                .fields
                .get(&last.number)
                .is_some_and(|(_, v)| !v.is_empty()),
            [first, rest @ ..] => match self.fields.get(&first.number) {
                Some((_, values)) => values.iter().any(|v| match v {
                    DynValue::Message(inner) => inner.is_set(rest),
                    DynValue::Tagged(_) => false,
                }),
                None => false,
            },
        }
    }

    /// Whether `field`, one of this message's, has a value as protoc's
    /// text format sees it: any value, but for a field without presence
    /// only one other than the default.
    pub(super) fn has(&self, field: &FieldInfo) -> bool {
        self.fields.get(&field.number).is_some_and(|(_, values)| {
            values.iter().any(|value| match value {
                DynValue::Message(_) => true,
                DynValue::Tagged(bytes) => {
                    !field.implicit_presence || untagged(bytes).iter().any(|&b| b != 0)
                }
            })
        })
    }

    /// The member of `field`'s oneof already set, other than `field`.
    pub(super) fn oneof_member(&self, field: &FieldInfo) -> Option<&FieldInfo> {
        let oneof = field.oneof?;
        self.fields
            .values()
            .find(|(info, values)| {
                info.oneof == Some(oneof) && info.number != field.number && !values.is_empty()
            })
            .map(|(info, _)| info)
    }

    /// Adds the encoded `value` of the scalar field at the end of `path`.
    pub(super) fn insert(&mut self, path: &[FieldInfo], value: Vec<u8>) {
        self.insert_value(path, DynValue::Tagged(value));
    }

    /// Sets the message field at the end of `path` to `value`.
    pub(super) fn insert_message(&mut self, path: &[FieldInfo], value: Dyn) {
        self.insert_value(path, DynValue::Message(value));
    }

    /// Adds `value` at the end of `path`, entering (or starting) the last
    /// message of each field on the way, as protoc merges option paths.
    fn insert_value(&mut self, path: &[FieldInfo], value: DynValue) {
        let Some((first, rest)) = path.split_first() else {
            return;
        };
        // Setting a member of a oneof clears the member set before it, as
        // protoc's messages do (the last one set is the one written).
        if let Some(oneof) = first.oneof {
            self.fields
                .retain(|number, (info, _)| *number == first.number || info.oneof != Some(oneof));
        }
        let (_, values) = self
            .fields
            .entry(first.number)
            .or_insert_with(|| (first.clone(), Vec::new()));
        if rest.is_empty() {
            values.push(value);
            return;
        }
        if !matches!(values.last(), Some(DynValue::Message(_))) {
            values.push(DynValue::Message(Dyn::default()));
        }
        if let Some(DynValue::Message(inner)) = values.last_mut() {
            inner.insert_value(rest, value);
        }
    }

    /// The message as protoc writes it, source-retention fields stripped.
    pub(super) fn encode(&self) -> Vec<u8> {
        self.encode_with(true)
    }

    /// The message as written, source-retention fields kept (protoc
    /// validates options before it strips them).
    pub(super) fn encode_unstripped(&self) -> Vec<u8> {
        self.encode_with(false)
    }

    /// Whether stripping removes anything.
    pub(super) fn has_source_retention(&self) -> bool {
        self.fields.values().any(|(info, values)| {
            info.source_retention
                || values.iter().any(|v| match v {
                    DynValue::Message(inner) => inner.has_source_retention(),
                    DynValue::Tagged(_) => false,
                })
        })
    }

    /// The fields descriptor.proto declares (extensions left out), as
    /// written.
    pub(super) fn encode_declared_fields(&self) -> Vec<u8> {
        let mut declared = self.clone();
        declared
            .fields
            .retain(|_, (info, _)| info.extendee.is_none());
        declared.encode_with(false)
    }

    fn encode_with(&self, strip: bool) -> Vec<u8> {
        let mut out = Vec::new();
        for (number, (info, values)) in &self.fields {
            if strip && info.source_retention {
                continue;
            }
            if info.packed {
                let mut payload = Vec::new();
                for value in values {
                    if let DynValue::Tagged(bytes) = value {
                        payload.extend_from_slice(untagged(bytes));
                    }
                }
                put_length_delimited(&mut out, *number, &payload);
                continue;
            }
            for value in values {
                match value {
                    // A field without presence is not written at its
                    // default (zero, false, empty; a negative zero is not
                    // one), as protoc writes no such field.
                    DynValue::Tagged(bytes)
                        if info.implicit_presence && untagged(bytes).iter().all(|&b| b == 0) => {}
                    DynValue::Tagged(bytes) => out.extend_from_slice(bytes),
                    DynValue::Message(inner) => {
                        put_message(&mut out, info, &inner.encode_with(strip))
                    }
                }
            }
        }
        out
    }
}

/// A scalar option value, from an option statement or inside an aggregate.
pub(super) enum Scalar<'s> {
    Ident(&'s str),
    Number(Number),
    Str(&'s [u8]),
    Aggregate,
}

/// Encodes one scalar `value` of `field`, or says what is wrong with it in
/// protoc's words.
pub(super) fn encode_scalar(
    info: &FieldInfo,
    value: &Scalar<'_>,
    model: &TypeModel<'_>,
    out: &mut Vec<u8>,
) -> Result<(), String> {
    let field = &info.descriptor();
    let name = info.full_name.as_str();
    let number = field.number();
    let ty = field.r#type();
    let type_word = match ty {
        Type::Int32 | Type::Sint32 | Type::Sfixed32 => "int32",
        Type::Int64 | Type::Sint64 | Type::Sfixed64 => "int64",
        Type::Uint32 | Type::Fixed32 => "uint32",
        Type::Uint64 | Type::Fixed64 => "uint64",
        Type::Float => "float",
        Type::Double => "double",
        _ => "",
    };
    match ty {
        Type::Bool => match value {
            Scalar::Ident("true") => {
                put_tag(out, number, 0);
                put_varint(out, 1);
            }
            Scalar::Ident("false") => {
                put_tag(out, number, 0);
                put_varint(out, 0);
            }
            Scalar::Ident(_) => {
                return Err(format!(
                    "Value must be \"true\" or \"false\" for boolean option \"{name}\"."
                ))
            }
            _ => {
                return Err(format!(
                    "Value must be identifier for boolean option \"{name}\"."
                ))
            }
        },
        Type::Int32
        | Type::Sint32
        | Type::Sfixed32
        | Type::Int64
        | Type::Sint64
        | Type::Sfixed64 => {
            let wide = matches!(ty, Type::Int64 | Type::Sint64 | Type::Sfixed64);
            let (min, max) = if wide {
                (i64::MIN, i64::MAX)
            } else {
                (i32::MIN as i64, i32::MAX as i64)
            };
            let must_be_integer = || {
                format!("Value must be integer, from {min} to {max}, for {type_word} option \"{name}\".")
            };
            let Scalar::Number(n) = value else {
                return Err(must_be_integer());
            };
            let v = match n.signed(min, max) {
                Some(Ok(v)) => v,
                Some(Err(())) => {
                    return Err(format!(
                        "Value out of range, {min} to {max}, for {type_word} option \"{name}\"."
                    ))
                }
                None => return Err(must_be_integer()),
            };
            match ty {
                Type::Sint32 | Type::Sint64 => {
                    put_tag(out, number, 0);
                    put_varint(out, ((v << 1) ^ (v >> 63)) as u64);
                }
                Type::Sfixed32 => {
                    put_tag(out, number, 5);
                    out.extend_from_slice(&(v as i32).to_le_bytes());
                }
                Type::Sfixed64 => {
                    put_tag(out, number, 1);
                    out.extend_from_slice(&v.to_le_bytes());
                }
                _ => {
                    put_tag(out, number, 0);
                    put_varint(out, v as u64);
                }
            }
        }
        Type::Uint32 | Type::Fixed32 | Type::Uint64 | Type::Fixed64 => {
            let max = if matches!(ty, Type::Uint32 | Type::Fixed32) {
                u32::MAX as u64
            } else {
                u64::MAX
            };
            let v = match value {
                Scalar::Number(Number::Int {
                    negative: false,
                    magnitude,
                }) => {
                    if *magnitude > max {
                        return Err(format!(
                            "Value out of range, 0 to {max}, for {type_word} option \"{name}\"."
                        ));
                    }
                    *magnitude
                }
                _ => {
                    return Err(format!(
                        "Value must be integer, from 0 to {max}, for {type_word} option \"{name}\"."
                    ))
                }
            };
            match ty {
                Type::Fixed32 => {
                    put_tag(out, number, 5);
                    out.extend_from_slice(&(v as u32).to_le_bytes());
                }
                Type::Fixed64 => {
                    put_tag(out, number, 1);
                    out.extend_from_slice(&v.to_le_bytes());
                }
                _ => {
                    put_tag(out, number, 0);
                    put_varint(out, v);
                }
            }
        }
        Type::Float | Type::Double => {
            let v = match value {
                Scalar::Number(n) => n.as_f64(),
                Scalar::Ident("inf") => f64::INFINITY,
                Scalar::Ident("nan") => f64::NAN,
                _ => {
                    return Err(format!(
                        "Value must be number for {type_word} option \"{name}\"."
                    ))
                }
            };
            if ty == Type::Float {
                put_tag(out, number, 5);
                out.extend_from_slice(&(v as f32).to_le_bytes());
            } else {
                put_tag(out, number, 1);
                out.extend_from_slice(&v.to_le_bytes());
            }
        }
        Type::String | Type::Bytes => match value {
            Scalar::Str(bytes) => put_length_delimited(out, number, bytes),
            _ => {
                return Err(format!(
                    "Value must be quoted string for string option \"{name}\"."
                ))
            }
        },
        Type::Enum => {
            let Scalar::Ident(ident) = value else {
                return Err(format!(
                    "Value must be identifier for enum-valued option \"{name}\"."
                ));
            };
            let enum_name = field.type_name();
            match model.enum_value(enum_name, ident) {
                Some(v) => {
                    put_tag(out, number, 0);
                    put_varint(out, v as i64 as u64);
                }
                None => {
                    return Err(format!(
                        "Enum type \"{}\" has no value named \"{ident}\" for option \"{name}\".",
                        enum_name.trim_start_matches('.')
                    ))
                }
            }
        }
        Type::Message | Type::Group => {
            let short = name.rsplit('.').next().unwrap_or(name);
            return Err(format!(
                "Option \"{name}\" is a message. To set the entire message, use syntax like \
                 \"{short} = {{ <proto text format> }}\". To set fields within it, use syntax \
                 like \"{short}.foo = value\"."
            ));
        }
    }
    Ok(())
}
