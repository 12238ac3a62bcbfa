//! `--pyi_out`: the `_pb2.pyi` type stubs protoc 35's built-in generator
//! writes, byte for byte.
//!
//! A stub is, in this order: imports (each dependency's module under an
//! alias, then the helper modules the file's types need), the `DESCRIPTOR`
//! line and what public imports re-export, the top-level enums and
//! extensions, one class per message, and one per service when the file
//! asks for generic services. Names of types from other files go through
//! the alias their module was imported under.

use std::collections::{HashMap, HashSet};

use super::model::Type;
use super::printer::Printer;
use super::{contains_keyword, is_keyword, module_name, output_file_name, resolve_keyword};
use super::{parameter_keys, OutputFile, Pool};
use crate::descriptors::pb;
use crate::descriptors::pb::field_descriptor_proto::{Label, Type as FieldType};

/// The stub of `file`. (The caller puts the file's name before an error,
/// as protoc's `GenerateAll` does.)
pub(crate) fn generate(
    pool: &Pool,
    file: &pb::FileDescriptorProto,
    parameter: &str,
) -> Result<Vec<OutputFile>, String> {
    let options = Options::parse(parameter)?;
    let name = options
        .output_name
        .clone()
        .unwrap_or_else(|| output_file_name(file.name(), ".pyi"));
    let content = Stub::new(pool, file, &options).render()?;
    Ok(vec![OutputFile::whole(name, content)])
}

/// The generator's parameter, as protoc reads it.
#[derive(Debug, Default, PartialEq, Eq)]
struct Options {
    /// An option ending in `.pyi` names the output file itself.
    output_name: Option<String>,
    /// `experimental_strip_nonfunctional_codegen`: no imports of the C++ and
    /// Java feature files.
    strip_nonfunctional: bool,
}

impl Options {
    /// Comma-separated `name` or `name=value` items; empty items are
    /// skipped and values are ignored, as protoc does.
    fn parse(parameter: &str) -> Result<Options, String> {
        let mut options = Options::default();
        for key in parameter_keys(parameter) {
            if key == "annotate_code" {
                // protoc collects the annotations but never writes them, so
                // the stub is the same with or without them.
            } else if key.ends_with(".pyi") {
                options.output_name = Some(key.to_owned());
            } else if key == "experimental_strip_nonfunctional_codegen" {
                options.strip_nonfunctional = true;
            } else {
                return Err(format!("Unknown generator option: {key}"));
            }
        }
        Ok(options)
    }
}

/// The files protoc leaves out of imports under
/// `experimental_strip_nonfunctional_codegen`.
fn is_known_feature_file(name: &str) -> bool {
    name == "google/protobuf/cpp_features.proto" || name == "google/protobuf/java_features.proto"
}

/// Messages whose Python classes also derive from a class of
/// `google.protobuf.internal.well_known_types`.
fn is_well_known_type(full_name: &str) -> bool {
    matches!(
        full_name,
        "google.protobuf.Any"
            | "google.protobuf.Duration"
            | "google.protobuf.FieldMask"
            | "google.protobuf.ListValue"
            | "google.protobuf.Struct"
            | "google.protobuf.Timestamp"
    )
}

/// Messages whose fields also accept a `datetime` value.
fn datetime_type(full_name: &str) -> Option<&'static str> {
    match full_name {
        "google.protobuf.Timestamp" => Some("datetime.datetime"),
        "google.protobuf.Duration" => Some("datetime.timedelta"),
        _ => None,
    }
}

fn join_name(scope: &str, name: &str) -> String {
    if scope.is_empty() {
        name.to_owned()
    } else {
        format!("{scope}.{name}")
    }
}

/// What a field holds, as the stub spells it.
#[derive(Clone, Copy)]
enum ValueKind<'f> {
    Int,
    Float,
    Bool,
    Str,
    Bytes,
    /// The enum's full name as the field writes it (`.pkg.E`).
    Enum(&'f str),
    /// The message's full name as the field writes it (`.pkg.M`).
    Message(&'f str),
}

/// Which helper modules and names the stub imports.
#[derive(Default)]
struct Needs {
    containers: bool,
    iterable: bool,
    messages: bool,
    enums: bool,
    extendable: bool,
    mapping: bool,
    optional: bool,
    union: bool,
    well_known_types: bool,
    datetime: bool,
}

/// A message being printed, with what naming its fields' types needs.
struct MessageScope<'f> {
    message: &'f pb::DescriptorProto,
    /// The names from the file's top level down to the message.
    path: Vec<&'f str>,
    /// Its full name, without a leading dot.
    full_name: String,
}

