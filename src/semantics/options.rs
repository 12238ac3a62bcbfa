//! Option interpretation: each `option` statement and bracketed option of an
//! element becomes fields of its options message (`FileOptions`,
//! `FieldOptions`, ...), encoded in protobuf wire format as protoc encodes
//! them. Elements are visited in the order protoc's descriptor builder
//! allocates their options, which is the order its option errors come in.
//!
//! Built-in options are read against descriptor.proto's schema
//! ([`crate::pb::schema`]). Custom options (`(ext)` names) are resolved, so
//! that an unknown one is an error and the file defining it counts as used;
//! encoding their values is the next step (they are left out for now).

use std::collections::{HashMap, HashSet};

use super::resolve::{Mode, Scope};
use super::symbols::{
    for_each_field, for_each_nested_message, join, FieldRef, NestedRef, SymbolTable,
};
use super::types::{FieldInfo, TypeModel};
use crate::diagnostics::{Code, Diagnostic};
use crate::pb::{self, field_descriptor_proto::Type};
use crate::source::{FileId, SourceMap, Span};
use crate::syntax::ast::{self, FullIdent, OptionDecl, ValueKind};
use crate::syntax::literals;

/// The key of a file's own options in [`Interpreted`].
pub const FILE_OPTIONS: u32 = u32::MAX;

/// Encoded options messages by file, the start of the element's name span
/// ([`FILE_OPTIONS`] for the file; the `extensions` keyword for an extension
/// range) and the kind of options ([`Target`]), since a group's field and
/// message share a name.
pub type Interpreted = HashMap<(FileId, u32, Target), Vec<u8>>;

pub struct Interpreter<'a> {
    sources: &'a SourceMap,
    model: &'a TypeModel,
    table: &'a SymbolTable,
    file: FileId,
    visible: &'a HashSet<FileId>,
    encoded: &'a mut Interpreted,
    pub diagnostics: Vec<Diagnostic>,
    /// Feature errors: protoc finds them resolving features, after every
    /// option of the file is interpreted.
    feature_diagnostics: Vec<Diagnostic>,
    editions: bool,
    pub used_files: HashSet<FileId>,
}

fn put_varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

fn put_tag(out: &mut Vec<u8>, number: i32, wire_type: u8) {
    put_varint(out, ((number as u64) << 3) | wire_type as u64);
}

fn put_length_delimited(out: &mut Vec<u8>, number: i32, payload: &[u8]) {
    put_tag(out, number, 2);
    put_varint(out, payload.len() as u64);
    out.extend_from_slice(payload);
}

/// A number as an option value: protoc's positive, negative and double
/// values.
enum Number {
    Int { negative: bool, magnitude: u64 },
    Float(f64),
}

impl Number {
    fn signed(&self, min: i64, max: i64) -> Option<Result<i64, ()>> {
        match *self {
            Number::Int {
                negative: false,
                magnitude,
            } => Some(if magnitude <= max as u64 {
                Ok(magnitude as i64)
            } else {
                Err(())
            }),
            Number::Int {
                negative: true,
                magnitude,
            } => Some(if magnitude <= min.unsigned_abs() {
                Ok((magnitude as i64).wrapping_neg())
            } else {
                Err(())
            }),
            Number::Float(_) => None,
        }
    }

    fn as_f64(&self) -> f64 {
        match *self {
            Number::Int {
                negative,
                magnitude,
            } => {
                if negative {
                    -(magnitude as f64)
                } else {
                    magnitude as f64
                }
            }
            Number::Float(value) => value,
        }
    }
}

/// Why an option was not stored.
enum Failure {
    /// Already reported; protoc stops at the element's first unknown option.
    Reported,
    Diagnostic(Box<Diagnostic>),
}

/// An options message under construction: values by field number, so that
/// it encodes as protoc serializes a message, fields in number order,
/// message values merged, repeated scalars packed where the field is.
#[derive(Default)]
struct Dyn {
    fields: std::collections::BTreeMap<i32, (FieldInfo, Vec<DynValue>)>,
}

enum DynValue {
    /// One value with its tag.
    Tagged(Vec<u8>),
    Message(Dyn),
}

/// The bytes of a tagged value without its tag.
fn untagged(bytes: &[u8]) -> &[u8] {
    let tag_len = bytes
        .iter()
        .position(|b| b & 0x80 == 0)
        .map_or(0, |p| p + 1);
    &bytes[tag_len..]
}

