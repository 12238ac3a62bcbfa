//! The checks protoc makes while cross-linking, once types are resolved:
//! duplicate field numbers, extension numbers against the extendee's
//! ranges, and default values of message and enum fields.

use std::collections::BTreeSet;

use rustc_hash::FxHashMap as HashMap;

use super::{closest, FieldView, Registry, Validator};
use crate::diagnostics::{Code, Diagnostic};
use crate::semantics::shape::MAX_FIELD_NUMBER;
use crate::semantics::symbols::SymbolKind;
use crate::source::{FileId, Span};
use crate::syntax::ast;

impl Validator<'_> {
    /// The cross-linking checks. An extension's number is checked against
    /// its extendee's ranges here; whether another extension took it is
    /// for [`Registry::claim_extensions`], in build order, as it depends
    /// on the files built before.
    pub fn link(&mut self) -> Vec<ExtensionCheck> {
        let mut out = Vec::new();
        for message in &self.messages {
            let fields = self.fields(message.items);
            out.extend(self.duplicate_numbers(&message.full_name, message.items, &fields));
            for field in &fields {
                out.extend(self.default_value(field));
            }
        }
        for extension in &self.extensions {
            out.extend(self.default_value(&extension.field));
        }
        self.diagnostics.extend(out);
        (0..self.extensions.len())
            .filter_map(|index| self.extension_number(index))
            .collect()
    }

    /// protoc's "Field number N has already been used", with its next free
    /// number.
    fn duplicate_numbers(
        &self,
        message: &str,
        items: &[ast::MessageItem],
        fields: &[FieldView<'_>],
    ) -> Vec<Diagnostic> {
        let mut first: HashMap<i32, &FieldView<'_>> = HashMap::default();
        let mut out = Vec::new();
        for field in fields {
            let Some(earlier) = first.get(&field.number) else {
                first.insert(field.number, field);
                continue;
            };
            let next = next_free_number(fields, items);
            let suggestion = if next <= i64::from(MAX_FIELD_NUMBER) {
                format!("Next available field number is {next}")
            } else {
                "There are no available field numbers".to_owned()
            };
            let mut d = Diagnostic::error(
                Code::DuplicateFieldNumber,
                self.file,
                field.number_span,
                format!("field number {} is used twice", field.number),
            )
            .protoc(format!(
                "Field number {} has already been used in \"{message}\" by field \"{}\". {suggestion}.",
                field.number, earlier.name
            ))
            .label(format!("`{}` reuses it", field.name))
            .secondary(earlier.number_span, format!("first used by `{}`", earlier.name));
            if next <= i64::from(MAX_FIELD_NUMBER) {
                d = d
                    .help(format!("the next free field number is {next}"))
                    .fix(field.number_span, next.to_string());
            }
            out.push(d);
        }
        out
    }

    /// Defaults protoc can only check once the type is known: none for
    /// messages, a value name of the enum for enums.
    fn default_value(&self, field: &FieldView<'_>) -> Option<Diagnostic> {
        let default = field.options.default.as_ref()?;
        let resolved = self.named_type(field)?;
        let at = default.value_span;
        match resolved.kind {
            SymbolKind::Message => Some(
                Diagnostic::error(
                    Code::InvalidDefault,
                    self.file,
                    at,
                    "message fields cannot have a default",
                )
                .protoc("Messages can't have default values.")
                .label("default given here")
                .fix(super::default_removal(field.options, default), ""),
            ),
            SymbolKind::Enum => {
                let written = self.text(at);
                let facts = self.registry().enums.get(&resolved.full_name)?;
                let is_identifier = matches!(default.kind, ast::DefaultKind::Token(_))
                    && written
                        .chars()
                        .next()
                        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                    && written
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_');
                if !is_identifier {
                    return Some(
                        Diagnostic::error(
                            Code::InvalidDefault,
                            self.file,
                            at,
                            "the default of an enum field must be one of its value names",
                        )
                        .protoc("Default value for an enum field must be an identifier.")
                        .label("not a value name"),
                    );
                }
                if facts.values().any(|(name, _)| name == written) {
                    return None;
                }
                let mut d = Diagnostic::error(
                    Code::InvalidDefault,
                    self.file,
                    at,
                    format!("enum `{}` has no value `{written}`", resolved.full_name),
                )
                .protoc(format!(
                    "Enum type \"{}\" has no value named \"{written}\".",
                    resolved.full_name
                ))
                .label("no such value");
                if let Some(suggestion) = closest(&written, facts.values().map(|(name, _)| name)) {
                    d = d
                        .help(format!("did you mean `{suggestion}`?"))
                        .fix(at, suggestion);
                }
                Some(d)
            }
            _ => None,
        }
    }

    /// The extendee must declare the number in an extension range; if it
    /// does, the number is claimed for the extension.
    fn extension_number(&self, index: usize) -> Option<ExtensionCheck> {
        let extension = &self.extensions[index];
        let extendee = self.resolved(extension.extendee)?;
        if extendee.kind != SymbolKind::Message {
            return None;
        }
        let field = &extension.field;
        let facts = self.registry().messages.get(&extendee.full_name)?;
        let covered = facts
            .extension_ranges
            .iter()
            .any(|&(start, end)| start <= field.number && field.number < end);
        if covered {
            return Some(ExtensionCheck::Claim(ExtensionClaim {
                extendee: extendee.full_name.clone(),
                number: field.number,
                extension: extension.full_name.clone(),
                number_span: field.number_span,
            }));
        }
        let d = Diagnostic::error(
            Code::ExtensionNotInRange,
            self.file,
            field.number_span,
            format!(
                "`{}` does not declare {} as an extension number",
                extendee.full_name, field.number
            ),
        )
        .protoc(format!(
            "\"{}\" does not declare {} as an extension number.",
            extendee.full_name, field.number
        ))
        .label("outside the extendee's extension ranges");
        Some(ExtensionCheck::Failed(
            if facts.extension_ranges.is_empty() {
                d.note(format!("`{}` has no extension ranges", extendee.full_name))
            } else {
                let ranges: Vec<String> = facts
                    .extension_ranges
                    .iter()
                    .map(|(s, e)| format!("{s} to {}", e - 1))
                    .collect();
                d.note(format!("its extension ranges are {}", ranges.join(", ")))
            },
        ))
    }
}

