//! The edition features validation depends on, read off the syntax tree
//! (validation runs before descriptors exist) and resolved by the crate's
//! one resolver, `pb::features`: the edition's defaults, then the file's
//! `option features.x = ...;`, then each enclosing message's, then the
//! element's own. proto2 and proto3 files behave as their legacy editions.

use crate::pb::{self, features::ResolvedFeatures};
use crate::source::{SourceFile, Span};
use crate::syntax::ast::{self, Syntax};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Presence {
    Explicit,
    Implicit,
    LegacyRequired,
}

/// The resolved features of one scope, with the ones validation reads
/// spelled out.
#[derive(Clone, Copy, Debug)]
pub struct Features {
    pub presence: Presence,
    pub closed_enums: bool,
    /// `json_format = LEGACY_BEST_EFFORT`: JSON name clashes only warn.
    pub legacy_json: bool,
    /// Every core feature, as `pb::features` resolves them.
    pub resolved: ResolvedFeatures,
}

impl Features {
    /// The defaults of a file's syntax or edition, from the one resolver.
    pub fn defaults(syntax: Syntax) -> Features {
        Features::from_resolved(ResolvedFeatures::edition_defaults(edition_of(syntax)))
    }

    /// These features overridden by the `features.*` options of a scope.
    pub fn with<'o>(
        self,
        source: &SourceFile,
        options: impl IntoIterator<Item = &'o ast::OptionDecl>,
    ) -> Features {
        use pb::feature_set::{
            visibility_feature::DefaultSymbolVisibility, EnforceNamingStyle, EnumType,
            FieldPresence, JsonFormat, MessageEncoding,
        };
        let mut set = pb::FeatureSet::default();
        for (name, value, _) in options
            .into_iter()
            .flat_map(|o| feature_settings(source, o))
        {
            // Values that are not the feature's are reported elsewhere
            // and set nothing.
            let value = value.as_str();
            match name.as_str() {
                "field_presence" => {
                    set.field_presence = FieldPresence::from_str_name(value).map(|v| v as i32)
                }
                "enum_type" => set.enum_type = EnumType::from_str_name(value).map(|v| v as i32),
                "message_encoding" => {
                    set.message_encoding = MessageEncoding::from_str_name(value).map(|v| v as i32)
                }
                "json_format" => {
                    set.json_format = JsonFormat::from_str_name(value).map(|v| v as i32)
                }
                "enforce_naming_style" => {
                    set.enforce_naming_style =
                        EnforceNamingStyle::from_str_name(value).map(|v| v as i32)
                }
                "default_symbol_visibility" => {
                    set.default_symbol_visibility =
                        DefaultSymbolVisibility::from_str_name(value).map(|v| v as i32)
                }
                _ => {}
            }
        }
        Features::from_resolved(self.resolved.merged(Some(&set)))
    }

    fn from_resolved(resolved: ResolvedFeatures) -> Features {
        use pb::feature_set::{EnumType, FieldPresence, JsonFormat};
        Features {
            presence: match resolved.field_presence() {
                FieldPresence::Implicit => Presence::Implicit,
                FieldPresence::LegacyRequired => Presence::LegacyRequired,
                _ => Presence::Explicit,
            },
            closed_enums: resolved.enum_type() == EnumType::Closed,
            legacy_json: resolved.json_format() == JsonFormat::LegacyBestEffort,
            resolved,
        }
    }

    /// protoc's `IsStyleOrGreater`: whether names here follow `style` or
    /// a later one (`STYLE_LEGACY`, numbered after `STYLE2024`, opts out).
    pub fn naming_style_at_least(&self, style: pb::feature_set::EnforceNamingStyle) -> bool {
        use pb::feature_set::EnforceNamingStyle;
        let own = self.resolved.enforce_naming_style();
        own != EnforceNamingStyle::StyleLegacy && own as i32 >= style as i32
    }
}

/// The edition whose defaults a file starts from. Editions before 2023
/// (the test-only ones) are rejected by the file's edition check; they
/// start from 2023's, as the earliest supported edition.
fn edition_of(syntax: Syntax) -> pb::Edition {
    match syntax {
        Syntax::Proto2 => pb::Edition::Proto2,
        Syntax::Proto3 => pb::Edition::Proto3,
        Syntax::Editions(edition) => match pb::Edition::try_from(edition.number()) {
            Ok(e) if e as i32 >= pb::Edition::Edition2023 as i32 => e,
            _ => pb::Edition::Edition2023,
        },
    }
}

/// The features an option sets, as (name, value, span of the setting):
/// `option features.<name> = <VALUE>;`, or every `name: VALUE` of
/// `option features = { ... };`.
pub fn feature_settings(
    source: &SourceFile,
    option: &ast::OptionDecl,
) -> Vec<(String, String, Span)> {
    let ident = |value: &ast::ValueKind| match value {
        ast::ValueKind::Ident(ident) => source.text(ident.span).into_owned(),
        _ => String::new(),
    };
    match option.name.parts.as_slice() {
        [ast::OptionNamePart::Field(features), ast::OptionNamePart::Field(name)]
            if source.text(features.span) == "features" =>
        {
            vec![(
                source.text(name.span).into_owned(),
                ident(&option.value.kind),
                option.span,
            )]
        }
        [ast::OptionNamePart::Field(features)] if source.text(features.span) == "features" => {
            let ast::ValueKind::Aggregate(aggregate) = &option.value.kind else {
                return Vec::new();
            };
            aggregate
                .fields
                .iter()
                .filter_map(|field| {
                    let ast::AggregateName::Field(name) = &field.name else {
                        return None;
                    };
                    let value = match &field.value {
                        ast::AggregateValue::Scalar(ast::ScalarValue {
                            kind: ast::ScalarKind::Ident(v),
                            ..
                        }) => source.text(v.span).into_owned(),
                        _ => String::new(),
                    };
                    Some((source.text(name.span).into_owned(), value, field.span))
                })
                .collect()
        }
        _ => Vec::new(),
    }
}

/// The value a scope's own options give feature `name`, with where.
pub fn own_feature(
    source: &SourceFile,
    options: &[ast::OptionDecl],
    name: &str,
) -> Option<(String, Span)> {
    options
        .iter()
        .flat_map(|o| feature_settings(source, o))
        .find(|(n, _, _)| n == name)
        .map(|(_, value, span)| (value, span))
}
