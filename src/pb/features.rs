//! Edition features resolved as protoc's `FeatureResolver` resolves them:
//! the defaults of the file's edition, then the `features` of each
//! enclosing scope from the file inward, then the element's own, and for
//! proto2 and proto3 the features their syntax implies (`required`,
//! groups, `[packed = ...]`, proto3 `optional`).
//!
//! This is the one resolver of the crate: the semantics stage reads it to
//! validate, code generators read it from the descriptors they are given.
//! The defaults are not written here: they are read from descriptor.proto's
//! own `edition_defaults` (the embedded schema), so they are protoc's.

use std::sync::OnceLock;

use super::feature_set::{
    visibility_feature::DefaultSymbolVisibility, EnforceNamingStyle, EnumType, FieldPresence,
    JsonFormat, MessageEncoding, RepeatedFieldEncoding, Utf8Validation,
};
use super::field_descriptor_proto::{Label, Type};
use super::{Edition, FeatureSet, FieldDescriptorProto, FileDescriptorProto};

/// A `FeatureSet` with every core feature set: what an element's features
/// are once resolved.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ResolvedFeatures(FeatureSet);

/// The edition a file is in; proto2 and proto3 files are in their legacy
/// editions.
pub fn file_edition(file: &FileDescriptorProto) -> Edition {
    match file.syntax() {
        "proto3" => Edition::Proto3,
        "editions" => file.edition(),
        _ => Edition::Proto2,
    }
}

impl ResolvedFeatures {
    /// The defaults of `edition`: for each feature, the value of the latest
    /// `edition_defaults` entry at or before it. Editions between the known
    /// ones take the latest earlier defaults, as protoc's do.
    pub fn edition_defaults(edition: Edition) -> ResolvedFeatures {
        static DEFAULTS: OnceLock<Vec<(Edition, ResolvedFeatures)>> = OnceLock::new();
        let table = DEFAULTS.get_or_init(|| {
            [
                Edition::Proto2,
                Edition::Proto3,
                Edition::Edition2023,
                Edition::Edition2024,
                Edition::Edition2026,
            ]
            .into_iter()
            .map(|e| (e, ResolvedFeatures(defaults_from_schema(e))))
            .collect()
        });
        table
            .iter()
            .rev()
            .find(|(known, _)| *known as i32 <= edition as i32)
            .or(table.first())
            .map(|(_, features)| *features)
            .unwrap_or(ResolvedFeatures(FeatureSet::default()))
    }

    /// The features of a file's top-level elements.
    pub fn of_file(file: &FileDescriptorProto) -> ResolvedFeatures {
        let own = file
            .options
            .as_ref()
            .and_then(|o| o.known.features.as_ref())
            .map(|f| &f.known);
        ResolvedFeatures::edition_defaults(file_edition(file)).merged(own)
    }

    /// These features overridden by the features `set` sets.
    pub fn merged(self, set: Option<&FeatureSet>) -> ResolvedFeatures {
        let Some(set) = set else { return self };
        let mut out = self.0;
        let pick = |parent: Option<i32>, child: Option<i32>| match child {
            Some(value) if value != 0 => Some(value),
            _ => parent,
        };
        out.field_presence = pick(out.field_presence, set.field_presence);
        out.enum_type = pick(out.enum_type, set.enum_type);
        out.repeated_field_encoding =
            pick(out.repeated_field_encoding, set.repeated_field_encoding);
        out.utf8_validation = pick(out.utf8_validation, set.utf8_validation);
        out.message_encoding = pick(out.message_encoding, set.message_encoding);
        out.json_format = pick(out.json_format, set.json_format);
        out.enforce_naming_style = pick(out.enforce_naming_style, set.enforce_naming_style);
        out.default_symbol_visibility =
            pick(out.default_symbol_visibility, set.default_symbol_visibility);
        ResolvedFeatures(out)
    }

    /// The features of `field`, declared in a scope with these features,
    /// in a file of `edition`: its own `features`, then, outside editions,
    /// what its label, type and options imply (protoc's legacy inference).
    pub fn field(self, edition: Edition, field: &FieldDescriptorProto) -> ResolvedFeatures {
        let options = field.options.as_ref().map(|o| &o.known);
        let mut out = self
            .merged(options.and_then(|o| o.features.as_ref()).map(|f| &f.known))
            .0;
        if !matches!(edition, Edition::Proto2 | Edition::Proto3) {
            return ResolvedFeatures(out);
        }
        if field.label() == Label::Required {
            out.field_presence = Some(FieldPresence::LegacyRequired as i32);
        }
        if field.r#type() == Type::Group {
            out.message_encoding = Some(MessageEncoding::Delimited as i32);
        }
        match options.and_then(|o| o.packed) {
            Some(true) => out.repeated_field_encoding = Some(RepeatedFieldEncoding::Packed as i32),
            Some(false) => {
                out.repeated_field_encoding = Some(RepeatedFieldEncoding::Expanded as i32)
            }
            _ => {}
        }
        if field.proto3_optional() {
            out.field_presence = Some(FieldPresence::Explicit as i32);
        }
        ResolvedFeatures(out)
    }

    pub fn field_presence(&self) -> FieldPresence {
        enum_or(self.0.field_presence, FieldPresence::Explicit)
    }

    pub fn enum_type(&self) -> EnumType {
        enum_or(self.0.enum_type, EnumType::Open)
    }

    pub fn repeated_field_encoding(&self) -> RepeatedFieldEncoding {
        enum_or(
            self.0.repeated_field_encoding,
            RepeatedFieldEncoding::Packed,
        )
    }

    pub fn utf8_validation(&self) -> Utf8Validation {
        enum_or(self.0.utf8_validation, Utf8Validation::Verify)
    }

    pub fn message_encoding(&self) -> MessageEncoding {
        enum_or(self.0.message_encoding, MessageEncoding::LengthPrefixed)
    }

    pub fn json_format(&self) -> JsonFormat {
        enum_or(self.0.json_format, JsonFormat::Allow)
    }

    pub fn enforce_naming_style(&self) -> EnforceNamingStyle {
        enum_or(self.0.enforce_naming_style, EnforceNamingStyle::StyleLegacy)
    }

    pub fn default_symbol_visibility(&self) -> DefaultSymbolVisibility {
        enum_or(
            self.0.default_symbol_visibility,
            DefaultSymbolVisibility::ExportAll,
        )
    }
}

