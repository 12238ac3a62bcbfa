//! prost messages, enums and oneofs of one file, emitted with `quote!` the
//! way prost-build writes them: the same derives, `#[prost(...)]`
//! attributes, field types, nested modules and doc comments.

use std::collections::BTreeMap;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use proc_macro2::{Ident, Literal, TokenStream};
use quote::quote;

use super::comments::{comments, doc_lines};
use super::features::{self, FieldShape};
use super::graph::MessageGraph;
use super::names::{strip_enum_prefix, to_snake, to_upper_camel};
use super::service_model::{Method, Service};
use super::{Config, ExternPaths};
use crate::pb::features::{file_edition, ResolvedFeatures};
use crate::pb::field_descriptor_proto::Type;
use crate::pb::source_code_info::Location;
use crate::pb::{
    DescriptorProto, Edition, EnumDescriptorProto, FieldDescriptorProto, FileDescriptorProto,
    OneofDescriptorProto,
};

/// An options message as prost-types has it (unknown fields, such as
/// custom options, are dropped, as prost-build's own decoding drops them).
fn convert<M: prost::Message, T: prost::Message + Default>(options: &Option<M>) -> T {
    options
        .as_ref()
        .and_then(|o| T::decode(o.encode_to_vec().as_slice()).ok())
        .unwrap_or_default()
}

/// A Rust identifier, raw when it is written `r#...`. Names that are no
/// identifier are reported before generation starts
/// (`FileGenerator::identifier_errors`); should one get here anyway, it
/// becomes a placeholder rather than a panic.
pub fn ident(name: &str) -> Ident {
    let span = proc_macro2::Span::call_site();
    if !is_identifier(name) {
        return Ident::new("__not_an_identifier", span);
    }
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, span),
        None => Ident::new(name, span),
    }
}

/// Whether `name` is a Rust identifier proc-macro2 takes: letters, digits
/// and `_`, not starting with a digit, not `_` alone; raw (`r#...`) only
/// for names that may be raw.
pub(super) fn is_identifier(name: &str) -> bool {
    let (raw, bare) = match name.strip_prefix("r#") {
        Some(bare) => (true, bare),
        None => (false, name),
    };
    let mut chars = bare.chars();
    let well_formed = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && bare != "_";
    well_formed && !(raw && matches!(bare, "crate" | "self" | "super" | "Self"))
}

/// The names that become no Rust identifier (the Rust name, the .proto
/// name, the location path), kept as they are found: a large file has
/// millions of names, nearly all of them fine.
#[derive(Default)]
struct BadNames(Vec<(String, String, Vec<i32>)>);

impl BadNames {
    fn push(&mut self, name: (String, String, Vec<i32>)) {
        if !is_identifier(&name.0) {
            self.0.push(name);
        }
    }
}

/// The Rust names a message and everything in it become.
fn message_names(message: &DescriptorProto, strip: bool, path: Vec<i32>, names: &mut BadNames) {
    let at = |tail: [i32; 2]| [path.clone(), tail.to_vec()].concat();
    names.push((
        to_upper_camel(message.name()),
        message.name().to_owned(),
        path.clone(),
    ));
    if !message.nested_type.is_empty()
        || !message.enum_type.is_empty()
        || !message.oneof_decl.is_empty()
    {
        // The module of the nested types.
        names.push((
            to_snake(message.name()),
            message.name().to_owned(),
            path.clone(),
        ));
    }
    for (i, field) in message.field.iter().enumerate() {
        names.push((
            to_snake(field.name()),
            field.name().to_owned(),
            at([2, i as i32]),
        ));
        if field.oneof_index.is_some() && !field.proto3_optional() {
            names.push((
                to_upper_camel(field.name()),
                field.name().to_owned(),
                at([2, i as i32]),
            ));
        }
    }
    for (i, oneof) in message.oneof_decl.iter().enumerate() {
        // A proto3 `optional`'s synthetic oneof generates nothing.
        let synthetic = message
            .field
            .iter()
            .any(|f| f.proto3_optional() && f.oneof_index == Some(i as i32));
        if synthetic {
            continue;
        }
        names.push((
            to_snake(oneof.name()),
            oneof.name().to_owned(),
            at([8, i as i32]),
        ));
        names.push((
            oneof_type_name(message, oneof),
            oneof.name().to_owned(),
            at([8, i as i32]),
        ));
    }
    for (i, nested) in message.nested_type.iter().enumerate() {
        message_names(nested, strip, at([3, i as i32]), names);
    }
    for (i, e) in message.enum_type.iter().enumerate() {
        enum_names(e, strip, at([4, i as i32]), names);
    }
}

/// The Rust names an enum and its values become.
fn enum_names(e: &EnumDescriptorProto, strip: bool, path: Vec<i32>, names: &mut BadNames) {
    let enum_name = to_upper_camel(e.name());
    names.push((enum_name.clone(), e.name().to_owned(), path.clone()));
    for variant in enum_variants(&enum_name, e, strip) {
        let proto = e
            .value
            .get(variant.index)
            .map(|v| v.name().to_owned())
            .unwrap_or_default();
        let value_path = [path.clone(), vec![2, variant.index as i32]].concat();
        names.push((variant.rust_name, proto, value_path));
    }
}

