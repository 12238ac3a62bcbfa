//! The checks protoc makes after interpreting options (its
//! `ValidateOptions` pass): proto3 and editions restrictions, field options
//! that do not fit their field, maps, JSON names, and the enum rules that
//! depend on `allow_alias` and on whether the enum is open.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use super::features::{own_feature, Features, Presence};
use super::{EnumView, FieldTy, FieldView, MessageView, Validator};
use crate::diagnostics::{Code, Diagnostic};
use crate::semantics::shape::{json_name, range_max};
use crate::semantics::symbols::SymbolKind;
use crate::source::{FileId, Span};
use crate::syntax::ast::{self, Syntax};

/// The extendees proto3 files may extend: the options messages.
const OPTIONS_MESSAGES: &[&str] = &[
    "FileOptions",
    "MessageOptions",
    "FieldOptions",
    "EnumOptions",
    "EnumValueOptions",
    "ServiceOptions",
    "MethodOptions",
    "OneofOptions",
    "ExtensionRangeOptions",
];

/// Where a field sits: in a message, or extending one.
struct Container<'c> {
    /// The message holding the field (the extendee for extensions).
    message: &'c str,
    is_extension: bool,
    message_set: bool,
    features: Features,
    /// For an extension: the extendee as written, whether protoc has its
    /// position (the first field of a block only), and whether its file is
    /// lite.
    extendee: Option<(&'c ast::FullIdent, bool, bool)>,
}

