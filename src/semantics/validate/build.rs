//! The checks protoc makes while building descriptors, before any name is
//! resolved: field and extension numbers, reserved and extension ranges,
//! reserved names, and enum bodies.

use rustc_hash::FxHashMap as HashMap;

use super::{FieldTy, FieldView, MessageView, Validator};
use crate::diagnostics::{Code, Diagnostic};
use crate::semantics::shape::{enum_range_end, range_end, range_max, MAX_FIELD_NUMBER};
use crate::source::Span;
use crate::syntax::ast;

/// A range as protoc stores it, with where it was written.
#[derive(Clone, Copy)]
struct RangeAt {
    start: i32,
    /// Exclusive for message ranges, inclusive for enum ranges.
    end: i32,
    span: Span,
}

/// The names of `reserved` statements: each name's first mention, and the
/// mentions after it.
struct ReservedNames {
    first: HashMap<String, Span>,
    repeats: Vec<(String, Span)>,
}

impl ReservedNames {
    fn new(names: Vec<(String, Span)>) -> ReservedNames {
        let mut first = HashMap::default();
        let mut repeats = Vec::new();
        for (name, span) in names {
            match first.entry(name) {
                std::collections::hash_map::Entry::Occupied(entry) => {
                    repeats.push((entry.key().clone(), span))
                }
                std::collections::hash_map::Entry::Vacant(entry) => {
                    entry.insert(span);
                }
            }
        }
        ReservedNames { first, repeats }
    }
}

