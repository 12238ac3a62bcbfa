//! protoc's descriptor rules: field numbers, ranges, reserved names and
//! numbers, JSON names, enums, maps, proto3 and editions restrictions.
//!
//! protoc checks these in three passes over a file, and so do we, so that
//! errors come out in protoc's order:
//! - [`Validator::build`] while descriptors are built (numbers, ranges,
//!   reserved, empty enums), before names are resolved;
//! - [`Validator::link`] after resolution (duplicate numbers, extension
//!   ranges of the extendee, defaults of message and enum fields);
//! - [`Validator::options`] after options are interpreted (proto3 and
//!   editions rules, maps, JSON names, enum zero and alias rules).
//!
//! Everything is read from the syntax tree plus the resolved type names;
//! facts about other files (an extendee's ranges, whether an enum is
//! closed) come from the run-wide [`Registry`], filled as files are built
//! in dependency order.

mod build;
mod features;
mod link;
mod naming;
mod options;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use super::shape::{is_message_set, range_end, range_max, IMPLEMENTATION_RESERVED};
use super::symbols::{for_each_nested_message, join, map_entry_name, NestedRef};
use super::ResolvedType;
use crate::diagnostics::{Code, Diagnostic};
use crate::source::{FileId, SourceFile, Span};
use crate::syntax::ast::{self, Syntax};
pub use features::Features;
pub use link::ExtensionCheck;

/// What later files need to know about a file's messages and enums.
#[derive(Default)]
pub struct Registry {
    messages: HashMap<String, MessageFacts>,
    enums: HashMap<String, EnumFacts>,
    /// Extensions by extendee and number: the extension's full name, its
    /// file and the file's name.
    extensions: HashMap<(String, i32), (String, FileId, String)>,
    /// Synthesized map entry messages, with the map field they belong to.
    map_entries: HashMap<String, String>,
    /// The files with `optimize_for = LITE_RUNTIME`.
    lite_files: HashSet<FileId>,
}

struct MessageFacts {
    /// Extension ranges, end exclusive.
    extension_ranges: Vec<(i32, i32)>,
    message_set: bool,
    /// Whether the message's file is lite (`optimize_for = LITE_RUNTIME`).
    lite: bool,
}

struct EnumFacts {
    closed: bool,
    /// The values' names, in declaration order, each followed by a space
    /// (one string per enum rather than one per value: a large run has
    /// hundreds of thousands).
    value_names: String,
    value_numbers: Vec<i32>,
}

impl EnumFacts {
    /// The values, in declaration order: name and number.
    fn values(&self) -> impl Iterator<Item = (&str, i32)> {
        self.value_names
            .split_terminator(' ')
            .zip(self.value_numbers.iter().copied())
    }
}

/// One message of the file being validated, with its scope's features.
struct MessageView<'f> {
    full_name: String,
    name: ast::Ident,
    items: &'f [ast::MessageItem],
    features: Features,
    message_set: bool,
}

/// One enum of the file, with its resolved features.
struct EnumView<'f> {
    /// The scope its values live in: the enclosing message or package.
    scope: String,
    full_name: String,
    decl: &'f ast::Enum,
    features: Features,
}

/// A field or extension declaration, whether written as a field or a group.
#[derive(Clone)]
struct FieldView<'f> {
    name: String,
    name_span: Span,
    number: i32,
    number_span: Span,
    /// Where protoc reports type errors: the type's first token.
    type_span: Span,
    label: Option<ast::Label>,
    ty: FieldTy<'f>,
    options: &'f ast::FieldOptions,
    in_oneof: bool,
}

#[derive(Clone, Copy)]
enum FieldTy<'f> {
    Scalar(ast::ScalarType),
    Named(&'f ast::FullIdent),
    Map(&'f ast::MapType),
    Group,
}

/// An extension, with the block it is declared in.
struct ExtensionView<'f> {
    field: FieldView<'f>,
    /// The full name of the extension (scoped like a sibling of the block).
    full_name: String,
    extendee: &'f ast::FullIdent,
    /// protoc records the extendee's position for the first field of an
    /// `extend` block only.
    first_in_block: bool,
    /// The features of the scope the block is declared in.
    features: Features,
}