impl Validator<'_> {
    /// The checks protoc makes once the file's options are interpreted;
    /// `imports` are the file's import statements with the files they
    /// found.
    pub fn options(&mut self, imports: &[(&ast::Import, Option<FileId>)]) {
        self.file_features();
        self.lite_imports(imports);
        if self.syntax == Syntax::Proto3 {
            self.proto3();
        }
        for index in 0..self.messages.len() {
            self.message_options(index);
        }
        for index in 0..self.extensions.len() {
            let extension = &self.extensions[index];
            let Some(extendee) = self.resolved(extension.extendee) else {
                continue;
            };
            let facts = self.registry().messages.get(&extendee.full_name);
            let message_set = facts.is_some_and(|m| m.message_set);
            let extendee_lite = facts.is_some_and(|m| m.lite);
            let container = Container {
                message: &extendee.full_name,
                is_extension: true,
                message_set,
                features: extension.features,
                extendee: Some((extension.extendee, extension.first_in_block, extendee_lite)),
            };
            let out = self.field_options(&extension.field, &container);
            self.diagnostics.extend(out);
        }
        for index in 0..self.enums.len() {
            self.enum_options(index);
        }
    }

    /// protoc's rule that lite files are imported by lite files only: the
    /// first import (of `import` or `import public`, not `import option`)
    /// of a lite file from a file that is not lite.
    fn lite_imports(&mut self, imports: &[(&ast::Import, Option<FileId>)]) {
        if self.lite {
            return;
        }
        let registry = self.registry();
        let lite = imports.iter().find(|(import, target)| {
            import.kind != ast::ImportKind::Option
                && target.is_some_and(|t| registry.lite_files.contains(&t))
        });
        let Some((import, _)) = lite else {
            return;
        };
        let name = String::from_utf8_lossy(&import.path.value).into_owned();
        let diagnostic = Diagnostic::error(
            Code::LiteRuntimeRule,
            self.file,
            import.span,
            format!("`{name}` is lite, and this file is not"),
        )
        .protoc(format!(
            "Files that do not use optimize_for = LITE_RUNTIME cannot import files which do \
             use this option.  This file is not lite, but it imports \"{name}\" which is."
        ))
        .label("imports a file with `optimize_for = LITE_RUNTIME`")
        .help("add `option optimize_for = LITE_RUNTIME;` to this file, or remove it from the imported one");
        self.diagnostics.push(diagnostic);
    }

    /// Editions: the file may not make every field required.
    fn file_features(&mut self) {
        let (Syntax::Editions(_), Some(decl)) = (self.syntax, self.syntax_decl) else {
            return;
        };
        if self.file_features.presence == Presence::LegacyRequired {
            self.diagnostics.push(
                Diagnostic::error(
                    Code::InvalidFeature,
                    self.file,
                    decl.keyword.span,
                    "`field_presence = LEGACY_REQUIRED` cannot be a file default",
                )
                .protoc("Required presence can't be specified by default.")
                .help("set it on the fields that need it instead"),
            );
        }
        if let Some(span) = self.java_string_check_utf8 {
            self.diagnostics.push(
                // protoc names the edition statement; the option is the
                // secondary label.
                Diagnostic::error(
                    Code::InvalidFeature,
                    self.file,
                    decl.keyword.span,
                    "`java_string_check_utf8` is not an option under editions",
                )
                .protoc(
                    "File option java_string_check_utf8 is not allowed under editions. Use the \
                     (pb.java).utf8_validation feature to control this behavior.",
                )
                .label("this file uses editions")
                .secondary(span, "`java_string_check_utf8 = true` set here")
                .help(
                    "import \"google/protobuf/java_features.proto\" and set \
                     `features.(pb.java).utf8_validation = VERIFY` instead",
                ),
            );
        }
    }

    /// protoc's `ValidateProto3`: `required`, defaults, extension ranges,
    /// MessageSets, closed enums and extensions other than options.
    fn proto3(&mut self) {
        let mut out = Vec::new();
        for extension in &self.extensions {
            let allowed = self.resolved(extension.extendee).is_some_and(|t| {
                t.full_name.split_once('.').is_some_and(|(package, name)| {
                    (package == "google" || package == "proto2")
                        && OPTIONS_MESSAGES
                            .iter()
                            .any(|o| name.strip_prefix("protobuf.").unwrap_or(name) == *o)
                })
            });
            if !allowed {
                let mut d = Diagnostic::error(
                    Code::NotAllowedInProto3,
                    self.file,
                    extension.extendee.span,
                    "proto3 files may only extend options messages",
                )
                .protoc("Extensions in proto3 are only allowed for defining options.")
                .help("extend a message of a proto2 or editions file, or use `google.protobuf.Any`")
                .label("not an options message");
                if !extension.first_in_block {
                    d = d.protoc_unpositioned();
                }
                out.push(d);
            }
            out.extend(self.proto3_field(&extension.field, &extension.full_name, true));
        }
        for message in &self.messages {
            for field in self.fields(message.items) {
                out.extend(self.proto3_field(&field, &message.full_name, false));
            }
            let first_range = message.items.iter().find_map(|item| match item {
                ast::MessageItem::Extensions(e) => e.ranges.first(),
                _ => None,
            });
            if let Some(range) = first_range {
                out.push(
                    Diagnostic::error(
                        Code::NotAllowedInProto3,
                        self.file,
                        range.span,
                        "extension ranges are not allowed in proto3",
                    )
                    .protoc("Extension ranges are not allowed in proto3.")
                    .help("use `google.protobuf.Any`, or proto2 or editions"),
                );
            }
            if message.message_set {
                out.push(
                    Diagnostic::error(
                        Code::NotAllowedInProto3,
                        self.file,
                        message.name.span,
                        "MessageSets are not allowed in proto3",
                    )
                    .protoc("MessageSet is not supported in proto3."),
                );
            }
        }
        self.diagnostics.extend(out);
    }

    fn proto3_field(
        &self,
        field: &FieldView<'_>,
        container: &str,
        is_extension: bool,
    ) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        if field.label == Some(ast::Label::Required) {
            out.push(
                Diagnostic::error(
                    Code::NotAllowedInProto3,
                    self.file,
                    field.type_span,
                    "required fields are not allowed in proto3",
                )
                .protoc("Required fields are not allowed in proto3.")
                .help("remove `required`; proto3 fields are optional"),
            );
        }
        if let Some(default) = &field.options.default {
            out.push(
                Diagnostic::error(
                    Code::NotAllowedInProto3,
                    self.file,
                    default.value_span,
                    "default values are not allowed in proto3",
                )
                .protoc("Explicit default values are not allowed in proto3.")
                .label("default given here")
                .fix(super::default_removal(field.options, default), ""),
            );
        }
        if let Some(enum_type) = self.enum_type(field) {
            let closed = self
                .registry()
                .enums
                .get(enum_type)
                .is_some_and(|e| e.closed);
            if closed {
                let container = if is_extension {
                    self.resolved_extendee_name(field).unwrap_or(container)
                } else {
                    container
                };
                out.push(
                    Diagnostic::error(
                        Code::NotAllowedInProto3,
                        self.file,
                        field.type_span,
                        format!("closed enum `{enum_type}` used in a proto3 message"),
                    )
                    .protoc(format!(
                        "Enum type \"{enum_type}\" is not an open enum, but is used in \
                         \"{container}\" which is a proto3 message type."
                    ))
                    .label("a proto2 (closed) enum")
                    .note("proto3 messages need open enums, which accept unknown values"),
                );
            }
        }
        out
    }

    fn resolved_extendee_name(&self, field: &FieldView<'_>) -> Option<&str> {
        self.extensions
            .iter()
            .find(|e| e.field.name_span == field.name_span)
            .and_then(|e| self.resolved(e.extendee))
            .map(|t| t.full_name.as_str())
    }

    fn message_options(&mut self, index: usize) {
        let message = &self.messages[index];
        let fields = self.fields(message.items);
        let mut out = self.json_names(message, &fields);
        out.extend(self.extension_range_bounds(message));
        let container = Container {
            message: &message.full_name,
            is_extension: false,
            message_set: message.message_set,
            features: message.features,
            extendee: None,
        };
        for field in &fields {
            out.extend(self.field_options(field, &container));
        }
        self.diagnostics.extend(out);
    }

    /// Explicit range ends above the maximum (`max` itself never is).
    fn extension_range_bounds(&self, message: &MessageView<'_>) -> Vec<Diagnostic> {
        let max = range_max(message.message_set) - 1;
        let mut out = Vec::new();
        for item in message.items {
            let ast::MessageItem::Extensions(e) = item else {
                continue;
            };
            for range in &e.ranges {
                let end = match range.end {
                    ast::RangeEnd::Single => range.start.as_i32(),
                    ast::RangeEnd::Int(end) => end.as_i32(),
                    ast::RangeEnd::Max(_) => continue,
                };
                if i64::from(end) > i64::from(max) {
                    out.push(
                        Diagnostic::error(
                            Code::FieldNumberOutOfRange,
                            self.file,
                            range.span,
                            format!("extension numbers cannot be greater than {max}"),
                        )
                        .protoc(format!("Extension numbers cannot be greater than {max}."))
                        .protoc_unpositioned()
                        .help("end the range with `max`"),
                    );
                }
            }
        }
        out
    }

    /// protoc's JSON name uniqueness, once with default names only and once
    /// with custom ones.
    fn json_names(&self, message: &MessageView<'_>, fields: &[FieldView<'_>]) -> Vec<Diagnostic> {
        let legacy_option = self.option_value(
            super::message_options(message.items),
            "deprecated_legacy_json_field_conflicts",
        );
        if legacy_option.is_some_and(|(value, _)| value == "true") {
            return Vec::new();
        }
        let mut out = Vec::new();
        for use_custom in [false, true] {
            let mut seen: HashMap<String, (usize, bool)> = HashMap::default();
            for (index, field) in fields.iter().enumerate() {
                let default = json_name(&field.name);
                let custom = field
                    .options
                    .json_name
                    .as_deref()
                    .map(|(lit, _)| String::from_utf8_lossy(&lit.value).into_owned())
                    .filter(|custom| use_custom && *custom != default);
                let is_custom = custom.is_some();
                let name = custom.unwrap_or(default);
                if is_custom && name.starts_with('[') && name.ends_with(']') {
                    out.push(
                        Diagnostic::error(
                            Code::JsonNameConflict,
                            self.file,
                            field.name_span,
                            format!("invalid JSON name `{name}`"),
                        )
                        .protoc(format!(
                            "The custom JSON name of field \"{}\" (\"{name}\") is invalid: JSON \
                             names may not start with '[' and end with ']'.",
                            field.name
                        ))
                        .note("bracketed names are how JSON spells extensions"),
                    );
                    continue;
                }
                let Some(&(first_index, first_custom)) = seen.get(&name) else {
                    seen.insert(name, (index, is_custom));
                    continue;
                };
                let first = &fields[first_index];
                // Equal names are a duplicate definition, reported already.
                if (use_custom && !is_custom && !first_custom) || first.name == field.name {
                    continue;
                }
                let kind = |custom: bool| if custom { "custom" } else { "default" };
                let protoc = format!(
                    "The {} JSON name of field \"{}\" (\"{name}\") conflicts with the {} JSON \
                     name of field \"{}\".",
                    kind(is_custom),
                    field.name,
                    kind(first_custom),
                    first.name
                );
                let involves_default = !is_custom || !first_custom;
                let warn = message.features.legacy_json && involves_default;
                let (code, builder): (Code, fn(_, _, _, String) -> Diagnostic) = if warn {
                    (Code::LegacyJsonNameConflict, Diagnostic::warning)
                } else {
                    (Code::JsonNameConflict, Diagnostic::error)
                };
                out.push(
                    builder(
                        code,
                        self.file,
                        field.name_span,
                        format!(
                            "fields `{}` and `{}` have the same JSON name `{name}`",
                            first.name, field.name
                        ),
                    )
                    .protoc(protoc)
                    .label(format!("JSON name `{name}`"))
                    .secondary(first.name_span, "same JSON name")
                    .help("rename one of the fields, or give it a distinct `json_name`"),
                );
            }
        }
        out
    }

    /// The checks of one field's options and type against where it sits.
    fn field_options(&self, field: &FieldView<'_>, container: &Container<'_>) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        if matches!(self.syntax, Syntax::Editions(_)) {
            out.extend(self.field_features(field, container));
        }
        if matches!(self.syntax, Syntax::Editions(e) if e >= ast::Edition::E2024) {
            if let Some((_, span)) = self.option_value(&field.options.options, "ctype") {
                out.push(
                    Diagnostic::error(
                        Code::InvalidFieldOption,
                        self.file,
                        field.type_span,
                        "`ctype` is not an option from edition 2024 on",
                    )
                    .protoc(
                        "ctype option is not allowed under edition 2024 and beyond. Use the \
                         feature string_type = VIEW|CORD|STRING|... instead.",
                    )
                    .secondary(span, "`ctype` set here")
                    .help("use `features.(pb.cpp).string_type` instead"),
                );
            }
        }
        let option = |name: &str| self.option_value(&field.options.options, name);
        let is_true = |name: &str| option(name).is_some_and(|(value, _)| value == "true");
        let lazy = is_true("lazy") || is_true("unverified_lazy");
        // A group's type is TYPE_GROUP, not TYPE_MESSAGE, for protoc, and so
        // is a message field delimited by its features.
        let delimited = matches!(self.syntax, Syntax::Editions(_))
            && matches!(field.ty, FieldTy::Named(_))
            && container
                .features
                .with(self.source, &field.options.options)
                .resolved
                .message_encoding()
                == crate::pb::feature_set::MessageEncoding::Delimited;
        if lazy
            && (!self.is_message_typed(field) || matches!(field.ty, FieldTy::Group) || delimited)
        {
            out.push(self.field_option_error(
                field,
                "`lazy` applies to message fields only",
                "[lazy = true] can only be specified for submessage fields.",
            ));
        }
        if is_true("packed") && !self.is_packable(field) {
            out.push(self.field_option_error(
                field,
                "`packed` applies to repeated scalar fields only",
                "[packed = true] can only be specified for repeated primitive fields.",
            ));
        }
        if container.message_set {
            out.extend(self.message_set_field(field, container));
        }
        if let Some((extendee, positioned, false)) = container.extendee {
            if self.lite {
                let mut diagnostic = Diagnostic::error(
                    Code::LiteRuntimeRule,
                    self.file,
                    extendee.span,
                    format!(
                        "a lite file cannot extend `{}`, whose file is not lite",
                        container.message
                    ),
                )
                .protoc(
                    "Extensions to non-lite types can only be declared in non-lite files.  Note \
                     that you cannot extend a non-lite type to contain a lite type, but the \
                     reverse is allowed.",
                )
                .label("declared in a file without `optimize_for = LITE_RUNTIME`")
                .help("declare the extension in a file that is not lite");
                if !positioned {
                    diagnostic = diagnostic.protoc_unpositioned();
                }
                out.push(diagnostic);
            }
        }
        if let FieldTy::Map(map) = field.ty {
            out.extend(self.map_types(field, map));
        }
        if let Some(resolved) = self.named_type(field) {
            if let Some(map_field) = self.registry().map_entries.get(&resolved.full_name) {
                out.push(
                    Diagnostic::error(
                        Code::MapEntryAsType,
                        self.file,
                        field.type_span,
                        format!(
                            "`{}` is the entry type synthesized for map field `{map_field}`",
                            resolved.full_name
                        ),
                    )
                    .protoc(
                        "map_entry should not be set explicitly. Use map<KeyType, ValueType> \
                         instead.",
                    )
                    .label("not usable as a field type")
                    .help("declare a `map<K, V>` field instead"),
                );
            }
        }
        // protoc checks `jstype` before the extension's `json_name`.
        if let Some((value, span)) = option("jstype") {
            if value != "JS_NORMAL" && !self.is_integral_64_bit(field) {
                let mut diagnostic = self
                    .field_option_error(
                        field,
                        "`jstype` applies to 64-bit integer fields only",
                        "jstype is only allowed on int64, uint64, sint64, fixed64 or sfixed64 \
                         fields.",
                    )
                    .secondary(span, format!("`jstype = {value}` set here"))
                    .help(
                        "only a 64-bit integer can be a JavaScript number or string; remove \
                         the option",
                    );
                let entry = field.options.options.iter().find(|o| o.name.span == span);
                if let Some(entry) = entry {
                    diagnostic =
                        diagnostic.fix(super::entry_removal(field.options, entry.span), "");
                }
                out.push(diagnostic);
            }
        }
        if container.is_extension {
            if let Some((custom, span)) = field.options.json_name.as_deref() {
                if String::from_utf8_lossy(&custom.value) != json_name(&field.name) {
                    out.push(
                        Diagnostic::error(
                            Code::InvalidFieldOption,
                            self.file,
                            *span,
                            "extensions cannot have a `json_name`",
                        )
                        .protoc("option json_name is not allowed on extension fields.")
                        .note("an extension's JSON name is its full name in brackets")
                        .fix(*span, ""),
                    );
                }
            }
        }
        out
    }

    /// Whether `field` is one of the 64-bit integer types, the only ones a
    /// `jstype` other than `JS_NORMAL` applies to.
    fn is_integral_64_bit(&self, field: &FieldView<'_>) -> bool {
        use ast::ScalarType::{Fixed64, Int64, Sfixed64, Sint64, Uint64};
        matches!(
            field.ty,
            FieldTy::Scalar(Int64 | Uint64 | Sint64 | Fixed64 | Sfixed64)
        )
    }

    fn field_option_error(&self, field: &FieldView<'_>, message: &str, protoc: &str) -> Diagnostic {
        Diagnostic::error(
            Code::InvalidFieldOption,
            self.file,
            field.type_span,
            message,
        )
        .protoc(protoc)
        .label(format!("`{}` has this type", field.name))
    }

    /// MessageSets hold only extensions, and those are optional messages.
    fn message_set_field(
        &self,
        field: &FieldView<'_>,
        container: &Container<'_>,
    ) -> Option<Diagnostic> {
        if !container.is_extension {
            return Some(
                Diagnostic::error(
                    Code::MessageSetRule,
                    self.file,
                    field.name_span,
                    format!("MessageSet `{}` cannot have fields", container.message),
                )
                .protoc("MessageSets cannot have fields, only extensions.")
                .label("a field of a MessageSet"),
            );
        }
        let optional_message = field.label != Some(ast::Label::Required)
            && !field.repeated()
            && self.is_message_typed(field)
            && !matches!(field.ty, FieldTy::Group);
        (!optional_message).then(|| {
            Diagnostic::error(
                Code::MessageSetRule,
                self.file,
                field.type_span,
                format!(
                    "extensions of MessageSet `{}` must be optional messages",
                    container.message
                ),
            )
            .protoc("Extensions of MessageSets must be optional messages.")
            .label("not an optional message")
        })
    }

    /// Map keys are integral, bool or string; an enum value's first value
    /// is zero.
    fn map_types(&self, field: &FieldView<'_>, map: &ast::MapType) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        let key_error = match &map.key {
            ast::FieldType::Scalar(s, _) => matches!(
                s,
                ast::ScalarType::Float | ast::ScalarType::Double | ast::ScalarType::Bytes
            )
            .then_some("Key in map fields cannot be float/double, bytes or message types."),
            ast::FieldType::Named(name) => match self.resolved(name).map(|t| t.kind) {
                Some(SymbolKind::Enum) => Some("Key in map fields cannot be enum types."),
                Some(_) => {
                    Some("Key in map fields cannot be float/double, bytes or message types.")
                }
                None => None,
            },
            ast::FieldType::Map(_) => None,
        };
        if let Some(protoc) = key_error {
            out.push(
                Diagnostic::error(
                    Code::InvalidMapType,
                    self.file,
                    field.type_span,
                    format!("`{}` cannot be a map key", self.text(map.key.span())),
                )
                .protoc(protoc)
                .secondary(map.key.span(), "key type")
                .help("map keys are integers, `bool` or `string`"),
            );
        }
        if let ast::FieldType::Named(name) = &map.value {
            let first = self
                .resolved(name)
                .filter(|t| t.kind == SymbolKind::Enum)
                .and_then(|t| self.registry().enums.get(&t.full_name))
                .and_then(|e| e.values().next());
            if let Some((value, number)) = first {
                if number != 0 {
                    out.push(
                        Diagnostic::error(
                            Code::InvalidMapType,
                            self.file,
                            field.type_span,
                            "an enum map value must have 0 as its first value",
                        )
                        .protoc("Enum value in map must define 0 as the first value.")
                        .secondary(
                            map.value.span(),
                            format!("its first value `{value}` is {number}"),
                        ),
                    );
                }
            }
        }
        out
    }

    /// protoc's `ValidateFieldFeatures`: what editions let a field set.
    fn field_features(&self, field: &FieldView<'_>, container: &Container<'_>) -> Vec<Diagnostic> {
        let own = &field.options.options;
        let resolved = container.features.with(self.source, own);
        let mut out = Vec::new();
        let mut error = |span: Span, message: String, protoc: &str| {
            out.push(
                Diagnostic::error(Code::InvalidFeature, self.file, span, message)
                    .protoc(protoc)
                    .protoc_at(field.name_span.start)
                    .label("not allowed on this field"),
            );
        };
        if let Some((_, span)) = self.option_value(own, "packed") {
            error(
                span,
                "`packed` is not an option under editions".to_owned(),
                "Field option packed is not allowed under editions.  Use the \
                 repeated_field_encoding feature to control this behavior.",
            );
        }
        let repeated = field.repeated();
        let is_message = self.is_message_typed(field);
        let has_presence = !repeated
            && (is_message
                || field.in_oneof
                || container.is_extension
                || resolved.presence != Presence::Implicit);
        if !repeated && !has_presence {
            if let Some(default) = &field.options.default {
                error(
                    default.span,
                    format!(
                        "`{}` has implicit presence and cannot have a default",
                        field.name
                    ),
                    "Implicit presence fields can't specify defaults.",
                );
            }
            let closed = self
                .enum_type(field)
                .and_then(|e| self.registry().enums.get(e))
                .is_some_and(|e| e.closed);
            if closed {
                error(
                    field.type_span,
                    format!(
                        "`{}` has implicit presence but a closed enum type",
                        field.name
                    ),
                    "Implicit presence enum fields must always be open.",
                );
            }
        }
        if container.is_extension && resolved.presence == Presence::LegacyRequired {
            error(
                field.name_span,
                "extensions cannot be required".to_owned(),
                "Extensions can't be required.",
            );
        }
        let setting = |name: &str| own_feature(self.source, own, name).map(|(value, _)| value);
        let feature_span = |name: &str| {
            own_feature(self.source, own, name).map_or(field.name_span, |(_, span)| span)
        };
        if let Some(presence) = setting("field_presence") {
            let protoc = if field.in_oneof {
                Some("Oneof fields can't specify field presence.")
            } else if repeated {
                Some("Repeated fields can't specify field presence.")
            } else if container.is_extension && presence != "LEGACY_REQUIRED" {
                Some("Extensions can't specify field presence.")
            } else if is_message && presence == "IMPLICIT" {
                Some("Message fields can't specify implicit presence.")
            } else {
                None
            };
            if let Some(protoc) = protoc {
                error(
                    feature_span("field_presence"),
                    format!("`{}` cannot set `field_presence`", field.name),
                    protoc,
                );
            }
        }
        if !repeated && setting("repeated_field_encoding").is_some() {
            error(
                feature_span("repeated_field_encoding"),
                "only repeated fields have a repeated field encoding".to_owned(),
                "Only repeated fields can specify repeated field encoding.",
            );
        }
        let is_string = matches!(field.ty, FieldTy::Scalar(ast::ScalarType::String));
        let is_string_map = match field.ty {
            FieldTy::Map(map) => [&map.key, &map.value]
                .iter()
                .any(|t| matches!(t, ast::FieldType::Scalar(ast::ScalarType::String, _))),
            _ => false,
        };
        if !is_string && !is_string_map && setting("utf8_validation").is_some() {
            error(
                feature_span("utf8_validation"),
                "only string fields have UTF-8 validation".to_owned(),
                "Only string fields can specify utf8 validation.",
            );
        }
        if !self.is_packable(field)
            && setting("repeated_field_encoding").as_deref() == Some("PACKED")
        {
            error(
                feature_span("repeated_field_encoding"),
                "only repeated scalar fields can be packed".to_owned(),
                "Only repeated primitive fields can specify PACKED repeated field encoding.",
            );
        }
        let message_field = is_message && !matches!(field.ty, FieldTy::Map(_));
        if !message_field && setting("message_encoding").is_some() {
            error(
                feature_span("message_encoding"),
                "only message fields have a message encoding".to_owned(),
                "Only message fields can specify message encoding.",
            );
        }
        out
    }

    fn enum_options(&mut self, index: usize) {
        let e = &self.enums[index];
        let values: Vec<&ast::EnumValue> = e
            .decl
            .items
            .iter()
            .filter_map(|item| match item {
                ast::EnumItem::Value(v) => Some(v),
                _ => None,
            })
            .collect();
        let mut out = self.enum_value_names(e, &values);
        if let Some(first) = values.first() {
            if !e.features.closed_enums && first.number.as_i32() != 0 {
                out.push(
                    Diagnostic::error(
                        Code::EnumFirstValueNotZero,
                        self.file,
                        first.number.span,
                        "the first value of an open enum must be zero",
                    )
                    .protoc("The first enum value must be zero for open enums.")
                    .label(format!(
                        "`{}` is the first value",
                        self.text(first.name.span)
                    ))
                    .help("add a first value such as `UNSPECIFIED = 0;`"),
                );
            }
        }
        let allow_alias = self
            .option_value(super::enum_options(e.decl), "allow_alias")
            .is_some_and(|(value, _)| value == "true");
        if !allow_alias {
            out.extend(self.enum_aliases(e, &values));
        }
        self.diagnostics.extend(out);
    }

    /// Two values with one number need `allow_alias`.
    fn enum_aliases(&self, e: &EnumView<'_>, values: &[&ast::EnumValue]) -> Vec<Diagnostic> {
        let used: HashSet<i64> = values
            .iter()
            .map(|v| i64::from(v.number.as_i32()))
            .collect();
        let mut first: HashMap<i32, &ast::EnumValue> = HashMap::default();
        let mut out = Vec::new();
        for value in values {
            let number = value.number.as_i32();
            let Some(earlier) = first.get(&number) else {
                first.insert(number, value);
                continue;
            };
            if self.text(earlier.name.span) == self.text(value.name.span) {
                // A duplicate definition, reported already.
                continue;
            }
            let full = |v: &ast::EnumValue| super::join(&e.scope, &self.text(v.name.span));
            let mut next = i64::from(number) + 1;
            while used.contains(&next) {
                next += 1;
            }
            let mut protoc = format!(
                "\"{}\" uses the same enum value as \"{}\". If this is intended, set 'option \
                 allow_alias = true;' to the enum definition.",
                full(value),
                full(earlier)
            );
            if next < i64::from(i32::MAX) {
                protoc.push_str(&format!(" The next available enum value is {next}."));
            }
            out.push(
                Diagnostic::error(
                    Code::EnumAliasNotAllowed,
                    self.file,
                    value.number.span,
                    format!(
                        "`{}` and `{}` have the same number {number}",
                        self.text(earlier.name.span),
                        self.text(value.name.span)
                    ),
                )
                .protoc(protoc)
                .label("number used again")
                .secondary(earlier.number.span, "first used here")
                .help(format!(
                    "add `option allow_alias = true;` to the enum if this is an alias, or use {next}"
                )),
            );
        }
        out
    }

    /// protoc's `CheckEnumValueUniqueness`: names equal once the enum's
    /// prefix is stripped and they are PascalCased clash unless they are
    /// aliases of one number.
    fn enum_value_names(&self, e: &EnumView<'_>, values: &[&ast::EnumValue]) -> Vec<Diagnostic> {
        let enum_name = self.text(e.decl.name.span);
        let prefix: String = enum_name
            .chars()
            .filter(|c| *c != '_')
            .map(|c| c.to_ascii_lowercase())
            .collect();
        let mut seen: HashMap<String, &ast::EnumValue> = HashMap::default();
        let mut out = Vec::new();
        for value in values {
            let name = self.text(value.name.span);
            let key = pascal_case(strip_prefix(&name, &prefix));
            let Some(earlier) = seen.get(&key) else {
                seen.insert(key, value);
                continue;
            };
            let earlier_name = self.text(earlier.name.span);
            if earlier_name == name || earlier.number.as_i32() == value.number.as_i32() {
                continue;
            }
            out.push(
                Diagnostic::error(
                    Code::EnumValueNameConflict,
                    self.file,
                    value.name.span,
                    format!(
                        "`{name}` and `{earlier_name}` clash once the prefix and case are dropped"
                    ),
                )
                .protoc(format!(
                    "Enum name {name} has the same name as {earlier_name} if you ignore case and \
                     strip out the enum name prefix (if any). (If you are using allow_alias, \
                     please assign the same number to each enum value name.)"
                ))
                .secondary(earlier.name.span, "clashes with this value")
                .note("languages that strip enum prefixes would give both the same name"),
            );
        }
        out
    }
}

