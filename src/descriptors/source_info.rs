//! `SourceCodeInfo` as protoc writes it with `--include_source_info`.
//!
//! protoc's parser records a location each time it starts a construct
//! (its `LocationRecorder`s), in that order, each spanning from the token
//! where it started to the last token it consumed, and attaches comments
//! where a declaration ends (`;` or `{`). Option interpretation then moves
//! each option statement's location to the path of the field it set and
//! drops the locations inside it. This module replays that walk over the
//! syntax tree: same paths, same order, same spans, same comments.
//!
//! Spans are `[line, column, end column]` or, across lines, `[line,
//! column, end line, end column]`, zero-based, columns counting a tab as
//! reaching the next multiple of 8.

use super::pb::{self, source_code_info::Location};
use crate::semantics::options::{Destinations, Interpreted, Target, FILE_OPTIONS};
use crate::source::{SourceFile, Span};
use crate::syntax::ast;
use crate::syntax::comments::Comment;

// Field numbers of descriptor.proto, the components of location paths.
mod tag {
    pub const FILE_PACKAGE: i32 = 2;
    pub const FILE_DEPENDENCY: i32 = 3;
    pub const FILE_MESSAGE: i32 = 4;
    pub const FILE_ENUM: i32 = 5;
    pub const FILE_SERVICE: i32 = 6;
    pub const FILE_EXTENSION: i32 = 7;
    pub const FILE_OPTIONS: i32 = 8;
    pub const FILE_PUBLIC_DEPENDENCY: i32 = 10;
    pub const FILE_WEAK_DEPENDENCY: i32 = 11;
    pub const FILE_SYNTAX: i32 = 12;
    pub const FILE_OPTION_DEPENDENCY: i32 = 15;

    pub const MESSAGE_NAME: i32 = 1;
    pub const MESSAGE_FIELD: i32 = 2;
    pub const MESSAGE_NESTED: i32 = 3;
    pub const MESSAGE_ENUM: i32 = 4;
    pub const MESSAGE_EXTENSION_RANGE: i32 = 5;
    pub const MESSAGE_EXTENSION: i32 = 6;
    pub const MESSAGE_OPTIONS: i32 = 7;
    pub const MESSAGE_ONEOF: i32 = 8;
    pub const MESSAGE_RESERVED_RANGE: i32 = 9;
    pub const MESSAGE_RESERVED_NAME: i32 = 10;

    pub const RANGE_START: i32 = 1;
    pub const RANGE_END: i32 = 2;
    pub const EXTENSION_RANGE_OPTIONS: i32 = 3;

    pub const FIELD_NAME: i32 = 1;
    pub const FIELD_EXTENDEE: i32 = 2;
    pub const FIELD_NUMBER: i32 = 3;
    pub const FIELD_LABEL: i32 = 4;
    pub const FIELD_TYPE: i32 = 5;
    pub const FIELD_TYPE_NAME: i32 = 6;
    pub const FIELD_DEFAULT: i32 = 7;
    pub const FIELD_OPTIONS: i32 = 8;
    pub const FIELD_JSON_NAME: i32 = 10;

    pub const ONEOF_NAME: i32 = 1;
    pub const ONEOF_OPTIONS: i32 = 2;

    pub const ENUM_NAME: i32 = 1;
    pub const ENUM_VALUE: i32 = 2;
    pub const ENUM_OPTIONS: i32 = 3;
    pub const ENUM_RESERVED_RANGE: i32 = 4;
    pub const ENUM_RESERVED_NAME: i32 = 5;

    pub const VALUE_NAME: i32 = 1;
    pub const VALUE_NUMBER: i32 = 2;
    pub const VALUE_OPTIONS: i32 = 3;

    pub const SERVICE_NAME: i32 = 1;
    pub const SERVICE_METHOD: i32 = 2;
    pub const SERVICE_OPTIONS: i32 = 3;

    pub const METHOD_NAME: i32 = 1;
    pub const METHOD_INPUT: i32 = 2;
    pub const METHOD_OUTPUT: i32 = 3;
    pub const METHOD_OPTIONS: i32 = 4;
    pub const METHOD_CLIENT_STREAMING: i32 = 5;
    pub const METHOD_SERVER_STREAMING: i32 = 6;

    /// `uninterpreted_option`, where an option stays if it was not
    /// interpreted.
    pub const UNINTERPRETED_OPTION: i32 = 999;
}

