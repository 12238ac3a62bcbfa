//! The type index: every message, enum and extension of a set of files by
//! full name, with what the text format and the wire format need to know
//! of each field already worked out (presence, packing, closed enums,
//! UTF-8 checks, group encoding, group-like names), so that the parser,
//! printer and codecs never look at descriptor protos.
//!
//! Features are resolved as protoc resolves them: proto2 and proto3
//! defaults by syntax, editions defaults overridden by file, message and
//! field (or enum) features, and the legacy field options (`packed`,
//! `proto3_optional`, `required`).

use std::collections::HashMap;

use crate::pb;
use crate::pb::feature_set;
use crate::pb::field_descriptor_proto::{Label, Type};

/// The scalar or composite type of a field's values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Double,
    Float,
    Int64,
    Uint64,
    Int32,
    Fixed64,
    Fixed32,
    Bool,
    String,
    Bytes,
    Uint32,
    Sfixed32,
    Sfixed64,
    Sint32,
    Sint64,
    /// An enum, by index into `Pool::enums`.
    Enum(usize),
    /// A message or group, by index into `Pool::messages`.
    Message(usize),
}

impl Kind {
    /// Whether a repeated field of this kind may be packed.
    pub fn is_packable(self) -> bool {
        !matches!(self, Kind::String | Kind::Bytes | Kind::Message(_))
    }
}

/// A field or an extension.
#[derive(Debug, PartialEq)]
pub(crate) struct Field {
    pub name: String,
    pub full_name: String,
    pub number: u32,
    pub kind: Kind,
    pub repeated: bool,
    pub required: bool,
    /// Whether the field tracks presence (`has`); without it a singular
    /// field is present when its value is not the default.
    pub presence: bool,
    pub packed: bool,
    /// Index of its oneof in the containing message (real oneofs only;
    /// proto3 `optional` fields are not in one here).
    pub oneof: Option<usize>,
    pub deprecated: bool,
    /// The message this extension extends; `None` for a plain field.
    pub extendee: Option<usize>,
    /// The message the field is declared in (an extension's scope), if any.
    pub scope: Option<usize>,
    pub file: usize,
    /// Message values go on the wire as groups.
    pub delimited: bool,
    /// Strings must be valid UTF-8 when parsed.
    pub utf8: bool,
    /// Unknown enum numbers are rejected (closed enum semantics).
    pub closed_enum: bool,
    /// A group whose text name is its type's name.
    pub group_like: bool,
    /// How the text format names an extension in brackets.
    pub printable_name: String,
}

impl Field {
    pub fn is_message(&self) -> bool {
        matches!(self.kind, Kind::Message(_))
    }
}

#[derive(Debug)]
pub(crate) struct Message {
    pub full_name: String,
    pub name: String,
    pub file: usize,
    pub parent: Option<usize>,
    /// Fields in declaration order.
    pub fields: Vec<Field>,
    pub oneofs: Vec<String>,
    pub map_entry: bool,
    pub message_set: bool,
    pub reserved_names: Vec<String>,
    by_name: HashMap<String, usize>,
    by_number: HashMap<u32, usize>,
    /// Extensions of this message by number (indices into `Pool::extensions`).
    extensions: HashMap<u32, usize>,
}

impl Message {
    pub fn field_by_name(&self, name: &str) -> Option<&Field> {
        self.by_name.get(name).map(|&i| &self.fields[i])
    }

    pub fn field_by_number(&self, number: u32) -> Option<&Field> {
        self.by_number.get(&number).map(|&i| &self.fields[i])
    }

    pub fn is_reserved_name(&self, name: &str) -> bool {
        self.reserved_names.iter().any(|n| n == name)
    }

    /// google.protobuf.Any, recognised by name and field shapes.
    pub fn is_any(&self) -> bool {
        self.full_name == "google.protobuf.Any"
            && self
                .field_by_number(1)
                .is_some_and(|f| f.kind == Kind::String && !f.repeated)
            && self
                .field_by_number(2)
                .is_some_and(|f| f.kind == Kind::Bytes && !f.repeated)
    }
}

