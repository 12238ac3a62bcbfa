//! A `FileDescriptorProto` printed back as `.proto` text, so that a file
//! that arrives as a descriptor (from `--descriptor_set_in`, or one of the
//! built-in files) goes through the same stages as a file read from disk:
//! parsed, resolved, validated, and built again into the same descriptor.
//!
//! The text is canonical rather than pretty: every type name fully
//! qualified with its leading dot, every option written out, each range on
//! its own line. What the text cannot say is carried beside it: options
//! fields outside descriptor.proto's schema (custom options) are kept as
//! their wire bytes, to be appended to the element's interpreted options
//! exactly as protoc re-serializes a loaded descriptor (known fields, then
//! the unknown ones in their order).
//!
//! Printing keeps every list of the descriptor in order. Most lists are
//! independent (fields, nested messages, enums, extensions), but a group's
//! message and a map's entry message are declared by their field, so the
//! printer interleaves fields and nested messages to keep both orders.
//!
//! The round trip is tested on every built-in file and on every descriptor
//! golden of the fixtures: decompiling then compiling gives the original.

mod options;
mod universe;

use crate::pb;
use crate::pb::field_descriptor_proto::{Label, Type};
use crate::semantics::options::{Target, FILE_OPTIONS};
use crate::semantics::shape;

pub use universe::Universe;

/// A descriptor as text, with what the text cannot carry.
#[derive(Debug, Default)]
pub struct Decompiled {
    pub text: String,
    /// Options fields outside descriptor.proto's schema, by element.
    pub raw_options: Vec<RawOptions>,
}

/// The unknown fields of one element's options message, to append to the
/// options interpreted from the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawOptions {
    /// The start of the element's name in the text ([`FILE_OPTIONS`] for
    /// the file, the `extensions` keyword for an extension range): the key
    /// the semantics stage files options under.
    pub offset: u32,
    pub target: Target,
    pub bytes: Vec<u8>,
}

/// Why a descriptor cannot be printed as a file protoc would accept the
/// same way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecompileError(pub String);

type Result<T> = std::result::Result<T, DecompileError>;

fn error<T>(message: impl Into<String>) -> Result<T> {
    Err(DecompileError(message.into()))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Syntax {
    Proto2,
    Proto3,
    Editions,
}

/// Prints `file`; `universe` names the extensions and message types that
/// nested option values refer to.
pub fn decompile(file: &pb::FileDescriptorProto, universe: &Universe<'_>) -> Result<Decompiled> {
    let syntax = match file.syntax() {
        "" | "proto2" => Syntax::Proto2,
        "proto3" => Syntax::Proto3,
        "editions" => Syntax::Editions,
        other => return error(format!("unknown syntax \"{other}\"")),
    };
    let mut printer = Printer {
        out: String::new(),
        raw: Vec::new(),
        syntax,
        unstable: syntax == Syntax::Editions && file.edition == Some(pb::Edition::Unstable as i32),
        universe,
        indent: 0,
    };
    printer.file(file)?;
    Ok(Decompiled {
        text: printer.out,
        raw_options: printer.raw,
    })
}

struct Printer<'a> {
    out: String,
    raw: Vec<RawOptions>,
    syntax: Syntax,
    /// Edition UNSTABLE, which spells the integer types differently.
    unstable: bool,
    universe: &'a Universe<'a>,
    indent: usize,
}

