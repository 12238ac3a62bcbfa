//! The rules protoc checks last, and only on a file without errors:
//! the naming style `features.enforce_naming_style` enforces (`STYLE2024`,
//! edition 2024's default, and `STYLE2026`'s accessor collisions), then
//! the `export` rules of `default_symbol_visibility = STRICT`.
//!
//! Both walk the file in the order of protoc's `VisitDescriptors`: the
//! file, then each message (itself, its enums with their values, its
//! oneofs, its fields, its nested messages, its extensions), the file's
//! enums, its extensions, and its services with their methods. Every
//! element is checked under its own resolved features, so an element
//! opts out (`STYLE_LEGACY`) for itself and whatever it encloses.

use rustc_hash::FxHashMap as HashMap;

use super::features::Features;
use super::{enum_options, message_options, Validator};
use crate::diagnostics::{Code, Diagnostic};
use crate::pb::feature_set::visibility_feature::DefaultSymbolVisibility;
use crate::pb::feature_set::EnforceNamingStyle;
use crate::semantics::shape::{is_message_set, range_end, range_max, MAX_FIELD_NUMBER};
use crate::semantics::symbols::{
    for_each_field, for_each_nested_message, join, map_entry_name, FieldRef, NestedRef,
};
use crate::source::Span;
use crate::syntax::ast::{self, Syntax};

/// Whether message `.0` (full name, no leading dot) has a field or oneof
/// named `.1`: what protoc's collision rule asks of an extension's
/// extendee.
pub type HasMember<'m> = dyn Fn(&str, &str) -> bool + 'm;

/// protoc's wording after every naming style error.
const OPT_OUT: &str =
    " (features.enforce_naming_style = STYLE_LEGACY can be used to opt out of this check)";
/// protoc's wording after every accessor collision error.
const COLLISION_OPT_OUT: &str =
    " (features.enforce_naming_style = STYLE2024 can be used to opt out of this check)";

/// The three styles of the style guide.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Style {
    Title,
    LowerSnake,
    UpperSnake,
}

impl Style {
    fn describe(self) -> &'static str {
        match self {
            Style::Title => "TitleCase",
            Style::LowerSnake => "lower_snake_case",
            Style::UpperSnake => "UPPER_SNAKE_CASE",
        }
    }

    /// protoc's `IsValidTitleCaseName`, `IsValidLowerSnakeCaseName` and
    /// `IsValidUpperSnakeCaseName`: what is wrong with `name`, in its words.
    fn violation(self, name: &str) -> Option<&'static str> {
        let first = name.bytes().next()?;
        match self {
            Style::Title => {
                if !name.bytes().all(|b| b.is_ascii_alphanumeric()) {
                    Some("should be TitleCase")
                } else if !first.is_ascii_uppercase() {
                    Some("should begin with a capital letter")
                } else {
                    None
                }
            }
            Style::LowerSnake => {
                let allowed =
                    |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'.';
                if !name.bytes().all(allowed) {
                    Some("should be lower_snake_case")
                } else if !first.is_ascii_lowercase() {
                    Some("should begin with a lower case letter")
                } else if bad_underscores(name) {
                    Some("contains style violating underscores")
                } else {
                    None
                }
            }
            Style::UpperSnake => {
                let allowed = |b: u8| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_';
                if !name.bytes().all(allowed) {
                    Some("should be UPPER_SNAKE_CASE")
                } else if !first.is_ascii_uppercase() {
                    Some("should begin with an upper case letter")
                } else if bad_underscores(name) {
                    Some("contains style violating underscores")
                } else {
                    None
                }
            }
        }
    }

    /// A name in this style for `name`, when one follows from it by
    /// changing case and dropping underscores only (`bad_name` becomes
    /// `BadName`, `BadField` `bad_field`); none where digits follow an
    /// underscore, since only the author can say what to call that.
    fn suggestion(self, name: &str) -> Option<String> {
        let words = words(name);
        let candidate = match self {
            Style::Title => words
                .iter()
                .map(|w| {
                    let mut chars = w.chars();
                    let first = chars.next().map(|c| c.to_ascii_uppercase());
                    let rest: String = if w.bytes().all(|b| !b.is_ascii_lowercase()) {
                        chars.map(|c| c.to_ascii_lowercase()).collect()
                    } else {
                        chars.collect()
                    };
                    first.into_iter().chain(rest.chars()).collect::<String>()
                })
                .collect::<String>(),
            Style::LowerSnake => words
                .iter()
                .map(|w| w.to_ascii_lowercase())
                .collect::<Vec<_>>()
                .join("_"),
            Style::UpperSnake => words
                .iter()
                .map(|w| w.to_ascii_uppercase())
                .collect::<Vec<_>>()
                .join("_"),
        };
        (candidate != name && self.violation(&candidate).is_none()).then_some(candidate)
    }
}