impl MessageScope<'_> {
    fn is_nested(&self) -> bool {
        self.path.len() > 1
    }
}

/// One stub being written.
struct Stub<'p, 'f> {
    pool: &'p Pool<'f>,
    file: &'f pb::FileDescriptorProto,
    strip_nonfunctional: bool,
    /// The alias each imported file's module goes by, by file name.
    aliases: HashMap<String, String>,
    out: Printer,
}

impl<'p, 'f> Stub<'p, 'f> {
    fn new(pool: &'p Pool<'f>, file: &'f pb::FileDescriptorProto, options: &Options) -> Self {
        Stub {
            pool,
            file,
            strip_nonfunctional: options.strip_nonfunctional,
            aliases: HashMap::new(),
            out: Printer::new(4),
        }
    }

    fn render(mut self) -> Result<String, String> {
        self.print_imports()?;
        self.out.print("DESCRIPTOR: _descriptor.FileDescriptor\n");
        for public in self.public_dependencies()? {
            self.print_extensions(&public.extension);
            for e in &public.enum_type {
                self.print_enum_values(e, public.name(), &[e.name()], false);
            }
        }
        let file = self.file;
        for e in &file.enum_type {
            self.out.print("\n");
            self.print_enum(e, &[e.name()]);
        }
        for e in &file.enum_type {
            self.print_enum_values(e, file.name(), &[e.name()], false);
        }
        self.print_extensions(&file.extension);
        for message in &file.message_type {
            self.out.print("\n");
            let scope = MessageScope {
                message,
                path: vec![message.name()],
                full_name: join_name(file.package(), message.name()),
            };
            self.print_message(&scope)?;
        }
        if has_generic_services(file) {
            for service in &file.service {
                let name = service.name();
                self.out.print(&format!(
                    "\nclass {name}(_service.service): ...\n\nclass {name}_Stub({name}): ...\n"
                ));
            }
        }
        Ok(self.out.finish())
    }

