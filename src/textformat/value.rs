//! A dynamic message: the values of one message of a pool's type, as
//! protoc's DynamicMessage holds them for `--encode` and `--decode`.
//!
//! Fields (extensions included) are kept by number, so iterating gives
//! protoc's `ListFields` order. A singular field without presence is
//! stored even when it holds its default, but counts as set only when it
//! does not (floats compare by bits, so `-0.0` is set), as protoc's
//! reflection reports it. Map fields are repeated entry messages in the
//! order they came, duplicates included: protoc keeps them so until it
//! prints or serializes.

use std::collections::BTreeMap;

use super::pool::{Field, Kind, Pool};

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Value<'p> {
    I32(i32),
    I64(i64),
    U32(u32),
    U64(u64),
    F32(f32),
    F64(f64),
    Bool(bool),
    /// A string or bytes value.
    Bytes(Vec<u8>),
    Enum(i32),
    Message(Box<Message<'p>>),
}

impl<'p> Value<'p> {
    /// The default value of a field of this kind (an enum's first value).
    pub fn default_of(pool: &'p Pool, kind: Kind) -> Value<'p> {
        match kind {
            Kind::Double => Value::F64(0.0),
            Kind::Float => Value::F32(0.0),
            Kind::Int64 | Kind::Sint64 | Kind::Sfixed64 => Value::I64(0),
            Kind::Uint64 | Kind::Fixed64 => Value::U64(0),
            Kind::Int32 | Kind::Sint32 | Kind::Sfixed32 => Value::I32(0),
            Kind::Uint32 | Kind::Fixed32 => Value::U32(0),
            Kind::Bool => Value::Bool(false),
            Kind::String | Kind::Bytes => Value::Bytes(Vec::new()),
            Kind::Enum(e) => Value::Enum(pool.enums[e].default_value()),
            Kind::Message(m) => Value::Message(Box::new(Message::new(m))),
        }
    }

    /// Whether a field without presence holding this value counts as set.
    fn is_set(&self) -> bool {
        match self {
            Value::I32(v) | Value::Enum(v) => *v != 0,
            Value::I64(v) => *v != 0,
            Value::U32(v) => *v != 0,
            Value::U64(v) => *v != 0,
            Value::F32(v) => v.to_bits() != 0,
            Value::F64(v) => v.to_bits() != 0,
            Value::Bool(v) => *v,
            Value::Bytes(v) => !v.is_empty(),
            Value::Message(_) => true,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Slot<'p> {
    Single(Value<'p>),
    List(Vec<Value<'p>>),
}

/// One field of wire data the message's type does not know, kept as
/// protoc's UnknownFieldSet keeps it.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Unknown {
    Varint(u32, u64),
    Fixed32(u32, u32),
    Fixed64(u32, u64),
    LengthDelimited(u32, Vec<u8>),
    Group(u32, Vec<Unknown>),
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Message<'p> {
    /// Index of the type in the pool.
    pub ty: usize,
    pub fields: BTreeMap<u32, (&'p Field, Slot<'p>)>,
    pub unknown: Vec<Unknown>,
}

impl<'p> Message<'p> {
    pub fn new(ty: usize) -> Message<'p> {
        Message {
            ty,
            fields: BTreeMap::new(),
            unknown: Vec::new(),
        }
    }

    /// protoc's `HasField` for a singular field, or a non-empty repeated one.
    pub fn has(&self, field: &Field) -> bool {
        match self.fields.get(&field.number) {
            None => false,
            Some((_, Slot::List(values))) => !values.is_empty(),
            Some((f, Slot::Single(value))) => f.presence || value.is_set(),
        }
    }

    /// The number of the member of oneof `index` that is set, if any.
    pub fn oneof_case(&self, pool: &Pool, index: usize) -> Option<u32> {
        pool.messages[self.ty]
            .fields
            .iter()
            .filter(|f| f.oneof == Some(index) && f.extendee.is_none())
            .find(|f| self.fields.contains_key(&f.number))
            .map(|f| f.number)
    }

    /// Clears the other members of `field`'s oneof.
    fn clear_oneof(&mut self, pool: &Pool, field: &Field) {
        if let (Some(oneof), None) = (field.oneof, field.extendee) {
            let others: Vec<u32> = pool.messages[self.ty]
                .fields
                .iter()
                .filter(|f| f.oneof == Some(oneof) && f.number != field.number)
                .map(|f| f.number)
                .collect();
            for number in others {
                self.fields.remove(&number);
            }
        }
    }

    /// Sets a singular field (a oneof member clears the others).
    pub fn set(&mut self, pool: &Pool, field: &'p Field, value: Value<'p>) {
        self.clear_oneof(pool, field);
        self.fields
            .insert(field.number, (field, Slot::Single(value)));
    }

    /// Appends to a repeated field.
    pub fn push(&mut self, field: &'p Field, value: Value<'p>) {
        let entry = self
            .fields
            .entry(field.number)
            .or_insert_with(|| (field, Slot::List(Vec::new())));
        match &mut entry.1 {
            Slot::List(values) => values.push(value),
            slot @ Slot::Single(_) => *slot = Slot::List(vec![value]),
        }
    }

    /// The message of a singular message field, created empty if absent
    /// (protoc's `MutableMessage`). `None` only if `field` is not a
    /// message field.
    pub fn mutable_message(&mut self, pool: &Pool, field: &'p Field) -> Option<&mut Message<'p>> {
        let Kind::Message(ty) = field.kind else {
            return None;
        };
        let present = matches!(
            self.fields.get(&field.number),
            Some((_, Slot::Single(Value::Message(_))))
        );
        if !present {
            self.set(pool, field, Value::Message(Box::new(Message::new(ty))));
        }
        match self.fields.get_mut(&field.number) {
            Some((_, Slot::Single(Value::Message(message)))) => Some(message),
            _ => None,
        }
    }

    /// Adds a new element to a repeated message field and returns it.
    /// `None` only if `field` is not a message field.
    pub fn add_message(&mut self, field: &'p Field) -> Option<&mut Message<'p>> {
        let Kind::Message(ty) = field.kind else {
            return None;
        };
        self.push(field, Value::Message(Box::new(Message::new(ty))));
        match self.fields.get_mut(&field.number) {
            Some((_, Slot::List(values))) => match values.last_mut() {
                Some(Value::Message(message)) => Some(message),
                _ => None,
            },
            _ => None,
        }
    }

    /// The value of a singular field, if stored.
    pub fn get(&self, number: u32) -> Option<&Value<'p>> {
        match self.fields.get(&number) {
            Some((_, Slot::Single(value))) => Some(value),
            _ => None,
        }
    }

    /// The fields that count as set, in number order (protoc's
    /// `ListFields`).
    pub fn listed(&self) -> impl Iterator<Item = (&'p Field, &Slot<'p>)> + '_ {
        self.fields
            .values()
            .filter(|(field, _)| self.has(field))
            .map(|(field, slot)| (*field, slot))
    }

    /// protoc's `IsInitialized`. It can be false with no path to report:
    /// a map entry's message value counts even when absent (as its type's
    /// default, whose required fields are unset), while
    /// `missing_required` only walks values that are present.
    pub fn is_initialized(&self, pool: &Pool) -> bool {
        let ty = &pool.messages[self.ty];
        if ty.map_entry {
            return match ty.field_by_number(2).map(|f| f.kind) {
                Some(Kind::Message(value_type)) => match self.get(2) {
                    Some(Value::Message(value)) => value.is_initialized(pool),
                    _ => Message::new(value_type).is_initialized(pool),
                },
                _ => true,
            };
        }
        if ty.fields.iter().any(|f| f.required && !self.has(f)) {
            return false;
        }
        self.listed().all(|(_, slot)| match slot {
            Slot::Single(Value::Message(message)) => message.is_initialized(pool),
            Slot::List(values) => values.iter().all(|value| match value {
                Value::Message(message) => message.is_initialized(pool),
                _ => true,
            }),
            Slot::Single(_) => true,
        })
    }

    /// protoc's `FindInitializationErrors`: paths of unset required
    /// fields, this message's first (in declaration order), then those of
    /// set sub-messages in number order.
    pub fn missing_required(&self, pool: &Pool, prefix: &str, out: &mut Vec<String>) {
        for field in &pool.messages[self.ty].fields {
            if field.required && !self.has(field) {
                out.push(format!("{prefix}{}", field.name));
            }
        }
        for (field, slot) in self.listed() {
            let name = if field.extendee.is_some() {
                format!("({})", field.full_name)
            } else {
                field.name.clone()
            };
            match slot {
                Slot::Single(Value::Message(message)) => {
                    message.missing_required(pool, &format!("{prefix}{name}."), out);
                }
                Slot::List(values) => {
                    for (i, value) in values.iter().enumerate() {
                        if let Value::Message(message) = value {
                            message.missing_required(pool, &format!("{prefix}{name}[{i}]."), out);
                        }
                    }
                }
                Slot::Single(_) => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negative_zero_counts_as_set() {
        assert!(Value::F64(-0.0).is_set());
        assert!(!Value::F64(0.0).is_set());
        assert!(!Value::Bytes(Vec::new()).is_set());
    }
}
