//! The driver: finds and reads the files of a run, then runs the stages on
//! them. It is the only part of the library that touches the file system.
//!
//! It runs the syntax stage on every file of the run, then the semantics
//! stage over all of them.

pub mod decompile;
pub mod descriptor_sets;
pub mod output;
pub mod source_tree;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use std::borrow::Cow;
use std::sync::OnceLock;

use crate::builtin;
use crate::descriptors;
use crate::diagnostics::render::{self, ErrorFormat};
use crate::diagnostics::Diagnostic;
use crate::pb;
use crate::semantics;
use crate::source::{FileId, Origin, SourceFile, SourceMap};
use crate::syntax::{self, ast};
use decompile::{RawOptions, Universe};
pub use descriptor_sets::DescriptorSets;
pub use source_tree::{Elsewhere, InputError, SourceTree};

/// What a run is asked to do.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// `-I` values, in order.
    pub include_paths: Vec<String>,
    /// Files named on the command line.
    pub inputs: Vec<String>,
    /// `--descriptor_set_in` files, in order.
    pub descriptor_sets: Vec<String>,
    /// `$PROTOC_INCLUDE`: searched after the include paths, before the
    /// built-in files. The caller reads the environment; the driver does not.
    pub protoc_include: Option<String>,
}

/// An error about the run itself rather than any file's content.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunError {
    pub code: crate::diagnostics::Code,
    /// The file it is about, when there is one.
    pub file: Option<String>,
    /// Our wording.
    pub message: String,
    /// protoc's line for the same error.
    pub protoc: String,
}

/// One parsed file.
pub struct ParsedFile {
    pub id: FileId,
    /// Its syntax tree; empty once [`Compilation::rust_code`] has freed
    /// it (the compilation's descriptor sets parse it again).
    pub ast: ast::File,
    /// Its lexical and syntax diagnostics.
    pub diagnostics: Vec<Diagnostic>,
    /// Each import statement's file, `None` when it was not found.
    pub imports: Vec<Option<FileId>>,
    /// Each import statement's kind, kept apart from the tree so that the
    /// order of a set's files is known without it.
    import_kinds: Vec<ast::ImportKind>,
    /// For a file printed from a descriptor: its options fields the text
    /// does not carry (see [`decompile`]).
    raw_options: Vec<RawOptions>,
}

/// Everything a run produced.
#[derive(Default)]
pub struct Compilation {
    pub sources: SourceMap,
    /// Every file read, indexed by `FileId`.
    pub files: Vec<ParsedFile>,
    /// The command-line files.
    pub inputs: Vec<FileId>,
    /// Every diagnostic of the run, in protoc's order.
    pub diagnostics: Vec<Diagnostic>,
    pub run_errors: Vec<RunError>,
    pub analysis: Option<semantics::Analysis>,
    /// The `--descriptor_set_in` files read.
    pub descriptor_set_paths: Vec<String>,
    /// Whether `rust_code` freed the syntax trees (see [`Self::trees`]).
    trees_released: bool,
}