/// One thing a scope declares, in the order it is printed.
enum Item<'d> {
    Message(&'d pb::DescriptorProto),
    Field(&'d pb::FieldDescriptorProto),
    Extension(&'d pb::FieldDescriptorProto),
}

/// What a field declares besides itself.
enum Inline<'d> {
    None,
    Group(&'d pb::DescriptorProto),
    Map(&'d pb::DescriptorProto),
}

impl<'a> Printer<'a> {
    fn offset(&self) -> u32 {
        self.out.len() as u32
    }

    fn line_start(&mut self) {
        for _ in 0..self.indent {
            self.out.push_str("  ");
        }
    }

    fn line(&mut self, text: &str) {
        self.line_start();
        self.out.push_str(text);
        self.out.push('\n');
    }

    fn keep_raw(&mut self, offset: u32, target: Target, unknown: &[u8]) {
        if !unknown.is_empty() {
            self.raw.push(RawOptions {
                offset,
                target,
                bytes: unknown.to_vec(),
            });
        }
    }

    fn file(&mut self, file: &pb::FileDescriptorProto) -> Result<()> {
        match self.syntax {
            Syntax::Proto2 => self.line("syntax = \"proto2\";"),
            Syntax::Proto3 => self.line("syntax = \"proto3\";"),
            Syntax::Editions => {
                let edition = pb::Edition::try_from(file.edition.unwrap_or_default())
                    .ok()
                    .and_then(|e| e.as_str_name().strip_prefix("EDITION_"))
                    .filter(|name| !name.is_empty() && *name != "UNKNOWN");
                let Some(edition) = edition else {
                    return error(format!(
                        "an editions file with edition number {}",
                        file.edition.unwrap_or_default()
                    ));
                };
                self.line(&format!("edition = \"{edition}\";"));
            }
        }
        if let Some(package) = &file.package {
            self.line(&format!("package {package};"));
        }
        for (index, dependency) in file.dependency.iter().enumerate() {
            let index = index as i32;
            let modifier = if file.public_dependency.contains(&index) {
                "public "
            } else if file.weak_dependency.contains(&index) {
                "weak "
            } else {
                ""
            };
            self.line(&format!(
                "import {modifier}{};",
                quote(dependency.as_bytes())
            ));
        }
        for dependency in &file.option_dependency {
            self.line(&format!("import option {};", quote(dependency.as_bytes())));
        }
        if let Some(options) = &file.options {
            self.option_statements(".google.protobuf.FileOptions", &options.known)?;
            self.keep_raw(FILE_OPTIONS, Target::File, &options.unknown);
        }
        let package = file.package().to_owned();
        let items = self.scope_items(&package, &file.message_type, &[], &file.extension)?;
        self.items(&package, &items, &[], &file.message_type)?;
        for e in &file.enum_type {
            self.enumeration(e)?;
        }
        for service in &file.service {
            self.service(service)?;
        }
        Ok(())
    }

    /// What a field declares inline: a proto2 group's message or a map's
    /// entry, found among the scope's nested messages.
    fn inline_of<'d>(
        &self,
        scope: &str,
        nested: &'d [pb::DescriptorProto],
        field: &pb::FieldDescriptorProto,
    ) -> Inline<'d> {
        let nested_named = |type_name: &str| {
            let local = type_name.strip_prefix('.')?.strip_prefix(scope)?;
            let local = if scope.is_empty() {
                local
            } else {
                local.strip_prefix('.')?
            };
            nested.iter().find(|m| m.name() == local)
        };
        match field.r#type() {
            Type::Group if self.syntax == Syntax::Proto2 => match nested_named(field.type_name()) {
                Some(message) if field.name() == message.name().to_ascii_lowercase() => {
                    Inline::Group(message)
                }
                _ => Inline::None,
            },
            Type::Message if field.label() == Label::Repeated && field.extendee.is_none() => {
                match nested_named(field.type_name()) {
                    Some(entry) if entry.options.as_ref().is_some_and(|o| o.known.map_entry()) => {
                        Inline::Map(entry)
                    }
                    _ => Inline::None,
                }
            }
            _ => Inline::None,
        }
    }

    /// The messages, fields and extensions of a scope in printing order:
    /// nested messages in their order, each group or map entry at its
    /// field, fields and extensions each in theirs.
    fn scope_items<'d>(
        &self,
        scope: &str,
        nested: &'d [pb::DescriptorProto],
        fields: &'d [pb::FieldDescriptorProto],
        extensions: &'d [pb::FieldDescriptorProto],
    ) -> Result<Vec<Item<'d>>> {
        let owner_of = |message: &pb::DescriptorProto| {
            let owned = |f: &pb::FieldDescriptorProto| match self.inline_of(scope, nested, f) {
                Inline::Group(m) | Inline::Map(m) => std::ptr::eq(m, message),
                Inline::None => false,
            };
            if let Some(index) = fields.iter().position(owned) {
                return Some(Item::Field(&fields[index]));
            }
            extensions
                .iter()
                .position(owned)
                .map(|index| Item::Extension(&extensions[index]))
        };
        let mut items = Vec::new();
        let (mut next_field, mut next_extension) = (0, 0);
        for message in nested {
            match owner_of(message) {
                None => items.push(Item::Message(message)),
                Some(Item::Field(owner)) => {
                    let Some(end) = fields.iter().position(|f| std::ptr::eq(f, owner)) else {
                        continue;
                    };
                    if end < next_field {
                        return error(format!(
                            "message `{}` comes out of its field's order",
                            message.name()
                        ));
                    }
                    items.extend(fields[next_field..=end].iter().map(Item::Field));
                    next_field = end + 1;
                }
                Some(Item::Extension(owner)) => {
                    let Some(end) = extensions.iter().position(|f| std::ptr::eq(f, owner)) else {
                        continue;
                    };
                    if end < next_extension {
                        return error(format!(
                            "message `{}` comes out of its extension's order",
                            message.name()
                        ));
                    }
                    items.extend(extensions[next_extension..=end].iter().map(Item::Extension));
                    next_extension = end + 1;
                }
                Some(Item::Message(_)) => {}
            }
        }
        items.extend(fields[next_field..].iter().map(Item::Field));
        items.extend(extensions[next_extension..].iter().map(Item::Extension));
        Ok(items)
    }

    /// Prints a scope's items, opening and closing `oneof` and `extend`
    /// blocks around runs of fields that share them. `nested` are the
    /// scope's messages, where groups and map entries are found.
    fn items(
        &mut self,
        scope: &str,
        items: &[Item<'_>],
        oneofs: &[pb::OneofDescriptorProto],
        nested: &[pb::DescriptorProto],
    ) -> Result<()> {
        #[derive(PartialEq)]
        enum Block<'s> {
            None,
            Oneof(i32),
            Extend(&'s str),
        }
        let mut open = Block::None;
        let mut oneofs_seen: Vec<i32> = Vec::new();
        for item in items {
            let wanted = match item {
                Item::Message(_) => Block::None,
                Item::Field(field) => match field.oneof_index {
                    Some(index) if !field.proto3_optional() => Block::Oneof(index),
                    _ => Block::None,
                },
                Item::Extension(field) => Block::Extend(field.extendee()),
            };
            if wanted != open {
                if open != Block::None {
                    self.indent -= 1;
                    self.line("}");
                }
                match wanted {
                    Block::None => {}
                    Block::Oneof(index) => {
                        if oneofs_seen.contains(&index) {
                            return error(format!(
                                "the fields of oneof {index} are not consecutive"
                            ));
                        }
                        if index as usize != oneofs_seen.len() {
                            return error("oneofs are not in the order of their fields");
                        }
                        oneofs_seen.push(index);
                        let Some(oneof) = oneofs.get(index as usize) else {
                            return error(format!(
                                "a field of oneof {index}, which does not exist"
                            ));
                        };
                        self.line_start();
                        self.out.push_str("oneof ");
                        let offset = self.offset();
                        self.out.push_str(oneof.name());
                        self.out.push_str(" {\n");
                        self.indent += 1;
                        if let Some(options) = &oneof.options {
                            self.option_statements(
                                ".google.protobuf.OneofOptions",
                                &options.known,
                            )?;
                            self.keep_raw(offset, Target::Oneof, &options.unknown);
                        }
                    }
                    Block::Extend(extendee) => {
                        self.line(&format!("extend {extendee} {{"));
                        self.indent += 1;
                    }
                }
                open = wanted;
            }
            match item {
                Item::Message(message) => self.message(scope, message)?,
                Item::Field(field) => {
                    let in_oneof = matches!(open, Block::Oneof(_));
                    self.field(scope, nested, field, in_oneof)?;
                }
                Item::Extension(field) => self.field(scope, nested, field, false)?,
            }
        }
        if open != Block::None {
            self.indent -= 1;
            self.line("}");
        }
        Ok(())
    }

    fn visibility(&mut self, visibility: Option<i32>) {
        match visibility.and_then(|v| pb::SymbolVisibility::try_from(v).ok()) {
            Some(pb::SymbolVisibility::VisibilityLocal) => self.out.push_str("local "),
            Some(pb::SymbolVisibility::VisibilityExport) => self.out.push_str("export "),
            _ => {}
        }
    }

    fn message(&mut self, scope: &str, message: &pb::DescriptorProto) -> Result<()> {
        self.line_start();
        self.visibility(message.visibility);
        self.out.push_str("message ");
        let offset = self.offset();
        self.out.push_str(message.name());
        self.out.push_str(" {\n");
        self.indent += 1;
        self.message_body(scope, message, offset)?;
        self.indent -= 1;
        self.line("}");
        Ok(())
    }

    /// Everything between a message's braces (a group's too).
    fn message_body(
        &mut self,
        scope: &str,
        message: &pb::DescriptorProto,
        offset: u32,
    ) -> Result<()> {
        let name = qualify(scope, message.name());
        let message_set = message
            .options
            .as_ref()
            .is_some_and(|o| o.known.message_set_wire_format());
        if let Some(options) = &message.options {
            self.option_statements(".google.protobuf.MessageOptions", &options.known)?;
            self.keep_raw(offset, Target::Message, &options.unknown);
        }
        let items = self.scope_items(
            &name,
            &message.nested_type,
            &message.field,
            &message.extension,
        )?;
        self.items(&name, &items, &message.oneof_decl, &message.nested_type)?;
        let synthetic = message.field.iter().filter(|f| f.proto3_optional()).count();
        if real_oneofs(&message.field) + synthetic != message.oneof_decl.len() {
            return error(format!("message `{name}` has a oneof without fields"));
        }
        for e in &message.enum_type {
            self.enumeration(e)?;
        }
        let max = shape::range_max(message_set);
        for range in &message.extension_range {
            self.line_start();
            let offset = self.offset();
            self.out.push_str("extensions ");
            self.out
                .push_str(&message_range(range.start(), range.end(), max));
            if let Some(options) = &range.options {
                self.bracketed(
                    ".google.protobuf.ExtensionRangeOptions",
                    &options.known,
                    &[],
                )?;
                self.keep_raw(offset, Target::ExtensionRange, &options.unknown);
            }
            self.out.push_str(";\n");
        }
        if !message.reserved_range.is_empty() {
            let ranges: Vec<String> = message
                .reserved_range
                .iter()
                .map(|r| message_range(r.start(), r.end(), max))
                .collect();
            self.line(&format!("reserved {};", ranges.join(", ")));
        }
        self.reserved_names(&message.reserved_name);
        Ok(())
    }

    fn reserved_names(&mut self, names: &[String]) {
        if names.is_empty() {
            return;
        }
        let names: Vec<String> = names
            .iter()
            .map(|n| match self.syntax {
                Syntax::Editions => n.clone(),
                _ => quote(n.as_bytes()),
            })
            .collect();
        self.line(&format!("reserved {};", names.join(", ")));
    }

    fn field(
        &mut self,
        scope: &str,
        nested: &[pb::DescriptorProto],
        field: &pb::FieldDescriptorProto,
        in_oneof: bool,
    ) -> Result<()> {
        self.line_start();
        // An extension's group message lives in the scope of its `extend`
        // block, which is this scope, as a field's does.
        let inline = self.inline_of(scope, nested, field);
        if matches!(inline, Inline::None)
            && field.r#type() == Type::Group
            && self.syntax == Syntax::Proto2
        {
            return error(format!(
                "group field `{}` whose message is not declared beside it",
                field.name()
            ));
        }
        let label = match (self.syntax, field.label()) {
            _ if in_oneof => "",
            (_, Label::Repeated) if matches!(inline, Inline::Map(_)) => "",
            (_, Label::Repeated) => "repeated ",
            (Syntax::Proto2, Label::Optional) => "optional ",
            (Syntax::Proto2, Label::Required) => "required ",
            (Syntax::Proto3, Label::Optional) if field.proto3_optional() => "optional ",
            (_, Label::Required) => "required ",
            _ => "",
        };
        self.out.push_str(label);
        match inline {
            Inline::Group(message) => {
                self.out.push_str("group ");
                let offset = self.offset();
                self.out.push_str(message.name());
                self.out.push_str(&format!(" = {}", field.number()));
                self.field_options(field, offset)?;
                self.out.push_str(" {\n");
                self.indent += 1;
                self.message_body(scope, message, offset)?;
                self.indent -= 1;
                self.line("}");
                return Ok(());
            }
            Inline::Map(entry) => {
                let key = entry.field.iter().find(|f| f.number() == 1);
                let value = entry.field.iter().find(|f| f.number() == 2);
                let (Some(key), Some(value)) = (key, value) else {
                    return error(format!(
                        "map entry `{}` without a key and a value",
                        entry.name()
                    ));
                };
                self.out.push_str(&format!(
                    "map<{}, {}> ",
                    type_text(key, self.unstable)?,
                    type_text(value, self.unstable)?
                ));
            }
            Inline::None => {
                self.out.push_str(&type_text(field, self.unstable)?);
                self.out.push(' ');
            }
        }
        let offset = self.offset();
        self.out.push_str(field.name());
        self.out.push_str(&format!(" = {}", field.number()));
        self.field_options(field, offset)?;
        self.out.push_str(";\n");
        Ok(())
    }

    /// A field's bracketed options: `default`, `json_name`, then its
    /// options message.
    fn field_options(&mut self, field: &pb::FieldDescriptorProto, offset: u32) -> Result<()> {
        let mut pseudo = Vec::new();
        if let Some(default) = &field.default_value {
            pseudo.push(format!("default = {}", default_text(field, default)?));
        }
        if let Some(json_name) = &field.json_name {
            if field.extendee.is_none() && *json_name != shape::json_name(field.name()) {
                pseudo.push(format!("json_name = {}", quote(json_name.as_bytes())));
            }
        }
        match &field.options {
            Some(options) => {
                self.bracketed(".google.protobuf.FieldOptions", &options.known, &pseudo)?;
                self.keep_raw(offset, Target::Field, &options.unknown);
            }
            None if !pseudo.is_empty() => {
                self.out.push_str(&format!(" [{}]", pseudo.join(", ")));
            }
            None => {}
        }
        Ok(())
    }

    fn enumeration(&mut self, e: &pb::EnumDescriptorProto) -> Result<()> {
        self.line_start();
        self.visibility(e.visibility);
        self.out.push_str("enum ");
        let offset = self.offset();
        self.out.push_str(e.name());
        self.out.push_str(" {\n");
        self.indent += 1;
        if let Some(options) = &e.options {
            self.option_statements(".google.protobuf.EnumOptions", &options.known)?;
            self.keep_raw(offset, Target::Enum, &options.unknown);
        }
        for value in &e.value {
            self.line_start();
            let offset = self.offset();
            self.out.push_str(value.name());
            self.out.push_str(&format!(" = {}", value.number()));
            if let Some(options) = &value.options {
                self.bracketed(".google.protobuf.EnumValueOptions", &options.known, &[])?;
                self.keep_raw(offset, Target::EnumValue, &options.unknown);
            }
            self.out.push_str(";\n");
        }
        if !e.reserved_range.is_empty() {
            let ranges: Vec<String> = e
                .reserved_range
                .iter()
                .map(|r| match (r.start(), r.end()) {
                    (start, end) if start == end => start.to_string(),
                    (start, i32::MAX) => format!("{start} to max"),
                    (start, end) => format!("{start} to {end}"),
                })
                .collect();
            self.line(&format!("reserved {};", ranges.join(", ")));
        }
        self.reserved_names(&e.reserved_name);
        self.indent -= 1;
        self.line("}");
        Ok(())
    }

    fn service(&mut self, service: &pb::ServiceDescriptorProto) -> Result<()> {
        self.line_start();
        self.out.push_str("service ");
        let offset = self.offset();
        self.out.push_str(service.name());
        self.out.push_str(" {\n");
        self.indent += 1;
        if let Some(options) = &service.options {
            self.option_statements(".google.protobuf.ServiceOptions", &options.known)?;
            self.keep_raw(offset, Target::Service, &options.unknown);
        }
        for method in &service.method {
            self.line_start();
            self.out.push_str("rpc ");
            let offset = self.offset();
            self.out.push_str(method.name());
            let stream = |streaming: bool| if streaming { "stream " } else { "" };
            self.out.push_str(&format!(
                " ({}{}) returns ({}{})",
                stream(method.client_streaming()),
                method.input_type(),
                stream(method.server_streaming()),
                method.output_type()
            ));
            match &method.options {
                Some(options) => {
                    self.out.push_str(" {\n");
                    self.indent += 1;
                    self.option_statements(".google.protobuf.MethodOptions", &options.known)?;
                    self.keep_raw(offset, Target::Method, &options.unknown);
                    self.indent -= 1;
                    self.line("}");
                }
                None => self.out.push_str(";\n"),
            }
        }
        self.indent -= 1;
        self.line("}");
        Ok(())
    }

    /// `option name = value;` statements for the known fields of an
    /// options message.
    fn option_statements<M: prost::Message>(&mut self, type_name: &str, known: &M) -> Result<()> {
        for (name, value) in options::settings(self.universe, type_name, &known.encode_to_vec())? {
            self.line(&format!("option {name} = {value};"));
        }
        Ok(())
    }

    /// ` [a = b, ...]` for the known fields of an options message, after
    /// `pseudo` (`default`, `json_name`); nothing when both are empty.
    fn bracketed<M: prost::Message>(
        &mut self,
        type_name: &str,
        known: &M,
        pseudo: &[String],
    ) -> Result<()> {
        let mut entries = pseudo.to_vec();
        for (name, value) in options::settings(self.universe, type_name, &known.encode_to_vec())? {
            entries.push(format!("{name} = {value}"));
        }
        if !entries.is_empty() {
            self.out.push_str(&format!(" [{}]", entries.join(", ")));
        }
        Ok(())
    }
}

