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
