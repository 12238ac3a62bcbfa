//! Python, as grpcio-tools' protoc writes it: protoc's built-in Python
//! generators (`--python_out`: `_pb2.py`, `--pyi_out`: `.pyi` stubs) and
//! grpcio-tools' gRPC generator (`--grpc_python_out`: `_pb2_grpc.py`),
//! byte for byte.
//!
//! Each generator reads the files of a run as a plugin does, as
//! `FileDescriptorProto`s (every import included, source info kept), and
//! returns the files it writes; the caller (the plugin host) applies them
//! exactly as it applies a plugin's response.
//!
//! Architecture invariant: nothing here reads syntax trees or semantics;
//! the three generators share only [`model`] (lookups over the
//! descriptors) and this module's naming rules.

mod grpc;
mod model;
mod pb2;
mod printer;
mod pyi;

use crate::descriptors::pb;
pub use model::Pool;

/// The grpcio-tools release whose output these generators match. Its
/// protoc is protobuf 35.1, whose Python runtime is 7.35.1 (the version
/// `_pb2.py` checks at import), and its gRPC generator stamps the gRPC
/// version into `_pb2_grpc.py`. This file is the one place protoc-rs keeps
/// these versions (scripts read them from here); the oracle's pin is in
/// `scripts/lib/protoc35.sh`, and `scripts/regen-python-goldens.sh` stops
/// when the two disagree.
pub const GRPCIO_TOOLS_VERSION: &str = "1.85.1";
/// The protobuf Python runtime version `_pb2.py` files require:
/// `(major, minor, patch, suffix)`.
pub const PROTOBUF_PYTHON_VERSION: (u32, u32, u32, &str) = (7, 35, 1, "");
/// The gRPC version `_pb2_grpc.py` files require (`GRPC_GENERATED_VERSION`).
pub const GRPC_VERSION: &str = GRPCIO_TOOLS_VERSION;

/// One of the built-in Python generators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Generator {
    /// `--python_out`: `_pb2.py` modules.
    Python,
    /// `--pyi_out`: `_pb2.pyi` stubs.
    Pyi,
    /// `--grpc_python_out`: `_pb2_grpc.py` modules.
    GrpcPython,
}

/// `CodeGeneratorResponse.Feature` bits, as the generators declare them.
const FEATURE_PROTO3_OPTIONAL: u64 = 1;
const FEATURE_SUPPORTS_EDITIONS: u64 = 2;

impl Generator {
    /// The generator behind a `--NAME_out` flag (or `--NAME_opt`).
    pub fn of_flag(flag: &str) -> Option<Generator> {
        let stem = flag.strip_prefix("--")?;
        let stem = stem
            .strip_suffix("_out")
            .or_else(|| stem.strip_suffix("_opt"))?;
        match stem {
            "python" => Some(Generator::Python),
            "pyi" => Some(Generator::Pyi),
            "grpc_python" => Some(Generator::GrpcPython),
            _ => None,
        }
    }

    /// The name protoc's messages give the generator, as for a plugin.
    pub fn name(self) -> &'static str {
        match self {
            Generator::Python => "python",
            Generator::Pyi => "pyi",
            Generator::GrpcPython => "grpc_python",
        }
    }

    /// What the generator declares it supports, as a plugin would in its
    /// response: `(features, minimum edition, maximum edition)`. All three
    /// declare proto3 `optional` and editions, from proto2 to 2024 (the
    /// parity fixtures hold edition 2024 files for each).
    pub fn supports(self) -> (u64, i32, i32) {
        (
            FEATURE_PROTO3_OPTIONAL | FEATURE_SUPPORTS_EDITIONS,
            pb::Edition::Proto2 as i32,
            pb::Edition::Edition2024 as i32,
        )
    }

    /// Generates every file of `to_generate` (names as in `files`), which
    /// holds them and everything they import. `parameter` is the flag's
    /// parameter, as a plugin receives it. `Err` is the message protoc
    /// prints after the flag.
    pub fn generate(
        self,
        files: &[pb::FileDescriptorProto],
        to_generate: &[String],
        parameter: &str,
    ) -> Result<Vec<OutputFile>, String> {
        let pool = Pool::new(files);
        let mut out = Vec::new();
        for name in to_generate {
            let file = pool.file(name).ok_or_else(|| {
                format!(
                    "protoc asked plugin to generate a file but did not provide a descriptor \
                     for the file: {name}"
                )
            })?;
            let generated = match self {
                Generator::Python => pb2::generate(&pool, file, parameter),
                Generator::Pyi => pyi::generate(&pool, file, parameter),
                Generator::GrpcPython => grpc::generate(&pool, file, parameter),
            };
            // protoc's `GenerateAll` names the file an error is about.
            out.extend(generated.map_err(|error| format!("{name}: {error}"))?);
        }
        Ok(out)
    }
}

