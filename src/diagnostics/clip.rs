//! Long source lines, clipped for the human format. codespan-reporting
//! prints every labelled line whole, so a diagnostic on a 400 KB line was
//! 400 KB of output, and twenty of them 8 MB. A line longer than
//! [`LONG_LINE`] bytes is shown as a window around its labels instead,
//! `...` marking what is cut, with the labels moved into the window and
//! line and column numbers still the file's own.
//!
//! The clipped view is a small [`Files`] of its own: the labelled lines of
//! each file (clipped or not), one after another, with the original line
//! numbers and columns reported for them.

use std::collections::BTreeMap;
use std::ops::Range;

use codespan_reporting::files::{Error as FilesError, Files};

use crate::source::{FileId, SourceMap};

/// Lines longer than this (in bytes, without the line end) are clipped.
pub(super) const LONG_LINE: usize = 240;
/// How much of a clipped line is kept before its first label and after
/// its last.
const CONTEXT: usize = 60;
/// The most of one label a clipped line shows.
const LABEL_MAX: usize = 120;
const CUT: &str = "...";

/// One labelled line as the view shows it.
struct ShownLine {
    /// Its index in the original file.
    original: usize,
    /// The original byte range shown.
    window: Range<usize>,
    /// Where the line starts in the view's text.
    start: usize,
    /// The bytes of `CUT` in front of the window (0 when nothing is cut).
    prefix: usize,
}

/// The labelled lines of one file.
struct FileView {
    name: String,
    text: String,
    lines: Vec<ShownLine>,
}

/// The files of one diagnostic, each reduced to its labelled lines.
pub(super) struct ClippedFiles<'s> {
    sources: &'s SourceMap,
    files: BTreeMap<FileId, FileView>,
}

/// The byte range of line `index` of `text` (line starts given), without
/// its line end.
/// (Line starts count the file's bytes; the text shown may differ where
/// the file is not UTF-8, so every offset is kept on a character.)
fn line_bounds(text: &str, starts: &[u32], index: usize) -> Range<usize> {
    let start = floor_char(text, starts.get(index).map_or(text.len(), |&s| s as usize));
    let end = floor_char(
        text,
        starts
            .get(index + 1)
            .map_or(text.len(), |&next| next as usize),
    )
    .max(start);
    let line = &text[start..end];
    let trimmed = line.strip_suffix('\n').unwrap_or(line);
    let trimmed = trimmed.strip_suffix('\r').unwrap_or(trimmed);
    start..start + trimmed.len()
}

fn floor_char(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn ceil_char(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at += 1;
    }
    at
}

impl<'s> ClippedFiles<'s> {
    /// Whether any of `labels` (file, byte range) touches a long line.
    pub(super) fn needed(sources: &SourceMap, labels: &[(FileId, Range<usize>)]) -> bool {
        labels.iter().any(|(file, range)| {
            let source = sources.get(*file);
            let text = source.display_text();
            let starts = source.line_starts();
            [range.start, range.end].iter().any(|&at| {
                let line = line_bounds(text, starts, source.line_index(at as u32));
                line.len() > LONG_LINE
            })
        })
    }