/// A Rust type or path written as text (`super::Foo`, `::prost::alloc::vec::Vec<u8>`).
fn rust_type(text: &str) -> TokenStream {
    text.parse().unwrap_or_else(|_| quote!(()))
}

/// A string literal with exactly this source text between its quotes.
fn raw_string_literal(escaped: &str) -> Literal {
    format!("\"{escaped}\"")
        .parse()
        .unwrap_or_else(|_| Literal::string(escaped))
}

fn docs(lines: &[String]) -> TokenStream {
    quote! { #( #[doc = #lines] )* }
}

/// A file's SourceCodeInfo by path, built once and shared by the threads
/// that generate its declarations.
pub struct SourceIndex<'a> {
    /// Keyed by the locations' own paths, not copies of them.
    locations: HashMap<&'a [i32], &'a Location>,
    names: HashMap<&'a [i32], &'a Location>,
}

impl<'a> SourceIndex<'a> {
    pub fn new(file: &'a FileDescriptorProto) -> SourceIndex<'a> {
        let all = || file.source_code_info.iter().flat_map(|info| &info.location);
        SourceIndex {
            locations: all()
                .filter(|l| !l.path.is_empty() && l.path.len() % 2 == 0)
                .map(|l| (l.path.as_slice(), l))
                .collect(),
            names: all()
                .filter(|l| l.path.last() == Some(&1))
                .map(|l| (l.path.as_slice(), l))
                .collect(),
        }
    }
}

/// A top-level message or enum of a file, in the order prost-build writes
/// them: messages, then enums (services go to the service generator).
#[derive(Clone, Copy, Debug)]
pub enum Unit {
    Message(usize),
    Enum(usize),
}

/// The declarations of `file` that generate code.
pub fn units(file: &FileDescriptorProto) -> Vec<Unit> {
    let mut units: Vec<Unit> = (0..file.message_type.len()).map(Unit::Message).collect();
    units.extend((0..file.enum_type.len()).map(Unit::Enum));
    units
}

/// A oneof with its index and its fields (each with its index in the
/// message), as prost-build groups them.
type OneofMembers<'a> = (
    usize,
    &'a OneofDescriptorProto,
    Vec<(usize, &'a FieldDescriptorProto)>,
);

/// The generator of one file's messages and enums.
pub struct FileGenerator<'a> {
    config: &'a Config,
    externs: &'a ExternPaths,
    graph: &'a MessageGraph<'a>,
    package: String,
    /// Names of the messages enclosing the current one, as written.
    type_path: Vec<String>,
    /// The current location path, as SourceCodeInfo numbers it.
    path: Vec<i32>,
    /// Locations by path: only the even-length ones prost-build reads.
    locations: &'a HashMap<&'a [i32], &'a Location>,
    /// The locations of names (paths ending in 1), for errors.
    names: &'a HashMap<&'a [i32], &'a Location>,
    edition: Edition,
    /// The resolved features of the scope being generated.
    scope: ResolvedFeatures,
    file_name: String,
    /// Names that would collide in the generated Rust.
    pub errors: Vec<super::CodegenError>,
}

