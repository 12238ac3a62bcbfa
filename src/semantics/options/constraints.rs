//! Checks on an element's finished options message that protoc makes after
//! building: each set field's `targets` (which kinds of element it may be
//! set on) and `feature_support` (the editions it exists in).
//!
//! Both read the annotations of descriptor.proto and of the language
//! feature files protoc ships (`pb.cpp`, `pb.java`, `pb.go`), so they apply
//! to the built-in options and features; the options message is walked as
//! wire bytes with those files' schemas, which covers values written as
//! aggregates too.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::pb::{self, field_descriptor_proto::Type, field_options::FeatureSupport};

/// One violation found in an options message.
pub(super) enum Violation {
    /// `Option <field> cannot be set on an entity of type `<target>`.`
    Target { field: String },
    /// A field or enum value used outside the editions that have it.
    Lifetime { message: String },
    /// A field or enum value used in or after the edition that deprecated
    /// it: protoc warns.
    Deprecated { message: String },
}

/// The messages, enums and extensions of the built-in files, by full name
/// with a leading dot (extensions by extendee and number, with their full
/// names without the dot): what the walk needs beyond descriptor.proto's
/// schema to read `features.(pb.cpp)` and its kin.
struct Schema {
    messages: HashMap<String, pb::DescriptorProto>,
    enums: HashMap<String, pb::EnumDescriptorProto>,
    extensions: HashMap<(String, i32), (String, pb::FieldDescriptorProto)>,
}

fn builtin_schema() -> &'static Schema {
    static SCHEMA: OnceLock<Schema> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        let mut schema = Schema {
            messages: HashMap::new(),
            enums: HashMap::new(),
            extensions: HashMap::new(),
        };
        fn collect(
            scope: &str,
            messages: &[pb::DescriptorProto],
            enums: &[pb::EnumDescriptorProto],
            extensions: &[pb::FieldDescriptorProto],
            schema: &mut Schema,
        ) {
            for e in enums {
                schema
                    .enums
                    .insert(format!("{scope}.{}", e.name()), e.clone());
            }
            for extension in extensions {
                let full = format!("{scope}.{}", extension.name());
                schema.extensions.insert(
                    (extension.extendee().to_owned(), extension.number()),
                    (full.trim_start_matches('.').to_owned(), extension.clone()),
                );
            }
            for message in messages {
                let name = format!("{scope}.{}", message.name());
                collect(
                    &name,
                    &message.nested_type,
                    &message.enum_type,
                    &message.extension,
                    schema,
                );
                schema.messages.insert(name, message.clone());
            }
        }
        for file in crate::builtin::files() {
            let scope = if file.package().is_empty() {
                String::new()
            } else {
                format!(".{}", file.package())
            };
            collect(
                &scope,
                &file.message_type,
                &file.enum_type,
                &file.extension,
                &mut schema,
            );
        }
        schema
    })
}

fn message_schema(type_name: &str) -> Option<&'static pb::DescriptorProto> {
    pb::schema()
        .messages
        .get(type_name)
        .or_else(|| builtin_schema().messages.get(type_name))
}

fn enum_schema(type_name: &str) -> Option<&'static pb::EnumDescriptorProto> {
    pb::schema()
        .enums
        .get(type_name)
        .or_else(|| builtin_schema().enums.get(type_name))
}

/// protoc's name for an edition number, as in its messages.
pub(super) fn edition_name(edition: i32) -> String {
    match edition {
        0 => "UNKNOWN".into(),
        900 => "LEGACY".into(),
        998 => "PROTO2".into(),
        999 => "PROTO3".into(),
        1000 => "2023".into(),
        1001 => "2024".into(),
        1002 => "2026".into(),
        9999 => "UNSTABLE".into(),
        i32::MAX => "MAX".into(),
        n => format!("{n}_TEST_ONLY"),
    }
}

