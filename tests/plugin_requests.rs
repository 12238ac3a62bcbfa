//! The plugin protocol, byte for byte: for every case of
//! fixtures/plugin-requests/cases/, protoc-rs must send its plugins the
//! CodeGeneratorRequest protoc 35 sends for the same command line
//! (fixtures/goldens/plugin-requests/, kept by
//! scripts/regen-plugin-request-goldens.sh with the capture plugin in
//! scripts/capture-plugin/). No plugin but that shell script is needed.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use prost::Message;
use protoc_rs::plugins::CodeGeneratorRequest;

fn cases() -> Vec<PathBuf> {
    let mut cases: Vec<PathBuf> =
        std::fs::read_dir(common::root().join("fixtures/plugin-requests/cases"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "args"))
            .collect();
    cases.sort();
    cases
}

fn requests_in(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut found: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "bin"))
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&p).unwrap())
        })
        .collect();
    found.sort();
    found
}

/// Where two requests first differ, in words a reader can act on.
fn difference(expected: &[u8], actual: &[u8]) -> String {
    let decode = |bytes: &[u8]| CodeGeneratorRequest::decode(bytes).map(|r| format!("{r:#?}"));
    match (decode(expected), decode(actual)) {
        (Ok(e), Ok(a)) if e != a => {
            let line = e
                .lines()
                .zip(a.lines())
                .position(|(x, y)| x != y)
                .unwrap_or(0);
            let around = |text: &str| {
                text.lines()
                    .skip(line.saturating_sub(8))
                    .take(12)
                    .collect::<Vec<_>>()
                    .join("\n")
            };
            format!(
                "decoded, they differ at line {line}:\n--- protoc 35\n{}\n--- protoc-rs\n{}",
                around(&e),
                around(&a)
            )
        }
        (Ok(_), Ok(_)) => {
            let at = expected.iter().zip(actual).position(|(x, y)| x != y);
            format!(
                "same fields, different bytes (lengths {} and {}, first difference at {at:?}): field order",
                expected.len(),
                actual.len()
            )
        }
        (e, a) => format!("decoding: protoc 35 {:?}, protoc-rs {:?}", e.err(), a.err()),
    }
}

#[test]
fn every_request_is_protoc_35s_byte_for_byte() {
    let root = common::root();
    let capture = root.join("scripts/capture-plugin");
    let work = root.join("fixtures/plugin-requests/work");
    let goldens = root.join("fixtures/goldens/plugin-requests");
    let cases = cases();
    assert!(cases.len() >= 20, "only {} cases", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let name = case.file_stem().unwrap().to_string_lossy().into_owned();
        let args: Vec<String> = std::fs::read_to_string(case)
            .unwrap()
            .lines()
            .map(|line| line.replace("$CAPTURE", &capture.to_string_lossy()))
            .collect();
        let captured =
            std::env::temp_dir().join(format!("protoc-rs-requests-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&captured);
        std::fs::create_dir_all(&captured).unwrap();
        let output = Command::new(env!("CARGO_BIN_EXE_protoc-rs"))
            .args(&args)
            .current_dir(&work)
            .env("CAPTURE_DIR", &captured)
            .env_remove("PROTOC_INCLUDE")
            .output()
            .unwrap();
        let golden = goldens.join(&name);
        let status: i32 = std::fs::read_to_string(golden.join("status"))
            .unwrap()
            .trim()
            .parse()
            .unwrap();
        if output.status.code() != Some(status) {
            failures.push(format!(
                "{name}: exit {:?}, protoc 35 {status}; stderr:\n{}",
                output.status.code(),
                String::from_utf8_lossy(&output.stderr)
            ));
            continue;
        }
        let expected = requests_in(&golden);
        let actual = requests_in(&captured);
        let names = |r: &[(String, Vec<u8>)]| r.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
        if names(&expected) != names(&actual) {
            failures.push(format!(
                "{name}: plugins run {:?}, protoc 35 ran {:?}",
                names(&actual),
                names(&expected)
            ));
            continue;
        }
        for ((plugin, want), (_, got)) in expected.iter().zip(&actual) {
            if want != got {
                failures.push(format!("{name}/{plugin}: {}", difference(want, got)));
            }
        }
        let _ = std::fs::remove_dir_all(&captured);
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ:\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}
