//! protobuf's own descriptor types: prost code generated from
//! descriptor.proto as protoc 35 ships it (scripts/regen-descriptor-types.sh;
//! prost-types lacks `edition` and `features`), and the schema of the
//! options messages, read from protoc's encoding of descriptor.proto.
//!
//! Both the semantics stage (to interpret options) and the descriptors
//! stage (to write descriptor sets) use them; neither owns them.

use std::collections::HashMap;
use std::sync::OnceLock;

use prost::Message;

#[allow(clippy::all, missing_docs)]
mod generated {
    include!("generated/google.protobuf.rs");
}

pub use generated::*;

pub mod features;
pub mod wire;

/// protoc's encoding of the FileDescriptorSet of descriptor.proto.
static DESCRIPTOR_PROTO: &[u8] = include_bytes!("generated/descriptor.pb");

/// The messages and enums of descriptor.proto by full name (with the
/// leading dot, as type names are written), for reading option values.
pub struct Schema {
    pub messages: HashMap<String, DescriptorProto>,
    pub enums: HashMap<String, EnumDescriptorProto>,
}

fn collect_message(scope: &str, message: &DescriptorProto, schema: &mut Schema) {
    let name = format!("{scope}.{}", message.name());
    for nested in &message.nested_type {
        collect_message(&name, nested, schema);
    }
    for e in &message.enum_type {
        schema
            .enums
            .insert(format!("{name}.{}", e.name()), e.clone());
    }
    schema.messages.insert(name, message.clone());
}

/// The schema of descriptor.proto, decoded once.
pub fn schema() -> &'static Schema {
    static SCHEMA: OnceLock<Schema> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        let mut schema = Schema {
            messages: HashMap::new(),
            enums: HashMap::new(),
        };
        // Decoding bytes protoc wrote and this crate embeds cannot fail
        // unless the file is corrupt, which the tests would show at once.
        let set = FileDescriptorSet::decode(DESCRIPTOR_PROTO).unwrap_or_default();
        for file in &set.file {
            let scope = format!(".{}", file.package());
            for message in &file.message_type {
                collect_message(&scope, message, &mut schema);
            }
            for e in &file.enum_type {
                schema
                    .enums
                    .insert(format!("{scope}.{}", e.name()), e.clone());
            }
        }
        schema
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn schema_has_the_options_messages() {
        let schema = super::schema();
        for name in [
            "FileOptions",
            "MessageOptions",
            "FieldOptions",
            "FeatureSet",
        ] {
            assert!(schema
                .messages
                .contains_key(&format!(".google.protobuf.{name}")));
        }
        assert!(schema
            .enums
            .contains_key(".google.protobuf.FileOptions.OptimizeMode"));
    }
}

/// An options message that keeps the fields its generated type does not
/// know — custom options — as raw wire bytes, so that descriptor sets carry
/// them as protoc writes them: known fields first, then the unknown ones.
#[derive(Clone, PartialEq, Default, Debug)]
pub struct WithUnknown<T> {
    pub known: T,
    /// Wire-format fields outside descriptor.proto's schema, in order.
    pub unknown: Vec<u8>,
}

/// The options messages, by their full name in descriptor.proto.
pub trait OptionsMessage: Message + Default {
    const FULL_NAME: &'static str;
}

macro_rules! options_messages {
    ($($ty:ident),*) => {
        $(impl OptionsMessage for $ty {
            const FULL_NAME: &'static str = concat!(".google.protobuf.", stringify!($ty));
        })*

        /// The options types descriptor protos refer to.
        pub mod raw {
            $(pub type $ty = super::WithUnknown<super::$ty>;)*
        }
    };
}

options_messages!(
    FileOptions,
    MessageOptions,
    FieldOptions,
    OneofOptions,
    EnumOptions,
    EnumValueOptions,
    ServiceOptions,
    MethodOptions,
    ExtensionRangeOptions,
    FeatureSet
);

impl<T: OptionsMessage> WithUnknown<T> {
    /// Splits an encoded options message into the fields `T` knows and the
    /// rest.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, prost::DecodeError> {
        let mut value = WithUnknown::<T>::default();
        value.merge(bytes)?;
        Ok(value)
    }

    fn is_known(tag: u32) -> bool {
        known_fields()
            .get(T::FULL_NAME)
            .is_some_and(|numbers| numbers.contains(&tag))
    }
}

