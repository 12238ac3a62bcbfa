//! The shape of every message, enum and extension of the run, as option
//! interpretation needs it: field numbers, types, and wire encoding
//! (repeated, packed). Declarations are indexed file by file after
//! cross-linking and read on first use, with descriptor.proto's own messages
//! as the fallback for the options messages when no compiled file defines
//! them.

use rustc_hash::FxHashMap as HashMap;

use super::symbols::{for_each_nested_message, join, map_entry_name};
use super::symbols::{NestedRef, SymbolKind};
use super::ResolvedType;
use crate::pb::{self, field_descriptor_proto::Type};
use crate::source::{FileId, SourceMap};
use crate::syntax::ast::{self, Syntax};

#[derive(Clone, Debug)]
pub struct FieldInfo {
    pub name: String,
    /// The full name without the leading dot: the message's name and the
    /// field's, or for an extension its scope's and its own.
    pub full_name: String,
    pub number: i32,
    pub ty: Type,
    /// For messages, groups and enums: the full name with a leading dot.
    pub type_name: String,
    pub repeated: bool,
    pub packed: bool,
    /// For extensions: the extended message, with a leading dot.
    pub extendee: Option<String>,
    /// `retention = RETENTION_SOURCE`: protoc strips it from its output.
    pub source_retention: bool,
    /// Whether the field has no presence (a proto3 singular scalar, enum,
    /// string or bytes outside a oneof; editions' `IMPLICIT`): set to its
    /// default, it is not written, as protoc writes no such field.
    pub implicit_presence: bool,
    /// The oneof it is a member of, by position among its message's
    /// oneofs: setting it clears the member set before, as in protoc.
    pub oneof: Option<u32>,
}

impl FieldInfo {
    /// The same field as a `FieldDescriptorProto`, for value encoding.
    pub fn descriptor(&self) -> pb::FieldDescriptorProto {
        pb::FieldDescriptorProto {
            name: Some(self.name.clone()),
            number: Some(self.number),
            r#type: Some(self.ty as i32),
            type_name: (!self.type_name.is_empty()).then(|| self.type_name.clone()),
            label: Some(if self.repeated {
                pb::field_descriptor_proto::Label::Repeated as i32
            } else {
                pb::field_descriptor_proto::Label::Optional as i32
            }),
            ..Default::default()
        }
    }

    /// A field of `message` (full name, leading dot or not).
    pub fn from_descriptor(
        message: &str,
        field: &pb::FieldDescriptorProto,
        proto3: bool,
    ) -> FieldInfo {
        let repeated = field.label() == pb::field_descriptor_proto::Label::Repeated;
        let packable = !matches!(
            field.r#type(),
            Type::String | Type::Bytes | Type::Message | Type::Group
        );
        let explicit = field.options.as_ref().and_then(|o| o.known.packed);
        let scalar_like = !matches!(field.r#type(), Type::Message | Type::Group);
        FieldInfo {
            implicit_presence: proto3
                && scalar_like
                && !repeated
                && field.oneof_index.is_none()
                && field.extendee.is_none(),
            oneof: field
                .oneof_index
                .filter(|_| !field.proto3_optional())
                .and_then(|index| u32::try_from(index).ok()),
            name: field.name().to_owned(),
            full_name: join(message.trim_start_matches('.'), field.name()),
            number: field.number(),
            ty: field.r#type(),
            type_name: field.type_name().to_owned(),
            repeated,
            packed: repeated && packable && explicit.unwrap_or(proto3),
            extendee: field.extendee.clone(),
            source_retention: field.options.as_ref().and_then(|o| o.known.retention)
                == Some(pb::field_options::OptionRetention::RetentionSource as i32),
        }
    }
}

/// descriptor.proto's messages as field lists, built once.
fn schema_fields() -> &'static HashMap<String, Vec<FieldInfo>> {
    static FIELDS: std::sync::OnceLock<HashMap<String, Vec<FieldInfo>>> =
        std::sync::OnceLock::new();
    FIELDS.get_or_init(|| {
        pb::schema()
            .messages
            .iter()
            .map(|(name, message)| {
                let fields = message
                    .field
                    .iter()
                    .map(|f| FieldInfo::from_descriptor(name, f, false))
                    .collect();
                (name.clone(), fields)
            })
            .collect()
    })
}

