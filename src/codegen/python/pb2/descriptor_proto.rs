//! The extra code in `descriptor_pb2.py`. The pure-Python runtime parses
//! serialized descriptors with `descriptor_pb2` itself, so that module
//! cannot start from its own serialized bytes: protoc writes every
//! descriptor of descriptor.proto out as Python constructor calls (enums,
//! messages with their fields, oneofs and extension ranges), links them,
//! and gives each its resolved edition features, which the runtime cannot
//! resolve at that point either.
//!
//! Only `google/protobuf/descriptor.proto` takes this path, and it is a
//! proto2 file without `features` options, so features here are the
//! file's edition defaults plus proto2's implied ones (required fields,
//! `packed`, groups); explicit `features` options are not read.

use super::super::printer::Printer;
use super::super::{model::Type, public_dependencies, Pool};
use super::{descriptor_name, module_alias, serialized_options};
use crate::descriptors::pb;
use crate::escape::c_escape;

use pb::field_descriptor_proto::{Label, Type as FieldType};

pub(super) fn is_descriptor_proto(name: &str) -> bool {
    name == "google/protobuf/descriptor.proto"
}

/// The file's edition as protoc names it, and its legacy syntax name.
fn edition_of(file: &pb::FileDescriptorProto) -> (i32, &'static str) {
    match file.syntax() {
        "proto3" => (pb::Edition::Proto3 as i32, "proto3"),
        "editions" => (file.edition.unwrap_or_default(), "editions"),
        _ => (pb::Edition::Proto2 as i32, "proto2"),
    }
}

fn edition_name(edition: i32) -> &'static str {
    pb::Edition::try_from(edition).map_or("EDITION_UNKNOWN", |e| e.as_str_name())
}

/// The pure-Python branch of the file descriptor: a `FileDescriptor` built
/// from its parts. Leaves the printer inside the `else:` that follows,
/// where the caller prints the usual `AddSerializedFile`.
pub(super) fn file_descriptor(file: &pb::FileDescriptorProto, escaped: &str, out: &mut Printer) {
    let (edition, syntax) = edition_of(file);
    out.print("if not _descriptor._USE_C_DESCRIPTORS:\n");
    out.indent();
    out.print(&format!(
        "DESCRIPTOR = _descriptor.FileDescriptor(\n  name='{}',\n  package='{}',\n  \
         syntax='{syntax}',\n  edition='{}',\n  serialized_options={},\n  \
         create_key=_descriptor._internal_create_key,\n",
        file.name(),
        file.package(),
        edition_name(edition),
        serialized_options(file.options.as_ref()),
    ));
    out.indent();
    out.print(&format!("serialized_pb=b'{escaped}'\n"));
    if !file.dependency.is_empty() {
        out.print(",\ndependencies=[");
        for dependency in &file.dependency {
            out.print(&format!("{}.DESCRIPTOR,", module_alias(dependency)));
        }
        out.print("]");
    }
    let public: Vec<&str> = public_dependencies(file).collect();
    if !public.is_empty() {
        out.print(",\npublic_dependencies=[");
        for dependency in public {
            out.print(&format!("{}.DESCRIPTOR,", module_alias(dependency)));
        }
        out.print("]");
    }
    out.outdent();
    out.print(")\n");
    out.outdent();
    out.print("else:\n");
    out.indent();
}

/// Every descriptor as Python objects, linked, with resolved features.
pub(super) fn python_descriptors(pool: &Pool, file: &pb::FileDescriptorProto, out: &mut Printer) {
    let mut writer = Writer { pool, file, out };
    writer.all_enums();
    for message in &file.message_type {
        writer.message(message, &[message.name()]);
        writer.out.print("\n");
    }
    writer.link();
    writer.resolved_features();
}

struct Writer<'w, 'a> {
    pool: &'w Pool<'a>,
    file: &'w pb::FileDescriptorProto,
    out: &'w mut Printer,
}

/// A scope's full name joined with a name.
fn full_name(scope: &str, name: &str) -> String {
    if scope.is_empty() {
        name.to_owned()
    } else {
        format!("{scope}.{name}")
    }
}

fn extend<'p>(path: &[&'p str], name: &'p str) -> Vec<&'p str> {
    let mut path = path.to_vec();
    path.push(name);
    path
}

