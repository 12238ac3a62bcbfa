//! The one diagnostic model every stage reports through.
//!
//! A [`Diagnostic`] carries two wordings: our own message, labels, notes and
//! help for people (`--error-format=human`), and protoc's exact message and
//! position for scripts that parse protoc's output (`--error-format=protoc`).
//!
//! Architecture invariant: stages build diagnostics; only [`render`] turns
//! them into text. No stage prints.

mod clip;
mod codes;
pub mod render;

pub use codes::Code;

use crate::source::{FileId, Span};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Warning,
    Error,
}

/// A span in a file with a short message, e.g. "expected `;` here".
#[derive(Clone, Debug, PartialEq)]
pub struct Label {
    pub file: FileId,
    pub span: Span,
    pub message: String,
}

/// A machine-applicable fix: replace `span` with `replacement`.
#[derive(Clone, Debug, PartialEq)]
pub struct Fix {
    pub span: Span,
    pub replacement: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    /// Our message, in rustc style: lower case, no final period.
    pub message: String,
    pub primary: Label,
    pub secondary: Vec<Label>,
    pub notes: Vec<String>,
    pub help: Option<String>,
    pub fix: Option<Fix>,
    /// protoc's wording for this error, printed by `--error-format=protoc`.
    pub protoc_message: String,
    /// The byte offset protoc reports the error at; its line and column may
    /// differ from the primary label's (protoc names the token after a
    /// missing `;`, we label the place the `;` belongs).
    /// `None` for the few errors protoc prints without a position.
    pub protoc_offset: Option<u32>,
    /// The path protoc prints when it is not the primary label's file
    /// (protoc names a missing import itself: `b.proto: File not found.`).
    pub protoc_path: Option<String>,
    /// A real error protoc stops before reaching (the second error of one
    /// option list: protoc interprets no more of a list after its first
    /// failure). Human and JSON output show it; protoc's format, which
    /// prints protoc's lines exactly, leaves it out.
    pub beyond_protoc: bool,
}

impl Diagnostic {
    /// An error whose protoc position is the start of `span`.
    pub fn error(code: Code, file: FileId, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(Severity::Error, code, file, span, message)
    }

    pub fn warning(code: Code, file: FileId, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(Severity::Warning, code, file, span, message)
    }

    fn new(
        severity: Severity,
        code: Code,
        file: FileId,
        span: Span,
        message: impl Into<String>,
    ) -> Diagnostic {
        let message = message.into();
        Diagnostic {
            code,
            severity,
            protoc_message: message.clone(),
            message,
            primary: Label {
                file,
                span,
                message: String::new(),
            },
            secondary: Vec::new(),
            notes: Vec::new(),
            help: None,
            fix: None,
            protoc_offset: Some(span.start),
            protoc_path: None,
            beyond_protoc: false,
        }
    }

    pub fn file(&self) -> FileId {
        self.primary.file
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Sets protoc's wording of this diagnostic.
    pub fn protoc(mut self, message: impl Into<String>) -> Diagnostic {
        self.protoc_message = message.into();
        self
    }

    /// Sets the file protoc names for this diagnostic.
    pub fn protoc_path(mut self, path: impl Into<String>) -> Diagnostic {
        self.protoc_path = Some(path.into());
        self
    }

    /// Sets where protoc reports this diagnostic.
    pub fn protoc_at(mut self, offset: u32) -> Diagnostic {
        self.protoc_offset = Some(offset);
        self
    }

    /// protoc stops before this diagnostic (see [`Diagnostic::beyond_protoc`]).
    pub fn beyond_protoc(mut self) -> Diagnostic {
        self.beyond_protoc = true;
        self
    }

    /// protoc prints this diagnostic without a line and column.
    pub fn protoc_unpositioned(mut self) -> Diagnostic {
        self.protoc_offset = None;
        self
    }

    pub fn label(mut self, message: impl Into<String>) -> Diagnostic {
        self.primary.message = message.into();
        self
    }

    pub fn secondary(mut self, span: Span, message: impl Into<String>) -> Diagnostic {
        self.secondary.push(Label {
            file: self.primary.file,
            span,
            message: message.into(),
        });
        self
    }

    pub fn note(mut self, note: impl Into<String>) -> Diagnostic {
        self.notes.push(note.into());
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    pub fn fix(mut self, span: Span, replacement: impl Into<String>) -> Diagnostic {
        self.fix = Some(Fix {
            span,
            replacement: replacement.into(),
        });
        self
    }
}

/// Counts of what a run reported.
pub fn error_count(diagnostics: &[Diagnostic]) -> usize {
    diagnostics.iter().filter(|d| d.is_error()).count()
}
