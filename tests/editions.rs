//! The equivalence oracle for editions in Rust code generation: every
//! proto2/proto3 codegen fixture, rewritten as edition 2023 and as edition
//! 2024 by the migration rewriter (tests/support/editions_rewrite.rs, also
//! `scripts/editions-rewrite.sh`), gives the same Rust, file for file and
//! byte for byte, as the original. prost-build has no editions output, so
//! the original's Rust (itself prost-build's, by codegen_parity) is the
//! answer. scripts/editions-equivalence.sh does the same for googleapis-mid
//! and checks that protoc 35 accepts every rewritten file.

#[path = "support/editions_rewrite.rs"]
mod editions_rewrite;

mod common;

use std::path::Path;

use editions_rewrite::{rewrite, Edition};
use protoc_rs::codegen::rust::{Config, Services, TonicOptions};
use protoc_rs::compile::{self, Options};

/// The Rust of `names` (relative to `dir`), with tonic's services.
fn rust_of(dir: &Path, names: &[String]) -> Vec<(String, String)> {
    let mut compilation = compile::compile(&Options {
        include_paths: vec![dir.display().to_string()],
        inputs: names
            .iter()
            .map(|n| dir.join(n).display().to_string())
            .collect(),
        ..Default::default()
    });
    assert!(
        !compilation.has_errors(),
        "{} does not compile: {:?}",
        dir.display(),
        compilation.diagnostics
    );
    let tonic = TonicOptions::default();
    let (files, _warnings) = compilation
        .rust_code(&Config::rust_out(), Services::Tonic(&tonic))
        .unwrap_or_else(|e| panic!("{}: {e:?}", dir.display()));
    files.into_iter().map(|f| (f.name, f.content)).collect()
}

#[test]
fn rewritten_codegen_fixtures_give_the_same_rust() {
    let fixtures = common::root().join("fixtures/codegen");
    let protos = common::protos(&fixtures);
    let names: Vec<String> = protos
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert!(names.len() >= 7, "{names:?}");
    let original = rust_of(&fixtures, &names);
    for (edition, label) in [(Edition::E2023, "2023"), (Edition::E2024, "2024")] {
        let dir =
            std::env::temp_dir().join(format!("protoc-rs-editions-{}-{label}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        for (path, name) in protos.iter().zip(&names) {
            let source = std::fs::read_to_string(path).unwrap();
            let rewritten =
                rewrite(&source, edition).unwrap_or_else(|e| panic!("{name} ({label}): {e}"));
            assert!(
                rewritten.contains(&format!("edition = \"{label}\"")),
                "{name} was not rewritten:\n{rewritten}"
            );
            std::fs::write(dir.join(name), rewritten).unwrap();
        }
        let ours = rust_of(&dir, &names);
        assert_eq!(
            ours.iter().map(|(n, _)| n).collect::<Vec<_>>(),
            original.iter().map(|(n, _)| n).collect::<Vec<_>>(),
            "edition {label}: other files"
        );
        for ((name, text), (_, expected)) in ours.iter().zip(&original) {
            if text != expected {
                let line = text
                    .lines()
                    .zip(expected.lines())
                    .position(|(a, b)| a != b)
                    .map_or(0, |i| i + 1);
                panic!(
                    "edition {label}: {name} differs from the original's Rust at line {line}:\n\
                     ours:     {:?}\nexpected: {:?}",
                    text.lines().nth(line.saturating_sub(1)),
                    expected.lines().nth(line.saturating_sub(1))
                );
            }
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