#[derive(Debug)]
pub(crate) struct Enum {
    pub values: Vec<(String, i32)>,
}

impl Enum {
    pub fn by_name(&self, name: &str) -> Option<i32> {
        self.values.iter().find(|(n, _)| n == name).map(|&(_, v)| v)
    }

    /// The first value declared with this number.
    pub fn name_of(&self, number: i32) -> Option<&str> {
        self.values
            .iter()
            .find(|&&(_, v)| v == number)
            .map(|(n, _)| n.as_str())
    }

    /// The default: the first value declared.
    pub fn default_value(&self) -> i32 {
        self.values.first().map_or(0, |&(_, v)| v)
    }
}

/// Messages, enums and extensions of a set of files, indexed by full name
/// (no leading dot).
///
/// Build it from every file the type needs, imports included (a
/// descriptor set written with `--include_imports`): extensions and Any
/// payloads are found only among these files.
pub struct Pool {
    pub(crate) messages: Vec<Message>,
    pub(crate) enums: Vec<Enum>,
    pub(crate) extensions: Vec<Field>,
    message_index: HashMap<String, usize>,
    extension_index: HashMap<String, usize>,
}

/// The features that matter here, resolved.
#[derive(Clone, Copy)]
struct Features {
    implicit_presence: bool,
    legacy_required: bool,
    closed_enums: bool,
    packed: bool,
    utf8: bool,
    delimited: bool,
}

impl Features {
    fn for_file(file: &pb::FileDescriptorProto) -> Features {
        let proto3 = Features {
            implicit_presence: true,
            legacy_required: false,
            closed_enums: false,
            packed: true,
            utf8: true,
            delimited: false,
        };
        let features = match file.syntax.as_deref() {
            Some("proto3") => proto3,
            Some("editions") => Features {
                implicit_presence: false,
                ..proto3
            },
            _ => Features {
                implicit_presence: false,
                legacy_required: false,
                closed_enums: true,
                packed: false,
                utf8: false,
                delimited: false,
            },
        };
        let options = file
            .options
            .as_ref()
            .and_then(|o| o.known.features.as_ref());
        features.with(options.map(|f| &f.known))
    }

    fn with(mut self, set: Option<&pb::FeatureSet>) -> Features {
        let Some(set) = set else { return self };
        use feature_set::Utf8Validation;
        use feature_set::{EnumType, FieldPresence, MessageEncoding, RepeatedFieldEncoding};
        if let Some(presence) = set.field_presence {
            self.implicit_presence = presence == FieldPresence::Implicit as i32;
            self.legacy_required = presence == FieldPresence::LegacyRequired as i32;
        }
        if let Some(enums) = set.enum_type {
            self.closed_enums = enums == EnumType::Closed as i32;
        }
        if let Some(encoding) = set.repeated_field_encoding {
            self.packed = encoding == RepeatedFieldEncoding::Packed as i32;
        }
        if let Some(utf8) = set.utf8_validation {
            self.utf8 = utf8 == Utf8Validation::Verify as i32;
        }
        if let Some(encoding) = set.message_encoding {
            self.delimited = encoding == MessageEncoding::Delimited as i32;
        }
        self
    }
}

/// A message declaration met while indexing names, kept for the second pass.
struct Pending<'a> {
    proto: &'a pb::DescriptorProto,
    file: usize,
    features: Features,
}

fn join(scope: &str, name: &str) -> String {
    if scope.is_empty() {
        name.to_string()
    } else {
        format!("{scope}.{name}")
    }
}

