//! The library's way to descriptors: `.proto` files in, a
//! `FileDescriptorSet` out (as encoded bytes and as `prost_types`), with
//! every diagnostic as a value. What prost-reflect and similar users need.

use std::fmt;
use std::path::Path;

use prost::Message;

use crate::compile::{self, Compilation};
use crate::descriptors::SetOptions;
use crate::diagnostics::{self, render};

/// How bad a [`Diagnostic`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    Warning,
    Error,
}

/// One problem found in the `.proto` files (or in how they were named).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// The stable code (`E3006`), documented in `docs/diagnostics.md`;
    /// empty for problems with the run itself (a file that cannot be
    /// found).
    pub code: &'static str,
    /// protoc-rs's wording.
    pub message: String,
    /// The file it is in, as protoc prints it (empty when none).
    pub file: String,
    /// 1-based line and column, protoc's convention, when it has a place.
    pub line: Option<u32>,
    pub column: Option<u32>,
    /// How protoc 35 prints the same problem.
    pub protoc: String,
    /// The diagnostic rendered as protoc-rs prints it (source snippet,
    /// labels, notes, help), without colour.
    pub rendered: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.rendered.trim_end())
    }
}

/// The `.proto` files had errors: every diagnostic of the run, errors and
/// warnings, in protoc's order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    diagnostics: Vec<Diagnostic>,
}

impl Error {
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let errors: Vec<&Diagnostic> = self
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .collect();
        match errors.first() {
            Some(first) if errors.len() == 1 => write!(f, "{}", first.protoc),
            Some(first) => write!(f, "{} (and {} more errors)", first.protoc, errors.len() - 1),
            None => f.write_str("the .proto files have errors"),
        }
    }
}

impl std::error::Error for Error {}

/// A compiled set: its encoding, and the warnings of the run.
#[derive(Clone, Debug, PartialEq)]
pub struct Compiled {
    bytes: Vec<u8>,
    warnings: Vec<Diagnostic>,
}

impl Compiled {
    /// The encoded `FileDescriptorSet`, as protoc's `-o` writes it.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    pub fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }

    /// The set as prost-types has it.
    pub fn file_descriptor_set(&self) -> prost_types::FileDescriptorSet {
        // Bytes this crate encoded always decode.
        prost_types::FileDescriptorSet::decode(self.bytes.as_slice()).unwrap_or_default()
    }

    pub fn warnings(&self) -> &[Diagnostic] {
        &self.warnings
    }
}

/// Compiles `.proto` files into a descriptor set, as protoc does.
///
/// ```
/// let dir = std::env::temp_dir().join(format!("protoc-rs-doc-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// std::fs::write(
///     dir.join("shop.proto"),
///     "syntax = \"proto3\";\npackage shop;\n\
///      import \"google/protobuf/timestamp.proto\";\n\
///      message Order { string id = 1; google.protobuf.Timestamp at = 2; }\n",
/// )
/// .unwrap();
/// let compiled = protoc_rs::Compiler::new([&dir])
///     .include_source_info(false)
///     .compile(["shop.proto"])
///     .unwrap();
/// let set = compiled.file_descriptor_set();
/// let names: Vec<&str> = set.file.iter().map(|f| f.name()).collect();
/// assert_eq!(names, ["google/protobuf/timestamp.proto", "shop.proto"]);
/// assert!(compiled.warnings().is_empty());
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
#[derive(Clone, Debug)]
pub struct Compiler {
    includes: Vec<String>,
    descriptor_sets: Vec<String>,
    include_imports: bool,
    include_source_info: bool,
    retain_options: bool,
}

impl Compiler {
    /// A compiler that searches `includes` for imports, in order (then
    /// `$PROTOC_INCLUDE`, then the built-in `google/protobuf` files). Imports and source info are
    /// included by default.
    pub fn new<I, P>(includes: I) -> Compiler
    where
        I: IntoIterator<Item = P>,
        P: AsRef<Path>,
    {
        Compiler {
            includes: includes
                .into_iter()
                .map(|p| p.as_ref().to_string_lossy().into_owned())
                .collect(),
            descriptor_sets: Vec::new(),
            include_imports: true,
            include_source_info: true,
            retain_options: false,
        }
    }

