//! The semantics stage: imports, symbols, name resolution and validation
//! over the syntax trees of a run.
//!
//! Files are checked in the order protoc builds them: depth-first from each
//! command-line file, imports before importers. That order decides which
//! of two conflicting definitions is reported and in what order errors
//! come, so it is part of the behaviour, not an implementation detail.
//!
//! Architecture invariant: no IO. The driver has already read every file
//! and resolved each import to a file (or to nothing).

mod check;
pub mod options;
pub mod resolve;
pub mod shape;
pub mod symbols;
pub mod types;
mod validate;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use crate::diagnostics::{Code, Diagnostic};
use crate::source::{FileId, SourceMap, Span};
use crate::syntax::ast;
use symbols::{Collector, SymbolKind};

/// One file as the semantics stage receives it.
pub struct FileInput<'a> {
    pub id: FileId,
    pub ast: &'a ast::File,
    /// The file's own lexical and syntax diagnostics.
    pub parse_diagnostics: &'a [Diagnostic],
    /// Each import statement's target, `None` when no file was found.
    pub imports: Vec<Option<FileId>>,
}

/// A resolved type reference.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResolvedType {
    /// Fully qualified, without the leading dot.
    pub full_name: String,
    pub kind: SymbolKind,
}

/// What the stage produces.
/// The symbol table is not part of it: once names are resolved nothing
/// reads it, and on a large run it is among the biggest structures.
pub struct Analysis {
    /// Type references by file and the start of the reference's span.
    pub resolved: HashMap<(FileId, u32), ResolvedType>,
    /// Each element's options message, encoded (see [`options::Interpreted`]),
    /// file by file: files' options are interpreted apart (in parallel),
    /// and a file's descriptor reads only its own.
    pub options: HashMap<FileId, options::Interpreted>,
    /// Where each option statement landed, for SourceCodeInfo, by file.
    pub option_destinations: HashMap<FileId, options::Destinations>,
    /// The options messages that source-retention stripping changed, as
    /// written (for `--retain-options`), by file.
    pub retained_options: HashMap<FileId, options::Interpreted>,
    /// Every file checked, imports before importers.
    pub order: Vec<FileId>,
    /// Files that were checked and had no errors.
    pub ok: HashSet<FileId>,
    /// All diagnostics of the run, parse diagnostics included, in protoc's
    /// order.
    pub diagnostics: Vec<Diagnostic>,
    /// Whether the files were built fronts first (see [`Strategy`]) rather
    /// than sequentially.
    pub fronts_first: bool,
}

impl Analysis {
    /// The options messages of `file`'s elements.
    pub fn options_of(&self, file: FileId) -> &options::Interpreted {
        self.options.get(&file).unwrap_or_else(|| empty())
    }

    /// Where `file`'s option statements landed.
    pub fn option_destinations_of(&self, file: FileId) -> &options::Destinations {
        static EMPTY: std::sync::LazyLock<options::Destinations> =
            std::sync::LazyLock::new(Default::default);
        self.option_destinations.get(&file).unwrap_or(&EMPTY)
    }

    /// The options messages of `file` that stripping changed, as written.
    pub fn retained_options_of(&self, file: FileId) -> &options::Interpreted {
        self.retained_options.get(&file).unwrap_or_else(|| empty())
    }
}

/// No options at all: a file that was not built.
fn empty() -> &'static options::Interpreted {
    static EMPTY: std::sync::LazyLock<options::Interpreted> =
        std::sync::LazyLock::new(Default::default);
    &EMPTY
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Pending,
    Built,
    Failed,
}

/// How the files of a run are built.
///
/// protoc builds each file completely before the next, and
/// [`Pass::Sequential`] does the same. A file's symbols, names, numbers and
/// type shapes (its [`Front`]) are what later files read; the rest of its
/// checks (options, the rules that read them, naming; its [`Back`]) only
/// read what earlier files built. So when every file builds without an
/// error, the fronts can all be built first, the backs then checked in
/// parallel, and the results put together in protoc's order again
/// ([`Pass::Replay`]): the same diagnostics in the same order, and the same
/// options. A front is itself in three parts: its symbols and registry
/// facts, declared in protoc's order ([`Analyzer::declare`]); its names
/// resolved and cross-linking checks, once every file is declared, in
/// parallel ([`Links`]); its extension numbers and type index, put
/// together in protoc's order again ([`Analyzer::settle`]). An error
/// anywhere changes what later files see (a failed import), so such a run
/// is built again sequentially, each file's three parts one after another.
enum Pass<'a> {
    Sequential,
    Fronts(Vec<Front<'a>>),
    Replay(HashMap<FileId, Back>),
}