impl Pool {
    /// Indexes `files`. Fields whose types are not among them are left out
    /// (they read as unknown fields).
    pub fn new(files: &[pb::FileDescriptorProto]) -> Pool {
        let mut pool = Pool {
            messages: Vec::new(),
            enums: Vec::new(),
            extensions: Vec::new(),
            message_index: HashMap::new(),
            extension_index: HashMap::new(),
        };
        // Pass 1: names of every message and enum, so fields can refer to
        // types declared anywhere.
        let mut pending = Vec::new();
        let mut enum_index = HashMap::new();
        let mut enum_closed = Vec::new();
        for (file_index, file) in files.iter().enumerate() {
            let features = Features::for_file(file);
            let package = file.package();
            for e in &file.enum_type {
                pool.add_enum(package, e, features, &mut enum_index, &mut enum_closed);
            }
            for message in &file.message_type {
                pool.add_message(
                    package,
                    message,
                    file_index,
                    None,
                    features,
                    &mut pending,
                    &mut enum_index,
                    &mut enum_closed,
                );
            }
        }
        // Pass 2: fields and extensions, read while the index is shared.
        let (fields, extensions) = {
            let types = Types {
                messages: &pool.messages,
                message_index: &pool.message_index,
                enums: &enum_index,
                enum_closed: &enum_closed,
                files,
            };
            let fields: Vec<Vec<Field>> = pending
                .iter()
                .enumerate()
                .map(|(index, p)| {
                    p.proto
                        .field
                        .iter()
                        .filter_map(|f| types.field(f, p.file, Some(index), None, p.features))
                        .collect()
                })
                .collect();
            let mut declared = Vec::new();
            for (file_index, file) in files.iter().enumerate() {
                let features = Features::for_file(file);
                for f in &file.extension {
                    declared.push((f, file_index, None, features));
                }
            }
            for (index, p) in pending.iter().enumerate() {
                for f in &p.proto.extension {
                    declared.push((f, p.file, Some(index), p.features));
                }
            }
            let extensions: Vec<Field> = declared
                .into_iter()
                .filter_map(|(proto, file, scope, features)| {
                    let extendee = proto.extendee.as_deref()?.trim_start_matches('.');
                    let extendee = *pool.message_index.get(extendee)?;
                    types.field(proto, file, scope, Some(extendee), features)
                })
                .collect();
            (fields, extensions)
        };
        for (index, fields) in fields.into_iter().enumerate() {
            let message = &mut pool.messages[index];
            for (i, field) in fields.iter().enumerate() {
                message.by_name.insert(field.name.clone(), i);
                message.by_number.insert(field.number, i);
            }
            message.fields = fields;
        }
        for field in extensions {
            let index = pool.extensions.len();
            pool.extension_index.insert(field.full_name.clone(), index);
            if let Some(extendee) = field.extendee {
                pool.messages[extendee]
                    .extensions
                    .entry(field.number)
                    .or_insert(index);
            }
            pool.extensions.push(field);
        }
        pool.name_extensions();
        pool
    }

