//! The symbol table: every package, message, enum, enum value, service,
//! method, field, oneof and extension of a run, by fully-qualified name, and
//! protoc's conflict rules when two definitions share a name.

use rustc_hash::FxHashMap as HashMap;

use crate::diagnostics::{Code, Diagnostic};
use crate::pb;
use crate::source::{FileId, SourceMap, Span};
use crate::syntax::ast::{self, Ident};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SymbolKind {
    Package,
    Message,
    Enum,
    EnumValue,
    Service,
    Method,
    Field,
    Oneof,
}

impl SymbolKind {
    /// protoc's `Symbol::IsType`.
    pub fn is_type(self) -> bool {
        matches!(self, SymbolKind::Message | SymbolKind::Enum)
    }

    /// protoc's `Symbol::IsAggregate`: a scope one can look names up in.
    pub fn is_aggregate(self) -> bool {
        matches!(
            self,
            SymbolKind::Message | SymbolKind::Enum | SymbolKind::Package | SymbolKind::Service
        )
    }

    pub fn describe(self) -> &'static str {
        match self {
            SymbolKind::Package => "package",
            SymbolKind::Message => "message",
            SymbolKind::Enum => "enum",
            SymbolKind::EnumValue => "enum value",
            SymbolKind::Service => "service",
            SymbolKind::Method => "method",
            SymbolKind::Field => "field",
            SymbolKind::Oneof => "oneof",
        }
    }
}

#[derive(Clone, Copy, Debug)]
pub struct Symbol {
    pub kind: SymbolKind,
    /// Whether other files may use it (messages and enums only).
    pub reach: Reach,
    /// The file that defines it (for a package: the first file seen).
    pub file: FileId,
    /// The span of its name.
    pub span: Span,
}

/// protoc's effective visibility of a message or enum (edition 2024's
/// `export` and `local`, and the file's `default_symbol_visibility`):
/// whether files other than its own may use it, and if not, why.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reach {
    /// Usable from every file that imports its file; every symbol that is
    /// not a type.
    Exported,
    /// Declared `local`.
    LocalKeyword,
    /// Local by the file's `default_symbol_visibility`, which is this.
    LocalByDefault(DefaultVisibility),
}

/// The values of `default_symbol_visibility` that make a type local.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DefaultVisibility {
    ExportTopLevel,
    LocalAll,
    Strict,
}

impl DefaultVisibility {
    /// The value's name in descriptor.proto.
    pub fn name(self) -> &'static str {
        match self {
            DefaultVisibility::ExportTopLevel => "EXPORT_TOP_LEVEL",
            DefaultVisibility::LocalAll => "LOCAL_ALL",
            DefaultVisibility::Strict => "STRICT",
        }
    }
}

impl Reach {
    /// protoc's `GetEffectiveVisibility`: the keyword if there is one,
    /// else the file's default (nested types are local under
    /// `EXPORT_TOP_LEVEL`, every type under `LOCAL_ALL` and `STRICT`).
    pub fn of(
        keyword: Option<ast::Visibility>,
        nested: bool,
        default: pb::feature_set::visibility_feature::DefaultSymbolVisibility,
    ) -> Reach {
        use pb::feature_set::visibility_feature::DefaultSymbolVisibility as Default;
        match keyword {
            Some(ast::Visibility::Export) => Reach::Exported,
            Some(ast::Visibility::Local) => Reach::LocalKeyword,
            None => match default {
                Default::ExportTopLevel if nested => {
                    Reach::LocalByDefault(DefaultVisibility::ExportTopLevel)
                }
                Default::LocalAll => Reach::LocalByDefault(DefaultVisibility::LocalAll),
                Default::Strict => Reach::LocalByDefault(DefaultVisibility::Strict),
                _ => Reach::Exported,
            },
        }
    }
}