struct Analyzer<'a> {
    sources: &'a SourceMap,
    files: HashMap<FileId, &'a FileInput<'a>>,
    pass: Pass<'a>,
    /// Set when [`Pass::Fronts`] or [`Pass::Replay`] cannot give the
    /// sequential result: the run is then built sequentially.
    abandoned: bool,
    /// Files built so far: the next file's build position.
    built: u32,
    state: HashMap<FileId, State>,
    stack: Vec<FileId>,
    collector: Collector<'a>,
    /// Files' symbols and facts made ahead of their build (in parallel),
    /// each taken when its file is declared; a file not here is prepared
    /// then.
    prepared: HashMap<FileId, Prepared>,
    resolved: HashMap<(FileId, u32), ResolvedType>,
    options: HashMap<FileId, options::Interpreted>,
    option_destinations: HashMap<FileId, options::Destinations>,
    retained_options: HashMap<FileId, options::Interpreted>,
    types: types::TypeIndex<'a>,
    order: Vec<FileId>,
    diagnostics: Vec<Diagnostic>,
    reported_missing: HashSet<String>,
    /// Files named on the command line: only they get unused-import warnings.
    direct: HashSet<FileId>,
    /// What validation needs to know of files already built.
    registry: validate::Registry,
    /// Diagnostics protoc reports after building every file.
    deferred: Vec<Diagnostic>,
    /// Feature lifetime diagnostics of the files built for the current
    /// command-line file: protoc reports them once its whole import tree
    /// is built.
    lifetimes: Vec<Diagnostic>,
    /// Files that built but whose features outlive their edition.
    lifetime_failed: HashSet<FileId>,
    /// Every file's types, for help on a name whose file is not imported.
    run_types: check::RunTypes<'a>,
}

/// A file built up to its options: what later files read of it is in the
/// analyzer's tables, the rest is here.
struct Front<'a> {
    id: FileId,
    input: &'a FileInput<'a>,
    imports: Vec<&'a ast::Import>,
    /// The file's build position.
    built: u32,
    visible: resolve::Visible,
    /// Files that provided a resolved name.
    used: HashSet<FileId>,
    /// The file's diagnostics so far, in protoc's order.
    diagnostics: Vec<Diagnostic>,
}

/// What declaring a file adds to the run's tables, made from the file
/// alone (see [`Analyzer::declare`]).
struct Prepared {
    declarations: symbols::Declarations,
    facts: validate::FileFacts,
}

impl Prepared {
    fn of(sources: &SourceMap, input: &FileInput<'_>) -> Prepared {
        let (id, source) = (input.id, sources.get(input.id));
        // The validator reads no resolved name to gather a file's facts.
        let unresolved = HashMap::default();
        let registry = validate::Registry::default();
        let validator = validate::Validator::new(source, id, input.ast, &unresolved, &registry);
        Prepared {
            declarations: symbols::Declarations::of(source, id, input.ast),
            facts: validator.facts(),
        }
    }
}

/// The middle part of a file's front: its names resolved and the checks
/// protoc makes while building and cross-linking. It reads the symbol table
/// and the registry and changes neither, so once every file is declared
/// ([`Analyzer::declare`]), files are linked in any order, in parallel: a
/// file sees only its own symbols and those of the files it may use (its
/// visible files, all declared before it), and a symbol of a file declared
/// later is one it may not use, as absent from protoc's pool at that point.
struct Links<'t> {
    sources: &'t SourceMap,
    table: &'t symbols::SymbolTable,
    registry: &'t validate::Registry,
    run_types: &'t check::RunTypes<'t>,
}

impl Links<'_> {
    /// Links `front`'s file, its names going to `resolved`, its diagnostics
    /// after those of `front`. The extension numbers it claims and its
    /// types are for [`Analyzer::settle`].
    fn link<'a>(
        &self,
        front: &mut Front<'a>,
        resolved: &mut HashMap<(FileId, u32), ResolvedType>,
    ) -> Linked<'a> {
        let (id, ast) = (front.id, front.input.ast);
        let mut checker =
            check::Checker::new(self.sources, self.table, id, &front.visible, resolved)
                .with_run_types(self.run_types);
        checker.file(ast);
        front.used = checker.used_files;
        let link_diagnostics = checker.diagnostics;
        // protoc validates while building (before names are resolved),
        // while cross-linking, and after interpreting options.
        let mut validator =
            validate::Validator::new(self.sources.get(id), id, ast, resolved, self.registry);
        validator.build();
        front.diagnostics.append(&mut validator.diagnostics);
        front.diagnostics.extend(link_diagnostics);
        let checks = validator.link();
        front.diagnostics.append(&mut validator.diagnostics);
        // protoc interprets options after cross-linking the whole file.
        let mut types = types::TypeIndex::default();
        types::Builder {
            index: &mut types,
            sources: self.sources,
            file: id,
            resolved,
            syntax: ast.syntax(),
            built: front.built,
            implicit_by_default: false,
        }
        .file(ast);
        Linked { checks, types }
    }
}

/// What linking a file leaves for [`Analyzer::settle`].
struct Linked<'a> {
    checks: Vec<validate::ExtensionCheck>,
    /// The file's types.
    types: types::TypeIndex<'a>,
}

