//! The spanned syntax tree of one .proto file.
//!
//! Every node carries the byte span of its source text. Names are spans into
//! the source, never copied strings; string literals keep their decoded
//! bytes because escapes make them differ from the source. Declarations
//! carry the comments protoc attaches to them.
//!
//! Architecture invariant: the tree says what was written, not what it
//! means. Nothing here is resolved or validated beyond what protoc's parser
//! itself checks; that is the semantics stage's work.

use super::comments::Comment;
use crate::source::Span;

/// An identifier, as a span into the source.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ident {
    pub span: Span,
}

/// A dotted name such as `.foo.Bar` or `google.protobuf.Timestamp`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FullIdent {
    /// The span of the leading `.`, for a fully-qualified name.
    pub leading_dot: Option<Span>,
    pub parts: Vec<Ident>,
    pub span: Span,
}

/// One or more adjacent string literals, concatenated and unescaped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StrLit {
    pub value: Vec<u8>,
    pub span: Span,
}

/// An integer literal with an optional `-`, its value parsed the way protoc
/// parses it for its position (out-of-range values are reported and read
/// as 0).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IntLit {
    pub negative: bool,
    pub magnitude: u64,
    pub span: Span,
}

impl IntLit {
    /// The value as protoc stores it in a 32-bit field.
    pub fn as_i32(&self) -> i32 {
        if self.negative {
            (self.magnitude as i64).wrapping_neg() as i32
        } else {
            self.magnitude as i32
        }
    }
}

/// The comments protoc attaches to a declaration.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Comments {
    pub leading: Option<Comment>,
    pub trailing: Option<Comment>,
    pub detached: Vec<Comment>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Syntax {
    Proto2,
    Proto3,
    Editions(Edition),
}

/// The editions this parser knows by name, as in descriptor.proto.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Edition {
    Legacy,
    Test1,
    Test2,
    E2023,
    E2024,
    E2026,
    Unstable,
    Test99997,
    Test99998,
    Test99999,
    Max,
}

impl Edition {
    /// The edition named `name` in `edition = "name";`, as protoc's parser
    /// accepts it (by its enum name after `EDITION_`).
    pub fn from_name(name: &[u8]) -> Option<Edition> {
        Some(match name {
            b"LEGACY" => Edition::Legacy,
            b"1_TEST_ONLY" => Edition::Test1,
            b"2_TEST_ONLY" => Edition::Test2,
            b"2023" => Edition::E2023,
            b"2024" => Edition::E2024,
            b"2026" => Edition::E2026,
            b"UNSTABLE" => Edition::Unstable,
            b"99997_TEST_ONLY" => Edition::Test99997,
            b"99998_TEST_ONLY" => Edition::Test99998,
            b"99999_TEST_ONLY" => Edition::Test99999,
            b"MAX" => Edition::Max,
            _ => return None,
        })
    }

    /// The `Edition` enum value in descriptor.proto.
    pub fn number(self) -> i32 {
        match self {
            Edition::Legacy => 900,
            Edition::Test1 => 1,
            Edition::Test2 => 2,
            Edition::E2023 => 1000,
            Edition::E2024 => 1001,
            Edition::E2026 => 1002,
            Edition::Unstable => 9999,
            Edition::Test99997 => 99997,
            Edition::Test99998 => 99998,
            Edition::Test99999 => 99999,
            Edition::Max => i32::MAX,
        }
    }

    /// The name protoc prints for this edition.
    pub fn name(self) -> &'static str {
        match self {
            Edition::Legacy => "LEGACY",
            Edition::Test1 => "1_TEST_ONLY",
            Edition::Test2 => "2_TEST_ONLY",
            Edition::E2023 => "2023",
            Edition::E2024 => "2024",
            Edition::E2026 => "2026",
            Edition::Unstable => "UNSTABLE",
            Edition::Test99997 => "99997_TEST_ONLY",
            Edition::Test99998 => "99998_TEST_ONLY",
            Edition::Test99999 => "99999_TEST_ONLY",
            Edition::Max => "MAX",
        }
    }
}