    #[allow(clippy::too_many_arguments)]
    fn add_message<'a>(
        &mut self,
        scope: &str,
        proto: &'a pb::DescriptorProto,
        file: usize,
        parent: Option<usize>,
        features: Features,
        pending: &mut Vec<Pending<'a>>,
        enum_index: &mut HashMap<String, usize>,
        enum_closed: &mut Vec<bool>,
    ) {
        let full_name = join(scope, proto.name());
        let options = proto.options.as_ref().map(|o| &o.known);
        let features = features.with(options.and_then(|o| o.features.as_ref()).map(|f| &f.known));
        let index = self.messages.len();
        self.message_index.insert(full_name.clone(), index);
        self.messages.push(Message {
            full_name: full_name.clone(),
            name: proto.name().to_string(),
            file,
            parent,
            fields: Vec::new(),
            oneofs: proto
                .oneof_decl
                .iter()
                .map(|o| o.name().to_string())
                .collect(),
            map_entry: options.is_some_and(|o| o.map_entry()),
            message_set: options.is_some_and(|o| o.message_set_wire_format()),
            reserved_names: proto.reserved_name.clone(),
            by_name: HashMap::new(),
            by_number: HashMap::new(),
            extensions: HashMap::new(),
        });
        pending.push(Pending {
            proto,
            file,
            features,
        });
        for e in &proto.enum_type {
            self.add_enum(&full_name, e, features, enum_index, enum_closed);
        }
        for nested in &proto.nested_type {
            self.add_message(
                &full_name,
                nested,
                file,
                Some(index),
                features,
                pending,
                enum_index,
                enum_closed,
            );
        }
    }

    fn add_enum(
        &mut self,
        scope: &str,
        proto: &pb::EnumDescriptorProto,
        features: Features,
        enum_index: &mut HashMap<String, usize>,
        enum_closed: &mut Vec<bool>,
    ) {
        let options = proto.options.as_ref().map(|o| &o.known);
        let features = features.with(options.and_then(|o| o.features.as_ref()).map(|f| &f.known));
        enum_index.insert(join(scope, proto.name()), self.enums.len());
        enum_closed.push(features.closed_enums);
        self.enums.push(Enum {
            values: proto
                .value
                .iter()
                .map(|v| (v.name().to_string(), v.number()))
                .collect(),
        });
    }

    /// Sets each extension's bracketed text name: its full name, or for a
    /// MessageSet item declared inside its own type, that type's name.
    fn name_extensions(&mut self) {
        for i in 0..self.extensions.len() {
            let ext = &self.extensions[i];
            if let (Kind::Message(ty), Some(extendee)) = (ext.kind, ext.extendee) {
                if self.messages[extendee].message_set
                    && !ext.repeated
                    && !ext.delimited
                    && ext.scope == Some(ty)
                {
                    let name = self.messages[ty].full_name.clone();
                    self.extensions[i].printable_name = name;
                }
            }
        }
    }

    /// Whether a message type of this full name (no leading dot) exists.
    pub fn contains_message(&self, full_name: &str) -> bool {
        self.message_index.contains_key(full_name)
    }

    pub(crate) fn message_index(&self, full_name: &str) -> Option<usize> {
        self.message_index.get(full_name).copied()
    }

    /// The extension of `message` with this number.
    pub(crate) fn extension(&self, message: usize, number: u32) -> Option<&Field> {
        self.messages[message]
            .extensions
            .get(&number)
            .map(|&i| &self.extensions[i])
    }

    /// protoc's `FindExtensionByPrintableName`: an extension of `message`
    /// by full name, or a MessageSet item by its type's name.
    pub(crate) fn extension_by_text_name(&self, message: usize, name: &str) -> Option<&Field> {
        if let Some(ext) = self.extension_index.get(name).map(|&i| &self.extensions[i]) {
            if ext.extendee == Some(message) {
                return Some(ext);
            }
        }
        if !self.messages[message].message_set {
            return None;
        }
        let ty = self.message_index(name)?;
        self.extensions.iter().find(|e| {
            e.extendee == Some(message) && e.scope == Some(ty) && e.printable_name == name
        })
    }
}

/// What the field builder needs to resolve types.
struct Types<'a> {
    messages: &'a [Message],
    message_index: &'a HashMap<String, usize>,
    enums: &'a HashMap<String, usize>,
    enum_closed: &'a [bool],
    files: &'a [pb::FileDescriptorProto],
}

