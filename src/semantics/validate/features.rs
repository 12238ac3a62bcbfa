//! The edition features validation depends on, resolved the way protoc
//! resolves them: the edition's defaults, then the file's
//! `option features.x = ...;`, then each enclosing message's, then the
//! element's own. proto2 and proto3 files behave as their legacy editions.

use crate::source::{SourceFile, Span};
use crate::syntax::ast::{self, Syntax};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Presence {
    Explicit,
    Implicit,
    LegacyRequired,
}

/// The resolved features of one scope.
#[derive(Clone, Copy, Debug)]
pub struct Features {
    pub presence: Presence,
    pub closed_enums: bool,
    /// `json_format = LEGACY_BEST_EFFORT`: JSON name clashes only warn.
    pub legacy_json: bool,
}

impl Features {
    /// The defaults of a file's syntax or edition.
    pub fn defaults(syntax: Syntax) -> Features {
        match syntax {
            Syntax::Proto2 => Features {
                presence: Presence::Explicit,
                closed_enums: true,
                legacy_json: true,
            },
            Syntax::Proto3 => Features {
                presence: Presence::Implicit,
                closed_enums: false,
                legacy_json: false,
            },
            Syntax::Editions(_) => Features {
                presence: Presence::Explicit,
                closed_enums: false,
                legacy_json: false,
            },
        }
    }

    /// These features overridden by the `features.*` options of a scope.
    pub fn with<'o>(
        mut self,
        source: &SourceFile,
        options: impl IntoIterator<Item = &'o ast::OptionDecl>,
    ) -> Features {
        for (name, value, _) in options
            .into_iter()
            .flat_map(|o| feature_settings(source, o))
        {
            match (name.as_str(), value.as_str()) {
                ("field_presence", "EXPLICIT") => self.presence = Presence::Explicit,
                ("field_presence", "IMPLICIT") => self.presence = Presence::Implicit,
                ("field_presence", "LEGACY_REQUIRED") => self.presence = Presence::LegacyRequired,
                ("enum_type", "OPEN") => self.closed_enums = false,
                ("enum_type", "CLOSED") => self.closed_enums = true,
                ("json_format", "ALLOW") => self.legacy_json = false,
                ("json_format", "LEGACY_BEST_EFFORT") => self.legacy_json = true,
                _ => {}
            }
        }
        self
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