impl Writer<'_, '_> {
    fn scope_of(&self, path: &[&str]) -> String {
        path.iter()
            .fold(self.file.package().to_owned(), |scope, part| {
                full_name(&scope, part)
            })
    }

    /// Top-level enums, then each message's enums, innermost first.
    fn all_enums(&mut self) {
        let file = self.file;
        for e in &file.enum_type {
            self.enum_descriptor(e, &[]);
        }
        for message in &file.message_type {
            self.nested_enums(message, &[message.name()]);
        }
    }

    fn nested_enums(&mut self, message: &pb::DescriptorProto, path: &[&str]) {
        for nested in &message.nested_type {
            self.nested_enums(nested, &extend(path, nested.name()));
        }
        for e in &message.enum_type {
            self.enum_descriptor(e, path);
        }
    }

    fn enum_descriptor(&mut self, e: &pb::EnumDescriptorProto, outer: &[&str]) {
        let name = descriptor_name(&extend(outer, e.name()));
        self.out.print(&format!(
            "{name} = _descriptor.EnumDescriptor(\n  name='{}',\n  full_name='{}',\n  \
             filename=None,\n  file=DESCRIPTOR,\n  create_key=_descriptor._internal_create_key,\n  \
             values=[\n",
            e.name(),
            full_name(&self.scope_of(outer), e.name()),
        ));
        self.out.indent();
        self.out.indent();
        for (index, value) in e.value.iter().enumerate() {
            self.out.print(&format!(
                "_descriptor.EnumValueDescriptor(\n  name='{}', index={index}, number={},\n  \
                 serialized_options={},\n  type=None,\n  \
                 create_key=_descriptor._internal_create_key),\n",
                value.name(),
                value.number(),
                serialized_options(value.options.as_ref()),
            ));
        }
        self.out.outdent();
        self.out.print(&format!(
            "],\ncontaining_type=None,\nserialized_options={},\n",
            serialized_options(e.options.as_ref())
        ));
        self.out.outdent();
        self.out
            .print(&format!(")\n_sym_db.RegisterEnumDescriptor({name})\n\n"));
    }

    /// A message's `Descriptor`, after those of its nested messages.
    fn message(&mut self, message: &pb::DescriptorProto, path: &[&str]) {
        for nested in &message.nested_type {
            self.message(nested, &extend(path, nested.name()));
        }
        let scope = self.scope_of(path);
        self.out.print("\n");
        self.out.print(&format!(
            "{} = _descriptor.Descriptor(\n",
            descriptor_name(path)
        ));
        self.out.indent();
        self.out.print(&format!(
            "name='{}',\nfull_name='{scope}',\nfilename=None,\nfile=DESCRIPTOR,\n\
             containing_type=None,\ncreate_key=_descriptor._internal_create_key,\n",
            message.name()
        ));
        self.field_list("fields", &message.field, &scope, false);
        self.field_list("extensions", &message.extension, &scope, true);
        self.out.print("nested_types=[");
        for nested in &message.nested_type {
            self.out.print(&format!(
                "{}, ",
                descriptor_name(&extend(path, nested.name()))
            ));
        }
        self.out.print("],\n");
        self.out.print("enum_types=[\n");
        self.out.indent();
        for e in &message.enum_type {
            self.out
                .print(&format!("{},\n", descriptor_name(&extend(path, e.name()))));
        }
        self.out.outdent();
        self.out.print("],\n");
        self.out.print(&format!(
            "serialized_options={},\nis_extendable={},\n",
            serialized_options(message.options.as_ref()),
            if message.extension_range.is_empty() {
                "False"
            } else {
                "True"
            }
        ));
        self.out.print("extension_ranges=[");
        for range in &message.extension_range {
            self.out
                .print(&format!("({}, {}), ", range.start(), range.end()));
        }
        self.out.print("],\n");
        self.out.print("oneofs=[\n");
        self.out.indent();
        for (index, oneof) in message.oneof_decl.iter().enumerate() {
            let options = serialized_options(oneof.options.as_ref());
            let options = if options == "None" {
                String::new()
            } else {
                format!(", serialized_options={options}")
            };
            self.out.print(&format!(
                "_descriptor.OneofDescriptor(\n  name='{}', full_name='{}',\n  index={index}, \
                 containing_type=None,\n  create_key=_descriptor._internal_create_key,\n\
                 fields=[]{options}),\n",
                oneof.name(),
                full_name(&scope, oneof.name()),
            ));
        }
        self.out.outdent();
        self.out.print("],\n");
        self.out.outdent();
        self.out.print(")\n");
    }