    /// Put every imported file in the set (protoc's `--include_imports`).
    pub fn include_imports(mut self, yes: bool) -> Self {
        self.include_imports = yes;
        self
    }

    /// Keep positions and comments (protoc's `--include_source_info`).
    pub fn include_source_info(mut self, yes: bool) -> Self {
        self.include_source_info = yes;
        self
    }

    /// Keep options with source retention (protoc's `--retain_options`).
    pub fn retain_options(mut self, yes: bool) -> Self {
        self.retain_options = yes;
        self
    }

    /// Also take files from this encoded `FileDescriptorSet`, after the
    /// include paths (protoc's `--descriptor_set_in`).
    pub fn descriptor_set_in(mut self, path: impl AsRef<Path>) -> Self {
        self.descriptor_sets
            .push(path.as_ref().to_string_lossy().into_owned());
        self
    }

    /// Compiles `files` (named as on protoc's command line: paths under an
    /// include path, or names relative to one).
    pub fn compile<I, P>(&self, files: I) -> Result<Compiled, Error>
    where
        I: IntoIterator<Item = P>,
        P: AsRef<Path>,
    {
        let compilation = compile::compile(&compile::Options {
            include_paths: self.includes.clone(),
            inputs: files
                .into_iter()
                .map(|p| p.as_ref().to_string_lossy().into_owned())
                .collect(),
            descriptor_sets: self.descriptor_sets.clone(),
            protoc_include: std::env::var("PROTOC_INCLUDE").ok(),
        });
        let diagnostics = diagnostics_of(&compilation);
        if compilation.has_errors() {
            return Err(Error { diagnostics });
        }
        let bytes = compilation.descriptor_set_with(SetOptions {
            include_imports: self.include_imports,
            include_source_info: self.include_source_info,
            retain_options: self.retain_options,
            given_json_names_only: false,
            codegen_source_info: false,
        });
        Ok(Compiled {
            bytes,
            warnings: diagnostics,
        })
    }
}

/// Compiles `files` with `includes` as include paths: the descriptor set
/// with every import and source info, as `protoc --include_imports
/// --include_source_info -o` writes it.
///
/// ```
/// let dir = std::env::temp_dir().join(format!("protoc-rs-compile-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// std::fs::write(dir.join("bad.proto"), "syntax = \"proto3\";\nmessage M { Nope n = 1; }\n")
///     .unwrap();
/// let error = protoc_rs::compile([dir.join("bad.proto")], [&dir]).unwrap_err();
/// let first = &error.diagnostics()[0];
/// assert_eq!((first.code, first.line, first.column), ("E3006", Some(2), Some(13)));
/// assert!(first.protoc.ends_with("bad.proto:2:13: \"Nope\" is not defined."));
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
pub fn compile<F, I, P, Q>(files: F, includes: I) -> Result<Compiled, Error>
where
    F: IntoIterator<Item = P>,
    P: AsRef<Path>,
    I: IntoIterator<Item = Q>,
    Q: AsRef<Path>,
{
    Compiler::new(includes).compile(files)
}

/// The run's problems as values.
fn diagnostics_of(compilation: &Compilation) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = compilation
        .run_errors
        .iter()
        .map(|error| Diagnostic {
            severity: Severity::Error,
            code: "",
            message: error.message.clone(),
            file: String::new(),
            line: None,
            column: None,
            protoc: error.protoc.clone(),
            rendered: format!("error: {}\n", error.message),
        })
        .collect();
    for diagnostic in &compilation.diagnostics {
        let source = compilation.sources.get(diagnostic.file());
        let position = diagnostic
            .protoc_offset
            .map(|offset| source.line_col(offset));
        out.push(Diagnostic {
            severity: match diagnostic.severity {
                diagnostics::Severity::Warning => Severity::Warning,
                diagnostics::Severity::Error => Severity::Error,
            },
            code: diagnostic.code.as_str(),
            message: diagnostic.message.clone(),
            file: source.display_path().to_owned(),
            line: position.map(|p| p.line + 1),
            column: position.map(|p| p.column + 1),
            protoc: render::protoc_line(&compilation.sources, diagnostic),
            rendered: render::to_plain_string(
                &compilation.sources,
                std::slice::from_ref(diagnostic),
                render::ErrorFormat::Human,
            ),
        });
    }
    out
}
