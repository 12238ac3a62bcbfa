//! Rust code equal to prost-build's: every fixtures/codegen/*.proto gives
//! the files the real tonic-prost-build 0.14 writes when a build script
//! calls `configure().compile_protos(...)` with protoc 35
//! (fixtures/goldens/prost-build/, by scripts/regen-rust-goldens.sh):
//! - through `protoc_rs::tonic::configure().compile_protos(...)`, the same
//!   call, byte for byte;
//! - through `protoc-rs compile --rust-out` (its code path), the first line
//!   (the generator's name) aside.

mod common;

use std::path::Path;

use protoc_rs::compile::{self, Options};

/// A file without its first line (the generator's name).
fn body(text: &str) -> &str {
    text.split_once('\n').map_or("", |(_, rest)| rest)
}

/// The golden files of fixture `stem`, by name.
fn goldens(stem: &str) -> Vec<(String, String)> {
    let dir = common::root()
        .join("fixtures/goldens/prost-build")
        .join(stem);
    let mut files: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| {
            let path = e.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read_to_string(&path).unwrap())
        })
        .collect();
    files.sort();
    files
}

fn compare(
    what: &str,
    stem: &str,
    ours: &[(String, String)],
    strip_header: bool,
    failures: &mut Vec<String>,
) {
    let expected = goldens(stem);
    let names = |files: &[(String, String)]| -> Vec<String> {
        files.iter().map(|(n, _)| n.clone()).collect()
    };
    if names(ours) != names(&expected) {
        failures.push(format!(
            "{what} {stem}: files {:?}, tonic-prost-build wrote {:?}",
            names(ours),
            names(&expected)
        ));
        return;
    }
    for ((name, content), (_, golden)) in ours.iter().zip(&expected) {
        let (ours, golden) = if strip_header {
            (body(content), body(golden))
        } else {
            (content.as_str(), golden.as_str())
        };
        if ours != golden {
            failures.push(format!(
                "{what} {stem}/{name}:\n{}",
                first_difference(golden, ours)
            ));
        }
    }
}

fn read_dir(dir: &Path) -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let path = e.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read_to_string(&path).unwrap())
        })
        .collect();
    files.sort();
    files
}

#[test]
fn tonic_facade_writes_tonic_prost_builds_files() {
    let dir = common::root().join("fixtures/codegen");
    let fixtures = common::protos(&dir);
    assert!(fixtures.len() >= 5);
    let mut failures = Vec::new();
    for proto in &fixtures {
        let stem = proto.file_stem().unwrap().to_string_lossy().into_owned();
        let out = std::env::temp_dir().join(format!(
            "protoc-rs-codegen-parity-{}-{stem}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&out);
        std::fs::create_dir_all(&out).unwrap();
        protoc_rs::tonic::configure()
            .out_dir(&out)
            .emit_rerun_if_changed(false)
            .compile_protos(&[proto.as_path()], &[dir.as_path()])
            .unwrap_or_else(|e| panic!("{stem}: {e}"));
        compare(
            "protoc_rs::tonic",
            &stem,
            &read_dir(&out),
            false,
            &mut failures,
        );
        std::fs::remove_dir_all(&out).unwrap();
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn rust_out_writes_tonic_prost_builds_code() {
    let dir = common::root().join("fixtures/codegen");
    let mut failures = Vec::new();
    for proto in &common::protos(&dir) {
        let stem = proto.file_stem().unwrap().to_string_lossy().into_owned();
        let mut compilation = compile::compile(&Options {
            include_paths: vec![dir.display().to_string()],
            inputs: vec![proto.display().to_string()],
            ..Default::default()
        });
        assert!(!compilation.has_errors(), "{stem} does not compile");
        let set_options = protoc_rs::descriptors::SetOptions {
            include_imports: true,
            include_source_info: true,
            ..Default::default()
        };
        let set_before = compilation.descriptor_set_with(set_options);
        let tonic = protoc_rs::codegen::rust::TonicOptions::default();
        let ours: Vec<(String, String)> = compilation
            .rust_code(
                &protoc_rs::codegen::rust::Config::rust_out(),
                protoc_rs::codegen::rust::Services::Tonic(&tonic),
            )
            .unwrap()
            .0
            .into_iter()
            .map(|f| (f.name, f.content))
            .collect();
        // `rust_code` frees the syntax trees and parses them again when
        // they are needed: the set built afterwards must be the same.
        if compilation.descriptor_set_with(set_options) != set_before {
            failures.push(format!(
                "{stem}: the descriptor set after --rust-out differs"
            ));
        }
        compare("--rust-out", &stem, &ours, true, &mut failures);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// The first differing line with a little context.
fn first_difference(expected: &str, actual: &str) -> String {
    let expected: Vec<&str> = expected.lines().collect();
    let actual: Vec<&str> = actual.lines().collect();
    let at = expected
        .iter()
        .zip(&actual)
        .position(|(a, b)| a != b)
        .unwrap_or(expected.len().min(actual.len()));
    let from = at.saturating_sub(2);
    format!(
        "  prost-build:\n{}\n  protoc-rs:\n{}",
        expected[from..(at + 3).min(expected.len())].join("\n"),
        actual[from..(at + 3).min(actual.len())].join("\n")
    )
}