/// Where every message and enum of the run is declared, and every
/// extension's shape. A message's fields and an enum's values are read from
/// the syntax tree the first time option interpretation asks for them: only
/// the types options use are ever asked for, a small part of a large run.
#[derive(Default)]
pub struct TypeIndex<'a> {
    /// Messages by full name with a leading dot.
    messages: HashMap<String, Lazy<MessageDecl<'a>, Vec<FieldInfo>>>,
    /// Enums by full name with a leading dot.
    enums: HashMap<String, Lazy<EnumDecl<'a>, Vec<(String, i32)>>>,
    /// Extensions by full name without the leading dot.
    pub extensions: HashMap<String, FieldInfo>,
    /// Messages with `message_set_wire_format`, with a leading dot.
    pub message_sets: rustc_hash::FxHashSet<String>,
}

impl<'a> TypeIndex<'a> {
    /// Makes room for `messages` message types.
    pub fn reserve_messages(&mut self, messages: usize) {
        self.messages.reserve(messages);
    }

    /// Adds the declarations of `part`, one file's index: files are
    /// indexed apart (in parallel), then put together in build order.
    pub fn absorb(&mut self, part: TypeIndex<'a>) {
        self.messages.extend(part.messages);
        self.enums.extend(part.enums);
        self.extensions.extend(part.extensions);
        self.message_sets.extend(part.message_sets);
    }
}

/// A declaration and what is read from it, once (by whichever thread asks
/// first: files' options are interpreted in parallel).
struct Lazy<D, T> {
    decl: D,
    /// The build position of the declaring file (see [`TypeModel::horizon`]).
    built: u32,
    value: std::sync::OnceLock<T>,
}

impl<D, T> Lazy<D, T> {
    fn new(decl: D, built: u32) -> Lazy<D, T> {
        Lazy {
            decl,
            built,
            value: std::sync::OnceLock::new(),
        }
    }
}

#[derive(Clone, Copy)]
struct MessageDecl<'a> {
    file: FileId,
    syntax: Syntax,
    /// Whether the file's features make field presence implicit (see
    /// [`Builder::implicit_by_default`]).
    implicit_by_default: bool,
    body: MessageBody<'a>,
}

#[derive(Clone, Copy)]
enum MessageBody<'a> {
    Items(&'a [ast::MessageItem]),
    /// The entry message of this map field.
    MapEntry(&'a ast::Field),
}

struct EnumDecl<'a> {
    file: FileId,
    decl: &'a ast::Enum,
}

/// The index with what reading its declarations takes.
#[derive(Clone, Copy)]
pub struct TypeModel<'a> {
    pub index: &'a TypeIndex<'a>,
    pub sources: &'a SourceMap,
    pub resolved: &'a HashMap<(FileId, u32), ResolvedType>,
    /// The build position of the file whose options are read: types of
    /// files built after it do not exist for it, as they do not yet exist
    /// in protoc's pool. (A file building before a compiled
    /// descriptor.proto reads its options messages from the embedded
    /// schema.) The index may hold them when files are checked in
    /// parallel after all were built.
    pub horizon: u32,
}