/// A file a generator writes, or text it inserts into another file at a
/// `@@protoc_insertion_point`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutputFile {
    pub name: String,
    /// Empty for a whole file.
    pub insertion_point: String,
    pub content: String,
}

impl OutputFile {
    pub(crate) fn whole(name: String, content: String) -> OutputFile {
        OutputFile {
            name,
            insertion_point: String::new(),
            content,
        }
    }
}

/// The keys of a protoc generator parameter (protoc's
/// `ParseGeneratorParameter`): comma-separated `key` or `key=value` items,
/// empty items skipped; these generators read no values.
pub(crate) fn parameter_keys(parameter: &str) -> impl Iterator<Item = &str> {
    parameter
        .split(',')
        .filter(|item| !item.is_empty())
        .map(|item| item.split_once('=').map_or(item, |(key, _)| key))
}

/// `foo/bar.proto` without `.proto` (protoc strips only that suffix, and
/// `.protodevel`).
pub(crate) fn strip_proto(filename: &str) -> &str {
    filename
        .strip_suffix(".protodevel")
        .or_else(|| filename.strip_suffix(".proto"))
        .unwrap_or(filename)
}

/// protoc's Python module name of a .proto file: `foo/bar-baz.proto` is
/// `foo.bar_baz_pb2`.
pub(crate) fn module_name(filename: &str) -> String {
    let base = strip_proto(filename).replace('-', "_").replace('/', ".");
    format!("{base}_pb2")
}

/// A module name as an identifier (`foo.bar_pb2` is `foo_dot_bar__pb2`):
/// `_` doubled, then `.` as `_dot_`, so that no two modules collide.
pub(crate) fn alias_of_module(module: &str) -> String {
    module.replace('_', "__").replace('.', "_dot_")
}

/// The files `file` imports publicly, by name (an index out of range, which
/// no compiled descriptor has, is skipped).
pub(crate) fn public_dependencies(file: &pb::FileDescriptorProto) -> impl Iterator<Item = &str> {
    file.public_dependency.iter().filter_map(|&index| {
        usize::try_from(index)
            .ok()
            .and_then(|i| file.dependency.get(i))
            .map(String::as_str)
    })
}

/// The path of a generated module: the module name with `.` as `/`, then
/// `suffix`: `foo/bar.proto` with `.py` is `foo/bar_pb2.py`.
pub(crate) fn output_file_name(filename: &str, suffix: &str) -> String {
    format!("{}{suffix}", module_name(filename).replace('.', "/"))
}

/// Python's reserved words, as protoc lists them.
const KEYWORDS: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
    "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
    "with", "yield",
];

pub(crate) fn is_keyword(name: &str) -> bool {
    KEYWORDS.contains(&name)
}

/// Whether any dot-separated part of a module name is a keyword (such a
/// module cannot be imported with `import a.b`).
pub(crate) fn contains_keyword(module: &str) -> bool {
    module.split('.').any(is_keyword)
}

/// A top-level name as Python code can refer to it: a keyword goes through
/// `globals()`.
pub(crate) fn resolve_keyword(name: &str) -> String {
    if is_keyword(name) {
        format!("globals()['{name}']")
    } else {
        name.to_owned()
    }
}
