//! What a build script that uses protoc-rs tells cargo: a
//! `cargo:rerun-if-changed` line for exactly each file read (the
//! command-line files and every import on disk; no directories, no built-in
//! files), `cargo:rerun-if-env-changed` for the variable read, and each
//! warning of the `.proto` files as a `cargo:warning=file:line:col: message`
//! line. Each scenario runs in a child process (this test binary again), as
//! a build script runs, so that its stdout can be read.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

const CHILD: &str = "PROTOC_RS_CARGO_LINES_SCENARIO";
const CHILD_OUT: &str = "PROTOC_RS_CARGO_LINES_OUT";

fn work() -> PathBuf {
    common::root().join("fixtures/protoc-cli/work")
}

/// The scenarios, by name: which facade compiles which file.
fn run_scenario(name: &str, out: &Path) -> std::io::Result<()> {
    let work = work();
    match name {
        "tonic" => protoc_rs::tonic::configure()
            .out_dir(out)
            .emit_rerun_if_changed(true)
            .compile_protos(&[work.join("uses.proto")], std::slice::from_ref(&work)),
        "prost" => {
            let mut config = protoc_rs::prost::Config::new();
            config.out_dir(out);
            config.compile_protos(&[work.join("unused.proto")], &[&work])
        }
        "builder" => protoc_rs::configure().out_dir(out).compile_protos(
            &[work.join("option-import.proto")],
            std::slice::from_ref(&work),
        ),
        "broken" => protoc_rs::tonic::configure()
            .out_dir(out)
            .compile_protos(&[work.join("broken.proto")], std::slice::from_ref(&work)),
        other => panic!("no scenario {other}"),
    }
}

/// In the child: the scenario's stdout, then its result on the last line.
#[test]
fn child_scenario() {
    let (Ok(name), Ok(out)) = (std::env::var(CHILD), std::env::var(CHILD_OUT)) else {
        return;
    };
    match run_scenario(&name, Path::new(&out)) {
        Ok(()) => println!("RESULT ok"),
        Err(error) => println!("RESULT error: {error}"),
    }
}

/// Runs a scenario in a child and returns its `cargo:` lines and result.
fn scenario(name: &str) -> (Vec<String>, String) {
    // Tests run in parallel and may run the same scenario: a directory of
    // each call's own.
    static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let call = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let out = std::env::temp_dir().join(format!(
        "protoc-rs-cargo-lines-{}-{name}-{call}",
        std::process::id()
    ));
    std::fs::create_dir_all(&out).unwrap();
    let output = Command::new(std::env::current_exe().unwrap())
        .args([
            "child_scenario",
            "--exact",
            "--nocapture",
            "--test-threads=1",
            "-q",
        ])
        .env(CHILD, name)
        .env(CHILD_OUT, &out)
        .env("CARGO", "cargo")
        .env_remove("PROTOC_INCLUDE")
        .output()
        .unwrap();
    std::fs::remove_dir_all(&out).unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let lines = stdout
        .lines()
        .filter(|l| l.starts_with("cargo:"))
        .map(str::to_owned)
        .collect();
    let result = stdout
        .lines()
        .find_map(|l| l.strip_prefix("RESULT "))
        .unwrap_or("no result")
        .to_owned();
    (lines, result)
}

/// The files a compile of `file` reads from `dir`, found independently of
/// protoc-rs: the file and, transitively, each `import` that `dir` holds.
fn files_read(dir: &Path, file: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut queue = vec![file.to_owned()];
    while let Some(name) = queue.pop() {
        let path = dir.join(&name);
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue; // a built-in file: not on disk
        };
        if !out.insert(path.display().to_string()) {
            continue;
        }
        for line in text.lines() {
            let line = line.trim();
            if let Some(rest) = line.strip_prefix("import ") {
                if let Some(start) = rest.find('"') {
                    let rest = &rest[start + 1..];
                    if let Some(end) = rest.find('"') {
                        queue.push(rest[..end].to_owned());
                    }
                }
            }
        }
    }
    out
}

fn rerun_files(lines: &[String]) -> BTreeSet<String> {
    lines
        .iter()
        .filter_map(|l| l.strip_prefix("cargo:rerun-if-changed="))
        .map(str::to_owned)
        .collect()
}

#[test]
fn rerun_lines_name_exactly_the_files_read() {
    for (name, file) in [("tonic", "uses.proto"), ("prost", "unused.proto")] {
        let (lines, result) = scenario(name);
        assert_eq!(result, "ok", "{name}");
        assert_eq!(
            rerun_files(&lines),
            files_read(&work(), file),
            "{name}: {lines:#?}"
        );
        assert!(
            lines.contains(&"cargo:rerun-if-env-changed=PROTOC_INCLUDE".to_owned()),
            "{name}: {lines:#?}"
        );
        let others: Vec<&String> = lines
            .iter()
            .filter(|l| {
                !l.starts_with("cargo:rerun-if-changed=")
                    && !l.starts_with("cargo:rerun-if-env-changed=")
                    && !l.starts_with("cargo:warning=")
            })
            .collect();
        assert!(others.is_empty(), "{name}: {others:?}");
        for path in rerun_files(&lines) {
            assert!(Path::new(&path).is_file(), "{name}: {path} is not a file");
        }
    }
}

#[test]
fn built_in_files_are_not_watched() {
    // option-import.proto also reads google/protobuf/descriptor.proto,
    // which is built in.
    let (lines, result) = scenario("builder");
    assert_eq!(result, "ok");
    let files = rerun_files(&lines);
    assert_eq!(files, files_read(&work(), "option-import.proto"));
    assert!(
        files.iter().all(|f| !f.contains("google/protobuf")),
        "{files:?}"
    );
}

#[test]
fn warnings_reach_cargo_one_line_each_with_their_place() {
    let (lines, _) = scenario("prost");
    let warnings: Vec<&String> = lines
        .iter()
        .filter(|l| l.starts_with("cargo:warning="))
        .collect();
    assert_eq!(warnings.len(), 1, "{lines:#?}");
    let warning = warnings[0];
    assert!(
        warning.ends_with("unused.proto:4:1: warning: Import base.proto is unused."),
        "{warning}"
    );
}

#[test]
fn an_error_is_returned_naming_the_first_error() {
    let (lines, result) = scenario("broken");
    assert!(
        result.starts_with("error: protoc-rs could not compile the .proto files: "),
        "{result}"
    );
    assert!(
        result.contains("broken.proto:5:3: \"Missing\" is not defined."),
        "{result}"
    );
    // What was read is watched even when it has errors, so fixing it reruns.
    assert!(rerun_files(&lines)
        .iter()
        .any(|f| f.ends_with("broken.proto")));
}