impl<'f> FieldView<'f> {
    fn of_field(source: &SourceFile, field: &'f ast::Field, in_oneof: bool) -> FieldView<'f> {
        FieldView {
            name: source.text(field.name.span).into_owned(),
            name_span: field.name.span,
            number: field.number.as_i32(),
            number_span: field.number.span,
            type_span: field.ty.span(),
            label: field.label.map(|(label, _)| label),
            ty: match &field.ty {
                ast::FieldType::Scalar(scalar, _) => FieldTy::Scalar(*scalar),
                ast::FieldType::Named(name) => FieldTy::Named(name),
                ast::FieldType::Map(map) => FieldTy::Map(map),
            },
            options: &field.options,
            in_oneof,
        }
    }

    fn of_group(source: &SourceFile, group: &'f ast::Group, in_oneof: bool) -> FieldView<'f> {
        FieldView {
            name: source.text(group.name.span).to_ascii_lowercase(),
            name_span: group.name.span,
            number: group.number.as_i32(),
            number_span: group.number.span,
            type_span: group.keyword,
            label: group.label.map(|(label, _)| label),
            ty: FieldTy::Group,
            options: &group.options,
            in_oneof,
        }
    }

    fn repeated(&self) -> bool {
        self.label == Some(ast::Label::Repeated) || matches!(self.ty, FieldTy::Map(_))
    }
}

/// One file's checks. The run's [`Registry`] is only read: a file's facts
/// ([`Validator::facts`]) and the extension numbers it claims
/// ([`Registry::claim_extensions`]) are recorded by the caller, in build
/// order, so that files are checked in parallel.
pub struct Validator<'a> {
    source: &'a SourceFile,
    file: FileId,
    syntax: Syntax,
    syntax_decl: Option<&'a ast::SyntaxDecl>,
    resolved: &'a HashMap<(FileId, u32), ResolvedType>,
    registry: &'a Registry,
    messages: Vec<MessageView<'a>>,
    enums: Vec<EnumView<'a>>,
    extensions: Vec<ExtensionView<'a>>,
    /// The file's own features, over its edition's defaults.
    file_features: Features,
    /// Whether the file sets `optimize_for = LITE_RUNTIME`.
    lite: bool,
    /// Where the file sets `java_string_check_utf8 = true`, if it does.
    java_string_check_utf8: Option<Span>,
    pub diagnostics: Vec<Diagnostic>,
}

impl<'a> Validator<'a> {
    /// Gathers the declarations of `file`.
    pub fn new(
        source: &'a SourceFile,
        file: FileId,
        ast: &'a ast::File,
        resolved: &'a HashMap<(FileId, u32), ResolvedType>,
        registry: &'a Registry,
    ) -> Validator<'a> {
        let syntax = ast.syntax();
        let mut validator = Validator {
            source,
            file,
            syntax,
            syntax_decl: ast.syntax_decl.as_ref(),
            resolved,
            registry,
            messages: Vec::new(),
            enums: Vec::new(),
            extensions: Vec::new(),
            file_features: Features::defaults(syntax),
            lite: false,
            java_string_check_utf8: None,
            diagnostics: Vec::new(),
        };
        validator.gather(ast);
        validator
    }

