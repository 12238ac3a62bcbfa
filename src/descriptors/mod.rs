//! The descriptors stage: the checked syntax trees and their resolved names
//! become `FileDescriptorProto`s, encoded as protoc encodes them.
//!
//! The descriptor types themselves live in [`crate::pb`].

pub use crate::pb;

pub mod build;
pub mod source_info;

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

/// What a descriptor set carries beyond the descriptors themselves.
#[derive(Clone, Copy, Debug, Default)]
pub struct SetOptions {
    /// Every import of the command-line files, before them.
    pub include_imports: bool,
    /// Each file's SourceCodeInfo (positions and comments).
    pub include_source_info: bool,
    /// Keep options with source retention, which protoc strips.
    pub retain_options: bool,
}

/// Builds and encodes a `FileDescriptorSet` of `files`.
pub fn encode_set(
    sources: &SourceMap,
    files: &[(FileId, &ast::File)],
    analysis: &Analysis,
    options: SetOptions,
) -> Vec<u8> {
    build_set(sources, files, analysis, options).encode_to_vec()
}

/// Builds the `FileDescriptorSet` of `files`.
pub fn build_set(
    sources: &SourceMap,
    files: &[(FileId, &ast::File)],
    analysis: &Analysis,
    options: SetOptions,
) -> pb::FileDescriptorSet {
    pb::FileDescriptorSet {
        file: files
            .iter()
            .map(|(id, ast)| {
                let source = sources.get(*id);
                let mut builder = build::Builder::new(
                    source,
                    *id,
                    &analysis.resolved,
                    &analysis.options,
                    ast.syntax(),
                );
                if options.retain_options {
                    builder = builder.retaining(&analysis.retained_options);
                }
                let mut file = builder.file(ast);
                if options.include_source_info {
                    file.source_code_info = Some(
                        source_info::Recorder::new(
                            source,
                            *id,
                            &analysis.option_destinations,
                            &analysis.options,
                            options.retain_options,
                        )
                        .file(ast),
                    );
                }
                file
            })
            .collect(),
    }
}