impl Dyn {
    fn is_set(&self, path: &[FieldInfo]) -> bool {
        match path {
            [] => false,
            [last] => self
                .fields
                .get(&last.number)
                .is_some_and(|(_, v)| !v.is_empty()),
            [first, rest @ ..] => match self.fields.get(&first.number) {
                Some((_, values)) => values.iter().any(|v| match v {
                    DynValue::Message(inner) => inner.is_set(rest),
                    DynValue::Tagged(_) => false,
                }),
                None => false,
            },
        }
    }

    fn insert(&mut self, path: &[FieldInfo], value: Vec<u8>) {
        let Some((first, rest)) = path.split_first() else {
            return;
        };
        let (_, values) = self
            .fields
            .entry(first.number)
            .or_insert_with(|| (first.clone(), Vec::new()));
        if rest.is_empty() {
            values.push(DynValue::Tagged(value));
            return;
        }
        if !matches!(values.last(), Some(DynValue::Message(_))) {
            values.push(DynValue::Message(Dyn::default()));
        }
        if let Some(DynValue::Message(inner)) = values.last_mut() {
            inner.insert(rest, value);
        }
    }

    fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        for (number, (info, values)) in &self.fields {
            if info.packed {
                let mut payload = Vec::new();
                for value in values {
                    if let DynValue::Tagged(bytes) = value {
                        payload.extend_from_slice(untagged(bytes));
                    }
                }
                put_length_delimited(&mut out, *number, &payload);
                continue;
            }
            for value in values {
                match value {
                    DynValue::Tagged(bytes) => out.extend_from_slice(bytes),
                    DynValue::Message(inner) => {
                        put_length_delimited(&mut out, *number, &inner.encode())
                    }
                }
            }
        }
        out
    }
}

