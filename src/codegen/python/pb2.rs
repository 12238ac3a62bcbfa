//! `--python_out`: the `_pb2.py` module of a .proto file, as protoc 35's
//! Python generator writes it. The module embeds the file's serialized
//! descriptor (source-retention options stripped, no source info, json
//! names only where given) and lets the runtime's `_builder` make the
//! classes; for pure-Python runtimes it then resets every element's options
//! so that custom options are parsed after their extensions exist, and
//! records where each message, enum and service sits in the serialized
//! bytes.
//!
//! protobuf's own `google/protobuf/descriptor.proto` is special: the pure
//! Python runtime cannot parse a serialized descriptor before descriptor.proto
//! itself exists, so its module also spells out every descriptor as Python
//! objects (see [`descriptor_proto`]).

use prost::Message;

use super::printer::Printer;
use super::{
    alias_of_module, contains_keyword, module_name, output_file_name, parameter_keys,
    public_dependencies, pyi, OutputFile, Pool, PROTOBUF_PYTHON_VERSION,
};
use crate::descriptors::pb;
use crate::escape::{c_escape, c_hex_escape};

mod descriptor_proto;

/// The generator's parameters (protoc's `ParseGeneratorParameter`: `,`
/// separated, each `key` or `key=value`).
#[derive(Default)]
struct Options {
    /// `pyi_out`: also write the `.pyi` stub.
    pyi: bool,
    /// `annotate_code`, passed on to the stub generator.
    annotate_pyi: bool,
    /// `experimental_strip_nonfunctional_codegen`, passed on to the stub
    /// generator.
    strip_nonfunctional: bool,
}

impl Options {
    fn parse(parameter: &str) -> Result<Options, String> {
        let mut options = Options::default();
        let mut unknown = None;
        for key in parameter_keys(parameter) {
            match key {
                "pyi_out" => options.pyi = true,
                "annotate_code" => options.annotate_pyi = true,
                "experimental_strip_nonfunctional_codegen" => options.strip_nonfunctional = true,
                // protoc reports the last unknown option. (`bootstrap` is
                // Google-internal; the open-source generator does not know
                // it either.)
                _ => unknown = Some(key),
            }
        }
        match unknown {
            Some(key) => Err(format!("Unknown generator option: {key}")),
            None => Ok(options),
        }
    }

    /// The stub generator's parameter when `pyi_out` asks for stubs.
    fn pyi_parameter(&self) -> String {
        let mut parts = Vec::new();
        if self.annotate_pyi {
            parts.push("annotate_code");
        }
        if self.strip_nonfunctional {
            parts.push("experimental_strip_nonfunctional_codegen");
        }
        parts.join(",")
    }
}

pub(crate) fn generate(
    pool: &Pool,
    file: &pb::FileDescriptorProto,
    parameter: &str,
) -> Result<Vec<OutputFile>, String> {
    let options = Options::parse(parameter)?;
    let mut out = Vec::new();
    if options.pyi {
        out.extend(pyi::generate(pool, file, &options.pyi_parameter())?);
    }
    let module = Module::new(pool, file);
    out.push(OutputFile::whole(
        output_file_name(file.name(), ".py"),
        module.render(),
    ));
    Ok(out)
}

/// `foo/bar.proto` as an identifier: the module name with `_` doubled and
/// `.` as `_dot_` (`foo_dot_bar__pb2`), so that no two files collide.
pub(crate) fn module_alias(filename: &str) -> String {
    alias_of_module(&module_name(filename))
}

/// The file as it is serialized into the module: what protoc's `CopyTo`
/// writes, which has no source info. (The caller's copy already has
/// source-retention options stripped and json names only where given.)
fn serialized_form(file: &pb::FileDescriptorProto) -> pb::FileDescriptorProto {
    let mut copy = file.clone();
    copy.source_code_info = None;
    copy
}

/// The Python literal of serialized options: `None` when there are none.
fn options_value(serialized: &[u8]) -> String {
    if serialized.is_empty() {
        "None".to_owned()
    } else {
        format!("b'{}'", c_escape(serialized))
    }
}

