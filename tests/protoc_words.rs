//! `--error-format=protoc` end to end: for every rejected fixture of the
//! semantics and validation suites, the first line `protoc-rs compile`
//! prints is protoc 35's own line (its golden), and those lines cover at
//! least 40 different protoc messages.

mod common;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

/// protoc's first error line for a fixture, from its golden.
fn golden_first_error(suite: &str, stem: &str) -> String {
    let path = common::root()
        .join("fixtures/goldens/protoc35")
        .join(suite)
        .join("invalid")
        .join(format!("{stem}.txt"));
    let text = std::fs::read_to_string(&path).unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix("first-error: "))
        .unwrap_or_default()
        .to_owned()
}

/// Our first error line, run the way the goldens were made: from the
/// fixture's directory, with it and ../valid as include paths.
fn our_first_error(dir: &Path, name: &str) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_protoc-rs"))
        .args([
            "compile",
            "--error-format=protoc",
            "-I",
            ".",
            "-I",
            "../valid",
            name,
        ])
        .current_dir(dir)
        .output()
        .unwrap();
    String::from_utf8_lossy(&output.stderr)
        .lines()
        .find(|line| !line.contains(": warning: "))
        .unwrap_or_default()
        .to_owned()
}

/// A message with its positions, names and numbers taken out, so that two
/// fixtures of one rule count once.
fn message_kind(line: &str) -> String {
    let message = line.split_once(": ").map_or(line, |(_, message)| message);
    let mut out = String::new();
    let mut in_quotes = false;
    for c in message.chars() {
        match c {
            '"' => {
                in_quotes = !in_quotes;
                if in_quotes {
                    out.push_str("\"_\"");
                }
            }
            _ if in_quotes => {}
            '0'..='9' => {
                if !out.ends_with('N') {
                    out.push('N');
                }
            }
            _ => out.push(c),
        }
    }
    out
}

#[test]
fn protoc_format_prints_protocs_own_lines() {
    let mut kinds = BTreeSet::new();
    let mut mismatches = Vec::new();
    for suite in ["semantics", "validation"] {
        let dir = common::root().join("fixtures").join(suite).join("invalid");
        for proto in common::protos(&dir) {
            let name = proto.file_name().unwrap().to_string_lossy().into_owned();
            let stem = proto.file_stem().unwrap().to_string_lossy().into_owned();
            let expected = golden_first_error(suite, &stem);
            let actual = our_first_error(&dir, &name);
            if actual != expected {
                mismatches.push(format!(
                    "{suite}/{name}\n  protoc: {expected}\n  ours:   {actual}"
                ));
            }
            kinds.insert(message_kind(&expected));
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
    assert!(
        kinds.len() >= 40,
        "only {} distinct protoc messages covered: {kinds:#?}",
        kinds.len()
    );
}

#[test]
fn message_kinds_ignore_names_and_numbers() {
    assert_eq!(
        message_kind(
            "a.proto:3:5: Field number 7 has already been used in \"p.M\" by field \"x\"."
        ),
        message_kind(
            "b.proto:9:1: Field number 12 has already been used in \"q.N\" by field \"y\"."
        )
    );
}