/// protoc's `PrefixRemover::MaybeRemove`: drops the enum's name (compared
/// without underscores or case) from the front of a value's name.
fn strip_prefix<'n>(name: &'n str, prefix: &str) -> &'n str {
    let bytes = name.as_bytes();
    let prefix = prefix.as_bytes();
    let (mut i, mut j) = (0, 0);
    while i < bytes.len() && j < prefix.len() {
        if bytes[i] != b'_' {
            if bytes[i].to_ascii_lowercase() != prefix[j] {
                return name;
            }
            j += 1;
        }
        i += 1;
    }
    if j < prefix.len() {
        return name;
    }
    while i < bytes.len() && bytes[i] == b'_' {
        i += 1;
    }
    if i == bytes.len() {
        return name;
    }
    &name[i..]
}

/// protoc's `EnumValueToPascalCase`.
fn pascal_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper = true;
    for c in name.chars() {
        if c == '_' {
            upper = true;
        } else {
            out.push(if upper {
                c.to_ascii_uppercase()
            } else {
                c.to_ascii_lowercase()
            });
            upper = false;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_stripping_like_protoc() {
        assert_eq!(strip_prefix("MODE_FAST", "mode"), "FAST");
        assert_eq!(strip_prefix("MODEFAST", "mode"), "FAST");
        assert_eq!(strip_prefix("MODE_", "mode"), "MODE_");
        assert_eq!(strip_prefix("FAST", "mode"), "FAST");
        assert_eq!(pascal_case("FOO_BAR"), "FooBar");
    }
}
