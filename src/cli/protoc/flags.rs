//! Every flag of protoc 35's `--help` (the protoc binary's and
//! grpcio-tools' own), and what protoc-rs does with it. The README's table
//! is this list; `tests/protoc_cli.rs` has a test for each entry.

/// What protoc-rs does with a flag.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Support {
    /// protoc's meaning and messages.
    Implemented,
    /// Refused with one line and exit status 1.
    Refused,
}

/// One flag of protoc 35's `--help`.
pub struct Flag {
    pub name: &'static str,
    pub support: Support,
    /// What protoc-rs does, in a few words.
    pub note: &'static str,
}

const fn implemented(name: &'static str, note: &'static str) -> Flag {
    Flag {
        name,
        support: Support::Implemented,
        note,
    }
}

const fn refused(name: &'static str, note: &'static str) -> Flag {
    Flag {
        name,
        support: Support::Refused,
        note,
    }
}

/// The flags, in the order of protoc's `--help`.
pub const FLAGS: &[Flag] = &[
    implemented("-IPATH, --proto_path=PATH", "include paths, `VIRTUAL=DIR`, `A:B`; warns on a missing directory"),
    implemented("--version", "`libprotoc 35.1 (protoc-rs ...)`"),
    implemented("-h, --help", "protoc-rs's own help text"),
    implemented("--encode=MESSAGE_TYPE", "text format in, binary out"),
    implemented("--deterministic_output", "with --encode, map entries in key order (without it, in the order of the text, as protoc)"),
    implemented("--unsafe_allow_out_dir_escape", "lets plugins write outside their output directory"),
    implemented("--decode=MESSAGE_TYPE", "binary in, text format out"),
    implemented("--decode_raw", "binary in, field numbers and values out"),
    implemented("--descriptor_set_in=FILES", "imports and inputs from FileDescriptorSets, after the include paths"),
    implemented("-oFILE, --descriptor_set_out=FILE", "the FileDescriptorSet of the inputs"),
    implemented("--include_imports", "with -o, every import too"),
    implemented("--include_source_info", "with -o, SourceCodeInfo"),
    implemented("--retain_options", "with -o, source-retention options kept"),
    implemented("--dependency_out=FILE", "a make rule: outputs, then every .proto read (built-in files have no path and are left out)"),
    implemented("--error_format=FORMAT", "`gcc` or `msvs`"),
    implemented("--fatal_warnings", "exit status 1 when there are warnings"),
    implemented("--print_free_field_numbers", "the free field numbers of every message"),
    implemented("--enable_codegen_trace", "passes `PROTOC_CODEGEN_TRACE=yes` to plugins"),
    implemented("--direct_dependencies", "imports outside the list are errors"),
    implemented("--option_dependencies", "`import option`s outside the list are errors"),
    implemented("--notices", "protoc-rs's licence and where its data comes from"),
    implemented("--plugin=EXECUTABLE", "runs `protoc-gen-NAME` plugins for `--NAME_out` as protoc 35 does, into directories or `.zip`/`.jar`/`.srcjar` files (see Plugins)"),
    refused("--cpp_out=OUT_DIR", "protoc's C++ generator is not part of protoc-rs"),
    refused("--csharp_out=OUT_DIR", "protoc's C# generator is not part of protoc-rs"),
    refused("--java_out=OUT_DIR", "protoc's Java generator is not part of protoc-rs"),
    refused("--kotlin_out=OUT_DIR", "protoc's Kotlin generator is not part of protoc-rs"),
    refused("--objc_out=OUT_DIR", "protoc's Objective-C generator is not part of protoc-rs"),
    refused("--php_out=OUT_DIR", "protoc's PHP generator is not part of protoc-rs"),
    implemented("--pyi_out=OUT_DIR", "protoc's Python stub generator, built in: `_pb2.pyi`, byte-identical to grpcio-tools 1.85.1's"),
    implemented("--python_out=OUT_DIR", "protoc's Python generator, built in: `_pb2.py`, byte-identical to grpcio-tools 1.85.1's"),
    refused("--rbs_out=OUT_DIR", "protoc's RBS generator is not part of protoc-rs"),
    refused("--ruby_out=OUT_DIR", "protoc's Ruby generator is not part of protoc-rs"),
    refused("--rust_out=OUT_DIR", "protoc's own Rust generator (protobuf v4) is not part of protoc-rs; `protoc-rs compile --rust-out` writes prost code"),
    implemented("--grpc_python_out=OUT_DIR", "grpcio-tools' gRPC generator, built in as in `grpc_tools.protoc`: `_pb2_grpc.py`"),
    implemented("@<filename>", "arguments from a file, one per line"),
];

/// protoc's built-in generators, which protoc-rs does not have: the
/// refusal for `--NAME_out` or `--NAME_opt`, or `None` for any other flag.
pub fn refusal(flag: &str) -> Option<String> {
    let stem = flag
        .strip_prefix("--")
        .and_then(|f| f.strip_suffix("_out").or_else(|| f.strip_suffix("_opt")))?;
    let entry = FLAGS
        .iter()
        .filter(|f| f.support == Support::Refused)
        .find(|f| {
            f.name
                .strip_prefix("--")
                .and_then(|n| n.strip_suffix("_out=OUT_DIR"))
                == Some(stem)
        })?;
    Some(format!(
        "{flag}: not supported by protoc-rs: {}.",
        entry.note
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_generators_are_refused_and_plugins_are_not() {
        assert_eq!(
            refusal("--cpp_out").as_deref(),
            Some("--cpp_out: not supported by protoc-rs: protoc's C++ generator is not part of protoc-rs.")
        );
        assert!(refusal("--java_opt").is_some());
        assert!(refusal("--prost_out").is_none());
        assert!(refusal("--grpc_python_out").is_none());
        assert!(refusal("--pyi_opt").is_none());
        assert!(refusal("--proto_path").is_none());
    }
}