#[derive(Clone, Debug)]
pub struct File {
    pub syntax_decl: Option<SyntaxDecl>,
    pub items: Vec<Item>,
    /// The whole file.
    pub span: Span,
    /// From the first token to the last (empty for a file without tokens):
    /// protoc's root source location.
    pub tokens: Span,
}

impl File {
    /// The file's syntax; proto2 when it has no syntax statement.
    pub fn syntax(&self) -> Syntax {
        self.syntax_decl
            .as_ref()
            .map_or(Syntax::Proto2, |decl| decl.syntax)
    }
}

/// `syntax = "proto3";` or `edition = "2023";`
#[derive(Clone, Debug)]
pub struct SyntaxDecl {
    pub keyword: Ident,
    pub value: StrLit,
    pub syntax: Syntax,
    pub span: Span,
    pub comments: Comments,
}

#[derive(Clone, Debug)]
pub enum Item {
    Package(Package),
    Import(Import),
    Option(OptionDecl),
    Message(Message),
    Enum(Enum),
    Service(Service),
    Extend(Extend),
}

#[derive(Clone, Debug)]
pub struct Package {
    pub name: FullIdent,
    pub span: Span,
    pub comments: Comments,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImportKind {
    Default,
    Public,
    Weak,
    /// `import option "..."` (edition 2024).
    Option,
}

#[derive(Clone, Debug)]
pub struct Import {
    pub kind: ImportKind,
    /// The span of `public`, `weak` or `option`.
    pub modifier: Option<Span>,
    pub path: StrLit,
    pub span: Span,
    pub comments: Comments,
}

/// `export` or `local` before a message or enum (edition 2024).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Visibility {
    Export,
    Local,
}

/// An option statement, `option (a.b).c = 1;`, or one option of a
/// bracketed list, `[deprecated = true]`.
#[derive(Clone, Debug)]
pub struct OptionDecl {
    pub name: OptionName,
    pub value: OptionValue,
    pub span: Span,
    pub comments: Comments,
}