impl Types<'_> {
    fn field(
        &self,
        proto: &pb::FieldDescriptorProto,
        file: usize,
        scope: Option<usize>,
        extendee: Option<usize>,
        features: Features,
    ) -> Option<Field> {
        let options = proto.options.as_ref().map(|o| &o.known);
        let features = features.with(options.and_then(|o| o.features.as_ref()).map(|f| &f.known));
        let type_name = proto.type_name().trim_start_matches('.');
        let declared = proto.r#type.and_then(|t| Type::try_from(t).ok());
        let kind = match declared {
            Some(Type::Double) => Kind::Double,
            Some(Type::Float) => Kind::Float,
            Some(Type::Int64) => Kind::Int64,
            Some(Type::Uint64) => Kind::Uint64,
            Some(Type::Int32) => Kind::Int32,
            Some(Type::Fixed64) => Kind::Fixed64,
            Some(Type::Fixed32) => Kind::Fixed32,
            Some(Type::Bool) => Kind::Bool,
            Some(Type::String) => Kind::String,
            Some(Type::Bytes) => Kind::Bytes,
            Some(Type::Uint32) => Kind::Uint32,
            Some(Type::Sfixed32) => Kind::Sfixed32,
            Some(Type::Sfixed64) => Kind::Sfixed64,
            Some(Type::Sint32) => Kind::Sint32,
            Some(Type::Sint64) => Kind::Sint64,
            Some(Type::Enum) => Kind::Enum(*self.enums.get(type_name)?),
            Some(Type::Message | Type::Group) => Kind::Message(*self.message_index.get(type_name)?),
            None => match (self.message_index.get(type_name), self.enums.get(type_name)) {
                (Some(&m), _) => Kind::Message(m),
                (None, Some(&e)) => Kind::Enum(e),
                (None, None) => return None,
            },
        };
        let label = proto.label.and_then(|l| Label::try_from(l).ok());
        let repeated = label == Some(Label::Repeated);
        let required = label == Some(Label::Required) || (features.legacy_required && !repeated);
        let is_message = matches!(kind, Kind::Message(_));
        let real_oneof = proto.oneof_index.filter(|_| !proto.proto3_optional());
        let presence = !repeated
            && (is_message
                || real_oneof.is_some()
                || proto.proto3_optional()
                || extendee.is_some()
                || !features.implicit_presence);
        let is_proto2 = !matches!(
            self.files[file].syntax.as_deref(),
            Some("proto3") | Some("editions")
        );
        let packed = repeated
            && kind.is_packable()
            && match options.and_then(|o| o.packed) {
                Some(packed) if self.files[file].syntax.as_deref() != Some("editions") => packed,
                _ => features.packed,
            };
        // Map entries and their fields are always length-prefixed.
        let in_map_entry = scope.is_some_and(|m| self.messages[m].map_entry) && extendee.is_none();
        let entry_type = matches!(kind, Kind::Message(m) if self.messages[m].map_entry);
        let delimited = is_message
            && (declared == Some(Type::Group)
                || (features.delimited && !in_map_entry && !entry_type));
        let name = proto.name().to_string();
        let full_name = match scope {
            Some(m) => join(&self.messages[m].full_name, &name),
            None => join(self.files[file].package(), &name),
        };
        let name = proto.name().to_string();
        let closed_enum = match kind {
            Kind::Enum(e) => self.enum_closed.get(e).copied().unwrap_or(false) || is_proto2,
            _ => false,
        };
        let mut field = Field {
            printable_name: full_name.clone(),
            name,
            full_name,
            number: proto.number().max(0) as u32,
            kind,
            repeated,
            required,
            presence,
            packed,
            oneof: real_oneof.map(|i| i.max(0) as usize),
            deprecated: options.is_some_and(|o| o.deprecated()),
            extendee,
            scope,
            file,
            delimited,
            utf8: kind == Kind::String && features.utf8,
            closed_enum,
            group_like: false,
        };
        field.group_like = self.is_group_like(&field);
        Some(field)
    }

    /// protoc's `IsGroupLike`: a group field named as its type in lower
    /// case, the type declared beside the field in the same file.
    fn is_group_like(&self, field: &Field) -> bool {
        let Kind::Message(ty) = field.kind else {
            return false;
        };
        let message = &self.messages[ty];
        field.delimited
            && field.name == message.name.to_ascii_lowercase()
            && message.file == field.file
            && message.parent == field.scope
    }
}