/// The violations in `bytes`, an encoded message of type `type_name`
/// (with a leading dot), set on an element of OptionTargetType `target` in
/// a file of `edition`.
pub(super) fn check(bytes: &[u8], type_name: &str, target: i32, edition: i32) -> Vec<Violation> {
    let mut out = Vec::new();
    walk(bytes, type_name, &mut |full_name, field, value| {
        let full_name = full_name.to_owned();
        let options = field.options.as_ref().map(|o| &o.known);
        if let Some(options) = options {
            let reported = out
                .iter()
                .any(|v| matches!(v, Violation::Target { field } if *field == full_name));
            if !options.targets.is_empty() && !options.targets.contains(&target) && !reported {
                out.push(Violation::Target {
                    field: full_name.clone(),
                });
            }
            if let Some(support) = &options.feature_support {
                out.extend(lifetime(&full_name, support, edition));
            }
        }
        if let (Type::Enum, Some(number)) = (field.r#type(), value) {
            let value = enum_schema(field.type_name()).and_then(|e| {
                e.value
                    .iter()
                    .find(|v| i64::from(v.number()) == number as i64)
            });
            let support = value.and_then(|v| v.options.as_ref()?.known.feature_support.as_ref());
            if let (Some(value), Some(support)) = (value, support) {
                let scope = field
                    .type_name()
                    .trim_start_matches('.')
                    .rsplit_once('.')
                    .map_or("", |(scope, _)| scope);
                let name = format!("{scope}.{}", value.name());
                out.extend(lifetime(&name, support, edition));
            }
        }
    });
    out
}

/// protoc's `ValidateSingleFeatureLifetimes`.
fn lifetime(full_name: &str, support: &FeatureSupport, edition: i32) -> Option<Violation> {
    let introduced = support.edition_introduced.unwrap_or(0);
    if edition < introduced {
        return Some(Violation::Lifetime {
            message: format!(
                "{full_name} wasn't introduced until edition {} and can't be used in edition {}",
                edition_name(introduced),
                edition_name(edition)
            ),
        });
    }
    if let Some(removed) = support
        .edition_removed
        .filter(|removed| edition >= *removed)
    {
        return Some(Violation::Lifetime {
            message: format!(
                "{full_name} has been removed in edition {}{}",
                edition_name(removed),
                support
                    .removal_error
                    .as_deref()
                    .map(|e| format!(": {e}"))
                    .unwrap_or_default()
            ),
        });
    }
    let deprecated = support.edition_deprecated?;
    (edition >= deprecated).then(|| Violation::Deprecated {
        message: format!(
            "{full_name} has been deprecated in edition {}: {}",
            edition_name(deprecated),
            support.deprecation_warning()
        ),
    })
}

/// Visits every field set in `bytes` that the schemas know, with its full
/// name and, for varints, the value; a message field is visited before
/// its fields are, recursively.
fn walk(
    mut bytes: &[u8],
    type_name: &str,
    visit: &mut impl FnMut(&str, &pb::FieldDescriptorProto, Option<u64>),
) {
    let Some(message) = message_schema(type_name) else {
        return;
    };
    let scope = type_name.trim_start_matches('.');
    while let Some((number, wire_type)) = varint(&mut bytes).map(|k| ((k >> 3) as i32, k & 7)) {
        let named = message
            .field
            .iter()
            .find(|f| f.number() == number)
            .map(|f| (format!("{scope}.{}", f.name()), f))
            .or_else(|| {
                builtin_schema()
                    .extensions
                    .get(&(type_name.to_owned(), number))
                    .map(|(full, f)| (full.clone(), f))
            });
        let (full_name, field) = match &named {
            Some((full, f)) => (full.as_str(), Some(*f)),
            None => ("", None),
        };
        match wire_type {
            0 => {
                let Some(value) = varint(&mut bytes) else {
                    return;
                };
                if let Some(field) = field {
                    visit(full_name, field, Some(value));
                }
            }
            1 | 5 => {
                let len = if wire_type == 1 { 8 } else { 4 };
                let Some(rest) = bytes.get(len..) else { return };
                bytes = rest;
                if let Some(field) = field {
                    visit(full_name, field, None);
                }
            }
            2 => {
                let Some(len) = varint(&mut bytes) else {
                    return;
                };
                let Some((payload, rest)) = bytes.split_at_checked(len as usize) else {
                    return;
                };
                bytes = rest;
                let Some(field) = field else { continue };
                match field.r#type() {
                    Type::Message => {
                        visit(full_name, field, None);
                        walk(payload, field.type_name(), visit);
                    }
                    // Packed enums: each value in turn.
                    Type::Enum => {
                        let mut values = payload;
                        while let Some(value) = varint(&mut values) {
                            visit(full_name, field, Some(value));
                        }
                    }
                    _ => visit(full_name, field, None),
                }
            }
            // Groups do not occur in descriptor.proto's options.
            _ => return,
        }
    }
}

fn varint(bytes: &mut &[u8]) -> Option<u64> {
    let mut value = 0u64;
    for (i, &b) in bytes.iter().enumerate().take(10) {
        value |= u64::from(b & 0x7f) << (7 * i);
        if b & 0x80 == 0 {
            *bytes = &bytes[i + 1..];
            return Some(value);
        }
    }
    None
}
