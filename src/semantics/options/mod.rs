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

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use super::resolve::{Mode, Scope, Visible};
use super::symbols::{
    for_each_field, for_each_nested_message, join, FieldRef, NestedRef, SymbolTable,
};
use super::types::{FieldInfo, TypeModel};
use crate::diagnostics::{Code, Diagnostic};
use crate::pb::field_descriptor_proto::Type;
use crate::source::{FileId, SourceMap, Span};
use crate::syntax::ast::{self, FullIdent, OptionDecl, ValueKind};
use crate::syntax::literals;

mod packed;
mod wire;

pub use packed::Packed;

mod constraints;

use wire::{encode_scalar, put_length_delimited, Dyn, Number, Scalar};

/// The key of a file's own options in [`Interpreted`].
pub const FILE_OPTIONS: u32 = u32::MAX;

/// Where an [`Interpreter`] writes, across the files of a run.
pub struct Outputs<'a> {
    /// Each element's options message, as protoc writes it.
    pub encoded: &'a mut Interpreted,
    /// Where each option statement landed.
    pub destinations: &'a mut Destinations,
    /// Options messages as `--retain-options` writes them, where they
    /// differ from `encoded`.
    pub retained: &'a mut Interpreted,
}

/// Where each option statement of a file that was interpreted landed, by
/// the start of the statement's span: the field numbers from the options
/// message to the field set, and an index for a repeated field (where
/// protoc's SourceCodeInfo puts the option's location), with whether a
/// field on the way has source retention, so that protoc's output strips
/// the option and its location.
pub type Destinations = Packed<u32, i32, bool>;

/// A file's encoded options messages by the start of the element's name
/// span ([`FILE_OPTIONS`] for the file; the `extensions` keyword for an
/// extension range) and the kind of options ([`Target`]), since a group's
/// field and message share a name.
pub type Interpreted = Packed<(u32, Target), u8>;

/// The most parts an option name may have: each part but the last is a
/// message nested in the one before, and protobuf parsers (protoc's, prost,
/// the text format's) stop at 100 levels. It also bounds the recursion over
/// option values.
const MAX_OPTION_NAME_PARTS: usize = 100;

pub struct Interpreter<'a> {
    sources: &'a SourceMap,
    model: TypeModel<'a>,
    table: &'a SymbolTable,
    file: FileId,
    visible: &'a Visible,
    encoded: &'a mut Interpreted,
    pub diagnostics: Vec<Diagnostic>,
    /// Feature errors: protoc finds them resolving features, after every
    /// option of the file is interpreted.
    feature_diagnostics: Vec<Diagnostic>,
    editions: bool,
    /// The file's edition as descriptor.proto numbers it (998 for proto2,
    /// 999 for proto3).
    edition: i32,
    /// Where protoc reports errors on the file's options: the `package`
    /// statement, when there is one.
    package_offset: Option<u32>,
    /// The file's first token: where protoc names the file itself.
    file_start: Span,
    /// Options set on the wrong kind of element: protoc reports these after
    /// building, for command-line files only.
    pub target_diagnostics: Vec<Diagnostic>,
    /// Feature lifetime errors and deprecation warnings: protoc reports
    /// them once the whole import tree of an input is built, for files
    /// that built without errors (warnings for command-line files only).
    pub lifetime_diagnostics: Vec<Diagnostic>,
    /// Where each option statement landed (see [`Destinations`]).
    destinations: &'a mut Destinations,
    /// Options messages as written, for the elements that stripping
    /// changed.
    retained: &'a mut Interpreted,
    /// The element's custom options so far, each statement encoded on its
    /// own, in order.
    statements_as_written: Vec<u8>,
    /// Values given so far to each repeated option field of the element.
    repeated_counts: HashMap<Vec<i32>, i32>,
    /// Each element's options as written (before stripping), for
    /// [`Interpreter::check_constraints`].
    written: Vec<(u32, Target, Vec<u8>)>,
    pub used_files: HashSet<FileId>,
    /// Extension names of options resolved so far (see [`ExtensionNames`]).
    extension_names: ExtensionNames,
}

