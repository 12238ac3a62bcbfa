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
        }
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

    fn reference(&mut self, name: &FullIdent, relative_to: &str, reference: Reference) {
        let written = self.full_ident(name);
        let scope = Scope {
            table: self.table,
            file: self.file,
            visible: self.visible,
        };
        let mode = match reference {
            Reference::FieldType | Reference::MapEntryType => Mode::Types,
            Reference::Extendee | Reference::MethodType => Mode::All,
        };
        let result = scope.lookup(&written, relative_to, mode);
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
                if let Some(suggestion) = self.suggest(&written, reference) {
                    diagnostic = diagnostic
                        .help(format!("did you mean `{suggestion}`?"))
                        .fix(name.span, suggestion);
                } else if let Some(help) = self.builtin_import(&written) {
                    diagnostic = help(diagnostic);
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

    /// For a type of a built-in file (a well-known type) the file does not
    /// import: the import to add, as help and a fix.
    fn builtin_import(&self, written: &str) -> Option<impl FnOnce(Diagnostic) -> Diagnostic> {
        let full = written.trim_start_matches('.');
        let (full, file) = match crate::builtin::file_defining(full) {
            Some(file) => (full.to_owned(), file),
            // `Timestamp` for `google.protobuf.Timestamp`.
            None if !full.contains('.') => {
                let qualified = format!("google.protobuf.{full}");
                let file = crate::builtin::file_defining(&qualified)?;
                (qualified, file)
            }
            None => return None,
        };
        let import_at = Span::point(self.import_at);
        let written = written.to_owned();
        Some(move |diagnostic: Diagnostic| {
            let help = if full == written.trim_start_matches('.') {
                format!("`{full}` is defined in `{file}`: add `import \"{file}\";`")
            } else {
                format!(
                    "`{full}` is defined in `{file}`: add `import \"{file}\";` and write \
                     `{full}`"
                )
            };
            diagnostic
                .help(help)
                .fix(import_at, format!("\nimport \"{file}\";"))
        })
    }

    /// The visible name closest to `written`, for "did you mean"; where a
    /// field's type is written, a scalar type counts too (`strng`,
    /// `Int32`, `uint`).
    fn suggest(&self, written: &str, reference: Reference) -> Option<String> {
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
                (distance <= max).then(|| (distance, short.to_owned()))
            })
            .min();
        let scalar = (field_type && !written.contains('.'))
            .then(|| closest_scalar(written))
            .flatten();
        match (declared, scalar) {
            // A scalar wins a tie: `Int32` is more likely `int32` than a
            // message `Int3`.
            (Some((distance, name)), Some((scalar_distance, _))) if distance < scalar_distance => {
                Some(name)
            }
            (_, Some((_, scalar))) => Some(scalar.to_owned()),
            (declared, None) => declared.map(|(_, name)| name),
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
