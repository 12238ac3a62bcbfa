//! Builds the `FileDescriptorProto` of a checked file, field for field as
//! protoc's `FileDescriptor::CopyTo` writes it: names as written, types
//! resolved to `.full.names`, map entries and groups as nested messages,
//! proto3 `optional` with its synthetic oneof, `json_name` always filled,
//! defaults in protoc's text form.
//!
//! Options are not interpreted yet: the options stage will fill them in.

use rustc_hash::FxHashMap as HashMap;

use super::pb;
use crate::escape::c_escape;
use crate::semantics::options::{Interpreted, Target, FILE_OPTIONS};
use crate::semantics::shape::{enum_range_end, is_message_set, json_name, range_end, range_max};
use crate::semantics::symbols::{
    for_each_field, for_each_nested_message, join, map_entry_name, FieldRef, NestedRef,
};
use crate::semantics::types::scalar as scalar_type;
use crate::semantics::{symbols::SymbolKind, ResolvedType};
use crate::source::{FileId, SourceFile};
use crate::syntax::ast::{self, Syntax};

/// A top-level element of a file, as [`Builder::each_element`] builds it.
pub enum Element {
    Message(pb::DescriptorProto),
    Enum(pb::EnumDescriptorProto),
    Service(pb::ServiceDescriptorProto),
    Extension(pb::FieldDescriptorProto),
}

pub struct Builder<'a> {
    source: &'a SourceFile,
    file: FileId,
    resolved: &'a HashMap<(FileId, u32), ResolvedType>,
    options: &'a Interpreted,
    /// With `--retain-options`: the options as written, where stripping
    /// changed them.
    retained: Option<&'a Interpreted>,
    syntax: Syntax,
    /// Json names only where the .proto gives one.
    given_json_names_only: bool,
}

/// `%.{precision}g`, as C formats it.
fn format_g(value: f64, precision: usize) -> String {
    if value == 0.0 {
        return if value.is_sign_negative() {
            "-0".into()
        } else {
            "0".into()
        };
    }
    let exponent = value.abs().log10().floor() as i32;
    // Round first: the exponent can change (9.99 -> 10).
    let scientific = format!("{:.*e}", precision.saturating_sub(1), value);
    let (mantissa, exp) = scientific.split_once('e').unwrap_or((&scientific, "0"));
    let exp: i32 = exp.parse().unwrap_or(exponent);
    if exp < -4 || exp >= precision as i32 {
        let mantissa = trim_fraction(mantissa);
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{mantissa}e{sign}{:02}", exp.abs())
    } else {
        let decimals = (precision as i32 - 1 - exp).max(0) as usize;
        trim_fraction(&format!("{value:.decimals$}")).to_owned()
    }
}

fn trim_fraction(text: &str) -> &str {
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.')
    } else {
        text
    }
}

/// protoc's `SimpleDtoa`: the shortest of 15 or 17 significant digits that
/// reads back exactly.
pub fn simple_dtoa(value: f64) -> String {
    if value.is_nan() {
        return "nan".into();
    }
    if value.is_infinite() {
        return if value > 0.0 {
            "inf".into()
        } else {
            "-inf".into()
        };
    }
    let short = format_g(value, 15);
    if short.parse::<f64>() == Ok(value) {
        short
    } else {
        format_g(value, 17)
    }
}

/// protoc's `SimpleFtoa`: 6 or 9 significant digits, for a float.
pub fn simple_ftoa(value: f32) -> String {
    if value.is_nan() {
        return "nan".into();
    }
    if value.is_infinite() {
        return if value > 0.0 {
            "inf".into()
        } else {
            "-inf".into()
        };
    }
    let short = format_g(value as f64, 6);
    if short.parse::<f32>() == Ok(value) {
        short
    } else {
        format_g(value as f64, 9)
    }
}

fn label(label: Option<(ast::Label, crate::source::Span)>) -> pb::field_descriptor_proto::Label {
    use pb::field_descriptor_proto::Label as L;
    match label.map(|(l, _)| l) {
        Some(ast::Label::Required) => L::Required,
        Some(ast::Label::Repeated) => L::Repeated,
        _ => L::Optional,
    }
}