fn enum_or<E: TryFrom<i32>>(value: Option<i32>, fallback: E) -> E {
    value.and_then(|v| E::try_from(v).ok()).unwrap_or(fallback)
}

/// Each core feature's default for `edition`, from the `edition_defaults`
/// of `FeatureSet`'s fields in descriptor.proto.
fn defaults_from_schema(edition: Edition) -> FeatureSet {
    let mut set = FeatureSet::default();
    let Some(message) = super::schema().messages.get(".google.protobuf.FeatureSet") else {
        return set;
    };
    let schema = super::schema();
    for field in &message.field {
        let Some(options) = field.options.as_ref() else {
            continue;
        };
        let Some(value_name) = options
            .known
            .edition_defaults
            .iter()
            .filter(|d| d.edition() as i32 <= edition as i32)
            .max_by_key(|d| d.edition() as i32)
            .map(|d| d.value())
        else {
            continue;
        };
        let number = schema
            .enums
            .get(field.type_name())
            .and_then(|e| e.value.iter().find(|v| v.name() == value_name))
            .map(|v| v.number());
        let slot = match field.name() {
            "field_presence" => &mut set.field_presence,
            "enum_type" => &mut set.enum_type,
            "repeated_field_encoding" => &mut set.repeated_field_encoding,
            "utf8_validation" => &mut set.utf8_validation,
            "message_encoding" => &mut set.message_encoding,
            "json_format" => &mut set.json_format,
            "enforce_naming_style" => &mut set.enforce_naming_style,
            "default_symbol_visibility" => &mut set.default_symbol_visibility,
            _ => continue,
        };
        *slot = number;
    }
    set
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legacy_editions_have_their_syntax_defaults() {
        let proto2 = ResolvedFeatures::edition_defaults(Edition::Proto2);
        assert_eq!(proto2.field_presence(), FieldPresence::Explicit);
        assert_eq!(proto2.enum_type(), EnumType::Closed);
        assert_eq!(
            proto2.repeated_field_encoding(),
            RepeatedFieldEncoding::Expanded
        );
        assert_eq!(proto2.utf8_validation(), Utf8Validation::None);
        assert_eq!(proto2.json_format(), JsonFormat::LegacyBestEffort);

        let proto3 = ResolvedFeatures::edition_defaults(Edition::Proto3);
        assert_eq!(proto3.field_presence(), FieldPresence::Implicit);
        assert_eq!(proto3.enum_type(), EnumType::Open);
        assert_eq!(
            proto3.repeated_field_encoding(),
            RepeatedFieldEncoding::Packed
        );
    }

    #[test]
    fn edition_2024_changes_naming_and_visibility_only() {
        let e2023 = ResolvedFeatures::edition_defaults(Edition::Edition2023);
        let e2024 = ResolvedFeatures::edition_defaults(Edition::Edition2024);
        assert_eq!(e2023.field_presence(), FieldPresence::Explicit);
        assert_eq!(
            e2023.enforce_naming_style(),
            EnforceNamingStyle::StyleLegacy
        );
        assert_eq!(e2024.enforce_naming_style(), EnforceNamingStyle::Style2024);
        assert_eq!(
            e2024.default_symbol_visibility(),
            DefaultSymbolVisibility::ExportTopLevel
        );
        assert_eq!(e2023.merged(None).0.field_presence, e2024.0.field_presence);
    }

    #[test]
    fn the_innermost_setting_wins_and_unknown_is_no_setting() {
        let file =
            ResolvedFeatures::edition_defaults(Edition::Edition2023).merged(Some(&FeatureSet {
                field_presence: Some(FieldPresence::Implicit as i32),
                ..Default::default()
            }));
        assert_eq!(file.field_presence(), FieldPresence::Implicit);
        let inner = file.merged(Some(&FeatureSet {
            field_presence: Some(0),
            enum_type: Some(EnumType::Closed as i32),
            ..Default::default()
        }));
        assert_eq!(inner.field_presence(), FieldPresence::Implicit);
        assert_eq!(inner.enum_type(), EnumType::Closed);
    }

    #[test]
    fn proto2_fields_imply_their_features() {
        let scope = ResolvedFeatures::edition_defaults(Edition::Proto2);
        let required = FieldDescriptorProto {
            label: Some(Label::Required as i32),
            r#type: Some(Type::Group as i32),
            ..Default::default()
        };
        let features = scope.field(Edition::Proto2, &required);
        assert_eq!(features.field_presence(), FieldPresence::LegacyRequired);
        assert_eq!(features.message_encoding(), MessageEncoding::Delimited);
        // In editions the label and type are not read.
        let features = scope.field(Edition::Edition2023, &required);
        assert_eq!(features.field_presence(), FieldPresence::Explicit);
    }
}
