//! Cross-linking one file: every type name, extendee and method type is
//! resolved, in the order protoc's
//! `CrossLinkFile` visits them (nested messages before their parent's
//! fields), so that errors come out in protoc's order.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use super::resolve::{LookupError, Mode, Scope, Visible};
use super::symbols::{
    for_each_field, for_each_nested_message, join, map_entry_name, DefaultVisibility, FieldRef,
    NestedRef, Reach, Symbol, SymbolKind, SymbolTable,
};
use super::ResolvedType;
use crate::diagnostics::{Code, Diagnostic};
use crate::source::{FileId, SourceMap, Span};
use crate::syntax::ast::{self, FullIdent};

pub struct Checker<'a> {
    sources: &'a SourceMap,
    table: &'a SymbolTable,
    file: FileId,
    visible: &'a Visible,
    resolved: &'a mut HashMap<(FileId, u32), ResolvedType>,
    pub diagnostics: Vec<Diagnostic>,
    /// Files that provided a resolved name (for unused-import warnings).
    pub used_files: HashSet<FileId>,
    /// Where a missing import statement goes: after the last import, the
    /// package or the syntax statement.
    import_at: u32,
    /// Every file's types, for the import an unresolved name may lack.
    run_types: Option<&'a RunTypes<'a>>,
}

/// What kind of reference is being resolved; decides the lookup mode and
/// the error when the name is of the wrong kind.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Reference {
    FieldType,
    /// A map entry's key or value type: protoc reports these without a
    /// position, since the entry's fields have no source location.
    MapEntryType,
    Extendee,
    MethodType,
}

impl Reference {
    /// What the name may find: a field's type is a type; an extendee or
    /// a method's type is looked up among all symbols, as protoc does.
    fn mode(self) -> Mode {
        match self {
            Reference::FieldType | Reference::MapEntryType => Mode::Types,
            Reference::Extendee | Reference::MethodType => Mode::All,
        }
    }
}