fn visibility_value(visibility: ast::Visibility) -> i32 {
    match visibility {
        ast::Visibility::Local => pb::SymbolVisibility::VisibilityLocal as i32,
        ast::Visibility::Export => pb::SymbolVisibility::VisibilityExport as i32,
    }
}

impl<'a> Builder<'a> {
    pub fn new(
        source: &'a SourceFile,
        file: FileId,
        resolved: &'a HashMap<(FileId, u32), ResolvedType>,
        options: &'a Interpreted,
        syntax: Syntax,
    ) -> Builder<'a> {
        Builder {
            source,
            file,
            resolved,
            options,
            retained: None,
            given_json_names_only: false,
            syntax,
        }
    }

    /// Fills in json names only where the .proto gives them.
    pub fn given_json_names_only(mut self) -> Builder<'a> {
        self.given_json_names_only = true;
        self
    }

    /// The json name a field gets before any `json_name` option.
    fn default_json_name(&self, name: &str) -> Option<String> {
        (!self.given_json_names_only).then(|| json_name(name))
    }

    /// Keeps source-retention options, as `--retain-options` asks.
    pub fn retaining(mut self, retained: &'a Interpreted) -> Builder<'a> {
        self.retained = Some(retained);
        self
    }

    /// The interpreted options of an element, when it has any.
    fn options<T: pb::OptionsMessage>(
        &self,
        key: u32,
        target: Target,
    ) -> Option<Box<pb::WithUnknown<T>>> {
        let element = (key, target);
        let retained = self.retained.and_then(|r| r.get(element));
        let (bytes, ()) = retained.or_else(|| self.options.get(element))?;
        // The interpreter wrote these bytes from the same schema.
        Some(Box::new(
            pb::WithUnknown::from_bytes(bytes).unwrap_or_default(),
        ))
    }

    fn text(&self, span: crate::source::Span) -> String {
        self.source.text(span).into_owned()
    }

    fn full_ident(&self, name: &ast::FullIdent) -> String {
        let parts: Vec<String> = name.parts.iter().map(|p| self.text(p.span)).collect();
        parts.join(".")
    }

    fn resolved(&self, name: &ast::FullIdent) -> Option<&ResolvedType> {
        self.resolved.get(&(self.file, name.span.start))
    }

    /// A type reference as protoc writes it: `.full.name` once resolved.
    fn type_ref(&self, name: &ast::FullIdent) -> String {
        match self.resolved(name) {
            Some(resolved) => format!(".{}", resolved.full_name),
            None => self.full_ident(name),
        }
    }

    /// The names of a `reserved` statement of names.
    fn reserved_names(&self, kind: &ast::ReservedKind) -> Vec<String> {
        match kind {
            ast::ReservedKind::Ranges(_) => Vec::new(),
            ast::ReservedKind::Strings(names) => names
                .iter()
                .map(|n| String::from_utf8_lossy(&n.value).into_owned())
                .collect(),
            ast::ReservedKind::Idents(names) => names.iter().map(|n| self.text(n.span)).collect(),
        }
    }

    /// The `FileDescriptorProto` of `ast`.
    pub fn file(&self, ast: &ast::File) -> pb::FileDescriptorProto {
        let (mut proto, package) = self.file_header(ast);
        // Sized as in `message`: a large file's list of messages would
        // otherwise keep up to half its room unused.
        let count = |wanted: fn(&ast::Item) -> bool| ast.items.iter().filter(|i| wanted(i)).count();
        proto
            .message_type
            .reserve_exact(count(|i| matches!(i, ast::Item::Message(_))));
        proto
            .enum_type
            .reserve_exact(count(|i| matches!(i, ast::Item::Enum(_))));
        proto
            .service
            .reserve_exact(count(|i| matches!(i, ast::Item::Service(_))));
        self.each_element(ast, &package, |element| match element {
            Element::Message(m) => proto.message_type.push(m),
            Element::Enum(e) => proto.enum_type.push(e),
            Element::Service(s) => proto.service.push(s),
            Element::Extension(f) => proto.extension.push(f),
        });
        proto
    }

    /// The file's descriptor without its top-level elements (messages,
    /// enums, services, extensions), and its package.
    pub fn file_header(&self, ast: &ast::File) -> (pb::FileDescriptorProto, String) {
        let mut proto = pb::FileDescriptorProto {
            name: Some(self.source.name().to_owned()),
            ..Default::default()
        };
        let mut package = String::new();
        for item in &ast.items {
            match item {
                ast::Item::Package(p) => {
                    package = self.full_ident(&p.name);
                    proto.package = Some(package.clone());
                }
                ast::Item::Import(import) => {
                    let path = crate::source::file_name_from_bytes(&import.path.value);
                    match import.kind {
                        ast::ImportKind::Option => proto.option_dependency.push(path),
                        kind => {
                            let index = proto.dependency.len() as i32;
                            match kind {
                                ast::ImportKind::Public => proto.public_dependency.push(index),
                                ast::ImportKind::Weak => proto.weak_dependency.push(index),
                                _ => {}
                            }
                            proto.dependency.push(path);
                        }
                    }
                }
                _ => {}
            }
        }
        proto.options = self.options(FILE_OPTIONS, Target::File);
        match self.syntax {
            Syntax::Proto2 => {}
            Syntax::Proto3 => proto.syntax = Some("proto3".into()),
            Syntax::Editions(edition) => {
                proto.syntax = Some("editions".into());
                proto.edition = Some(edition.number());
            }
        }
        (proto, package)
    }

    /// Builds the file's top-level elements one at a time, in the order
    /// each of the file's lists holds them, and hands each to `sink`: the
    /// file's elements need never all be built at once.
    pub fn each_element(&self, ast: &ast::File, package: &str, mut sink: impl FnMut(Element)) {
        for item in &ast.items {
            match item {
                ast::Item::Message(m) => {
                    sink(Element::Message(self.message(
                        package,
                        m.name,
                        &m.body.items,
                        m.visibility,
                    )));
                }
                ast::Item::Enum(e) => sink(Element::Enum(self.enumeration(e))),
                ast::Item::Service(s) => sink(Element::Service(self.service(s))),
                ast::Item::Extend(e) => {
                    for item in &e.items {
                        match item {
                            ast::ExtendItem::Field(f) => {
                                sink(Element::Extension(self.field(package, f, Some(e), None)))
                            }
                            ast::ExtendItem::Group(g) => {
                                sink(Element::Extension(self.group_field(
                                    package,
                                    g,
                                    Some(e),
                                    None,
                                )));
                                sink(Element::Message(self.message(
                                    package,
                                    g.name,
                                    &g.body.items,
                                    None,
                                )));
                            }
                        }
                    }
                }
                _ => {}
            }
        }
    }

    fn message(
        &self,
        scope: &str,
        name: ast::Ident,
        items: &[ast::MessageItem],
        visibility: Option<(ast::Visibility, crate::source::Span)>,
    ) -> pb::DescriptorProto {
        let name_text = self.text(name.span);
        let full = join(scope, &name_text);
        let mut proto = pb::DescriptorProto {
            name: Some(name_text),
            options: self.options(name.span.start, Target::Message),
            ..Default::default()
        };
        if let Some((v, _)) = visibility {
            proto.visibility = Some(visibility_value(v));
        }
        let max_number = range_max(is_message_set(self.source, items));
        // Each list sized to what it will hold: a list grown one push at a
        // time keeps up to three quarters of its room unused (a message
        // with one map keeps room for four nested types), and a codegen
        // run holds every descriptor of a large file at once.
        let (fields, oneofs, nested) = element_counts(items, self.syntax == Syntax::Proto3);
        proto.field.reserve_exact(fields);
        proto.oneof_decl.reserve_exact(oneofs);
        proto.nested_type.reserve_exact(nested);
        // Fields, with oneof indexes; nested types in declaration order.
        for item in items {
            match item {
                ast::MessageItem::Field(f) => proto.field.push(self.field(&full, f, None, None)),
                ast::MessageItem::Group(g) => {
                    proto.field.push(self.group_field(&full, g, None, None))
                }
                ast::MessageItem::Oneof(o) => {
                    let index = proto.oneof_decl.len() as i32;
                    proto.oneof_decl.push(pb::OneofDescriptorProto {
                        name: Some(self.text(o.name.span)),
                        options: self.options(o.name.span.start, Target::Oneof),
                    });
                    for item in &o.items {
                        match item {
                            ast::OneofItem::Field(f) => {
                                proto.field.push(self.field(&full, f, None, Some(index)))
                            }
                            ast::OneofItem::Group(g) => {
                                proto
                                    .field
                                    .push(self.group_field(&full, g, None, Some(index)))
                            }
                            ast::OneofItem::Option(_) => {}
                        }
                    }
                }
                ast::MessageItem::Enum(e) => proto.enum_type.push(self.enumeration(e)),
                ast::MessageItem::Extend(e) => {
                    for item in &e.items {
                        match item {
                            ast::ExtendItem::Field(f) => {
                                proto.extension.push(self.field(&full, f, Some(e), None))
                            }
                            ast::ExtendItem::Group(g) => {
                                proto
                                    .extension
                                    .push(self.group_field(&full, g, Some(e), None))
                            }
                        }
                    }
                }
                ast::MessageItem::Extensions(e) => {
                    for range in &e.ranges {
                        proto
                            .extension_range
                            .push(pb::descriptor_proto::ExtensionRange {
                                start: Some(range.start.as_i32()),
                                end: Some(range_end(range, max_number)),
                                options: self.options(e.span.start, Target::ExtensionRange),
                            });
                    }
                }
                ast::MessageItem::Reserved(r) => match &r.kind {
                    ast::ReservedKind::Ranges(ranges) => {
                        for range in ranges {
                            proto
                                .reserved_range
                                .push(pb::descriptor_proto::ReservedRange {
                                    start: Some(range.start.as_i32()),
                                    end: Some(range_end(range, max_number)),
                                });
                        }
                    }
                    names => proto.reserved_name.extend(self.reserved_names(names)),
                },
                _ => {}
            }
        }
        for_each_nested_message(items, &mut |nested| {
            let message = match nested {
                NestedRef::Message(m) => self.message(&full, m.name, &m.body.items, m.visibility),
                NestedRef::Group(g) => self.message(&full, g.name, &g.body.items, None),
                NestedRef::MapEntry(f) => self.map_entry(&full, f),
            };
            proto.nested_type.push(message);
        });
        if self.syntax == Syntax::Proto3 {
            self.synthetic_oneofs(&mut proto);
        }
        proto
    }

    /// protoc's synthetic oneofs for proto3 `optional`: `_name`, prefixed
    /// with `X` until it clashes with no field or oneof.
    fn synthetic_oneofs(&self, message: &mut pb::DescriptorProto) {
        let mut names: rustc_hash::FxHashSet<String> = message
            .field
            .iter()
            .filter_map(|f| f.name.clone())
            .chain(message.oneof_decl.iter().filter_map(|o| o.name.clone()))
            .collect();
        for index in 0..message.field.len() {
            if message.field[index].proto3_optional != Some(true) {
                continue;
            }
            let field_name = message.field[index].name.clone().unwrap_or_default();
            let mut oneof_name = if field_name.starts_with('_') {
                field_name
            } else {
                format!("_{field_name}")
            };
            while names.contains(&oneof_name) {
                oneof_name.insert(0, 'X');
            }
            names.insert(oneof_name.clone());
            message.field[index].oneof_index = Some(message.oneof_decl.len() as i32);
            message.oneof_decl.push(pb::OneofDescriptorProto {
                name: Some(oneof_name),
                options: None,
            });
        }
    }

    fn set_type(&self, proto: &mut pb::FieldDescriptorProto, ty: &ast::FieldType) {
        use pb::field_descriptor_proto::Type;
        match ty {
            ast::FieldType::Scalar(scalar, _) => proto.r#type = Some(scalar_type(*scalar) as i32),
            ast::FieldType::Named(name) => match self.resolved(name) {
                Some(resolved) => {
                    proto.type_name = Some(format!(".{}", resolved.full_name));
                    proto.r#type = Some(match resolved.kind {
                        SymbolKind::Enum => Type::Enum as i32,
                        _ => Type::Message as i32,
                    });
                }
                None => proto.type_name = Some(self.full_ident(name)),
            },
            ast::FieldType::Map(_) => {}
        }
    }

    fn field(
        &self,
        scope: &str,
        field: &ast::Field,
        extend: Option<&ast::Extend>,
        oneof_index: Option<i32>,
    ) -> pb::FieldDescriptorProto {
        let name = self.text(field.name.span);
        let mut proto = pb::FieldDescriptorProto {
            json_name: self.default_json_name(&name),
            number: Some(field.number.as_i32()),
            oneof_index,
            ..Default::default()
        };
        match &field.ty {
            ast::FieldType::Map(_) => {
                proto.label = Some(pb::field_descriptor_proto::Label::Repeated as i32);
                proto.r#type = Some(pb::field_descriptor_proto::Type::Message as i32);
                proto.type_name = Some(format!(".{}", join(scope, &map_entry_name(&name))));
            }
            ty => {
                proto.label = Some(label(field.label) as i32);
                self.set_type(&mut proto, ty);
            }
        }
        if let Some(extend) = extend {
            proto.extendee = Some(self.type_ref(&extend.extendee));
        }
        if self.syntax == Syntax::Proto3 && matches!(field.label, Some((ast::Label::Optional, _))) {
            proto.proto3_optional = Some(true);
        }
        if let Some((json, _)) = field.options.json_name.as_deref() {
            proto.json_name = Some(String::from_utf8_lossy(&json.value).into_owned());
        }
        if let Some(default) = &field.options.default {
            proto.default_value = Some(self.default_value(default, proto.r#type));
        }
        proto.options = self.options(field.name.span.start, Target::Field);
        proto.name = Some(name);
        proto
    }

    fn default_value(&self, default: &ast::DefaultValue, ty: Option<i32>) -> String {
        use pb::field_descriptor_proto::Type;
        match &default.kind {
            ast::DefaultKind::Int(lit) => {
                if lit.negative {
                    format!("-{}", lit.magnitude)
                } else {
                    lit.magnitude.to_string()
                }
            }
            ast::DefaultKind::Float(value) => {
                if ty == Some(Type::Float as i32) {
                    simple_ftoa(*value as f32)
                } else {
                    simple_dtoa(*value)
                }
            }
            ast::DefaultKind::Bool(b) => b.to_string(),
            ast::DefaultKind::Str(lit) => {
                if ty == Some(Type::Bytes as i32) {
                    c_escape(&lit.value)
                } else {
                    String::from_utf8_lossy(&lit.value).into_owned()
                }
            }
            ast::DefaultKind::Token(span) => self.text(*span),
        }
    }

    fn group_field(
        &self,
        scope: &str,
        group: &ast::Group,
        extend: Option<&ast::Extend>,
        oneof_index: Option<i32>,
    ) -> pb::FieldDescriptorProto {
        let type_name = self.text(group.name.span);
        let name = type_name.to_ascii_lowercase();
        let mut proto = pb::FieldDescriptorProto {
            json_name: self.default_json_name(&name),
            number: Some(group.number.as_i32()),
            label: Some(label(group.label) as i32),
            r#type: Some(pb::field_descriptor_proto::Type::Group as i32),
            type_name: Some(format!(".{}", join(scope, &type_name))),
            oneof_index,
            ..Default::default()
        };
        if let Some(extend) = extend {
            proto.extendee = Some(self.type_ref(&extend.extendee));
        }
        if let Some((json, _)) = group.options.json_name.as_deref() {
            proto.json_name = Some(String::from_utf8_lossy(&json.value).into_owned());
        }
        proto.options = self.options(group.name.span.start, Target::Field);
        proto.name = Some(name);
        proto
    }

    fn map_entry(&self, scope: &str, field: &ast::Field) -> pb::DescriptorProto {
        let ast::FieldType::Map(map) = &field.ty else {
            return pb::DescriptorProto::default();
        };
        let entry_name = map_entry_name(&self.text(field.name.span));
        // protoc's parser copies the map field's features to the key and
        // value fields.
        let side_options = self
            .options::<pb::FieldOptions>(field.name.span.start, Target::Field)
            .and_then(|options| options.known.features)
            .map(|features| {
                Box::new(pb::WithUnknown {
                    known: pb::FieldOptions {
                        features: Some(features),
                        ..Default::default()
                    },
                    unknown: Vec::new(),
                })
            });
        let side = |name: &str, number: i32, ty: &ast::FieldType| {
            let mut proto = pb::FieldDescriptorProto {
                name: Some(name.to_owned()),
                number: Some(number),
                label: Some(pb::field_descriptor_proto::Label::Optional as i32),
                json_name: self.default_json_name(name),
                options: side_options.clone(),
                ..Default::default()
            };
            self.set_type(&mut proto, ty);
            proto
        };
        let _ = scope;
        pb::DescriptorProto {
            name: Some(entry_name),
            field: vec![side("key", 1, &map.key), side("value", 2, &map.value)],
            options: Some(Box::new(pb::WithUnknown {
                known: pb::MessageOptions {
                    map_entry: Some(true),
                    ..Default::default()
                },
                unknown: Vec::new(),
            })),
            ..Default::default()
        }
    }

    fn enumeration(&self, e: &ast::Enum) -> pb::EnumDescriptorProto {
        let mut proto = pb::EnumDescriptorProto {
            name: Some(self.text(e.name.span)),
            options: self.options(e.name.span.start, Target::Enum),
            ..Default::default()
        };
        if let Some((v, _)) = e.visibility {
            proto.visibility = Some(visibility_value(v));
        }
        for item in &e.items {
            match item {
                ast::EnumItem::Value(v) => proto.value.push(pb::EnumValueDescriptorProto {
                    name: Some(self.text(v.name.span)),
                    number: Some(v.number.as_i32()),
                    options: self.options(v.name.span.start, Target::EnumValue),
                }),
                ast::EnumItem::Reserved(r) => match &r.kind {
                    ast::ReservedKind::Ranges(ranges) => {
                        for range in ranges {
                            proto.reserved_range.push(
                                pb::enum_descriptor_proto::EnumReservedRange {
                                    start: Some(range.start.as_i32()),
                                    end: Some(enum_range_end(range)),
                                },
                            );
                        }
                    }
                    names => proto.reserved_name.extend(self.reserved_names(names)),
                },
                ast::EnumItem::Option(_) => {}
            }
        }
        proto
    }

    fn service(&self, s: &ast::Service) -> pb::ServiceDescriptorProto {
        let mut proto = pb::ServiceDescriptorProto {
            name: Some(self.text(s.name.span)),
            options: self.options(s.name.span.start, Target::Service),
            ..Default::default()
        };
        for item in &s.items {
            if let ast::ServiceItem::Rpc(rpc) = item {
                let type_name = |side: &ast::RpcType| self.type_ref(&side.name);
                proto.method.push(pb::MethodDescriptorProto {
                    name: Some(self.text(rpc.name.span)),
                    input_type: Some(type_name(&rpc.input)),
                    output_type: Some(type_name(&rpc.output)),
                    options: self
                        .options(rpc.name.span.start, Target::Method)
                        .or_else(|| rpc.has_body.then(Box::default)),
                    client_streaming: rpc.input.stream.map(|_| true),
                    server_streaming: rpc.output.stream.map(|_| true),
                });
            }
        }
        proto
    }
}

/// How many fields, oneofs (synthetic ones included) and nested types the
/// message of `items` has.
fn element_counts(items: &[ast::MessageItem], proto3: bool) -> (usize, usize, usize) {
    let (mut fields, mut synthetic_oneofs, mut nested) = (0, 0, 0);
    for_each_field(items, &mut |field| {
        fields += 1;
        if let FieldRef::Field(f) = field {
            if proto3 && matches!(f.label, Some((ast::Label::Optional, _))) {
                synthetic_oneofs += 1;
            }
        }
    });
    let oneofs = items
        .iter()
        .filter(|item| matches!(item, ast::MessageItem::Oneof(_)))
        .count();
    for_each_nested_message(items, &mut |_| nested += 1);
    (fields, oneofs + synthetic_oneofs, nested)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_like_simple_dtoa() {
        assert_eq!(simple_dtoa(1.5), "1.5");
        assert_eq!(simple_dtoa(1e10), "10000000000");
        assert_eq!(simple_dtoa(1e20), "1e+20");
        assert_eq!(simple_dtoa(0.1), "0.1");
        assert_eq!(simple_dtoa(1e-5), "1e-05");
        assert_eq!(simple_dtoa(-0.0), "-0");
        assert_eq!(simple_dtoa(f64::NEG_INFINITY), "-inf");
        assert_eq!(simple_ftoa(0.1), "0.1");
        assert_eq!(simple_ftoa(3.4028235e38), "3.40282347e+38");
    }
}