/// protoc's `ContainsBadUnderscores`: a leading or trailing underscore, or
/// one not followed by a letter.
fn bad_underscores(name: &str) -> bool {
    let bytes = name.as_bytes();
    if bytes.first() == Some(&b'_') || bytes.last() == Some(&b'_') {
        return true;
    }
    bytes
        .windows(2)
        .any(|pair| pair[0] == b'_' && !pair[1].is_ascii_alphabetic())
}

/// The words of an identifier: split at underscores and where a lower
/// case letter or digit meets a capital (`fooBar`, `HTTPServer`).
fn words(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    for part in name.split('_').filter(|p| !p.is_empty()) {
        let chars: Vec<char> = part.chars().collect();
        let mut word = String::new();
        for (i, &c) in chars.iter().enumerate() {
            let boundary = i > 0
                && c.is_ascii_uppercase()
                && (!chars[i - 1].is_ascii_uppercase()
                    || chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase()));
            if boundary && !word.is_empty() {
                out.push(std::mem::take(&mut word));
            }
            word.push(c);
        }
        out.push(word);
    }
    out
}

/// What kind of element a name belongs to, as protoc's messages say.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Element {
    Package,
    Message,
    MapEntry,
    Oneof,
    Field,
    Enum,
    EnumValue,
    Service,
    Method,
}

impl Element {
    fn protoc_word(self) -> &'static str {
        match self {
            Element::Package => "Package",
            Element::Message | Element::MapEntry => "Message",
            Element::Oneof => "Oneof",
            Element::Field => "Field",
            Element::Enum => "Enum",
            Element::EnumValue => "Enum value",
            Element::Service => "Service",
            Element::Method => "Method",
        }
    }

    fn word(self) -> &'static str {
        match self {
            Element::Package => "package",
            Element::Message => "message",
            Element::MapEntry => "map entry message",
            Element::Oneof => "oneof",
            Element::Field => "field",
            Element::Enum => "enum",
            Element::EnumValue => "enum value",
            Element::Service => "service",
            Element::Method => "method",
        }
    }

    fn style(self) -> Style {
        match self {
            Element::Message
            | Element::MapEntry
            | Element::Enum
            | Element::Service
            | Element::Method => Style::Title,
            Element::Package | Element::Oneof | Element::Field => Style::LowerSnake,
            Element::EnumValue => Style::UpperSnake,
        }
    }
}

/// The field and oneof names of one message, with where they are
/// declared, for the collision rule.
type Members = HashMap<String, Span>;