impl<'a> TypeModel<'a> {
    /// A message's fields: from the compiled files, else descriptor.proto's.
    pub fn message(&self, name: &str) -> Option<&'a [FieldInfo]> {
        let compiled = self.index.messages.get(name);
        if let Some(lazy) = compiled.filter(|lazy| lazy.built <= self.horizon) {
            let fields = lazy
                .value
                .get_or_init(|| self.read_message(name.trim_start_matches('.'), lazy.decl));
            return Some(fields);
        }
        schema_fields().get(name).map(Vec::as_slice)
    }

    /// The name of the `index`-th oneof of message `name` (leading dot),
    /// for an error about two of its members.
    pub fn oneof_name(&self, name: &str, index: u32) -> Option<String> {
        let lazy = self.index.messages.get(name)?;
        let MessageBody::Items(items) = lazy.decl.body else {
            return None;
        };
        let oneof = items
            .iter()
            .filter_map(|item| match item {
                ast::MessageItem::Oneof(o) => Some(o),
                _ => None,
            })
            .nth(index as usize)?;
        Some(
            self.sources
                .get(lazy.decl.file)
                .text(oneof.name.span)
                .into_owned(),
        )
    }

    pub fn enum_value(&self, enum_name: &str, value: &str) -> Option<i32> {
        let compiled = self.index.enums.get(enum_name);
        if let Some(lazy) = compiled.filter(|lazy| lazy.built <= self.horizon) {
            let values = lazy.value.get_or_init(|| {
                let source = self.sources.get(lazy.decl.file);
                lazy.decl
                    .decl
                    .items
                    .iter()
                    .filter_map(|item| match item {
                        ast::EnumItem::Value(v) => {
                            Some((source.text(v.name.span).into_owned(), v.number.as_i32()))
                        }
                        _ => None,
                    })
                    .collect()
            });
            return values.iter().find(|(n, _)| n == value).map(|(_, v)| *v);
        }
        pb::schema()
            .enums
            .get(enum_name)?
            .value
            .iter()
            .find(|v| v.name() == value)
            .map(|v| v.number())
    }

    /// The fields of message `full` (no leading dot) declared by `decl`.
    fn read_message(&self, full: &str, decl: MessageDecl<'_>) -> Vec<FieldInfo> {
        let reader = FieldReader {
            sources: self.sources,
            file: decl.file,
            resolved: self.resolved,
            syntax: decl.syntax,
            implicit_by_default: decl.implicit_by_default,
        };
        match decl.body {
            MessageBody::Items(items) => {
                let mut fields = Vec::new();
                let mut oneofs = 0;
                for item in items {
                    match item {
                        ast::MessageItem::Field(f) => {
                            fields.push(reader.field_info(full, f, None, None))
                        }
                        ast::MessageItem::Group(g) => fields.push(reader.group_info(full, g, None)),
                        ast::MessageItem::Oneof(o) => {
                            for item in &o.items {
                                match item {
                                    ast::OneofItem::Field(f) => {
                                        fields.push(reader.field_info(full, f, None, Some(oneofs)))
                                    }
                                    ast::OneofItem::Group(g) => {
                                        let mut info = reader.group_info(full, g, None);
                                        info.oneof = Some(oneofs);
                                        fields.push(info);
                                    }
                                    ast::OneofItem::Option(_) => {}
                                }
                            }
                            oneofs += 1;
                        }
                        _ => {}
                    }
                }
                fields
            }
            MessageBody::MapEntry(f) => {
                let ast::FieldType::Map(map) = &f.ty else {
                    return Vec::new();
                };
                let side = |name: &str, number: i32, ty: &ast::FieldType| {
                    let field = ast::Field {
                        label: None,
                        ty: ty.clone(),
                        name: f.name,
                        number: ast::IntLit {
                            negative: false,
                            magnitude: number as u64,
                            span: f.number.span,
                        },
                        options: Default::default(),
                        span: f.span,
                        comments: Default::default(),
                    };
                    let mut info = reader.field_info(full, &field, None, None);
                    info.name = name.to_owned();
                    info.full_name = join(full, name);
                    // A map entry writes its key and value even when they
                    // are their defaults, as protoc does.
                    info.implicit_presence = false;
                    info
                };
                vec![side("key", 1, &map.key), side("value", 2, &map.value)]
            }
        }
    }
}

/// The descriptor type of a scalar type keyword.
pub fn scalar(scalar: ast::ScalarType) -> Type {
    use ast::ScalarType as S;
    match scalar {
        S::Double => Type::Double,
        S::Float => Type::Float,
        S::Int64 => Type::Int64,
        S::Uint64 => Type::Uint64,
        S::Int32 => Type::Int32,
        S::Fixed64 => Type::Fixed64,
        S::Fixed32 => Type::Fixed32,
        S::Bool => Type::Bool,
        S::String => Type::String,
        S::Bytes => Type::Bytes,
        S::Uint32 => Type::Uint32,
        S::Sfixed32 => Type::Sfixed32,
        S::Sfixed64 => Type::Sfixed64,
        S::Sint32 => Type::Sint32,
        S::Sint64 => Type::Sint64,
    }
}

/// Adds the declarations of one checked file to the index.
pub struct Builder<'b, 'a> {
    pub index: &'b mut TypeIndex<'a>,
    pub sources: &'b SourceMap,
    pub file: FileId,
    pub resolved: &'b HashMap<(FileId, u32), ResolvedType>,
    pub syntax: Syntax,
    /// The file's build position.
    pub built: u32,
    /// Whether the file's features make field presence implicit by default
    /// (editions' file-level `features.field_presence = IMPLICIT`):
    /// [`Builder::file`] reads it from the file, whatever it was.
    pub implicit_by_default: bool,
}

