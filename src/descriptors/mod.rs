//! The descriptors stage: the checked syntax trees and their resolved names
//! become `FileDescriptorProto`s, encoded as protoc encodes them.
//!
//! The descriptor types themselves live in [`crate::pb`].

pub use crate::pb;

pub mod build;

use std::collections::HashSet;

use prost::Message;

use crate::semantics::Analysis;
use crate::source::{FileId, SourceMap};
use crate::syntax::ast;

/// The files of a descriptor set, in protoc's order: the command-line files
/// in order, each preceded by its imports (depth-first, in import order)
/// when `include_imports` is set.
pub fn set_order(
    inputs: &[FileId],
    imports_of: &dyn Fn(FileId) -> Vec<FileId>,
    include_imports: bool,
) -> Vec<FileId> {
    fn visit(
        file: FileId,
        imports_of: &dyn Fn(FileId) -> Vec<FileId>,
        seen: &mut HashSet<FileId>,
        out: &mut Vec<FileId>,
    ) {
        if !seen.insert(file) {
            return;
        }
        for dependency in imports_of(file) {
            visit(dependency, imports_of, seen, out);
        }
        out.push(file);
    }
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for &input in inputs {
        if include_imports {
            visit(input, imports_of, &mut seen, &mut out);
        } else if seen.insert(input) {
            out.push(input);
        }
    }
    out
}

/// Builds and encodes a `FileDescriptorSet` of `files`.
pub fn encode_set(
    sources: &SourceMap,
    files: &[(FileId, &ast::File)],
    analysis: &Analysis,
) -> Vec<u8> {
    let set = pb::FileDescriptorSet {
        file: files
            .iter()
            .map(|(id, ast)| {
                build::Builder::new(
                    sources.get(*id),
                    *id,
                    &analysis.resolved,
                    &analysis.options,
                    ast.syntax(),
                )
                .file(ast)
            })
            .collect(),
    };
    set.encode_to_vec()
}