    fn field_list(
        &mut self,
        list: &str,
        fields: &[pb::FieldDescriptorProto],
        scope: &str,
        is_extension: bool,
    ) {
        self.out.print(&format!("{list}=[\n"));
        self.out.indent();
        for (index, field) in fields.iter().enumerate() {
            self.field(field, index, scope, is_extension);
            self.out.print(",\n");
        }
        self.out.outdent();
        self.out.print("],\n");
    }

    fn field(
        &mut self,
        field: &pb::FieldDescriptorProto,
        index: usize,
        scope: &str,
        is_extension: bool,
    ) {
        let label = match field.label() {
            Label::Required => 2,
            Label::Repeated => 3,
            Label::Optional => 1,
        };
        let json_name = field
            .json_name
            .as_ref()
            .map(|name| format!(", json_name='{name}'"))
            .unwrap_or_default();
        self.out.print(&format!(
            "_descriptor.FieldDescriptor(\n  name='{}', full_name='{}', index={index},\n  \
             number={}, type={}, cpp_type={}, label={label},\n  has_default_value={}, \
             default_value={},\n  message_type=None, enum_type=None, containing_type=None,\n  \
             is_extension={}, extension_scope=None,\n  serialized_options={}{json_name}, \
             file=DESCRIPTOR,  create_key=_descriptor._internal_create_key)",
            field.name(),
            full_name(scope, field.name()),
            field.number(),
            field.r#type() as i32,
            cpp_type(field.r#type()),
            if field.default_value.is_some() {
                "True"
            } else {
                "False"
            },
            self.default_value(field),
            if is_extension { "True" } else { "False" },
            serialized_options(field.options.as_ref()),
        ));
    }

    /// A field's default as a Python expression, as protoc writes it.
    fn default_value(&self, field: &pb::FieldDescriptorProto) -> String {
        if field.label() == Label::Repeated {
            return "[]".to_owned();
        }
        let given = field.default_value.as_deref();
        match field.r#type() {
            FieldType::Double | FieldType::Float => match given {
                Some("inf") => "1e10000".to_owned(),
                Some("-inf") => "-1e10000".to_owned(),
                Some("nan") => "(1e10000 * 0)".to_owned(),
                // The descriptor holds protoc's shortest text of the value.
                Some(text) => format!("float({text})"),
                None => "float(0)".to_owned(),
            },
            FieldType::Bool => match given {
                Some("true") => "True".to_owned(),
                _ => "False".to_owned(),
            },
            FieldType::Enum => self.enum_default(field),
            // The descriptor holds bytes defaults C-escaped already.
            FieldType::Bytes => format!("b\"{}\"", given.unwrap_or_default()),
            FieldType::String => format!(
                "b\"{}\".decode('utf-8')",
                c_escape(given.unwrap_or_default().as_bytes())
            ),
            FieldType::Message | FieldType::Group => "None".to_owned(),
            _ => given.unwrap_or("0").to_owned(),
        }
    }

    /// An enum field's default: the named value's number, or the enum's
    /// first value's.
    fn enum_default(&self, field: &pb::FieldDescriptorProto) -> String {
        let Some(Type::Enum(e)) = self.pool.lookup(field.type_name()).map(|d| d.ty) else {
            return "0".to_owned();
        };
        let value = match field.default_value.as_deref() {
            Some(name) => e.value.iter().find(|v| v.name() == name),
            None => e.value.first(),
        };
        value.map_or(0, |v| v.number()).to_string()
    }

    /// The module-level descriptor name of a message or enum, qualified
    /// with its module's alias when another file declares it.
    fn type_reference(&self, type_name: &str) -> Option<String> {
        let declared = self.pool.lookup(type_name)?;
        let name = descriptor_name(&declared.path);
        Some(if declared.file.name() == self.file.name() {
            name
        } else {
            format!("{}.{name}", module_alias(declared.file.name()))
        })
    }

