//! Protobuf text format, as protoc 35's `--encode`, `--decode` and
//! `--decode_raw` read and write it: text to wire format ([`encode`]),
//! wire format to text ([`decode`]), and wire format of no known type to
//! text ([`decode_raw`]). Types come from a [`Pool`] built from
//! descriptor protos.
//!
//! Output equals protoc's byte for byte; the goldens under
//! `fixtures/goldens/textformat/` (written by
//! `scripts/regen-textformat-goldens.sh` with protoc 35.1) check it. What
//! protoc does, in our words (found in its sources and by experiment):
//!
//! **Parsing text** (`--encode` parses with partial messages allowed):
//! fields are `name: value` or `name { ... }` / `name < ... >`, the colon
//! optional before a message; `,` or `;` may follow any field; `#` starts
//! a comment. A repeated field may take a list, `name: [a, b]` (`[]` is
//! empty). Groups are named by their field name or their type's name.
//! Maps are repeated entry messages with `key` and `value`. Extensions are
//! `[full.name]`; inside a google.protobuf.Any, `[prefix/full.Name] {...}`
//! sets `type_url` and `value` (the payload serialized on the spot). Enums
//! take a value name or a number (a number without a name only for open
//! enums). Integers are decimal, `0x` hex or leading-zero octal, range
//! checked per type (`-` is a token of its own). Floats accept integers
//! (decimal only), an `f` suffix, and `inf`, `infinity`, `nan` in any
//! case; a float field takes the double narrowed as protoc narrows it.
//! Bools are `true`/`True`/`t`/`1` and `false`/`False`/`f`/`0`. Adjacent
//! strings concatenate; escapes are C's plus `\u`/`\U`. A singular field
//! set twice, a second member of a oneof, an unknown field name, extension
//! or enum name fail the parse; a field without presence that still holds
//! its default does not count as set. Reserved field names are skipped.
//! The first parser error stops the parse; tokenizer errors are all
//! reported and fail it at the end. Deprecated fields give a warning.
//!
//! **Serializing**: set fields in number order (extensions among them),
//! packed fields as one run, unknown fields last. Map entries keep the
//! order of the text, duplicates included: that is what protoc 35 writes
//! without `--deterministic_output` (its parser fills the map's repeated
//! view, which then is what gets serialized), so [`encode`] matches it;
//! [`encode_deterministic`] sorts entries by key as that flag does (Any
//! payloads stay in text order either way, as in protoc).
//!
//! **Parsing wire format** (`--decode`, partial messages allowed): a
//! field whose wire type does not fit its declaration is kept as an
//! unknown field, and so is an unknown number of a closed enum (a map
//! entry holding one moves whole to the unknown fields); repeated scalars
//! take packed and unpacked input alike; a singular message met twice is
//! merged, a scalar overwritten; a oneof member clears the others; strings
//! that require UTF-8 (proto3, or the edition feature) must be valid.
//! Parsing fails on truncated data, wire types 6 and 7, field number 0,
//! tags longer than 5 bytes or varints longer than 10, an end-group tag
//! that closes no group or another one, a group left open, a packed
//! fixed-width run whose length is not a multiple of the width, and
//! nesting (messages and groups) deeper than 100.
//!
//! **Printing** (`--decode`): two-space indentation; set fields in number
//! order, extensions among them as `[full.name]`, groups by their type's
//! name, one line per element of a repeated field; map entries stably
//! sorted by key (duplicates kept), key and value always shown; enums by
//! name, or by number when the number has none; strings and bytes
//! C-escaped byte by byte, every non-ASCII byte in octal even in valid
//! UTF-8; floats and doubles as the shortest `%g` (6 or 9, 15 or 17
//! digits) that reads back; Any not expanded (protoc 35 leaves
//! `expand_any` off here). Unknown fields follow the known ones: varints
//! in decimal, fixed32 and fixed64 as `0x` and 8 or 16 hex digits, groups
//! as blocks, and length-delimited values as a block when they parse as a
//! message (guessing at most 10 levels deep) or else as a string.
//! `--decode_raw` prints a message's fields this way, all of them unknown.
//!
//! **Required fields**: protoc warns when the message is not initialized,
//! listing the unset required fields it finds by walking the fields that
//! are set. A map entry whose message value is absent counts as that
//! type's empty message, so protoc may warn without naming a field.
//!
//! Not implemented: MessageSet wire format (MessageSet items are read
//! and written as plain groups); weak fields; text nesting beyond 500
//! levels (protoc sets no limit and crashes somewhere past tens of
//! thousands; what it writes past 100 it cannot read back); protoc's log
//! line when it serializes a proto3 string that is not UTF-8 (it encodes
//! the string anyway, and so do we, silently). Error messages are
//! `String`s: a token that is not UTF-8 appears with replacement
//! characters where protoc writes the raw bytes.

mod decode;
mod encode;
mod number;
mod parse;
mod pool;
mod print;
mod tokenizer;
mod value;
mod wire;

pub use pool::Pool;
pub use wire::DecodeError;

/// A problem at a position of the text input, as protoc's text parser
/// reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextError {
    /// 0-based line.
    pub line: u32,
    /// 0-based column in protoc's convention: bytes, tabs advancing to the
    /// next multiple of 8.
    pub column: u32,
    /// protoc's exact words.
    pub message: String,
    /// A warning (protoc goes on) rather than an error.
    pub warning: bool,
}