    /// The view of the lines `labels` touch.
    pub(super) fn new(
        sources: &'s SourceMap,
        labels: &[(FileId, Range<usize>)],
    ) -> ClippedFiles<'s> {
        // For each file and line: the part of the line each label covers.
        let mut touched: BTreeMap<FileId, BTreeMap<usize, Vec<Range<usize>>>> = BTreeMap::new();
        for (file, range) in labels {
            let source = sources.get(*file);
            let text = source.display_text();
            let starts = source.line_starts();
            let first = source.line_index(range.start as u32);
            let last = source.line_index(range.end as u32);
            for line in [first, last] {
                let bounds = line_bounds(text, starts, line);
                let covered = range.start.clamp(bounds.start, bounds.end)
                    ..range.end.clamp(bounds.start, bounds.end);
                touched
                    .entry(*file)
                    .or_default()
                    .entry(line)
                    .or_default()
                    .push(covered);
            }
        }
        let files = touched
            .into_iter()
            .map(|(file, lines)| (file, view_of(sources, file, &lines)))
            .collect();
        ClippedFiles { sources, files }
    }

    /// A label's range in the view.
    pub(super) fn map(&self, file: FileId, range: &Range<usize>) -> Range<usize> {
        let Some(view) = self.files.get(&file) else {
            return range.clone();
        };
        let source = self.sources.get(file);
        let text = source.display_text();
        let range = floor_char(text, range.start)..ceil_char(text, range.end);
        // Each end goes in the window of its line that holds it (the
        // label's start decides for both ends on one line, so that a label
        // is never split across windows).
        let place = |at: usize, anchor: usize| {
            let line = source.line_index(at as u32);
            let mut shown = view.lines.iter().filter(|l| l.original == line);
            let first = shown.clone().next();
            shown
                .find(|l| l.window.start <= anchor && anchor <= l.window.end)
                .or(first)
                .map_or(0, |l| {
                    let inside = at.clamp(l.window.start, l.window.end);
                    l.start + l.prefix + (inside - l.window.start)
                })
        };
        let start = place(range.start, range.start);
        let same_line =
            source.line_index(range.start as u32) == source.line_index(range.end as u32);
        let end_anchor = if same_line { range.start } else { range.end };
        start..place(range.end, end_anchor).max(start)
    }

    fn view(&self, file: FileId) -> Result<&FileView, FilesError> {
        self.files.get(&file).ok_or(FilesError::FileMissing)
    }
}

/// What to show of a line: all of it when it is short; else a window
/// around each group of labels (labels far apart get windows of their
/// own, shown as lines with the same number), each label cut to
/// `LABEL_MAX`.
fn windows(text: &str, bounds: &Range<usize>, covered: &[Range<usize>]) -> Vec<Range<usize>> {
    if bounds.len() <= LONG_LINE {
        return vec![bounds.clone()];
    }
    let mut parts: Vec<Range<usize>> = covered
        .iter()
        .map(|r| r.start..r.end.min(r.start + LABEL_MAX))
        .collect();
    parts.sort_by_key(|r| r.start);
    let mut groups: Vec<Range<usize>> = Vec::new();
    for part in parts {
        match groups.last_mut() {
            Some(group) if part.start <= group.end + 2 * CONTEXT => {
                group.end = group.end.max(part.end)
            }
            _ => groups.push(part),
        }
    }
    groups
        .into_iter()
        .map(|group| {
            floor_char(text, group.start.saturating_sub(CONTEXT).max(bounds.start))
                ..ceil_char(text, (group.end + CONTEXT).min(bounds.end))
        })
        .collect()
}

/// The view's text and lines for one file.
fn view_of(
    sources: &SourceMap,
    file: FileId,
    lines: &BTreeMap<usize, Vec<Range<usize>>>,
) -> FileView {
    let source = sources.get(file);
    let text = source.display_text();
    let starts = source.line_starts();
    let mut view = FileView {
        name: source.display_path().to_owned(),
        text: String::new(),
        lines: Vec::new(),
    };
    for (&line, covered) in lines {
        let bounds = line_bounds(text, starts, line);
        for window in windows(text, &bounds, covered) {
            let prefix = if window.start > bounds.start {
                CUT.len()
            } else {
                0
            };
            let start = view.text.len();
            if prefix > 0 {
                view.text.push_str(CUT);
            }
            view.text.push_str(&text[window.clone()]);
            if window.end < bounds.end {
                view.text.push_str(CUT);
            }
            view.text.push('\n');
            view.lines.push(ShownLine {
                original: line,
                window,
                start,
                prefix,
            });
        }
    }
    view
}