impl Validator<'_> {
    /// The build-phase checks of every message and enum of the file.
    pub fn build(&mut self) {
        for index in 0..self.messages.len() {
            self.build_message(index);
        }
        let mut out = Vec::new();
        for extension in &self.extensions {
            out.extend(self.field_number_checks(&extension.field, true));
            out.extend(self.required_extension(&extension.field, &extension.full_name));
            out.extend(self.repeated_default(&extension.field));
        }
        self.diagnostics.extend(out);
        for index in 0..self.enums.len() {
            self.build_enum(index);
        }
    }

    fn build_message(&mut self, index: usize) {
        let message = &self.messages[index];
        let fields = self.fields(message.items);
        let mut out = Vec::new();
        for field in &fields {
            out.extend(self.field_number_checks(field, false));
            out.extend(self.repeated_default(field));
        }
        let (extension_ranges, reserved_ranges, reserved_names) = self.ranges(message);
        for range in &extension_ranges {
            if range.start <= 0 {
                out.push(invalid_range(
                    self,
                    range.span,
                    "extension numbers must be positive",
                    "Extension numbers must be positive integers.",
                ));
            }
            if range.start >= range.end {
                out.push(invalid_range(
                    self,
                    range.span,
                    "this extension range is empty",
                    "Extension range end number must be greater than start number.",
                ));
            }
        }
        for range in &reserved_ranges {
            if range.start <= 0 {
                out.push(invalid_range(
                    self,
                    range.span,
                    "reserved numbers must be positive",
                    "Reserved numbers must be positive integers.",
                ));
            }
            if range.start >= range.end {
                out.push(invalid_range(
                    self,
                    range.span,
                    "this reserved range is empty",
                    "Reserved range end number must be greater than start number.",
                ));
            }
        }
        out.extend(self.overlaps(&reserved_ranges, "reserved range", "Reserved range", 1));
        out.extend(self.reserved_twice(message.name.span, &reserved_names, "Field name"));
        for field in &fields {
            out.extend(self.field_in_ranges(field, &extension_ranges, &reserved_ranges));
            if let Some(span) = reserved_names.first.get(field.name.as_str()) {
                out.push(
                    Diagnostic::error(
                        Code::UsesReserved,
                        self.file,
                        field.name_span,
                        format!("field name `{}` is reserved", field.name),
                    )
                    .protoc(format!("Field name \"{}\" is reserved.", field.name))
                    .label("reserved name")
                    .secondary(*span, "reserved here"),
                );
            }
        }
        for ext in &extension_ranges {
            for reserved in &reserved_ranges {
                if ext.end > reserved.start && reserved.end > ext.start {
                    out.push(
                        Diagnostic::error(
                            Code::OverlappingRanges,
                            self.file,
                            ext.span,
                            "extension range overlaps a reserved range",
                        )
                        .protoc(format!(
                            "Extension range {} to {} overlaps with reserved range {} to {}.",
                            ext.start,
                            ext.end - 1,
                            reserved.start,
                            reserved.end - 1
                        ))
                        .label("this extension range")
                        .secondary(reserved.span, "overlaps this reserved range"),
                    );
                }
            }
        }
        out.extend(self.overlaps(&extension_ranges, "extension range", "Extension range", 1));
        self.diagnostics.extend(out);
    }

    /// The message's extension ranges, reserved ranges and reserved names.
    fn ranges(&self, message: &MessageView<'_>) -> (Vec<RangeAt>, Vec<RangeAt>, ReservedNames) {
        let max = range_max(message.message_set);
        let at = |r: &ast::Range| RangeAt {
            start: r.start.as_i32(),
            end: range_end(r, max),
            span: r.span,
        };
        let mut extension_ranges = Vec::new();
        let mut reserved_ranges = Vec::new();
        let mut names = Vec::new();
        for item in message.items {
            match item {
                ast::MessageItem::Extensions(e) => extension_ranges.extend(e.ranges.iter().map(at)),
                ast::MessageItem::Reserved(r) => match &r.kind {
                    ast::ReservedKind::Ranges(ranges) => {
                        reserved_ranges.extend(ranges.iter().map(at))
                    }
                    kind => names.extend(self.reserved_names(kind)),
                },
                _ => {}
            }
        }
        (extension_ranges, reserved_ranges, ReservedNames::new(names))
    }

    /// Reserved names with where each was written.
    fn reserved_names(&self, kind: &ast::ReservedKind) -> Vec<(String, Span)> {
        match kind {
            ast::ReservedKind::Ranges(_) => Vec::new(),
            ast::ReservedKind::Strings(names) => names
                .iter()
                .map(|n| (String::from_utf8_lossy(&n.value).into_owned(), n.span))
                .collect(),
            ast::ReservedKind::Idents(names) => {
                names.iter().map(|n| (self.text(n.span), n.span)).collect()
            }
        }
    }

    /// protoc's "is reserved multiple times", reported at the declaration's
    /// name.
    fn reserved_twice(&self, at: Span, names: &ReservedNames, what: &str) -> Vec<Diagnostic> {
        names
            .repeats
            .iter()
            .map(|(name, span)| {
                let mut d = Diagnostic::error(
                    Code::OverlappingRanges,
                    self.file,
                    at,
                    format!("`{name}` is reserved more than once"),
                )
                .protoc(format!("{what} \"{name}\" is reserved multiple times."))
                .label("in this declaration")
                .secondary(*span, "reserved again here");
                if let Some(first) = names.first.get(name) {
                    d = d.secondary(*first, "first reserved here");
                }
                d
            })
            .collect()
    }

    /// Pairs of overlapping ranges, reported at the earlier one as protoc
    /// does. `exclusive` is 1 for message ranges, whose ends are exclusive
    /// (printed minus one), and 0 for enum ranges.
    fn overlaps(
        &self,
        ranges: &[RangeAt],
        what: &str,
        protoc_what: &str,
        exclusive: i32,
    ) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        for (i, first) in ranges.iter().enumerate() {
            for second in &ranges[i + 1..] {
                let overlap = if exclusive == 1 {
                    first.end > second.start && second.end > first.start
                } else {
                    first.end >= second.start && second.end >= first.start
                };
                if overlap {
                    out.push(
                        Diagnostic::error(
                            Code::OverlappingRanges,
                            self.file,
                            first.span,
                            format!("{what}s overlap"),
                        )
                        .protoc(format!(
                            "{protoc_what} {} to {} overlaps with already-defined range {} to {}.",
                            second.start,
                            second.end - exclusive,
                            first.start,
                            first.end - exclusive
                        ))
                        .label(format!("this {what}"))
                        .secondary(second.span, "overlaps this one"),
                    );
                }
            }
        }
        out
    }

    /// Numbers must be positive, and a field's at most 2^29-1 (an
    /// extension's upper bound is its extendee's ranges).
    fn field_number_checks(&self, field: &FieldView<'_>, is_extension: bool) -> Vec<Diagnostic> {
        let (message, protoc) = if field.number <= 0 {
            (
                "field numbers must be positive",
                "Field numbers must be positive integers.".to_owned(),
            )
        } else if !is_extension && field.number > MAX_FIELD_NUMBER {
            (
                "field number too large",
                format!("Field numbers cannot be greater than {MAX_FIELD_NUMBER}."),
            )
        } else {
            return Vec::new();
        };
        vec![Diagnostic::error(
            Code::FieldNumberOutOfRange,
            self.file,
            field.number_span,
            message,
        )
        .protoc(protoc)
        .label(format!("`{}` is numbered {}", field.name, field.number))
        .help(format!("field numbers go from 1 to {MAX_FIELD_NUMBER}"))]
    }

    fn required_extension(&self, field: &FieldView<'_>, full_name: &str) -> Option<Diagnostic> {
        if field.label != Some(ast::Label::Required) {
            return None;
        }
        Some(
            Diagnostic::error(
                Code::InvalidFieldOption,
                self.file,
                field.type_span,
                format!("extension `{}` cannot be required", field.name),
            )
            .protoc(format!("The extension {full_name} cannot be required."))
            .help("make it `optional`"),
        )
    }

    /// A repeated field, or a map (repeated in its descriptor), with a
    /// default: protoc's error is at the value. (A group's default is the
    /// parser's error already: groups are messages.)
    fn repeated_default(&self, field: &FieldView<'_>) -> Option<Diagnostic> {
        let default = field.options.default.as_deref()?;
        let repeated = match field.ty {
            FieldTy::Map(_) => true,
            FieldTy::Group => false,
            FieldTy::Scalar(_) | FieldTy::Named(_) => field.label == Some(ast::Label::Repeated),
        };
        if !repeated {
            return None;
        }
        Some(
            Diagnostic::error(
                Code::InvalidDefault,
                self.file,
                default.value_span,
                "repeated fields cannot have a default",
            )
            .protoc("Repeated fields can't have default values.")
            .label("default given here")
            .help("a repeated field starts empty; there is no single value to default to")
            .fix(super::default_removal(field.options, default), ""),
        )
    }

    /// A field numbered inside an extension range or a reserved range.
    fn field_in_ranges(
        &self,
        field: &FieldView<'_>,
        extension_ranges: &[RangeAt],
        reserved_ranges: &[RangeAt],
    ) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        for range in extension_ranges {
            if range.start <= field.number && field.number < range.end {
                out.push(
                    Diagnostic::error(
                        Code::UsesReserved,
                        self.file,
                        range.span,
                        format!("extension range includes field `{}`", field.name),
                    )
                    .protoc(format!(
                        "Extension range {} to {} includes field \"{}\" ({}).",
                        range.start,
                        range.end - 1,
                        field.name,
                        field.number
                    ))
                    .label(format!("includes {}", field.number))
                    .secondary(field.number_span, "field numbered here"),
                );
            }
        }
        for range in reserved_ranges {
            if range.start <= field.number && field.number < range.end {
                out.push(
                    Diagnostic::error(
                        Code::UsesReserved,
                        self.file,
                        range.span,
                        format!(
                            "field `{}` uses reserved number {}",
                            field.name, field.number
                        ),
                    )
                    .protoc(format!(
                        "Field \"{}\" uses reserved number {}.",
                        field.name, field.number
                    ))
                    .label("reserved here")
                    .secondary(field.number_span, "used here"),
                );
            }
        }
        out
    }

    fn build_enum(&mut self, index: usize) {
        let e = &self.enums[index];
        let mut out = Vec::new();
        let values: Vec<&ast::EnumValue> = e
            .decl
            .items
            .iter()
            .filter_map(|item| match item {
                ast::EnumItem::Value(v) => Some(v),
                _ => None,
            })
            .collect();
        if values.is_empty() {
            out.push(
                Diagnostic::error(
                    Code::EmptyEnum,
                    self.file,
                    e.decl.name.span,
                    "enum has no values",
                )
                .protoc("Enums must contain at least one value.")
                .help("add a value, e.g. `UNSPECIFIED = 0;`"),
            );
        }
        let mut ranges = Vec::new();
        let mut names = Vec::new();
        for item in &e.decl.items {
            if let ast::EnumItem::Reserved(r) = item {
                match &r.kind {
                    ast::ReservedKind::Ranges(rs) => ranges.extend(rs.iter().map(|r| RangeAt {
                        start: r.start.as_i32(),
                        end: enum_range_end(r),
                        span: r.span,
                    })),
                    kind => names.extend(self.reserved_names(kind)),
                }
            }
        }
        for range in &ranges {
            if range.start > range.end {
                out.push(invalid_range(
                    self,
                    range.span,
                    "this reserved range is empty",
                    "Reserved range end number must be greater than start number.",
                ));
            }
        }
        out.extend(self.overlaps(&ranges, "reserved range", "Reserved range", 0));
        let names = ReservedNames::new(names);
        out.extend(self.reserved_twice(e.decl.name.span, &names, "Enum value"));
        for value in &values {
            let name = self.text(value.name.span);
            let number = value.number.as_i32();
            for range in &ranges {
                if range.start <= number && number <= range.end {
                    out.push(
                        Diagnostic::error(
                            Code::UsesReserved,
                            self.file,
                            range.span,
                            format!("enum value `{name}` uses reserved number {number}"),
                        )
                        .protoc(format!(
                            "Enum value \"{name}\" uses reserved number {number}."
                        ))
                        .label("reserved here")
                        .secondary(value.number.span, "used here"),
                    );
                }
            }
            if let Some(span) = names.first.get(name.as_str()) {
                out.push(
                    Diagnostic::error(
                        Code::UsesReserved,
                        self.file,
                        value.name.span,
                        format!("enum value name `{name}` is reserved"),
                    )
                    .protoc(format!("Enum value \"{name}\" is reserved."))
                    .label("reserved name")
                    .secondary(*span, "reserved here"),
                );
            }
        }
        self.diagnostics.extend(out);
    }
}

fn invalid_range(v: &Validator<'_>, span: Span, label: &str, protoc: &str) -> Diagnostic {
    Diagnostic::error(Code::InvalidRange, v.file, span, "invalid range")
        .protoc(protoc)
        .label(label)
}