    /// Whether the file is lite: protoc's `IsLite`, the file option
    /// `optimize_for = LITE_RUNTIME`, in any syntax or edition.
    fn file_is_lite<'o>(
        &self,
        file_options: impl IntoIterator<Item = &'o ast::OptionDecl>,
    ) -> bool {
        self.option_value(file_options, "optimize_for")
            .is_some_and(|(value, _)| value == "LITE_RUNTIME")
    }

    fn registry(&self) -> &Registry {
        self.registry
    }

    fn text(&self, span: Span) -> String {
        self.source.text(span).into_owned()
    }

    fn resolved(&self, name: &ast::FullIdent) -> Option<&'a ResolvedType> {
        self.resolved.get(&(self.file, name.span.start))
    }

    /// The file's package, dotted, or empty.
    fn package_name(&self, file: &ast::File) -> String {
        super::symbols::package_name(self.source, file)
    }

    /// Collects messages (groups included, map entries not), enums and
    /// extensions, parents before children.
    fn gather(&mut self, file: &'a ast::File) {
        let package = self.package_name(file);
        let file_options = file.items.iter().filter_map(|item| match item {
            ast::Item::Option(o) => Some(o),
            _ => None,
        });
        let features = Features::defaults(self.syntax).with(self.source, file_options.clone());
        self.file_features = features;
        self.lite = self.file_is_lite(file_options.clone());
        self.java_string_check_utf8 = self
            .option_value(file_options, "java_string_check_utf8")
            .filter(|(value, _)| value == "true")
            .map(|(_, span)| span);
        for item in &file.items {
            match item {
                ast::Item::Message(m) => {
                    self.gather_message(&package, m.name, &m.body.items, features)
                }
                ast::Item::Enum(e) => self.gather_enum(&package, e, features),
                ast::Item::Extend(e) => {
                    for item in &e.items {
                        if let ast::ExtendItem::Group(g) = item {
                            self.gather_message(&package, g.name, &g.body.items, features);
                        }
                    }
                    self.gather_extend(&package, e, features);
                }
                _ => {}
            }
        }
    }

    fn gather_message(
        &mut self,
        scope: &str,
        name: ast::Ident,
        items: &'a [ast::MessageItem],
        scope_features: Features,
    ) {
        let full_name = join(scope, &self.text(name.span));
        let features = scope_features.with(self.source, message_options(items));
        self.messages.push(MessageView {
            full_name: full_name.clone(),
            name,
            items,
            features,
            message_set: is_message_set(self.source, items),
        });
        for item in items {
            match item {
                ast::MessageItem::Enum(e) => self.gather_enum(&full_name, e, features),
                ast::MessageItem::Extend(e) => self.gather_extend(&full_name, e, features),
                _ => {}
            }
        }
        for_each_nested_message(items, &mut |nested| match nested {
            NestedRef::Message(m) => {
                self.gather_message(&full_name, m.name, &m.body.items, features)
            }
            NestedRef::Group(g) => self.gather_message(&full_name, g.name, &g.body.items, features),
            NestedRef::MapEntry(_) => {}
        });
    }

    fn gather_enum(&mut self, scope: &str, decl: &'a ast::Enum, scope_features: Features) {
        self.enums.push(EnumView {
            scope: scope.to_owned(),
            full_name: join(scope, &self.text(decl.name.span)),
            decl,
            features: scope_features.with(self.source, enum_options(decl)),
        });
    }

    fn gather_extend(&mut self, scope: &str, extend: &'a ast::Extend, features: Features) {
        for (index, item) in extend.items.iter().enumerate() {
            let field = match item {
                ast::ExtendItem::Field(f) => FieldView::of_field(self.source, f, false),
                ast::ExtendItem::Group(g) => FieldView::of_group(self.source, g, false),
            };
            self.extensions.push(ExtensionView {
                full_name: join(scope, &field.name),
                field,
                extendee: &extend.extendee,
                first_in_block: index == 0,
                features,
            });
        }
    }

    /// The fields of a message in declaration order, oneof members and
    /// groups included: the order of `DescriptorProto.field`.
    fn fields(&self, items: &'a [ast::MessageItem]) -> Vec<FieldView<'a>> {
        let mut fields = Vec::new();
        for item in items {
            match item {
                ast::MessageItem::Field(f) => {
                    fields.push(FieldView::of_field(self.source, f, false))
                }
                ast::MessageItem::Group(g) => {
                    fields.push(FieldView::of_group(self.source, g, false))
                }
                ast::MessageItem::Oneof(o) => {
                    for item in &o.items {
                        match item {
                            ast::OneofItem::Field(f) => {
                                fields.push(FieldView::of_field(self.source, f, true))
                            }
                            ast::OneofItem::Group(g) => {
                                fields.push(FieldView::of_group(self.source, g, true))
                            }
                            ast::OneofItem::Option(_) => {}
                        }
                    }
                }
                _ => {}
            }
        }
        fields
    }

    /// The resolved type of a named field type, with its kind.
    fn named_type(&self, field: &FieldView<'_>) -> Option<&'a ResolvedType> {
        match field.ty {
            FieldTy::Named(name) => self.resolved(name),
            _ => None,
        }
    }

    fn is_message_typed(&self, field: &FieldView<'_>) -> bool {
        match field.ty {
            FieldTy::Group | FieldTy::Map(_) => true,
            FieldTy::Named(_) => self
                .named_type(field)
                .is_some_and(|t| t.kind == super::symbols::SymbolKind::Message),
            FieldTy::Scalar(_) => false,
        }
    }

    /// The full name of the field's enum type, when it has one.
    fn enum_type(&self, field: &FieldView<'_>) -> Option<&'a str> {
        self.named_type(field)
            .filter(|t| t.kind == super::symbols::SymbolKind::Enum)
            .map(|t| t.full_name.as_str())
    }

    /// protoc's `is_packable`: a repeated scalar (not string or bytes) or
    /// enum.
    fn is_packable(&self, field: &FieldView<'_>) -> bool {
        field.label == Some(ast::Label::Repeated)
            && match field.ty {
                FieldTy::Scalar(s) => {
                    !matches!(s, ast::ScalarType::String | ast::ScalarType::Bytes)
                }
                FieldTy::Named(_) => self.enum_type(field).is_some(),
                FieldTy::Map(_) | FieldTy::Group => false,
            }
    }

    /// The value of a plain built-in option among `options`, e.g. `packed`.
    fn option_value<'o>(
        &self,
        options: impl IntoIterator<Item = &'o ast::OptionDecl>,
        name: &str,
    ) -> Option<(String, Span)> {
        options
            .into_iter()
            .find_map(|o| match o.name.parts.as_slice() {
                [ast::OptionNamePart::Field(n)] if self.source.text(n.span) == name => {
                    let value = match &o.value.kind {
                        ast::ValueKind::Ident(v) => self.text(v.span),
                        _ => String::new(),
                    };
                    Some((value, o.name.span))
                }
                _ => None,
            })
    }

    /// protoc rejects field numbers 19000 to 19999 after building, for the
    /// files named on the command line, without a position.
    pub fn implementation_reserved(&self) -> Vec<Diagnostic> {
        let (first, last) = IMPLEMENTATION_RESERVED;
        let message_fields = self.messages.iter().flat_map(|m| self.fields(m.items));
        let extension_fields = self.extensions.iter().map(|e| e.field.clone());
        message_fields
            .chain(extension_fields)
            .filter(|f| (first..=last).contains(&f.number))
            .map(|field| {
                Diagnostic::error(
                    Code::ImplementationReservedNumber,
                    self.file,
                    field.number_span,
                    format!(
                        "field number {} is reserved for the protobuf implementation",
                        field.number
                    ),
                )
                .protoc(format!(
                    "Field numbers {first} through {last} are reserved for the protocol buffer \
                     library implementation."
                ))
                .protoc_unpositioned()
                .label(format!("`{}` is numbered {}", field.name, field.number))
                .help(format!(
                    "field numbers {first} to {last} are reserved; use 20000 or more"
                ))
            })
            .collect()
    }
}

impl Validator<'_> {
    /// This file's messages, map entries and enums, for later files (and
    /// for itself: a file may use its own types before their declaration),
    /// to be recorded in build order ([`Registry::record`]). Made from the
    /// file alone, so every file's are made at once, in parallel.
    pub fn facts(&self) -> FileFacts {
        let mut facts = FileFacts {
            file: self.file,
            lite: self.lite,
            messages: Vec::with_capacity(self.messages.len()),
            enums: Vec::with_capacity(self.enums.len()),
            map_entries: Vec::new(),
        };
        for message in &self.messages {
            let max = range_max(message.message_set);
            let mut extension_ranges = Vec::new();
            for item in message.items {
                match item {
                    ast::MessageItem::Extensions(e) => extension_ranges.extend(
                        e.ranges
                            .iter()
                            .map(|r| (r.start.as_i32(), range_end(r, max))),
                    ),
                    ast::MessageItem::Field(f) if matches!(f.ty, ast::FieldType::Map(_)) => {
                        let field = self.source.text(f.name.span).into_owned();
                        let entry = join(&message.full_name, &map_entry_name(&field));
                        facts.map_entries.push((entry, field));
                    }
                    _ => {}
                }
            }
            facts.messages.push((
                message.full_name.clone(),
                MessageFacts {
                    extension_ranges,
                    message_set: message.message_set,
                    lite: self.lite,
                },
            ));
        }
        for e in &self.enums {
            let mut value_names = String::new();
            let mut value_numbers = Vec::new();
            for item in &e.decl.items {
                if let ast::EnumItem::Value(v) = item {
                    value_names.push_str(&self.source.text(v.name.span));
                    value_names.push(' ');
                    value_numbers.push(v.number.as_i32());
                }
            }
            facts.enums.push((
                e.full_name.clone(),
                EnumFacts {
                    closed: e.features.closed_enums,
                    value_names,
                    value_numbers,
                },
            ));
        }
        facts
    }
}