/// The number of real (not synthetic) oneofs `fields` use: protoc's parser
/// numbers them first, the synthetic ones of proto3 `optional` after.
fn real_oneofs(fields: &[pb::FieldDescriptorProto]) -> usize {
    let mut seen: Vec<i32> = fields
        .iter()
        .filter(|f| !f.proto3_optional())
        .filter_map(|f| f.oneof_index)
        .collect();
    seen.sort_unstable();
    seen.dedup();
    seen.len()
}

fn qualify(scope: &str, name: &str) -> String {
    if scope.is_empty() {
        name.to_owned()
    } else {
        format!("{scope}.{name}")
    }
}

/// A message range as written: `5`, `1 to 10`, `100 to max`.
fn message_range(start: i32, end: i32, max: i32) -> String {
    if end == max {
        format!("{start} to max")
    } else if end.wrapping_sub(1) == start {
        start.to_string()
    } else {
        format!("{start} to {}", end.wrapping_sub(1))
    }
}

/// A field's type as written: a scalar keyword (edition UNSTABLE's when
/// `unstable`) or the full type name.
fn type_text(field: &pb::FieldDescriptorProto, unstable: bool) -> Result<String> {
    let scalar = match field.r#type {
        None => None,
        Some(number) => match Type::try_from(number) {
            Ok(Type::Message | Type::Enum | Type::Group) => None,
            Ok(t) if unstable => Some(unstable_scalar_name(t)),
            Ok(t) => Some(scalar_name(t)),
            Err(_) => return error(format!("field `{}` has type number {number}", field.name())),
        },
    };
    match scalar {
        Some(name) => Ok(name.to_owned()),
        None if field.type_name().is_empty() => error(format!(
            "field `{}` has neither a type nor a type name",
            field.name()
        )),
        None => Ok(field.type_name().to_owned()),
    }
}