#[derive(Clone, Debug)]
pub struct OptionName {
    pub parts: Vec<OptionNamePart>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum OptionNamePart {
    /// A plain field name, e.g. `deprecated` or `features`.
    Field(Ident),
    /// An extension in parentheses, e.g. `(foo.bar)`; the span includes them.
    Extension(FullIdent, Span),
}

#[derive(Clone, Debug)]
pub struct OptionValue {
    pub kind: ValueKind,
    pub span: Span,
}

/// An option value, classified as protoc's parser classifies it.
#[derive(Clone, Debug)]
pub enum ValueKind {
    /// An identifier such as `true` or an enum value name.
    Ident(Ident),
    /// An integer that fits: positive up to 2^64-1, negative down to -2^63.
    Int(IntLit),
    /// A float, or an integer too large to be one; `-inf` and `-nan` too.
    Float(f64),
    Str(StrLit),
    /// A text-format message in braces.
    Aggregate(Aggregate),
}

/// A text-format message value: `{ a: 1 b { c: "x" } d: [1, 2] }`.
#[derive(Clone, Debug)]
pub struct Aggregate {
    pub fields: Vec<AggregateField>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct AggregateField {
    pub name: AggregateName,
    pub value: AggregateValue,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum AggregateName {
    Field(Ident),
    /// `[pkg.ext]`, or `[type.googleapis.com/pkg.Msg]` for an Any.
    Extension {
        name: FullIdent,
        url_prefix: Option<Span>,
        span: Span,
    },
}

#[derive(Clone, Debug)]
pub enum AggregateValue {
    /// A scalar: identifier, number (with an optional `-`), or string.
    Scalar(ScalarValue),
    Message(Aggregate),
    List(Vec<AggregateValue>, Span),
}

#[derive(Clone, Debug)]
pub struct ScalarValue {
    pub negative: bool,
    pub kind: ScalarKind,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum ScalarKind {
    Ident(Ident),
    Int(Span),
    Float(Span),
    Str(StrLit),
}

#[derive(Clone, Debug)]
pub struct Message {
    pub visibility: Option<(Visibility, Span)>,
    pub name: Ident,
    pub body: MessageBody,
    pub span: Span,
    pub comments: Comments,
}

#[derive(Clone, Debug)]
pub struct MessageBody {
    pub items: Vec<MessageItem>,
    pub span: Span,
}

/// The larger and rarer kinds are boxed: a list of items is as wide as its
/// widest kind, and most items are fields.
#[derive(Clone, Debug)]
pub enum MessageItem {
    Field(Field),
    Group(Group),
    Oneof(Oneof),
    Message(Message),
    Enum(Enum),
    Extend(Box<Extend>),
    Extensions(Extensions),
    Reserved(Reserved),
    Option(Box<OptionDecl>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Label {
    Optional,
    Required,
    Repeated,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ScalarType {
    Double,
    Float,
    Int64,
    Uint64,
    Int32,
    Fixed64,
    Fixed32,
    Bool,
    String,
    Bytes,
    Uint32,
    Sfixed32,
    Sfixed64,
    Sint32,
    Sint64,
}

impl ScalarType {
    pub fn from_name(name: &[u8]) -> Option<ScalarType> {
        Some(match name {
            b"double" => ScalarType::Double,
            b"float" => ScalarType::Float,
            b"int64" => ScalarType::Int64,
            b"uint64" => ScalarType::Uint64,
            b"int32" => ScalarType::Int32,
            b"fixed64" => ScalarType::Fixed64,
            b"fixed32" => ScalarType::Fixed32,
            b"bool" => ScalarType::Bool,
            b"string" => ScalarType::String,
            b"bytes" => ScalarType::Bytes,
            b"uint32" => ScalarType::Uint32,
            b"sfixed32" => ScalarType::Sfixed32,
            b"sfixed64" => ScalarType::Sfixed64,
            b"sint32" => ScalarType::Sint32,
            b"sint64" => ScalarType::Sint64,
            _ => return None,
        })
    }

    /// The type a name stands for under edition UNSTABLE, where the plain
    /// integer names mean fixed-width encodings and varints are spelt
    /// `varint32`, `zigzag32`, ...; `Err` holds the replacement of a name
    /// that edition made obsolete.
    pub fn from_unstable_name(name: &[u8]) -> Option<Result<ScalarType, &'static str>> {
        Some(Ok(match name {
            b"double" => ScalarType::Double,
            b"float" => ScalarType::Float,
            b"bool" => ScalarType::Bool,
            b"string" => ScalarType::String,
            b"bytes" => ScalarType::Bytes,
            b"uint64" => ScalarType::Fixed64,
            b"uint32" => ScalarType::Fixed32,
            b"int32" => ScalarType::Sfixed32,
            b"int64" => ScalarType::Sfixed64,
            b"varint32" => ScalarType::Int32,
            b"varint64" => ScalarType::Int64,
            b"uvarint32" => ScalarType::Uint32,
            b"uvarint64" => ScalarType::Uint64,
            b"zigzag32" => ScalarType::Sint32,
            b"zigzag64" => ScalarType::Sint64,
            b"fixed32" => return Some(Err("uint32")),
            b"fixed64" => return Some(Err("uint64")),
            b"sfixed32" => return Some(Err("int32")),
            b"sfixed64" => return Some(Err("int64")),
            b"sint32" => return Some(Err("zigzag32")),
            b"sint64" => return Some(Err("zigzag64")),
            _ => return None,
        }))
    }

    pub fn name(self) -> &'static str {
        match self {
            ScalarType::Double => "double",
            ScalarType::Float => "float",
            ScalarType::Int64 => "int64",
            ScalarType::Uint64 => "uint64",
            ScalarType::Int32 => "int32",
            ScalarType::Fixed64 => "fixed64",
            ScalarType::Fixed32 => "fixed32",
            ScalarType::Bool => "bool",
            ScalarType::String => "string",
            ScalarType::Bytes => "bytes",
            ScalarType::Uint32 => "uint32",
            ScalarType::Sfixed32 => "sfixed32",
            ScalarType::Sfixed64 => "sfixed64",
            ScalarType::Sint32 => "sint32",
            ScalarType::Sint64 => "sint64",
        }
    }
}

#[derive(Clone, Debug)]
pub enum FieldType {
    Scalar(ScalarType, Span),
    Named(FullIdent),
    Map(Box<MapType>),
}

impl FieldType {
    pub fn span(&self) -> Span {
        match self {
            FieldType::Scalar(_, span) => *span,
            FieldType::Named(name) => name.span,
            FieldType::Map(map) => map.span,
        }
    }
}

/// `map<K, V>`; key and value are never maps themselves.
#[derive(Clone, Debug)]
pub struct MapType {
    pub key: FieldType,
    pub value: FieldType,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Field {
    pub label: Option<(Label, Span)>,
    pub ty: FieldType,
    pub name: Ident,
    pub number: IntLit,
    pub options: Rare<FieldOptions>,
    pub span: Span,
    pub comments: Rare<Comments>,
}

/// A part of a node that most nodes of its kind lack (a field's comments,
/// its bracketed options): boxed when there is one, a null pointer when
/// not, and read as an empty value either way. Fields are the most
/// numerous nodes of a large file; this keeps each to about half the size.
#[derive(Clone, Debug, Default)]
pub struct Rare<T>(Option<Box<T>>);

/// What [`Rare`] can hold: a value with an empty form to stand for it.
pub trait Emptiable: 'static {
    fn is_empty(&self) -> bool;
    fn empty() -> &'static Self;
}

impl<T: Emptiable> Rare<T> {
    pub fn new(value: T) -> Rare<T> {
        Rare((!value.is_empty()).then(|| Box::new(value)))
    }
}

impl<T: Emptiable> From<T> for Rare<T> {
    fn from(value: T) -> Rare<T> {
        Rare::new(value)
    }
}

impl<T: Emptiable> std::ops::Deref for Rare<T> {
    type Target = T;

    fn deref(&self) -> &T {
        match &self.0 {
            Some(value) => value,
            None => T::empty(),
        }
    }
}

impl Emptiable for Comments {
    fn is_empty(&self) -> bool {
        self.leading.is_none() && self.trailing.is_none() && self.detached.is_empty()
    }

    fn empty() -> &'static Comments {
        static EMPTY: Comments = Comments {
            leading: None,
            trailing: None,
            detached: Vec::new(),
        };
        &EMPTY
    }
}

impl Emptiable for FieldOptions {
    fn is_empty(&self) -> bool {
        self.default.is_none()
            && self.json_name.is_none()
            && self.options.is_empty()
            && self.span.is_none()
    }

    fn empty() -> &'static FieldOptions {
        static EMPTY: FieldOptions = FieldOptions {
            default: None,
            json_name: None,
            options: Vec::new(),
            span: None,
        };
        &EMPTY
    }
}

/// The bracketed options of a field, with protoc's two pseudo-options kept
/// apart: `default` and `json_name` are fields of the descriptor, not
/// options.
#[derive(Clone, Debug, Default)]
pub struct FieldOptions {
    /// Boxed, as both are rare and a field is the most numerous node.
    pub default: Option<Box<DefaultValue>>,
    pub json_name: Option<Box<(StrLit, Span)>>,
    pub options: Vec<OptionDecl>,
    /// The span of the brackets, when there are any.
    pub span: Option<Span>,
}

/// `default = ...`, parsed by the rules of the field's type.
#[derive(Clone, Debug)]
pub struct DefaultValue {
    pub kind: DefaultKind,
    /// The span of the value (with its `-`).
    pub value_span: Span,
    /// The span of `default = value`.
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum DefaultKind {
    /// Signed or unsigned integer types.
    Int(IntLit),
    /// float and double: the value, with `-` applied.
    Float(f64),
    Bool(bool),
    Str(StrLit),
    /// An enum value name, or whatever single token follows when the type
    /// is a name not yet resolved.
    Token(Span),
}

#[derive(Clone, Debug)]
pub struct Group {
    pub label: Option<(Label, Span)>,
    /// The span of the `group` keyword.
    pub keyword: Span,
    pub name: Ident,
    pub number: IntLit,
    pub options: Rare<FieldOptions>,
    pub body: MessageBody,
    pub span: Span,
    pub comments: Rare<Comments>,
}

#[derive(Clone, Debug)]
pub struct Oneof {
    pub name: Ident,
    pub items: Vec<OneofItem>,
    pub span: Span,
    pub comments: Comments,
}

#[derive(Clone, Debug)]
pub enum OneofItem {
    Field(Field),
    Group(Group),
    Option(Box<OptionDecl>),
}

#[derive(Clone, Debug)]
pub struct Extend {
    pub extendee: FullIdent,
    pub items: Vec<ExtendItem>,
    pub span: Span,
    pub comments: Comments,
}

#[derive(Clone, Debug)]
pub enum ExtendItem {
    Field(Field),
    Group(Group),
}

/// One range of `extensions` or `reserved`: `start`, or `start to end`, or
/// `start to max`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Range {
    pub start: IntLit,
    pub end: RangeEnd,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RangeEnd {
    /// A single number: the range ends where it starts.
    Single,
    Int(IntLit),
    Max(Span),
}

#[derive(Clone, Debug)]
pub struct Extensions {
    pub ranges: Vec<Range>,
    pub options: Vec<OptionDecl>,
    pub span: Span,
    pub comments: Comments,
}

#[derive(Clone, Debug)]
pub struct Reserved {
    pub kind: ReservedKind,
    pub span: Span,
    pub comments: Comments,
}

#[derive(Clone, Debug)]
pub enum ReservedKind {
    Ranges(Vec<Range>),
    /// Quoted names (proto2, proto3).
    Strings(Vec<StrLit>),
    /// Bare identifiers (editions).
    Idents(Vec<Ident>),
}

#[derive(Clone, Debug)]
pub struct Enum {
    pub visibility: Option<(Visibility, Span)>,
    pub name: Ident,
    pub items: Vec<EnumItem>,
    pub span: Span,
    pub comments: Comments,
}

#[derive(Clone, Debug)]
pub enum EnumItem {
    Value(EnumValue),
    Option(OptionDecl),
    Reserved(Reserved),
}

#[derive(Clone, Debug)]
pub struct EnumValue {
    pub name: Ident,
    pub number: IntLit,
    pub options: Vec<OptionDecl>,
    pub span: Span,
    pub comments: Comments,
}

#[derive(Clone, Debug)]
pub struct Service {
    pub name: Ident,
    pub items: Vec<ServiceItem>,
    pub span: Span,
    pub comments: Comments,
}

#[derive(Clone, Debug)]
pub enum ServiceItem {
    Rpc(Rpc),
    Option(OptionDecl),
}

#[derive(Clone, Debug)]
pub struct Rpc {
    pub name: Ident,
    pub input: RpcType,
    pub output: RpcType,
    pub options: Vec<OptionDecl>,
    /// Whether the method has a `{ ... }` body (protoc then writes an
    /// options message even when the body is empty).
    pub has_body: bool,
    pub span: Span,
    pub comments: Comments,
}

#[derive(Clone, Debug)]
pub struct RpcType {
    /// The span of `stream`, when the side streams.
    pub stream: Option<Span>,
    pub name: FullIdent,
}