/// What [`Validator::facts`] found of one file.
pub struct FileFacts {
    file: FileId,
    lite: bool,
    messages: Vec<(String, MessageFacts)>,
    enums: Vec<(String, EnumFacts)>,
    map_entries: Vec<(String, String)>,
}

impl Registry {
    /// Makes room for the facts of `files`, all to be recorded.
    pub fn reserve<'f>(&mut self, files: impl Iterator<Item = &'f FileFacts>) {
        let (mut messages, mut enums, mut map_entries) = (0, 0, 0);
        for facts in files {
            messages += facts.messages.len();
            enums += facts.enums.len();
            map_entries += facts.map_entries.len();
        }
        self.messages.reserve(messages);
        self.enums.reserve(enums);
        self.map_entries.reserve(map_entries);
    }

    /// Records a file's facts, after those of the files built before it.
    pub fn record(&mut self, facts: FileFacts) {
        if facts.lite {
            self.lite_files.insert(facts.file);
        }
        self.map_entries.extend(facts.map_entries);
        self.messages.extend(facts.messages);
        self.enums.extend(facts.enums);
    }
}

/// What to delete to remove a field's `default = ...`: the whole brackets
/// when it is their only entry, else the entry with the comma that joins
/// it to its neighbour, so that the rest stays valid.
fn default_removal(options: &ast::FieldOptions, default: &ast::DefaultValue) -> Span {
    entry_removal(options, default.span)
}