/// Symbols by fully-qualified name, without the leading dot.
///
/// Laid out for size: a large run has hundreds of thousands of names, and
/// a map of owned strings to symbols cost several times the text of the
/// names. Here the names are a few large strings, the symbols one list,
/// and the index a table of positions in that list.
#[derive(Default)]
pub struct SymbolTable {
    /// Every name, one after another, in strings of [`NAMES_CHUNK`] bytes
    /// that never grow past their capacity: one string growing by doubling
    /// copied every name again at each step (a fifth of the symbol
    /// collection's time on googleapis, 18 MB of names).
    names: Vec<String>,
    /// Each symbol, with where its name is in `names`.
    entries: Vec<Entry>,
    /// Positions in `entries`, by the hash of their names.
    index: hashbrown::HashTable<u32>,
    /// For each package, the files that declare it or a sub-package.
    package_files: HashMap<String, Vec<FileId>>,
}

/// 32-bit positions: a run of 4 GiB of names would need far more memory
/// than any machine has for the rest of its tables.
struct Entry {
    /// Which string of names holds it.
    name_chunk: u32,
    name_start: u32,
    name_len: u32,
    symbol: Symbol,
}

/// The capacity of each string of names (a longer name gets a string of its
/// own length).
const NAMES_CHUNK: usize = 1 << 20;

impl Entry {
    /// Its name, in the table's strings of names.
    fn name<'n>(&self, names: &'n [String]) -> &'n str {
        let start = self.name_start as usize;
        names
            .get(self.name_chunk as usize)
            .and_then(|chunk| chunk.get(start..start + self.name_len as usize))
            .unwrap_or_default()
    }
}

fn name_hash(name: &str) -> u64 {
    use std::hash::BuildHasher;
    rustc_hash::FxBuildHasher.hash_one(name)
}

impl SymbolTable {
    /// Room for `symbols` symbols.
    fn reserve(&mut self, symbols: usize) {
        self.entries.reserve_exact(symbols);
        self.index.reserve(symbols, |_| 0);
    }

    fn name_of(&self, entry: &Entry) -> &str {
        entry.name(&self.names)
    }

    fn position(&self, full_name: &str) -> Option<usize> {
        self.position_hashed(full_name, name_hash(full_name))
    }

    /// [`SymbolTable::position`], with the name's hash already known.
    fn position_hashed(&self, full_name: &str, hash: u64) -> Option<usize> {
        let position = self.index.find(hash, |&i| {
            self.name_of(&self.entries[i as usize]) == full_name
        })?;
        Some(*position as usize)
    }

    pub fn get(&self, full_name: &str) -> Option<&Symbol> {
        Some(&self.entries[self.position(full_name)?].symbol)
    }

    /// Adds `symbol` under `full_name` (whose hash is `hash`), which the
    /// table does not hold yet.
    fn insert_new_hashed(&mut self, full_name: &str, hash: u64, symbol: Symbol) {
        // Positions are 32-bit: four billion symbols would take over a
        // hundred GiB of entries, which no allocation gets to.
        let Ok(position) = u32::try_from(self.entries.len()) else {
            return;
        };
        let fits = self
            .names
            .last()
            .is_some_and(|chunk| chunk.capacity() - chunk.len() >= full_name.len());
        if !fits {
            self.names
                .push(String::with_capacity(NAMES_CHUNK.max(full_name.len())));
        }
        let name_chunk = self.names.len() - 1;
        let chunk = &mut self.names[name_chunk];
        let (Ok(name_chunk), Ok(name_start), Ok(name_len)) = (
            u32::try_from(name_chunk),
            u32::try_from(chunk.len()),
            u32::try_from(full_name.len()),
        ) else {
            return;
        };
        self.entries.push(Entry {
            name_chunk,
            name_start,
            name_len,
            symbol,
        });
        chunk.push_str(full_name);
        let (names, entries) = (&self.names, &self.entries);
        self.index.insert_unique(hash, position, |&i| {
            name_hash(entries[i as usize].name(names))
        });
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Whether `file` declares package `name` or one inside it.
    pub fn package_declared_in(&self, name: &str, file: FileId) -> bool {
        self.package_files
            .get(name)
            .is_some_and(|files| files.contains(&file))
    }

    /// All names, for "did you mean" suggestions.
    pub fn names(&self) -> impl Iterator<Item = (&str, &Symbol)> {
        self.entries
            .iter()
            .map(|entry| (self.name_of(entry), &entry.symbol))
    }
}

/// Collects the symbols of files in dependency order, reporting conflicts.
pub struct Collector<'a> {
    pub table: SymbolTable,
    sources: &'a SourceMap,
    pub diagnostics: Vec<Diagnostic>,
    file: FileId,
}