/// What [`Validator::link`] found of one extension's number.
pub enum ExtensionCheck {
    /// Outside the extendee's extension ranges.
    Failed(Diagnostic),
    /// Inside them: the number is the extension's unless another took it.
    Claim(ExtensionClaim),
}

pub struct ExtensionClaim {
    /// The extendee's full name.
    extendee: String,
    number: i32,
    /// The extension's full name.
    extension: String,
    number_span: Span,
}

impl Registry {
    /// Records the extension numbers `checks` claim for `file` (named
    /// `file_name`), in order, and reports each number taken before: an
    /// error within one file, a warning across files (protoc only warns
    /// there, to spare existing protos). The diagnostics of `checks`, in
    /// their order, are the result.
    pub fn claim_extensions(
        &mut self,
        file: FileId,
        file_name: &str,
        checks: Vec<ExtensionCheck>,
    ) -> Vec<Diagnostic> {
        checks
            .into_iter()
            .filter_map(|check| match check {
                ExtensionCheck::Failed(diagnostic) => Some(diagnostic),
                ExtensionCheck::Claim(claim) => self.claim_extension(file, file_name, claim),
            })
            .collect()
    }

    fn claim_extension(
        &mut self,
        file: FileId,
        file_name: &str,
        claim: ExtensionClaim,
    ) -> Option<Diagnostic> {
        let ExtensionClaim {
            extendee,
            number,
            extension,
            number_span,
        } = claim;
        let key = (extendee, number);
        let Some((other, other_id, other_file)) = self.extensions.get(&key) else {
            self.extensions
                .insert(key, (extension, file, file_name.to_owned()));
            return None;
        };
        let extendee = &key.0;
        if *other_id == file {
            return Some(
                Diagnostic::error(
                    Code::DuplicateExtensionNumber,
                    file,
                    number_span,
                    format!("extension number {number} of `{extendee}` is used twice"),
                )
                .protoc(format!(
                    "Extension number {number} has already been used in \"{extendee}\" by extension \"{other}\"."
                ))
                .label(format!("`{other}` already uses it")),
            );
        }
        Some(
            Diagnostic::warning(
                Code::ExtensionNumberReused,
                file,
                number_span,
                format!("extension number {number} of `{extendee}` is also used by `{other}`"),
            )
            .protoc(format!(
                "Extension number {number} has already been used in \"{extendee}\" by extension \"{other}\" \
                 defined in {other_file}."
            )),
        )
    }
}

/// protoc's next available field number: the first number after 1 that no
/// field, extension range or reserved range takes, scanning upwards.
fn next_free_number(fields: &[FieldView<'_>], items: &[ast::MessageItem]) -> i64 {
    let mut used: BTreeSet<(i64, i64)> = fields
        .iter()
        .map(|f| (i64::from(f.number), i64::from(f.number)))
        .collect();
    for item in items {
        let ranges = match item {
            ast::MessageItem::Extensions(e) => &e.ranges,
            ast::MessageItem::Reserved(ast::Reserved {
                kind: ast::ReservedKind::Ranges(ranges),
                ..
            }) => ranges,
            _ => continue,
        };
        for range in ranges {
            let start = i64::from(range.start.as_i32());
            let end = match range.end {
                ast::RangeEnd::Single => start,
                ast::RangeEnd::Int(end) => i64::from(end.as_i32()),
                ast::RangeEnd::Max(_) => i64::from(MAX_FIELD_NUMBER),
            };
            used.insert((start, end));
        }
    }
    let mut proposed = 1;
    for (start, end) in used {
        if start <= proposed && proposed <= end {
            proposed = end + 1;
        } else {
            break;
        }
    }
    proposed
}