fn serialized_options<M: Message>(options: Option<&M>) -> String {
    options_value(&options.map(Message::encode_to_vec).unwrap_or_default())
}

/// One file's module being written.
struct Module<'a> {
    pool: &'a Pool<'a>,
    file: pb::FileDescriptorProto,
    serialized: Vec<u8>,
    out: Printer,
}

impl<'a> Module<'a> {
    fn new(pool: &'a Pool<'a>, file: &pb::FileDescriptorProto) -> Module<'a> {
        let file = serialized_form(file);
        let serialized = file.encode_to_vec();
        Module {
            pool,
            file,
            serialized,
            out: Printer::new(2),
        }
    }

    fn generating_descriptor_proto(&self) -> bool {
        descriptor_proto::is_descriptor_proto(self.file.name())
    }

    fn render(mut self) -> String {
        self.top_boilerplate();
        self.imports();
        self.file_descriptor();
        self.out.print("_globals = globals()\n");
        let descriptor_proto = self.generating_descriptor_proto();
        if descriptor_proto {
            self.out.print("if not _descriptor._USE_C_DESCRIPTORS:\n");
            self.out.indent();
            descriptor_proto::python_descriptors(self.pool, &self.file, &mut self.out);
            self.out.outdent();
            self.out.print("else:\n");
            self.out.indent();
        }
        self.out
            .print("_builder.BuildMessageAndEnumDescriptors(DESCRIPTOR, _globals)\n");
        if descriptor_proto {
            self.out.outdent();
        }
        let module = module_name(self.file.name());
        self.out.print(&format!(
            "_builder.BuildTopDescriptorsAndMessages(DESCRIPTOR, '{module}', _globals)\n"
        ));
        self.out.print("if not _descriptor._USE_C_DESCRIPTORS:\n");
        self.out.indent();
        self.fix_all_options();
        self.serialized_intervals();
        self.out.outdent();
        let generic_services = !self.file.service.is_empty()
            && self
                .file
                .options
                .as_ref()
                .is_some_and(|o| o.known.py_generic_services());
        if generic_services {
            self.out.print(&format!(
                "_builder.BuildServices(DESCRIPTOR, '{module}', _globals)\n"
            ));
        }
        self.out.print("# @@protoc_insertion_point(module_scope)\n");
        self.out.finish()
    }

    fn top_boilerplate(&mut self) {
        let name = self.file.name().to_owned();
        let (major, minor, patch, suffix) = PROTOBUF_PYTHON_VERSION;
        self.out.print(&format!(
            "# -*- coding: utf-8 -*-\n\
             # Generated by the protocol buffer compiler.  DO NOT EDIT!\n\
             # NO CHECKED-IN PROTOBUF GENCODE\n\
             # source: {name}\n\
             # Protobuf Python Version: {major}.{minor}.{patch}{suffix}\n\
             \"\"\"Generated protocol buffer code.\"\"\"\n\
             from google.protobuf import descriptor as _descriptor\n\
             from google.protobuf import descriptor_pool as _descriptor_pool\n\
             from google.protobuf import runtime_version as _runtime_version\n\
             from google.protobuf import symbol_database as _symbol_database\n\
             from google.protobuf.internal import builder as _builder\n\
             _runtime_version.ValidateProtobufRuntimeVersion(\n    \
             _runtime_version.Domain.PUBLIC,\n    \
             {major},\n    \
             {minor},\n    \
             {patch},\n    \
             '{suffix}',\n    \
             '{name}'\n\
             )\n\
             # @@protoc_insertion_point(imports)\n\n\
             _sym_db = _symbol_database.Default()\n\n\n"
        ));
    }

    /// One import per dependency (through `importlib` when a part of the
    /// module's name is a Python keyword), with the aliases that public
    /// imports forward; then a star import per public dependency.
    fn imports(&mut self) {
        let mut has_importlib = false;
        for dependency in self.file.dependency.clone() {
            let module = module_name(&dependency);
            let alias = module_alias(&dependency);
            if contains_keyword(&module) {
                if !has_importlib {
                    self.out.print("import importlib\n");
                    has_importlib = true;
                }
                self.out
                    .print(&format!("{alias} = importlib.import_module('{module}')\n"));
            } else {
                let statement = match module.rsplit_once('.') {
                    Some((package, last)) => format!("from {package} import {last}"),
                    None => format!("import {module}"),
                };
                self.out.print(&format!("{statement} as {alias}\n"));
            }
            self.copy_public_aliases(&alias, &dependency);
        }
        self.out.print("\n");
        let star_imports: Vec<String> = public_dependencies(&self.file)
            .map(|dependency| format!("from {} import *\n", module_name(dependency)))
            .collect();
        for line in star_imports {
            self.out.print(&line);
        }
        self.out.print("\n");
    }

    /// A dependency that publicly imports other files forwards their
    /// aliases; older generated modules have only the module name.
    fn copy_public_aliases(&mut self, copy_from: &str, dependency: &str) {
        let Some(file) = self.pool.file(dependency) else {
            return;
        };
        for public in public_dependencies(file) {
            let module = module_name(public);
            let alias = module_alias(public);
            self.out.print(&format!(
                "try:\n  {alias} = {copy_from}.{alias}\nexcept AttributeError:\n  {alias} = {copy_from}.{module}\n"
            ));
            self.copy_public_aliases(copy_from, public);
        }
    }

    fn file_descriptor(&mut self) {
        let escaped = c_hex_escape(&self.serialized);
        if self.generating_descriptor_proto() {
            descriptor_proto::file_descriptor(&self.file, &escaped, &mut self.out);
        }
        self.out.print(&format!(
            "DESCRIPTOR = _descriptor_pool.Default().AddSerializedFile(b'{escaped}')\n"
        ));
        if self.generating_descriptor_proto() {
            self.out.outdent();
        }
        self.out.print("\n");
    }

    /// For every element with options: forget the parsed options and keep
    /// the serialized ones, so that the runtime parses them again once
    /// every extension is known. In protoc's order: the file, top-level
    /// enums, top-level extensions, messages (inside out), services.
    fn fix_all_options(&mut self) {
        let file = self.file.clone();
        if !self.fix_options(file.options.as_ref(), "DESCRIPTOR") {
            self.out.print("DESCRIPTOR._loaded_options = None\n");
        }
        for e in &file.enum_type {
            self.fix_enum_options(e, &descriptor_name(&[e.name()]));
        }
        for extension in &file.extension {
            self.fix_options(extension.options.as_ref(), extension.name());
        }
        for message in &file.message_type {
            self.fix_message_options(message, &[message.name()]);
        }
        for service in &file.service {
            let name = service_descriptor_name(service.name());
            self.fix_options(service.options.as_ref(), &name);
            for method in &service.method {
                self.fix_options(
                    method.options.as_ref(),
                    &format!("{name}.methods_by_name['{}']", method.name()),
                );
            }
        }
    }

    fn fix_message_options(&mut self, message: &pb::DescriptorProto, path: &[&str]) {
        let name = descriptor_name(path);
        for nested in &message.nested_type {
            self.fix_message_options(nested, &[path, &[nested.name()]].concat());
        }
        for oneof in &message.oneof_decl {
            self.fix_options(
                oneof.options.as_ref(),
                &format!("{name}.oneofs_by_name['{}']", oneof.name()),
            );
        }
        for e in &message.enum_type {
            self.fix_enum_options(e, &descriptor_name(&[path, &[e.name()]].concat()));
        }
        for field in &message.field {
            self.fix_options(
                field.options.as_ref(),
                &format!("{name}.fields_by_name['{}']", field.name()),
            );
        }
        for extension in &message.extension {
            self.fix_options(
                extension.options.as_ref(),
                &format!("{name}.extensions_by_name['{}']", extension.name()),
            );
        }
        self.fix_options(message.options.as_ref(), &name);
    }

    fn fix_enum_options(&mut self, e: &pb::EnumDescriptorProto, name: &str) {
        self.fix_options(e.options.as_ref(), name);
        for value in &e.value {
            self.fix_options(
                value.options.as_ref(),
                &format!("{name}.values_by_name[\"{}\"]", value.name()),
            );
        }
    }

    /// Prints the reset for one element (`descriptor` names it at module
    /// level, up to its first `.`); `false` when it has no options.
    fn fix_options<M: Message>(&mut self, options: Option<&M>, descriptor: &str) -> bool {
        let value = serialized_options(options);
        if value == "None" {
            return false;
        }
        let target = match descriptor.split_once('.') {
            Some((head, rest)) => format!("_globals['{head}'].{rest}"),
            None => format!("_globals['{descriptor}']"),
        };
        self.out.print(&format!(
            "{target}._loaded_options = None\n{target}._serialized_options = {value}\n"
        ));
        true
    }

    /// `_serialized_start` and `_serialized_end` of every enum, message
    /// and service: where its serialized form first occurs in the file's
    /// bytes. protoc searches for the bytes rather than tracking offsets,
    /// so two identical nested types both point at the first one; so do
    /// these.
    fn serialized_intervals(&mut self) {
        let file = self.file.clone();
        for e in &file.enum_type {
            self.interval(e, &descriptor_name(&[e.name()]));
        }
        for message in &file.message_type {
            self.message_intervals(message, &[message.name()]);
        }
        for service in &file.service {
            self.interval(service, &service_descriptor_name(service.name()));
        }
    }

    fn message_intervals(&mut self, message: &pb::DescriptorProto, path: &[&str]) {
        self.interval(message, &descriptor_name(path));
        for nested in &message.nested_type {
            self.message_intervals(nested, &[path, &[nested.name()]].concat());
        }
        for e in &message.enum_type {
            self.interval(e, &descriptor_name(&[path, &[e.name()]].concat()));
        }
    }

    fn interval<M: Message>(&mut self, element: &M, name: &str) {
        let bytes = element.encode_to_vec();
        // The element is part of the file, so its bytes occur in the
        // file's; 0 only guards against the impossible.
        let start = find(&self.serialized, &bytes).unwrap_or(0);
        let end = start + bytes.len();
        self.out.print(&format!(
            "_globals['{name}']._serialized_start={start}\n_globals['{name}']._serialized_end={end}\n"
        ));
    }
}

