//! protoc's plugin protocol, from both sides: the host that runs
//! `protoc-gen-NAME` for `--NAME_out` exactly as protoc 35 does
//! ([`host`]), and protoc-rs's own Rust generator as a plugin
//! ([`prost_rs`], the `protoc-gen-prost-rs` binary).
//!
//! A plugin reads a `CodeGeneratorRequest` on its standard input and
//! answers with a `CodeGeneratorResponse` on its standard output
//! (`google/protobuf/compiler/plugin.proto`). The messages are declared
//! here by hand, as prost would generate them, with the fields protoc 35
//! sets and reads.
//!
//! Architecture invariant: the request is built from the descriptor stage's
//! sets (through the driver's `Compilation`), never from syntax trees; the
//! host never knows which language a plugin writes.

pub mod builtin;
pub mod host;
pub mod prost_rs;
mod zip;

use std::sync::OnceLock;

use crate::compile::Compilation;
use crate::descriptors::{pb, SetOptions};

/// `google.protobuf.compiler.CodeGeneratorRequest`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct CodeGeneratorRequest {
    #[prost(string, repeated, tag = "1")]
    pub file_to_generate: Vec<String>,
    #[prost(string, optional, tag = "2")]
    pub parameter: Option<String>,
    // Fields in number order: prost encodes them in declaration order,
    // protoc in number order, and the request must be protoc's bytes.
    #[prost(message, optional, tag = "3")]
    pub compiler_version: Option<Version>,
    #[prost(message, repeated, tag = "15")]
    pub proto_file: Vec<pb::FileDescriptorProto>,
    #[prost(message, repeated, tag = "17")]
    pub source_file_descriptors: Vec<pb::FileDescriptorProto>,
}

/// `google.protobuf.compiler.Version`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Version {
    #[prost(int32, optional, tag = "1")]
    pub major: Option<i32>,
    #[prost(int32, optional, tag = "2")]
    pub minor: Option<i32>,
    #[prost(int32, optional, tag = "3")]
    pub patch: Option<i32>,
    #[prost(string, optional, tag = "4")]
    pub suffix: Option<String>,
}

/// `google.protobuf.compiler.CodeGeneratorResponse`. Text fields are bytes:
/// plugin.proto is proto2, so protoc takes any bytes in them and writes
/// them out as they are.
#[derive(Clone, PartialEq, prost::Message)]
pub struct CodeGeneratorResponse {
    #[prost(bytes = "vec", optional, tag = "1")]
    pub error: Option<Vec<u8>>,
    #[prost(uint64, optional, tag = "2")]
    pub supported_features: Option<u64>,
    #[prost(int32, optional, tag = "3")]
    pub minimum_edition: Option<i32>,
    #[prost(int32, optional, tag = "4")]
    pub maximum_edition: Option<i32>,
    #[prost(message, repeated, tag = "15")]
    pub file: Vec<ResponseFile>,
}

/// `CodeGeneratorResponse.File`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ResponseFile {
    #[prost(bytes = "vec", optional, tag = "1")]
    pub name: Option<Vec<u8>>,
    #[prost(bytes = "vec", optional, tag = "2")]
    pub insertion_point: Option<Vec<u8>>,
    #[prost(bytes = "vec", optional, tag = "15")]
    pub content: Option<Vec<u8>>,
}

/// `CodeGeneratorResponse.Feature`.
pub const FEATURE_PROTO3_OPTIONAL: u64 = 1;
pub const FEATURE_SUPPORTS_EDITIONS: u64 = 2;

/// The `compiler_version` plugins are told: protoc 35.1's own, which is
/// protobuf's C++ release 7.35.1 (`PROTOBUF_VERSION` 7035001) with an
/// empty suffix. protoc-rs follows protoc 35.1's behaviour, and plugins
/// print this version in their headers (protoc-gen-go, ts-proto) or
/// compare it with the runtime they target; a suffix such as
/// `-protoc-rs` would change every generated header and break plugins
/// that parse it as a plain version, for no gain in what the code means.
pub const COMPILER_VERSION: (i32, i32, i32, &str) = (7, 35, 1, "");

/// The request of a run before a plugin's parameter is known: every file
/// the command-line files need, in protoc's order.
pub struct RequestBase<'c> {
    compilation: &'c Compilation,
    to_generate: Vec<String>,
    /// Every file, with every option.
    files: Vec<pb::FileDescriptorProto>,
    /// Whether `files[i]` is a file to generate.
    generated: Vec<bool>,
    /// Every file without source-retention options, which only a plugin's
    /// request reads: made on the first one (a run of built-in generators
    /// alone never needs it).
    stripped: OnceLock<Vec<pb::FileDescriptorProto>>,
}