/// Copies one field's value (its key already written) from `buf` to `out`
/// unchanged; a group is copied through its end tag.
fn copy_value(
    tag: u32,
    wire_type: prost::encoding::WireType,
    buf: &mut impl prost::bytes::Buf,
    out: &mut Vec<u8>,
) -> Result<(), prost::DecodeError> {
    use prost::encoding::{decode_key, decode_varint, encode_key, encode_varint, WireType};
    fn take(
        len: usize,
        buf: &mut impl prost::bytes::Buf,
        out: &mut Vec<u8>,
    ) -> Result<(), prost::DecodeError> {
        if buf.remaining() < len {
            return Err(decode_error("buffer underflow"));
        }
        let start = out.len();
        out.resize(start + len, 0);
        buf.copy_to_slice(&mut out[start..]);
        Ok(())
    }
    match wire_type {
        WireType::Varint => encode_varint(decode_varint(buf)?, out),
        WireType::ThirtyTwoBit => take(4, buf, out)?,
        WireType::SixtyFourBit => take(8, buf, out)?,
        WireType::LengthDelimited => {
            let len = decode_varint(buf)?;
            encode_varint(len, out);
            take(len as usize, buf, out)?;
        }
        WireType::StartGroup => loop {
            if !buf.has_remaining() {
                return Err(decode_error("unterminated group"));
            }
            let (inner_tag, inner_type) = decode_key(buf)?;
            encode_key(inner_tag, inner_type, out);
            if inner_type == WireType::EndGroup {
                if inner_tag != tag {
                    return Err(decode_error("mismatched end group"));
                }
                break;
            }
            copy_value(inner_tag, inner_type, buf, out)?;
        },
        WireType::EndGroup => return Err(decode_error("unexpected end group")),
    }
    Ok(())
}

impl<T: OptionsMessage + Send + Sync> Message for WithUnknown<T> {
    fn encode_raw(&self, buf: &mut impl prost::bytes::BufMut) {
        self.known.encode_raw(buf);
        buf.put_slice(&self.unknown);
    }

    fn merge_field(
        &mut self,
        tag: u32,
        wire_type: prost::encoding::WireType,
        buf: &mut impl prost::bytes::Buf,
        ctx: prost::encoding::DecodeContext,
    ) -> Result<(), prost::DecodeError> {
        use prost::encoding::encode_key;
        if Self::is_known(tag) {
            return self.known.merge_field(tag, wire_type, buf, ctx);
        }
        encode_key(tag, wire_type, &mut self.unknown);
        copy_value(tag, wire_type, buf, &mut self.unknown)
    }

    fn encoded_len(&self) -> usize {
        self.known.encoded_len() + self.unknown.len()
    }

    fn clear(&mut self) {
        self.known.clear();
        self.unknown.clear();
    }
}

/// Just enough of descriptor.proto's own descriptor to list each message's
/// field numbers. `schema()` cannot serve here: decoding it decodes options
/// messages, which would ask for the schema being built.
mod skeleton {
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Set {
        #[prost(message, repeated, tag = "1")]
        pub file: Vec<File>,
    }
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct File {
        #[prost(string, optional, tag = "2")]
        pub package: Option<String>,
        #[prost(message, repeated, tag = "4")]
        pub message_type: Vec<Message>,
    }
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Message {
        #[prost(string, optional, tag = "1")]
        pub name: Option<String>,
        #[prost(message, repeated, tag = "2")]
        pub field: Vec<Field>,
        #[prost(message, repeated, tag = "3")]
        pub nested_type: Vec<Message>,
    }
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Field {
        #[prost(int32, optional, tag = "3")]
        pub number: Option<i32>,
    }
}

/// Field numbers of each message of descriptor.proto, by full name.
fn known_fields() -> &'static HashMap<String, std::collections::HashSet<u32>> {
    static KNOWN: OnceLock<HashMap<String, std::collections::HashSet<u32>>> = OnceLock::new();
    KNOWN.get_or_init(|| {
        fn collect(
            scope: &str,
            message: &skeleton::Message,
            out: &mut HashMap<String, std::collections::HashSet<u32>>,
        ) {
            let name = format!("{scope}.{}", message.name.as_deref().unwrap_or(""));
            for nested in &message.nested_type {
                collect(&name, nested, out);
            }
            let numbers = message
                .field
                .iter()
                .filter_map(|f| f.number)
                .map(|n| n as u32);
            out.insert(name, numbers.collect());
        }
        let mut out = HashMap::new();
        let set = skeleton::Set::decode(DESCRIPTOR_PROTO).unwrap_or_default();
        for file in &set.file {
            let scope = format!(".{}", file.package.as_deref().unwrap_or(""));
            for message in &file.message_type {
                collect(&scope, message, &mut out);
            }
        }
        out
    })
}

/// prost offers no other way to make a `DecodeError` outside its own code.
#[allow(deprecated)]
fn decode_error(message: &'static str) -> prost::DecodeError {
    prost::DecodeError::new(message)
}