impl Compilation {
    pub fn has_errors(&self) -> bool {
        !self.run_errors.is_empty() || self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// Generates the Rust code of the command-line files and their imports
    /// (as prost-build does), with warnings about features prost cannot
    /// honour, or diagnostics on the .proto names that would collide in
    /// Rust.
    ///
    /// The syntax trees are freed while the code is generated (a large
    /// file's tree is a large part of the run's memory) and parsed again
    /// from the sources when something needs them: the compilation can
    /// still build any descriptor set afterwards.
    pub fn rust_code(
        &mut self,
        config: &crate::codegen::rust::Config,
        services: crate::codegen::rust::Services<'_>,
    ) -> Result<(Vec<crate::codegen::rust::GeneratedFile>, Vec<Diagnostic>), Vec<Diagnostic>> {
        // The comments only, which is what the code is made of: on a large
        // file, every location would be a large part of the run's memory.
        // Nor json names, which prost's code does not use.
        let options = descriptors::SetOptions {
            include_imports: true,
            include_source_info: true,
            codegen_source_info: true,
            given_json_names_only: true,
            ..Default::default()
        };
        let set = self.file_descriptor_set(options);
        let mut warnings = crate::codegen::rust::feature_warnings(&set.file);
        self.release_trees();
        let mut code = crate::codegen::rust::generate_owned(set.file, config, services);
        if !warnings.is_empty() || code.is_err() {
            // Where the names are, from the full source info, built only
            // when there is something to report.
            let full = self.file_descriptor_set(descriptors::SetOptions {
                codegen_source_info: false,
                ..options
            });
            crate::codegen::rust::locate(&mut warnings, &full.file);
            if let Err(errors) = &mut code {
                crate::codegen::rust::locate(errors, &full.file);
            }
        }
        let warnings = self.codegen_diagnostics(&warnings);
        code.map(|files| (files, warnings))
            .map_err(|errors| self.codegen_diagnostics(&errors))
    }

    /// Codegen errors as diagnostics on their .proto files.
    pub fn codegen_diagnostics(
        &self,
        errors: &[crate::codegen::rust::CodegenError],
    ) -> Vec<Diagnostic> {
        errors.iter().map(|e| self.codegen_diagnostic(e)).collect()
    }

    /// A codegen error as a diagnostic on its .proto file.
    fn codegen_diagnostic(&self, error: &crate::codegen::rust::CodegenError) -> Diagnostic {
        let id = self
            .files
            .iter()
            .map(|f| f.id)
            .find(|id| self.sources.get(*id).name() == error.file);
        let span = |position: Option<(u32, u32)>| {
            let (id, (line, column)) = (id?, position?);
            let source = self.sources.get(id);
            let start = *source.line_starts().get(line as usize)?;
            // protoc's columns count a tab up to the next multiple of 8.
            let mut offset = start;
            while offset < source.len() && source.line_col(offset).column < column {
                offset += 1;
            }
            Some(crate::source::Span::point(offset))
        };
        let file = id.unwrap_or(FileId(0));
        let primary = span(error.position).unwrap_or(crate::source::Span::point(0));
        let code = match error.kind {
            crate::codegen::rust::CodegenErrorKind::NameCollision => {
                crate::diagnostics::Code::RustNameCollision
            }
            crate::codegen::rust::CodegenErrorKind::NotAnIdentifier => {
                crate::diagnostics::Code::RustNotAnIdentifier
            }
            crate::codegen::rust::CodegenErrorKind::ClosedEnum => {
                crate::diagnostics::Code::RustClosedEnum
            }
            crate::codegen::rust::CodegenErrorKind::Utf8Unchecked => {
                crate::diagnostics::Code::RustUtf8Unchecked
            }
        };
        let (mut diagnostic, label) = if error.kind.is_warning() {
            (
                Diagnostic::warning(code, file, primary, error.message.clone()),
                "generated as prost's nearest equivalent",
            )
        } else {
            (
                Diagnostic::error(code, file, primary, error.message.clone()),
                "this name",
            )
        };
        diagnostic = diagnostic.label(label).help(error.help.clone());
        if let Some(first) = span(error.first_position) {
            diagnostic = diagnostic.secondary(first, "the other name");
        }
        diagnostic
    }

    /// The disk path of every file read, command-line files, imports and
    /// descriptor sets (built-in files are not on disk): what a build
    /// script must watch.
    pub fn disk_paths(&self) -> Vec<String> {
        self.files
            .iter()
            .map(|f| self.sources.get(f.id))
            .filter(|source| *source.origin() == Origin::Text)
            .map(|source| source.display_path().to_owned())
            .chain(self.descriptor_set_paths.iter().cloned())
            .collect()
    }

    /// The encoded `FileDescriptorSet` of the command-line files, with
    /// their imports first when `include_imports` is set.
    pub fn descriptor_set(&self, include_imports: bool) -> Vec<u8> {
        self.descriptor_set_with(descriptors::SetOptions {
            include_imports,
            ..Default::default()
        })
    }

    /// The encoded `FileDescriptorSet` of the command-line files, as
    /// `options` ask.
    pub fn descriptor_set_with(&self, options: descriptors::SetOptions) -> Vec<u8> {
        match &self.analysis {
            Some(analysis) => {
                let trees = self.set_files(options);
                descriptors::encode_set(&self.sources, &borrow_trees(&trees), analysis, options)
            }
            None => Vec::new(),
        }
    }

    /// [`Compilation::descriptor_set_with`] in pieces, one per file, whose
    /// concatenation is the set: what writing it to a file needs, without
    /// joining them into a second copy.
    pub fn descriptor_set_pieces(&self, options: descriptors::SetOptions) -> Vec<Vec<u8>> {
        match &self.analysis {
            Some(analysis) => {
                let trees = self.set_files(options);
                descriptors::encode_set_pieces(
                    &self.sources,
                    &borrow_trees(&trees),
                    analysis,
                    options,
                )
            }
            None => Vec::new(),
        }
    }

    /// The `FileDescriptorSet` of the command-line files, as `options` ask.
    pub fn file_descriptor_set(
        &self,
        options: descriptors::SetOptions,
    ) -> descriptors::pb::FileDescriptorSet {
        match &self.analysis {
            Some(analysis) => {
                let trees = self.set_files(options);
                descriptors::build_set(&self.sources, &borrow_trees(&trees), analysis, options)
            }
            None => descriptors::pb::FileDescriptorSet::default(),
        }
    }

    /// The files of the descriptor set `options` ask for, in protoc's order.
    fn set_files(&self, options: descriptors::SetOptions) -> Vec<(FileId, Cow<'_, ast::File>)> {
        self.trees(self.file_order(options.include_imports))
    }

    /// The syntax trees of `ids`: the files' own, or, once `rust_code` has
    /// freed them, each parsed again from its source (parsing is a function
    /// of the text, so the tree and its spans are the same).
    fn trees(&self, ids: Vec<FileId>) -> Vec<(FileId, Cow<'_, ast::File>)> {
        if !self.trees_released {
            return ids
                .into_iter()
                .map(|id| (id, Cow::Borrowed(&self.files[id.0 as usize].ast)))
                .collect();
        }
        crate::par::map(ids, |id| {
            let tree = syntax::parse(id, self.sources.get(id).bytes()).file;
            (id, Cow::Owned(tree))
        })
    }

    /// Frees every syntax tree, on a thread of its own (nothing waits for
    /// it; if no thread can be made, they are freed here).
    fn release_trees(&mut self) {
        let trees: Vec<ast::File> = self
            .files
            .iter_mut()
            .map(|file| std::mem::replace(&mut file.ast, empty_tree()))
            .collect();
        self.trees_released = true;
        let _ = std::thread::Builder::new().spawn(move || drop(trees));
    }

    /// The command-line files in protoc's output order (each after the
    /// files it imports), with every import too when `include_imports`.
    pub fn file_order(&self, include_imports: bool) -> Vec<FileId> {
        // protoc follows a file's imports, then its `import option`s.
        let imports_of = |id: FileId| {
            let file = &self.files[id.0 as usize];
            let (options, regular): (Vec<_>, Vec<_>) = file
                .import_kinds
                .iter()
                .copied()
                .zip(&file.imports)
                .filter_map(|(kind, target)| Some((kind, (*target)?)))
                .partition(|(kind, _)| *kind == ast::ImportKind::Option);
            regular
                .into_iter()
                .chain(options)
                .map(|(_, id)| id)
                .collect()
        };
        descriptors::set_order(&self.inputs, &imports_of, include_imports)
    }
}

/// The trees of [`Compilation::trees`] as the descriptors stage takes them.
fn borrow_trees<'t>(trees: &'t [(FileId, Cow<'_, ast::File>)]) -> Vec<(FileId, &'t ast::File)> {
    trees
        .iter()
        .map(|(id, tree)| (*id, tree.as_ref()))
        .collect()
}

/// A tree of no items, in the place of a freed one.
fn empty_tree() -> ast::File {
    ast::File {
        syntax_decl: None,
        items: Vec::new(),
        span: crate::source::Span::point(0),
        tokens: crate::source::Span::point(0),
    }
}

fn input_error(input: &str, error: InputError) -> RunError {
    match error {
        InputError::NotFound => RunError {
            code: crate::diagnostics::Code::FileNotFound,
            file: Some(input.to_owned()),
            message: format!("cannot find `{input}` on disk or in any include path"),
            protoc: format!(
                "Could not make proto path relative: {input}: No such file or directory"
            ),
        },
        InputError::NotInIncludePath => RunError {
            code: crate::diagnostics::Code::FileNotInIncludePath,
            file: Some(input.to_owned()),
            message: format!(
                "`{input}` is not inside any include path; add one with `-I` that contains it \
                 (the include path must be a prefix of the file's path as written)"
            ),
            protoc: format!(
                "{input}: File does not reside within any path specified using --proto_path \
                 (or -I).  You must specify a --proto_path which encompasses this file.  Note \
                 that the proto_path must be an exact prefix of the .proto file names -- protoc \
                 is too dumb to figure out when two paths (e.g. absolute and relative) are \
                 equivalent (it's harder than you think)."
            ),
        },
        InputError::CannotOpen { reason } => RunError {
            code: crate::diagnostics::Code::CannotReadInput,
            file: Some(input.to_owned()),
            message: format!(
                "cannot read `{input}`: {}",
                reason.trim_end_matches('.').to_lowercase()
            ),
            protoc: format!("Could not map to virtual file: {input}: {reason}"),
        },
        InputError::Shadowed { by } => RunError {
            code: crate::diagnostics::Code::InputShadowed,
            file: Some(input.to_owned()),
            message: format!(
                "`{input}` is shadowed by `{by}`, which an earlier include path gives the same \
                 name; use that file, or reorder the include paths"
            ),
            protoc: format!(
                "{input}: Input is shadowed in the --proto_path by \"{by}\".  Either use the \
                 latter file as your input or reorder the --proto_path so that the former \
                 file's location comes first."
            ),
        },
    }
}

/// protoc refuses edition UNSTABLE outside its own files (those under
/// `google/protobuf/` and a few other prefixes), and says so without a
/// position.
fn unstable_edition_check(id: FileId, source: &SourceFile, file: &ast::File) -> Option<Diagnostic> {
    let decl = file.syntax_decl.as_ref()?;
    if decl.syntax != ast::Syntax::Editions(ast::Edition::Unstable) {
        return None;
    }
    const EXEMPT: [&str; 5] = [
        "google/protobuf/",
        "upb/",
        "com/google/protobuf/",
        "conformance/test_protos/",
        "test_messages_edition_unstable",
    ];
    if EXEMPT
        .iter()
        .any(|prefix| source.name().starts_with(prefix))
    {
        return None;
    }
    let mut diagnostic = Diagnostic::error(
        crate::diagnostics::Code::UnsupportedEdition,
        id,
        decl.value.span,
        "edition UNSTABLE is for protobuf's own tests",
    )
    .protoc(
        "is a file using edition UNSTABLE, which is later than the protoc maximum supported \
         edition 2024.",
    )
    .label("unstable edition")
    .help("use edition \"2023\" or \"2024\"")
    // protoc names the file by its virtual name here, not its disk path.
    .protoc_path(source.name().to_owned());
    diagnostic.protoc_offset = None;
    Some(diagnostic)
}

/// Parses one file already in memory, with the driver's own checks: what
/// [`parse_inputs`] does for each file, for callers that read files
/// themselves.
pub fn parse_source(id: FileId, source: &SourceFile) -> syntax::Parsed {
    let mut parsed = syntax::parse(id, source.bytes());
    check_parsed(id, source, &mut parsed);
    parsed
}

fn check_parsed(id: FileId, source: &SourceFile, parsed: &mut syntax::Parsed) {
    if let Some(diagnostic) = unstable_edition_check(id, source, &parsed.file) {
        parsed.diagnostics.push(diagnostic);
    }
}

/// Where a file of the run comes from.
enum Location<'s> {
    Disk(String),
    Builtin(&'static pb::FileDescriptorProto),
    /// A file of a descriptor set, and the set's path.
    Set(&'s pb::FileDescriptorProto, &'s str),
}

/// Finds the files of a run, in protoc's order: the include paths (then
/// `$PROTOC_INCLUDE`), the built-in files, the descriptor sets. With
/// descriptor sets and no include path there is no tree, and only the sets
/// are searched, as in protoc.
struct Finder<'s> {
    tree: Option<SourceTree>,
    sets: &'s DescriptorSets,
}

impl<'s> Finder<'s> {
    fn new(options: &Options, sets: &'s DescriptorSets) -> Finder<'s> {
        let set_only = options.include_paths.is_empty() && !sets.is_empty();
        Finder {
            tree: (!set_only).then(|| {
                SourceTree::new(&options.include_paths, options.protoc_include.as_deref())
            }),
            sets,
        }
    }

    /// Where the file an import names is. The include paths (and the
    /// built-in files, which protoc finds in its own include directory)
    /// open no name that is not canonical, as protoc's source tree does.
    fn find(&self, name: &str) -> Option<Location<'s>> {
        let tree = self
            .tree
            .as_ref()
            .filter(|_| crate::source::is_openable_virtual_path(name));
        if let Some(tree) = tree {
            if let Some(disk) = tree.virtual_to_disk(name) {
                return Some(Location::Disk(disk));
            }
            if let Some(file) = builtin::file(name) {
                return Some(Location::Builtin(file));
            }
        }
        let (file, set) = self.sets.get(name)?;
        Some(Location::Set(file, set))
    }

