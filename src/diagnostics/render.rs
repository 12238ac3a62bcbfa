//! Turning diagnostics into text: `human` (codespan-reporting), `protoc`
//! (protoc's own `file:line:col: message` lines) and `json` (one object per
//! line).

use std::io;
use std::ops::Range;

use codespan_reporting::diagnostic as cs;
use codespan_reporting::files::{Error as FilesError, Files};
use codespan_reporting::term::{self, termcolor::WriteColor};

use super::clip::ClippedFiles;
use super::{Diagnostic, Label, Severity};
use crate::source::{FileId, SourceMap, Span};

/// The `--error-format` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum ErrorFormat {
    /// Rich diagnostics with source snippets, labels, notes and help.
    #[default]
    Human,
    /// protoc's `file:line:col: message` lines.
    Protoc,
    /// One JSON object per diagnostic, one per line.
    Json,
}

/// Writes `diagnostics` in `format`. `color` only affects `human`.
pub fn emit(
    out: &mut dyn WriteColor,
    sources: &SourceMap,
    diagnostics: &[Diagnostic],
    format: ErrorFormat,
) -> io::Result<()> {
    for diagnostic in diagnostics {
        match format {
            ErrorFormat::Human => emit_human(out, sources, diagnostic)?,
            ErrorFormat::Protoc if diagnostic.beyond_protoc => {}
            ErrorFormat::Protoc => writeln!(out, "{}", protoc_line(sources, diagnostic))?,
            ErrorFormat::Json => writeln!(out, "{}", json_line(sources, diagnostic))?,
        }
    }
    Ok(())
}

/// Renders diagnostics without colour, as the snapshot tests see them.
pub fn to_plain_string(
    sources: &SourceMap,
    diagnostics: &[Diagnostic],
    format: ErrorFormat,
) -> String {
    let mut buffer = term::termcolor::NoColor::new(Vec::new());
    // Writing into memory cannot fail.
    let _ = emit(&mut buffer, sources, diagnostics, format);
    String::from_utf8_lossy(&buffer.into_inner()).into_owned()
}

/// protoc's line for a diagnostic: `path:line:col: message`, with
/// `warning: ` before the message of a warning.
pub fn protoc_line(sources: &SourceMap, diagnostic: &Diagnostic) -> String {
    let file = sources.get(diagnostic.file());
    let position = diagnostic.protoc_offset.map_or(String::new(), |offset| {
        let pos = file.line_col(offset);
        format!(":{}:{}", pos.line + 1, pos.column + 1)
    });
    let kind = match diagnostic.severity {
        Severity::Warning => "warning: ",
        Severity::Error => "",
    };
    let path = diagnostic
        .protoc_path
        .as_deref()
        .unwrap_or_else(|| file.display_path());
    format!(
        "{}{}: {}{}",
        path, position, kind, diagnostic.protoc_message
    )
}

fn emit_human(
    out: &mut dyn WriteColor,
    sources: &SourceMap,
    diagnostic: &Diagnostic,
) -> io::Result<()> {
    let config = term::Config::default();
    let mut rendered = to_codespan(sources, diagnostic);
    let labels: Vec<(FileId, Range<usize>)> = rendered
        .labels
        .iter()
        .map(|label| (label.file_id, label.range.clone()))
        .collect();
    let written = if ClippedFiles::needed(sources, &labels) {
        let files = ClippedFiles::new(sources, &labels);
        for label in &mut rendered.labels {
            label.range = files.map(label.file_id, &label.range);
        }
        term::emit_to_write_style(out, &config, &files, &rendered)
    } else {
        term::emit_to_write_style(out, &config, &CodespanFiles(sources), &rendered)
    };
    written.map_err(|err| match err {
        FilesError::Io(err) => err,
        other => io::Error::other(other.to_string()),
    })
}

fn to_codespan(sources: &SourceMap, diagnostic: &Diagnostic) -> cs::Diagnostic<FileId> {
    let severity = match diagnostic.severity {
        Severity::Warning => cs::Severity::Warning,
        Severity::Error => cs::Severity::Error,
    };
    let mut labels = vec![to_label(
        sources,
        cs::LabelStyle::Primary,
        &diagnostic.primary,
    )];
    labels.extend(
        diagnostic
            .secondary
            .iter()
            .map(|label| to_label(sources, cs::LabelStyle::Secondary, label)),
    );
    let mut notes: Vec<String> = diagnostic
        .notes
        .iter()
        .map(|note| format!("note: {note}"))
        .collect();
    if let Some(help) = &diagnostic.help {
        notes.push(format!("help: {help}"));
    }
    cs::Diagnostic::new(severity)
        .with_code(diagnostic.code.as_str())
        .with_message(&diagnostic.message)
        .with_labels(labels)
        .with_notes(notes)
}

