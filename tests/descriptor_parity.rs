//! Descriptor sets equal to protoc 35's: every accepted fixture of
//! fixtures/{syntax,descriptors,semantics,validation}, compiled with
//! `--include-imports --include-source-info`, decodes to the same
//! FileDescriptorSet as protoc's golden
//! (fixtures/goldens/protoc35/<suite>/valid/<name>.pb), SourceCodeInfo
//! included.

mod common;

use prost::Message;
use protoc_rs::compile::{self, Options};
use protoc_rs::descriptors::pb::FileDescriptorSet;
use protoc_rs::descriptors::SetOptions;

/// The first lines where two pretty-printed values differ.
fn first_difference(expected: &str, actual: &str) -> String {
    let expected: Vec<&str> = expected.lines().collect();
    let actual: Vec<&str> = actual.lines().collect();
    let at = expected
        .iter()
        .zip(&actual)
        .position(|(a, b)| a != b)
        .unwrap_or(expected.len().min(actual.len()));
    let from = at.saturating_sub(3);
    format!(
        "protoc:\n{}\nours:\n{}",
        expected[from..(at + 4).min(expected.len())].join("\n"),
        actual[from..(at + 4).min(actual.len())].join("\n")
    )
}

/// Compares every valid fixture of `suite` with its golden; returns how
/// many were compared.
fn suite_matches_protoc(suite: &str) -> usize {
    let dir = common::root().join("fixtures").join(suite).join("valid");
    let goldens = common::root()
        .join("fixtures/goldens/protoc35")
        .join(suite)
        .join("valid");
    let mut failures = Vec::new();
    let fixtures = common::protos(&dir);
    for proto in &fixtures {
        let stem = proto.file_stem().unwrap().to_string_lossy().into_owned();
        let golden_bytes = std::fs::read(goldens.join(format!("{stem}.pb")))
            .unwrap_or_else(|e| panic!("{stem}: no golden descriptor set ({e})"));
        let expected = FileDescriptorSet::decode(golden_bytes.as_slice()).unwrap();
        let compilation = compile::compile(&Options {
            include_paths: vec![dir.display().to_string()],
            inputs: vec![proto.display().to_string()],
            ..Default::default()
        });
        assert!(
            !compilation.has_errors(),
            "{stem}: {:?}",
            compilation.diagnostics.first().map(|d| &d.message)
        );
        let set = compilation.descriptor_set_with(SetOptions {
            include_imports: true,
            include_source_info: true,
            retain_options: false,
            given_json_names_only: false,
            codegen_source_info: false,
        });
        let actual = FileDescriptorSet::decode(set.as_slice()).unwrap();
        if set != golden_bytes {
            failures.push(format!(
                "{stem}.proto: not protoc's bytes, though it may decode the same"
            ));
        }
        // The streamed encoding (what `-o` writes) and the built set (what
        // generators and plugins get) are the same descriptors.
        for include_source_info in [true, false] {
            let options = SetOptions {
                include_imports: true,
                include_source_info,
                ..Default::default()
            };
            let streamed = compilation.descriptor_set_with(options);
            let built = compilation.file_descriptor_set(options).encode_to_vec();
            if streamed != built {
                failures.push(format!(
                    "{stem}.proto: the encoded set (source info: {include_source_info}) is not \
                     the built set's encoding"
                ));
            }
        }
        if actual != expected {
            failures.push(format!(
                "{stem}.proto:\n{}",
                first_difference(&format!("{expected:#?}"), &format!("{actual:#?}"))
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} descriptor sets differ from protoc's:\n{}",
        failures.len(),
        fixtures.len(),
        failures.join("\n\n")
    );
    fixtures.len()
}

#[test]
fn descriptor_fixtures_match_protoc() {
    assert!(suite_matches_protoc("descriptors") >= 10);
}

#[test]
fn syntax_fixtures_match_protoc() {
    assert!(suite_matches_protoc("syntax") >= 20);
}

#[test]
fn semantics_fixtures_match_protoc() {
    assert!(suite_matches_protoc("semantics") >= 4);
}

#[test]
fn validation_fixtures_match_protoc() {
    assert!(suite_matches_protoc("validation") >= 15);
}