/// Counters of a message's repeated children, as protoc numbers them:
/// nested types include groups and map entries.
#[derive(Default)]
struct MessageCounts {
    fields: i32,
    nested: i32,
    enums: i32,
    extensions: i32,
    extension_ranges: i32,
    oneofs: i32,
    reserved_ranges: i32,
    reserved_names: i32,
}

/// Counters of the file's repeated children.
#[derive(Default)]
struct FileCounts {
    messages: i32,
    enums: i32,
    services: i32,
    extensions: i32,
    dependencies: i32,
    public_dependencies: i32,
    weak_dependencies: i32,
    option_dependencies: i32,
}

pub struct Recorder<'a> {
    source: &'a SourceFile,
    destinations: &'a Destinations,
    /// The options messages written, to tell which ones stripping emptied.
    options: &'a Interpreted,
    /// Whether source-retention options stay (`--retain-options`), and
    /// their locations with them.
    retain_options: bool,
    sink: Sink,
}

/// Where the recorder puts each location, as it makes them.
enum Sink {
    /// Every location, to make a `SourceCodeInfo` of.
    Locations(Vec<Location>),
    /// Only locations that carry comments: what code generators read to
    /// write doc comments.
    ForCodegen(Vec<Location>),
    /// Every location, encoded as `SourceCodeInfo.location` (field 1) at
    /// once, so a large file's locations never exist as values all at once.
    Encoded(Vec<u8>),
}

/// Which locations [`Recorder::file`] keeps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Detail {
    /// Every location, as protoc writes them.
    Full,
    /// The locations with comments only: what code generators read to
    /// write docs, a fraction of the whole on a large file. (Where a name
    /// is, for a diagnostic, is then looked up in the full source info.)
    ForCodegen,
}