/// The package `file` declares, dotted, or empty.
pub fn package_name(source: &crate::source::SourceFile, file: &ast::File) -> String {
    file.items
        .iter()
        .find_map(|item| match item {
            ast::Item::Package(p) => Some(
                p.name
                    .parts
                    .iter()
                    .map(|part| source.text(part.span))
                    .collect::<Vec<_>>()
                    .join("."),
            ),
            _ => None,
        })
        .unwrap_or_default()
}

pub fn join(scope: &str, name: &str) -> String {
    if scope.is_empty() {
        name.to_owned()
    } else {
        let mut full = String::with_capacity(scope.len() + 1 + name.len());
        full.push_str(scope);
        full.push('.');
        full.push_str(name);
        full
    }
}

/// protoc's map entry name: `foo_bar` becomes `FooBarEntry`.
pub fn map_entry_name(field: &str) -> String {
    let mut out = String::with_capacity(field.len() + 5);
    let mut capitalize = true;
    for c in field.chars() {
        if c == '_' {
            capitalize = true;
        } else if capitalize {
            out.push(c.to_ascii_uppercase());
            capitalize = false;
        } else {
            out.push(c);
        }
    }
    out.push_str("Entry");
    out
}

/// About how many symbols and message types a file declares: room to make
/// in the tables before they are filled. A table that grows is rehashed,
/// which holds the old table and the new one at once, and on a large file
/// that moment was the peak of the run's memory.
#[derive(Clone, Copy, Debug, Default)]
pub struct DeclarationCount {
    pub symbols: usize,
    pub messages: usize,
}

impl DeclarationCount {
    /// The declarations of `file`, nested ones included (walked with an
    /// explicit stack, as nesting is deep in hostile files).
    pub fn of(file: &ast::File) -> DeclarationCount {
        let mut count = DeclarationCount::default();
        let mut bodies: Vec<&[ast::MessageItem]> = Vec::new();
        for item in &file.items {
            match item {
                ast::Item::Package(p) => count.symbols += p.name.parts.len(),
                ast::Item::Message(m) => count.message(&m.body.items, &mut bodies),
                ast::Item::Enum(e) => count.symbols += 1 + e.items.len(),
                ast::Item::Service(s) => count.symbols += 1 + s.items.len(),
                ast::Item::Extend(e) => count.extend(e, &mut bodies),
                ast::Item::Import(_) | ast::Item::Option(_) => {}
            }
        }
        while let Some(items) = bodies.pop() {
            for item in items {
                match item {
                    ast::MessageItem::Field(f) => count.field(f),
                    ast::MessageItem::Group(g) => count.group(g, &mut bodies),
                    ast::MessageItem::Oneof(o) => {
                        count.symbols += 1;
                        for item in &o.items {
                            match item {
                                ast::OneofItem::Field(f) => count.field(f),
                                ast::OneofItem::Group(g) => count.group(g, &mut bodies),
                                ast::OneofItem::Option(_) => {}
                            }
                        }
                    }
                    ast::MessageItem::Message(m) => count.message(&m.body.items, &mut bodies),
                    ast::MessageItem::Enum(e) => count.symbols += 1 + e.items.len(),
                    ast::MessageItem::Extend(e) => count.extend(e, &mut bodies),
                    ast::MessageItem::Extensions(_)
                    | ast::MessageItem::Reserved(_)
                    | ast::MessageItem::Option(_) => {}
                }
            }
        }
        count
    }