/// A scalar option value, from an option statement or inside an aggregate.
enum Scalar<'s> {
    Ident(&'s str),
    Number(Number),
    Str(&'s [u8]),
    Aggregate,
}

fn field_full_name(message: &str, field: &pb::FieldDescriptorProto) -> String {
    format!("{}.{}", message.trim_start_matches('.'), field.name())
}

/// Encodes one scalar `value` of `field`, or says what is wrong with it in
/// protoc's words.
fn encode_scalar(
    field: &pb::FieldDescriptorProto,
    message: &str,
    value: &Scalar<'_>,
    model: &TypeModel,
    out: &mut Vec<u8>,
) -> Result<(), String> {
    let name = field_full_name(message, field);
    let number = field.number();
    let ty = field.r#type();
    let type_word = match ty {
        Type::Int32 | Type::Sint32 | Type::Sfixed32 => "int32",
        Type::Int64 | Type::Sint64 | Type::Sfixed64 => "int64",
        Type::Uint32 | Type::Fixed32 => "uint32",
        Type::Uint64 | Type::Fixed64 => "uint64",
        Type::Float => "float",
        Type::Double => "double",
        _ => "",
    };
    match ty {
        Type::Bool => match value {
            Scalar::Ident("true") => {
                put_tag(out, number, 0);
                put_varint(out, 1);
            }
            Scalar::Ident("false") => {
                put_tag(out, number, 0);
                put_varint(out, 0);
            }
            Scalar::Ident(_) => {
                return Err(format!(
                    "Value must be \"true\" or \"false\" for boolean option \"{name}\"."
                ))
            }
            _ => {
                return Err(format!(
                    "Value must be identifier for boolean option \"{name}\"."
                ))
            }
        },
        Type::Int32
        | Type::Sint32
        | Type::Sfixed32
        | Type::Int64
        | Type::Sint64
        | Type::Sfixed64 => {
            let wide = matches!(ty, Type::Int64 | Type::Sint64 | Type::Sfixed64);
            let (min, max) = if wide {
                (i64::MIN, i64::MAX)
            } else {
                (i32::MIN as i64, i32::MAX as i64)
            };
            let Scalar::Number(n) = value else {
                return Err(format!(
                    "Value must be integer for {type_word} option \"{name}\"."
                ));
            };
            let v = match n.signed(min, max) {
                Some(Ok(v)) => v,
                Some(Err(())) => {
                    return Err(format!(
                        "Value out of range for {type_word} option \"{name}\"."
                    ))
                }
                None => {
                    return Err(format!(
                        "Value must be integer for {type_word} option \"{name}\"."
                    ))
                }
            };
            match ty {
                Type::Sint32 | Type::Sint64 => {
                    put_tag(out, number, 0);
                    put_varint(out, ((v << 1) ^ (v >> 63)) as u64);
                }
                Type::Sfixed32 => {
                    put_tag(out, number, 5);
                    out.extend_from_slice(&(v as i32).to_le_bytes());
                }
                Type::Sfixed64 => {
                    put_tag(out, number, 1);
                    out.extend_from_slice(&v.to_le_bytes());
                }
                _ => {
                    put_tag(out, number, 0);
                    put_varint(out, v as u64);
                }
            }
        }
        Type::Uint32 | Type::Fixed32 | Type::Uint64 | Type::Fixed64 => {
            let max = if matches!(ty, Type::Uint32 | Type::Fixed32) {
                u32::MAX as u64
            } else {
                u64::MAX
            };
            let v = match value {
                Scalar::Number(Number::Int {
                    negative: false,
                    magnitude,
                }) => {
                    if *magnitude > max {
                        return Err(format!(
                            "Value out of range for {type_word} option \"{name}\"."
                        ));
                    }
                    *magnitude
                }
                _ => {
                    return Err(format!(
                        "Value must be non-negative integer for {type_word} option \"{name}\"."
                    ))
                }
            };
            match ty {
                Type::Fixed32 => {
                    put_tag(out, number, 5);
                    out.extend_from_slice(&(v as u32).to_le_bytes());
                }
                Type::Fixed64 => {
                    put_tag(out, number, 1);
                    out.extend_from_slice(&v.to_le_bytes());
                }
                _ => {
                    put_tag(out, number, 0);
                    put_varint(out, v);
                }
            }
        }
        Type::Float | Type::Double => {
            let v = match value {
                Scalar::Number(n) => n.as_f64(),
                Scalar::Ident("inf") => f64::INFINITY,
                Scalar::Ident("nan") => f64::NAN,
                _ => {
                    return Err(format!(
                        "Value must be number for {type_word} option \"{name}\"."
                    ))
                }
            };
            if ty == Type::Float {
                put_tag(out, number, 5);
                out.extend_from_slice(&(v as f32).to_le_bytes());
            } else {
                put_tag(out, number, 1);
                out.extend_from_slice(&v.to_le_bytes());
            }
        }
        Type::String | Type::Bytes => match value {
            Scalar::Str(bytes) => put_length_delimited(out, number, bytes),
            _ => {
                return Err(format!(
                    "Value must be quoted string for string option \"{name}\"."
                ))
            }
        },
        Type::Enum => {
            let Scalar::Ident(ident) = value else {
                return Err(format!(
                    "Value must be identifier for enum-valued option \"{name}\"."
                ));
            };
            let enum_name = field.type_name();
            match model.enum_value(enum_name, ident) {
                Some(v) => {
                    put_tag(out, number, 0);
                    put_varint(out, v as i64 as u64);
                }
                None => {
                    return Err(format!(
                        "Enum type \"{}\" has no value named \"{ident}\" for option \"{name}\".",
                        enum_name.trim_start_matches('.')
                    ))
                }
            }
        }
        Type::Message | Type::Group => {
            let short = name.rsplit('.').next().unwrap_or(&name);
            return Err(format!(
                "Option \"{name}\" is a message. To set the entire message, use syntax like \
                 \"{short} = {{ <proto text format> }}\". To set fields within it, use syntax \
                 like \"{short}.foo = value\"."
            ));
        }
    }
    Ok(())
}

/// Which options message an element has.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Target {
    File,
    Message,
    Field,
    Oneof,
    Enum,
    EnumValue,
    Service,
    Method,
    ExtensionRange,
}

impl Target {
    fn message(self) -> &'static str {
        match self {
            Target::File => ".google.protobuf.FileOptions",
            Target::Message => ".google.protobuf.MessageOptions",
            Target::Field => ".google.protobuf.FieldOptions",
            Target::Oneof => ".google.protobuf.OneofOptions",
            Target::Enum => ".google.protobuf.EnumOptions",
            Target::EnumValue => ".google.protobuf.EnumValueOptions",
            Target::Service => ".google.protobuf.ServiceOptions",
            Target::Method => ".google.protobuf.MethodOptions",
            Target::ExtensionRange => ".google.protobuf.ExtensionRangeOptions",
        }
    }
}

