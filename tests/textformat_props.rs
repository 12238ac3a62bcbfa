//! Properties of the text format, beyond protoc's goldens:
//! - text that encodes, decoded and encoded again, gives the same bytes,
//!   and its printed text is stable (generated messages of the proto3 and
//!   proto2 fixtures, and every accepted text fixture);
//! - no input panics: arbitrary and mutated bytes through `decode_raw`,
//!   `decode` (every fixture message type) and `encode`;
//! - nesting past the text parser's limit is an error, not a crash.

use std::path::PathBuf;

use proptest::prelude::*;
use prost::Message;
use protoc_rs::pb::FileDescriptorSet;
use protoc_rs::textformat::{self, Pool};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn pool(schema: &str) -> Pool {
    let path = root().join(format!("fixtures/goldens/textformat/{schema}.pb"));
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    Pool::new(
        &FileDescriptorSet::decode(bytes.as_slice())
            .expect("descriptor set")
            .file,
    )
}

/// Encodes, decodes, encodes again: the printed text must not change,
/// and with `exact` neither may the bytes. (Printing loses only a NaN's
/// sign, as protoc's does: `-nan` prints as `nan`.)
fn assert_round_trip(pool: &Pool, type_name: &str, text: &str, exact: bool) {
    let encode = |text: &str| {
        textformat::encode_deterministic(pool, type_name, text.as_bytes())
            .unwrap_or_else(|e| panic!("{text}\n{e:?}"))
            .bytes
    };
    let decode = |bytes: &[u8]| textformat::decode(pool, type_name, bytes).expect("decodes");
    let first = encode(text);
    let decoded = decode(&first);
    let second = encode(&decoded.text);
    if exact {
        assert_eq!(first, second, "re-encoding\n{}", decoded.text);
    }
    let again = decode(&second);
    assert_eq!(decoded.text, again.text);
    assert_eq!(decoded.missing_required, again.missing_required);
    assert_eq!(second, encode(&again.text));
}

/// A string literal holding `bytes`, every byte octal-escaped.
fn quote(bytes: &[u8]) -> String {
    let mut out = String::from("\"");
    for byte in bytes {
        out.push_str(&format!("\\{byte:03o}"));
    }
    out.push('"');
    out
}

fn double() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<f64>().prop_filter("NaN sign is not kept", |v| !v.is_nan()
            || v.is_sign_positive()),
        Just(f64::NAN),
        Just(f64::INFINITY),
        Just(-0.0),
    ]
    .prop_map(|v| format!("{v:?}"))
}

fn leaf() -> impl Strategy<Value = String> {
    (any::<String>(), any::<i32>())
        .prop_map(|(name, n)| format!("{{ name: {} n: {n} }}", quote(name.as_bytes())))
}

