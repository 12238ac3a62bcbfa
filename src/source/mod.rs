//! Source files as the compiler sees them: a name, the raw bytes, and the
//! mapping from byte offsets to protoc's line/column convention.
//!
//! Architecture invariant: nothing here does IO. The driver reads files and
//! hands their bytes in; every later stage addresses text by byte offset.

use std::borrow::Cow;
use std::sync::OnceLock;

/// protoc expands a tab to the next multiple of this many columns.
const TAB_WIDTH: u32 = 8;

/// Identifies a file inside a [`SourceMap`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub u32);

/// A half-open byte range into one source file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub const fn new(start: u32, end: u32) -> Span {
        Span { start, end }
    }

    /// An empty span at `offset`, used for "insert here" labels.
    pub const fn point(offset: u32) -> Span {
        Span {
            start: offset,
            end: offset,
        }
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    pub fn len(self) -> u32 {
        self.end - self.start
    }

    pub fn is_empty(self) -> bool {
        self.start == self.end
    }
}

/// A 0-based line and column in protoc's convention: lines end at `\n` only,
/// columns count bytes, and a tab advances to the next multiple of 8.
/// protoc prints both plus one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    pub line: u32,
    pub column: u32,
}

/// Where a file's text came from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Origin {
    /// `.proto` text, read from disk or handed in by a caller.
    #[default]
    Text,
    /// Printed from a `FileDescriptorProto`: one of a descriptor set given
    /// with `--descriptor_set_in` (`set` is its path), or a built-in file
    /// (`set` is `None`). `source_code_info` is the descriptor's own
    /// SourceCodeInfo, encoded (empty when it has none): a descriptor set
    /// gives it back, since the printed text has other positions.
    Descriptor {
        set: Option<String>,
        source_code_info: Vec<u8>,
    },
}

/// One source file: its name as protoc would print it, and its bytes.
pub struct SourceFile {
    name: String,
    disk_path: Option<String>,
    origin: Origin,
    contents: Contents,
    line_starts: OnceLock<Vec<u32>>,
    display: OnceLock<String>,
}

/// A file's bytes, kept as a string when they are valid UTF-8 (nearly every
/// file): the text of a span is then a slice, not a check and a copy.
enum Contents {
    Text(String),
    Bytes(Vec<u8>),
}

impl Contents {
    fn bytes(&self) -> &[u8] {
        match self {
            Contents::Text(text) => text.as_bytes(),
            Contents::Bytes(bytes) => bytes,
        }
    }
}

impl SourceFile {
    pub fn new(name: impl Into<String>, bytes: impl Into<Vec<u8>>) -> SourceFile {
        let contents = match String::from_utf8(bytes.into()) {
            Ok(text) => Contents::Text(text),
            Err(error) => Contents::Bytes(error.into_bytes()),
        };
        SourceFile {
            name: name.into(),
            disk_path: None,
            origin: Origin::Text,
            contents,
            line_starts: OnceLock::new(),
            display: OnceLock::new(),
        }
    }

    /// Records where the file was read from, when that differs from its
    /// name relative to the include path.
    pub fn with_disk_path(mut self, path: impl Into<String>) -> SourceFile {
        self.disk_path = Some(path.into());
        self
    }

    /// Records that the text was printed from a descriptor.
    pub fn with_origin(mut self, origin: Origin) -> SourceFile {
        self.origin = origin;
        self
    }

    pub fn origin(&self) -> &Origin {
        &self.origin
    }

    /// The name relative to its include path, as imports spell it.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The path diagnostics print: the file on disk, as protoc prints it.
    pub fn display_path(&self) -> &str {
        self.disk_path.as_deref().unwrap_or(&self.name)
    }

    pub fn bytes(&self) -> &[u8] {
        self.contents.bytes()
    }

    pub fn len(&self) -> u32 {
        self.bytes().len() as u32
    }

    pub fn is_empty(&self) -> bool {
        self.bytes().is_empty()
    }

    /// The bytes of `span`, clamped to the file.
    pub fn slice(&self, span: Span) -> &[u8] {
        let bytes = self.bytes();
        let end = (span.end as usize).min(bytes.len());
        let start = (span.start as usize).min(end);
        &bytes[start..end]
    }

    /// The text of `span` as UTF-8, replacing invalid sequences.
    pub fn text(&self, span: Span) -> Cow<'_, str> {
        if let Contents::Text(text) = &self.contents {
            let end = (span.end as usize).min(text.len());
            let start = (span.start as usize).min(end);
            if let Some(slice) = text.get(start..end) {
                return Cow::Borrowed(slice);
            }
        }
        String::from_utf8_lossy(self.slice(span))
    }

    /// Byte offsets at which each line starts; computed on first use, since
    /// only files with diagnostics (or source info) ever need it.
    pub fn line_starts(&self) -> &[u32] {
        self.line_starts.get_or_init(|| {
            let mut starts = vec![0u32];
            starts.extend(
                self.bytes()
                    .iter()
                    .enumerate()
                    .filter(|(_, &b)| b == b'\n')
                    .map(|(i, _)| i as u32 + 1),
            );
            starts
        })
    }

    /// The 0-based line containing `offset`.
    pub fn line_index(&self, offset: u32) -> usize {
        let starts = self.line_starts();
        match starts.binary_search(&offset) {
            Ok(line) => line,
            Err(next) => next - 1,
        }
    }

    /// protoc's line and column for a byte offset.
    pub fn line_col(&self, offset: u32) -> LineCol {
        let offset = offset.min(self.len());
        let line = self.line_index(offset);
        let start = self.line_starts()[line];
        let column = self.bytes()[start as usize..offset as usize]
            .iter()
            .fold(0u32, |col, &b| {
                if b == b'\t' {
                    col + TAB_WIDTH - col % TAB_WIDTH
                } else {
                    col + 1
                }
            });
        LineCol {
            line: line as u32,
            column,
        }
    }

    /// The file as text for rendering. Each invalid UTF-8 byte becomes one
    /// `?` so byte offsets stay valid in the rendered text.
    pub fn display_text(&self) -> &str {
        match &self.contents {
            Contents::Text(text) => text,
            Contents::Bytes(bytes) => self.display.get_or_init(|| lossy_same_length(bytes)),
        }
    }
}