impl<'c> RequestBase<'c> {
    /// protoc's `CreateCodeGeneratorRequest` up to the parameter: each file
    /// with json names and source info; the files to generate also as
    /// `source_file_descriptors` (every option kept), their `proto_file`
    /// copy without source-retention options.
    pub fn new(compilation: &'c Compilation) -> RequestBase<'c> {
        let files = compilation
            .file_descriptor_set(SetOptions {
                include_imports: true,
                include_source_info: true,
                retain_options: true,
                given_json_names_only: false,
                codegen_source_info: false,
            })
            .file;
        let to_generate: Vec<String> = compilation
            .inputs
            .iter()
            .map(|&id| compilation.sources.get(id).name().to_owned())
            .collect();
        let generated = files
            .iter()
            .map(|file| to_generate.iter().any(|n| n == file.name()))
            .collect();
        RequestBase {
            compilation,
            to_generate,
            files,
            generated,
            stripped: OnceLock::new(),
        }
    }

    /// The files to generate in command-line order, each with every
    /// option: what protoc checks a plugin's supported features against.
    pub fn files_to_generate(&self) -> impl Iterator<Item = &pb::FileDescriptorProto> {
        self.to_generate.iter().filter_map(|name| {
            self.files
                .iter()
                .zip(&self.generated)
                .find(|(file, &generated)| generated && file.name() == name)
                .map(|(file, _)| file)
        })
    }

    fn stripped(&self) -> &[pb::FileDescriptorProto] {
        self.stripped.get_or_init(|| {
            self.compilation
                .file_descriptor_set(SetOptions {
                    include_imports: true,
                    include_source_info: true,
                    retain_options: false,
                    given_json_names_only: false,
                    codegen_source_info: false,
                })
                .file
        })
    }

    /// The files a built-in generator gets, in the request protoc 35
    /// builds for its own generators: as a plugin's, but the files to
    /// generate carry json names only where the .proto gives them
    /// (`CopyTo` without `CopyJsonNameTo`). `_pb2.py` embeds those
    /// descriptors, so the difference shows.
    pub fn builtin_files(&self) -> Vec<pb::FileDescriptorProto> {
        let without_json = self.compilation.file_descriptor_set(SetOptions {
            include_imports: true,
            include_source_info: true,
            retain_options: false,
            given_json_names_only: true,
            codegen_source_info: false,
        });
        self.files
            .iter()
            .zip(&self.generated)
            .zip(without_json.file)
            .map(|((full, &generated), bare)| if generated { bare } else { full.clone() })
            .collect()
    }

    /// The names of the files to generate, in command-line order.
    pub fn names_to_generate(&self) -> &[String] {
        &self.to_generate
    }

    /// The request one plugin gets.
    pub fn request(&self, parameter: &str) -> CodeGeneratorRequest {
        // protoc's "bootstrap" parameter: the files to generate without
        // source info or default json names. (protoc also leaves out
        // default json names for plugins named like its own generators,
        // `protoc-gen-cpp` and the like; protoc-rs refuses those flags.)
        let bootstrap = parameter.split(',').any(|part| part == "bootstrap");
        let bare = bootstrap.then(|| {
            self.compilation.file_descriptor_set(SetOptions {
                include_imports: true,
                include_source_info: false,
                retain_options: false,
                given_json_names_only: true,
                codegen_source_info: false,
            })
        });
        let (major, minor, patch, suffix) = COMPILER_VERSION;
        let mut request = CodeGeneratorRequest {
            file_to_generate: self.to_generate.clone(),
            parameter: (!parameter.is_empty()).then(|| parameter.to_owned()),
            proto_file: Vec::with_capacity(self.files.len()),
            source_file_descriptors: Vec::new(),
            compiler_version: Some(Version {
                major: Some(major),
                minor: Some(minor),
                patch: Some(patch),
                suffix: Some(suffix.to_owned()),
            }),
        };
        let stripped = self.stripped();
        for (i, (full, &generated)) in self.files.iter().zip(&self.generated).enumerate() {
            if generated {
                request.source_file_descriptors.push(full.clone());
                let file = match &bare {
                    Some(bare) => &bare.file[i],
                    None => &stripped[i],
                };
                request.proto_file.push(file.clone());
            } else {
                request.proto_file.push(full.clone());
            }
        }
        request
    }
}