/// A textformat.p3.Msg with a random selection of its fields.
fn proto3_message() -> impl Strategy<Value = String> {
    let scalars = (
        prop::option::of(any::<i32>().prop_map(|v| format!("i32: {v}"))),
        prop::option::of(any::<String>().prop_map(|v| format!("s: {}", quote(v.as_bytes())))),
        prop::option::of(any::<Vec<u8>>().prop_map(|v| format!("b: {}", quote(&v)))),
        prop::option::of(double().prop_map(|v| format!("f: {v}"))),
        prop::option::of(double().prop_map(|v| format!("d: {v}"))),
        prop::option::of(any::<bool>().prop_map(|v| format!("flag: {v}"))),
        prop::option::of((-3i32..5).prop_map(|v| format!("mood: {v}"))),
        prop::option::of(leaf().prop_map(|v| format!("leaf {v}"))),
        prop::option::of(any::<u64>().prop_map(|v| format!("u64: {v}"))),
        prop::option::of(any::<i64>().prop_map(|v| format!("s64: {v}"))),
        prop::option::of(any::<i32>().prop_map(|v| format!("opt: {v}"))),
    );
    let repeated = (
        prop::collection::vec(any::<i32>(), 0..4).prop_map(|v| format!("nums: {v:?}")),
        prop::collection::vec(leaf(), 0..3).prop_map(|v| {
            v.iter()
                .map(|l| format!("leaves {l}\n"))
                .collect::<String>()
        }),
        prop::collection::vec(double(), 0..4).prop_map(|v| format!("ds: [{}]", v.join(", "))),
        prop::collection::vec((any::<String>(), leaf()), 0..4).prop_map(|v| {
            v.iter()
                .map(|(k, l)| format!("by_name {{ key: {} value {l} }}\n", quote(k.as_bytes())))
                .collect::<String>()
        }),
        prop::collection::vec((any::<i32>(), any::<String>()), 0..4).prop_map(|v| {
            v.iter()
                .map(|(k, s)| format!("by_num {{ key: {k} value: {} }}\n", quote(s.as_bytes())))
                .collect::<String>()
        }),
        prop::collection::vec((any::<bool>(), -1i32..3), 0..3).prop_map(|v| {
            v.iter()
                .map(|(k, m)| format!("by_flag {{ key: {k} value: {m} }}\n"))
                .collect::<String>()
        }),
        prop::option::of(leaf()).prop_map(|v| match v {
            Some(l) => format!("any {{ [type.googleapis.com/textformat.p3.Leaf] {l} }}"),
            None => String::new(),
        }),
    );
    (scalars, repeated).prop_map(|(s, r)| {
        let mut fields: Vec<String> = [s.0, s.1, s.2, s.3, s.4, s.5, s.6, s.7, s.8, s.9, s.10]
            .into_iter()
            .flatten()
            .collect();
        fields.extend([r.0, r.1, r.2, r.3, r.4, r.5, r.6]);
        fields.join("\n")
    })
}

/// A textformat.p2.All with a random selection of its fields.
fn proto2_message() -> impl Strategy<Value = String> {
    (
        any::<String>(),
        prop::option::of(any::<i64>()),
        prop::option::of(any::<u32>()),
        prop::option::of(any::<i32>()),
        prop::option::of(double()),
        prop::option::of(0i32..3),
        prop::option::of(any::<i32>()),
        prop::collection::vec(any::<i32>(), 0..4),
        prop::collection::vec(0i32..3, 0..4),
        prop::option::of(any::<i32>()),
        prop::collection::vec(any::<String>(), 0..3),
    )
        .prop_map(
            |(name, i64v, u32v, sint, dbl, color, grp, packed, enums, ext, exts)| {
                let mut text = format!("name: {}\n", quote(name.as_bytes()));
                if let Some(v) = i64v {
                    text += &format!("f_sfixed64: {v}\n");
                }
                if let Some(v) = u32v {
                    text += &format!("f_fixed32: {v}\n");
                }
                if let Some(v) = sint {
                    text += &format!("f_sint32: {v}\n");
                }
                if let Some(v) = dbl {
                    text += &format!("f_float: {v}\n");
                }
                if let Some(v) = color {
                    text += &format!("f_enum: {v}\n");
                }
                if let Some(v) = grp {
                    text += &format!("Grp {{ g: {v} }}\n");
                }
                text += &format!("p_int32: {packed:?}\n");
                text += &format!("p_enum: {enums:?}\n");
                if let Some(v) = ext {
                    text += &format!(
                        "[textformat.p2.ext_mid]: {v}\n[textformat.p2.extgrp] {{ eg: {v} }}\n"
                    );
                }
                for s in exts {
                    text += &format!("[textformat.p2.ext_str]: {}\n", quote(s.as_bytes()));
                }
                text
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn proto3_messages_round_trip(text in proto3_message()) {
        assert_round_trip(&pool("proto3"), "textformat.p3.Msg", &text, true);
    }

    #[test]
    fn proto2_messages_round_trip(text in proto2_message()) {
        assert_round_trip(&pool("proto2"), "textformat.p2.All", &text, true);
    }

    #[test]
    fn decode_raw_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        let _ = textformat::decode_raw(&bytes);
    }

    #[test]
    fn decode_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        for (schema, type_name) in TYPES {
            let _ = textformat::decode(&pool(schema), type_name, &bytes);
        }
    }

    #[test]
    fn encode_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        for (schema, type_name) in TYPES {
            let _ = textformat::encode(&pool(schema), type_name, &bytes);
        }
    }

    #[test]
    fn mutated_fixtures_never_panic(
        index in any::<prop::sample::Index>(),
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0u8..3), 1..6),
    ) {
        let fixtures = fixture_inputs();
        let (is_text, original) = &fixtures[index.index(fixtures.len())];
        let mut bytes = original.clone();
        for (at, byte, op) in edits {
            let at = at.index(bytes.len() + 1);
            match op {
                0 => bytes.insert(at, byte),
                1 if at < bytes.len() => { bytes.remove(at); }
                _ if at < bytes.len() => bytes[at] = byte,
                _ => bytes.push(byte),
            }
        }
        for (schema, type_name) in TYPES {
            let pool = pool(schema);
            if *is_text {
                let _ = textformat::encode(&pool, type_name, &bytes);
            } else {
                let _ = textformat::decode(&pool, type_name, &bytes);
            }
        }
        let _ = textformat::decode_raw(&bytes);
    }
}