impl<'a> Checker<'a> {
    pub fn new(
        sources: &'a SourceMap,
        table: &'a SymbolTable,
        file: FileId,
        visible: &'a Visible,
        resolved: &'a mut HashMap<(FileId, u32), ResolvedType>,
    ) -> Checker<'a> {
        Checker {
            sources,
            table,
            file,
            visible,
            resolved,
            diagnostics: Vec::new(),
            used_files: HashSet::default(),
            import_at: 0,
            run_types: None,
        }
    }

    /// Lets help for an unresolved name find the type in any file of the
    /// run, not only in the files built so far and the built-in ones.
    pub fn with_run_types(mut self, run_types: &'a RunTypes<'a>) -> Checker<'a> {
        self.run_types = Some(run_types);
        self
    }

    fn text(&self, span: Span) -> String {
        self.sources.get(self.file).text(span).into_owned()
    }

    fn full_ident(&self, name: &FullIdent) -> String {
        let mut out = String::new();
        if name.leading_dot.is_some() {
            out.push('.');
        }
        for (i, part) in name.parts.iter().enumerate() {
            if i > 0 {
                out.push('.');
            }
            out.push_str(&self.text(part.span));
        }
        out
    }

    pub fn file(&mut self, file: &ast::File) {
        self.import_at = file
            .items
            .iter()
            .filter_map(|item| match item {
                ast::Item::Import(i) => Some(i.span.end),
                ast::Item::Package(p) => Some(p.span.end),
                _ => None,
            })
            .max()
            .or(file.syntax_decl.as_ref().map(|d| d.span.end))
            .unwrap_or(0);
        let package = file
            .items
            .iter()
            .find_map(|item| match item {
                ast::Item::Package(p) => Some(self.full_ident(&p.name)),
                _ => None,
            })
            .unwrap_or_default();
        for item in &file.items {
            match item {
                ast::Item::Message(m) => self.message(&package, m.name, &m.body.items),
                ast::Item::Extend(e) => {
                    for item in &e.items {
                        if let ast::ExtendItem::Group(g) = item {
                            self.message(&package, g.name, &g.body.items);
                        }
                    }
                }
                _ => {}
            }
        }
        for item in &file.items {
            if let ast::Item::Extend(e) = item {
                self.extend(&package, e);
            }
        }
        for item in &file.items {
            if let ast::Item::Service(s) = item {
                self.service(&package, s);
            }
        }
    }

    fn message(&mut self, scope: &str, name: ast::Ident, items: &[ast::MessageItem]) {
        let full = join(scope, &self.text(name.span));
        for_each_nested_message(items, &mut |nested| match nested {
            NestedRef::Message(m) => self.message(&full, m.name, &m.body.items),
            NestedRef::Group(g) => self.message(&full, g.name, &g.body.items),
            NestedRef::MapEntry(field) => {
                if let ast::FieldType::Map(map) = &field.ty {
                    let entry = join(&full, &map_entry_name(&self.text(field.name.span)));
                    for (ty, side) in [(&map.key, "key"), (&map.value, "value")] {
                        if let ast::FieldType::Named(name) = ty {
                            self.reference(name, &join(&entry, side), Reference::MapEntryType);
                        }
                    }
                }
            }
        });
        for_each_field(items, &mut |field| {
            if let FieldRef::Field(f) = field {
                self.field(&full, f);
            }
        });
        for item in items {
            if let ast::MessageItem::Extend(e) = item {
                self.extend(&full, e);
            }
        }
    }

    fn field(&mut self, scope: &str, field: &ast::Field) {
        let full = join(scope, &self.text(field.name.span));
        if let ast::FieldType::Named(name) = &field.ty {
            self.reference(name, &full, Reference::FieldType);
        }
    }

    fn extend(&mut self, scope: &str, extend: &ast::Extend) {
        for (index, item) in extend.items.iter().enumerate() {
            let (name, field) = match item {
                ast::ExtendItem::Field(f) => (self.text(f.name.span), Some(f)),
                ast::ExtendItem::Group(g) => (self.text(g.name.span).to_ascii_lowercase(), None),
            };
            let full = join(scope, &name);
            if let Some(field) = field {
                if let ast::FieldType::Named(ty) = &field.ty {
                    self.reference(ty, &full, Reference::FieldType);
                }
            }
            let reported = self.diagnostics.len();
            self.reference(&extend.extendee, &full, Reference::Extendee);
            // protoc records the extendee's position for the block's first
            // field only.
            if index > 0 {
                for diagnostic in &mut self.diagnostics[reported..] {
                    diagnostic.protoc_offset = None;
                }
            }
        }
    }

    fn service(&mut self, scope: &str, service: &ast::Service) {
        let full = join(scope, &self.text(service.name.span));
        for item in &service.items {
            match item {
                ast::ServiceItem::Rpc(rpc) => {
                    let method = join(&full, &self.text(rpc.name.span));
                    self.reference(&rpc.input.name, &method, Reference::MethodType);
                    self.reference(&rpc.output.name, &method, Reference::MethodType);
                }
                ast::ServiceItem::Option(_) => {}
            }
        }
    }

    /// The names this file sees, for lookups.
    fn scope(&self) -> Scope<'_> {
        Scope {
            table: self.table,
            file: self.file,
            visible: self.visible,
        }
    }

    fn reference(&mut self, name: &FullIdent, relative_to: &str, reference: Reference) {
        let written = self.full_ident(name);
        let result = self.scope().lookup(&written, relative_to, reference.mode());
        let diagnostic = match result {
            Ok((full_name, symbol)) => {
                let wrong_kind = match reference {
                    Reference::FieldType | Reference::MapEntryType => !symbol.kind.is_type(),
                    Reference::Extendee | Reference::MethodType => {
                        symbol.kind != SymbolKind::Message
                    }
                };
                if !wrong_kind {
                    self.used_files.insert(symbol.file);
                    // protoc reports a type local to another file and leaves
                    // the reference unresolved.
                    if symbol.file == self.file || symbol.reach == Reach::Exported {
                        self.resolved.insert(
                            (self.file, name.span.start),
                            ResolvedType {
                                full_name,
                                kind: symbol.kind,
                            },
                        );
                        return;
                    }
                    let diagnostic = self.not_visible(name, &full_name, symbol, reference);
                    self.push(diagnostic, reference);
                    return;
                }
                let (what, protoc) = match reference {
                    Reference::FieldType | Reference::MapEntryType => {
                        ("a type", format!("\"{written}\" is not a type."))
                    }
                    _ => (
                        "a message type",
                        format!("\"{written}\" is not a message type."),
                    ),
                };
                Diagnostic::error(
                    Code::WrongKindOfName,
                    self.file,
                    name.span,
                    format!(
                        "`{written}` is {} {}, not {what}",
                        if symbol.kind == SymbolKind::Enum || symbol.kind == SymbolKind::EnumValue {
                            "an"
                        } else {
                            "a"
                        },
                        symbol.kind.describe()
                    ),
                )
                .protoc(protoc)
                .label(format!("expected {what}"))
            }
            Err(LookupError::NotFound) => {
                let mut diagnostic = Diagnostic::error(
                    Code::UnresolvedName,
                    self.file,
                    name.span,
                    format!("cannot find type `{written}`"),
                )
                .protoc(format!("\"{written}\" is not defined."))
                .label("not found in this scope");
                // A visible type of that very name (to be written
                // qualified) first, then one in a file not imported, then a
                // near miss.
                let suggestion = self.suggest(&written, relative_to, reference);
                let unimported = match suggestion {
                    Some((0, _)) => None,
                    _ => self.unimported(&written, relative_to, reference),
                };
                match (unimported, suggestion) {
                    (Some(help), _) => diagnostic = help(diagnostic),
                    (None, Some((_, suggestion))) => {
                        diagnostic = diagnostic
                            .help(format!("did you mean `{suggestion}`?"))
                            .fix(name.span, suggestion);
                    }
                    (None, None) => {}
                }
                diagnostic
            }
            Err(LookupError::PartialMatch { resolved_to }) => {
                let first = written.split('.').next().unwrap_or(&written);
                Diagnostic::error(
                    Code::PartialMatch,
                    self.file,
                    name.span,
                    format!("`{written}` resolves to `{resolved_to}`, which is not defined"),
                )
                .protoc(format!(
                    "\"{written}\" is resolved to \"{resolved_to}\", which is not defined. The \
                     innermost scope is searched first in name resolution. Consider using a \
                     leading '.'(i.e., \".{written}\") to start from the outermost scope."
                ))
                .label(format!("`{first}` is found in an inner scope first"))
                .help(format!(
                    "add a leading `.` to refer to the top-level `{first}`: `.{written}`"
                ))
                .fix(Span::point(name.span.start), ".")
            }
            Err(LookupError::NotImported { full_name, file }) => {
                let other = self.sources.get(file).name().to_owned();
                let this = self.sources.get(self.file).name().to_owned();
                let protoc = format!(
                    "\"{full_name}\" seems to be defined in \"{other}\", which is not imported \
                     by \"{this}\".  To use it here, please add the necessary import."
                );
                if self.visible.options_only.contains(&file) {
                    Diagnostic::error(
                        Code::NotImported,
                        self.file,
                        name.span,
                        format!(
                            "`{written}` is defined in `{other}`, which this file imports with \
                             `import option` only"
                        ),
                    )
                    .protoc(protoc)
                    .label("not available through `import option`")
                    .note("`import option` makes a file's extensions usable as options, not its types")
                    .help(format!("add `import \"{other}\";` to use its types"))
                    .fix(Span::point(self.import_at), format!("\nimport \"{other}\";"))
                } else {
                    Diagnostic::error(
                        Code::NotImported,
                        self.file,
                        name.span,
                        format!(
                            "`{written}` is defined in `{other}`, which this file does not import"
                        ),
                    )
                    .protoc(protoc)
                    .label("defined in a file that is not imported")
                    .help(format!("add `import \"{other}\";`"))
                    .fix(
                        Span::point(self.import_at),
                        format!("\nimport \"{other}\";"),
                    )
                }
            }
        };
        self.push(diagnostic, reference);
    }

    fn push(&mut self, mut diagnostic: Diagnostic, reference: Reference) {
        if reference == Reference::MapEntryType {
            diagnostic.protoc_offset = None;
        }
        self.diagnostics.push(diagnostic);
    }

    /// protoc's `GetVisibilityError`: a message or enum another file keeps
    /// local (edition 2024's `local`, or its `default_symbol_visibility`).
    fn not_visible(
        &self,
        name: &FullIdent,
        full_name: &str,
        symbol: Symbol,
        reference: Reference,
    ) -> Diagnostic {
        let other = self.sources.get(symbol.file).name().to_owned();
        let this = self.sources.get(self.file).name().to_owned();
        let usage = if reference == Reference::Extendee {
            "target of extend"
        } else {
            ""
        };
        let (reason, declared, why, help) = match symbol.reach {
            Reach::LocalByDefault(default) => (
                format!(
                    "It defaulted to local from file-level 'option \
                     features.default_symbol_visibility = '{}';",
                    default.name()
                ),
                "declared here, without `export`",
                match default {
                    DefaultVisibility::ExportTopLevel => format!(
                        "nested messages and enums are local to their file unless marked \
                         `export`: `{other}` has `default_symbol_visibility = EXPORT_TOP_LEVEL`, \
                         edition 2024's default"
                    ),
                    _ => format!(
                        "`{other}` sets `default_symbol_visibility = {}`: its messages and \
                         enums are local unless marked `export`",
                        default.name()
                    ),
                },
                if default == DefaultVisibility::Strict
                    && full_name_is_nested(full_name, self.table)
                {
                    format!(
                        "under STRICT only top-level types can be exported: move it to the top \
                         level of `{other}` and mark it `export`"
                    )
                } else {
                    format!("mark it `export` in `{other}`")
                },
            ),
            _ => (
                "It is explicitly marked 'local'".to_owned(),
                "declared `local` here",
                format!("`local` keeps a message or enum private to `{other}`"),
                format!("change `local` to `export` in `{other}`"),
            ),
        };
        let mut diagnostic = Diagnostic::error(
            Code::SymbolNotVisible,
            self.file,
            name.span,
            format!(
                "{} `{full_name}` is local to `{other}`",
                symbol.kind.describe()
            ),
        )
        .protoc(format!(
            "Symbol \"{full_name}\", defined in \"{other}\" {usage} is not visible from \
             \"{this}\". {reason} and cannot be accessed outside its own file"
        ))
        .label("not visible from this file")
        .note(why)
        .help(help);
        diagnostic.secondary.push(crate::diagnostics::Label {
            file: symbol.file,
            span: symbol.span,
            message: declared.to_owned(),
        });
        diagnostic
    }

    /// For a type that a file of the run or a built-in file (a well-known
    /// type) defines, but this file does not import: the import to add, as
    /// help and a fix. A type the name would find as written wins over
    /// one it must be qualified for (`Timestamp` in package
    /// `google.protobuf` over `other.Timestamp`), and then the first by
    /// full name.
    fn unimported(
        &self,
        written: &str,
        relative_to: &str,
        reference: Reference,
    ) -> Option<impl FnOnce(Diagnostic) -> Diagnostic> {
        let messages_only = !matches!(reference, Reference::FieldType | Reference::MapEntryType);
        let this = self.sources.get(self.file).name();
        let visible_name = |name: &str| {
            name == this
                || self
                    .visible
                    .files
                    .iter()
                    .any(|&file| self.sources.get(file).name() == name)
        };
        let mut candidates: Vec<(String, String)> = Vec::new();
        if let Some(run_types) = self.run_types {
            for (full, message, file) in run_types.defining(written) {
                if (messages_only && !message)
                    || file == self.file
                    || self.visible.files.contains(&file)
                    || run_types.imports(file, self.file)
                {
                    continue;
                }
                candidates.push((full, self.sources.get(file).name().to_owned()));
            }
        }
        let bare = written.trim_start_matches('.');
        let builtin = match crate::builtin::file_defining(bare) {
            Some(file) => Some((bare.to_owned(), file)),
            // `Timestamp` for `google.protobuf.Timestamp`.
            None if !written.contains('.') => {
                let qualified = format!("google.protobuf.{bare}");
                crate::builtin::file_defining(&qualified).map(|file| (qualified, file))
            }
            None => None,
        };
        if let Some((full, file)) = builtin {
            // A built-in file the run does not read itself has no entry in
            // `run_types`; a built-in enum is no message type.
            let enum_type = messages_only
                && crate::builtin::file(file).is_some_and(|descriptor| {
                    descriptor
                        .enum_type
                        .iter()
                        .any(|e| e.name.as_deref() == full.rsplit('.').next())
                });
            if !enum_type && !visible_name(file) {
                candidates.push((full, file.to_owned()));
            }
        }
        let (full, file) = candidates
            .into_iter()
            .filter(|(_, file)| !visible_name(file))
            .min_by(|a, b| {
                let key = |(full, file): &(String, String)| {
                    (
                        !names_as_written(written, relative_to, full),
                        full.clone(),
                        file.clone(),
                    )
                };
                key(a).cmp(&key(b))
            })?;
        let import_at = Span::point(self.import_at);
        let as_written = names_as_written(written, relative_to, &full);
        Some(move |diagnostic: Diagnostic| {
            let help = if as_written {
                format!("`{full}` is defined in `{file}`: add `import \"{file}\";`")
            } else {
                format!(
                    "did you mean `{full}`? It is defined in `{file}`, which this file does not \
                     import: add `import \"{file}\";`"
                )
            };
            diagnostic
                .help(help)
                .fix(import_at, format!("\nimport \"{file}\";"))
        })
    }

    /// The visible name closest to `written`, for "did you mean", with how
    /// far it is; where a field's type is written, a scalar type counts
    /// too (`strng`, `Int32`, `uint`). A type is given as it must be
    /// written here: `other.Use` for `Use` in package `other`.
    fn suggest(
        &self,
        written: &str,
        relative_to: &str,
        reference: Reference,
    ) -> Option<(usize, String)> {
        let last = written.rsplit('.').next().unwrap_or(written);
        let max = (last.len() / 3).max(1);
        let field_type = matches!(reference, Reference::FieldType | Reference::MapEntryType);
        let wanted = |kind: SymbolKind| match reference {
            Reference::FieldType | Reference::MapEntryType => kind.is_type(),
            _ => kind == SymbolKind::Message,
        };
        let declared = self
            .table
            .names()
            .filter(|(_, symbol)| {
                wanted(symbol.kind)
                    && self.visible.allows(symbol.file, symbol.kind)
                    && (symbol.file == self.file || symbol.reach == Reach::Exported)
            })
            .filter_map(|(full, _)| {
                let short = full.rsplit('.').next().unwrap_or(full);
                let distance = edit_distance(short, last);
                (distance <= max).then_some((distance, short, full))
            })
            .min()
            .map(|(distance, short, full)| {
                (distance, self.spelling(short, full, relative_to, reference))
            });
        let scalar = (field_type && !written.contains('.'))
            .then(|| closest_scalar(written))
            .flatten();
        match (declared, scalar) {
            // A scalar wins a tie: `Int32` is more likely `int32` than a
            // message `Int3`.
            (Some((distance, name)), Some((scalar_distance, _))) if distance < scalar_distance => {
                Some((distance, name))
            }
            (_, Some((distance, scalar))) => Some((distance, scalar.to_owned())),
            (declared, None) => declared,
        }
    }

    /// How the visible type `full` (simple name `short`) is written at
    /// `relative_to`: its simple name if that finds it, else its full name
    /// (with a leading `.` if an inner scope would capture that).
    fn spelling(&self, short: &str, full: &str, relative_to: &str, reference: Reference) -> String {
        let scope = self.scope();
        let finds = |name: &str| {
            scope
                .lookup(name, relative_to, reference.mode())
                .is_ok_and(|(found, _)| found == full)
        };
        if finds(short) {
            short.to_owned()
        } else if finds(full) {
            full.to_owned()
        } else {
            format!(".{full}")
        }
    }
}