/// The rest of a file's checks, from its options on.
struct Back {
    id: FileId,
    /// All of the file's diagnostics, its front's first.
    diagnostics: Vec<Diagnostic>,
    options: options::Interpreted,
    option_destinations: options::Destinations,
    retained_options: options::Interpreted,
    /// Options set on elements they do not apply to, reported after every
    /// file is built.
    misplaced_options: Vec<Diagnostic>,
    /// Field numbers in the implementation-reserved range, reported then
    /// too.
    reserved_numbers: Vec<Diagnostic>,
    lifetimes: Vec<Diagnostic>,
}

impl Back {
    fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// How [`analyze_with`] builds the files (see [`Pass`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Strategy {
    /// Fronts first and backs in parallel, where the `parallel` feature is
    /// on and the run has more than one file; else sequential.
    Auto,
    /// Each file completely before the next, as protoc.
    Sequential,
    /// Fronts first, then backs (in parallel where the `parallel` feature
    /// is on), falling back to sequential when a file has an error.
    FrontsFirst,
}

/// Checks `inputs` (the command-line files) and everything they import.
pub fn analyze(sources: &SourceMap, files: &[FileInput<'_>], inputs: &[FileId]) -> Analysis {
    analyze_with(sources, files, inputs, Strategy::Auto)
}

/// [`analyze`], built as `strategy` says: every strategy gives the same
/// analysis.
pub fn analyze_with(
    sources: &SourceMap,
    files: &[FileInput<'_>],
    inputs: &[FileId],
    strategy: Strategy,
) -> Analysis {
    let fronts_first = match strategy {
        Strategy::Auto => cfg!(feature = "parallel") && files.len() > 1,
        Strategy::Sequential => false,
        Strategy::FrontsFirst => true,
    };
    if fronts_first {
        if let Some(analysis) = analyze_fronts_first(sources, files, inputs) {
            return analysis;
        }
    }
    let mut analyzer = Analyzer::new(sources, files, inputs, Pass::Sequential);
    analyzer.run(inputs);
    analyzer.finish_run()
}

/// The run built fronts first and checked in parallel (see [`Pass`]), or
/// `None` when a file has an error.
fn analyze_fronts_first(
    sources: &SourceMap,
    files: &[FileInput<'_>],
    inputs: &[FileId],
) -> Option<Analysis> {
    let mut analyzer = Analyzer::new(sources, files, inputs, Pass::Fronts(Vec::new()));
    analyzer.prepared = crate::par::map_ref(files, |file| (file.id, Prepared::of(sources, file)))
        .into_iter()
        .collect();
    let facts = analyzer.prepared.values().map(|prepared| &prepared.facts);
    analyzer.registry.reserve(facts);
    analyzer.run(inputs);
    if analyzer.abandoned || analyzer.diagnostics.iter().any(Diagnostic::is_error) {
        return None;
    }
    let Pass::Fronts(declared) = std::mem::replace(&mut analyzer.pass, Pass::Sequential) else {
        return None;
    };
    let linked = {
        let links = analyzer.links();
        crate::par::map(declared, |mut front| {
            let mut resolved = HashMap::default();
            let linked = links.link(&mut front, &mut resolved);
            (front, resolved, linked)
        })
    };
    if linked
        .iter()
        .any(|(front, _, _)| front.diagnostics.iter().any(Diagnostic::is_error))
    {
        return None;
    }
    analyzer
        .resolved
        .reserve(linked.iter().map(|(_, resolved, _)| resolved.len()).sum());
    let mut fronts = Vec::with_capacity(linked.len());
    for (mut front, resolved, linked) in linked {
        analyzer.resolved.extend(resolved);
        analyzer.settle(&mut front, linked);
        fronts.push(front);
    }
    let backs = {
        let analyzer = &analyzer;
        crate::par::map(fronts, |front| analyzer.back(front))
    };
    if backs.iter().any(Back::has_errors) {
        return None;
    }
    // Nothing reads the symbol table, the registry or the type index any
    // more: the replay only puts the backs' results together, in protoc's
    // order. The run's memory would peak here with them still held, so
    // they are freed now, on a thread of their own while the replay goes on.
    let tables = analyzer.take_tables();
    let replayed = std::thread::scope(|scope| {
        // If no thread can be made, the failed spawn drops them here.
        let _ = std::thread::Builder::new().spawn_scoped(scope, move || drop(tables));
        analyzer.restart_walk(Pass::Replay(
            backs.into_iter().map(|back| (back.id, back)).collect(),
        ));
        analyzer.run(inputs);
        !analyzer.abandoned
    });
    if !replayed {
        return None;
    }
    let mut analysis = analyzer.finish_run();
    analysis.fronts_first = true;
    Some(analysis)
}

impl<'a> Analyzer<'a> {
    fn new(
        sources: &'a SourceMap,
        files: &'a [FileInput<'a>],
        inputs: &[FileId],
        pass: Pass<'a>,
    ) -> Analyzer<'a> {
        let declared = crate::par::map_ref(files, |f| symbols::DeclarationCount::of(f.ast))
            .into_iter()
            .fold(symbols::DeclarationCount::default(), |sum, count| {
                sum + count
            });
        let mut types = types::TypeIndex::default();
        types.reserve_messages(declared.messages);
        Analyzer {
            sources,
            files: files.iter().map(|f| (f.id, f)).collect(),
            pass,
            abandoned: false,
            built: 0,
            state: HashMap::default(),
            stack: Vec::new(),
            collector: Collector::new(sources, declared.symbols),
            prepared: HashMap::default(),
            resolved: HashMap::default(),
            options: HashMap::default(),
            option_destinations: HashMap::default(),
            retained_options: HashMap::default(),
            types,
            order: Vec::new(),
            diagnostics: Vec::new(),
            reported_missing: HashSet::default(),
            direct: inputs.iter().copied().collect(),
            registry: validate::Registry::default(),
            deferred: Vec::new(),
            lifetimes: Vec::new(),
            lifetime_failed: HashSet::default(),
            run_types: check::RunTypes::new(sources, files),
        }
    }

    /// Builds every command-line file with what it imports.
    fn run(&mut self, inputs: &[FileId]) {
        for &input in inputs {
            self.visit(input);
            let lifetimes = std::mem::take(&mut self.lifetimes);
            self.diagnostics.extend(lifetimes);
        }
    }

    /// Forgets the walk of the files (not what their fronts built), to walk
    /// them again in `pass`.
    fn restart_walk(&mut self, pass: Pass<'a>) {
        self.pass = pass;
        self.built = 0;
        self.state.clear();
        self.stack.clear();
        self.order.clear();
        self.diagnostics.clear();
        self.reported_missing.clear();
        self.deferred.clear();
        self.lifetimes.clear();
        self.lifetime_failed.clear();
    }

    /// The stage's result, once every file is built.
    fn finish_run(mut self) -> Analysis {
        // A file whose features outlive its edition failed after all.
        let deferred = std::mem::take(&mut self.deferred);
        let failed = &self.lifetime_failed;
        self.diagnostics
            .extend(deferred.into_iter().filter(|d| !failed.contains(&d.file())));
        // protoc knows no positions in a file that arrives as a descriptor.
        for diagnostic in &mut self.diagnostics {
            if *self.sources.get(diagnostic.file()).origin() != crate::source::Origin::Text {
                diagnostic.protoc_offset = None;
            }
        }
        let ok = self
            .state
            .iter()
            .filter(|(id, s)| **s == State::Built && !self.lifetime_failed.contains(id))
            .map(|(id, _)| *id)
            .collect();
        Analysis {
            resolved: self.resolved,
            options: self.options,
            option_destinations: self.option_destinations,
            retained_options: self.retained_options,
            order: self.order,
            ok,
            diagnostics: self.diagnostics,
            fronts_first: false,
        }
    }
}

/// Help for an import of a `google/protobuf/` file that was not found: the
/// built-in files that do exist (and the closest, for a fix), or why a
/// built-in one was not searched.
fn missing_builtin_help(name: &str) -> Option<(String, Option<&'static str>)> {
    if !name.starts_with("google/protobuf/") {
        return None;
    }
    if crate::builtin::file(name).is_some() {
        // The one run that does not search the built-in files.
        return Some((
            format!(
                "`{name}` is built in, but with --descriptor_set_in and no -I only the \
                 descriptor sets are searched, as in protoc: add it to a set, or pass -I"
            ),
            None,
        ));
    }
    let names = crate::builtin::names();
    let stem = |n: &str| {
        n.rsplit('/')
            .next()
            .unwrap_or(n)
            .trim_end_matches(".proto")
            .to_owned()
    };
    let wanted = stem(name);
    let closest = names
        .iter()
        .map(|candidate| (check::edit_distance(&stem(candidate), &wanted), *candidate))
        .filter(|(distance, _)| *distance <= (wanted.len() / 3).max(2))
        .min();
    let list = names.join(", ");
    Some(match closest {
        Some((_, candidate)) => (
            format!("did you mean `{candidate}`? The built-in files are {list}"),
            Some(candidate),
        ),
        None => (
            format!("no built-in file has this name; the built-in files are {list}"),
            None,
        ),
    })
}

/// The longest package name protoc builds, in bytes, dots included.
const MAX_PACKAGE_LEN: usize = 511;
/// The most dots a package name may have in protoc: 101 parts.
const MAX_PACKAGE_DOTS: usize = 100;

/// protoc's limits on a package name: its length, then its depth, each
/// reported at the `package` statement.
fn package_limits(id: FileId, file: &ast::File) -> Option<Diagnostic> {
    let package = file.items.iter().find_map(|item| match item {
        ast::Item::Package(p) => Some(p),
        _ => None,
    })?;
    // Counted from the parts' spans (identifiers are ASCII, the name is
    // the parts joined by dots) rather than from the name, which every
    // file of a run would otherwise build.
    let parts = &package.name.parts;
    let dots = parts.len().saturating_sub(1);
    let length = dots
        + parts
            .iter()
            .map(|part| part.span.len() as usize)
            .sum::<usize>();
    let (message, protoc, help) = if length > MAX_PACKAGE_LEN {
        (
            format!("package name is {length} bytes long"),
            "Package name is too long",
            format!("protoc takes package names of at most {MAX_PACKAGE_LEN} bytes"),
        )
    } else if dots > MAX_PACKAGE_DOTS {
        (
            format!("package name has {} parts", dots + 1),
            "Exceeds Maximum Package Depth",
            format!(
                "protoc takes package names of at most {} parts",
                MAX_PACKAGE_DOTS + 1
            ),
        )
    } else {
        return None;
    };
    Some(
        Diagnostic::error(Code::PackageLimit, id, package.name.span, message)
            .protoc(protoc)
            .protoc_at(package.span.start)
            .label("this package")
            .help(help),
    )
}

/// An import whose name is not canonical (`./a.proto`, `a//b.proto`,
/// `../a.proto`): no include path opens it, as in protoc, which reports
/// it as the name's error, without a position.
fn non_canonical_import(id: FileId, import: &ast::Import, name: &str) -> Diagnostic {
    let canonical = crate::source::canonicalize(name);
    let diagnostic = Diagnostic::error(
        Code::NonCanonicalImport,
        id,
        import.path.span,
        format!("`{name}` is not a canonical import path"),
    )
    .protoc(
        "Backslashes, consecutive slashes, \".\", or \"..\" are not allowed in the virtual \
         path",
    )
    .protoc_path(name.to_owned())
    .protoc_unpositioned();
    if crate::source::contains_parent_reference(name) || canonical.starts_with('/') {
        return diagnostic.help(
            "a file is imported by its path under an include path, which cannot go up with `..`; \
             add the directory that holds it with -I instead",
        );
    }
    diagnostic
        .help(format!(
            "files are known by their names, and `{name}` would be a second copy of \
             `{canonical}`: write `{canonical}`"
        ))
        .fix(import.path.span, format!("\"{canonical}\""))
}

/// protoc's proto3 validation: groups are proto2 only.
fn proto3_groups(id: FileId, file: &ast::File) -> Vec<Diagnostic> {
    fn visit(items: &[ast::MessageItem], out: &mut Vec<Span>) {
        symbols::for_each_field(items, &mut |field| {
            if let symbols::FieldRef::Group(g) = field {
                out.push(g.keyword);
            }
        });
        symbols::for_each_nested_message(items, &mut |nested| match nested {
            symbols::NestedRef::Message(m) => visit(&m.body.items, out),
            symbols::NestedRef::Group(g) => visit(&g.body.items, out),
            symbols::NestedRef::MapEntry(_) => {}
        });
    }
    let mut groups = Vec::new();
    for item in &file.items {
        if let ast::Item::Message(m) = item {
            visit(&m.body.items, &mut groups);
        }
    }
    groups
        .into_iter()
        .map(|keyword| {
            Diagnostic::error(
                Code::GroupInProto3,
                id,
                keyword,
                "groups are not allowed in proto3",
            )
            .protoc("Groups are not supported in proto3 syntax.")
            .help("declare a nested message and a field of that type instead")
        })
        .collect()
}

fn import_statements(file: &ast::File) -> impl Iterator<Item = &ast::Import> {
    file.items.iter().filter_map(|item| match item {
        ast::Item::Import(import) => Some(import),
        _ => None,
    })
}

/// A file being built, waiting for its imports.
struct Frame<'a> {
    id: FileId,
    input: &'a FileInput<'a>,
    imports: Vec<&'a ast::Import>,
    /// How many of `imports` are done.
    next: usize,
}