    /// Field types, containing types and oneof members, set once every
    /// descriptor exists; then the file's tables.
    fn link(&mut self) {
        let file = self.file;
        for message in &file.message_type {
            self.link_message(message, &[message.name()], None);
        }
        for message in &file.message_type {
            self.out.print(&format!(
                "DESCRIPTOR.message_types_by_name['{}'] = {}\n",
                message.name(),
                descriptor_name(&[message.name()])
            ));
        }
        for e in &file.enum_type {
            self.out.print(&format!(
                "DESCRIPTOR.enum_types_by_name['{}'] = {}\n",
                e.name(),
                descriptor_name(&[e.name()])
            ));
        }
        for extension in &file.extension {
            self.out.print(&format!(
                "DESCRIPTOR.extensions_by_name['{}'] = {}\n",
                extension.name(),
                super::super::resolve_keyword(extension.name())
            ));
        }
        self.out
            .print("_sym_db.RegisterFileDescriptor(DESCRIPTOR)\n\n");
    }

    fn link_message(&mut self, message: &pb::DescriptorProto, path: &[&str], parent: Option<&str>) {
        let name = descriptor_name(path);
        for nested in &message.nested_type {
            self.link_message(nested, &extend(path, nested.name()), Some(&name));
        }
        for field in &message.field {
            let reference = format!("{name}.fields_by_name['{}']", field.name());
            let target = match field.r#type() {
                FieldType::Message | FieldType::Group => Some("message_type"),
                FieldType::Enum => Some("enum_type"),
                _ => None,
            };
            if let (Some(target), Some(ty)) = (target, self.type_reference(field.type_name())) {
                self.out.print(&format!("{reference}.{target} = {ty}\n"));
            }
        }
        if let Some(parent) = parent {
            self.out
                .print(&format!("{name}.containing_type = {parent}\n"));
        }
        for e in &message.enum_type {
            self.out.print(&format!(
                "{}.containing_type = {name}\n",
                descriptor_name(&extend(path, e.name()))
            ));
        }
        for (index, oneof) in message.oneof_decl.iter().enumerate() {
            let members = message
                .field
                .iter()
                .filter(|f| f.oneof_index.and_then(|i| usize::try_from(i).ok()) == Some(index));
            for field in members {
                let (oneof, field) = (oneof.name(), field.name());
                self.out.print(&format!(
                    "{name}.oneofs_by_name['{oneof}'].fields.append(\n  \
                     {name}.fields_by_name['{field}'])\n\
                     {name}.fields_by_name['{field}'].containing_oneof = \
                     {name}.oneofs_by_name['{oneof}']\n"
                ));
            }
        }
    }

    /// `_features` of every descriptor: the file, each message (its
    /// fields, oneofs, extensions), each enum (its values).
    fn resolved_features(&mut self) {
        let features = Features::of(self.file);
        self.out.print(
            "class _ResolvedFeatures:\n  def __init__(self, features = None, **kwargs):\n    \
             if features:\n      for k, v in features.FIELDS.items():\n        \
             setattr(self, k, getattr(features, k))\n    else:\n      \
             for k, v in kwargs.items():\n        setattr(self, k, v)\n",
        );
        let plain = features.expression(&[]);
        self.out.print(&format!("DESCRIPTOR._features = {plain}\n"));
        let file = self.file;
        for message in &file.message_type {
            self.message_features(&features, message, &[message.name()]);
        }
        for message in &file.message_type {
            self.enum_features_in(&features, message, &[message.name()]);
        }
        for e in &file.enum_type {
            self.enum_features(&features, e, &[e.name()]);
        }
    }

    fn message_features(
        &mut self,
        features: &Features,
        message: &pb::DescriptorProto,
        path: &[&str],
    ) {
        let name = descriptor_name(path);
        let plain = features.expression(&[]);
        self.out.print(&format!("{name}._features = {plain}\n"));
        for (index, field) in message.field.iter().enumerate() {
            let resolved = features.expression(&field_overrides(field));
            self.out
                .print(&format!("{name}.fields[{index}]._features = {resolved}\n"));
        }
        for index in 0..message.oneof_decl.len() {
            self.out
                .print(&format!("{name}.oneofs[{index}]._features = {plain}\n"));
        }
        for (index, extension) in message.extension.iter().enumerate() {
            let resolved = features.expression(&field_overrides(extension));
            self.out.print(&format!(
                "{name}.extensions[{index}]._features = {resolved}\n"
            ));
        }
        for nested in &message.nested_type {
            self.message_features(features, nested, &extend(path, nested.name()));
        }
    }

    fn enum_features_in(
        &mut self,
        features: &Features,
        message: &pb::DescriptorProto,
        path: &[&str],
    ) {
        for e in &message.enum_type {
            self.enum_features(features, e, &extend(path, e.name()));
        }
        for nested in &message.nested_type {
            self.enum_features_in(features, nested, &extend(path, nested.name()));
        }
    }

    fn enum_features(&mut self, features: &Features, e: &pb::EnumDescriptorProto, path: &[&str]) {
        let name = descriptor_name(path);
        let plain = features.expression(&[]);
        self.out.print(&format!("{name}._features = {plain}\n"));
        for index in 0..e.value.len() {
            self.out
                .print(&format!("{name}.values[{index}]._features = {plain}\n"));
        }
    }
}