impl<'a> FileGenerator<'a> {
    pub fn new(
        config: &'a Config,
        externs: &'a ExternPaths,
        graph: &'a MessageGraph<'a>,
        file: &'a FileDescriptorProto,
        index: &'a SourceIndex<'a>,
    ) -> FileGenerator<'a> {
        FileGenerator {
            externs,
            names: &index.names,
            config,
            graph,
            package: file.package().to_owned(),
            type_path: Vec::new(),
            path: Vec::new(),
            locations: &index.locations,
            edition: file_edition(file),
            scope: ResolvedFeatures::of_file(file),
            file_name: file.name().to_owned(),
            errors: Vec::new(),
        }
    }

    /// The code of one top-level message or enum of `file`.
    pub fn unit(&mut self, file: &'a FileDescriptorProto, unit: Unit) -> TokenStream {
        match unit {
            Unit::Message(index) => {
                self.path = vec![4, index as i32];
                self.message(&file.message_type[index])
            }
            Unit::Enum(index) => {
                self.path = vec![5, index as i32];
                self.enumeration(&file.enum_type[index])
            }
        }
    }

    /// The service at `index` of `file` as prost-build hands it to a
    /// service generator: Rust names, comments, request and response types
    /// as the package's module names them.
    pub fn service(&mut self, file: &'a FileDescriptorProto, index: usize) -> Service {
        let service = &file.service[index];
        let cleanup = self.config.cleanup_markdown;
        let comments_at = |locations: &HashMap<&[i32], &Location>, path: &[i32]| {
            locations
                .get(path)
                .map_or_else(Default::default, |l| comments(l, cleanup))
        };
        self.path = vec![6, index as i32];
        let service_comments = comments_at(self.locations, &self.path);
        let mut methods = Vec::new();
        for (index, method) in service.method.iter().enumerate() {
            self.path.extend([2, index as i32]);
            let method_comments = comments_at(self.locations, &self.path);
            self.path.truncate(self.path.len() - 2);
            methods.push(Method {
                name: to_snake(method.name()),
                proto_name: method.name().to_owned(),
                comments: method_comments,
                input_type: self.resolve_ident(method.input_type()),
                output_type: self.resolve_ident(method.output_type()),
                input_proto_type: method.input_type().to_owned(),
                output_proto_type: method.output_type().to_owned(),
                options: convert(&method.options),
                client_streaming: method.client_streaming(),
                server_streaming: method.server_streaming(),
            });
        }
        Service {
            name: to_upper_camel(service.name()),
            proto_name: service.name().to_owned(),
            package: self.package.clone(),
            comments: service_comments,
            methods,
            options: convert(&service.options),
        }
    }

    /// Where the name of the declaration at `path` starts, when source
    /// info has it.
    fn position(&self, path: &[i32]) -> Option<(u32, u32)> {
        let name = [path, &[1]].concat();
        let location = self.names.get(name.as_slice())?;
        Some((
            *location.span.first()? as u32,
            *location.span.get(1)? as u32,
        ))
    }

    /// Every name of `file` that would become no Rust identifier, as
    /// prost-build's rules turn it into one: the Rust name, the .proto
    /// name and its location path.
    pub(super) fn identifier_errors(&self, file: &FileDescriptorProto) -> Vec<super::CodegenError> {
        let mut names = BadNames::default();
        let strip = self.config.strip_enum_prefix;
        if !file.package().is_empty() {
            // Each part of the package is a module.
            for part in file.package().split('.') {
                names.push((to_snake(part), part.to_owned(), vec![2]));
            }
        }
        for (i, message) in file.message_type.iter().enumerate() {
            message_names(message, strip, vec![4, i as i32], &mut names);
        }
        for (i, e) in file.enum_type.iter().enumerate() {
            enum_names(e, strip, vec![5, i as i32], &mut names);
        }
        for (i, service) in file.service.iter().enumerate() {
            let path = vec![6, i as i32];
            names.push((
                to_upper_camel(service.name()),
                service.name().to_owned(),
                path.clone(),
            ));
            for (j, method) in service.method.iter().enumerate() {
                let method_path = [path.clone(), vec![2, j as i32]].concat();
                names.push((
                    to_snake(method.name()),
                    method.name().to_owned(),
                    method_path.clone(),
                ));
                // tonic names a method's server types after its proto name
                // as written; a descriptor that protoc did not check (a
                // plugin request, `compile_fds`) may hold any text there.
                for suffix in ["Svc", "Stream"] {
                    names.push((
                        format!("{}{suffix}", method.name()),
                        method.name().to_owned(),
                        method_path.clone(),
                    ));
                }
            }
        }
        let mut reported: HashSet<Vec<i32>> = HashSet::default();
        names
            .0
            .into_iter()
            // One report per name, though a name may become two Rust names.
            .filter(|(_, _, path)| reported.insert(path.clone()))
            .map(|(rust, proto, path)| super::CodegenError {
                kind: super::CodegenErrorKind::NotAnIdentifier,
                file: self.file_name.clone(),
                position: self.position(&path),
                first_position: None,
                message: if rust.is_empty() {
                    format!(
                        "`{proto}` becomes no Rust name: prost-build's rules leave nothing of it"
                    )
                } else {
                    format!("`{proto}` becomes `{rust}`, which is not a Rust identifier")
                },
                help: format!("rename `{proto}` so that it has a letter"),
                paths: (path, None),
            })
            .collect()
    }

    /// Reports the second of each group of names (with their location
    /// paths) that map to one Rust name.
    fn check_unique<'n>(
        &mut self,
        what: &str,
        scope: &str,
        names: impl IntoIterator<Item = (String, &'n str, Vec<i32>)>,
    ) {
        let mut seen: HashMap<String, (&str, Vec<i32>)> = HashMap::default();
        for (rust, proto, path) in names {
            if let Some((first, first_path)) = seen.get(&rust) {
                let error = super::CodegenError {
                    kind: super::CodegenErrorKind::NameCollision,
                    file: self.file_name.clone(),
                    position: self.position(&path),
                    first_position: self.position(first_path),
                    message: format!(
                        "`{proto}` and `{first}` in `{scope}` both become the Rust {what} `{rust}`"
                    ),
                    help: format!("rename `{proto}` or `{first}`"),
                    paths: (path.clone(), Some(first_path.clone())),
                };
                self.errors.push(error);
            } else {
                seen.insert(rust, (proto, path));
            }
        }
    }

    fn doc(&self, fq_name: &str, field: Option<&str>) -> TokenStream {
        if self.config.comments_disabled(fq_name, field) {
            return TokenStream::new();
        }
        match self.locations.get(self.path.as_slice()) {
            Some(location) => docs(&doc_lines(location, self.config.cleanup_markdown)),
            None => TokenStream::new(),
        }
    }

    /// The full name of a type of the current scope, with a leading dot.
    fn fq_name(&self, name: &str) -> String {
        let mut out = String::new();
        if !self.package.is_empty() {
            out.push('.');
            out.push_str(self.package.trim_matches('.'));
        }
        if !self.type_path.is_empty() {
            out.push('.');
            out.push_str(&self.type_path.join("."));
        }
        out.push('.');
        out.push_str(name);
        out
    }

    fn message(&mut self, message: &'a DescriptorProto) -> TokenStream {
        let name = message.name();
        let fq_name = self.fq_name(name);
        if self.externs.resolve(&fq_name).is_some() {
            return TokenStream::new();
        }
        let outer_scope = self.scope;
        self.scope = features::message(outer_scope, message);
        // Map entries become map fields; other nested types keep their
        // index for comments.
        let mut map_entries: HashMap<String, (&FieldDescriptorProto, &FieldDescriptorProto)> =
            HashMap::default();
        let mut nested_types = Vec::new();
        for (index, nested) in message.nested_type.iter().enumerate() {
            let is_map_entry = nested
                .options
                .as_ref()
                .and_then(|o| o.known.map_entry)
                .unwrap_or(false);
            if is_map_entry && nested.field.len() == 2 {
                map_entries.insert(
                    format!("{fq_name}.{}", nested.name()),
                    (&nested.field[0], &nested.field[1]),
                );
            } else {
                nested_types.push((index, nested));
            }
        }
        // Fields and the real oneofs' fields, with their indexes.
        let mut fields = Vec::new();
        let mut oneof_fields: BTreeMap<i32, Vec<(usize, &FieldDescriptorProto)>> = BTreeMap::new();
        for (index, field) in message.field.iter().enumerate() {
            match field.oneof_index {
                Some(oneof) if !field.proto3_optional() => {
                    oneof_fields.entry(oneof).or_default().push((index, field))
                }
                _ => fields.push((index, field)),
            }
        }
        let oneofs: Vec<OneofMembers<'_>> = message
            .oneof_decl
            .iter()
            .enumerate()
            .filter_map(|(index, oneof)| {
                oneof_fields
                    .remove(&(index as i32))
                    .map(|fields| (index, oneof, fields))
            })
            .collect();

        let member_names: Vec<(String, &str, Vec<i32>)> = fields
            .iter()
            .map(|(i, f)| {
                (
                    to_snake(f.name()),
                    f.name(),
                    [self.path.clone(), vec![2, *i as i32]].concat(),
                )
            })
            .chain(oneofs.iter().map(|(i, o, _)| {
                (
                    to_snake(o.name()),
                    o.name(),
                    [self.path.clone(), vec![8, *i as i32]].concat(),
                )
            }))
            .collect();
        self.check_unique("field", &fq_name, member_names);
        let type_names: Vec<(String, &str, Vec<i32>)> = nested_types
            .iter()
            .map(|(i, m)| {
                (
                    to_upper_camel(m.name()),
                    m.name(),
                    [self.path.clone(), vec![3, *i as i32]].concat(),
                )
            })
            .chain(message.enum_type.iter().enumerate().map(|(i, e)| {
                (
                    to_upper_camel(e.name()),
                    e.name(),
                    [self.path.clone(), vec![4, i as i32]].concat(),
                )
            }))
            .collect();
        self.check_unique("type", &fq_name, type_names);
        let doc = self.doc(&fq_name, None);
        let copy = self
            .graph
            .can_message_derive_copy(&fq_name)
            .then(|| quote!(Copy,));
        let eq = self
            .graph
            .can_message_derive_eq(&fq_name)
            .then(|| quote!(Eq, Hash,));
        let prost = rust_type(&self.config.prost_path);
        let struct_name = ident(&to_upper_camel(name));
        let mut attributes = self.config.type_attributes(&fq_name);
        attributes.extend(self.config.message_attributes(&fq_name));
        let mut members = TokenStream::new();
        for (index, field) in &fields {
            self.path.extend([2, *index as i32]);
            let entry = map_entries.get(field.type_name());
            members.extend(match entry {
                Some((key, value)) => self.map_field(&fq_name, field, key, value),
                None => {
                    let features = features::field(self.edition, self.scope, message, field);
                    self.field(&fq_name, field, FieldShape::of(field, features))
                }
            });
            self.path.truncate(self.path.len() - 2);
        }
        for (index, oneof, oneof_members) in &oneofs {
            self.path.extend([8, *index as i32]);
            members.extend(self.oneof_field(name, &fq_name, message, oneof, oneof_members));
            self.path.truncate(self.path.len() - 2);
        }
        let prost_path_attribute = self.prost_path_attribute();
        let skip_debug = self.skip_debug(&fq_name);
        let mut out = quote! {
            #doc
            #attributes
            #[derive(Clone, #copy PartialEq, #eq #prost::Message)]
            #prost_path_attribute
            #skip_debug
            pub struct #struct_name {
                #members
            }
        };
        if !message.enum_type.is_empty() || !nested_types.is_empty() || !oneofs.is_empty() {
            self.type_path.push(name.to_owned());
            let mut body = TokenStream::new();
            for (index, nested) in &nested_types {
                self.path.extend([3, *index as i32]);
                body.extend(self.message(nested));
                self.path.truncate(self.path.len() - 2);
            }
            for (index, e) in message.enum_type.iter().enumerate() {
                self.path.extend([4, index as i32]);
                body.extend(self.enumeration(e));
                self.path.truncate(self.path.len() - 2);
            }
            for (index, oneof, oneof_members) in &oneofs {
                body.extend(self.oneof(&fq_name, message, *index, oneof, oneof_members));
            }
            self.type_path.pop();
            let module_doc = format!(" Nested message and enum types in `{name}`.");
            let module = ident(&to_snake(name));
            out.extend(quote! {
                #[doc = #module_doc]
                pub mod #module {
                    #body
                }
            });
        }
        if self.config.enable_type_names {
            out.extend(self.type_name(name, &fq_name));
        }
        self.scope = outer_scope;
        out
    }

    /// `#[prost(prost_path = "...")]` when the prost path was configured.
    fn prost_path_attribute(&self) -> TokenStream {
        if !self.config.prost_path_attribute {
            return TokenStream::new();
        }
        let path = self.config.prost_path.as_str();
        quote!(#[prost(prost_path = #path)])
    }

    /// `#[prost(skip_debug)]` for the messages (and their oneofs) whose
    /// `Debug` is left to the user.
    fn skip_debug(&self, fq_message: &str) -> TokenStream {
        if self.config.skips_debug(fq_message) {
            quote!(#[prost(skip_debug)])
        } else {
            TokenStream::new()
        }
    }

    /// prost-build's `impl Name` for a message (`enable_type_names`).
    fn type_name(&self, name: &str, fq_name: &str) -> TokenStream {
        let prost = rust_type(&self.config.prost_path);
        let struct_name = ident(&to_upper_camel(name));
        let package = self.package.as_str();
        let mut full_name = self.package.trim_matches('.').to_owned();
        if !self.package.is_empty() {
            full_name.push('.');
        }
        full_name.push_str(&self.type_path.join("."));
        if !self.type_path.is_empty() {
            full_name.push('.');
        }
        full_name.push_str(name);
        let type_url = format!("{}/{full_name}", self.config.type_name_domain(fq_name));
        quote! {
            impl #prost::Name for #struct_name {
                const NAME: &'static str = #name;
                const PACKAGE: &'static str = #package;
                fn full_name() -> #prost::alloc::string::String {
                    #full_name.into()
                }
                fn type_url() -> #prost::alloc::string::String {
                    #type_url.into()
                }
            }
        }
    }

    fn field(
        &self,
        fq_message: &str,
        field: &FieldDescriptorProto,
        shape: FieldShape,
    ) -> TokenStream {
        let ty = shape.ty;
        let repeated = shape.repeated;
        // Singular messages are always `Option`s, as in prost-build; a
        // required one is not.
        let optional = !repeated
            && !shape.required
            && (shape.explicit || matches!(ty, Type::Message | Type::Group));
        let boxed = self.graph.should_box(fq_message, field)
            || (!repeated && self.config.is_boxed(fq_message, field.name()));
        let rust_ty = rust_type(&self.resolve_type(fq_message, field));
        let doc = self.doc(fq_message, Some(field.name()));
        let field_attributes = self.config.field_attributes(fq_message, field.name());
        let deprecated = deprecated(field).then(|| quote!(#[deprecated]));
        // prost-build writes the bytes representation into the type tag.
        let mut args = vec![match ty {
            Type::Bytes if self.config.is_bytes(fq_message, field.name()) => {
                quote!(bytes = "bytes")
            }
            Type::Bytes => quote!(bytes = "vec"),
            _ => self.type_tag(field, ty),
        }];
        if repeated {
            args.push(quote!(repeated));
            if can_pack(ty) && !shape.packed {
                args.push(quote!(packed = "false"));
            }
        } else if shape.required {
            args.push(quote!(required));
        } else if optional {
            args.push(quote!(optional));
        }
        if boxed {
            args.push(quote!(boxed));
        }
        let tag = field.number().to_string();
        args.push(quote!(tag = #tag));
        if let Some(default) = &field.default_value {
            let literal = raw_string_literal(&self.default_text(field, default));
            args.push(quote!(default = #literal));
        }
        let name = ident(&to_snake(field.name()));
        let prost = rust_type(&self.config.prost_path);
        let mut field_ty = rust_ty;
        if boxed {
            field_ty = quote!(#prost::alloc::boxed::Box<#field_ty>);
        }
        if repeated {
            field_ty = quote!(#prost::alloc::vec::Vec<#field_ty>);
        } else if optional {
            field_ty = quote!(::core::option::Option<#field_ty>);
        }
        quote! {
            #doc
            #deprecated
            #[prost(#(#args),*)]
            #field_attributes
            pub #name: #field_ty,
        }
    }

    /// The text prost-build puts in `default = "..."`, escapes included.
    fn default_text(&self, field: &FieldDescriptorProto, default: &str) -> String {
        match field.r#type() {
            Type::Bytes => {
                let mut out = String::from("b\\\"");
                for byte in unescape_c(default) {
                    for c in std::ascii::escape_default(byte) {
                        out.extend((c as char).escape_default());
                    }
                }
                out.push_str("\\\"");
                out
            }
            Type::Enum => {
                let value = to_upper_camel(default);
                let enum_name = field.type_name().rsplit('.').next().unwrap_or_default();
                if self.config.strip_enum_prefix {
                    strip_enum_prefix(&to_upper_camel(enum_name), &value)
                } else {
                    value
                }
            }
            _ => default.escape_default().to_string(),
        }
    }

    fn map_field(
        &self,
        fq_message: &str,
        field: &FieldDescriptorProto,
        key: &FieldDescriptorProto,
        value: &FieldDescriptorProto,
    ) -> TokenStream {
        let key_ty = rust_type(&self.resolve_type(fq_message, key));
        let value_ty = rust_type(&self.resolve_type(fq_message, value));
        let doc = self.doc(fq_message, Some(field.name()));
        let key_tag = self.type_tag_text(key, key.r#type());
        let value_tag = match value.r#type() {
            Type::Enum => format!("enumeration({})", self.resolve_ident(value.type_name())),
            _ => self.type_tag_text(value, value.r#type()),
        };
        let kinds = format!("{key_tag}, {value_tag}");
        let tag = field.number().to_string();
        let name = ident(&to_snake(field.name()));
        let field_attributes = self.config.field_attributes(fq_message, field.name());
        if self.config.is_btree_map(fq_message, field.name()) {
            let prost = rust_type(&self.config.prost_path);
            return quote! {
                #doc
                #[prost(btree_map = #kinds, tag = #tag)]
                #field_attributes
                pub #name: #prost::alloc::collections::BTreeMap<#key_ty, #value_ty>,
            };
        }
        quote! {
            #doc
            #[prost(map = #kinds, tag = #tag)]
            #field_attributes
            pub #name: ::std::collections::HashMap<#key_ty, #value_ty>,
        }
    }

    fn oneof_field(
        &self,
        message_name: &str,
        fq_message: &str,
        message: &DescriptorProto,
        oneof: &OneofDescriptorProto,
        fields: &[(usize, &FieldDescriptorProto)],
    ) -> TokenStream {
        let type_name = format!(
            "{}::{}",
            to_snake(message_name),
            oneof_type_name(message, oneof)
        );
        let doc = self.doc(fq_message, None);
        let tags = fields
            .iter()
            .map(|(_, f)| f.number().to_string())
            .collect::<Vec<_>>()
            .join(", ");
        let name = ident(&to_snake(oneof.name()));
        let ty = rust_type(&type_name);
        let type_literal = type_name.as_str();
        let field_attributes = self.config.field_attributes(fq_message, oneof.name());
        quote! {
            #doc
            #[prost(oneof = #type_literal, tags = #tags)]
            #field_attributes
            pub #name: ::core::option::Option<#ty>,
        }
    }

    fn oneof(
        &mut self,
        fq_message: &str,
        message: &DescriptorProto,
        index: usize,
        oneof: &OneofDescriptorProto,
        fields: &[(usize, &FieldDescriptorProto)],
    ) -> TokenStream {
        self.path.extend([8, index as i32]);
        let doc = self.doc(fq_message, None);
        self.path.truncate(self.path.len() - 2);
        let copy = fields
            .iter()
            .all(|(_, f)| self.graph.can_field_derive_copy(fq_message, f))
            .then(|| quote!(Copy,));
        let eq = fields
            .iter()
            .all(|(_, f)| self.graph.can_field_derive_eq(fq_message, f))
            .then(|| quote!(Eq, Hash,));
        let prost = rust_type(&self.config.prost_path);
        let oneof_name = format!("{fq_message}.{}", oneof.name());
        let mut attributes = self.config.type_attributes(&oneof_name);
        attributes.extend(self.config.enum_attributes(&oneof_name));
        let mut variants = TokenStream::new();
        for (field_index, field) in fields {
            self.path.extend([2, *field_index as i32]);
            let doc = self.doc(fq_message, Some(field.name()));
            self.path.truncate(self.path.len() - 2);
            let deprecated = deprecated(field).then(|| quote!(#[deprecated]));
            let type_tag = self.type_tag(field, self.graph.field_type(fq_message, field));
            let tag = field.number().to_string();
            let mut ty = rust_type(&self.resolve_type(fq_message, field));
            if self.graph.should_box(fq_message, field)
                || self.config.is_boxed(&oneof_name, field.name())
            {
                ty = quote!(#prost::alloc::boxed::Box<#ty>);
            }
            let variant = ident(&to_upper_camel(field.name()));
            let field_attributes = self.config.field_attributes(&oneof_name, field.name());
            variants.extend(quote! {
                #doc
                #deprecated
                #[prost(#type_tag, tag = #tag)]
                #field_attributes
                #variant(#ty),
            });
        }
        let name = ident(&oneof_type_name(message, oneof));
        let prost_path_attribute = self.prost_path_attribute();
        let skip_debug = self.skip_debug(fq_message);
        quote! {
            #doc
            #attributes
            #[derive(Clone, #copy PartialEq, #eq #prost::Oneof)]
            #prost_path_attribute
            #skip_debug
            pub enum #name {
                #variants
            }
        }
    }

    fn enumeration(&mut self, e: &EnumDescriptorProto) -> TokenStream {
        let enum_name = to_upper_camel(e.name());
        let fq_name = self.fq_name(e.name());
        if self.externs.resolve(&fq_name).is_some() {
            return TokenStream::new();
        }
        let doc = self.doc(&fq_name, None);
        let mut attributes = self.config.type_attributes(&fq_name);
        attributes.extend(self.config.enum_attributes(&fq_name));
        let prost = rust_type(&self.config.prost_path);
        let variants = enum_variants(&enum_name, e, self.config.strip_enum_prefix);
        let variant_names: Vec<(String, &str, Vec<i32>)> = variants
            .iter()
            .map(|v| {
                let path = [self.path.clone(), vec![2, v.index as i32]].concat();
                (v.rust_name.clone(), e.value[v.index].name(), path)
            })
            .collect();
        self.check_unique("variant", &fq_name, variant_names);
        let mut body = TokenStream::new();
        for variant in &variants {
            self.path.extend([2, variant.index as i32]);
            let doc = self.doc(&fq_name, Some(&variant.proto_name));
            self.path.truncate(self.path.len() - 2);
            let deprecated = variant.deprecated.then(|| quote!(#[deprecated]));
            let name = ident(&variant.rust_name);
            let number = Literal::i32_unsuffixed(variant.number);
            let field_attributes = self.config.field_attributes(&fq_name, &variant.proto_name);
            body.extend(quote! {
                #doc
                #field_attributes
                #deprecated
                #name = #number,
            });
        }
        let as_str_arms = variants.iter().map(|v| {
            let name = ident(&v.rust_name);
            let proto = v.proto_name.as_str();
            let allow = v.deprecated.then(|| quote!(#[allow(deprecated)]));
            quote!(#allow Self::#name => #proto,)
        });
        let from_str_arms = variants.iter().map(|v| {
            let name = ident(&v.rust_name);
            let proto = v.proto_name.as_str();
            let allow = v.deprecated.then(|| quote!(#[allow(deprecated)]));
            quote!(#proto => Some(#allow Self::#name),)
        });
        let type_name = ident(&enum_name);
        let debug = (!self.config.skips_debug(&fq_name)).then(|| quote!(Debug,));
        let prost_path_attribute = self.prost_path_attribute();
        quote! {
            #doc
            #attributes
            #[derive(Clone, Copy, #debug PartialEq, Eq, Hash, PartialOrd, Ord, #prost::Enumeration)]
            #prost_path_attribute
            #[repr(i32)]
            pub enum #type_name {
                #body
            }
            impl #type_name {
                /// String value of the enum field names used in the ProtoBuf definition.
                ///
                /// The values are not transformed in any way and thus are considered stable
                /// (if the ProtoBuf definition does not change) and safe for programmatic use.
                pub fn as_str_name(&self) -> &'static str {
                    match self {
                        #(#as_str_arms)*
                    }
                }
                /// Creates an enum from field names used in the ProtoBuf definition.
                pub fn from_str_name(value: &str) -> ::core::option::Option<Self> {
                    match value {
                        #(#from_str_arms)*
                        _ => None,
                    }
                }
            }
        }
    }

    fn type_tag(&self, field: &FieldDescriptorProto, ty: Type) -> TokenStream {
        match ty {
            Type::Enum => {
                let path = self.resolve_ident(field.type_name());
                quote!(enumeration = #path)
            }
            _ => rust_type(&self.type_tag_text(field, ty)),
        }
    }

    /// The type in `#[prost(...)]`; `ty` is the field's type as
    /// prost-build sees it (a delimited message field is a group).
    fn type_tag_text(&self, field: &FieldDescriptorProto, ty: Type) -> String {
        match ty {
            Type::Float => "float",
            Type::Double => "double",
            Type::Int32 => "int32",
            Type::Int64 => "int64",
            Type::Uint32 => "uint32",
            Type::Uint64 => "uint64",
            Type::Sint32 => "sint32",
            Type::Sint64 => "sint64",
            Type::Fixed32 => "fixed32",
            Type::Fixed64 => "fixed64",
            Type::Sfixed32 => "sfixed32",
            Type::Sfixed64 => "sfixed64",
            Type::Bool => "bool",
            Type::String => "string",
            Type::Bytes => "bytes",
            Type::Group => "group",
            Type::Message => "message",
            Type::Enum => {
                return format!(
                    "enumeration = \"{}\"",
                    self.resolve_ident(field.type_name())
                )
            }
        }
        .to_owned()
    }

    fn resolve_type(&self, fq_message: &str, field: &FieldDescriptorProto) -> String {
        let prost = &self.config.prost_path;
        match field.r#type() {
            Type::Float => "f32".into(),
            Type::Double => "f64".into(),
            Type::Uint32 | Type::Fixed32 => "u32".into(),
            Type::Uint64 | Type::Fixed64 => "u64".into(),
            Type::Int32 | Type::Sfixed32 | Type::Sint32 | Type::Enum => "i32".into(),
            Type::Int64 | Type::Sfixed64 | Type::Sint64 => "i64".into(),
            Type::Bool => "bool".into(),
            Type::String => format!("{prost}::alloc::string::String"),
            Type::Bytes if self.config.is_bytes(fq_message, field.name()) => {
                format!("{prost}::bytes::Bytes")
            }
            Type::Bytes => format!("{prost}::alloc::vec::Vec<u8>"),
            Type::Group | Type::Message => self.resolve_ident(field.type_name()),
        }
    }

    /// A type's Rust path from the current module: `super::` up to the
    /// common ancestor, then down, or an extern path.
    fn resolve_ident(&self, proto_name: &str) -> String {
        if let Some(path) = self.externs.resolve(proto_name) {
            return path;
        }
        let mut local: Vec<&str> = self
            .package
            .split('.')
            .filter(|s| !s.is_empty())
            .chain(self.type_path.iter().map(String::as_str))
            .collect();
        let mut parts: Vec<&str> = proto_name.trim_start_matches('.').split('.').collect();
        let type_name = parts.pop().unwrap_or_default();
        let common = local.iter().zip(&parts).take_while(|(a, b)| a == b).count();
        local.drain(..common);
        let mut out: Vec<String> = local.iter().map(|_| "super".to_owned()).collect();
        out.extend(parts[common..].iter().map(|p| to_snake(p)));
        out.push(to_upper_camel(type_name));
        out.join("::")
    }
}

/// prost-build's name for a oneof's enum: the oneof's name in UpperCamel,
/// with `OneOf` added when a nested message or enum already has that name.
fn oneof_type_name(message: &DescriptorProto, oneof: &OneofDescriptorProto) -> String {
    let mut name = to_upper_camel(oneof.name());
    let taken: HashSet<String> = message
        .nested_type
        .iter()
        .map(|m| to_upper_camel(m.name()))
        .chain(message.enum_type.iter().map(|e| to_upper_camel(e.name())))
        .collect();
    if taken.contains(&name) {
        name.push_str("OneOf");
    }
    name
}

struct Variant {
    index: usize,
    proto_name: String,
    rust_name: String,
    number: i32,
    deprecated: bool,
}

/// The enum's values without aliases (the first name of each number wins),
/// named without the enum's prefix unless `strip` is off.
fn enum_variants(enum_name: &str, e: &EnumDescriptorProto, strip: bool) -> Vec<Variant> {
    let mut numbers = HashSet::default();
    e.value
        .iter()
        .enumerate()
        .filter(|(_, v)| numbers.insert(v.number()))
        .map(|(index, v)| Variant {
            index,
            proto_name: v.name().to_owned(),
            rust_name: if strip {
                strip_enum_prefix(enum_name, &to_upper_camel(v.name()))
            } else {
                to_upper_camel(v.name())
            },
            number: v.number(),
            deprecated: v
                .options
                .as_ref()
                .and_then(|o| o.known.deprecated)
                .unwrap_or(false),
        })
        .collect()
}

fn deprecated(field: &FieldDescriptorProto) -> bool {
    field
        .options
        .as_ref()
        .and_then(|o| o.known.deprecated)
        .unwrap_or(false)
}

fn can_pack(ty: Type) -> bool {
    !matches!(ty, Type::String | Type::Bytes | Type::Message | Type::Group)
}

/// protoc's C escaping of a bytes default, undone.
fn unescape_c(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'\\' {
            out.push(bytes[i]);
            i += 1;
            continue;
        }
        i += 1;
        let Some(&c) = bytes.get(i) else { break };
        match c {
            b'0'..=b'7' => {
                let mut value = 0u32;
                let mut digits = 0;
                while digits < 3 && i < bytes.len() && (b'0'..=b'7').contains(&bytes[i]) {
                    value = value * 8 + u32::from(bytes[i] - b'0');
                    i += 1;
                    digits += 1;
                }
                out.push(value as u8);
                continue;
            }
            b'x' => {
                let mut value = 0u32;
                i += 1;
                while i < bytes.len() && bytes[i].is_ascii_hexdigit() {
                    value = value * 16 + (bytes[i] as char).to_digit(16).unwrap_or(0);
                    i += 1;
                }
                out.push(value as u8);
                continue;
            }
            b'n' => out.push(b'\n'),
            b'r' => out.push(b'\r'),
            b't' => out.push(b'\t'),
            b'a' => out.push(0x07),
            b'b' => out.push(0x08),
            b'f' => out.push(0x0c),
            b'v' => out.push(0x0b),
            other => out.push(other),
        }
        i += 1;
    }
    out
}
