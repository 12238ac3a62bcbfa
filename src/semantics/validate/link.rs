//! The checks protoc makes while cross-linking, once types are resolved:
//! duplicate field numbers, extension numbers against the extendee's
//! ranges, and default values of message and enum fields.

use std::collections::BTreeSet;

use rustc_hash::FxHashMap as HashMap;

use super::{closest, FieldView, Registry, Validator};
use crate::diagnostics::{Code, Diagnostic};
use crate::semantics::shape::MAX_FIELD_NUMBER;
use crate::semantics::symbols::SymbolKind;
use crate::syntax::ast;

impl Validator<'_, &mut Registry> {
    pub fn link(&mut self) {
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
        for index in 0..self.extensions.len() {
            self.extension_number(index);
        }
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
                let facts = self.registry.enums.get(&resolved.full_name)?;
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
                if facts.values.iter().any(|(name, _)| *name == written) {
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
                if let Some(suggestion) =
                    closest(&written, facts.values.iter().map(|(n, _)| n.as_str()))
                {
                    d = d
                        .help(format!("did you mean `{suggestion}`?"))
                        .fix(at, suggestion);
                }
                Some(d)
            }
            _ => None,
        }
    }

    /// The extendee must declare the number in an extension range, and no
    /// other extension may use it.
    fn extension_number(&mut self, index: usize) {
        let extension = &self.extensions[index];
        let Some(extendee) = self.resolved(extension.extendee) else {
            return;
        };
        if extendee.kind != SymbolKind::Message {
            return;
        }
        let field = &extension.field;
        let Some(facts) = self.registry.messages.get(&extendee.full_name) else {
            return;
        };
        let covered = facts
            .extension_ranges
            .iter()
            .any(|&(start, end)| start <= field.number && field.number < end);
        if !covered {
            let mut d = Diagnostic::error(
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
            d = if facts.extension_ranges.is_empty() {
                d.note(format!("`{}` has no extension ranges", extendee.full_name))
            } else {
                let ranges: Vec<String> = facts
                    .extension_ranges
                    .iter()
                    .map(|(s, e)| format!("{s} to {}", e - 1))
                    .collect();
                d.note(format!("its extension ranges are {}", ranges.join(", ")))
            };
            self.diagnostics.push(d);
            return;
        }
        let key = (extendee.full_name.clone(), field.number);
        match self.registry.extensions.get(&key) {
            None => {
                let file_name = self.source.name().to_owned();
                self.registry
                    .extensions
                    .insert(key, (extension.full_name.clone(), self.file, file_name));
            }
            Some((other, file, _)) if *file == self.file => {
                let d = Diagnostic::error(
                    Code::DuplicateExtensionNumber,
                    self.file,
                    field.number_span,
                    format!(
                        "extension number {} of `{}` is used twice",
                        field.number, extendee.full_name
                    ),
                )
                .protoc(format!(
                    "Extension number {} has already been used in \"{}\" by extension \"{other}\".",
                    field.number, extendee.full_name
                ))
                .label(format!("`{other}` already uses it"));
                self.diagnostics.push(d);
            }
            Some((other, _, other_file)) => {
                // protoc only warns across files, to spare existing protos.
                let d = Diagnostic::warning(
                    Code::ExtensionNumberReused,
                    self.file,
                    field.number_span,
                    format!(
                        "extension number {} of `{}` is also used by `{other}`",
                        field.number, extendee.full_name
                    ),
                )
                .protoc(format!(
                    "Extension number {} has already been used in \"{}\" by extension \"{other}\" \
                     defined in {other_file}.",
                    field.number, extendee.full_name
                ));
                self.diagnostics.push(d);
            }
        }
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