impl<'a> Builder<'_, 'a> {
    fn text(&self, span: crate::source::Span) -> String {
        self.reader().text(span)
    }

    fn reader(&self) -> FieldReader<'_> {
        FieldReader {
            sources: self.sources,
            file: self.file,
            resolved: self.resolved,
            syntax: self.syntax,
            implicit_by_default: self.implicit_by_default,
        }
    }

    pub fn file(&mut self, file: &'a ast::File) {
        self.implicit_by_default = matches!(self.syntax, Syntax::Editions(_))
            && file.items.iter().any(|item| match item {
                ast::Item::Option(option) => {
                    self.reader()
                        .option_named(option, &["features", "field_presence"], "IMPLICIT")
                }
                _ => false,
            });
        let package = file
            .items
            .iter()
            .find_map(|item| match item {
                ast::Item::Package(p) => {
                    let parts: Vec<String> =
                        p.name.parts.iter().map(|i| self.text(i.span)).collect();
                    Some(parts.join("."))
                }
                _ => None,
            })
            .unwrap_or_default();
        for item in &file.items {
            match item {
                ast::Item::Message(m) => self.message(&package, m.name, &m.body.items),
                ast::Item::Enum(e) => self.enumeration(&package, e),
                ast::Item::Extend(e) => self.extend(&package, e),
                _ => {}
            }
        }
    }

    fn declare(&mut self, full: &str, body: MessageBody<'a>) {
        let decl = MessageDecl {
            file: self.file,
            syntax: self.syntax,
            implicit_by_default: self.implicit_by_default,
            body,
        };
        self.index
            .messages
            .insert(format!(".{full}"), Lazy::new(decl, self.built));
    }

    fn message(&mut self, scope: &str, name: ast::Ident, items: &'a [ast::MessageItem]) {
        let full = join(scope, &self.text(name.span));
        if super::shape::is_message_set(self.sources.get(self.file), items) {
            self.index.message_sets.insert(format!(".{full}"));
        }
        self.declare(&full, MessageBody::Items(items));
        for_each_nested_message(items, &mut |nested| match nested {
            NestedRef::Message(m) => self.message(&full, m.name, &m.body.items),
            NestedRef::Group(g) => self.message(&full, g.name, &g.body.items),
            NestedRef::MapEntry(f) => {
                let entry = join(&full, &map_entry_name(&self.text(f.name.span)));
                self.declare(&entry, MessageBody::MapEntry(f));
            }
        });
        for item in items {
            match item {
                ast::MessageItem::Enum(e) => self.enumeration(&full, e),
                ast::MessageItem::Extend(e) => self.extend(&full, e),
                _ => {}
            }
        }
    }

    fn enumeration(&mut self, scope: &str, e: &'a ast::Enum) {
        let decl = EnumDecl {
            file: self.file,
            decl: e,
        };
        self.index.enums.insert(
            format!(".{}", join(scope, &self.text(e.name.span))),
            Lazy::new(decl, self.built),
        );
    }

    fn extend(&mut self, scope: &str, e: &'a ast::Extend) {
        let extendee = self
            .resolved
            .get(&(self.file, e.extendee.span.start))
            .map(|r| format!(".{}", r.full_name));
        for item in &e.items {
            let info = match item {
                ast::ExtendItem::Field(f) => {
                    self.reader().field_info(scope, f, extendee.clone(), None)
                }
                ast::ExtendItem::Group(g) => {
                    // The group's message is declared beside the extension.
                    self.message(scope, g.name, &g.body.items);
                    self.reader().group_info(scope, g, extendee.clone())
                }
            };
            self.index.extensions.insert(join(scope, &info.name), info);
        }
    }
}

/// Reads fields of one file's syntax tree as [`FieldInfo`]s.
struct FieldReader<'a> {
    sources: &'a SourceMap,
    file: FileId,
    resolved: &'a HashMap<(FileId, u32), ResolvedType>,
    syntax: Syntax,
    implicit_by_default: bool,
}

