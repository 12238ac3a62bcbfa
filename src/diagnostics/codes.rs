//! The stable diagnostic codes. A code never changes meaning once released;
//! `docs/diagnostics.md` documents each one with an example.

macro_rules! codes {
    ($( $(#[$doc:meta])* $variant:ident = $code:literal, $name:literal; )*) => {
        /// A stable identifier for one rule.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code {
            $( $(#[$doc])* $variant, )*
        }

        impl Code {
            /// Every code, in documentation order.
            pub const ALL: &'static [Code] = &[$(Code::$variant),*];

            /// The code as printed, e.g. `E1003`.
            pub fn as_str(self) -> &'static str {
                match self { $( Code::$variant => $code, )* }
            }

            /// A short kebab-case name for the rule, e.g. `unterminated-string`.
            pub fn name(self) -> &'static str {
                match self { $( Code::$variant => $name, )* }
            }
        }
    };
}

codes! {
    // Lexical errors: the tokenizer.
    /// A control character outside a string or comment.
    ControlCharacter = "E1001", "control-character";
    /// A byte >= 0x80 outside a string or comment.
    NonAsciiCharacter = "E1002", "non-ascii-character";
    /// A string literal that reaches the end of the file.
    UnterminatedString = "E1003", "unterminated-string";
    /// A string literal that reaches the end of its line.
    MultilineString = "E1004", "multiline-string";
    /// A backslash followed by a character that is not an escape.
    InvalidEscape = "E1005", "invalid-escape";
    /// `\x` without a hex digit.
    InvalidHexEscape = "E1006", "invalid-hex-escape";
    /// `\u` without four hex digits, or `\U` without eight up to 10ffff.
    InvalidUnicodeEscape = "E1007", "invalid-unicode-escape";
    /// A `/*` comment that reaches the end of the file.
    UnterminatedBlockComment = "E1008", "unterminated-block-comment";
    /// `/*` inside a block comment.
    NestedBlockComment = "E1009", "nested-block-comment";
    /// `0x` without hex digits.
    HexWithoutDigits = "E1010", "hex-without-digits";
    /// A leading zero followed by 8 or 9.
    InvalidOctal = "E1011", "invalid-octal";
    /// `e` without an exponent.
    MissingExponent = "E1012", "missing-exponent";
    /// A number running straight into a letter, as in `1to`.
    NumberFollowedByLetter = "E1013", "number-followed-by-letter";
    /// A second decimal point or an exponent's decimal point.
    ExtraDecimalPoint = "E1014", "extra-decimal-point";
    /// A decimal point after a hex or octal integer.
    NonDecimalFloat = "E1015", "non-decimal-float";
    /// An identifier running straight into `.5`.
    IdentifierFollowedByNumber = "E1016", "identifier-followed-by-number";
    /// The file starts with 0xEF but not a whole UTF-8 byte-order mark.
    InvalidByteOrderMark = "E1017", "invalid-byte-order-mark";

    // Syntax errors: the parser.
    /// A token other than the one the grammar needs here.
    UnexpectedToken = "E2001", "unexpected-token";
    /// The file ends inside a block or value.
    UnexpectedEof = "E2002", "unexpected-eof";
    /// A `}` with no block to close.
    UnmatchedCloseBrace = "E2003", "unmatched-close-brace";
    /// A statement that cannot appear at the top level of a file.
    ExpectedTopLevelStatement = "E2004", "expected-top-level-statement";
    /// `syntax = "..."` with something other than proto2 or proto3.
    UnknownSyntax = "E2005", "unknown-syntax";
    /// `edition = "..."` naming no edition.
    UnknownEdition = "E2006", "unknown-edition";
    /// An edition this compiler does not support yet, or no longer.
    UnsupportedEdition = "E2007", "unsupported-edition";
    /// An integer outside the range its position allows.
    IntegerOutOfRange = "E2008", "integer-out-of-range";
    /// A range bound equal to 2^31-1, which leaves no room for its end.
    FieldNumberOutOfBounds = "E2009", "field-number-out-of-bounds";
    /// Messages nested deeper than protoc allows.
    NestingTooDeep = "E2010", "nesting-too-deep";
    /// A proto2 field without `optional`, `required` or `repeated`.
    MissingLabel = "E2011", "missing-label";
    /// A label on a field inside a oneof.
    LabelInOneof = "E2012", "label-in-oneof";
    /// A map field inside a oneof.
    MapInOneof = "E2013", "map-in-oneof";
    /// A label on a map field.
    LabelOnMap = "E2014", "label-on-map";
    /// A map field inside `extend`.
    MapExtension = "E2015", "map-extension";
    /// A group whose name does not start with a capital letter.
    GroupNameNotCapitalized = "E2016", "group-name-not-capitalized";
    /// A group without its `{ ... }` body.
    MissingGroupBody = "E2017", "missing-group-body";
    /// `default` or `json_name` given twice on one field.
    DuplicatePseudoOption = "E2018", "duplicate-pseudo-option";
    /// A default value that does not fit the field's type.
    InvalidDefaultValue = "E2019", "invalid-default-value";
    /// An option value that is not a value.
    InvalidOptionValue = "E2020", "invalid-option-value";
    /// Reserved names spelt the way the file's syntax does not allow.
    ReservedNameSyntax = "E2021", "reserved-name-syntax";
    /// `optional` or `required` in an editions file.
    LabelInEditions = "E2022", "label-in-editions";
    /// A group in an editions file.
    GroupInEditions = "E2023", "group-in-editions";
    /// A scalar type where a message type is needed.
    ExpectedMessageType = "E2024", "expected-message-type";
    /// A second `package` statement.
    MultiplePackages = "E2025", "multiple-packages";
    /// An import form the file's edition does not allow, or out of order.
    InvalidImport = "E2026", "invalid-import";
    /// `export` or `local` before something other than a message or enum.
    MisplacedVisibility = "E2027", "misplaced-visibility";
    /// An aggregate option value that is not valid text format.
    InvalidAggregate = "E2028", "invalid-aggregate";
    /// A scalar type name edition UNSTABLE replaced, e.g. `sint32`.
    ObsoleteType = "E2029", "obsolete-type";

    // Semantic errors: imports, symbols, names.
    /// Two definitions with the same fully-qualified name.
    DuplicateSymbol = "E3001", "duplicate-symbol";
    /// An imported file that is in no include path.
    ImportNotFound = "E3002", "import-not-found";
    /// An import of a file that was not found or has errors.
    ImportFailed = "E3003", "import-failed";
    /// A file that imports itself, directly or through others.
    ImportCycle = "E3004", "import-cycle";
    /// The same file imported twice.
    DuplicateImport = "E3005", "duplicate-import";
    /// A type name that resolves to nothing.
    UnresolvedName = "E3006", "unresolved-name";
    /// A compound name whose first part resolves to an inner scope that
    /// lacks the rest.
    PartialMatch = "E3007", "partial-match";
    /// A name defined in a file that is not imported.
    NotImported = "E3008", "not-imported";
    /// A name of the wrong kind, e.g. a service used as a field type.
    WrongKindOfName = "E3009", "wrong-kind-of-name";
    /// A custom option whose extension is not visible.
    UnknownOption = "E3010", "unknown-option";
    /// A group in a proto3 file.
    GroupInProto3 = "E3011", "group-in-proto3";

    // Validation errors: protoc's descriptor rules.
    /// A field or extension number of zero or less, or above 2^29-1.
    FieldNumberOutOfRange = "E3012", "field-number-out-of-range";
    /// A field number in 19000-19999, kept for the protobuf implementation.
    ImplementationReservedNumber = "E3013", "implementation-reserved-number";
    /// Two fields of a message with the same number.
    DuplicateFieldNumber = "E3014", "duplicate-field-number";
    /// A field or enum value using a reserved number or name.
    UsesReserved = "E3015", "uses-reserved";
    /// A reserved or extension range that is empty, backwards or below 1.
    InvalidRange = "E3016", "invalid-range";
    /// Overlapping ranges, or a name reserved twice.
    OverlappingRanges = "E3017", "overlapping-ranges";
    /// An extension number outside every extension range of its extendee.
    ExtensionNotInRange = "E3018", "extension-not-in-range";
    /// Two extensions of one message with the same number.
    DuplicateExtensionNumber = "E3019", "duplicate-extension-number";
    /// Two fields whose JSON names clash, or an invalid custom JSON name.
    JsonNameConflict = "E3020", "json-name-conflict";
    /// An open enum whose first value is not zero.
    EnumFirstValueNotZero = "E3021", "enum-first-value-not-zero";
    /// Two enum values with one number, without `allow_alias`.
    EnumAliasNotAllowed = "E3022", "enum-alias-not-allowed";
    /// Enum values whose names clash once the prefix and case are dropped.
    EnumValueNameConflict = "E3023", "enum-value-name-conflict";
    /// An enum with no values.
    EmptyEnum = "E3024", "empty-enum";
    /// A map key of a type that cannot be a key, or an enum map value
    /// whose first value is not zero.
    InvalidMapType = "E3025", "invalid-map-type";
    /// A map's synthesized entry message used as a field type.
    MapEntryAsType = "E3026", "map-entry-as-type";
    /// Something proto3 does not allow: `required`, `default`, extension
    /// ranges, MessageSets, extensions other than options, closed enums.
    NotAllowedInProto3 = "E3027", "not-allowed-in-proto3";
    /// A default value that the field's message or enum type cannot take.
    InvalidDefault = "E3028", "invalid-default";
    /// A field option on a field it does not apply to (`packed`, `lazy`,
    /// `json_name` on an extension), or a required extension.
    InvalidFieldOption = "E3029", "invalid-field-option";
    /// A MessageSet with fields, or an extension of one that is not an
    /// optional message.
    MessageSetRule = "E3030", "message-set-rule";
    /// A `features` setting the element cannot take under editions.
    InvalidFeature = "E3031", "invalid-feature";
    /// A name that breaks the naming style `features.enforce_naming_style`
    /// enforces (edition 2024's default): TitleCase, lower_snake_case or
    /// UPPER_SNAKE_CASE, underscores only before letters.
    NamingStyle = "E3032", "naming-style";
    /// A field or oneof name that collides with generated accessors
    /// (`has_x` beside `x`, `descriptor`), under `STYLE2026`.
    AccessorNameCollision = "E3033", "accessor-name-collision";
    /// A message or enum of another file that is `local` there, by keyword
    /// or by its `default_symbol_visibility`.
    SymbolNotVisible = "E3034", "symbol-not-visible";
    /// `export` on a nested message or enum under
    /// `default_symbol_visibility = STRICT`.
    NestedExportStrict = "E3035", "nested-export-strict";
    /// An import path that is not canonical (`./a.proto`, `a//b.proto`,
    /// `..`), which no include path opens.
    NonCanonicalImport = "E3036", "non-canonical-import";
    /// A package name longer or deeper than protoc builds.
    PackageLimit = "E3037", "package-limit";
    /// A file that is not lite importing a lite one, or a lite file
    /// extending a message of a file that is not.
    LiteRuntimeRule = "E3038", "lite-runtime-rule";

    // Code generation errors.
    /// Two .proto names that become the same Rust name.
    RustNameCollision = "E4001", "rust-name-collision";
    /// A .proto name that becomes no Rust identifier.
    RustNotAnIdentifier = "E4002", "rust-not-an-identifier";
    /// A closed enum (editions), which prost generates as an open one.
    RustClosedEnum = "W4001", "rust-closed-enum";
    /// A string field with `utf8_validation = NONE` (editions), which
    /// prost's `String` checks anyway.
    RustUtf8Unchecked = "W4002", "rust-utf8-unchecked";

    // Warnings.
    /// An import nothing in the file uses.
    UnusedImport = "W3001", "unused-import";
    /// A JSON name clash that protoc tolerates under
    /// `json_format = LEGACY_BEST_EFFORT` (proto2's default).
    LegacyJsonNameConflict = "W3002", "legacy-json-name-conflict";
    /// An extension number another file already uses for the same message.
    ExtensionNumberReused = "W3003", "extension-number-reused";
    /// A feature or option value used in or after the edition that
    /// deprecated it, e.g. `features.(pb.cpp).legacy_closed_enum`.
    DeprecatedFeature = "W3004", "deprecated-feature";
    /// A file with no `syntax` or `edition` statement.
    MissingSyntax = "W2001", "missing-syntax";
    /// A reserved name string that is not an identifier.
    ReservedNameNotIdentifier = "W2002", "reserved-name-not-identifier";

    // Driver errors: reading files and arguments.
    /// A file named on the command line could not be found or read.
    FileNotFound = "E0001", "file-not-found";
    /// A file named on the command line is not under any include path.
    FileNotInIncludePath = "E0002", "file-not-in-include-path";
    /// A file named on the command line exists but cannot be read.
    CannotReadInput = "E0003", "cannot-read-input";
    /// A file named on the command line is hidden by an earlier include
    /// path's file of the same name.
    InputShadowed = "E0004", "input-shadowed";
    /// A `--descriptor_set_in` file that cannot be read or used.
    UnusableDescriptorSet = "E0005", "unusable-descriptor-set";
    /// An output that cannot be written.
    CannotWriteOutput = "E0006", "cannot-write-output";
    /// A plugin or built-in generator that failed.
    GeneratorFailed = "E0007", "generator-failed";
    /// An option value the run cannot use.
    InvalidArgument = "E0008", "invalid-argument";
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_and_names_are_unique() {
        let codes: HashSet<_> = Code::ALL.iter().map(|c| c.as_str()).collect();
        let names: HashSet<_> = Code::ALL.iter().map(|c| c.name()).collect();
        assert_eq!(codes.len(), Code::ALL.len());
        assert_eq!(names.len(), Code::ALL.len());
    }
}

#[cfg(test)]
mod docs_tests {
    use super::Code;

    /// docs/diagnostics.md documents every code under its own heading.
    #[test]
    fn every_code_is_documented() {
        let docs = include_str!("../../docs/diagnostics.md");
        for code in Code::ALL {
            let heading = format!("### {} `{}`", code.as_str(), code.name());
            assert!(
                docs.contains(&heading),
                "docs/diagnostics.md lacks `{heading}`"
            );
        }
    }
}
