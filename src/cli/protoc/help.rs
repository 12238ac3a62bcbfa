//! protoc-rs's own words for `--help`, `--version` and `--notices` in
//! protoc mode. The flags are protoc 35's; the text is ours.

use crate::builtin::PROTOC_VERSION;

/// The first line scripts read (`libprotoc X.Y`), naming the protoc release
/// whose behaviour protoc-rs follows, and saying what it is.
pub(super) fn version_line() -> String {
    format!(
        "libprotoc {PROTOC_VERSION} (protoc-rs {})",
        env!("CARGO_PKG_VERSION")
    )
}

pub(super) const NOTICES: &str = concat!(
    "protoc-rs ",
    env!("CARGO_PKG_VERSION"),
    ", a protobuf compiler written in Rust, licensed MIT OR Apache-2.0.\n",
    "It carries, as data, the descriptors protoc 35.1 writes for the files of its own\n",
    "include directory (google/protobuf/*.proto): names, numbers, types and options,\n",
    "without comments. protoc and those files are Copyright Google LLC, under the\n",
    "BSD 3-Clause licence. The Rust crates protoc-rs is built from keep their own\n",
    "licences; `cargo tree` lists them."
);

const USAGE: &str = r#"Compiles PROTO_FILES as protoc 35 does, with the same flags and messages.
For protoc-rs's own command line (rustc-style diagnostics, Rust code), run
`protoc-rs compile --help`.

  -IPATH, --proto_path=PATH   Where imports are searched, in order; may be
                              given many times, and PATH may be a list joined
                              with ':' or VIRTUAL=DIR. Without it, the current
                              directory. Then $PROTOC_INCLUDE, then the
                              built-in google/protobuf files, then the
                              --descriptor_set_in sets.
  --version                   Print the version and exit.
  -h, --help                  Print this text and exit.
  --encode=MESSAGE_TYPE       Read a MESSAGE_TYPE in text format on standard
                              input; write it in binary on standard output.
  --deterministic_output      With --encode: write map entries sorted by key
                              (otherwise in the order of the text).
  --unsafe_allow_out_dir_escape
                              Let plugins write files whose names contain
                              "..".
  --decode=MESSAGE_TYPE       Read a binary MESSAGE_TYPE on standard input;
                              write it in text format on standard output.
  --decode_raw                Read any binary message on standard input; write
                              its field numbers and values. Takes no
                              PROTO_FILES.
  --descriptor_set_in=FILES   FileDescriptorSets (':'-separated) whose files
                              serve as imports and inputs; the first file of
                              a name wins.
  -oFILE,                     Write the FileDescriptorSet of PROTO_FILES to
    --descriptor_set_out=FILE FILE.
  --include_imports           With -o: put every imported file in the set.
  --include_source_info       With -o: keep source positions and comments.
  --retain_options            With -o: keep options with source retention.
  --dependency_out=FILE       Write a make rule to FILE: the outputs depend on
                              every .proto file read.
  --error_format=FORMAT       How errors are printed: 'gcc' (the default) or
                              'msvs'.
  --fatal_warnings            Exit with status 1 when there are warnings.
  --print_free_field_numbers  Print the field numbers each message of
                              PROTO_FILES leaves free.
  --enable_codegen_trace      Ask plugins to trace which code made what.
  --direct_dependencies       ':'-separated imports PROTO_FILES may use;
                              others are errors.
  --option_dependencies       ':'-separated files PROTO_FILES may name in
                              'import option'; others are errors.
  --notices                   Print the licence notices and exit.
  --plugin=EXECUTABLE         A plugin to run, as NAME=PATH or PATH; without
                              it, --NAME_out runs protoc-gen-NAME from PATH.
  --NAME_out=[PARAMS:]OUT_DIR Run plugin protoc-gen-NAME, writing into
                              OUT_DIR.
  --NAME_opt=PARAMS           More parameters for that plugin.
  --python_out=OUT_DIR        Generate Python (_pb2.py), built in.
  --pyi_out=OUT_DIR           Generate Python stubs (_pb2.pyi), built in.
  --grpc_python_out=OUT_DIR   Generate gRPC Python (_pb2_grpc.py), built in
                              as in grpcio-tools.
  @<filename>                 Read arguments from a file, one per line, as
                              written (no shell expansion).

protoc's other built-in generators (--cpp_out, --java_out, ...) are not
part of protoc-rs and are refused."#;

/// Prints the help text, as protoc does, on standard output.
pub(super) fn print(executable: &str) {
    println!("Usage: {executable} [OPTION] PROTO_FILES\n{USAGE}");
}
