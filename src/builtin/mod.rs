//! protoc's own `.proto` files, as data: every file of protoc 35's include
//! directory (the well-known types, `descriptor.proto`,
//! `compiler/plugin.proto` and the language feature files), as the
//! `FileDescriptorSet` protoc 35 writes for them.
//!
//! `scripts/regen-builtin.sh` makes `protoc35.pb` with protoc 35 itself
//! (`--include_imports --retain_options`, no source info): names, numbers,
//! types, options and json names, no comments. The driver serves an import
//! of one of these files from here when no include path has it, through the
//! same loader as `--descriptor_set_in`.
//!
//! Architecture invariant: data only, decoded once; no IO.

use std::collections::HashMap;
use std::sync::OnceLock;

use prost::Message;

use crate::pb;

/// The protoc release whose files these are, and whose behaviour protoc-rs
/// follows.
pub const PROTOC_VERSION: &str = "35.1";

/// The encoded `FileDescriptorSet` protoc 35 wrote for its include directory.
static PROTOC35: &[u8] = include_bytes!("protoc35.pb");

struct Builtin {
    files: Vec<pb::FileDescriptorProto>,
    /// Full names (no leading dot) of every message and enum, to the index
    /// of the file that defines it.
    types: HashMap<String, usize>,
}

fn builtin() -> &'static Builtin {
    static BUILTIN: OnceLock<Builtin> = OnceLock::new();
    BUILTIN.get_or_init(|| {
        // Bytes protoc wrote and this crate embeds: a decoding failure would
        // mean a corrupt checkout, which every test would show at once.
        let files = pb::FileDescriptorSet::decode(PROTOC35)
            .map(|set| set.file)
            .unwrap_or_default();
        let mut types = HashMap::new();
        for (index, file) in files.iter().enumerate() {
            let package = file.package();
            for_each_type(package, &file.message_type, &file.enum_type, &mut |name| {
                types.insert(name, index);
            });
        }
        Builtin { files, types }
    })
}

fn for_each_type(
    scope: &str,
    messages: &[pb::DescriptorProto],
    enums: &[pb::EnumDescriptorProto],
    visit: &mut dyn FnMut(String),
) {
    let qualify = |name: &str| {
        if scope.is_empty() {
            name.to_owned()
        } else {
            format!("{scope}.{name}")
        }
    };
    for e in enums {
        visit(qualify(e.name()));
    }
    for message in messages {
        let name = qualify(message.name());
        for_each_type(&name, &message.nested_type, &message.enum_type, visit);
        visit(name);
    }
}

/// Every built-in file, in protoc's order (each after its imports).
pub fn files() -> &'static [pb::FileDescriptorProto] {
    &builtin().files
}

/// The built-in file named `name` (as imports spell it).
pub fn file(name: &str) -> Option<&'static pb::FileDescriptorProto> {
    files().iter().find(|f| f.name() == name)
}

/// The names of the built-in files, sorted.
pub fn names() -> Vec<&'static str> {
    let mut names: Vec<&str> = files().iter().map(|f| f.name()).collect();
    names.sort_unstable();
    names
}

/// The built-in file that defines the message or enum `full_name` (no
/// leading dot), for suggesting the import a file is missing.
pub fn file_defining(full_name: &str) -> Option<&'static str> {
    let builtin = builtin();
    let index = *builtin.types.get(full_name)?;
    Some(builtin.files[index].name())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_file_of_protocs_include_directory_is_built_in() {
        let names = names();
        for expected in [
            "google/protobuf/any.proto",
            "google/protobuf/api.proto",
            "google/protobuf/compiler/plugin.proto",
            "google/protobuf/cpp_features.proto",
            "google/protobuf/descriptor.proto",
            "google/protobuf/duration.proto",
            "google/protobuf/empty.proto",
            "google/protobuf/field_mask.proto",
            "google/protobuf/go_features.proto",
            "google/protobuf/java_features.proto",
            "google/protobuf/source_context.proto",
            "google/protobuf/struct.proto",
            "google/protobuf/timestamp.proto",
            "google/protobuf/type.proto",
            "google/protobuf/wrappers.proto",
        ] {
            assert!(
                names.contains(&expected),
                "{expected} missing from {names:?}"
            );
        }
        assert_eq!(names.len(), 15);
    }

    #[test]
    fn the_set_carries_no_source_info() {
        assert!(files().iter().all(|f| f.source_code_info.is_none()));
    }

    #[test]
    fn types_map_to_their_files() {
        assert_eq!(
            file_defining("google.protobuf.Timestamp"),
            Some("google/protobuf/timestamp.proto")
        );
        assert_eq!(
            file_defining("google.protobuf.FieldDescriptorProto.Type"),
            Some("google/protobuf/descriptor.proto")
        );
        assert_eq!(file_defining("google.protobuf.Nope"), None);
    }
}