/// Whether `full_name` names a type nested in a message.
fn full_name_is_nested(full_name: &str, table: &SymbolTable) -> bool {
    full_name
        .rsplit_once('.')
        .and_then(|(parent, _)| table.get(parent))
        .is_some_and(|parent| parent.kind == SymbolKind::Message)
}

/// protoc's scalar type names, in its parser's order.
const SCALAR_TYPES: &[&str] = &[
    "double", "float", "int64", "uint64", "int32", "fixed64", "fixed32", "bool", "string", "group",
    "bytes", "uint32", "sfixed32", "sfixed64", "sint32", "sint64",
];

/// The scalar type `written` most likely means, with how far it is: the
/// same name in other letter case (0), a scalar it begins (1: `uint` is
/// `uint32`), or one a small edit away (`strng`).
fn closest_scalar(written: &str) -> Option<(usize, &'static str)> {
    let scalars = SCALAR_TYPES.iter().copied().filter(|&s| s != "group");
    if let Some(same) = scalars.clone().find(|s| s.eq_ignore_ascii_case(written)) {
        return Some((0, same));
    }
    let lower = written.to_ascii_lowercase();
    // The 32-bit type first: `uint` is far more often `uint32`.
    let mut begun: Vec<&str> = scalars.clone().filter(|s| s.starts_with(&lower)).collect();
    begun.sort_by_key(|s| (!s.ends_with("32"), *s));
    if let Some(first) = begun.first() {
        return Some((1, first));
    }
    let max = (written.len() / 3).max(1);
    scalars
        .map(|s| (edit_distance(s, written), s))
        .filter(|(distance, _)| *distance <= max)
        .min()
}