    /// A command-line file's virtual name and where it is, or why it is
    /// not, in protoc's words.
    fn input(&self, input: &str) -> Result<(String, Location<'s>), RunError> {
        let Some(tree) = &self.tree else {
            return match self.sets.get(input) {
                Some((file, set)) => Ok((input.to_owned(), Location::Set(file, set))),
                None => Err(RunError {
                    code: crate::diagnostics::Code::FileNotFound,
                    file: Some(input.to_owned()),
                    message: format!("no descriptor set has `{input}`"),
                    protoc: format!(
                        "Could not find file in descriptor database: {input}: No such file or \
                         directory"
                    ),
                }),
            };
        };
        let elsewhere = Elsewhere {
            builtin: builtin::file(input).is_some(),
            in_sets: self.sets.contains(input),
        };
        match tree.input_to_virtual(input, elsewhere) {
            Ok((name, Some(disk))) => Ok((name, Location::Disk(disk))),
            Ok((name, None)) => match self.find(&name) {
                Some(location) => Ok((name, location)),
                None => Err(input_error(input, InputError::NotFound)),
            },
            Err(error) => Err(input_error(input, error)),
        }
    }
}

/// What reading one file gives.
struct Read {
    source: SourceFile,
    parsed: Result<syntax::Parsed, RunError>,
    raw_options: Vec<RawOptions>,
}

/// Reads (or prints) and parses files in parallel, each with the names it
/// imports; ids continue from `first_id`.
fn read_and_parse<'s>(
    first_id: u32,
    files: Vec<(String, Location<'s>)>,
    universe: &(dyn Fn() -> &'s Universe<'s> + Sync),
) -> Vec<(Read, Vec<String>)> {
    let indexed: Vec<(usize, (String, Location<'s>))> = files.into_iter().enumerate().collect();
    crate::par::map(indexed, |(index, (virtual_name, location))| {
        let id = FileId(first_id + index as u32);
        let read = match location {
            Location::Disk(disk_path) => read_disk(id, virtual_name, disk_path),
            Location::Builtin(file) => print_descriptor(id, file, None, universe()),
            Location::Set(file, set) => print_descriptor(id, file, Some(set), universe()),
        };
        let imports = match &read.parsed {
            Ok(parsed) => import_names(&parsed.file).collect(),
            Err(_) => Vec::new(),
        };
        (read, imports)
    })
}

fn read_disk(id: FileId, virtual_name: String, disk_path: String) -> Read {
    match std::fs::read(source_tree::disk_path(&disk_path)) {
        Ok(bytes) => {
            let source = SourceFile::new(virtual_name, bytes).with_disk_path(disk_path);
            let parsed = parse_source(id, &source);
            Read {
                source,
                parsed: Ok(parsed),
                raw_options: Vec::new(),
            }
        }
        Err(err) => {
            // protoc reports a file it cannot read at its name, and whoever
            // imports it then sees an import that had errors.
            let protoc = if err.kind() == std::io::ErrorKind::PermissionDenied {
                format!("Read access is denied for file: {disk_path}")
            } else {
                source_tree::os_error_text(&err)
            };
            let mut diagnostic = Diagnostic::error(
                crate::diagnostics::Code::ImportNotFound,
                id,
                crate::source::Span::point(0),
                format!(
                    "cannot read `{disk_path}`: {}",
                    source_tree::os_error_text(&err)
                ),
            )
            .protoc(protoc)
            .protoc_path(virtual_name.clone())
            .label("this file");
            diagnostic.protoc_offset = None;
            let mut parsed = syntax::parse(id, b"syntax = \"proto2\";");
            parsed.diagnostics = vec![diagnostic];
            let source = SourceFile::new(virtual_name, Vec::new()).with_disk_path(disk_path);
            Read {
                source,
                parsed: Ok(parsed),
                raw_options: Vec::new(),
            }
        }
    }
}

/// A file that arrives as a descriptor: printed as text, then parsed like
/// any other.
fn print_descriptor(
    id: FileId,
    file: &pb::FileDescriptorProto,
    set: Option<&str>,
    universe: &Universe<'_>,
) -> Read {
    use prost::Message;
    let origin = Origin::Descriptor {
        set: set.map(str::to_owned),
        source_code_info: file
            .source_code_info
            .as_ref()
            .map(Message::encode_to_vec)
            .unwrap_or_default(),
    };
    let name = file.name().to_owned();
    match decompile::decompile(file, universe) {
        Ok(decompiled) => {
            let source = SourceFile::new(name, decompiled.text.into_bytes()).with_origin(origin);
            let parsed = parse_source(id, &source);
            Read {
                source,
                parsed: Ok(parsed),
                raw_options: decompiled.raw_options,
            }
        }
        Err(decompile::DecompileError(reason)) => {
            let from = set.map_or_else(|| "the built-in files".to_owned(), |s| format!("`{s}`"));
            let error = RunError {
                code: crate::diagnostics::Code::UnusableDescriptorSet,
                file: Some(name.to_owned()),
                message: format!("cannot use `{name}` from {from}: {reason}"),
                protoc: format!("{name}: {reason}"),
            };
            let source = SourceFile::new(name, Vec::new()).with_origin(origin);
            Read {
                source,
                parsed: Err(error),
                raw_options: Vec::new(),
            }
        }
    }
}

fn import_names(file: &ast::File) -> impl Iterator<Item = String> + '_ {
    file.items.iter().filter_map(|item| match item {
        ast::Item::Import(import) => Some(crate::source::file_name_from_bytes(&import.path.value)),
        _ => None,
    })
}

/// Runs the pipeline: resolves the command-line files, reads and parses
/// them and everything they import (in parallel, wave by wave), then checks
/// them all.
pub fn compile(options: &Options) -> Compilation {
    compile_with(options, semantics::Strategy::Auto)
}

/// [`compile`], with the semantics stage built as `strategy` says (every
/// strategy gives the same compilation; tests compare them).
pub fn compile_with(options: &Options, strategy: semantics::Strategy) -> Compilation {
    let mut compilation = Compilation::default();
    let sets = match DescriptorSets::load(&options.descriptor_sets) {
        Ok(sets) => sets,
        Err(error) => {
            compilation.run_errors.push(error);
            return compilation;
        }
    };
    compilation.descriptor_set_paths = sets.paths().to_vec();
    let finder = Finder::new(options, &sets);
    let universe: OnceLock<Universe<'_>> = OnceLock::new();
    let universe =
        || universe.get_or_init(|| Universe::new(builtin::files().iter().chain(sets.files())));
    let mut by_name: HashMap<String, FileId> = HashMap::default();
    let mut wave = Vec::new();
    let mut queued: HashSet<String> = HashSet::default();
    // Each input is looked for on disk, which takes a few system calls:
    // all of them at once, then taken in order.
    let found = crate::par::map_ref(&options.inputs, |input| finder.input(input));
    for found in found {
        match found {
            Ok((virtual_name, location)) => {
                if queued.insert(virtual_name.clone()) {
                    wave.push((virtual_name, location));
                }
            }
            Err(error) => compilation.run_errors.push(error),
        }
    }
    if !compilation.run_errors.is_empty() {
        return compilation;
    }
    let input_names: Vec<String> = wave.iter().map(|(name, _)| name.clone()).collect();
    // Each file's import names, by position in `compilation.files`.
    let mut import_lists: Vec<Vec<String>> = Vec::new();
    while !wave.is_empty() {
        let first_id = compilation.sources.len() as u32;
        let mut next = Vec::new();
        for (read, imports) in read_and_parse(first_id, std::mem::take(&mut wave), &universe) {
            let name = read.source.name().to_owned();
            let id = compilation.sources.add(read.source);
            by_name.insert(name, id);
            let parsed = read.parsed.unwrap_or_else(|error| {
                compilation.run_errors.push(error);
                syntax::parse(id, b"")
            });
            for import in &imports {
                if !queued.contains(import) {
                    queued.insert(import.clone());
                    if let Some(location) = finder.find(import) {
                        next.push((import.clone(), location));
                    }
                }
            }
            import_lists.push(imports);
            compilation.files.push(ParsedFile {
                id,
                imports: Vec::new(),
                import_kinds: parsed
                    .file
                    .items
                    .iter()
                    .filter_map(|item| match item {
                        ast::Item::Import(import) => Some(import.kind),
                        _ => None,
                    })
                    .collect(),
                diagnostics: parsed.diagnostics,
                ast: parsed.file,
                raw_options: read.raw_options,
            });
        }
        wave = next;
    }
    for (file, names) in compilation.files.iter_mut().zip(&import_lists) {
        file.imports = names
            .iter()
            .map(|name| by_name.get(name).copied())
            .collect();
    }
    drop(import_lists);
    compilation.inputs = input_names.iter().map(|name| by_name[name]).collect();
    let inputs: Vec<semantics::FileInput<'_>> = compilation
        .files
        .iter()
        .map(|file| semantics::FileInput {
            id: file.id,
            ast: &file.ast,
            parse_diagnostics: &file.diagnostics,
            imports: file.imports.clone(),
        })
        .collect();
    let mut analysis =
        semantics::analyze_with(&compilation.sources, &inputs, &compilation.inputs, strategy);
    drop(inputs);
    for file in &compilation.files {
        append_raw_options(&mut analysis, file.id, &file.raw_options);
    }
    compilation.diagnostics = analysis.diagnostics.clone();
    compilation.analysis = Some(analysis);
    compilation
}

/// Puts the options fields a printed descriptor could not say back after
/// the interpreted ones, as protoc re-serializes a loaded descriptor.
fn append_raw_options(analysis: &mut semantics::Analysis, file: FileId, raw: &[RawOptions]) {
    for options in raw {
        let key = (options.offset, options.target);
        analysis
            .options
            .entry(file)
            .or_default()
            .append(key, &options.bytes, ());
        let retained = analysis.retained_options.get_mut(&file);
        if let Some(retained) = retained.filter(|retained| retained.contains_key(key)) {
            retained.append(key, &options.bytes, ());
        }
    }
}

/// Prints everything a run reported, in `format`.
pub fn report(
    out: &mut dyn codespan_reporting::term::termcolor::WriteColor,
    compilation: &Compilation,
    format: ErrorFormat,
) -> std::io::Result<()> {
    for error in &compilation.run_errors {
        writeln!(
            out,
            "{}",
            render::run_error_line(
                format,
                error.code,
                error.file.as_deref(),
                &error.message,
                &error.protoc
            )
        )?;
    }
    render::emit(out, &compilation.sources, &compilation.diagnostics, format)?;
    if format == ErrorFormat::Human {
        let errors = crate::diagnostics::error_count(&compilation.diagnostics);
        if errors > 0 {
            let plural = if errors == 1 { "" } else { "s" };
            writeln!(
                out,
                "error: aborting due to {errors} previous error{plural}"
            )?;
        }
    }
    out.flush()
}