/// Decode UTF-8, replacing every byte of an invalid sequence by `?`, so that
/// the result has exactly as many bytes as the input.
fn lossy_same_length(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    let mut rest = bytes;
    while !rest.is_empty() {
        match std::str::from_utf8(rest) {
            Ok(valid) => {
                out.push_str(valid);
                break;
            }
            Err(err) => {
                let (valid, after) = rest.split_at(err.valid_up_to());
                // `valid_up_to` marks a boundary that is valid UTF-8.
                out.push_str(std::str::from_utf8(valid).unwrap_or_default());
                let bad = err.error_len().unwrap_or(after.len()).max(1);
                out.extend(std::iter::repeat_n('?', bad));
                rest = &after[bad..];
            }
        }
    }
    out
}

/// All files of one compilation, addressed by [`FileId`].
#[derive(Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    pub fn new() -> SourceMap {
        SourceMap::default()
    }

    pub fn add(&mut self, file: SourceFile) -> FileId {
        self.files.push(file);
        FileId(self.files.len() as u32 - 1)
    }

    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

/// The first byte of the private-use block that stands for the bytes
/// 0x80-0xFF of a name that is not UTF-8 (U+10FF80 is byte 0x80).
pub const RAW_BYTE_BASE: u32 = 0x10FF00;

/// A file name from an import statement's bytes. protoc takes any bytes;
/// names are strings here, so a byte that is not part of valid UTF-8 is
/// kept as a private-use character, one per byte, which `compile::source_tree::disk_path`
/// turns back into that byte: the file is found on disk by its real name.
pub fn file_name_from_bytes(bytes: &[u8]) -> String {
    if let Ok(text) = std::str::from_utf8(bytes) {
        return text.to_owned();
    }
    let mut name = String::with_capacity(bytes.len() + 8);
    for chunk in bytes.utf8_chunks() {
        name.push_str(chunk.valid());
        for &byte in chunk.invalid() {
            name.extend(char::from_u32(RAW_BYTE_BASE + u32::from(byte)));
        }
    }
    name
}

/// protoc's `CanonicalizePath`: drops empty and `.` components, keeping a
/// leading and a trailing `/`.
pub fn canonicalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    if path.starts_with('/') {
        parts.push("");
    }
    parts.extend(path.split('/').filter(|p| !p.is_empty() && *p != "."));
    if path.ends_with('/') && !path.is_empty() {
        parts.push("");
    }
    parts.join("/")
}

/// Whether `path` has a `..` component.
pub fn contains_parent_reference(path: &str) -> bool {
    path == ".." || path.starts_with("../") || path.ends_with("/..") || path.contains("/../")
}

/// Whether a source tree may open `path` as a virtual name (protoc's
/// `DiskSourceTree::OpenVirtualFile`): canonical and without `..`. Files are
/// known by their names, so `./a.proto` or `x//a.proto` would be a second
/// copy of `a.proto`.
pub fn is_openable_virtual_path(path: &str) -> bool {
    path == canonicalize(path) && !contains_parent_reference(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_canonical_names_open_as_protoc_opens_them() {
        for name in [
            "a.proto",
            "a/b.proto",
            "a\\b.proto",
            "/abs/a.proto",
            "a..b.proto",
        ] {
            assert!(super::is_openable_virtual_path(name), "{name}");
        }
        for name in [
            "./a.proto",
            "a//b.proto",
            "a/./b.proto",
            "../a.proto",
            "a/../b.proto",
            "a/..",
        ] {
            assert!(!super::is_openable_virtual_path(name), "{name}");
        }
    }

    #[test]
    fn columns_expand_tabs_like_protoc() {
        let file = SourceFile::new("a.proto", "a\tb\n\t\tc");
        assert_eq!(file.line_col(0), LineCol { line: 0, column: 0 });
        assert_eq!(file.line_col(2), LineCol { line: 0, column: 8 });
        assert_eq!(
            file.line_col(6),
            LineCol {
                line: 1,
                column: 16
            }
        );
    }

    #[test]
    fn carriage_returns_do_not_end_lines() {
        let file = SourceFile::new("a.proto", "a\rb\r\nc");
        assert_eq!(file.line_col(2), LineCol { line: 0, column: 2 });
        assert_eq!(file.line_col(5), LineCol { line: 1, column: 0 });
    }

    #[test]
    fn invalid_utf8_keeps_offsets_when_displayed() {
        let file = SourceFile::new("a.proto", b"ab\xffcd\xe2\x82".to_vec());
        assert_eq!(file.display_text(), "ab?cd??");
    }
}
