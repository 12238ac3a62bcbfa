//! Helpers shared by the integration tests.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use protoc_rs::compile;
use protoc_rs::diagnostics::render::{protoc_line, to_plain_string, ErrorFormat};
use protoc_rs::diagnostics::Diagnostic;
use protoc_rs::source::{FileId, SourceFile, SourceMap};
use protoc_rs::syntax;

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Copies a directory tree (links are copied as the files they name).
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A fixture parsed the way `protoc-rs compile` run from the fixture's
/// directory parses it: named by its file name.
pub struct Checked {
    pub sources: SourceMap,
    pub parsed: syntax::Parsed,
}

impl Checked {
    pub fn errors(&self) -> Vec<&Diagnostic> {
        self.parsed
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .collect()
    }

    /// protoc's line for our first error, if any.
    pub fn first_error_line(&self) -> Option<String> {
        self.errors().first().map(|d| protoc_line(&self.sources, d))
    }

    pub fn human(&self) -> String {
        to_plain_string(&self.sources, &self.parsed.diagnostics, ErrorFormat::Human)
    }
}

pub fn check(path: &Path) -> Checked {
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let bytes = std::fs::read(path).unwrap();
    let mut sources = SourceMap::new();
    let id = sources.add(SourceFile::new(name, bytes));
    assert_eq!(id, FileId(0));
    let parsed = compile::parse_source(id, sources.get(id));
    Checked { sources, parsed }
}

/// Every `.proto` file in `dir`, sorted.
pub fn protos(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "proto"))
        .collect();
    files.sort();
    files
}

/// A fresh directory for one test, under the system's temporary directory.
pub fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("protoc-rs-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs the built `protoc-rs` in `dir` with `stdin` as its input, as a
/// user runs it; the test fails if it has not finished after 120 s (a
/// hang is a failure, not a wait).
pub fn run_protoc_rs(dir: &Path, args: &[&str], stdin: &[u8]) -> std::process::Output {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_protoc-rs"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    let stdin = stdin.to_vec();
    // The child may stop reading early; a broken pipe is its answer.
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(&stdin);
    });
    let pid = child.id();
    let (done, finished) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = done.send(child.wait_with_output());
    });
    match finished.recv_timeout(std::time::Duration::from_secs(120)) {
        Ok(output) => {
            let _ = writer.join();
            output.unwrap()
        }
        Err(_) => {
            let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
            panic!("protoc-rs {args:?} did not finish in 120 s");
        }
    }
}