/// Levenshtein distance, ignoring ASCII case (a case slip is no distance).
pub(super) fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(!ca.eq_ignore_ascii_case(cb));
            let value = (previous[j] + cost)
                .min(previous[j + 1] + 1)
                .min(current[j] + 1);
            current.push(value);
        }
        previous = current;
    }
    previous[b.len()]
}

/// The messages and enums every file of the run declares, for suggesting
/// the import a file lacks when one of them is named without it (protoc
/// builds files in import order, so a file later on the command line is
/// not in the symbol table yet). Indexed on first use: only an unresolved
/// name needs it.
pub struct RunTypes<'a> {
    sources: &'a SourceMap,
    files: &'a [super::FileInput<'a>],
    index: std::sync::OnceLock<RunIndex>,
}

#[derive(Default)]
struct RunIndex {
    /// By simple name: each type's full name, whether it is a message, and
    /// its file.
    by_name: HashMap<String, Vec<(String, bool, FileId)>>,
    /// Each file's position in `files`.
    by_id: HashMap<FileId, usize>,
}

impl<'a> RunTypes<'a> {
    pub fn new(sources: &'a SourceMap, files: &'a [super::FileInput<'a>]) -> RunTypes<'a> {
        RunTypes {
            sources,
            files,
            index: std::sync::OnceLock::new(),
        }
    }

    fn index(&self) -> &RunIndex {
        self.index.get_or_init(|| {
            let mut index = RunIndex::default();
            for (position, input) in self.files.iter().enumerate() {
                index.by_id.insert(input.id, position);
                let source = self.sources.get(input.id);
                let text = |span: Span| source.text(span).into_owned();
                let package = super::symbols::package_name(source, input.ast);
                let mut add = |scope: &str, name: Span, message: bool| -> String {
                    let short = text(name);
                    let full = join(scope, &short);
                    index
                        .by_name
                        .entry(short)
                        .or_default()
                        .push((full.clone(), message, input.id));
                    full
                };
                for item in &input.ast.items {
                    match item {
                        ast::Item::Message(m) if !is_local(m.visibility) => {
                            let full = add(&package, m.name.span, true);
                            index_nested(&full, &m.body.items, &mut add);
                        }
                        ast::Item::Enum(e) if !is_local(e.visibility) => {
                            add(&package, e.name.span, false);
                        }
                        ast::Item::Extend(extend) => {
                            for item in &extend.items {
                                if let ast::ExtendItem::Group(g) = item {
                                    let full = add(&package, g.name.span, true);
                                    index_nested(&full, &g.body.items, &mut add);
                                }
                            }
                        }
                        _ => {}
                    }
                }
            }
            index
        })
    }

    /// The types of the run that `written` could name: the simple name, or
    /// a qualified name's last parts.
    fn defining(&self, written: &str) -> Vec<(String, bool, FileId)> {
        let absolute = written.starts_with('.');
        let written = written.trim_start_matches('.');
        let last = written.rsplit('.').next().unwrap_or(written);
        let Some(candidates) = self.index().by_name.get(last) else {
            return Vec::new();
        };
        candidates
            .iter()
            .filter(|(full, _, _)| {
                full == written
                    || (!absolute
                        && full
                            .strip_suffix(written)
                            .is_some_and(|prefix| prefix.ends_with('.')))
            })
            .cloned()
            .collect()
    }

    /// Whether `from` imports `target`, directly or not (so that importing
    /// `from` into `target` would make a cycle).
    fn imports(&self, from: FileId, target: FileId) -> bool {
        let index = self.index();
        let mut seen = HashSet::default();
        let mut stack = vec![from];
        while let Some(file) = stack.pop() {
            if file == target {
                return true;
            }
            if !seen.insert(file) {
                continue;
            }
            if let Some(&position) = index.by_id.get(&file) {
                stack.extend(self.files[position].imports.iter().flatten().copied());
            }
        }
        false
    }
}

/// Whether a declaration is marked `local` (edition 2024), which keeps it
/// out of other files whatever they import.
fn is_local(visibility: Option<(ast::Visibility, Span)>) -> bool {
    matches!(visibility, Some((ast::Visibility::Local, _)))
}

/// Adds the types nested in a message to a [`RunIndex`].
fn index_nested(
    scope: &str,
    items: &[ast::MessageItem],
    add: &mut impl FnMut(&str, Span, bool) -> String,
) {
    for_each_nested_message(items, &mut |nested| match nested {
        NestedRef::Message(m) if !is_local(m.visibility) => {
            let full = add(scope, m.name.span, true);
            index_nested(&full, &m.body.items, add);
        }
        NestedRef::Message(_) | NestedRef::MapEntry(_) => {}
        NestedRef::Group(g) => {
            let full = add(scope, g.name.span, true);
            index_nested(&full, &g.body.items, add);
        }
    });
    for item in items {
        match item {
            ast::MessageItem::Enum(e) if !is_local(e.visibility) => {
                add(scope, e.name.span, false);
            }
            _ => {}
        }
    }
}

/// Whether `written`, resolved from the element `relative_to` through
/// protoc's scopes, can name `full` (it would, once its file is
/// imported).
fn names_as_written(written: &str, relative_to: &str, full: &str) -> bool {
    if let Some(absolute) = written.strip_prefix('.') {
        return absolute == full;
    }
    let mut scope = relative_to;
    loop {
        if join(scope, written) == full {
            return true;
        }
        match scope.rsplit_once('.') {
            Some((parent, _)) => scope = parent,
            None if scope.is_empty() => return false,
            None => scope = "",
        }
    }
}