impl<'a> Files<'a> for ClippedFiles<'_> {
    type FileId = FileId;
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, id: FileId) -> Result<&'a str, FilesError> {
        Ok(&self.view(id)?.name)
    }

    fn source(&'a self, id: FileId) -> Result<&'a str, FilesError> {
        Ok(&self.view(id)?.text)
    }

    fn line_index(&'a self, id: FileId, byte_index: usize) -> Result<usize, FilesError> {
        let view = self.view(id)?;
        Ok(view
            .lines
            .iter()
            .rposition(|l| l.start <= byte_index)
            .unwrap_or(0))
    }

    fn line_range(&'a self, id: FileId, line_index: usize) -> Result<Range<usize>, FilesError> {
        let view = self.view(id)?;
        let line = view.lines.get(line_index).ok_or(FilesError::LineTooLarge {
            given: line_index,
            max: view.lines.len().saturating_sub(1),
        })?;
        let end = view
            .lines
            .get(line_index + 1)
            .map_or(view.text.len(), |next| next.start);
        Ok(line.start..end)
    }

    /// The file's own line number.
    fn line_number(&'a self, id: FileId, line_index: usize) -> Result<usize, FilesError> {
        let view = self.view(id)?;
        Ok(view
            .lines
            .get(line_index)
            .map_or(line_index, |l| l.original)
            + 1)
    }

    /// The file's own column (in characters, as codespan counts them).
    fn column_number(
        &'a self,
        id: FileId,
        line_index: usize,
        byte_index: usize,
    ) -> Result<usize, FilesError> {
        let view = self.view(id)?;
        let Some(line) = view.lines.get(line_index) else {
            return Ok(1);
        };
        let source = self.sources.get(id);
        let text = source.display_text();
        let bounds = line_bounds(text, source.line_starts(), line.original);
        let inside = byte_index.saturating_sub(line.start + line.prefix);
        let original = ceil_char(text, (line.window.start + inside).min(line.window.end));
        Ok(text[bounds.start..original.max(bounds.start)]
            .chars()
            .count()
            + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;

    fn view(
        text: &str,
        labels: &[Range<usize>],
    ) -> (SourceMap, FileId, Vec<(FileId, Range<usize>)>) {
        let mut sources = SourceMap::new();
        let id = sources.add(SourceFile::new("x.proto", text.as_bytes().to_vec()));
        let labels = labels.iter().map(|r| (id, r.clone())).collect();
        (sources, id, labels)
    }

    #[test]
    fn a_long_line_is_cut_around_its_label_keeping_its_column() {
        let text = format!("a\n{}LABEL{}\nz\n", "é".repeat(500), "x".repeat(500));
        let at = text.find("LABEL").unwrap_or_default();
        let (sources, id, labels) = view(
            &text,
            &[Range {
                start: at,
                end: at + 5,
            }],
        );
        assert!(ClippedFiles::needed(&sources, &labels));
        let files = ClippedFiles::new(&sources, &labels);
        let mapped = files.map(id, &labels[0].1);
        let shown = files.source(id).unwrap_or_default();
        assert_eq!(&shown[mapped.clone()], "LABEL");
        assert!(
            shown.starts_with("...") && shown.ends_with("...\n"),
            "{shown}"
        );
        assert!(shown.len() < 2 * (CONTEXT + LABEL_MAX), "{}", shown.len());
        let line = files.line_index(id, mapped.start).unwrap_or(9);
        assert_eq!(files.line_number(id, line).ok(), Some(2));
        // 500 characters before it on its line.
        assert_eq!(files.column_number(id, line, mapped.start).ok(), Some(501));
    }

    #[test]
    fn short_lines_are_not_clipped() {
        let text = "message M {\n  strng x = 1;\n}\n";
        let at = text.find("strng").unwrap_or_default();
        let (sources, _, labels) = view(
            text,
            &[Range {
                start: at,
                end: at + 5,
            }],
        );
        assert!(!ClippedFiles::needed(&sources, &labels));
    }

    #[test]
    fn labels_anywhere_in_multibyte_text_never_split_a_character() {
        let text = format!("{}\n", "ü".repeat(400));
        let (sources, id, labels) = view(&text, &[1..3, 301..9001, 799..800]);
        let files = ClippedFiles::new(&sources, &labels);
        let shown = files.source(id).unwrap_or_default().to_owned();
        for (_, range) in &labels {
            let mapped = files.map(id, range);
            assert!(shown.is_char_boundary(mapped.start) && shown.is_char_boundary(mapped.end));
        }
    }
}