/// The module-level name of a message's or enum's descriptor in its own
/// module: `_` and the upper-cased names from the top level, joined with
/// `_` (`_OUTER_INNER`).
pub(crate) fn descriptor_name(path: &[&str]) -> String {
    format!("_{}", path.join("_").to_ascii_uppercase())
}

/// The module-level name of a service's descriptor: `_SERVICE`.
pub(crate) fn service_descriptor_name(name: &str) -> String {
    format!("_{}", name.to_ascii_uppercase())
}

/// The first occurrence of `needle` in `haystack`.
fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_double_underscores_and_spell_dots() {
        assert_eq!(module_alias("test.proto"), "test__pb2");
        assert_eq!(
            module_alias("google/protobuf/empty.proto"),
            "google_dot_protobuf_dot_empty__pb2"
        );
        assert_eq!(module_alias("a/b-c.proto"), "a_dot_b__c__pb2");
    }

    #[test]
    fn descriptor_names_are_upper_case_paths() {
        assert_eq!(descriptor_name(&["Work", "Operation"]), "_WORK_OPERATION");
        assert_eq!(service_descriptor_name("Demo"), "_DEMO");
    }

    #[test]
    fn unknown_parameters_are_errors_naming_the_last() {
        assert!(Options::parse("pyi_out").is_ok_and(|o| o.pyi));
        assert_eq!(
            Options::parse("a,pyi_out,b=1").err().as_deref(),
            Some("Unknown generator option: b")
        );
    }
}
