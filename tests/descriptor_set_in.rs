//! Files that arrive as descriptors (`--descriptor_set_in`, the built-in
//! files) go through the whole pipeline and come out as protoc writes them.
//!
//! - Every golden descriptor set of the fixtures (protoc 35's
//!   `--include_imports --include_source_info` output), given back as
//!   `--descriptor_set_in` with no include path, compiles again to itself:
//!   printed as text, parsed, checked, built, with the set's own source info.
//! - Every built-in file compiles to the descriptor protoc 35 wrote for it.
//! - A proto importing every built-in file gives protoc 35's
//!   `--include_imports` set, byte for byte.

mod common;

use std::path::{Path, PathBuf};

use prost::Message;
use protoc_rs::compile::{self, Options};
use protoc_rs::descriptors::pb::{FileDescriptorProto, FileDescriptorSet};
use protoc_rs::descriptors::SetOptions;

fn golden_sets() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "pb") {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    walk(&common::root().join("fixtures/goldens/protoc35"), &mut out);
    out.sort();
    out
}

fn decode(bytes: &[u8]) -> FileDescriptorSet {
    FileDescriptorSet::decode(bytes).expect("a descriptor set")
}

/// The first differing lines of two descriptors, pretty-printed.
fn difference(expected: &FileDescriptorProto, actual: &FileDescriptorProto) -> String {
    let (expected, actual) = (format!("{expected:#?}"), format!("{actual:#?}"));
    let expected: Vec<&str> = expected.lines().collect();
    let actual: Vec<&str> = actual.lines().collect();
    let at = expected
        .iter()
        .zip(&actual)
        .position(|(a, b)| a != b)
        .unwrap_or(expected.len().min(actual.len()));
    let from = at.saturating_sub(4);
    format!(
        "expected:\n{}\nactual:\n{}",
        expected[from..(at + 4).min(expected.len())].join("\n"),
        actual[from..(at + 4).min(actual.len())].join("\n")
    )
}

/// Golden sets protoc 35 does not compile back either: what made them
/// valid (`features.enforce_naming_style = STYLE_LEGACY`,
/// `default_symbol_visibility = EXPORT_ALL`) is a source-retention feature,
/// which the set protoc wrote no longer has. Given back, protoc reports
/// the names or the visibility the feature allowed, and so must we.
const REJECTED_WHEN_GIVEN_BACK: &[&str] = &[
    "editions-2024-export-all-use.pb",
    "editions-2024-naming-opt-out-file.pb",
    "editions-2024-naming-opt-out.pb",
];

#[test]
fn every_golden_set_compiles_back_to_itself_from_descriptor_set_in() {
    let sets = golden_sets();
    assert!(sets.len() > 50, "only {} golden sets", sets.len());
    let mut failures = Vec::new();
    for path in &sets {
        let expected = decode(&std::fs::read(path).unwrap());
        // The set's last file is the one protoc was asked to compile.
        let Some(input) = expected.file.last().map(|f| f.name().to_owned()) else {
            continue;
        };
        let compilation = compile::compile(&Options {
            inputs: vec![input.clone()],
            descriptor_sets: vec![path.display().to_string()],
            ..Default::default()
        });
        let rejected = path
            .file_name()
            .is_some_and(|name| REJECTED_WHEN_GIVEN_BACK.iter().any(|r| name == *r));
        if rejected {
            if !compilation.has_errors() {
                failures.push(format!(
                    "{}: accepted, but protoc rejects it",
                    path.display()
                ));
            }
            continue;
        }
        if compilation.has_errors() {
            failures.push(format!(
                "{}: {:?} {:?}",
                path.display(),
                compilation.run_errors,
                compilation.diagnostics.first().map(|d| &d.message)
            ));
            continue;
        }
        let actual = decode(&compilation.descriptor_set_with(SetOptions {
            include_imports: true,
            include_source_info: true,
            retain_options: false,
            given_json_names_only: false,
            codegen_source_info: false,
        }));
        let names = |set: &FileDescriptorSet| -> Vec<String> {
            set.file.iter().map(|f| f.name().to_owned()).collect()
        };
        if names(&actual) != names(&expected) {
            failures.push(format!(
                "{}: files {:?}, expected {:?}",
                path.display(),
                names(&actual),
                names(&expected)
            ));
            continue;
        }
        for (expected, actual) in expected.file.iter().zip(&actual.file) {
            if expected != actual {
                failures.push(format!(
                    "{} ({}):\n{}",
                    path.display(),
                    expected.name(),
                    difference(expected, actual)
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} sets do not compile back to themselves:\n{}",
        failures.len(),
        sets.len(),
        failures.join("\n\n")
    );
}

#[test]
fn every_builtin_file_compiles_to_protocs_descriptor() {
    let mut failures = Vec::new();
    for expected in protoc_rs::builtin::files() {
        let compilation = compile::compile(&Options {
            include_paths: vec![common::root()
                .join("fixtures/builtin")
                .display()
                .to_string()],
            inputs: vec![expected.name().to_owned()],
            ..Default::default()
        });
        assert!(
            !compilation.has_errors(),
            "{}: {:?} {:?}",
            expected.name(),
            compilation.run_errors,
            compilation.diagnostics.first().map(|d| &d.message)
        );
        // The built-in set was written with --retain_options.
        let set = decode(&compilation.descriptor_set_with(SetOptions {
            include_imports: false,
            include_source_info: true,
            retain_options: true,
            given_json_names_only: false,
            codegen_source_info: false,
        }));
        if set.file.first() != Some(expected) {
            failures.push(format!(
                "{}:\n{}",
                expected.name(),
                difference(expected, set.file.first().unwrap_or(&Default::default()))
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn a_proto_importing_every_builtin_file_gives_protocs_set() {
    let dir = common::root().join("fixtures/builtin");
    let golden = common::root().join("fixtures/goldens/builtin");
    for (retain_options, golden_name) in [(false, "all.pb"), (true, "all-retain.pb")] {
        let compilation = compile::compile(&Options {
            include_paths: vec![dir.display().to_string()],
            inputs: vec![dir.join("all.proto").display().to_string()],
            ..Default::default()
        });
        assert!(!compilation.has_errors(), "{:?}", compilation.diagnostics);
        let actual = compilation.descriptor_set_with(SetOptions {
            include_imports: true,
            include_source_info: false,
            retain_options,
            given_json_names_only: false,
            codegen_source_info: false,
        });
        let expected = std::fs::read(golden.join(golden_name)).unwrap();
        assert_eq!(decode(&actual), decode(&expected), "{golden_name}");
        assert!(
            actual == expected,
            "{golden_name}: equal when decoded, not byte for byte"
        );
    }
}