    fn dependency(&self, name: &str) -> Result<&'f pb::FileDescriptorProto, String> {
        self.pool
            .file(name)
            .ok_or_else(|| format!("{name}: imported by {} but not given", self.file.name()))
    }

    /// The files `file` imports publicly.
    fn public_dependencies_of(
        &self,
        file: &'f pb::FileDescriptorProto,
    ) -> Result<Vec<&'f pb::FileDescriptorProto>, String> {
        file.public_dependency
            .iter()
            .map(|&index| {
                let name = usize::try_from(index)
                    .ok()
                    .and_then(|index| file.dependency.get(index))
                    .ok_or_else(|| {
                        format!("{}: public import {index} out of range", file.name())
                    })?;
                self.dependency(name)
            })
            .collect()
    }

    fn public_dependencies(&self) -> Result<Vec<&'f pb::FileDescriptorProto>, String> {
        self.public_dependencies_of(self.file)
    }

    fn print_imports(&mut self) -> Result<(), String> {
        let file = self.file;
        let mut needs = Needs {
            messages: !file.message_type.is_empty(),
            enums: !file.enum_type.is_empty(),
            ..Needs::default()
        };
        for message in &file.message_type {
            self.check_needs(message, file.package(), &mut needs)?;
        }
        if needs.datetime {
            self.out.print("import datetime\n\n");
        }
        self.print_dependency_imports()?;
        self.print_helper_imports(&needs);
        for public in self.public_dependencies()? {
            let module = module_name(public.name());
            let names = public.message_type.iter().map(|m| m.name());
            for name in names.chain(public.enum_type.iter().map(|e| e.name())) {
                self.out
                    .print(&format!("from {module} import {name} as {name}\n"));
            }
        }
        self.out.print("\n");
        Ok(())
    }

    /// Each dependency's module, then the modules it imports publicly.
    fn print_dependency_imports(&mut self) -> Result<(), String> {
        let mut seen_aliases = HashSet::new();
        let mut imported_importlib = false;
        for name in &self.file.dependency {
            if self.strip_nonfunctional && is_known_feature_file(name) {
                continue;
            }
            let dependency = self.dependency(name)?;
            self.print_module_import(name, &mut seen_aliases, &mut imported_importlib);
            for public in self.public_dependencies_of(dependency)? {
                self.print_module_import(public.name(), &mut seen_aliases, &mut imported_importlib);
            }
        }
        Ok(())
    }

    /// Imports one file's module as `_<last part>` (with `_1` appended
    /// while that alias is taken). A module path with a keyword cannot be
    /// written in an import statement, so it goes through importlib.
    fn print_module_import(
        &mut self,
        file_name: &str,
        seen_aliases: &mut HashSet<String>,
        imported_importlib: &mut bool,
    ) {
        let module = module_name(file_name);
        let (package, last) = match module.rsplit_once('.') {
            Some((package, last)) => (Some(package), last),
            None => (None, module.as_str()),
        };
        let mut alias = format!("_{last}");
        while seen_aliases.contains(&alias) {
            alias.push_str("_1");
        }
        if contains_keyword(&module) {
            if !*imported_importlib {
                self.out.print("import importlib\n");
                *imported_importlib = true;
            }
            self.out
                .print(&format!("{alias} = importlib.import_module('{module}')\n"));
            return;
        }
        let statement = match package {
            Some(package) => format!("from {package} import {last}"),
            None => format!("import {module}"),
        };
        self.out.print(&format!("{statement} as {alias}\n"));
        self.aliases.insert(file_name.to_owned(), alias.clone());
        seen_aliases.insert(alias);
    }

    fn print_helper_imports(&mut self, needs: &Needs) {
        const INTERNAL: &str = "google.protobuf.internal";
        const PUBLIC: &str = "google.protobuf";
        if needs.containers {
            self.out.print(&format!(
                "from {INTERNAL} import containers as _containers\n"
            ));
        }
        if needs.enums {
            self.out.print(&format!(
                "from {INTERNAL} import enum_type_wrapper as _enum_type_wrapper\n"
            ));
        }
        if needs.extendable {
            self.out.print(&format!(
                "from {INTERNAL} import python_message as _python_message\n"
            ));
        }
        if needs.well_known_types {
            self.out.print(&format!(
                "from {INTERNAL} import well_known_types as _well_known_types\n"
            ));
        }
        self.out
            .print(&format!("from {PUBLIC} import descriptor as _descriptor\n"));
        if needs.messages {
            self.out
                .print(&format!("from {PUBLIC} import message as _message\n"));
        }
        if has_generic_services(self.file) {
            self.out
                .print(&format!("from {PUBLIC} import service as _service\n"));
        }
        let abc: Vec<&str> = [
            (needs.iterable, "Iterable as _Iterable"),
            (needs.mapping, "Mapping as _Mapping"),
        ]
        .into_iter()
        .filter_map(|(needed, name)| needed.then_some(name))
        .collect();
        if !abc.is_empty() {
            self.out
                .print(&format!("from collections.abc import {}\n", abc.join(", ")));
        }
        self.out.print("from typing import ClassVar as _ClassVar");
        if needs.optional {
            self.out.print(", Optional as _Optional");
        }
        if needs.union {
            self.out.print(", Union as _Union");
        }
        self.out.print("\n");
    }

    /// Records what `message` and the messages inside it need imported.
    fn check_needs(
        &self,
        message: &'f pb::DescriptorProto,
        scope: &str,
        needs: &mut Needs,
    ) -> Result<(), String> {
        let full_name = join_name(scope, message.name());
        needs.extendable |= !message.extension_range.is_empty();
        needs.enums |= !message.enum_type.is_empty();
        needs.well_known_types |= is_well_known_type(&full_name);
        for field in &message.field {
            if is_keyword(field.name()) {
                continue;
            }
            needs.optional = true;
            let repeated = is_repeated(field);
            needs.containers |= repeated;
            if let Some(entry) = self.map_entry(field)? {
                needs.mapping = true;
                match self.value_kind(map_field(entry, 1, field)?)? {
                    ValueKind::Message(type_name) => {
                        needs.union = true;
                        needs.datetime |= datetime_type(trim_dot(type_name)).is_some();
                    }
                    ValueKind::Enum(_) => needs.union = true,
                    _ => {}
                }
                continue;
            }
            needs.iterable |= repeated;
            match self.value_kind(field)? {
                ValueKind::Message(type_name) => {
                    needs.union = true;
                    needs.mapping = true;
                    needs.datetime |= datetime_type(trim_dot(type_name)).is_some();
                }
                ValueKind::Enum(_) => needs.union = true,
                _ => {}
            }
        }
        for nested in &message.nested_type {
            self.check_needs(nested, &full_name, needs)?;
        }
        Ok(())
    }

    fn print_enum(&mut self, e: &'f pb::EnumDescriptorProto, path: &[&'f str]) {
        self.out.print(&format!(
            "class {}(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):\n    __slots__ = ()\n",
            e.name()
        ));
        self.out.indent();
        self.print_enum_values(e, self.file.name(), path, true);
        self.out.outdent();
    }

    /// One line per value, typed as the enum (`_ClassVar[...]` inside the
    /// enum's own class).
    fn print_enum_values(
        &mut self,
        e: &pb::EnumDescriptorProto,
        file_name: &str,
        path: &[&str],
        in_class: bool,
    ) {
        let enum_name = self.module_level_name(file_name, path);
        for value in &e.value {
            let line = if in_class {
                format!("{}: _ClassVar[{enum_name}]\n", value.name())
            } else {
                format!("{}: {enum_name}\n", value.name())
            };
            self.out.print(&line);
        }
    }

    fn print_extensions(&mut self, extensions: &[pb::FieldDescriptorProto]) {
        for extension in extensions {
            let name = extension.name();
            let number_name = format!("{name}_FIELD_NUMBER").to_ascii_uppercase();
            self.out.print(&format!(
                "{number_name}: _ClassVar[int]\n{name}: _descriptor.FieldDescriptor\n"
            ));
        }
    }

    fn print_message(&mut self, scope: &MessageScope<'f>) -> Result<(), String> {
        let message = scope.message;
        let extra_base = if is_well_known_type(&scope.full_name) {
            format!(", _well_known_types.{}", message.name())
        } else {
            String::new()
        };
        self.out.print(&format!(
            "class {}(_message.Message{extra_base}):\n",
            message.name()
        ));
        self.out.indent();
        self.print_slots(message);
        if !message.extension_range.is_empty() {
            self.out
                .print("Extensions: _python_message._ExtensionDict\n");
        }
        for e in &message.enum_type {
            let mut path = scope.path.clone();
            path.push(e.name());
            self.print_enum(e, &path);
            self.print_enum_values(e, self.file.name(), &path, false);
        }
        for nested in &message.nested_type {
            let mut path = scope.path.clone();
            path.push(nested.name());
            let nested_scope = MessageScope {
                message: nested,
                path,
                full_name: join_name(&scope.full_name, nested.name()),
            };
            self.print_message(&nested_scope)?;
        }
        self.print_extensions(&message.extension);
        for field in &message.field {
            let number_name = format!("{}_FIELD_NUMBER", field.name().to_ascii_uppercase());
            self.out.print(&format!("{number_name}: _ClassVar[int]\n"));
        }
        for field in message.field.iter().filter(|f| !is_keyword(f.name())) {
            let attribute_type = self.attribute_type(field, scope)?;
            self.out
                .print(&format!("{}: {attribute_type}\n", field.name()));
        }
        self.print_init(scope)?;
        self.out.outdent();
        Ok(())
    }

    /// `__slots__`: the fields Python code can name (a keyword cannot be).
    fn print_slots(&mut self, message: &pb::DescriptorProto) {
        let slots: Vec<String> = message
            .field
            .iter()
            .filter(|f| !is_keyword(f.name()))
            .map(|f| format!("\"{}\"", f.name()))
            .collect();
        let trailing_comma = if slots.len() == 1 { "," } else { "" };
        self.out.print(&format!(
            "__slots__ = ({}{trailing_comma})\n",
            slots.join(", ")
        ));
    }

    /// A field's type as a class attribute: containers for repeated fields
    /// and maps.
    fn attribute_type(
        &self,
        field: &'f pb::FieldDescriptorProto,
        scope: &MessageScope<'f>,
    ) -> Result<String, String> {
        if let Some(entry) = self.map_entry(field)? {
            let key = self.value_kind(map_field(entry, 0, field)?)?;
            let value = self.value_kind(map_field(entry, 1, field)?)?;
            let container = match value {
                ValueKind::Message(_) => "MessageMap",
                _ => "ScalarMap",
            };
            return Ok(format!(
                "_containers.{container}[{}, {}]",
                self.type_name(key, scope)?,
                self.type_name(value, scope)?
            ));
        }
        let kind = self.value_kind(field)?;
        let name = self.type_name(kind, scope)?;
        if !is_repeated(field) {
            return Ok(name);
        }
        let container = match kind {
            ValueKind::Message(_) => "RepeatedCompositeFieldContainer",
            _ => "RepeatedScalarFieldContainer",
        };
        Ok(format!("_containers.{container}[{name}]"))
    }

    /// `def __init__(...)`: every field a keyword argument, keywords only
    /// through `**kwargs`.
    fn print_init(&mut self, scope: &MessageScope<'f>) -> Result<(), String> {
        let message = scope.message;
        // A field may be called `self`; the positional parameter then takes
        // underscores until it names no field.
        let mut self_name = String::from("self");
        while message.field.iter().any(|f| f.name() == self_name) {
            self_name.push('_');
        }
        let mut line = format!("def __init__({self_name}");
        let mut has_keyword_fields = false;
        for field in &message.field {
            if is_keyword(field.name()) {
                has_keyword_fields = true;
                continue;
            }
            let parameter_type = self.parameter_type(field, scope)?;
            line.push_str(&format!(
                ", {}: _Optional[{parameter_type}] = ...",
                field.name()
            ));
        }
        if has_keyword_fields {
            line.push_str(", **kwargs");
        }
        line.push_str(") -> None: ...\n");
        self.out.print(&line);
        Ok(())
    }

    /// What `__init__` accepts for a field: a mapping for a message, a
    /// name for an enum, any iterable for a repeated field.
    fn parameter_type(
        &self,
        field: &'f pb::FieldDescriptorProto,
        scope: &MessageScope<'f>,
    ) -> Result<String, String> {
        if let Some(entry) = self.map_entry(field)? {
            let key = self.value_kind(map_field(entry, 0, field)?)?;
            let value = self.value_kind(map_field(entry, 1, field)?)?;
            return Ok(format!(
                "_Mapping[{}, {}]",
                self.type_name(key, scope)?,
                self.type_name(value, scope)?
            ));
        }
        let kind = self.value_kind(field)?;
        let single = match kind {
            ValueKind::Message(type_name) => {
                let extra = datetime_type(trim_dot(type_name))
                    .map(|datetime| format!("{datetime}, "))
                    .unwrap_or_default();
                format!("_Union[{extra}{}, _Mapping]", self.type_name(kind, scope)?)
            }
            ValueKind::Enum(_) => format!("_Union[{}, str]", self.type_name(kind, scope)?),
            _ => self.type_name(kind, scope)?,
        };
        Ok(if is_repeated(field) {
            format!("_Iterable[{single}]")
        } else {
            single
        })
    }

    /// The Python type of one value, as written inside `scope`.
    fn type_name(&self, kind: ValueKind<'f>, scope: &MessageScope<'f>) -> Result<String, String> {
        Ok(match kind {
            ValueKind::Int => "int".to_owned(),
            ValueKind::Float => "float".to_owned(),
            ValueKind::Bool => "bool".to_owned(),
            ValueKind::Str => "str".to_owned(),
            ValueKind::Bytes => "bytes".to_owned(),
            ValueKind::Enum(type_name) => self.declared_name(type_name)?,
            ValueKind::Message(type_name) => {
                let name = self.declared_name(type_name)?;
                // Inside a nested class of the same name, a bare top-level
                // name would mean the nested class; the module's full name
                // says which.
                if scope.is_nested() && name == scope.message.name() {
                    format!("{}.{name}", module_name(self.file.name()))
                } else {
                    name
                }
            }
        })
    }

    /// A message's or enum's name as this stub's top level refers to it.
    fn declared_name(&self, type_name: &str) -> Result<String, String> {
        let declared = self
            .pool
            .lookup(type_name)
            .ok_or_else(|| format!("{type_name}: type not found"))?;
        Ok(self.module_level_name(declared.file.name(), &declared.path))
    }

    /// The dotted name of a type declared in `file_name` at `path`, with
    /// its module's alias when that is another file.
    fn module_level_name(&self, file_name: &str, path: &[&str]) -> String {
        let name = nested_name(path);
        if file_name == self.file.name() {
            return name;
        }
        let alias = match self.aliases.get(file_name) {
            Some(alias) => alias.clone(),
            None => {
                let module = module_name(file_name);
                let last = module.rsplit('.').next().unwrap_or(&module);
                format!("_{last}")
            }
        };
        format!("{alias}.{name}")
    }

    /// The map entry message of a map field.
    fn map_entry(
        &self,
        field: &pb::FieldDescriptorProto,
    ) -> Result<Option<&'f pb::DescriptorProto>, String> {
        if !is_repeated(field) {
            return Ok(None);
        }
        let ValueKind::Message(type_name) = self.value_kind(field)? else {
            return Ok(None);
        };
        let Some(Type::Message(message)) = self.pool.lookup(type_name).map(|d| d.ty) else {
            return Err(format!("{type_name}: message not found"));
        };
        let is_entry = message
            .options
            .as_ref()
            .is_some_and(|options| options.known.map_entry());
        Ok(is_entry.then_some(message))
    }

    fn value_kind<'a>(&self, field: &'a pb::FieldDescriptorProto) -> Result<ValueKind<'a>, String> {
        let type_name = field.type_name();
        let field_type = match field.r#type {
            Some(_) => field.r#type(),
            // A descriptor may leave the type out of a field naming a
            // message or enum; the name says which.
            None => match self.pool.lookup(type_name).map(|d| d.ty) {
                Some(Type::Message(_)) => FieldType::Message,
                Some(Type::Enum(_)) => FieldType::Enum,
                None => return Err(format!("{}: field has no type", field.name())),
            },
        };
        Ok(match field_type {
            FieldType::Int32
            | FieldType::Int64
            | FieldType::Uint32
            | FieldType::Uint64
            | FieldType::Sint32
            | FieldType::Sint64
            | FieldType::Fixed32
            | FieldType::Fixed64
            | FieldType::Sfixed32
            | FieldType::Sfixed64 => ValueKind::Int,
            FieldType::Double | FieldType::Float => ValueKind::Float,
            FieldType::Bool => ValueKind::Bool,
            FieldType::String => ValueKind::Str,
            FieldType::Bytes => ValueKind::Bytes,
            FieldType::Enum => ValueKind::Enum(type_name),
            FieldType::Message | FieldType::Group => ValueKind::Message(type_name),
        })
    }
}

