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