/// What to delete to remove the bracketed entry at `entry` (an option, the
/// `default` or the `json_name`), as [`default_removal`] does.
fn entry_removal(options: &ast::FieldOptions, entry: Span) -> Span {
    let mut entries: Vec<Span> = options.options.iter().map(|o| o.span).collect();
    entries.extend(options.json_name.as_deref().map(|(_, span)| *span));
    entries.extend(options.default.as_deref().map(|default| default.span));
    entries.sort_by_key(|span| span.start);
    let at = entries.iter().position(|span| *span == entry);
    match (at, options.span) {
        (Some(_), Some(brackets)) if entries.len() == 1 => brackets,
        (Some(at), _) if at + 1 < entries.len() => Span::new(entry.start, entries[at + 1].start),
        (Some(at), _) if at > 0 => Span::new(entries[at - 1].end, entry.end),
        _ => entry,
    }
}

fn message_options(items: &[ast::MessageItem]) -> impl Iterator<Item = &ast::OptionDecl> {
    items.iter().filter_map(|item| match item {
        ast::MessageItem::Option(o) => Some(&**o),
        _ => None,
    })
}

fn enum_options(decl: &ast::Enum) -> impl Iterator<Item = &ast::OptionDecl> {
    decl.items.iter().filter_map(|item| match item {
        ast::EnumItem::Option(o) => Some(o),
        _ => None,
    })
}

