//! Every recursion over user input is bounded by a limit that gives a
//! diagnostic, or is not a recursion: legal-looking inputs far past what
//! protoc takes end in an answer (exit 0 or 1), never in a stack overflow
//! (exit 134). ARCHITECTURE.md lists the recursions and their limits; each
//! has a test here, through the command line as a user runs it.

mod common;

use std::fs;
use std::process::Output;

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Exit 0 or 1, not a signal, with `needle` in stderr when given.
fn answered(output: &Output, code: i32, needle: &str) {
    let text = stderr(output);
    assert_eq!(
        output.status.code(),
        Some(code),
        "{}",
        &text[..text.len().min(2000)]
    );
    assert!(text.contains(needle), "{}", &text[..text.len().min(2000)]);
}

#[test]
fn an_import_chain_longer_than_protoc_takes_builds() {
    // protoc 35 builds a chain of 7,000 files; the walk is iterative.
    let dir = common::scratch("chain");
    let files = 8_000;
    for i in 0..files {
        let import = if i + 1 < files {
            format!("import \"f{}.proto\";\n", i + 1)
        } else {
            String::new()
        };
        let use_it = if i + 1 < files {
            format!("  p{}.M m = 1;\n", i + 1)
        } else {
            String::new()
        };
        fs::write(
            dir.join(format!("f{i}.proto")),
            format!("syntax = \"proto3\";\npackage p{i};\n{import}message M {{\n{use_it}}}\n"),
        )
        .unwrap();
    }
    let output = common::run_protoc_rs(
        &dir,
        &["compile", "--include_imports", "-o", "set.pb", "f0.proto"],
        b"",
    );
    answered(&output, 0, "");
    let set = fs::read(dir.join("set.pb")).unwrap();
    // Every file is in the set, the deepest import first.
    let first = set
        .windows(b"f7999.proto".len())
        .position(|w| w == b"f7999.proto");
    let last = set
        .windows(b"\n\x08f0.proto".len())
        .position(|w| w == b"\n\x08f0.proto");
    assert!(first.is_some() && last.is_some() && first < last);
    fs::remove_dir_all(&dir).unwrap();
}

/// A file setting `option (a).a.a....x`, with `inner` parts between the
/// extension and the scalar (`inner + 2` parts in all).
fn option_path_proto(inner: usize) -> String {
    let parts = vec!["a"; inner].join(".");
    format!(
        "syntax = \"proto3\";\nimport \"google/protobuf/descriptor.proto\";\n\
         extend google.protobuf.FileOptions {{ A a = 50000; }}\n\
         message A {{ A a = 1; int32 x = 2; }}\noption (a).{parts}.x = 1;\n"
    )
}