impl<'a> Recorder<'a> {
    pub fn new(
        source: &'a SourceFile,
        destinations: &'a Destinations,
        options: &'a Interpreted,
        retain_options: bool,
    ) -> Recorder<'a> {
        Recorder {
            source,
            destinations,
            options,
            retain_options,
            sink: Sink::Locations(Vec::new()),
        }
    }

    /// Whether the element's options message is written. protoc removes
    /// an options message that stripping emptied, and every location
    /// inside it.
    fn options_written(&self, key: u32, target: Target) -> bool {
        self.retain_options || self.options.contains_key((key, target))
    }

    /// The SourceCodeInfo of `file`, with the locations `detail` asks for.
    pub fn file(mut self, file: &ast::File, detail: Detail) -> pb::SourceCodeInfo {
        if detail == Detail::ForCodegen {
            self.sink = Sink::ForCodegen(Vec::new());
        }
        self.walk(file);
        match self.sink {
            Sink::Locations(location) | Sink::ForCodegen(location) => {
                pb::SourceCodeInfo { location }
            }
            Sink::Encoded(_) => pb::SourceCodeInfo::default(),
        }
    }

    /// Appends the encoded SourceCodeInfo of `file` to `out`: the bytes
    /// of [`Recorder::file`]'s result, without making it.
    pub fn encode_file(mut self, file: &ast::File, out: Vec<u8>) -> Vec<u8> {
        self.sink = Sink::Encoded(out);
        self.walk(file);
        match self.sink {
            Sink::Encoded(out) => out,
            Sink::Locations(_) | Sink::ForCodegen(_) => Vec::new(),
        }
    }

    /// Records the locations of `file`, in protoc's order.
    fn walk(&mut self, file: &ast::File) {
        self.add(&[], self.file_span(file));
        if let Some(decl) = &file.syntax_decl {
            self.add_commented(&[tag::FILE_SYNTAX], decl.span, &decl.comments);
        }
        let mut counts = FileCounts::default();
        for item in &file.items {
            self.top_level(item, &mut counts);
        }
    }

    /// From the first token to the last: the root location. A file of no
    /// token (empty, or only comments and blanks) has one all the same, as
    /// protoc records it: from where its parser stood, the end of input,
    /// to the end of the last token consumed, of which there is none, so
    /// line 0, column 0 (`[1, 0, 0, 0]` for a one-line comment).
    fn file_span(&self, file: &ast::File) -> Span {
        if file.tokens.is_empty() {
            let end_of_input = u32::try_from(self.source.bytes().len()).unwrap_or(u32::MAX);
            return Span::new(end_of_input, 0);
        }
        file.tokens
    }

    fn top_level(&mut self, item: &ast::Item, counts: &mut FileCounts) {
        match item {
            ast::Item::Message(m) => {
                let path = [tag::FILE_MESSAGE, counts.messages];
                counts.messages += 1;
                self.message(&path, m);
            }
            ast::Item::Enum(e) => {
                let path = [tag::FILE_ENUM, counts.enums];
                counts.enums += 1;
                self.enumeration(&path, e);
            }
            ast::Item::Service(s) => {
                let path = [tag::FILE_SERVICE, counts.services];
                counts.services += 1;
                self.service(&path, s);
            }
            ast::Item::Extend(e) => self.extend(
                &[],
                (tag::FILE_EXTENSION, &mut counts.extensions),
                (tag::FILE_MESSAGE, &mut counts.messages),
                e,
            ),
            ast::Item::Import(import) => self.import(import, counts),
            ast::Item::Package(p) => self.add_commented(&[tag::FILE_PACKAGE], p.span, &p.comments),
            ast::Item::Option(o) => {
                self.option_statement(&[tag::FILE_OPTIONS], o, (FILE_OPTIONS, Target::File))
            }
        }
    }

    fn import(&mut self, import: &ast::Import, counts: &mut FileCounts) {
        if import.kind == ast::ImportKind::Option {
            let path = [tag::FILE_OPTION_DEPENDENCY, counts.option_dependencies];
            counts.option_dependencies += 1;
            self.add_commented(&path, import.span, &import.comments);
            return;
        }
        let path = [tag::FILE_DEPENDENCY, counts.dependencies];
        counts.dependencies += 1;
        self.add_commented(&path, import.span, &import.comments);
        let modifier = match import.kind {
            ast::ImportKind::Public => {
                let path = [tag::FILE_PUBLIC_DEPENDENCY, counts.public_dependencies];
                counts.public_dependencies += 1;
                Some(path)
            }
            ast::ImportKind::Weak => {
                let path = [tag::FILE_WEAK_DEPENDENCY, counts.weak_dependencies];
                counts.weak_dependencies += 1;
                Some(path)
            }
            _ => None,
        };
        if let (Some(path), Some(span)) = (modifier, import.modifier) {
            self.add(&path, span);
        }
    }

    /// Where a message or enum declaration starts: its keyword, after any
    /// `export`/`local`.
    fn keyword_start(&self, span: Span, visibility: Option<(ast::Visibility, Span)>) -> Span {
        match visibility {
            Some((_, v)) if v.start == span.start => Span {
                start: self.next_token(v.end),
                end: span.end,
            },
            _ => span,
        }
    }

    /// The start of the first token at or after `offset`, skipping
    /// whitespace and comments.
    fn next_token(&self, mut offset: u32) -> u32 {
        let bytes = self.source.bytes();
        let len = bytes.len() as u32;
        while offset < len {
            let b = bytes[offset as usize];
            if b.is_ascii_whitespace() {
                offset += 1;
            } else if bytes[offset as usize..].starts_with(b"//") {
                while offset < len && bytes[offset as usize] != b'\n' {
                    offset += 1;
                }
            } else if bytes[offset as usize..].starts_with(b"/*") {
                offset += 2;
                while offset < len && !bytes[offset as usize..].starts_with(b"*/") {
                    offset += 1;
                }
                offset = (offset + 2).min(len);
            } else {
                break;
            }
        }
        offset
    }

    /// A message declaration at `path`: from its keyword to its `}`.
    fn message(&mut self, path: &[i32], message: &ast::Message) {
        let span = self.keyword_start(message.span, message.visibility);
        self.add_commented(path, span, &message.comments);
        self.add(&child(path, &[tag::MESSAGE_NAME]), message.name.span);
        self.message_body(path, message.name.span.start, &message.body);
    }

    /// `key` is where the message's name starts, which keys its options.
    fn message_body(&mut self, path: &[i32], key: u32, body: &ast::MessageBody) {
        let mut counts = MessageCounts::default();
        for item in &body.items {
            self.message_item(path, key, item, &mut counts);
        }
    }

    fn message_item(
        &mut self,
        path: &[i32],
        key: u32,
        item: &ast::MessageItem,
        counts: &mut MessageCounts,
    ) {
        match item {
            ast::MessageItem::Field(f) => {
                let field_path = child(path, &[tag::MESSAGE_FIELD, counts.fields]);
                counts.fields += 1;
                self.field(&field_path, f, true);
                if matches!(f.ty, ast::FieldType::Map(_)) {
                    counts.nested += 1;
                }
            }
            ast::MessageItem::Group(g) => {
                let field_path = child(path, &[tag::MESSAGE_FIELD, counts.fields]);
                counts.fields += 1;
                let group_path = child(path, &[tag::MESSAGE_NESTED, counts.nested]);
                counts.nested += 1;
                self.group(&field_path, &group_path, g, true, None);
            }
            ast::MessageItem::Message(m) => {
                let nested_path = child(path, &[tag::MESSAGE_NESTED, counts.nested]);
                counts.nested += 1;
                self.message(&nested_path, m);
            }
            ast::MessageItem::Enum(e) => {
                let enum_path = child(path, &[tag::MESSAGE_ENUM, counts.enums]);
                counts.enums += 1;
                self.enumeration(&enum_path, e);
            }
            ast::MessageItem::Extend(e) => self.extend(
                path,
                (tag::MESSAGE_EXTENSION, &mut counts.extensions),
                (tag::MESSAGE_NESTED, &mut counts.nested),
                e,
            ),
            ast::MessageItem::Extensions(e) => self.extensions(path, e, counts),
            ast::MessageItem::Reserved(r) => self.reserved(
                path,
                r,
                tag::MESSAGE_RESERVED_RANGE,
                tag::MESSAGE_RESERVED_NAME,
                &mut counts.reserved_ranges,
                &mut counts.reserved_names,
            ),
            ast::MessageItem::Option(o) => {
                let options = child(path, &[tag::MESSAGE_OPTIONS]);
                self.option_statement(&options, o, (key, Target::Message));
            }
            ast::MessageItem::Oneof(o) => {
                let oneof_path = child(path, &[tag::MESSAGE_ONEOF, counts.oneofs]);
                counts.oneofs += 1;
                self.add_commented(&oneof_path, o.span, &o.comments);
                self.add(&child(&oneof_path, &[tag::ONEOF_NAME]), o.name.span);
                for item in &o.items {
                    match item {
                        ast::OneofItem::Option(option) => {
                            let options = child(&oneof_path, &[tag::ONEOF_OPTIONS]);
                            let element = (o.name.span.start, Target::Oneof);
                            self.option_statement(&options, option, element);
                        }
                        ast::OneofItem::Field(f) => {
                            let field_path = child(path, &[tag::MESSAGE_FIELD, counts.fields]);
                            counts.fields += 1;
                            self.field(&field_path, f, false);
                            if matches!(f.ty, ast::FieldType::Map(_)) {
                                counts.nested += 1;
                            }
                        }
                        ast::OneofItem::Group(g) => {
                            let field_path = child(path, &[tag::MESSAGE_FIELD, counts.fields]);
                            counts.fields += 1;
                            let group_path = child(path, &[tag::MESSAGE_NESTED, counts.nested]);
                            counts.nested += 1;
                            self.group(&field_path, &group_path, g, false, None);
                        }
                    }
                }
            }
        }
    }

    /// A field's own locations, in the order protoc's parser records them.
    /// `labels` is false inside oneofs, where protoc records no label.
    fn field(&mut self, path: &[i32], field: &ast::Field, labels: bool) {
        self.add_commented(path, field.span, &field.comments);
        self.field_parts(path, field, labels);
    }

    fn field_parts(&mut self, path: &[i32], field: &ast::Field, labels: bool) {
        if let (true, Some((_, span))) = (labels, field.label) {
            self.add(&child(path, &[tag::FIELD_LABEL]), span);
        }
        let type_tag = match field.ty {
            ast::FieldType::Scalar(..) => tag::FIELD_TYPE,
            _ => tag::FIELD_TYPE_NAME,
        };
        self.add(&child(path, &[type_tag]), field.ty.span());
        self.add(&child(path, &[tag::FIELD_NAME]), field.name.span);
        self.add(&child(path, &[tag::FIELD_NUMBER]), field.number.span);
        self.field_options(path, field.name.span.start, &field.options);
    }

    /// `[default = ..., json_name = ..., option = ...]`.
    fn field_options(&mut self, path: &[i32], key: u32, options: &ast::FieldOptions) {
        let Some(span) = options.span else { return };
        let options_path = child(path, &[tag::FIELD_OPTIONS]);
        // `default` and `json_name` alone still make a bracket location.
        let written = options.options.is_empty() || self.options_written(key, Target::Field);
        if written {
            self.add(&options_path, span);
        }
        // protoc records them in the order written.
        let mut entries: Vec<(u32, Entry<'_>)> = Vec::new();
        if let Some(default) = &options.default {
            entries.push((default.span.start, Entry::Default(default)));
        }
        if let Some((value, span)) = options.json_name.as_deref() {
            entries.push((span.start, Entry::JsonName(*span, value.span)));
        }
        for option in &options.options {
            entries.push((option.span.start, Entry::Option(option)));
        }
        entries.sort_by_key(|(start, _)| *start);
        for (_, entry) in entries {
            match entry {
                Entry::Default(default) => {
                    self.add(&child(path, &[tag::FIELD_DEFAULT]), default.value_span)
                }
                Entry::JsonName(whole, value) => {
                    let json = child(path, &[tag::FIELD_JSON_NAME]);
                    self.add(&json, whole);
                    self.add(&json, value);
                }
                Entry::Option(option) if written => self.option(&options_path, option),
                Entry::Option(_) => {}
            }
        }
    }

    /// A group: its field, then its message.
    fn group(
        &mut self,
        field_path: &[i32],
        group_path: &[i32],
        group: &ast::Group,
        labels: bool,
        extendee: Option<Span>,
    ) {
        self.add(field_path, group.span);
        if let Some(extendee) = extendee {
            self.add(&child(field_path, &[tag::FIELD_EXTENDEE]), extendee);
        }
        if let (true, Some((_, span))) = (labels, group.label) {
            self.add(&child(field_path, &[tag::FIELD_LABEL]), span);
        }
        self.add(&child(field_path, &[tag::FIELD_TYPE]), group.keyword);
        self.add(&child(field_path, &[tag::FIELD_NAME]), group.name.span);
        self.add(&child(field_path, &[tag::FIELD_NUMBER]), group.number.span);
        self.field_options(field_path, group.name.span.start, &group.options);
        let start = group.span;
        self.add_commented(group_path, start, &group.comments);
        self.add(&child(group_path, &[tag::MESSAGE_NAME]), group.name.span);
        self.add(&child(field_path, &[tag::FIELD_TYPE_NAME]), group.name.span);
        self.message_body(group_path, group.name.span.start, &group.body);
    }

    /// An `extend` block: the block at `parent + [extension_tag]`, each
    /// field at `parent + [extension_tag, n]` with its extendee; groups
    /// are nested types of `parent`, counted by `nested`.
    fn extend(
        &mut self,
        parent: &[i32],
        (extension_tag, extensions): (i32, &mut i32),
        (nested_tag, nested): (i32, &mut i32),
        extend: &ast::Extend,
    ) {
        let block = child(parent, &[extension_tag]);
        self.add_commented(&block, extend.span, &extend.comments);
        for item in &extend.items {
            let field_path = child(parent, &[extension_tag, *extensions]);
            *extensions += 1;
            match item {
                ast::ExtendItem::Field(f) => {
                    self.add_commented(&field_path, f.span, &f.comments);
                    self.add(
                        &child(&field_path, &[tag::FIELD_EXTENDEE]),
                        extend.extendee.span,
                    );
                    self.field_parts(&field_path, f, true);
                }
                ast::ExtendItem::Group(g) => {
                    let group_path = child(parent, &[nested_tag, *nested]);
                    *nested += 1;
                    self.group(
                        &field_path,
                        &group_path,
                        g,
                        true,
                        Some(extend.extendee.span),
                    );
                }
            }
        }
    }

    fn extensions(
        &mut self,
        path: &[i32],
        extensions: &ast::Extensions,
        counts: &mut MessageCounts,
    ) {
        let statement = child(path, &[tag::MESSAGE_EXTENSION_RANGE]);
        self.add_commented(&statement, extensions.span, &extensions.comments);
        let first = counts.extension_ranges;
        for range in &extensions.ranges {
            let range_path = child(&statement, &[counts.extension_ranges]);
            counts.extension_ranges += 1;
            self.range(&range_path, range);
        }
        if extensions.options.is_empty()
            || !self.options_written(extensions.span.start, Target::ExtensionRange)
        {
            return;
        }
        // protoc records the bracket once and copies it to every range.
        let bracket = self.bracket_span(&extensions.options);
        for index in first..counts.extension_ranges {
            let options = child(&statement, &[index, tag::EXTENSION_RANGE_OPTIONS]);
            self.add(&options, bracket);
            for option in &extensions.options {
                self.option(&options, option);
            }
        }
    }

    /// The `[ ... ]` around bracketed options: from the `[` before the
    /// first to the `]` after the last.
    fn bracket_span(&self, options: &[ast::OptionDecl]) -> Span {
        let bytes = self.source.bytes();
        let first = options.first().map_or(0, |o| o.span.start);
        let last = options.last().map_or(0, |o| o.span.end);
        let open = bytes[..first as usize]
            .iter()
            .rposition(|&b| b == b'[')
            .map_or(first, |p| p as u32);
        let close = self.next_token(last);
        Span {
            start: open,
            end: (close + 1).min(bytes.len() as u32),
        }
    }

    /// One range of `extensions` or `reserved`: the range, its start, its
    /// end (the start's token again for a single number).
    fn range(&mut self, path: &[i32], range: &ast::Range) {
        self.add(path, range.span);
        self.add(&child(path, &[tag::RANGE_START]), range.start.span);
        let end = match range.end {
            ast::RangeEnd::Single => range.start.span,
            ast::RangeEnd::Int(end) => end.span,
            ast::RangeEnd::Max(span) => span,
        };
        self.add(&child(path, &[tag::RANGE_END]), end);
    }

    fn reserved(
        &mut self,
        path: &[i32],
        reserved: &ast::Reserved,
        range_tag: i32,
        name_tag: i32,
        ranges: &mut i32,
        names: &mut i32,
    ) {
        match &reserved.kind {
            ast::ReservedKind::Ranges(list) => {
                let statement = child(path, &[range_tag]);
                self.add_commented(&statement, reserved.span, &reserved.comments);
                for range in list {
                    let range_path = child(&statement, &[*ranges]);
                    *ranges += 1;
                    self.range(&range_path, range);
                }
            }
            ast::ReservedKind::Strings(list) => {
                let statement = child(path, &[name_tag]);
                self.add_commented(&statement, reserved.span, &reserved.comments);
                for name in list {
                    self.add(&child(&statement, &[*names]), name.span);
                    *names += 1;
                }
            }
            ast::ReservedKind::Idents(list) => {
                let statement = child(path, &[name_tag]);
                self.add_commented(&statement, reserved.span, &reserved.comments);
                for name in list {
                    self.add(&child(&statement, &[*names]), name.span);
                    *names += 1;
                }
            }
        }
    }

    fn enumeration(&mut self, path: &[i32], e: &ast::Enum) {
        self.add_commented(path, self.keyword_start(e.span, e.visibility), &e.comments);
        self.add(&child(path, &[tag::ENUM_NAME]), e.name.span);
        let (mut values, mut ranges, mut names) = (0, 0, 0);
        for item in &e.items {
            match item {
                ast::EnumItem::Value(v) => {
                    let value_path = child(path, &[tag::ENUM_VALUE, values]);
                    values += 1;
                    self.add_commented(&value_path, v.span, &v.comments);
                    self.add(&child(&value_path, &[tag::VALUE_NAME]), v.name.span);
                    self.add(&child(&value_path, &[tag::VALUE_NUMBER]), v.number.span);
                    let element = (v.name.span.start, Target::EnumValue);
                    if !v.options.is_empty() && self.options_written(element.0, element.1) {
                        let options = child(&value_path, &[tag::VALUE_OPTIONS]);
                        self.add(&options, self.bracket_span(&v.options));
                        for option in &v.options {
                            self.option(&options, option);
                        }
                    }
                }
                ast::EnumItem::Option(o) => {
                    let options = child(path, &[tag::ENUM_OPTIONS]);
                    self.option_statement(&options, o, (e.name.span.start, Target::Enum));
                }
                ast::EnumItem::Reserved(r) => self.reserved(
                    path,
                    r,
                    tag::ENUM_RESERVED_RANGE,
                    tag::ENUM_RESERVED_NAME,
                    &mut ranges,
                    &mut names,
                ),
            }
        }
    }

    fn service(&mut self, path: &[i32], s: &ast::Service) {
        self.add_commented(path, s.span, &s.comments);
        self.add(&child(path, &[tag::SERVICE_NAME]), s.name.span);
        let mut methods = 0;
        for item in &s.items {
            match item {
                ast::ServiceItem::Option(o) => {
                    let options = child(path, &[tag::SERVICE_OPTIONS]);
                    self.option_statement(&options, o, (s.name.span.start, Target::Service));
                }
                ast::ServiceItem::Rpc(rpc) => {
                    let method = child(path, &[tag::SERVICE_METHOD, methods]);
                    methods += 1;
                    self.method(&method, rpc);
                }
            }
        }
    }

    fn method(&mut self, path: &[i32], rpc: &ast::Rpc) {
        self.add_commented(path, rpc.span, &rpc.comments);
        self.add(&child(path, &[tag::METHOD_NAME]), rpc.name.span);
        if let Some(stream) = rpc.input.stream {
            self.add(&child(path, &[tag::METHOD_CLIENT_STREAMING]), stream);
        }
        self.add(&child(path, &[tag::METHOD_INPUT]), rpc.input.name.span);
        if let Some(stream) = rpc.output.stream {
            self.add(&child(path, &[tag::METHOD_SERVER_STREAMING]), stream);
        }
        self.add(&child(path, &[tag::METHOD_OUTPUT]), rpc.output.name.span);
        for option in &rpc.options {
            let options = child(path, &[tag::METHOD_OPTIONS]);
            self.option_statement(&options, option, (rpc.name.span.start, Target::Method));
        }
    }

    /// An `option` statement: a location for the statement at the
    /// options field, then the option itself, unless stripping emptied the
    /// options of `element` (its key and kind).
    fn option_statement(
        &mut self,
        options_path: &[i32],
        option: &ast::OptionDecl,
        element: (u32, Target),
    ) {
        if !self.options_written(element.0, element.1) {
            return;
        }
        self.add(options_path, option.span);
        self.option(options_path, option);
    }

    /// An option statement or bracketed option, at the field it set (or,
    /// had it not been interpreted, at `uninterpreted_option`); none for an
    /// option stripped for its source retention.
    fn option(&mut self, options_path: &[i32], option: &ast::OptionDecl) {
        let destination = self.destinations.get(option.span.start);
        let path = match destination {
            Some((_, stripped)) if stripped && !self.retain_options => return,
            Some((path, _)) => child(options_path, path),
            None => child(options_path, &[tag::UNINTERPRETED_OPTION]),
        };
        self.add_commented(&path, option.span, &option.comments);
    }

    fn add(&mut self, path: &[i32], span: Span) {
        if matches!(self.sink, Sink::ForCodegen(_)) {
            return;
        }
        let location = Location {
            path: path.to_vec(),
            span: self.span(span),
            ..Default::default()
        };
        self.push(location);
    }

    fn add_commented(&mut self, path: &[i32], span: Span, comments: &ast::Comments) {
        let has_comments = comments.leading.is_some()
            || comments.trailing.is_some()
            || !comments.detached.is_empty();
        if matches!(self.sink, Sink::ForCodegen(_)) && !has_comments {
            return;
        }
        let text = |c: &Comment| c.text(self.source.bytes());
        let location = Location {
            path: path.to_vec(),
            span: self.span(span),
            leading_comments: comments.leading.as_ref().map(text),
            trailing_comments: comments.trailing.as_ref().map(text),
            leading_detached_comments: comments.detached.iter().map(text).collect(),
        };
        self.push(location);
    }

    fn push(&mut self, location: Location) {
        match &mut self.sink {
            Sink::Locations(locations) | Sink::ForCodegen(locations) => locations.push(location),
            Sink::Encoded(out) => prost::encoding::message::encode(1, &location, out),
        }
    }

    /// protoc's span: start line and column, then the end line when it
    /// differs, then the end column.
    fn span(&self, span: Span) -> Vec<i32> {
        let start = self.source.line_col(span.start);
        let end = self.source.line_col(span.end);
        let mut out = vec![start.line as i32, start.column as i32];
        if end.line != start.line {
            out.push(end.line as i32);
        }
        out.push(end.column as i32);
        out
    }
}

enum Entry<'a> {
    Default(&'a ast::DefaultValue),
    JsonName(Span, Span),
    Option(&'a ast::OptionDecl),
}

fn child(path: &[i32], more: &[i32]) -> Vec<i32> {
    let mut out = Vec::with_capacity(path.len() + more.len());
    out.extend_from_slice(path);
    out.extend_from_slice(more);
    out
}