/// Why an option was not stored.
enum Failure {
    /// Already reported; protoc stops at the element's first unknown option.
    Reported,
    Diagnostic(Box<Diagnostic>),
}

/// Which options message an element has.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
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
    /// descriptor.proto's `OptionTargetType` number and protoc's word for
    /// it.
    fn option_target(self) -> (i32, &'static str) {
        match self {
            Target::File => (1, "file"),
            Target::ExtensionRange => (2, "extension range"),
            Target::Message => (3, "message"),
            Target::Field => (4, "field"),
            Target::Oneof => (5, "oneof"),
            Target::Enum => (6, "enum"),
            Target::EnumValue => (7, "enum entry"),
            Target::Service => (8, "service"),
            Target::Method => (9, "method"),
        }
    }

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
        model: TypeModel<'a>,
        table: &'a SymbolTable,
        file: FileId,
        visible: &'a Visible,
        out: Outputs<'a>,
    ) -> Interpreter<'a> {
        let Outputs {
            encoded,
            destinations,
            retained,
        } = out;
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
            edition: 998,
            package_offset: None,
            file_start: Span::point(0),
            target_diagnostics: Vec::new(),
            lifetime_diagnostics: Vec::new(),
            written: Vec::new(),
            destinations,
            retained,
            repeated_counts: HashMap::default(),
            statements_as_written: Vec::new(),
            used_files: HashSet::default(),
            extension_names: ExtensionNames::default(),
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
        self.edition = match file.syntax() {
            ast::Syntax::Proto2 => 998,
            ast::Syntax::Proto3 => 999,
            ast::Syntax::Editions(edition) => edition.number(),
        };
        // The syntax or edition keyword when it comes first, else where
        // the first token starts.
        self.file_start = match &file.syntax_decl {
            Some(decl) if decl.span.start == file.tokens.start => decl.keyword.span,
            _ => Span::point(file.tokens.start),
        };
        self.package_offset = file.items.iter().find_map(|item| match item {
            ast::Item::Package(p) => Some(p.span.start),
            _ => None,
        });
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
                        ast::OneofItem::Option(o) => Some(&**o),
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
            // Most fields have no options: nothing to name then.
            if options.options.is_empty() {
                return;
            }
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
                ast::MessageItem::Option(o) => Some(&**o),
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
            if options.options.is_empty() {
                continue;
            }
            let field_name = join(scope, &self.text(name.span));
            let options: Vec<&OptionDecl> = options.options.iter().collect();
            self.element(name.span.start, Target::Field, &options, &field_name);
        }
    }

    fn enumeration(&mut self, scope: &str, e: &ast::Enum) {
        let full = join(scope, &self.text(e.name.span));
        for item in &e.items {
            if let ast::EnumItem::Value(v) = item {
                if v.options.is_empty() {
                    continue;
                }
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
                if rpc.options.is_empty() {
                    continue;
                }
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
        self.repeated_counts.clear();
        self.statements_as_written.clear();
        self.check_features_allowed(key, options);
        // protoc interprets no more of a list after its first failure; the
        // later errors here are real, and shown beyond protoc's.
        let mut failed = false;
        for option in options {
            match self.option(option, target, relative_to, &mut tree) {
                Ok(()) => {}
                Err(Failure::Reported) => break,
                Err(Failure::Diagnostic(diagnostic)) => {
                    let diagnostic = if failed {
                        diagnostic.beyond_protoc()
                    } else {
                        *diagnostic
                    };
                    failed = true;
                    self.diagnostics.push(diagnostic);
                }
            }
        }
        let written = tree.encode_unstripped();
        // Source-retention options are stripped, keeping the messages that
        // lead to them; protoc drops an options message stripping emptied.
        let encoded = tree.encode();
        let stripped = tree.has_source_retention();
        // `--retain-options` wants the options as protoc leaves them when
        // it does not strip: declared fields, then custom options as
        // written.
        let mut retained = tree.encode_declared_fields();
        retained.append(&mut self.statements_as_written);
        if retained != encoded {
            self.retained.insert((key, target), &retained, ());
        }
        self.written.push((key, target, written));
        if encoded.is_empty() && stripped {
            return;
        }
        self.encoded.insert((key, target), &encoded, ());
    }

    /// descriptor.proto's `targets` and `feature_support` annotations on
    /// every option the file set. protoc checks them once the file has
    /// built without errors.
    pub fn check_constraints(&mut self) {
        for (key, target, encoded) in std::mem::take(&mut self.written) {
            self.check_element_constraints(key, target, &encoded);
        }
    }

    fn check_element_constraints(&mut self, key: u32, target: Target, encoded: &[u8]) {
        let (target_number, target_word) = target.option_target();
        let violations = constraints::check(encoded, target.message(), target_number, self.edition);
        // protoc reports at the element's name; for the file, its package.
        let at = if key == FILE_OPTIONS {
            self.package_offset
        } else {
            Some(key)
        };
        for violation in violations {
            match violation {
                constraints::Violation::Target { field } => {
                    let diagnostic = Diagnostic::error(
                        Code::InvalidOptionValue,
                        self.file,
                        Span::point(at.unwrap_or(0)),
                        format!("option `{field}` cannot be set on a {target_word}"),
                    )
                    .protoc(format!(
                        "Option {field} cannot be set on an entity of type `{target_word}`."
                    ))
                    .protoc_unpositioned()
                    .label(format!("this {target_word}"));
                    self.target_diagnostics.push(diagnostic);
                }
                constraints::Violation::Lifetime { message } => {
                    let diagnostic = self.lifetime_diagnostic(at, target_word, message, true);
                    self.lifetime_diagnostics.push(diagnostic);
                }
                constraints::Violation::Deprecated { message } => {
                    let diagnostic = self.lifetime_diagnostic(at, target_word, message, false);
                    self.lifetime_diagnostics.push(diagnostic);
                }
            }
        }
    }

    fn lifetime_diagnostic(
        &self,
        at: Option<u32>,
        target_word: &str,
        message: String,
        error: bool,
    ) -> Diagnostic {
        let edition = constraints::edition_name(self.edition);
        let mut diagnostic = if error {
            Diagnostic::error(
                Code::InvalidFeature,
                self.file,
                Span::point(at.unwrap_or(0)),
                message.clone(),
            )
            .label(format!("in this {target_word}, edition {edition}"))
        } else {
            Diagnostic::warning(
                Code::DeprecatedFeature,
                self.file,
                Span::point(at.unwrap_or(0)),
                message.clone(),
            )
            .label(format!("in this {target_word}, edition {edition}"))
        };
        diagnostic = diagnostic.protoc(message);
        if at.is_none() {
            diagnostic = diagnostic.protoc_unpositioned();
        }
        diagnostic
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
        let message = "`features` can only be set in editions files";
        let help = "use the proto2/proto3 option this feature replaces, or migrate the file to \
                    editions";
        // protoc names the element: an element at the start of its name
        // (the key), the file at its first token.
        let diagnostic = if key == FILE_OPTIONS {
            Diagnostic::error(
                Code::InvalidOptionValue,
                self.file,
                self.file_start,
                message,
            )
            .label("this file is not an editions file")
            .secondary(option.name.span, "`features` set here")
        } else {
            Diagnostic::error(
                Code::InvalidOptionValue,
                self.file,
                option.name.span,
                message,
            )
            .protoc_at(key)
            .label("features need `edition = \"2023\";` or later")
        };
        let diagnostic = diagnostic
            .protoc("Features are only valid under editions.")
            .help(help);
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
        let found = self.extension_names.lookup(&scope, &written, relative_to);
        if let Some((full_name, file)) = found {
            self.used_files.insert(*file);
            if let Some(info) = self.model.index.extensions.get(full_name) {
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
        self.option_name_prefix(option, option.name.parts.len())
    }

    /// The first `count` parts of an option's name, as protoc prints a
    /// name it has read so far.
    fn option_name_prefix(&self, option: &OptionDecl, count: usize) -> String {
        let parts: Vec<String> = option
            .name
            .parts
            .iter()
            .take(count)
            .map(|p| match p {
                ast::OptionNamePart::Field(ident) => self.text(ident.span),
                ast::OptionNamePart::Extension(name, _) => format!("({})", self.full_ident(name)),
            })
            .collect();
        parts.join(".")
    }

    fn unknown_field(&self, option: &OptionDecl, span: Span, message: &str, name: &str) -> Failure {
        let written = self.option_name(option);
        let diagnostic = Diagnostic::error(
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
        ));
        let diagnostic = match closest_field(message, name) {
            Some(field) => diagnostic
                .help(format!("did you mean `{field}`?"))
                .fix(span, field),
            None => diagnostic,
        };
        Failure::Diagnostic(Box::new(diagnostic))
    }

    /// An option name that nests messages deeper than any protobuf parser
    /// reads back. protoc accepts it, then aborts on its own output (a
    /// failed `ParseFromString` check); this is the error it does not give.
    fn option_name_too_deep(&self, option: &OptionDecl) -> Failure {
        let parts = option.name.parts.len();
        let message = format!(
            "Option name has {parts} parts: values nested deeper than {MAX_OPTION_NAME_PARTS} \
             messages cannot be parsed back by protobuf runtimes."
        );
        Failure::Diagnostic(Box::new(
            Diagnostic::error(
                Code::InvalidOptionValue,
                self.file,
                option.name.span,
                format!("option name has {parts} parts, more levels of nesting than the {MAX_OPTION_NAME_PARTS} protobuf parsers read"),
            )
            .protoc(message)
            .protoc_at(option.name.span.start)
            .label("nested too deep")
            .note("protobuf runtimes stop decoding at a depth of 100 messages, and so would every reader of this descriptor")
            .help("flatten the option's message types"),
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
        if option.name.parts.len() > MAX_OPTION_NAME_PARTS {
            return Err(self.option_name_too_deep(option));
        }
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
                                "Option field \"({written})\" is not a field or extension of message \"{}\".",
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
                    let written = self.option_name_prefix(option, index + 1);
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
                if field.repeated {
                    let written = self.option_name_prefix(option, index + 1);
                    return Err(Failure::Diagnostic(Box::new(
                        Diagnostic::error(
                            Code::InvalidOptionValue,
                            self.file,
                            option.name.span,
                            format!("option `{written}` is a repeated message"),
                        )
                        .protoc(format!(
                            "Option field \"{written}\" is a repeated message. Repeated message \
                             options must be initialized using an aggregate value."
                        ))
                        .help(format!(
                            "set it with an aggregate: `option {written} = {{ ... }};`"
                        )),
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
        let mut value_bytes = Vec::new();
        // A message value stays a tree, so that stripping reaches inside.
        let mut message_value = None;
        let mut in_aggregate = false;
        let result = match &option.value.kind {
            ValueKind::Ident(ident) => {
                let text = self.text(ident.span);
                encode_scalar(&last, &Scalar::Ident(&text), &self.model, &mut value_bytes)
            }
            ValueKind::Int(lit) => encode_scalar(
                &last,
                &Scalar::Number(Number::Int {
                    negative: lit.negative,
                    magnitude: lit.magnitude,
                }),
                &self.model,
                &mut value_bytes,
            ),
            ValueKind::Float(v) => encode_scalar(
                &last,
                &Scalar::Number(Number::Float(*v)),
                &self.model,
                &mut value_bytes,
            ),
            ValueKind::Str(lit) => encode_scalar(
                &last,
                &Scalar::Str(&lit.value),
                &self.model,
                &mut value_bytes,
            ),
            ValueKind::Aggregate(aggregate) => {
                if matches!(last.ty, Type::Message | Type::Group) {
                    in_aggregate = true;
                    self.aggregate_tree(&last.type_name, aggregate)
                        .map(|value| message_value = Some(value))
                } else {
                    encode_scalar(&last, &Scalar::Aggregate, &self.model, &mut value_bytes)
                }
            }
        };
        if let Err(reason) = result {
            // protoc words an aggregate's error as its text-format parser
            // does, after the option's name.
            let protoc = if in_aggregate {
                format!(
                    "Error while parsing option value for \"{}\": {reason}",
                    last.name
                )
            } else {
                reason.clone()
            };
            return Err(Failure::Diagnostic(Box::new(
                Diagnostic::error(
                    Code::InvalidOptionValue,
                    self.file,
                    option.value.span,
                    format!("invalid value for option `{}`", self.option_name(option)),
                )
                .protoc(protoc)
                .label("this value")
                .note(reason),
            )));
        }
        // Without stripping, protoc never re-serializes options: custom
        // options stay one entry per statement, in statement order.
        if path[0].extendee.is_some() {
            // Each value on its own: a repeated scalar is not packed.
            let mut single_path = path.clone();
            if let Some(last) = single_path.last_mut() {
                last.packed = false;
            }
            let mut single = Dyn::default();
            match &message_value {
                Some(value) => single.insert_message(&single_path, value.clone()),
                None => single.insert(&single_path, value_bytes.clone()),
            }
            self.statements_as_written
                .extend(single.encode_unstripped());
        }
        match message_value {
            Some(value) => tree.insert_message(&path, value),
            None => tree.insert(&path, value_bytes),
        }
        self.record_destination(option, &path);
        Ok(())
    }

    /// Where the option landed in its options message, for SourceCodeInfo:
    /// the field numbers along its name, and for a repeated field the
    /// index of this value, counted per element as protoc counts it.
    fn record_destination(&mut self, option: &OptionDecl, path: &[FieldInfo]) {
        let mut destination: Vec<i32> = path.iter().map(|f| f.number).collect();
        if path.last().is_some_and(|f| f.repeated) {
            let count = self.repeated_counts.entry(destination.clone()).or_insert(0);
            destination.push(*count);
            *count += 1;
        }
        let stripped = path.iter().any(|f| f.source_retention);
        self.destinations
            .insert(option.span.start, &destination, stripped);
    }

    /// A name as written, dots and all.
    fn full_ident_text(&self, name: &ast::FullIdent) -> String {
        let parts: Vec<String> = name.parts.iter().map(|p| self.text(p.span)).collect();
        let dot = if name.leading_dot.is_some() { "." } else { "" };
        format!("{dot}{}", parts.join("."))
    }

    /// `[type.googleapis.com/pkg.Msg] { ... }` in a `google.protobuf.Any`:
    /// the message encoded, with its type URL, as the Any's two fields.
    fn encode_any(
        &self,
        type_name: &str,
        fields: &[FieldInfo],
        prefix: crate::source::Span,
        name: &ast::FullIdent,
        value: &ast::AggregateValue,
        tree: &mut Dyn,
    ) -> Result<(), String> {
        let message = self.full_ident_text(name);
        let type_url = format!("{}/{message}", self.text(prefix));
        let (Some(url_field), Some(value_field), ast::AggregateValue::Message(inner)) = (
            fields.iter().find(|f| f.name == "type_url"),
            fields.iter().find(|f| f.name == "value"),
            value,
        ) else {
            return Err(format!(
                "Message type \"{}\" has no field named \
                 \"{type_url}\".",
                type_name.trim_start_matches('.')
            ));
        };
        let payload = self
            .aggregate_tree(&format!(".{}", message.trim_start_matches('.')), inner)?
            .encode();
        let mut url_bytes = Vec::new();
        put_length_delimited(&mut url_bytes, url_field.number, type_url.as_bytes());
        tree.insert(std::slice::from_ref(url_field), url_bytes);
        let mut value_bytes = Vec::new();
        put_length_delimited(&mut value_bytes, value_field.number, &payload);
        tree.insert(std::slice::from_ref(value_field), value_bytes);
        Ok(())
    }

    /// An extension of a MessageSet: an item group holding the extension's
    /// number and its message, as protoc writes MessageSets.
    fn encode_message_set_item(
        &self,
        extension: &FieldInfo,
        value: &ast::AggregateValue,
        tree: &mut Dyn,
    ) -> Result<(), String> {
        let ast::AggregateValue::Message(inner) = value else {
            return Err("MessageSet items are messages".into());
        };
        let payload = self.aggregate_tree(&extension.type_name, inner)?.encode();
        let mut item = Vec::new();
        wire::put_tag(&mut item, 1, 3);
        wire::put_tag(&mut item, 2, 0);
        wire::put_varint(&mut item, extension.number as u64);
        put_length_delimited(&mut item, 3, &payload);
        wire::put_tag(&mut item, 1, 4);
        let item_field = FieldInfo {
            number: 1,
            repeated: true,
            packed: false,
            ..extension.clone()
        };
        tree.insert(std::slice::from_ref(&item_field), item);
        Ok(())
    }

    /// A text-format value of message type `type_name`, as a message tree.
    fn aggregate_tree(&self, type_name: &str, aggregate: &ast::Aggregate) -> Result<Dyn, String> {
        let fields = self
            .model
            .message(type_name)
            .ok_or_else(|| format!("unknown message type \"{type_name}\""))?;
        // Fields in number order, repeated scalars packed where the field is.
        let mut tree = Dyn::default();
        for field in &aggregate.fields {
            let info = match &field.name {
                ast::AggregateName::Field(ident) => {
                    let name = self.text(ident.span);
                    let Some(info) = fields.iter().find(|f| f.name == name) else {
                        return Err(format!(
                            "Message type \"{}\" has no \
                             field named \"{name}\".",
                            type_name.trim_start_matches('.')
                        ));
                    };
                    info
                }
                ast::AggregateName::Extension {
                    name,
                    url_prefix: Some(prefix),
                    ..
                } => {
                    self.encode_any(type_name, fields, *prefix, name, &field.value, &mut tree)?;
                    continue;
                }
                ast::AggregateName::Extension { name, .. } => {
                    let written = self.full_ident_text(name);
                    let extension = self
                        .model
                        .index
                        .extensions
                        .get(written.trim_start_matches('.'))
                        .filter(|e| e.extendee.as_deref() == Some(type_name));
                    let Some(extension) = extension else {
                        return Err(format!(
                            "Extension \"{written}\" is not \
                             defined or is not an extension of \"{}\".",
                            type_name.trim_start_matches('.')
                        ));
                    };
                    if self.model.index.message_sets.contains(type_name) {
                        self.encode_message_set_item(extension, &field.value, &mut tree)?;
                        continue;
                    }
                    extension
                }
            };
            // protoc's text format refuses a second value of a field that
            // is not repeated, and a second member of a oneof.
            if !info.repeated {
                let shown = if info.extendee.is_some() {
                    &info.full_name
                } else {
                    &info.name
                };
                if tree.has(info) {
                    return Err(format!(
                        "Non-repeated field \"{shown}\" is specified multiple times."
                    ));
                }
                if let (Some(other), Some(oneof)) = (tree.oneof_member(info), info.oneof) {
                    let oneof = self.model.oneof_name(type_name, oneof).unwrap_or_default();
                    return Err(format!(
                        "Field \"{shown}\" is specified along with field \"{}\", another \
                         member of oneof \"{oneof}\".",
                        other.name
                    ));
                }
                if matches!(field.value, ast::AggregateValue::List(..)) {
                    return Err(list_for_single_value(info.ty));
                }
            }
            let values: Vec<&ast::AggregateValue> = match &field.value {
                ast::AggregateValue::List(values, _) => values.iter().collect(),
                single => vec![single],
            };
            for value in values {
                match value {
                    ast::AggregateValue::Message(inner) => {
                        let value = self.aggregate_tree(&info.type_name, inner)?;
                        tree.insert_message(std::slice::from_ref(info), value);
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
                        encode_scalar(info, &value, &self.model, &mut bytes)?;
                        tree.insert(std::slice::from_ref(info), bytes);
                    }
                    ast::AggregateValue::List(..) => {
                        return Err("nested lists are not allowed".into())
                    }
                }
            }
        }
        Ok(tree)
    }
}

/// protoc's text-format error for a list (`[`) where a field of type `ty`
/// takes one value.
fn list_for_single_value(ty: Type) -> String {
    let expected = match ty {
        Type::Message | Type::Group => return "Expected \"{\", found \"[\".".into(),
        Type::Double | Type::Float => "double",
        Type::String | Type::Bytes => "string",
        Type::Bool => "identifier",
        Type::Enum => "integer or identifier",
        _ => "integer",
    };
    format!("Expected {expected}, got: [")
}

/// The field of descriptor.proto's options message `message` closest to
/// the unknown `name` (`java_pakage`, `packd`), for "did you mean".
/// `uninterpreted_option` is never offered: no option statement may set
/// it.
fn closest_field(message: &str, name: &str) -> Option<String> {
    let schema = crate::pb::schema().messages.get(message)?;
    let max = (name.len() / 3).max(1);
    schema
        .field
        .iter()
        .filter(|f| f.name() != "uninterpreted_option")
        .map(|f| (super::check::edit_distance(f.name(), name), f.name()))
        .filter(|(distance, _)| *distance <= max)
        .min()
        .map(|(_, field)| field.to_owned())
}

/// The names of options' extensions resolved in one file, by where they
/// were looked up from. A name is looked up from the scope that holds the
/// element (the part of its full name before the last dot), and many
/// elements of one scope set the same options (a message's fields): each
/// pair is resolved once, not once per element.
#[derive(Default)]
struct ExtensionNames {
    resolved: hashbrown::HashTable<ResolvedExtension>,
}

struct ResolvedExtension {
    /// The element's full name up to and including its last dot (empty if
    /// it has none): all that resolution reads of it.
    scope: Box<str>,
    written: Box<str>,
    /// The extension's full name and file, if the name resolves.
    found: Option<(String, FileId)>,
}

impl ExtensionNames {
    /// `written` resolved (as every name of all kinds) from the element
    /// named `relative_to`.
    fn lookup(
        &mut self,
        scope: &Scope<'_>,
        written: &str,
        relative_to: &str,
    ) -> &Option<(String, FileId)> {
        use std::hash::BuildHasher;
        let within = relative_to
            .rfind('.')
            .map_or("", |dot| &relative_to[..=dot]);
        let hash = rustc_hash::FxBuildHasher.hash_one((within, written));
        let entry = self.resolved.entry(
            hash,
            |e| &*e.scope == within && &*e.written == written,
            |e| rustc_hash::FxBuildHasher.hash_one((&*e.scope, &*e.written)),
        );
        let entry = entry.or_insert_with(|| ResolvedExtension {
            scope: within.into(),
            written: written.into(),
            found: scope
                .lookup(written, relative_to, Mode::All)
                .ok()
                .map(|(full_name, symbol)| (full_name, symbol.file)),
        });
        &entry.into_mut().found
    }
}