fn to_label(sources: &SourceMap, style: cs::LabelStyle, label: &Label) -> cs::Label<FileId> {
    let text = sources.get(label.file).display_text();
    cs::Label::new(style, label.file, char_aligned(text, label.span)).with_message(&label.message)
}

/// Widens `span` to UTF-8 character boundaries, so that rendering never
/// slices a character in half.
fn char_aligned(text: &str, span: Span) -> Range<usize> {
    let mut start = (span.start as usize).min(text.len());
    let mut end = (span.end as usize).clamp(start, text.len());
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    while !text.is_char_boundary(end) {
        end += 1;
    }
    start..end
}

/// codespan-reporting's view of our source map.
struct CodespanFiles<'a>(&'a SourceMap);

impl<'a> Files<'a> for CodespanFiles<'a> {
    type FileId = FileId;
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, id: FileId) -> Result<&'a str, FilesError> {
        Ok(self.0.get(id).display_path())
    }

    fn source(&'a self, id: FileId) -> Result<&'a str, FilesError> {
        Ok(self.0.get(id).display_text())
    }

    fn line_index(&'a self, id: FileId, byte_index: usize) -> Result<usize, FilesError> {
        Ok(self.0.get(id).line_index(byte_index as u32))
    }

    fn line_range(&'a self, id: FileId, line_index: usize) -> Result<Range<usize>, FilesError> {
        let file = self.0.get(id);
        let starts = file.line_starts();
        let start = *starts.get(line_index).ok_or(FilesError::LineTooLarge {
            given: line_index,
            max: starts.len() - 1,
        })? as usize;
        let end = starts
            .get(line_index + 1)
            .map_or(file.len() as usize, |&next| next as usize);
        Ok(start..end)
    }
}

/// A JSON string literal.
fn json_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// An error about the run rather than a place in a file (a missing input,
/// an unwritable output, a failed generator), in `format`: our words after
/// `error: `, one JSON object shaped like a diagnostic's (no position, no
/// labels), or protoc's line.
pub fn run_error_line(
    format: ErrorFormat,
    code: super::Code,
    file: Option<&str>,
    message: &str,
    protoc: &str,
) -> String {
    match format {
        ErrorFormat::Human => format!("error: {message}"),
        ErrorFormat::Protoc => protoc.to_owned(),
        ErrorFormat::Json => format!(
            "{{\"code\":{},\"severity\":\"error\",\"message\":{},\"file\":{},\"line\":null,\"column\":null,\"end\":null,\"labels\":[],\"notes\":[],\"help\":null,\"protoc\":{}}}",
            json_string(code.as_str()),
            json_string(message),
            file.map_or_else(|| "null".to_owned(), json_string),
            json_string(protoc)
        ),
    }
}

/// A label as a JSON object; positions are 1-based, as protoc's.
fn json_label(sources: &SourceMap, label: &Label) -> (String, [u32; 4], String) {
    let file = sources.get(label.file);
    let start = file.line_col(label.span.start);
    let end = file.line_col(label.span.end);
    let position = [
        start.line + 1,
        start.column + 1,
        end.line + 1,
        end.column + 1,
    ];
    let object = format!(
        "{{\"file\":{},\"line\":{},\"column\":{},\"end_line\":{},\"end_column\":{},\"message\":{}}}",
        json_string(file.display_path()),
        position[0],
        position[1],
        position[2],
        position[3],
        json_string(&label.message)
    );
    (file.display_path().to_owned(), position, object)
}

/// One diagnostic as a JSON object; positions are 1-based, as protoc's.
pub fn json_line(sources: &SourceMap, diagnostic: &Diagnostic) -> String {
    let (file, position, primary) = json_label(sources, &diagnostic.primary);
    let mut labels = vec![primary];
    labels.extend(
        diagnostic
            .secondary
            .iter()
            .map(|l| json_label(sources, l).2),
    );
    let notes: Vec<String> = diagnostic.notes.iter().map(|n| json_string(n)).collect();
    let severity = match diagnostic.severity {
        Severity::Warning => "warning",
        Severity::Error => "error",
    };
    format!(
        "{{\"code\":{},\"severity\":{},\"message\":{},\"file\":{},\"line\":{},\"column\":{},\"end\":{{\"line\":{},\"column\":{}}},\"labels\":[{}],\"notes\":[{}],\"help\":{},\"protoc\":{}}}",
        json_string(diagnostic.code.as_str()),
        json_string(severity),
        json_string(&diagnostic.message),
        json_string(&file),
        position[0],
        position[1],
        position[2],
        position[3],
        labels.join(","),
        notes.join(","),
        diagnostic.help.as_deref().map_or("null".to_owned(), json_string),
        json_string(&protoc_line(sources, diagnostic))
    )
}