    fn message<'f>(
        &mut self,
        items: &'f [ast::MessageItem],
        bodies: &mut Vec<&'f [ast::MessageItem]>,
    ) {
        self.symbols += 1;
        self.messages += 1;
        bodies.push(items);
    }

    /// A field, and a map field's entry message with its two fields.
    fn field(&mut self, field: &ast::Field) {
        self.symbols += 1;
        if matches!(field.ty, ast::FieldType::Map(_)) {
            self.symbols += 3;
            self.messages += 1;
        }
    }

    /// A group: its field and its message.
    fn group<'f>(&mut self, group: &'f ast::Group, bodies: &mut Vec<&'f [ast::MessageItem]>) {
        self.symbols += 1;
        self.message(&group.body.items, bodies);
    }

    fn extend<'f>(&mut self, extend: &'f ast::Extend, bodies: &mut Vec<&'f [ast::MessageItem]>) {
        for item in &extend.items {
            match item {
                ast::ExtendItem::Field(f) => self.field(f),
                ast::ExtendItem::Group(g) => self.group(g, bodies),
            }
        }
    }
}

impl std::ops::Add for DeclarationCount {
    type Output = DeclarationCount;

    fn add(self, other: DeclarationCount) -> DeclarationCount {
        DeclarationCount {
            symbols: self.symbols + other.symbols,
            messages: self.messages + other.messages,
        }
    }
}

impl<'a> Collector<'a> {
    /// A collector with room for `symbols` symbols.
    pub fn new(sources: &'a SourceMap, symbols: usize) -> Collector<'a> {
        let mut table = SymbolTable::default();
        table.reserve(symbols);
        Collector {
            table,
            sources,
            diagnostics: Vec::new(),
            file: FileId(0),
        }
    }

    /// Adds the symbols of one file (see [`Declarations`]), reporting each
    /// that conflicts with one added before.
    pub fn declare(&mut self, declarations: &Declarations) {
        self.file = declarations.file;
        for declaration in &declarations.symbols {
            let name = declarations.name(declaration);
            if declaration.kind == SymbolKind::Package {
                self.table
                    .package_files
                    .entry(name.to_owned())
                    .or_default()
                    .push(self.file);
            }
            let reported = self.diagnostics.len();
            self.add(name, declaration);
            if let Some((field, entry)) = declarations.map_field(declaration) {
                // A map entry has no position in the source, so protoc
                // reports its conflicts without one.
                for diagnostic in &mut self.diagnostics[reported..] {
                    diagnostic.protoc_offset = None;
                    diagnostic.notes.push(format!(
                        "map field `{field}` synthesizes a nested message named `{entry}`"
                    ));
                }
            }
        }
    }

    fn add(&mut self, full_name: &str, declaration: &Declaration) {
        let Declaration {
            kind, reach, span, ..
        } = *declaration;
        if let Some(position) = self.table.position_hashed(full_name, declaration.hash) {
            let existing = self.table.entries[position].symbol;
            if existing.kind == SymbolKind::Package && kind == SymbolKind::Package {
                return;
            }
            self.conflict(full_name, kind, span, existing);
            return;
        }
        self.table.insert_new_hashed(
            full_name,
            declaration.hash,
            Symbol {
                kind,
                reach,
                file: self.file,
                span,
            },
        );
    }

    fn conflict(&mut self, full_name: &str, kind: SymbolKind, span: Span, existing: Symbol) {
        let other_file = self.sources.get(existing.file).name().to_owned();
        let protoc = if existing.kind == SymbolKind::Package || kind == SymbolKind::Package {
            format!(
                "\"{full_name}\" is already defined (as something other than a package) in \
                 file \"{other_file}\"."
            )
        } else if existing.file == self.file {
            match full_name.rsplit_once('.') {
                Some((scope, name)) => format!("\"{name}\" is already defined in \"{scope}\"."),
                None => format!("\"{full_name}\" is already defined."),
            }
        } else {
            format!("\"{full_name}\" is already defined in file \"{other_file}\".")
        };
        let short = full_name.rsplit('.').next().unwrap_or(full_name);
        let mut diagnostic = Diagnostic::error(
            Code::DuplicateSymbol,
            self.file,
            span,
            if existing.kind == kind {
                format!("the {} `{short}` is defined twice", kind.describe())
            } else {
                format!(
                    "the name `{short}` is used by a {} and a {}",
                    existing.kind.describe(),
                    kind.describe()
                )
            },
        )
        .protoc(protoc)
        .label(format!("`{full_name}` redefined here"));
        if existing.file == self.file {
            diagnostic = diagnostic.secondary(existing.span, "first defined here");
        } else {
            diagnostic =
                diagnostic.note(format!("`{full_name}` is first defined in `{other_file}`"));
        }
        if kind == SymbolKind::EnumValue || existing.kind == SymbolKind::EnumValue {
            diagnostic = diagnostic.note(
                "enum values are scoped like C++ enums: they are siblings of their enum, so \
                 they must be unique in the enclosing scope",
            );
        }
        self.diagnostics.push(diagnostic);
    }
}

/// One file's symbols with their full names, in the order protoc's
/// descriptor builder adds them (which decides which of two duplicates is
/// reported). Made from the file's syntax tree alone, and so made for
/// every file of a run at once, in parallel, before [`Collector::declare`]
/// adds them in build order: naming a symbol (its text, its scope's name,
/// its hash) is most of the cost of adding it.
pub struct Declarations {
    file: FileId,
    /// Every full name, one after another.
    names: String,
    symbols: Vec<Declaration>,
    /// The map fields whose entry messages are declared: the field's name
    /// and the entry's.
    map_fields: Vec<(String, String)>,
}

pub struct Declaration {
    /// Where its name is in [`Declarations::names`].
    name_start: u32,
    name_len: u32,
    hash: u64,
    kind: SymbolKind,
    reach: Reach,
    span: Span,
    /// For the symbols of a map entry, its field in
    /// [`Declarations::map_fields`], plus one; else 0.
    map_field: u32,
}

impl Declarations {
    /// The symbols `file` (numbered `id`) declares: the package, then
    /// messages, enums, services, extensions.
    pub fn of(source: &crate::source::SourceFile, id: FileId, file: &ast::File) -> Declarations {
        let options = file.items.iter().filter_map(|item| match item {
            ast::Item::Option(o) => Some(o),
            _ => None,
        });
        let default_visibility = super::validate::Features::defaults(file.syntax())
            .with(source, options)
            .resolved
            .default_symbol_visibility();
        let mut namer = Namer {
            source,
            default_visibility,
            map_field: 0,
            out: Declarations {
                file: id,
                names: String::new(),
                symbols: Vec::with_capacity(DeclarationCount::of(file).symbols),
                map_fields: Vec::new(),
            },
        };
        namer.file(file);
        namer.out
    }