fn scalar_name(t: Type) -> &'static str {
    match t {
        Type::Double => "double",
        Type::Float => "float",
        Type::Int64 => "int64",
        Type::Uint64 => "uint64",
        Type::Int32 => "int32",
        Type::Fixed64 => "fixed64",
        Type::Fixed32 => "fixed32",
        Type::Bool => "bool",
        Type::String => "string",
        Type::Bytes => "bytes",
        Type::Uint32 => "uint32",
        Type::Sfixed32 => "sfixed32",
        Type::Sfixed64 => "sfixed64",
        Type::Sint32 => "sint32",
        Type::Sint64 => "sint64",
        Type::Group | Type::Message | Type::Enum => "",
    }
}

/// The integer types as edition UNSTABLE names them (by encoding).
fn unstable_scalar_name(t: Type) -> &'static str {
    match t {
        Type::Fixed64 => "uint64",
        Type::Fixed32 => "uint32",
        Type::Sfixed32 => "int32",
        Type::Sfixed64 => "int64",
        Type::Int32 => "varint32",
        Type::Int64 => "varint64",
        Type::Uint32 => "uvarint32",
        Type::Uint64 => "uvarint64",
        Type::Sint32 => "zigzag32",
        Type::Sint64 => "zigzag64",
        other => scalar_name(other),
    }
}

/// A `default = ...` value from protoc's text of it in the descriptor.
fn default_text(field: &pb::FieldDescriptorProto, default: &str) -> Result<String> {
    Ok(match field.r#type() {
        Type::String => quote(default.as_bytes()),
        // protoc stores bytes defaults already C-escaped.
        Type::Bytes => format!("\"{default}\""),
        Type::Message | Type::Group => {
            return error(format!("message field `{}` has a default", field.name()))
        }
        _ => default.to_owned(),
    })
}

/// A string literal for `bytes`, C-escaped as protoc prints them.
pub(crate) fn quote(bytes: &[u8]) -> String {
    format!("\"{}\"", crate::escape::c_escape(bytes))
}

#[cfg(test)]
mod tests;