impl TextError {
    /// The line protoc prints for this problem (1-based position), e.g.
    /// `input:3:7: Expected ":", found "{".` or `input:1:4: warning: ...`.
    pub fn protoc_line(&self, file: &str) -> String {
        let kind = if self.warning { "warning: " } else { "" };
        format!(
            "{file}:{}:{}: {kind}{}",
            self.line + 1,
            self.column + 1,
            self.message
        )
    }
}

/// The wire format of a text message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Encoded {
    pub bytes: Vec<u8>,
    /// Warnings met while parsing (deprecated fields), in order.
    pub warnings: Vec<TextError>,
    /// Paths of required fields left unset, as protoc's
    /// `InitializationErrorString` lists them (`a.b`, `r[0].x`,
    /// `(pkg.ext).y`): protoc warns exactly when this is not empty, with
    /// the parts joined by `", "`. When protoc warns without naming a field
    /// (a map entry without its value, whose type has required fields),
    /// this holds one empty string.
    pub missing_required: Vec<String>,
}

/// The text of a wire-format message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decoded {
    pub text: String,
    /// As in [`Encoded::missing_required`].
    pub missing_required: Vec<String>,
}

fn type_not_defined(type_name: &str) -> Vec<TextError> {
    vec![TextError {
        line: 0,
        column: 0,
        message: format!("Type not defined: {type_name}"),
        warning: false,
    }]
}

/// What protoc's missing-required warning lists; one empty string when
/// the message is not initialized yet no path names why.
fn missing_required(pool: &Pool, message: &value::Message) -> Vec<String> {
    let mut missing = Vec::new();
    message.missing_required(pool, "", &mut missing);
    if missing.is_empty() && !message.is_initialized(pool) {
        missing.push(String::new());
    }
    missing
}

fn encode_with(
    pool: &Pool,
    type_name: &str,
    text: &[u8],
    deterministic: bool,
) -> Result<Encoded, Vec<TextError>> {
    let Some(ty) = pool.message_index(type_name) else {
        return Err(type_not_defined(type_name));
    };
    let parsed = parse::parse(pool, ty, text);
    let Some(message) = parsed.message else {
        return Err(parsed.diagnostics);
    };
    let missing_required = missing_required(pool, &message);
    Ok(Encoded {
        bytes: encode::encode_message(pool, &message, deterministic),
        warnings: parsed.diagnostics,
        missing_required,
    })
}

/// Parses `text` as a text-format message of `type_name` (a full name
/// without the leading dot) and serializes it, as `protoc --encode` does.
///
/// On failure, returns every error and warning in the order protoc prints
/// them (the caller adds `Failed to parse input.`). A type the pool does
/// not hold gives one error, `Type not defined: ...`; check
/// [`Pool::contains_message`] first to report it as protoc does.
///
/// ```
/// use protoc_rs::pb::{DescriptorProto, FieldDescriptorProto, FileDescriptorProto};
/// use protoc_rs::pb::field_descriptor_proto::{Label, Type};
/// use protoc_rs::textformat::{encode, Pool};
///
/// let field = FieldDescriptorProto {
///     name: Some("id".into()),
///     number: Some(1),
///     label: Some(Label::Optional as i32),
///     r#type: Some(Type::Int32 as i32),
///     ..Default::default()
/// };
/// let file = FileDescriptorProto {
///     name: Some("demo.proto".into()),
///     package: Some("demo".into()),
///     message_type: vec![DescriptorProto {
///         name: Some("Item".into()),
///         field: vec![field],
///         ..Default::default()
///     }],
///     ..Default::default()
/// };
/// let pool = Pool::new(&[file]);
///
/// let encoded = encode(&pool, "demo.Item", b"id: 150").unwrap();
/// assert_eq!(encoded.bytes, [0x08, 0x96, 0x01]);
///
/// let errors = encode(&pool, "demo.Item", b"id: x").unwrap_err();
/// assert_eq!(errors[0].protoc_line("input"), "input:1:5: Expected integer, got: x");
/// ```
pub fn encode(pool: &Pool, type_name: &str, text: &[u8]) -> Result<Encoded, Vec<TextError>> {
    encode_with(pool, type_name, text, false)
}

/// [`encode`] with map entries sorted by key, as
/// `protoc --encode --deterministic_output` writes them.
pub fn encode_deterministic(
    pool: &Pool,
    type_name: &str,
    text: &[u8],
) -> Result<Encoded, Vec<TextError>> {
    encode_with(pool, type_name, text, true)
}

/// Parses `binary` as a message of `type_name` (unknown fields kept) and
/// prints it as text, as `protoc --decode` does. Fails when the input is
/// not a valid message of that type (or the pool has no such type).
pub fn decode(pool: &Pool, type_name: &str, binary: &[u8]) -> Result<Decoded, DecodeError> {
    let ty = pool
        .message_index(type_name)
        .ok_or(DecodeError::new("type not defined"))?;
    let message = decode::decode_message(pool, ty, binary, wire::RECURSION_LIMIT)?;
    let missing_required = missing_required(pool, &message);
    let mut printer = print::Printer::new();
    printer.message(pool, &message);
    Ok(Decoded {
        text: printer.finish(),
        missing_required,
    })
}

/// Prints the fields of any wire-format message by number, as
/// `protoc --decode_raw` does. Fails when the input is not valid wire
/// format.
pub fn decode_raw(binary: &[u8]) -> Result<String, DecodeError> {
    let fields = wire::parse_unknown_set(binary, wire::RECURSION_LIMIT)?;
    let mut printer = print::Printer::new();
    printer.unknown_fields(&fields, print::UNKNOWN_GUESS_DEPTH);
    Ok(printer.finish())
}