impl FieldReader<'_> {
    fn text(&self, span: crate::source::Span) -> String {
        self.sources.get(self.file).text(span).into_owned()
    }

    /// Whether the field options set `name` to the identifier `value`.
    fn option_is(&self, options: &ast::FieldOptions, name: &[&str], value: &str) -> bool {
        options
            .options
            .iter()
            .any(|option| self.option_named(option, name, value))
    }

    /// Whether `option` sets the option `name` to the identifier `value`.
    fn option_named(&self, option: &ast::OptionDecl, name: &[&str], value: &str) -> bool {
        let parts: Vec<String> = option
            .name
            .parts
            .iter()
            .map(|p| match p {
                ast::OptionNamePart::Field(i) => self.text(i.span),
                ast::OptionNamePart::Extension(..) => String::new(),
            })
            .collect();
        parts == name
            && matches!(&option.value.kind, ast::ValueKind::Ident(i) if self.text(i.span) == value)
    }

    /// Whether a repeated scalar field is packed: proto3 and editions pack
    /// by default, proto2 only with `[packed = true]`.
    fn packed(&self, options: &ast::FieldOptions, ty: Type) -> bool {
        if matches!(ty, Type::String | Type::Bytes | Type::Message | Type::Group) {
            return false;
        }
        for option in &options.options {
            let name: Vec<String> = option
                .name
                .parts
                .iter()
                .map(|p| match p {
                    ast::OptionNamePart::Field(i) => self.text(i.span),
                    ast::OptionNamePart::Extension(..) => String::new(),
                })
                .collect();
            let value = match &option.value.kind {
                ast::ValueKind::Ident(i) => self.text(i.span),
                _ => String::new(),
            };
            if name == ["packed"] {
                return value == "true";
            }
            if name == ["features", "repeated_field_encoding"] {
                return value != "EXPANDED";
            }
        }
        !matches!(self.syntax, Syntax::Proto2)
    }

    /// Whether `field` (not repeated, not an extension, in no oneof) has
    /// no presence: in proto3 unless `optional`; in editions by its own
    /// `field_presence` feature or else its file's. (A message's own
    /// `features` are not read here.)
    fn implicit_presence(&self, field: &ast::Field, ty: Type) -> bool {
        if field.label.is_some() || matches!(ty, Type::Message | Type::Group) {
            return false;
        }
        match self.syntax {
            Syntax::Proto2 => false,
            Syntax::Proto3 => true,
            Syntax::Editions(_) => {
                let own = ["IMPLICIT", "EXPLICIT", "LEGACY_REQUIRED"]
                    .into_iter()
                    .find(|value| {
                        self.option_is(&field.options, &["features", "field_presence"], value)
                    });
                own.map_or(self.implicit_by_default, |value| value == "IMPLICIT")
            }
        }
    }

    fn field_info(
        &self,
        scope: &str,
        field: &ast::Field,
        extendee: Option<String>,
        oneof: Option<u32>,
    ) -> FieldInfo {
        let name = self.text(field.name.span);
        let repeated = matches!(field.label, Some((ast::Label::Repeated, _)));
        let (ty, type_name, repeated) = match &field.ty {
            ast::FieldType::Scalar(s, _) => (scalar(*s), String::new(), repeated),
            ast::FieldType::Named(n) => match self.resolved.get(&(self.file, n.span.start)) {
                Some(r) if r.kind == SymbolKind::Enum => {
                    (Type::Enum, format!(".{}", r.full_name), repeated)
                }
                Some(r) => (Type::Message, format!(".{}", r.full_name), repeated),
                None => (Type::Message, String::new(), repeated),
            },
            ast::FieldType::Map(_) => (
                Type::Message,
                format!(".{}", join(scope, &map_entry_name(&name))),
                true,
            ),
        };
        let implicit_presence =
            extendee.is_none() && oneof.is_none() && !repeated && self.implicit_presence(field, ty);
        FieldInfo {
            implicit_presence,
            oneof,
            full_name: join(scope, &name),
            packed: repeated && self.packed(&field.options, ty),
            source_retention: self.option_is(&field.options, &["retention"], "RETENTION_SOURCE"),
            name,
            number: field.number.as_i32(),
            ty,
            type_name,
            repeated,
            extendee,
        }
    }

    fn group_info(&self, scope: &str, group: &ast::Group, extendee: Option<String>) -> FieldInfo {
        let type_name = self.text(group.name.span);
        FieldInfo {
            full_name: join(scope, &type_name.to_ascii_lowercase()),
            name: type_name.to_ascii_lowercase(),
            number: group.number.as_i32(),
            ty: Type::Group,
            type_name: format!(".{}", join(scope, &type_name)),
            repeated: matches!(group.label, Some((ast::Label::Repeated, _))),
            packed: false,
            extendee,
            source_retention: false,
            implicit_presence: false,
            oneof: None,
        }
    }
}
