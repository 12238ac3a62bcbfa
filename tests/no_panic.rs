//! No input makes the front end panic: arbitrary bytes, and valid fixtures
//! with random mutations, go through the lexer, parser, tree dump and every
//! diagnostic format.

mod common;

use proptest::prelude::*;
use protoc_rs::compile;
use protoc_rs::diagnostics::render::{to_plain_string, ErrorFormat};
use protoc_rs::source::{SourceFile, SourceMap};
use protoc_rs::syntax::dump::dump;

fn run_front_end(bytes: Vec<u8>) {
    let mut sources = SourceMap::new();
    let id = sources.add(SourceFile::new("fuzz.proto", bytes));
    let parsed = compile::parse_source(id, sources.get(id));
    let _ = dump(sources.get(id), &parsed.file);
    for format in [ErrorFormat::Human, ErrorFormat::Protoc, ErrorFormat::Json] {
        let _ = to_plain_string(&sources, &parsed.diagnostics, format);
    }
}

fn fixture_texts() -> Vec<Vec<u8>> {
    common::protos(&common::root().join("fixtures/syntax/valid"))
        .into_iter()
        .map(|p| std::fs::read(p).unwrap())
        .collect()
}

/// Bytes that matter to the lexer and parser, to make mutations bite.
fn interesting_byte() -> impl Strategy<Value = u8> {
    prop_oneof![
        Just(b'{'),
        Just(b'}'),
        Just(b';'),
        Just(b'"'),
        Just(b'\''),
        Just(b'\\'),
        Just(b'/'),
        Just(b'*'),
        Just(b'\n'),
        Just(b'.'),
        Just(b'0'),
        Just(b'-'),
        Just(0u8),
        Just(0xEFu8),
        Just(0x80u8),
        any::<u8>(),
    ]
}

#[derive(Debug, Clone)]
enum Mutation {
    Insert(usize, u8),
    Delete(usize),
    Replace(usize, u8),
    Truncate(usize),
    Duplicate(usize, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), interesting_byte()).prop_map(|(at, b)| Mutation::Insert(at, b)),
        any::<usize>().prop_map(Mutation::Delete),
        (any::<usize>(), interesting_byte()).prop_map(|(at, b)| Mutation::Replace(at, b)),
        any::<usize>().prop_map(Mutation::Truncate),
        (any::<usize>(), 1usize..64).prop_map(|(at, len)| Mutation::Duplicate(at, len)),
    ]
}

fn apply(mut bytes: Vec<u8>, mutations: &[Mutation]) -> Vec<u8> {
    for m in mutations {
        let len = bytes.len().max(1);
        match *m {
            Mutation::Insert(at, b) => bytes.insert(at % (bytes.len() + 1), b),
            Mutation::Delete(at) if !bytes.is_empty() => {
                bytes.remove(at % len);
            }
            Mutation::Replace(at, b) if !bytes.is_empty() => bytes[at % len] = b,
            Mutation::Truncate(at) => bytes.truncate(at % (bytes.len() + 1)),
            Mutation::Duplicate(at, n) if !bytes.is_empty() => {
                let start = at % len;
                let end = (start + n).min(bytes.len());
                let copy = bytes[start..end].to_vec();
                bytes.splice(start..start, copy);
            }
            _ => {}
        }
    }
    bytes
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        run_front_end(bytes);
    }

    #[test]
    fn arbitrary_token_soup_never_panics(
        words in proptest::collection::vec(
            prop_oneof![
                Just("message "), Just("enum "), Just("service "), Just("rpc "),
                Just("option "), Just("oneof "), Just("map<"), Just(">"), Just("extend "),
                Just("group "), Just("reserved "), Just("extensions "), Just("to "),
                Just("max"), Just("= "), Just("1 "), Just("-"), Just("\"s\" "), Just("{ "),
                Just("} "), Just("; "), Just("[ "), Just("] "), Just("( "), Just(") "),
                Just(". "), Just(", "), Just("x "), Just("int32 "), Just("syntax "),
                Just("edition "), Just("\"proto3\""), Just("\"2024\""), Just("export "),
                Just("import "), Just("weak "), Just("public "), Just("default "),
                Just("json_name "), Just("returns "), Just("stream "), Just("optional "),
                Just("repeated "), Just("required "), Just("inf "), Just(": "),
            ],
            0..200,
        )
    ) {
        run_front_end(words.concat().into_bytes());
    }

    #[test]
    fn mutated_fixtures_never_panic(
        index in any::<usize>(),
        mutations in proptest::collection::vec(mutation(), 1..8),
    ) {
        let texts = fixture_texts();
        prop_assume!(!texts.is_empty());
        let text = texts[index % texts.len()].clone();
        run_front_end(apply(text, &mutations));
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let depth = 10_000;
    let mut text = String::from("syntax = \"proto3\";\n");
    text.push_str(&"message M {".repeat(depth));
    text.push_str(&"}".repeat(depth));
    let mut sources = SourceMap::new();
    let id = sources.add(SourceFile::new("deep.proto", text.clone()));
    let parsed = compile::parse_source(id, sources.get(id));
    assert!(parsed
        .diagnostics
        .iter()
        .any(|d| d.protoc_message == "Reached maximum recursion limit for nested messages."));

    let aggregate = format!(
        "syntax = \"proto3\";\noption (x) = {}{};\n",
        "{ a ".repeat(depth),
        "}".repeat(depth)
    );
    run_front_end(aggregate.into_bytes());
}