impl<'a> Interpreter<'a> {
    pub fn new(
        sources: &'a SourceMap,
        model: &'a TypeModel,
        table: &'a SymbolTable,
        file: FileId,
        visible: &'a HashSet<FileId>,
        encoded: &'a mut Interpreted,
    ) -> Interpreter<'a> {
        Interpreter {
            sources,
            model,
            table,
            file,
            visible,
            encoded,
            diagnostics: Vec::new(),
            feature_diagnostics: Vec::new(),
            editions: false,
            used_files: HashSet::new(),
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
        let parts: Vec<String> = name.parts.iter().map(|p| self.text(p.span)).collect();
        out.push_str(&parts.join("."));
        out
    }

    /// Interprets every option of a file, in protoc's order.
    pub fn file(&mut self, file: &ast::File) {
        self.editions = matches!(file.syntax(), ast::Syntax::Editions(_));
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
            if let ast::Item::Enum(e) = item {
                self.enumeration(&package, e);
            }
        }
        for item in &file.items {
            if let ast::Item::Service(s) = item {
                self.service(&package, s);
            }
        }
        for item in &file.items {
            if let ast::Item::Extend(e) = item {
                self.extend(&package, e);
            }
        }
        let options: Vec<&OptionDecl> = file
            .items
            .iter()
            .filter_map(|item| match item {
                ast::Item::Option(o) => Some(o),
                _ => None,
            })
            .collect();
        self.element(
            FILE_OPTIONS,
            Target::File,
            &options,
            &join(&package, "dummy"),
        );
        self.diagnostics.append(&mut self.feature_diagnostics);
    }

    fn message(&mut self, scope: &str, name: ast::Ident, items: &[ast::MessageItem]) {
        let full = join(scope, &self.text(name.span));
        for item in items {
            if let ast::MessageItem::Oneof(o) = item {
                let options: Vec<&OptionDecl> = o
                    .items
                    .iter()
                    .filter_map(|item| match item {
                        ast::OneofItem::Option(o) => Some(o),
                        _ => None,
                    })
                    .collect();
                let oneof = join(&full, &self.text(o.name.span));
                self.element(o.name.span.start, Target::Oneof, &options, &oneof);
            }
        }
        for_each_field(items, &mut |field| {
            let (name, options) = match field {
                FieldRef::Field(f) => (f.name, &f.options),
                FieldRef::Group(g) => (g.name, &g.options),
            };
            let field_name = join(&full, &self.text(name.span));
            let options: Vec<&OptionDecl> = options.options.iter().collect();
            self.element(name.span.start, Target::Field, &options, &field_name);
        });
        for item in items {
            if let ast::MessageItem::Enum(e) = item {
                self.enumeration(&full, e);
            }
        }
        for item in items {
            if let ast::MessageItem::Extensions(e) = item {
                let options: Vec<&OptionDecl> = e.options.iter().collect();
                self.element(e.span.start, Target::ExtensionRange, &options, &full);
            }
        }
        for item in items {
            if let ast::MessageItem::Extend(e) = item {
                self.extend(&full, e);
            }
        }
        let options: Vec<&OptionDecl> = items
            .iter()
            .filter_map(|item| match item {
                ast::MessageItem::Option(o) => Some(o),
                _ => None,
            })
            .collect();
        self.element(name.span.start, Target::Message, &options, &full);
        for_each_nested_message(items, &mut |nested| match nested {
            NestedRef::Message(m) => self.message(&full, m.name, &m.body.items),
            NestedRef::Group(g) => self.message(&full, g.name, &g.body.items),
            NestedRef::MapEntry(_) => {}
        });
    }

    fn extend(&mut self, scope: &str, e: &ast::Extend) {
        for item in &e.items {
            let (name, options) = match item {
                ast::ExtendItem::Field(f) => (f.name, &f.options),
                ast::ExtendItem::Group(g) => (g.name, &g.options),
            };
            let field_name = join(scope, &self.text(name.span));
            let options: Vec<&OptionDecl> = options.options.iter().collect();
            self.element(name.span.start, Target::Field, &options, &field_name);
        }
    }

    fn enumeration(&mut self, scope: &str, e: &ast::Enum) {
        let full = join(scope, &self.text(e.name.span));
        for item in &e.items {
            if let ast::EnumItem::Value(v) = item {
                let value = join(scope, &self.text(v.name.span));
                let options: Vec<&OptionDecl> = v.options.iter().collect();
                self.element(v.name.span.start, Target::EnumValue, &options, &value);
            }
        }
        let options: Vec<&OptionDecl> = e
            .items
            .iter()
            .filter_map(|item| match item {
                ast::EnumItem::Option(o) => Some(o),
                _ => None,
            })
            .collect();
        self.element(e.name.span.start, Target::Enum, &options, &full);
    }

    fn service(&mut self, scope: &str, s: &ast::Service) {
        let full = join(scope, &self.text(s.name.span));
        for item in &s.items {
            if let ast::ServiceItem::Rpc(rpc) = item {
                let method = join(&full, &self.text(rpc.name.span));
                let options: Vec<&OptionDecl> = rpc.options.iter().collect();
                self.element(rpc.name.span.start, Target::Method, &options, &method);
            }
        }
        let options: Vec<&OptionDecl> = s
            .items
            .iter()
            .filter_map(|item| match item {
                ast::ServiceItem::Option(o) => Some(o),
                _ => None,
            })
            .collect();
        self.element(s.name.span.start, Target::Service, &options, &full);
    }

    /// Interprets the options of one element into its options message.
    fn element(&mut self, key: u32, target: Target, options: &[&OptionDecl], relative_to: &str) {
        if options.is_empty() {
            return;
        }
        let mut tree = Dyn::default();
        self.check_features_allowed(key, options);
        for option in options {
            match self.option(option, target, relative_to, &mut tree) {
                Ok(()) => {}
                Err(Failure::Reported) => break,
                Err(Failure::Diagnostic(diagnostic)) => self.diagnostics.push(*diagnostic),
            }
        }
        self.encoded.insert((self.file, key, target), tree.encode());
    }

    /// `features` options belong to editions files only.
    fn check_features_allowed(&mut self, key: u32, options: &[&OptionDecl]) {
        if self.editions {
            return;
        }
        let features = options.iter().find(|o| {
            matches!(o.name.parts.first(),
                Some(ast::OptionNamePart::Field(n)) if self.text(n.span) == "features")
        });
        let Some(option) = features else { return };
        // protoc names the element; the key is where its name starts.
        let at = if key == FILE_OPTIONS {
            option.name.span.start
        } else {
            key
        };
        let diagnostic = Diagnostic::error(
            Code::InvalidOptionValue,
            self.file,
            option.name.span,
            "`features` can only be set in editions files",
        )
        .protoc("Features are only valid under editions.")
        .protoc_at(at)
        .label("features need `edition = \"2023\";` or later")
        .help(
            "use the proto2/proto3 option this feature replaces, or migrate the file to editions",
        );
        self.feature_diagnostics.push(diagnostic);
    }

    /// Resolves an option's extension name part to its extension; `None`
    /// after reporting it unknown.
    fn extension(
        &mut self,
        option: &OptionDecl,
        name: &FullIdent,
        span: Span,
        relative_to: &str,
    ) -> Option<FieldInfo> {
        let written = self.full_ident(name);
        let scope = Scope {
            table: self.table,
            file: self.file,
            visible: self.visible,
        };
        if let Ok((full_name, symbol)) = scope.lookup(&written, relative_to, Mode::All) {
            self.used_files.insert(symbol.file);
            if let Some(info) = self.model.extensions.get(&full_name) {
                return Some(info.clone());
            }
        }
        let diagnostic = Diagnostic::error(
            Code::UnknownOption,
            self.file,
            span,
            format!("unknown option `({written})`"),
        )
        .protoc(format!(
            "Option \"({written})\" unknown. Ensure that your proto definition file \
             imports the proto which defines the option (i.e. via import option \
             after edition 2024)."
        ))
        .protoc_at(option.name.span.start)
        .label("no extension of this name is visible here")
        .help("import the file that declares this extension");
        self.diagnostics.push(diagnostic);
        None
    }

    fn option_name(&self, option: &OptionDecl) -> String {
        let parts: Vec<String> = option
            .name
            .parts
            .iter()
            .map(|p| match p {
                ast::OptionNamePart::Field(ident) => self.text(ident.span),
                ast::OptionNamePart::Extension(name, _) => format!("({})", self.full_ident(name)),
            })
            .collect();
        parts.join(".")
    }

    fn unknown_field(&self, option: &OptionDecl, span: Span, message: &str, name: &str) -> Failure {
        let written = self.option_name(option);
        Failure::Diagnostic(Box::new(
            Diagnostic::error(
                Code::UnknownOption,
                self.file,
                span,
                format!("unknown option `{written}`"),
            )
            .protoc(format!(
                "Option \"{written}\" unknown. Ensure that your proto definition file imports \
                 the proto which defines the option (i.e. via import option after edition \
                 2024)."
            ))
            .protoc_at(option.name.span.start)
            .label(format!(
                "`{}` has no field `{name}`",
                message
                    .trim_start_matches(".google.protobuf.")
                    .trim_start_matches('.')
            )),
        ))
    }

    /// One option: its name is walked field by field (extensions resolved)
    /// from the element's options message, and its value stored at the
    /// end of that path in `tree`.
    fn option(
        &mut self,
        option: &OptionDecl,
        target: Target,
        relative_to: &str,
        tree: &mut Dyn,
    ) -> Result<(), Failure> {
        let mut message_name = target.message().to_owned();
        let mut path: Vec<FieldInfo> = Vec::new();
        for (index, part) in option.name.parts.iter().enumerate() {
            let field = match part {
                ast::OptionNamePart::Field(ident) => {
                    let name = self.text(ident.span);
                    let fields = self.model.message(&message_name).unwrap_or_default();
                    match fields.iter().find(|f| f.name == name) {
                        Some(field) => field.clone(),
                        None => {
                            return Err(self.unknown_field(
                                option,
                                ident.span,
                                &message_name,
                                &name,
                            ))
                        }
                    }
                }
                ast::OptionNamePart::Extension(name, span) => {
                    let Some(field) = self.extension(option, name, *span, relative_to) else {
                        return Err(Failure::Reported);
                    };
                    if field.extendee.as_deref() != Some(message_name.as_str()) {
                        let written = self.full_ident(name);
                        return Err(Failure::Diagnostic(Box::new(
                            Diagnostic::error(
                                Code::UnknownOption,
                                self.file,
                                *span,
                                format!("`({written})` does not extend `{}`", message_name.trim_start_matches('.')),
                            )
                            .protoc(format!(
                                "Option \"({written})\" is not a field or extension of message \"{}\".",
                                message_name.rsplit('.').next().unwrap_or_default()
                            ))
                            .protoc_at(option.name.span.start),
                        )));
                    }
                    field
                }
            };
            if index + 1 < option.name.parts.len() {
                if !matches!(field.ty, Type::Message | Type::Group) {
                    let written = self.option_name(option);
                    return Err(Failure::Diagnostic(Box::new(
                        Diagnostic::error(
                            Code::InvalidOptionValue,
                            self.file,
                            option.name.span,
                            format!("option `{written}` is not a message"),
                        )
                        .protoc(format!(
                            "Option \"{written}\" is an atomic type, not a message."
                        ))
                        .protoc_at(option.name.span.start),
                    )));
                }
                message_name = field.type_name.clone();
            }
            path.push(field);
        }
        let Some(last) = path.last().cloned() else {
            return Ok(());
        };
        if !last.repeated && tree.is_set(&path) {
            let written = self.option_name(option);
            return Err(Failure::Diagnostic(Box::new(
                Diagnostic::error(
                    Code::InvalidOptionValue,
                    self.file,
                    option.name.span,
                    format!("option `{written}` is set twice"),
                )
                .protoc(format!("Option \"{written}\" was already set."))
                .label("set again here"),
            )));
        }
        // Source-retention built-in options are stripped, as protoc does.
        if path.iter().any(|f| f.source_retention) {
            return Ok(());
        }
        let descriptor = last.descriptor();
        let mut value_bytes = Vec::new();
        let result = match &option.value.kind {
            ValueKind::Ident(ident) => {
                let text = self.text(ident.span);
                encode_scalar(
                    &descriptor,
                    &message_name,
                    &Scalar::Ident(&text),
                    self.model,
                    &mut value_bytes,
                )
            }
            ValueKind::Int(lit) => encode_scalar(
                &descriptor,
                &message_name,
                &Scalar::Number(Number::Int {
                    negative: lit.negative,
                    magnitude: lit.magnitude,
                }),
                self.model,
                &mut value_bytes,
            ),
            ValueKind::Float(v) => encode_scalar(
                &descriptor,
                &message_name,
                &Scalar::Number(Number::Float(*v)),
                self.model,
                &mut value_bytes,
            ),
            ValueKind::Str(lit) => encode_scalar(
                &descriptor,
                &message_name,
                &Scalar::Str(&lit.value),
                self.model,
                &mut value_bytes,
            ),
            ValueKind::Aggregate(aggregate) => {
                if matches!(last.ty, Type::Message | Type::Group) {
                    self.encode_aggregate(&last.type_name, aggregate)
                        .map(|payload| {
                            put_length_delimited(&mut value_bytes, last.number, &payload)
                        })
                } else {
                    encode_scalar(
                        &descriptor,
                        &message_name,
                        &Scalar::Aggregate,
                        self.model,
                        &mut value_bytes,
                    )
                }
            }
        };
        if let Err(message) = result {
            return Err(Failure::Diagnostic(Box::new(
                Diagnostic::error(
                    Code::InvalidOptionValue,
                    self.file,
                    option.value.span,
                    format!("invalid value for option `{}`", self.option_name(option)),
                )
                .protoc(message)
                .label("this value"),
            )));
        }
        tree.insert(&path, value_bytes);
        Ok(())
    }

    /// A text-format value of message type `type_name`, encoded.
    fn encode_aggregate(
        &self,
        type_name: &str,
        aggregate: &ast::Aggregate,
    ) -> Result<Vec<u8>, String> {
        let fields = self
            .model
            .message(type_name)
            .ok_or_else(|| format!("unknown message type \"{type_name}\""))?;
        // Fields in number order, repeated scalars packed where the field is.
        let mut tree = Dyn::default();
        for field in &aggregate.fields {
            let ast::AggregateName::Field(ident) = &field.name else {
                // Extensions inside aggregates: the custom-options step.
                continue;
            };
            let name = self.text(ident.span);
            let Some(info) = fields.iter().find(|f| f.name == name) else {
                return Err(format!(
                    "Error while parsing option value: Message type \"{}\" has no field named \
                     \"{name}\".",
                    type_name.trim_start_matches('.')
                ));
            };
            let values: Vec<&ast::AggregateValue> = match &field.value {
                ast::AggregateValue::List(values, _) => values.iter().collect(),
                single => vec![single],
            };
            for value in values {
                match value {
                    ast::AggregateValue::Message(inner) => {
                        let payload = self.encode_aggregate(&info.type_name, inner)?;
                        let mut bytes = Vec::new();
                        put_length_delimited(&mut bytes, info.number, &payload);
                        tree.insert(std::slice::from_ref(info), bytes);
                    }
                    ast::AggregateValue::Scalar(scalar) => {
                        let text;
                        let value = match &scalar.kind {
                            ast::ScalarKind::Ident(ident) => {
                                text = self.text(ident.span);
                                if scalar.negative && (text == "inf" || text == "nan") {
                                    let v = if text == "inf" {
                                        f64::NEG_INFINITY
                                    } else {
                                        f64::NAN
                                    };
                                    Scalar::Number(Number::Float(v))
                                } else {
                                    Scalar::Ident(&text)
                                }
                            }
                            ast::ScalarKind::Int(span) => {
                                let digits = self.sources.get(self.file).slice(*span);
                                match literals::parse_integer(digits, u64::MAX) {
                                    Some(magnitude) => Scalar::Number(Number::Int {
                                        negative: scalar.negative,
                                        magnitude,
                                    }),
                                    None => {
                                        Scalar::Number(Number::Float(literals::parse_float(digits)))
                                    }
                                }
                            }
                            ast::ScalarKind::Float(span) => {
                                let v =
                                    literals::parse_float(self.sources.get(self.file).slice(*span));
                                Scalar::Number(Number::Float(if scalar.negative { -v } else { v }))
                            }
                            ast::ScalarKind::Str(lit) => Scalar::Str(&lit.value),
                        };
                        let mut bytes = Vec::new();
                        encode_scalar(
                            &info.descriptor(),
                            type_name,
                            &value,
                            self.model,
                            &mut bytes,
                        )?;
                        tree.insert(std::slice::from_ref(info), bytes);
                    }
                    ast::AggregateValue::List(..) => {
                        return Err("Error while parsing option value: nested lists".into())
                    }
                }
            }
        }
        Ok(tree.encode())
    }
}