impl<'a> Analyzer<'a> {
    fn name(&self, id: FileId) -> &'a str {
        self.sources.get(id).name()
    }

    /// Builds `root` and everything it imports, imports first, in protoc's
    /// order. Iterative, with the chain of files being built as an
    /// explicit stack: an import chain as long as protoc takes (thousands
    /// of files) must not overflow the thread's stack.
    fn visit(&mut self, root: FileId) {
        let mut frames: Vec<Frame<'a>> = Vec::new();
        frames.extend(self.enter(root));
        while let Some(frame) = frames.last_mut() {
            let Some(&import) = frame.imports.get(frame.next) else {
                if let Some(frame) = frames.pop() {
                    self.stack.pop();
                    self.build(frame.id, frame.input, frame.imports);
                }
                continue;
            };
            let (id, target) = (frame.id, frame.input.imports[frame.next]);
            frame.next += 1;
            match target {
                None => self.report_missing(id, import),
                Some(target) => match self.state.get(&target) {
                    Some(State::Pending) => self.recursive_import(target),
                    Some(_) => {}
                    None => frames.extend(self.enter(target)),
                },
            }
        }
    }

    /// Starts building `id`: its parse errors, and the frame that walks its
    /// imports, unless it is built already or cannot be.
    fn enter(&mut self, id: FileId) -> Option<Frame<'a>> {
        if self.state.contains_key(&id) {
            return None;
        }
        let input = *self.files.get(&id)?;
        self.diagnostics
            .extend(input.parse_diagnostics.iter().cloned());
        if input.parse_diagnostics.iter().any(Diagnostic::is_error) {
            self.state.insert(id, State::Failed);
            self.order.push(id);
            return None;
        }
        // protoc checks the package before it loads a single import, and
        // builds nothing more of a file whose package fails.
        if let Some(diagnostic) = package_limits(id, input.ast) {
            self.diagnostics.push(diagnostic);
            self.state.insert(id, State::Failed);
            self.order.push(id);
            return None;
        }
        self.state.insert(id, State::Pending);
        self.stack.push(id);
        Some(Frame {
            id,
            input,
            imports: import_statements(input.ast).collect(),
            next: 0,
        })
    }

    /// An import no include path has, reported once per name.
    fn report_missing(&mut self, id: FileId, import: &ast::Import) {
        let name = String::from_utf8_lossy(&import.path.value).into_owned();
        if !self.reported_missing.insert(name.clone()) {
            return;
        }
        if !crate::source::is_openable_virtual_path(&name) {
            self.diagnostics
                .push(non_canonical_import(id, import, &name).label("imported here"));
            return;
        }
        let mut diagnostic = Diagnostic::error(
            Code::ImportNotFound,
            id,
            import.path.span,
            format!("cannot find `{name}` in any include path"),
        )
        .protoc("File not found.")
        .protoc_path(name.clone());
        diagnostic.protoc_offset = None;
        if let Some((help, closest)) = missing_builtin_help(&name) {
            diagnostic = diagnostic.help(help);
            if let Some(closest) = closest {
                diagnostic = diagnostic.fix(import.path.span, format!("\"{closest}\""));
            }
        }
        self.diagnostics.push(diagnostic.label("imported here"));
    }

    /// Builds one file once its imports are built, as the pass says.
    fn build(&mut self, id: FileId, input: &'a FileInput<'a>, imports: Vec<&'a ast::Import>) {
        if let Pass::Replay(backs) = &mut self.pass {
            match backs.remove(&id) {
                Some(back) => self.finish(back),
                // The walk went another way: cannot happen, as nothing it
                // depends on changed; the sequential build is the answer.
                None => self.abandoned = true,
            }
            return;
        }
        let built = self.built;
        self.built += 1;
        let mut front = self.declare(id, input, imports, built);
        if let Pass::Fronts(fronts) = &mut self.pass {
            if front.diagnostics.iter().any(Diagnostic::is_error) {
                self.abandoned = true;
            }
            // As if it built: a file with an error ends this pass.
            self.state.insert(id, State::Built);
            fronts.push(front);
            return;
        }
        // The tables `link` reads, borrowed apart from `resolved`.
        let links = Links {
            sources: self.sources,
            table: &self.collector.table,
            registry: &self.registry,
            run_types: &self.run_types,
        };
        let linked = links.link(&mut front, &mut self.resolved);
        self.settle(&mut front, linked);
        let back = self.back(front);
        self.finish(back);
    }

    /// The first part of a file's front, which must run in build order:
    /// its imports, its symbols, and the facts about its messages and enums
    /// that validating later files reads.
    fn declare(
        &mut self,
        id: FileId,
        input: &'a FileInput<'a>,
        imports: Vec<&'a ast::Import>,
        built: u32,
    ) -> Front<'a> {
        let mut diagnostics = Vec::new();
        let visible = self.check_imports(id, &imports, &input.imports, &mut diagnostics);
        // protoc builds a file whose imports failed all the same (their
        // names are then undefined) and reports what that finds.
        let prepared = self
            .prepared
            .remove(&id)
            .unwrap_or_else(|| Prepared::of(self.sources, input));
        self.collector.declare(&prepared.declarations);
        diagnostics.append(&mut self.collector.diagnostics);
        self.registry.record(prepared.facts);
        Front {
            id,
            input,
            imports,
            built,
            visible,
            used: HashSet::default(),
            diagnostics,
        }
    }

    /// The tables only the fronts and the backs read, leaving empty ones.
    fn take_tables(&mut self) -> impl Send + 'a {
        (
            std::mem::take(&mut self.collector.table),
            std::mem::take(&mut self.registry),
            std::mem::take(&mut self.types),
            std::mem::take(&mut self.prepared),
        )
    }

    /// What [`Links::link`] reads.
    fn links(&self) -> Links<'_> {
        Links {
            sources: self.sources,
            table: &self.collector.table,
            registry: &self.registry,
            run_types: &self.run_types,
        }
    }

    /// The last part of a file's front, in build order once its names are
    /// resolved: the extension numbers it claims, and its types indexed
    /// for option interpretation.
    fn settle(&mut self, front: &mut Front<'a>, linked: Linked<'a>) {
        let id = front.id;
        let claimed =
            self.registry
                .claim_extensions(id, self.sources.get(id).name(), linked.checks);
        front.diagnostics.extend(claimed);
        self.types.absorb(linked.types);
    }

    /// The rest of a file's checks: options, the rules that read them, and
    /// names. Reads what the fronts built, changes nothing.
    fn back(&self, front: Front<'a>) -> Back {
        let Front {
            id,
            input,
            imports,
            built,
            visible,
            mut used,
            mut diagnostics,
        } = front;
        let model = types::TypeModel {
            index: &self.types,
            sources: self.sources,
            resolved: &self.resolved,
            horizon: built,
        };
        let mut encoded = options::Interpreted::default();
        let mut destinations = options::Destinations::default();
        let mut retained = options::Interpreted::default();
        let mut interpreter = options::Interpreter::new(
            self.sources,
            model,
            &self.collector.table,
            id,
            &visible,
            options::Outputs {
                encoded: &mut encoded,
                destinations: &mut destinations,
                retained: &mut retained,
            },
        );
        interpreter.file(input.ast);
        let clean = diagnostics.iter().all(|d| !d.is_error());
        if clean && interpreter.diagnostics.is_empty() {
            interpreter.check_constraints();
        }
        used.extend(interpreter.used_files);
        // protoc interprets no option of a file that has errors already:
        // what the interpreter finds then is not reported, as some of it
        // follows from those errors (an option whose type is undefined
        // reads as a message set wrongly).
        if clean {
            diagnostics.extend(interpreter.diagnostics);
        }
        let misplaced_options = interpreter.target_diagnostics;
        let lifetimes = interpreter.lifetime_diagnostics;
        let mut validator = validate::Validator::new(
            self.sources.get(id),
            id,
            input.ast,
            &self.resolved,
            &self.registry,
        );
        let import_targets: Vec<(&ast::Import, Option<FileId>)> = imports
            .iter()
            .copied()
            .zip(input.imports.iter().copied())
            .collect();
        validator.options(&import_targets);
        diagnostics.append(&mut validator.diagnostics);
        let reserved_numbers = validator.implementation_reserved();
        if input.ast.syntax() == ast::Syntax::Proto3 {
            diagnostics.extend(proto3_groups(id, input.ast));
        }
        let no_errors = |diagnostics: &[Diagnostic]| !diagnostics.iter().any(Diagnostic::is_error);
        // protoc checks names and STRICT visibility last, each only on
        // a file without errors so far.
        let clean = no_errors(&diagnostics);
        let naming_at = diagnostics.len();
        if clean {
            let table = &self.collector.table;
            let has_member = |message: &str, name: &str| {
                model
                    .message(&format!(".{message}"))
                    .is_some_and(|fields| fields.iter().any(|f| f.name == name))
                    || table
                        .get(&symbols::join(message, name))
                        .is_some_and(|s| s.kind == SymbolKind::Oneof)
            };
            validator.naming(input.ast, &has_member);
            diagnostics.append(&mut validator.diagnostics);
            if no_errors(&diagnostics) {
                validator.strict_visibility(input.ast);
                diagnostics.append(&mut validator.diagnostics);
            }
        }
        // protoc skips these when the file has errors; it reports unused
        // imports before checking names.
        if clean && self.direct.contains(&id) {
            let before = diagnostics.len();
            self.unused_imports(id, &imports, &input.imports, &used, &mut diagnostics);
            let warnings = diagnostics.len() - before;
            diagnostics[naming_at..].rotate_right(warnings);
        }
        // What the descriptors read of the interpreter's work, looked up
        // from now on.
        encoded.seal();
        retained.seal();
        destinations.seal();
        Back {
            id,
            diagnostics,
            options: encoded,
            option_destinations: destinations,
            retained_options: retained,
            misplaced_options,
            reserved_numbers,
            lifetimes,
        }
    }

    /// Takes in a built file's results, in build order.
    fn finish(&mut self, back: Back) {
        let id = back.id;
        let built = !back.has_errors();
        self.diagnostics.extend(back.diagnostics);
        self.options.insert(id, back.options);
        self.option_destinations
            .insert(id, back.option_destinations);
        self.retained_options.insert(id, back.retained_options);
        let direct = self.direct.contains(&id);
        if built && direct {
            self.deferred.extend(back.misplaced_options);
            self.deferred.extend(back.reserved_numbers);
        }
        if built {
            if back.lifetimes.iter().any(Diagnostic::is_error) {
                self.lifetime_failed.insert(id);
            }
            self.lifetimes.extend(
                back.lifetimes
                    .into_iter()
                    .filter(|d| direct || d.is_error()),
            );
        }
        self.state
            .insert(id, if built { State::Built } else { State::Failed });
        self.order.push(id);
    }

    /// protoc's "File recursively imports itself", reported at the import
    /// that starts the cycle.
    fn recursive_import(&mut self, target: FileId) {
        let Some(start) = self.stack.iter().position(|&f| f == target) else {
            return;
        };
        let cycle: Vec<&str> = self.stack[start..]
            .iter()
            .chain(std::iter::once(&target))
            .map(|&f| self.name(f))
            .collect();
        let chain = cycle.join(" -> ");
        // The import in `target` that leads to the next file of the cycle.
        let next = self.stack.get(start + 1).copied().unwrap_or(target);
        let input = self.files[&target];
        let import = import_statements(input.ast)
            .zip(&input.imports)
            .find(|(_, t)| **t == Some(next))
            .map(|(import, _)| import);
        let span = import.map_or(Span::point(0), |i| i.span);
        let diagnostic = Diagnostic::error(
            Code::ImportCycle,
            target,
            span,
            format!("`{}` imports itself through {chain}", self.name(target)),
        )
        .protoc(format!("File recursively imports itself: {chain}"))
        .label("this import starts the cycle")
        .note(format!("the import chain is {chain}"));
        self.diagnostics.push(diagnostic);
    }

    /// protoc's checks of a file's imports, before its own content; returns
    /// the files whose symbols it may use.
    fn check_imports(
        &self,
        id: FileId,
        imports: &[&ast::Import],
        targets: &[Option<FileId>],
        diagnostics: &mut Vec<Diagnostic>,
    ) -> resolve::Visible {
        let mut seen: HashMap<&[u8], Span> = HashMap::default();
        for (import, target) in imports.iter().zip(targets) {
            let name = String::from_utf8_lossy(&import.path.value);
            if let Some(first) = seen.insert(&import.path.value, import.span) {
                let diagnostic = Diagnostic::error(
                    Code::DuplicateImport,
                    id,
                    import.span,
                    format!("`{name}` is imported twice"),
                )
                .protoc(format!("Import \"{name}\" was listed twice."))
                .label("second import")
                .secondary(first, "first imported here")
                .fix(import.span, "");
                diagnostics.push(diagnostic);
                continue;
            }
            let failed = match target {
                None => true,
                Some(t) => self.state.get(t) != Some(&State::Built),
            };
            if failed {
                let diagnostic = Diagnostic::error(
                    Code::ImportFailed,
                    id,
                    import.span,
                    match target {
                        None => format!("import `{name}` not found"),
                        Some(_) => format!("import `{name}` has errors"),
                    },
                )
                .protoc(format!("Import \"{name}\" was not found or had errors."))
                .label("imported here");
                diagnostics.push(diagnostic);
            }
        }
        // protoc's dependencies and option dependencies: each import with
        // the files it imports publicly, transitively.
        let (option_targets, plain_targets): (Vec<_>, Vec<_>) = imports
            .iter()
            .zip(targets)
            .partition(|(import, _)| import.kind == ast::ImportKind::Option);
        let plain = self.public_closure(plain_targets.into_iter().filter_map(|(_, t)| *t));
        let options = self.public_closure(option_targets.into_iter().filter_map(|(_, t)| *t));
        let options_only = options
            .iter()
            .copied()
            .filter(|f| *f != id && !plain.contains(f))
            .collect();
        let mut files = plain;
        files.extend(options);
        files.insert(id);
        resolve::Visible {
            files,
            options_only,
        }
    }

    /// `roots` and the files they import publicly, transitively.
    fn public_closure(&self, roots: impl Iterator<Item = FileId>) -> HashSet<FileId> {
        let mut reached = HashSet::default();
        let mut queue: Vec<FileId> = roots.collect();
        while let Some(file) = queue.pop() {
            if !reached.insert(file) {
                continue;
            }
            if let Some(input) = self.files.get(&file) {
                for (import, target) in import_statements(input.ast).zip(&input.imports) {
                    if import.kind == ast::ImportKind::Public {
                        queue.extend(*target);
                    }
                }
            }
        }
        reached
    }

    /// protoc warns about imports nothing uses, for command-line files.
    fn unused_imports(
        &self,
        id: FileId,
        imports: &[&ast::Import],
        targets: &[Option<FileId>],
        used: &HashSet<FileId>,
        diagnostics: &mut Vec<Diagnostic>,
    ) {
        for (import, target) in imports.iter().zip(targets) {
            let Some(target) = target else { continue };
            if import.kind == ast::ImportKind::Public {
                continue;
            }
            // A file counts as used when it, or a file it makes visible
            // through public imports, provides a resolved name.
            let mut provides = HashSet::from_iter([*target]);
            let mut queue = vec![*target];
            while let Some(file) = queue.pop() {
                if let Some(input) = self.files.get(&file) {
                    for (import, t) in import_statements(input.ast).zip(&input.imports) {
                        if import.kind == ast::ImportKind::Public {
                            if let Some(t) = t {
                                if provides.insert(*t) {
                                    queue.push(*t);
                                }
                            }
                        }
                    }
                }
            }
            if provides.iter().any(|f| used.contains(f)) {
                continue;
            }
            let name = String::from_utf8_lossy(&import.path.value);
            let diagnostic = Diagnostic::warning(
                Code::UnusedImport,
                id,
                import.span,
                format!("unused import `{name}`"),
            )
            .protoc(format!("Import {name} is unused."))
            .label("nothing from this file is used")
            .fix(import.span, "");
            diagnostics.push(diagnostic);
        }
    }
}