const TYPES: [(&str, &str); 4] = [
    ("proto2", "textformat.p2.All"),
    ("proto2", "textformat.p2.Deep"),
    ("proto3", "textformat.p3.Msg"),
    ("editions", "textformat.ed.Item"),
];

/// Every text fixture (true) and hex fixture decoded (false).
fn fixture_inputs() -> Vec<(bool, Vec<u8>)> {
    let mut inputs = Vec::new();
    for dir in ["text", "binary"] {
        let dir = root().join("fixtures/textformat").join(dir);
        let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
            .expect("fixture directory")
            .map(|entry| entry.expect("directory entry").path())
            .collect();
        paths.sort();
        for path in paths {
            let bytes = std::fs::read(&path).expect("fixture");
            if path.extension().is_some_and(|e| e == "hex") {
                let text = String::from_utf8_lossy(&bytes);
                let digits: String = text
                    .lines()
                    .map(|l| l.split('#').next().unwrap_or(""))
                    .flat_map(str::split_whitespace)
                    .collect();
                let binary = (0..digits.len() / 2)
                    .filter_map(|i| u8::from_str_radix(&digits[2 * i..2 * i + 2], 16).ok())
                    .collect();
                inputs.push((false, binary));
            } else {
                inputs.push((true, bytes));
            }
        }
    }
    inputs
}

#[test]
fn accepted_fixtures_round_trip() {
    let cases =
        std::fs::read_to_string(root().join("fixtures/textformat/cases.txt")).expect("cases.txt");
    let mut checked = 0;
    for line in cases.lines().filter(|l| l.starts_with("encode ")) {
        let columns: Vec<&str> = line.split_whitespace().collect();
        let [_, schema, type_name, input] = columns[..] else {
            continue;
        };
        if schema.starts_with("corpus:") {
            continue;
        }
        let pool = pool(schema.trim_end_matches(".proto"));
        let text = std::fs::read(root().join("fixtures/textformat").join(input)).expect("input");
        // Texts protoc cannot read back in binary (too deep, invalid UTF-8
        // in a proto3 string) have no round trip.
        let decodes = textformat::encode(&pool, type_name, &text)
            .is_ok_and(|e| textformat::decode(&pool, type_name, &e.bytes).is_ok());
        if decodes {
            assert_round_trip(&pool, type_name, &String::from_utf8_lossy(&text), false);
            checked += 1;
        }
    }
    assert!(checked > 10, "only {checked} fixtures round-tripped");
}

#[test]
fn deep_text_is_an_error_not_a_crash() {
    let pool = pool("proto2");
    let nested = |depth: usize| format!("{}{}", "child { ".repeat(depth), "} ".repeat(depth));
    assert!(textformat::encode(&pool, "textformat.p2.Deep", nested(500).as_bytes()).is_ok());
    let errors = textformat::encode(&pool, "textformat.p2.Deep", nested(100_000).as_bytes())
        .expect_err("too deep");
    assert_eq!(
        errors[0].message,
        "Message is too deep, the parser exceeded the configured recursion limit of 500."
    );
    let skipped = format!("gone: {}{}", "[".repeat(100_000), "]".repeat(100_000));
    assert!(textformat::encode(&pool, "textformat.p2.All", skipped.as_bytes()).is_err());
}
