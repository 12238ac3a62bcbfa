//! The descriptors stage: the checked syntax trees and their resolved names
//! become `FileDescriptorProto`s, encoded as protoc encodes them.
//!
//! The descriptor types themselves live in [`crate::pb`].

pub use crate::pb;

pub mod build;
pub mod source_info;

use rustc_hash::FxHashSet as HashSet;

use crate::semantics::Analysis;
use crate::source::{FileId, Origin, SourceMap};
use crate::syntax::ast;

/// The files of a descriptor set, in protoc's order: the command-line files
/// in order, each preceded by the files it imports (depth-first, in import
/// order) — every import when `include_imports` is set, otherwise only
/// those that are command-line files too.
pub fn set_order(
    inputs: &[FileId],
    imports_of: &dyn Fn(FileId) -> Vec<FileId>,
    include_imports: bool,
) -> Vec<FileId> {
    let wanted: Option<HashSet<FileId>> =
        (!include_imports).then(|| inputs.iter().copied().collect());
    let mut seen = HashSet::default();
    let mut out = Vec::new();
    // Depth-first with an explicit stack (a file and its imports not yet
    // walked), since import chains can be thousands of files long.
    let mut stack: Vec<(FileId, std::vec::IntoIter<FileId>)> = Vec::new();
    for &input in inputs {
        if !seen.insert(input) {
            continue;
        }
        stack.push((input, imports_of(input).into_iter()));
        while let Some((file, imports)) = stack.last_mut() {
            match imports.next() {
                Some(dependency) => {
                    let is_wanted = wanted.as_ref().is_none_or(|w| w.contains(&dependency));
                    if is_wanted && seen.insert(dependency) {
                        stack.push((dependency, imports_of(dependency).into_iter()));
                    }
                }
                None => {
                    out.push(*file);
                    stack.pop();
                }
            }
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
    /// Json names only where the .proto gives one (protoc's `CopyTo`
    /// without `CopyJsonNameTo`, as its plugin requests carry the files to
    /// generate under the `bootstrap` parameter).
    pub given_json_names_only: bool,
}

/// Builds and encodes a `FileDescriptorSet` of `files`: byte for byte what
/// encoding [`build_set`]'s result gives, without ever holding every
/// descriptor at once. Files are built and encoded in parallel, each as the
/// set's field 1, and dropped as soon as they are bytes; on a large run the
/// descriptors would otherwise be the biggest thing in memory.
pub fn encode_set(
    sources: &SourceMap,
    files: &[(FileId, &ast::File)],
    analysis: &Analysis,
    options: SetOptions,
) -> Vec<u8> {
    let pieces: Vec<Vec<u8>> = crate::par::map_ref(files, |&(id, ast)| {
        let file = build_file(sources, id, ast, analysis, options);
        let mut bytes = Vec::new();
        prost::encoding::message::encode(1, &file, &mut bytes);
        bytes
    });
    let mut out = Vec::with_capacity(pieces.iter().map(Vec::len).sum());
    for piece in pieces {
        out.extend_from_slice(&piece);
    }
    out
}

/// Builds the `FileDescriptorSet` of `files`, in parallel.
pub fn build_set(
    sources: &SourceMap,
    files: &[(FileId, &ast::File)],
    analysis: &Analysis,
    options: SetOptions,
) -> pb::FileDescriptorSet {
    pb::FileDescriptorSet {
        file: crate::par::map_ref(files, |&(id, ast)| {
            build_file(sources, id, ast, analysis, options)
        }),
    }
}

/// The `FileDescriptorProto` of one file.
fn build_file(
    sources: &SourceMap,
    id: FileId,
    ast: &ast::File,
    analysis: &Analysis,
    options: SetOptions,
) -> pb::FileDescriptorProto {
    let source = sources.get(id);
    let mut builder = build::Builder::new(
        source,
        id,
        &analysis.resolved,
        &analysis.options,
        ast.syntax(),
    );
    if options.retain_options {
        builder = builder.retaining(&analysis.retained_options);
    }
    if options.given_json_names_only {
        builder = builder.given_json_names_only();
    }
    let mut file = builder.file(ast);
    if !options.include_source_info {
        return file;
    }
    if let Origin::Descriptor {
        source_code_info, ..
    } = source.origin()
    {
        // The text was printed from a descriptor: its positions are not the
        // file's. Give back the descriptor's own, as protoc does.
        use prost::Message;
        file.source_code_info = (!source_code_info.is_empty())
            .then(|| pb::SourceCodeInfo::decode(source_code_info.as_slice()).ok())
            .flatten();
    } else {
        file.source_code_info = Some(
            source_info::Recorder::new(
                source,
                id,
                &analysis.option_destinations,
                &analysis.options,
                options.retain_options,
            )
            .file(ast),
        );
    }
    file
}