#[test]
fn an_option_name_of_15000_parts_is_an_error() {
    // Each part nests a message in the one before; protoc accepts it and
    // then aborts on its own output.
    let dir = common::scratch("option-path");
    fs::write(dir.join("o.proto"), option_path_proto(15_000)).unwrap();
    let output = common::run_protoc_rs(&dir, &["compile", "-o", "set.pb", "o.proto"], b"");
    answered(&output, 1, "option name has 15002 parts");
    assert!(!dir.join("set.pb").exists());
    // At the limit, accepted, and written.
    fs::write(dir.join("o.proto"), option_path_proto(98)).unwrap();
    let output = common::run_protoc_rs(&dir, &["compile", "-o", "set.pb", "o.proto"], b"");
    answered(&output, 0, "");
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_deep_aggregate_option_value_is_an_error() {
    let dir = common::scratch("aggregate");
    let depth = 20_000;
    fs::write(
        dir.join("o.proto"),
        format!(
            "syntax = \"proto3\";\nimport \"google/protobuf/descriptor.proto\";\n\
             extend google.protobuf.FileOptions {{ A a = 50000; }}\n\
             message A {{ A a = 1; int32 x = 2; }}\noption (a) = {{{}x: 1{}}};\n",
            "a {".repeat(depth),
            "}".repeat(depth)
        ),
    )
    .unwrap();
    let output = common::run_protoc_rs(
        &dir,
        &["compile", "--error-format", "protoc", "o.proto"],
        b"",
    );
    answered(&output, 1, "exceeded the configured recursion limit of 100");
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn deeply_nested_messages_are_an_error() {
    let dir = common::scratch("messages");
    let depth = 200_000;
    fs::write(
        dir.join("m.proto"),
        format!(
            "syntax = \"proto3\";\n{}{}\n",
            "message A { ".repeat(depth),
            "}".repeat(depth)
        ),
    )
    .unwrap();
    let output = common::run_protoc_rs(
        &dir,
        &["compile", "--error-format", "protoc", "m.proto"],
        b"",
    );
    answered(
        &output,
        1,
        "Reached maximum recursion limit for nested messages.",
    );
    fs::remove_dir_all(&dir).unwrap();
}

/// A length-delimited field `number` holding `payload`.
fn delimited(number: u32, payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let varint = |mut v: u64, out: &mut Vec<u8>| loop {
        if v < 0x80 {
            out.push(v as u8);
            break;
        }
        out.push((v as u8 & 0x7f) | 0x80);
        v >>= 7;
    };
    varint(u64::from(number << 3 | 2), &mut out);
    varint(payload.len() as u64, &mut out);
    out.extend_from_slice(payload);
    out
}

#[test]
fn a_descriptor_set_nested_too_deep_is_an_error() {
    // FileDescriptorSet.file(1) -> FileDescriptorProto.message_type(4) ->
    // DescriptorProto.nested_type(3), 10,000 times.
    let dir = common::scratch("descriptor-set");
    let mut message = delimited(1, b"M");
    for _ in 0..10_000 {
        let mut outer = delimited(1, b"M");
        outer.extend(delimited(3, &message));
        message = outer;
    }
    let mut file = delimited(1, b"deep.proto");
    file.extend(delimited(4, &message));
    fs::write(dir.join("deep.pb"), delimited(1, &file)).unwrap();
    let output = common::run_protoc_rs(
        &dir,
        &["compile", "--descriptor_set_in", "deep.pb", "deep.proto"],
        b"",
    );
    answered(&output, 1, "deep.pb");
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn deep_text_and_binary_messages_for_encode_and_decode_are_errors() {
    let dir = common::scratch("codec");
    fs::write(
        dir.join("t.proto"),
        "syntax = \"proto3\";\npackage t;\nmessage T { T t = 1; int32 x = 2; }\n",
    )
    .unwrap();
    let depth = 100_000;
    let text = format!("{}x: 1{}", "t {".repeat(depth), "}".repeat(depth));
    let output = common::run_protoc_rs(&dir, &["--encode=t.T", "t.proto"], text.as_bytes());
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let mut binary = vec![0x10, 0x01];
    for _ in 0..depth {
        binary = delimited(1, &binary);
    }
    let output = common::run_protoc_rs(&dir, &["--decode=t.T", "t.proto"], &binary);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_long_chain_of_messages_holding_messages_generates_rust() {
    // Each message holds the next: the derive checks follow the chain,
    // which used to recurse once per link.
    let dir = common::scratch("message-chain");
    let n = 5_000;
    let mut text = String::from("syntax = \"proto3\";\npackage chain;\n");
    for i in 0..n {
        text.push_str(&format!(
            "message M{i} {{ M{} next = 1; int32 v = 2; }}\n",
            i + 1
        ));
    }
    text.push_str(&format!("message M{n} {{ int32 v = 1; }}\n"));
    fs::write(dir.join("chain.proto"), text).unwrap();
    let output =
        common::run_protoc_rs(&dir, &["compile", "--rust-out", "rust", "chain.proto"], b"");
    answered(&output, 0, "");
    let rust = fs::read_to_string(dir.join("rust/chain.rs")).unwrap();
    // No cycle: nothing is boxed, and every message derives Copy.
    assert!(!rust.contains("Box<"));
    assert_eq!(
        rust.matches("#[derive(Clone, Copy, PartialEq, Eq, Hash, ::prost::Message)]")
            .count(),
        n + 1
    );
    fs::remove_dir_all(&dir).unwrap();
}