fn is_repeated(field: &pb::FieldDescriptorProto) -> bool {
    field.label() == Label::Repeated
}

fn has_generic_services(file: &pb::FileDescriptorProto) -> bool {
    !file.service.is_empty()
        && file
            .options
            .as_ref()
            .is_some_and(|options| options.known.py_generic_services())
}

/// The key (0) or value (1) field of a map entry.
fn map_field<'f>(
    entry: &'f pb::DescriptorProto,
    index: usize,
    field: &pb::FieldDescriptorProto,
) -> Result<&'f pb::FieldDescriptorProto, String> {
    entry
        .field
        .get(index)
        .ok_or_else(|| format!("{}: map entry lacks its key or value", field.name()))
}

fn trim_dot(type_name: &str) -> &str {
    type_name.strip_prefix('.').unwrap_or(type_name)
}

/// A type's dotted name inside its module. A keyword can only be reached
/// through `globals()` at the top level and `getattr` below it.
fn nested_name(path: &[&str]) -> String {
    let Some((first, rest)) = path.split_first() else {
        return String::new();
    };
    rest.iter().fold(resolve_keyword(first), |prefix, name| {
        if is_keyword(name) {
            format!("getattr({prefix}, '{name}')")
        } else {
            format!("{prefix}.{name}")
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameter_items() {
        assert_eq!(Options::parse(""), Ok(Options::default()));
        assert_eq!(
            Options::parse("annotate_code,,experimental_strip_nonfunctional_codegen=1"),
            Ok(Options {
                output_name: None,
                strip_nonfunctional: true
            })
        );
        assert_eq!(
            Options::parse("out/x.pyi=ignored").map(|o| o.output_name),
            Ok(Some("out/x.pyi".to_owned()))
        );
        assert_eq!(
            Options::parse("annotate_code,bogus=1"),
            Err("Unknown generator option: bogus".to_owned())
        );
        assert_eq!(
            Options::parse("=x"),
            Err("Unknown generator option: ".to_owned())
        );
    }

    #[test]
    fn nested_names_with_keywords() {
        assert_eq!(nested_name(&["A", "B"]), "A.B");
        assert_eq!(nested_name(&["class"]), "globals()['class']");
        assert_eq!(
            nested_name(&["class", "in", "X"]),
            "getattr(globals()['class'], 'in').X"
        );
    }
}
