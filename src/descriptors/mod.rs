//! The descriptors stage: the checked syntax trees and their resolved names
//! become `FileDescriptorProto`s, encoded as protoc encodes them.
//!
//! The descriptor types are prost code generated from descriptor.proto as
//! protoc 35 ships it (scripts/regen-descriptor-types.sh); prost-types lacks
//! `edition` and `features`.

#[allow(clippy::all, missing_docs)]
pub mod pb {
    include!("generated/google.protobuf.rs");
}