    fn name(&self, declaration: &Declaration) -> &str {
        let start = declaration.name_start as usize;
        self.names
            .get(start..start + declaration.name_len as usize)
            .unwrap_or_default()
    }

    fn map_field(&self, declaration: &Declaration) -> Option<&(String, String)> {
        let index = (declaration.map_field as usize).checked_sub(1)?;
        self.map_fields.get(index)
    }
}

/// Walks a file's declarations for [`Declarations::of`].
struct Namer<'s> {
    source: &'s crate::source::SourceFile,
    /// The file's `default_symbol_visibility`.
    default_visibility: pb::feature_set::visibility_feature::DefaultSymbolVisibility,
    /// The map field whose entry is being declared (see
    /// [`Declaration::map_field`]).
    map_field: u32,
    out: Declarations,
}

impl Namer<'_> {
    fn text(&self, ident: Ident) -> std::borrow::Cow<'_, str> {
        self.source.text(ident.span)
    }

    /// Declares `scope.name` (or `name` at the top level).
    fn add(&mut self, scope: &str, name: &str, kind: SymbolKind, span: Span, reach: Reach) {
        let names = &mut self.out.names;
        let start = names.len();
        if !scope.is_empty() {
            names.push_str(scope);
            names.push('.');
        }
        names.push_str(name);
        let full_name = &names[start..];
        // Offsets are 32-bit, as spans are: a file's names longer than
        // 4 GiB would take more memory than any run has.
        let (Ok(name_start), Ok(name_len)) = (u32::try_from(start), u32::try_from(full_name.len()))
        else {
            return;
        };
        let hash = name_hash(full_name);
        self.out.symbols.push(Declaration {
            name_start,
            name_len,
            hash,
            kind,
            reach,
            span,
            map_field: self.map_field,
        });
    }

    fn file(&mut self, file: &ast::File) {
        let package = file.items.iter().find_map(|item| match item {
            ast::Item::Package(p) => Some(p),
            _ => None,
        });
        let mut scope = String::new();
        if let Some(package) = package {
            for part in &package.name.parts {
                // protoc reports package conflicts at the `package` statement.
                let text = self.text(*part).into_owned();
                self.add(
                    &scope,
                    &text,
                    SymbolKind::Package,
                    package.span,
                    Reach::Exported,
                );
                scope = join(&scope, &text);
            }
        }
        for item in &file.items {
            match item {
                ast::Item::Message(m) => {
                    self.message(&scope, m.name, &m.body.items, m.visibility, false)
                }
                // Groups of top-level `extend` blocks are top-level messages.
                ast::Item::Extend(e) => {
                    for item in &e.items {
                        if let ast::ExtendItem::Group(g) = item {
                            self.message(&scope, g.name, &g.body.items, None, false);
                        }
                    }
                }
                _ => {}
            }
        }
        for item in &file.items {
            if let ast::Item::Enum(e) = item {
                self.enumeration(&scope, e, false);
            }
        }
        for item in &file.items {
            if let ast::Item::Service(s) = item {
                self.service(&scope, s);
            }
        }
        for item in &file.items {
            if let ast::Item::Extend(e) = item {
                self.extend(&scope, e);
            }
        }
    }

    /// A message's symbols in protoc's `BuildMessage` order: oneofs,
    /// fields, enums, extensions, nested messages (groups and map entries
    /// included, in declaration order), and last the message itself.
    fn message(
        &mut self,
        scope: &str,
        name: Ident,
        items: &[ast::MessageItem],
        visibility: Option<(ast::Visibility, Span)>,
        nested: bool,
    ) {
        let full = join(scope, &self.text(name));
        for item in items {
            if let ast::MessageItem::Oneof(o) = item {
                let text = self.text(o.name).into_owned();
                self.add(
                    &full,
                    &text,
                    SymbolKind::Oneof,
                    o.name.span,
                    Reach::Exported,
                );
            }
        }
        for_each_field(items, &mut |field| {
            let (text, span) = match field {
                FieldRef::Field(f) => (self.text(f.name).into_owned(), f.name.span),
                FieldRef::Group(g) => (self.text(g.name).to_ascii_lowercase(), g.name.span),
            };
            self.add(&full, &text, SymbolKind::Field, span, Reach::Exported);
        });
        for item in items {
            if let ast::MessageItem::Enum(e) = item {
                self.enumeration(&full, e, true);
            }
        }
        for item in items {
            if let ast::MessageItem::Extend(e) = item {
                self.extend(&full, e);
            }
        }
        for_each_nested_message(items, &mut |nested| match nested {
            NestedRef::Message(m) => self.message(&full, m.name, &m.body.items, m.visibility, true),
            NestedRef::Group(g) => self.message(&full, g.name, &g.body.items, None, true),
            NestedRef::MapEntry(f) => self.map_entry(&full, f),
        });
        let reach = self.reach(visibility, nested);
        let (scope, short) = full.rsplit_once('.').unwrap_or(("", &full));
        self.add(scope, short, SymbolKind::Message, name.span, reach);
    }

    fn reach(&self, visibility: Option<(ast::Visibility, Span)>, nested: bool) -> Reach {
        Reach::of(visibility.map(|(v, _)| v), nested, self.default_visibility)
    }

    /// The entry message a map field synthesizes, its fields first.
    fn map_entry(&mut self, scope: &str, field: &ast::Field) {
        let field_name = self.text(field.name).into_owned();
        let entry_name = map_entry_name(&field_name);
        let entry = join(scope, &entry_name);
        self.out.map_fields.push((field_name, entry_name.clone()));
        self.map_field = u32::try_from(self.out.map_fields.len()).unwrap_or(0);
        let span = field.name.span;
        self.add(&entry, "key", SymbolKind::Field, span, Reach::Exported);
        self.add(&entry, "value", SymbolKind::Field, span, Reach::Exported);
        let reach = self.reach(None, true);
        self.add(scope, &entry_name, SymbolKind::Message, span, reach);
        self.map_field = 0;
    }

    /// Values first, then the enum, as protoc's `BuildEnum` adds them.
    fn enumeration(&mut self, scope: &str, e: &ast::Enum, nested: bool) {
        for item in &e.items {
            if let ast::EnumItem::Value(v) = item {
                // C++ scoping: values are siblings of their enum.
                let text = self.text(v.name).into_owned();
                self.add(
                    scope,
                    &text,
                    SymbolKind::EnumValue,
                    v.name.span,
                    Reach::Exported,
                );
            }
        }
        let reach = self.reach(e.visibility, nested);
        let text = self.text(e.name).into_owned();
        self.add(scope, &text, SymbolKind::Enum, e.name.span, reach);
    }

    /// Methods first, then the service, as protoc's `BuildService` adds them.
    fn service(&mut self, scope: &str, s: &ast::Service) {
        let full = join(scope, &self.text(s.name));
        for item in &s.items {
            if let ast::ServiceItem::Rpc(rpc) = item {
                let text = self.text(rpc.name).into_owned();
                self.add(
                    &full,
                    &text,
                    SymbolKind::Method,
                    rpc.name.span,
                    Reach::Exported,
                );
            }
        }
        let (scope, short) = full.rsplit_once('.').unwrap_or(("", &full));
        self.add(
            scope,
            short,
            SymbolKind::Service,
            s.name.span,
            Reach::Exported,
        );
    }

    fn extend(&mut self, scope: &str, e: &ast::Extend) {
        for item in &e.items {
            let (text, span) = match item {
                ast::ExtendItem::Field(f) => (self.text(f.name).into_owned(), f.name.span),
                ast::ExtendItem::Group(g) => (self.text(g.name).to_ascii_lowercase(), g.name.span),
            };
            self.add(scope, &text, SymbolKind::Field, span, Reach::Exported);
        }
    }
}