/// The candidate closest to `wanted` by edit distance, for "did you mean".
fn closest<'n>(wanted: &str, candidates: impl Iterator<Item = &'n str>) -> Option<&'n str> {
    let max = (wanted.len() / 3).max(1);
    candidates
        .filter_map(|c| {
            let d = super::check::edit_distance(c, wanted);
            (d <= max).then_some((d, c))
        })
        .min()
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::{default_removal, entry_removal};
    use crate::source::{FileId, Span};
    use crate::syntax::ast;

    /// The field's line with the span `remove` picks deleted.
    fn fixed_field(field: &str, remove: impl Fn(&ast::FieldOptions) -> Span) -> String {
        let text = format!("syntax = \"proto2\";\nmessage M {{\n  {field}\n}}\n");
        let parsed = crate::syntax::parse(FileId(0), text.as_bytes());
        let Some(ast::Item::Message(message)) = parsed.file.items.first() else {
            panic!("no message in {text}");
        };
        let Some(ast::MessageItem::Field(f)) = message.body.items.first() else {
            panic!("no field in {text}");
        };
        let span = remove(&f.options);
        let (start, end) = (span.start as usize, span.end as usize);
        let fixed = format!("{}{}", &text[..start], &text[end..]);
        fixed.lines().nth(2).unwrap_or_default().trim().to_owned()
    }

    /// The field's line with its default removed as the fix removes it.
    fn without_default(field: &str) -> String {
        fixed_field(field, |options| {
            let default = options.default.as_deref().expect("a default");
            default_removal(options, default)
        })
    }

    /// The field's line with its last bracketed option removed.
    fn without_last_option(field: &str) -> String {
        fixed_field(field, |options| {
            let option = options.options.last().expect("an option");
            entry_removal(options, option.span)
        })
    }

    #[test]
    fn an_option_entry_goes_as_a_default_does() {
        assert_eq!(
            without_last_option("optional int32 a = 1 [jstype = JS_STRING];"),
            "optional int32 a = 1 ;"
        );
        assert_eq!(
            without_last_option("optional int32 a = 1 [deprecated = true, jstype = JS_STRING];"),
            "optional int32 a = 1 [deprecated = true];"
        );
        assert_eq!(
            without_last_option("optional int32 a = 1 [default = 2, jstype = JS_STRING];"),
            "optional int32 a = 1 [default = 2];"
        );
    }

    #[test]
    fn a_lone_default_takes_its_brackets_with_it() {
        assert_eq!(
            without_default("repeated int32 a = 1 [default = 5];"),
            "repeated int32 a = 1 ;"
        );
    }

    #[test]
    fn a_default_among_options_takes_its_comma_with_it() {
        assert_eq!(
            without_default("repeated int32 a = 1 [default = 5, packed = true];"),
            "repeated int32 a = 1 [packed = true];"
        );
        assert_eq!(
            without_default("repeated int32 a = 1 [packed = true, default = 5];"),
            "repeated int32 a = 1 [packed = true];"
        );
        assert_eq!(
            without_default("repeated string a = 1 [json_name = \"b\", default = \"x\"];"),
            "repeated string a = 1 [json_name = \"b\"];"
        );
    }
}
