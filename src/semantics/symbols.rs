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

struct Entry {
    /// Which string of names holds it.
    name_chunk: usize,
    name_start: usize,
    name_len: usize,
    symbol: Symbol,
}

/// The capacity of each string of names (a longer name gets a string of its
/// own length).
const NAMES_CHUNK: usize = 1 << 20;

impl Entry {
    /// Its name, in the table's strings of names.
    fn name<'n>(&self, names: &'n [String]) -> &'n str {
        names
            .get(self.name_chunk)
            .and_then(|chunk| chunk.get(self.name_start..self.name_start + self.name_len))
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
        let position = self.index.find(name_hash(full_name), |&i| {
            self.name_of(&self.entries[i as usize]) == full_name
        })?;
        Some(*position as usize)
    }

    pub fn get(&self, full_name: &str) -> Option<&Symbol> {
        Some(&self.entries[self.position(full_name)?].symbol)
    }

    /// Adds `symbol` under `full_name`, which the table does not hold yet.
    fn insert_new(&mut self, full_name: &str, symbol: Symbol) {
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
        self.entries.push(Entry {
            name_chunk,
            name_start: chunk.len(),
            name_len: full_name.len(),
            symbol,
        });
        chunk.push_str(full_name);
        let (names, entries) = (&self.names, &self.entries);
        self.index
            .insert_unique(name_hash(full_name), position, |&i| {
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
    /// The file's `default_symbol_visibility`.
    default_visibility: pb::feature_set::visibility_feature::DefaultSymbolVisibility,
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
            default_visibility: Default::default(),
        }
    }

    fn text(&self, ident: Ident) -> String {
        self.sources.get(self.file).text(ident.span).into_owned()
    }

    fn add(&mut self, full_name: String, kind: SymbolKind, span: Span) {
        self.add_reaching(full_name, kind, span, Reach::Exported);
    }

    fn add_reaching(&mut self, full_name: String, kind: SymbolKind, span: Span, reach: Reach) {
        if let Some(existing) = self.table.get(&full_name) {
            let existing = *existing;
            if existing.kind == SymbolKind::Package && kind == SymbolKind::Package {
                return;
            }
            self.conflict(&full_name, kind, span, existing);
            return;
        }
        self.table.insert_new(
            &full_name,
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

    /// Adds the symbols of one file, in the order protoc's descriptor
    /// builder adds them (which decides which of two duplicates is
    /// reported): the package, then messages, enums, services, extensions.
    pub fn file(&mut self, id: FileId, file: &ast::File) {
        self.file = id;
        let options = file.items.iter().filter_map(|item| match item {
            ast::Item::Option(o) => Some(o),
            _ => None,
        });
        self.default_visibility = super::validate::Features::defaults(file.syntax())
            .with(self.sources.get(id), options)
            .resolved
            .default_symbol_visibility();
        let package = file.items.iter().find_map(|item| match item {
            ast::Item::Package(p) => Some(p),
            _ => None,
        });
        let mut scope = String::new();
        if let Some(package) = package {
            for part in &package.name.parts {
                scope = join(&scope, &self.text(*part));
                self.table
                    .package_files
                    .entry(scope.clone())
                    .or_default()
                    .push(id);
                // protoc reports package conflicts at the `package` statement.
                self.add(scope.clone(), SymbolKind::Package, package.span);
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
                self.add(
                    join(&full, &self.text(o.name)),
                    SymbolKind::Oneof,
                    o.name.span,
                );
            }
        }
        for_each_field(items, &mut |field| match field {
            FieldRef::Field(f) => {
                let name = self.text(f.name);
                self.add(join(&full, &name), SymbolKind::Field, f.name.span);
            }
            FieldRef::Group(g) => {
                let name = self.text(g.name).to_ascii_lowercase();
                self.add(join(&full, &name), SymbolKind::Field, g.name.span);
            }
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
        self.add_reaching(full, SymbolKind::Message, name.span, reach);
    }

    fn reach(&self, visibility: Option<(ast::Visibility, Span)>, nested: bool) -> Reach {
        Reach::of(visibility.map(|(v, _)| v), nested, self.default_visibility)
    }

    /// The entry message a map field synthesizes. It has no position in
    /// the source, so protoc reports its conflicts without one.
    fn map_entry(&mut self, scope: &str, field: &ast::Field) {
        let field_name = self.text(field.name);
        let entry_name = map_entry_name(&field_name);
        let entry = join(scope, &entry_name);
        let reported = self.diagnostics.len();
        self.add(join(&entry, "key"), SymbolKind::Field, field.name.span);
        self.add(join(&entry, "value"), SymbolKind::Field, field.name.span);
        let reach = self.reach(None, true);
        self.add_reaching(entry, SymbolKind::Message, field.name.span, reach);
        for diagnostic in &mut self.diagnostics[reported..] {
            diagnostic.protoc_offset = None;
            diagnostic.notes.push(format!(
                "map field `{field_name}` synthesizes a nested message named `{entry_name}`"
            ));
        }
    }

    /// Values first, then the enum, as protoc's `BuildEnum` adds them.
    fn enumeration(&mut self, scope: &str, e: &ast::Enum, nested: bool) {
        for item in &e.items {
            if let ast::EnumItem::Value(v) = item {
                // C++ scoping: values are siblings of their enum.
                let name = join(scope, &self.text(v.name));
                self.add(name, SymbolKind::EnumValue, v.name.span);
            }
        }
        let reach = self.reach(e.visibility, nested);
        self.add_reaching(
            join(scope, &self.text(e.name)),
            SymbolKind::Enum,
            e.name.span,
            reach,
        );
    }

    /// Methods first, then the service, as protoc's `BuildService` adds them.
    fn service(&mut self, scope: &str, s: &ast::Service) {
        let full = join(scope, &self.text(s.name));
        for item in &s.items {
            if let ast::ServiceItem::Rpc(rpc) = item {
                let name = join(&full, &self.text(rpc.name));
                self.add(name, SymbolKind::Method, rpc.name.span);
            }
        }
        self.add(full, SymbolKind::Service, s.name.span);
    }

    fn extend(&mut self, scope: &str, e: &ast::Extend) {
        for item in &e.items {
            match item {
                ast::ExtendItem::Field(f) => self.add(
                    join(scope, &self.text(f.name)),
                    SymbolKind::Field,
                    f.name.span,
                ),
                ast::ExtendItem::Group(g) => {
                    let name = self.text(g.name).to_ascii_lowercase();
                    self.add(join(scope, &name), SymbolKind::Field, g.name.span);
                }
            }
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