/// protoc's C++ type of a field type (`FieldDescriptor::CppType`).
fn cpp_type(ty: FieldType) -> i32 {
    match ty {
        FieldType::Int32 | FieldType::Sint32 | FieldType::Sfixed32 => 1,
        FieldType::Int64 | FieldType::Sint64 | FieldType::Sfixed64 => 2,
        FieldType::Uint32 | FieldType::Fixed32 => 3,
        FieldType::Uint64 | FieldType::Fixed64 => 4,
        FieldType::Double => 5,
        FieldType::Float => 6,
        FieldType::Bool => 7,
        FieldType::Enum => 8,
        FieldType::String | FieldType::Bytes => 9,
        FieldType::Message | FieldType::Group => 10,
    }
}

/// The features proto2 implies for a field: `(feature, value)` pairs that
/// replace the file's defaults.
fn field_overrides(field: &pb::FieldDescriptorProto) -> Vec<(&'static str, &'static str)> {
    let mut overrides = Vec::new();
    if field.label() == Label::Required {
        overrides.push(("field_presence", "LEGACY_REQUIRED"));
    }
    if field.r#type() == FieldType::Group {
        overrides.push(("message_encoding", "DELIMITED"));
    }
    if field.options.as_ref().is_some_and(|o| o.known.packed()) {
        overrides.push(("repeated_field_encoding", "PACKED"));
    }
    overrides
}

/// The runtime features of `FeatureSet` (enum-typed, not source
/// retention) in field-number order, each with its default for the file's
/// edition and the module-level name of its enum's descriptor.
struct Features {
    /// `(field name, enum descriptor name, default value name)`.
    defaults: Vec<(String, String, String)>,
}

impl Features {
    fn of(file: &pb::FileDescriptorProto) -> Features {
        let (edition, _) = edition_of(file);
        let mut defaults = Vec::new();
        let Some(feature_set) = file.message_type.iter().find(|m| m.name() == "FeatureSet") else {
            return Features { defaults };
        };
        let mut fields: Vec<&pb::FieldDescriptorProto> = feature_set
            .field
            .iter()
            .filter(|f| f.r#type() == FieldType::Enum)
            .filter(|f| {
                f.options.as_ref().is_none_or(|o| {
                    o.known.retention() != pb::field_options::OptionRetention::RetentionSource
                })
            })
            .collect();
        fields.sort_by_key(|f| f.number());
        for field in fields {
            let Some(options) = field.options.as_ref() else {
                continue;
            };
            // The default of the latest edition at or before the file's.
            let value = options
                .known
                .edition_defaults
                .iter()
                .filter(|d| d.edition() as i32 <= edition)
                .max_by_key(|d| d.edition() as i32)
                .map(|d| d.value().to_owned())
                .unwrap_or_default();
            let enum_path: Vec<&str> = field
                .type_name()
                .trim_start_matches('.')
                .strip_prefix(&format!("{}.", file.package()))
                .unwrap_or_default()
                .split('.')
                .collect();
            defaults.push((field.name().to_owned(), descriptor_name(&enum_path), value));
        }
        Features { defaults }
    }

    /// `_ResolvedFeatures(...)` with `overrides` replacing defaults.
    fn expression(&self, overrides: &[(&str, &str)]) -> String {
        let arguments: Vec<String> = self
            .defaults
            .iter()
            .map(|(field, enum_name, default)| {
                let value = overrides
                    .iter()
                    .find(|(name, _)| name == field)
                    .map_or(default.as_str(), |(_, value)| value);
                format!("{field}={enum_name}.values_by_name[\"{value}\"].number")
            })
            .collect();
        format!("_ResolvedFeatures({})", arguments.join(","))
    }
}
