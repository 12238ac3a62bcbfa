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
    /// With `include_source_info`, only the locations with comments: what
    /// generating Rust reads, at a fraction of the memory on a large file.
    pub codegen_source_info: bool,
}

/// Builds and encodes a `FileDescriptorSet` of `files`: byte for byte what
/// encoding [`build_set`]'s result gives (see [`encode_set_pieces`]).
pub fn encode_set(
    sources: &SourceMap,
    files: &[(FileId, &ast::File)],
    analysis: &Analysis,
    options: SetOptions,
) -> Vec<u8> {
    let mut pieces = encode_set_pieces(sources, files, analysis, options);
    if pieces.len() == 1 {
        return pieces.pop().unwrap_or_default();
    }
    let mut out = Vec::with_capacity(pieces.iter().map(Vec::len).sum());
    for piece in pieces {
        out.extend_from_slice(&piece);
    }
    out
}

/// The encoded `FileDescriptorSet` of `files` in pieces, one per file (the
/// set's field 1), whose concatenation is the set: written one after
/// another, they make the set without a second copy of it in memory.
/// Files are built and encoded in parallel, and dropped as soon as they
/// are bytes; on a large run the descriptors would otherwise be the
/// biggest thing in memory.
pub fn encode_set_pieces(
    sources: &SourceMap,
    files: &[(FileId, &ast::File)],
    analysis: &Analysis,
    options: SetOptions,
) -> Vec<Vec<u8>> {
    crate::par::map_ref(files, |&(id, ast)| {
        let mut bytes = Vec::with_capacity(expected_size(sources.get(id).bytes().len(), options));
        length_delimited(&mut bytes, 1, |out| {
            encode_file(sources, id, ast, analysis, options, out)
        });
        // The room left is address space the allocator may have touched;
        // the pieces stay until the set is written.
        bytes.shrink_to_fit();
        bytes
    })
}

/// Room enough, most of the time, for the encoded descriptor of a file of
/// `source_len` bytes: written without a reallocation, which on a large
/// file would hold the old and the new copy at once. Room not written to
/// costs address space only.
fn expected_size(source_len: usize, options: SetOptions) -> usize {
    // Measured on googleapis and on large generated files: a descriptor
    // is at most about 1.2 times its source, and 3.6 times with its
    // source info.
    let factor = if options.include_source_info { 4 } else { 2 };
    source_len.saturating_mul(factor).saturating_add(1024)
}

/// Appends the encoded `FileDescriptorProto` of one file to `out`: the
/// bytes of [`build_file`]'s result, in field-number order as protoc
/// writes them, building one top-level element at a time and encoding it
/// at once. On a large file the built descriptors and locations would
/// otherwise be the biggest thing in memory, several times the output.
fn encode_file(
    sources: &SourceMap,
    id: FileId,
    ast: &ast::File,
    analysis: &Analysis,
    options: SetOptions,
    out: &mut Vec<u8>,
) {
    use prost::Message;
    let source = sources.get(id);
    let builder = builder(sources, id, ast, analysis, options);
    let (mut header, package) = builder.file_header(ast);
    // Fields 1 to 3, then the elements (4 to 7), then the rest.
    pb::FileDescriptorProto {
        name: header.name.take(),
        package: header.package.take(),
        dependency: std::mem::take(&mut header.dependency),
        ..Default::default()
    }
    .encode_raw(out);
    let (mut enums, mut services, mut extensions) = (Vec::new(), Vec::new(), Vec::new());
    builder.each_element(ast, &package, |element| match element {
        build::Element::Message(m) => prost::encoding::message::encode(4, &m, out),
        build::Element::Enum(e) => prost::encoding::message::encode(5, &e, &mut enums),
        build::Element::Service(s) => prost::encoding::message::encode(6, &s, &mut services),
        build::Element::Extension(f) => prost::encoding::message::encode(7, &f, &mut extensions),
    });
    out.extend_from_slice(&enums);
    out.extend_from_slice(&services);
    out.extend_from_slice(&extensions);
    pb::FileDescriptorProto {
        options: header.options.take(),
        ..Default::default()
    }
    .encode_raw(out);
    if options.include_source_info {
        if let Origin::Descriptor {
            source_code_info, ..
        } = source.origin()
        {
            // As build_file: the descriptor's own positions, decoded and
            // encoded again.
            if let Ok(info) = pb::SourceCodeInfo::decode(source_code_info.as_slice()) {
                if !source_code_info.is_empty() {
                    prost::encoding::message::encode(9, &info, out);
                }
            }
        } else {
            length_delimited(out, 9, |out| {
                let recorder = recorder(sources, id, analysis, options);
                *out = recorder.encode_file(ast, std::mem::take(out));
            });
        }
    }
    header.encode_raw(out);
}

/// Appends field `tag`, length-delimited, whose content `write` appends to
/// the buffer. The length is not known before: room is left for the
/// longest one, then the content moves back over the room it did not
/// need, rather than being written to a buffer of its own and copied.
fn length_delimited(out: &mut Vec<u8>, tag: u32, write: impl FnOnce(&mut Vec<u8>)) {
    use prost::encoding::{encode_key, encode_varint, WireType};
    const ROOM: usize = 10;
    encode_key(tag, WireType::LengthDelimited, out);
    let start = out.len();
    out.resize(start + ROOM, 0);
    write(out);
    let length = out.len() - start - ROOM;
    let mut prefix = Vec::with_capacity(ROOM);
    encode_varint(length as u64, &mut prefix);
    out.copy_within(start + ROOM.., start + prefix.len());
    out[start..start + prefix.len()].copy_from_slice(&prefix);
    out.truncate(start + prefix.len() + length);
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

/// The descriptor builder of one file, as `options` ask.
fn builder<'a>(
    sources: &'a SourceMap,
    id: FileId,
    ast: &ast::File,
    analysis: &'a Analysis,
    options: SetOptions,
) -> build::Builder<'a> {
    let mut builder = build::Builder::new(
        sources.get(id),
        id,
        &analysis.resolved,
        analysis.options_of(id),
        ast.syntax(),
    );
    if options.retain_options {
        builder = builder.retaining(analysis.retained_options_of(id));
    }
    if options.given_json_names_only {
        builder = builder.given_json_names_only();
    }
    builder
}

/// The source-info recorder of one file, as `options` ask.
fn recorder<'a>(
    sources: &'a SourceMap,
    id: FileId,
    analysis: &'a Analysis,
    options: SetOptions,
) -> source_info::Recorder<'a> {
    source_info::Recorder::new(
        sources.get(id),
        analysis.option_destinations_of(id),
        analysis.options_of(id),
        options.retain_options,
    )
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
    let mut file = builder(sources, id, ast, analysis, options).file(ast);
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
        let detail = if options.codegen_source_info {
            source_info::Detail::ForCodegen
        } else {
            source_info::Detail::Full
        };
        file.source_code_info = Some(recorder(sources, id, analysis, options).file(ast, detail));
    }
    file
}

#[cfg(test)]
mod tests {
    use super::length_delimited;

    #[test]
    fn length_delimited_writes_the_shortest_length() {
        for len in [0, 1, 127, 128, 16_383, 16_384, 2_097_152] {
            let content: Vec<u8> = (0..len).map(|i| (i % 253) as u8).collect();
            let mut ours = vec![0xAA];
            length_delimited(&mut ours, 9, |out| out.extend_from_slice(&content));
            let mut expected = vec![0xAA];
            prost::encoding::bytes::encode(9, &content, &mut expected);
            assert_eq!(ours, expected, "content of {len} bytes");
        }
    }
}