/// A field declaration, wherever it sits in a message.
pub enum FieldRef<'a> {
    Field(&'a ast::Field),
    Group(&'a ast::Group),
}

/// The fields of a message in declaration order, oneof members included:
/// the order of `DescriptorProto.field`.
pub fn for_each_field<'a>(items: &'a [ast::MessageItem], f: &mut impl FnMut(FieldRef<'a>)) {
    for item in items {
        match item {
            ast::MessageItem::Field(field) => f(FieldRef::Field(field)),
            ast::MessageItem::Group(group) => f(FieldRef::Group(group)),
            ast::MessageItem::Oneof(oneof) => {
                for item in &oneof.items {
                    match item {
                        ast::OneofItem::Field(field) => f(FieldRef::Field(field)),
                        ast::OneofItem::Group(group) => f(FieldRef::Group(group)),
                        ast::OneofItem::Option(_) => {}
                    }
                }
            }
            _ => {}
        }
    }
}

/// A nested message declaration: the order of `DescriptorProto.nested_type`.
pub enum NestedRef<'a> {
    Message(&'a ast::Message),
    Group(&'a ast::Group),
    /// The entry message of a map field.
    MapEntry(&'a ast::Field),
}

pub fn for_each_nested_message<'a>(
    items: &'a [ast::MessageItem],
    f: &mut impl FnMut(NestedRef<'a>),
) {
    for item in items {
        match item {
            ast::MessageItem::Message(m) => f(NestedRef::Message(m)),
            ast::MessageItem::Group(g) => f(NestedRef::Group(g)),
            ast::MessageItem::Field(field) if matches!(field.ty, ast::FieldType::Map(_)) => {
                f(NestedRef::MapEntry(field))
            }
            ast::MessageItem::Oneof(oneof) => {
                for item in &oneof.items {
                    if let ast::OneofItem::Group(g) = item {
                        f(NestedRef::Group(g));
                    }
                }
            }
            // Groups declared in a nested `extend` are nested types too.
            ast::MessageItem::Extend(extend) => {
                for item in &extend.items {
                    if let ast::ExtendItem::Group(g) = item {
                        f(NestedRef::Group(g));
                    }
                }
            }
            _ => {}
        }
    }
}