impl Validator<'_> {
    /// protoc's `ValidateNamingStyle` over the whole file.
    pub fn naming(&mut self, file: &ast::File, has_member: &HasMember<'_>) {
        // Outside editions no element can set the feature, and the legacy
        // editions' default is STYLE_LEGACY.
        if !matches!(self.syntax, Syntax::Editions(_)) {
            return;
        }
        let mut out = Vec::new();
        let features = self.file_features;
        let package = file.items.iter().find_map(|item| match item {
            ast::Item::Package(p) => Some(p),
            _ => None,
        });
        let scope = self.package_name(file);
        if let Some(package) = package {
            if features.naming_style_at_least(EnforceNamingStyle::Style2024) {
                out.extend(
                    self.style_error(Element::Package, &scope, package.name.span)
                        .map(|d| d.protoc_at(package.span.start)),
                );
            }
        }
        for item in &file.items {
            if let ast::Item::Message(m) = item {
                self.message_names(
                    &scope,
                    m.name,
                    &m.body.items,
                    features,
                    has_member,
                    &mut out,
                );
            }
        }
        for item in &file.items {
            if let ast::Item::Enum(e) = item {
                self.enum_names(e, features, &mut out);
            }
        }
        for item in &file.items {
            if let ast::Item::Extend(e) = item {
                self.extension_names(e, features, has_member, &mut out);
            }
        }
        for item in &file.items {
            if let ast::Item::Service(s) = item {
                self.service_names(s, features, &mut out);
            }
        }
        self.diagnostics.extend(out);
    }

    fn message_names(
        &self,
        scope: &str,
        name: ast::Ident,
        items: &[ast::MessageItem],
        parent: Features,
        has_member: &HasMember<'_>,
        out: &mut Vec<Diagnostic>,
    ) {
        let message_name = self.text(name.span);
        let full = join(scope, &message_name);
        let features = parent.with(self.source, message_options(items));
        if features.naming_style_at_least(EnforceNamingStyle::Style2024) {
            out.extend(self.style_error(Element::Message, &message_name, name.span));
        }
        for item in items {
            if let ast::MessageItem::Enum(e) = item {
                self.enum_names(e, features, out);
            }
        }
        // The accessor collision rule looks at this message's fields and
        // oneofs, declared before or after.
        let mut cache: Option<Members> = None;
        let mut members = || cache.get_or_insert_with(|| self.members(items)).clone();
        let mut oneof_features = Vec::new();
        for item in items {
            let ast::MessageItem::Oneof(oneof) = item else {
                continue;
            };
            let options = oneof.items.iter().filter_map(|item| match item {
                ast::OneofItem::Option(o) => Some(&**o),
                _ => None,
            });
            let own = features.with(self.source, options);
            oneof_features.push(own);
            if !own.naming_style_at_least(EnforceNamingStyle::Style2024) {
                continue;
            }
            let oneof_name = self.text(oneof.name.span);
            let unpositioned = |d: Diagnostic| d.protoc_unpositioned();
            out.extend(
                self.style_error(Element::Oneof, &oneof_name, oneof.name.span)
                    .map(unpositioned),
            );
            if own.naming_style_at_least(EnforceNamingStyle::Style2026) {
                let members = members();
                out.extend(
                    self.collision(Element::Oneof, &oneof_name, oneof.name.span, |n| {
                        members.get(n).copied().map(Some)
                    })
                    .map(unpositioned),
                );
            }
        }
        // Fields in declaration order; a oneof's members under its features.
        let mut oneof_index = 0;
        for item in items {
            match item {
                ast::MessageItem::Field(f) => {
                    self.field_name(f.name, &f.options, features, out, &mut members)
                }
                ast::MessageItem::Group(g) => {
                    self.field_name(g.name, &g.options, features, out, &mut members)
                }
                ast::MessageItem::Oneof(oneof) => {
                    let own = oneof_features.get(oneof_index).copied().unwrap_or(features);
                    oneof_index += 1;
                    for item in &oneof.items {
                        match item {
                            ast::OneofItem::Field(f) => {
                                self.field_name(f.name, &f.options, own, out, &mut members)
                            }
                            ast::OneofItem::Group(g) => {
                                self.field_name(g.name, &g.options, own, out, &mut members)
                            }
                            ast::OneofItem::Option(_) => {}
                        }
                    }
                }
                _ => {}
            }
        }
        for_each_nested_message(items, &mut |nested| match nested {
            NestedRef::Message(m) => {
                self.message_names(&full, m.name, &m.body.items, features, has_member, out)
            }
            NestedRef::Group(g) => {
                self.message_names(&full, g.name, &g.body.items, features, has_member, out)
            }
            // The entry message inherits the message's features (not the
            // map field's), and has no position.
            NestedRef::MapEntry(field) => {
                if features.naming_style_at_least(EnforceNamingStyle::Style2024) {
                    let entry = map_entry_name(&self.text(field.name.span));
                    out.extend(
                        self.style_error(Element::MapEntry, &entry, field.name.span)
                            .map(|d| {
                                d.protoc_unpositioned().note(format!(
                                    "map field `{}` synthesizes a nested message named `{entry}`",
                                    self.text(field.name.span)
                                ))
                            }),
                    );
                }
            }
        });
        for item in items {
            if let ast::MessageItem::Extend(e) = item {
                self.extension_names(e, features, has_member, out);
            }
        }
    }

    /// The field and oneof names of a message (groups by their field name).
    fn members(&self, items: &[ast::MessageItem]) -> Members {
        let mut members = Members::default();
        for_each_field(items, &mut |field| {
            let (name, span) = match field {
                FieldRef::Field(f) => (self.text(f.name.span), f.name.span),
                FieldRef::Group(g) => (self.text(g.name.span).to_ascii_lowercase(), g.name.span),
            };
            members.entry(name).or_insert(span);
        });
        for item in items {
            if let ast::MessageItem::Oneof(o) = item {
                members.entry(self.text(o.name.span)).or_insert(o.name.span);
            }
        }
        members
    }

    fn field_name(
        &self,
        name: ast::Ident,
        options: &ast::FieldOptions,
        scope: Features,
        out: &mut Vec<Diagnostic>,
        members: &mut impl FnMut() -> Members,
    ) {
        let features = scope.with(self.source, &options.options);
        if !features.naming_style_at_least(EnforceNamingStyle::Style2024) {
            return;
        }
        let field_name = self.text(name.span);
        out.extend(self.style_error(Element::Field, &field_name, name.span));
        if features.naming_style_at_least(EnforceNamingStyle::Style2026) {
            let members = members();
            out.extend(self.collision(Element::Field, &field_name, name.span, |n| {
                members.get(n).copied().map(Some)
            }));
        }
    }

    fn extension_names(
        &self,
        extend: &ast::Extend,
        scope: Features,
        has_member: &HasMember<'_>,
        out: &mut Vec<Diagnostic>,
    ) {
        let extendee = self.resolved(&extend.extendee).map(|t| t.full_name.clone());
        for item in &extend.items {
            let (name, options) = match item {
                ast::ExtendItem::Field(f) => (f.name, &f.options),
                ast::ExtendItem::Group(g) => (g.name, &g.options),
            };
            let features = scope.with(self.source, &options.options);
            if !features.naming_style_at_least(EnforceNamingStyle::Style2024) {
                continue;
            }
            let field_name = self.text(name.span);
            out.extend(self.style_error(Element::Field, &field_name, name.span));
            if features.naming_style_at_least(EnforceNamingStyle::Style2026) {
                // An extension's containing type is its extendee.
                let extendee = extendee.as_deref().unwrap_or_default();
                out.extend(self.collision(Element::Field, &field_name, name.span, |n| {
                    has_member(extendee, n).then_some(None)
                }));
            }
        }
    }

    fn enum_names(&self, decl: &ast::Enum, scope: Features, out: &mut Vec<Diagnostic>) {
        let features = scope.with(self.source, enum_options(decl));
        if features.naming_style_at_least(EnforceNamingStyle::Style2024) {
            let name = self.text(decl.name.span);
            out.extend(self.style_error(Element::Enum, &name, decl.name.span));
        }
        for item in &decl.items {
            let ast::EnumItem::Value(value) = item else {
                continue;
            };
            let own = features.with(self.source, &value.options);
            if own.naming_style_at_least(EnforceNamingStyle::Style2024) {
                let name = self.text(value.name.span);
                out.extend(self.style_error(Element::EnumValue, &name, value.name.span));
            }
        }
    }

    fn service_names(&self, service: &ast::Service, scope: Features, out: &mut Vec<Diagnostic>) {
        let options = service.items.iter().filter_map(|item| match item {
            ast::ServiceItem::Option(o) => Some(o),
            _ => None,
        });
        let features = scope.with(self.source, options);
        if features.naming_style_at_least(EnforceNamingStyle::Style2024) {
            let name = self.text(service.name.span);
            out.extend(self.style_error(Element::Service, &name, service.name.span));
        }
        for item in &service.items {
            let ast::ServiceItem::Rpc(rpc) = item else {
                continue;
            };
            let own = features.with(self.source, &rpc.options);
            if own.naming_style_at_least(EnforceNamingStyle::Style2024) {
                let name = self.text(rpc.name.span);
                out.extend(self.style_error(Element::Method, &name, rpc.name.span));
            }
        }
    }

    /// The naming style error of one name, if it breaks its style.
    fn style_error(&self, element: Element, name: &str, span: Span) -> Option<Diagnostic> {
        let style = element.style();
        let violation = style.violation(name)?;
        let opt_out = "or opt out with `features.enforce_naming_style = STYLE_LEGACY`";
        let suggestion = if element == Element::Package {
            let parts: Option<Vec<String>> = name
                .split('.')
                .map(|part| match style.violation(part) {
                    None => Some(part.to_owned()),
                    Some(_) => style.suggestion(part),
                })
                .collect();
            parts.map(|p| p.join("."))
        } else {
            style.suggestion(name)
        };
        let help = match &suggestion {
            _ if element == Element::MapEntry => format!(
                "the entry message is named after the map field: rename the field so that it \
                 begins with a letter, {opt_out} on the message"
            ),
            Some(suggestion) => format!("rename it `{suggestion}`, {opt_out}"),
            None if violation.contains("underscores") => format!("rename it, {opt_out}"),
            None => format!("rename it in {}, {opt_out}", style.describe()),
        };
        let mut diagnostic = Diagnostic::error(
            Code::NamingStyle,
            self.file,
            span,
            format!("{} name `{name}` {violation}", element.word()),
        )
        .protoc(format!(
            "{} name {name} {violation}{OPT_OUT}",
            element.protoc_word()
        ))
        .label(if violation.contains("underscores") {
            "an underscore must be followed by a letter, and not begin or end the name".to_owned()
        } else {
            format!("not {}", style.describe())
        })
        .note(format!(
            "`features.enforce_naming_style` (STYLE2024 by default from edition 2024) wants {} \
             names in {}",
            element.word(),
            style.describe()
        ))
        .help(help);
        // A field, oneof or method is never named elsewhere in a file.
        if let Some(suggestion) = suggestion {
            if matches!(element, Element::Field | Element::Oneof | Element::Method) {
                diagnostic = diagnostic.fix(span, suggestion);
            }
        }
        Some(diagnostic)
    }

    /// protoc's `IsValidFieldNonCollisionName` (STYLE2026): a name that
    /// is another member's with `has_`, `get_`, `set_` or `clear_` before it
    /// or `_value` after it, or `descriptor`. `member` finds a field or
    /// oneof of the containing message by name (with where it is declared,
    /// when in this file).
    fn collision(
        &self,
        element: Element,
        name: &str,
        span: Span,
        member: impl Fn(&str) -> Option<Option<Span>>,
    ) -> Option<Diagnostic> {
        let opt_out = "or opt out with `features.enforce_naming_style = STYLE2024`";
        let clash = ["has_", "get_", "set_", "clear_"]
            .iter()
            .find_map(|prefix| {
                let rest = name.strip_prefix(prefix)?;
                member(rest).map(|at| (format!("begin with {prefix}"), rest, at))
            })
            .or_else(|| {
                let rest = name.strip_suffix("_value")?;
                member(rest).map(|at| ("end with _value".to_owned(), rest, at))
            });
        let diagnostic = if let Some((how, other, at)) = clash {
            let mut d = Diagnostic::error(
                Code::AccessorNameCollision,
                self.file,
                span,
                format!(
                    "{} name `{name}` can collide with the code generated for `{other}`",
                    element.word()
                ),
            )
            .protoc(format!(
                "{} name {name} should not {how} if a field named {other} exists. This can cause \
                 collisions in generated code.{COLLISION_OPT_OUT}",
                element.protoc_word()
            ))
            .label(format!("generated accessors of `{other}` use this name"))
            .help(format!("rename it, {opt_out}"));
            if let Some(at) = at {
                d = d.secondary(at, format!("`{other}` is declared here"));
            }
            d
        } else if name == "descriptor" {
            Diagnostic::error(
                Code::AccessorNameCollision,
                self.file,
                span,
                format!(
                    "{} name `descriptor` can collide with generated code",
                    element.word()
                ),
            )
            .protoc(format!(
                "{} name {name} should not be named descriptor. This can cause collisions in \
                 generated code.{COLLISION_OPT_OUT}",
                element.protoc_word()
            ))
            .label("generated messages have a `descriptor` accessor")
            .help(format!("rename it, {opt_out}"))
        } else {
            return None;
        };
        Some(diagnostic)
    }

    /// protoc's `SymbolChecker`: under `default_symbol_visibility =
    /// STRICT`, no nested message is `export`, and a nested enum is only
    /// when it sits in a top-level local message whose only content is
    /// `reserved 1 to max;` (a namespace for C++).
    pub fn strict_visibility(&mut self, file: &ast::File) {
        if self.file_features.resolved.default_symbol_visibility()
            != DefaultSymbolVisibility::Strict
        {
            return;
        }
        let mut messages = Vec::new();
        let mut enums = Vec::new();
        let package = self.package_name(file);
        for item in &file.items {
            if let ast::Item::Message(m) = item {
                self.nested_exports(&package, m, true, &mut messages, &mut enums);
            }
        }
        let mut out = Vec::new();
        for (full, span) in messages {
            out.push(
                Diagnostic::error(
                    Code::NestedExportStrict,
                    self.file,
                    span,
                    format!("nested message `{full}` cannot be `export` under STRICT visibility"),
                )
                .protoc(format!(
                    "\"{full}\" is a nested message and cannot be `export` with STRICT \
                     default_symbol_visibility. It must be moved to top-level, ideally in its \
                     own file in order to be `export`."
                ))
                .protoc_unpositioned()
                .label("`export` on a nested message")
                .note("`default_symbol_visibility = STRICT` exports top-level types only")
                .help("move the message to the top level (ideally its own file), or drop `export`")
                .fix(self.keyword_removal(span), ""),
            );
        }
        for (full, span) in enums {
            out.push(
                Diagnostic::error(
                    Code::NestedExportStrict,
                    self.file,
                    span,
                    format!("nested enum `{full}` cannot be `export` under STRICT visibility"),
                )
                .protoc(format!(
                    "\"{full}\" is a nested enum and cannot be marked `export` with STRICT \
                     default_symbol_visibility. It must be moved to top-level, ideally in its \
                     own file in order to be `export`. For C++ namespacing of enums in a \
                     messages use: `local message <OuterNamespace> {{ export enum {full} {{...}} \
                     reserved 1 to max; }}`"
                ))
                .protoc_unpositioned()
                .label("`export` on a nested enum")
                .note(
                    "under STRICT a nested enum can be exported only from a top-level `local` \
                     message that holds nothing but `reserved 1 to max;`",
                )
                .help("move the enum to the top level, or into such a namespace message")
                .fix(self.keyword_removal(span), ""),
            );
        }
        self.diagnostics.extend(out);
    }

    /// Collects, in protoc's visiting order, the nested messages and the
    /// nested enums (namespaced ones excepted) marked `export`, with the
    /// span of the keyword.
    fn nested_exports(
        &self,
        scope: &str,
        message: &ast::Message,
        top_level: bool,
        messages: &mut Vec<(String, Span)>,
        enums: &mut Vec<(String, Span)>,
    ) {
        let full = join(scope, &self.text(message.name.span));
        if !top_level {
            if let Some((ast::Visibility::Export, span)) = message.visibility {
                messages.push((full.clone(), span));
            }
        }
        let namespace = top_level && self.is_enum_namespace(message);
        for item in &message.body.items {
            if let ast::MessageItem::Enum(e) = item {
                if let Some((ast::Visibility::Export, span)) = e.visibility {
                    if !namespace {
                        enums.push((join(&full, &self.text(e.name.span)), span));
                    }
                }
            }
        }
        for item in &message.body.items {
            if let ast::MessageItem::Message(m) = item {
                self.nested_exports(&full, m, false, messages, enums);
            }
        }
    }

    /// protoc's `IsEnumNamespaceMessage` for a top-level message of a
    /// STRICT file: not `export`, and one reserved range, 1 to max.
    fn is_enum_namespace(&self, message: &ast::Message) -> bool {
        if matches!(message.visibility, Some((ast::Visibility::Export, _))) {
            return false;
        }
        let max = range_max(is_message_set(self.source, &message.body.items));
        let ranges: Vec<&ast::Range> = message
            .body
            .items
            .iter()
            .filter_map(|item| match item {
                ast::MessageItem::Reserved(ast::Reserved {
                    kind: ast::ReservedKind::Ranges(ranges),
                    ..
                }) => Some(ranges.iter()),
                _ => None,
            })
            .flatten()
            .collect();
        matches!(ranges.as_slice(), [range]
            if range.start.as_i32() == 1 && range_end(range, max) == MAX_FIELD_NUMBER + 1)
    }

    /// The span of a visibility keyword with the blanks after it.
    fn keyword_removal(&self, keyword: Span) -> Span {
        let text = self.source.slice(Span::new(keyword.end, self.source.len()));
        let blanks = text.iter().take_while(|b| b.is_ascii_whitespace()).count() as u32;
        Span::new(keyword.start, keyword.end + blanks)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn styles_as_protoc_checks_them() {
        assert_eq!(
            Style::Title.violation("bad_name"),
            Some("should be TitleCase")
        );
        assert_eq!(
            Style::Title.violation("color"),
            Some("should begin with a capital letter")
        );
        assert_eq!(Style::Title.violation("Http2Server"), None);
        assert_eq!(
            Style::UpperSnake.violation("NVIDIA_A100_80GB"),
            Some("contains style violating underscores")
        );
        assert_eq!(Style::UpperSnake.violation("HTTP_V2"), None);
        assert_eq!(
            Style::LowerSnake.violation("_y"),
            Some("should begin with a lower case letter")
        );
        assert_eq!(
            Style::LowerSnake.violation("x_"),
            Some("contains style violating underscores")
        );
        assert_eq!(Style::LowerSnake.violation("foo.v1_beta"), None);
        assert_eq!(
            Style::LowerSnake.violation("Foo.bar"),
            Some("should be lower_snake_case")
        );
    }

    #[test]
    fn suggestions_follow_the_style() {
        assert_eq!(
            Style::Title.suggestion("bad_name").as_deref(),
            Some("BadName")
        );
        assert_eq!(
            Style::Title.suggestion("MY_MESSAGE").as_deref(),
            Some("MyMessage")
        );
        assert_eq!(
            Style::LowerSnake.suggestion("BadField").as_deref(),
            Some("bad_field")
        );
        assert_eq!(
            Style::LowerSnake.suggestion("HTTPServer").as_deref(),
            Some("http_server")
        );
        assert_eq!(Style::UpperSnake.suggestion("red").as_deref(), Some("RED"));
        assert_eq!(
            Style::UpperSnake.suggestion("lowerValue").as_deref(),
            Some("LOWER_VALUE")
        );
        // Digits after an underscore: no mechanical answer.
        assert_eq!(Style::UpperSnake.suggestion("NVIDIA_A100_80GB"), None);
        assert_eq!(Style::LowerSnake.suggestion("m_1x"), None);
    }
}
