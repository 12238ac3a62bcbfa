//! The editions migration rewriter: the text of a proto2 or proto3 file
//! rewritten as the same file in edition 2023 or 2024, with features that
//! mean the same, by the rules of protobuf's own migration (prototiller):
//!
//! - proto3: `features.field_presence = IMPLICIT` at file level; each
//!   `optional` field loses its label and gets `field_presence = EXPLICIT`
//!   (extensions just lose it: they always have presence);
//!   `[packed = false]` becomes `repeated_field_encoding = EXPANDED` and
//!   `[packed = true]` goes (PACKED is the default).
//! - proto2: CLOSED enums, EXPANDED repeated fields, `utf8_validation =
//!   NONE` and `json_format = LEGACY_BEST_EFFORT` at file level (EXPLICIT
//!   presence is already the default); `optional` goes, `required` becomes
//!   `field_presence = LEGACY_REQUIRED`, `[packed = true]` becomes
//!   `repeated_field_encoding = PACKED` and `[packed = false]` goes. A group
//!   `[label] group Foo = N [opts] { body }` becomes `message Foo { body }`
//!   followed by `[repeated] Foo foo = N [features.message_encoding =
//!   DELIMITED, opts];`, the field named as protoc names a group's field. A
//!   group in a `oneof` or an `extend` block has its message declared just
//!   before that block, in the scope protoc gives a group's message.
//! - both: `reserved "name"` becomes `reserved name`; `option
//!   java_string_check_utf8 = true` (proto2) becomes `features.(pb.java)
//!   .utf8_validation = VERIFY`.
//! - 2024 also: `enforce_naming_style = STYLE_LEGACY` and
//!   `default_symbol_visibility = EXPORT_ALL` at file level (2024's defaults
//!   would reject legacy names and hide nested types); `java_multiple_files`
//!   goes (protoc 35 rejects it; `true` is 2024's default); `[ctype = X]`
//!   becomes `features.(pb.cpp).string_type` (CORD, STRING, and VIEW for
//!   STRING_PIECE) with `import option "google/protobuf/cpp_features.proto"`.
//!   A weak import has no 2024 form: an error.
//!
//! Not carried over: language-specific defaults that change without any
//! option (C++ `string_type` VIEW and `enum_name_uses_string_view` in 2024,
//! Java's outer class name and `java_multiple_files = false` nesting in
//! 2024, `legacy_closed_enum` for proto2 fields of open enums declared in
//! proto3 files, Go's `api_level`).
//!
//! Comments and layout stay where they were: tokens are edited in place, and
//! every inserted statement is placed by protoc's own rules for attaching
//! comments (`Tokenizer::NextWithComments`), so that each element keeps its
//! leading, trailing and detached comments. A group's comments are protoc's
//! nested message's (protoc records none on a group's field), so they stay
//! with the message, and the new field gets none.
//!
//! std only and a pure function: tests include it with `#[path]`, and so
//! does xtask (`editions-rewrite`).

/// The edition to rewrite into.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Edition {
    E2023,
    E2024,
}

impl Edition {
    /// `"2023"` or `"2024"`.
    pub fn name(self) -> &'static str {
        match self {
            Edition::E2023 => "2023",
            Edition::E2024 => "2024",
        }
    }

    /// The edition named `"2023"` or `"2024"`.
    #[allow(dead_code)] // Not every includer parses names.
    pub fn from_name(name: &str) -> Option<Edition> {
        match name {
            "2023" => Some(Edition::E2023),
            "2024" => Some(Edition::E2024),
            _ => None,
        }
    }
}

/// `source`, a proto2 or proto3 file, rewritten in `edition`. A file already
/// in editions, or one that cannot be rewritten, is an error saying why.
pub fn rewrite(source: &str, edition: Edition) -> Result<String, String> {
    let tokens = tokenize(source)?;
    let mut rewriter = Rewriter {
        text: source,
        tokens,
        edition,
        proto3: false,
        edits: Vec::new(),
        features: Vec::new(),
        imports: Vec::new(),
        last_import: None,
        need_cpp_features: false,
        need_java_features: false,
        crlf: source.contains("\r\n"),
    };
    rewriter.file()?;
    Ok(rewriter.render(0, source.len()))
}

// ---------------------------------------------------------------- tokens

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Ident,
    Number,
    Str,
    Symbol,
}

#[derive(Clone, Copy, Debug)]
struct Token {
    start: usize,
    end: usize,
    kind: Kind,
}

/// protoc's whitespace other than a newline.
fn is_blank(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | 0x0b | 0x0c)
}

/// The tokens of `text`, as protoc's tokenizer splits them; comments and
/// whitespace are skipped (they are found again between tokens).
fn tokenize(text: &str) -> Result<Vec<Token>, String> {
    let bytes = text.as_bytes();
    let mut tokens = Vec::new();
    let mut i = 0;
    // A UTF-8 byte order mark, which protoc skips.
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        i = 3;
    }
    while i < bytes.len() {
        let c = bytes[i];
        let start = i;
        if is_blank(c) || c == b'\n' {
            i += 1;
        } else if bytes[i..].starts_with(b"//") {
            while i < bytes.len() && bytes[i] != b'\n' {
                i += 1;
            }
        } else if bytes[i..].starts_with(b"/*") {
            let close = text[i + 2..]
                .find("*/")
                .ok_or_else(|| format!("{}: unterminated block comment", line_col(text, i)))?;
            i += 2 + close + 2;
        } else if c == b'"' || c == b'\'' {
            i += 1;
            loop {
                match bytes.get(i) {
                    None | Some(b'\n') => {
                        return Err(format!("{}: unterminated string", line_col(text, start)))
                    }
                    Some(b'\\') => i += 2,
                    Some(&q) if q == c => break,
                    Some(_) => i += 1,
                }
            }
            i += 1;
            tokens.push(Token {
                start,
                end: i,
                kind: Kind::Str,
            });
        } else if c.is_ascii_alphabetic() || c == b'_' {
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                i += 1;
            }
            tokens.push(Token {
                start,
                end: i,
                kind: Kind::Ident,
            });
        } else if c.is_ascii_digit()
            || (c == b'.' && bytes.get(i + 1).is_some_and(u8::is_ascii_digit))
        {
            while i < bytes.len()
                && (bytes[i].is_ascii_alphanumeric()
                    || bytes[i] == b'.'
                    || bytes[i] == b'_'
                    || (matches!(bytes[i], b'+' | b'-') && matches!(bytes[i - 1], b'e' | b'E')))
            {
                i += 1;
            }
            tokens.push(Token {
                start,
                end: i,
                kind: Kind::Number,
            });
        } else {
            i += text[i..].chars().next().map_or(1, char::len_utf8);
            tokens.push(Token {
                start,
                end: i,
                kind: Kind::Symbol,
            });
        }
    }
    Ok(tokens)
}

/// `line:column` of byte `at`, 1-based, for messages.
fn line_col(text: &str, at: usize) -> String {
    let before = &text[..at.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.len() - before.rfind('\n').map_or(0, |n| n + 1) + 1;
    format!("{line}:{column}")
}

// -------------------------------------------------------------- comments

/// How protoc attaches a block of comments found between two tokens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Attach {
    /// The previous declaration's trailing comment.
    Trailing,
    /// A detached comment of the next declaration.
    Detached,
    /// The next declaration's leading comment.
    Leading,
}

/// A run of comments that protoc records as one comment.
#[derive(Clone, Copy, Debug)]
struct CommentBlock {
    start: usize,
    end: usize,
    attach: Attach,
}

/// Where a statement goes after a declaration's end so that no comment
/// changes hands, and what must surround it.
struct Slot {
    /// The byte offset to insert at.
    at: usize,
    /// The next token is on the same line as the previous one.
    same_line: bool,
    /// A blank line must come first, to keep a trailing comment trailing.
    blank_before: bool,
    /// A blank line must follow, to keep a detached comment detached.
    blank_after: bool,
}

// ------------------------------------------------------------------ edits

/// A replacement of `text[start..end]` (an insertion when they are equal).
struct Edit {
    start: usize,
    end: usize,
    text: String,
}

/// A group's message, to be declared before the `oneof` or `extend` block
/// that held the group.
struct Moved {
    text: String,
    /// Begins with a detached comment (which needs a blank line before it).
    detached_first: bool,
    /// The group's indentation.
    indent: usize,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Scope {
    Message,
    Oneof,
    Extend,
}

struct Rewriter<'t> {
    text: &'t str,
    tokens: Vec<Token>,
    edition: Edition,
    proto3: bool,
    edits: Vec<Edit>,
    /// File-level features still to be written after the edition statement.
    features: Vec<String>,
    /// The files imported.
    imports: Vec<String>,
    /// The `;` of the last import.
    last_import: Option<usize>,
    need_cpp_features: bool,
    need_java_features: bool,
    /// The file's lines end with `\r\n`.
    crlf: bool,
}

impl Rewriter<'_> {
    // --- tokens

    fn word(&self, i: usize) -> &str {
        self.tokens
            .get(i)
            .map_or("", |t| &self.text[t.start..t.end])
    }

    fn is(&self, i: usize, word: &str) -> bool {
        self.word(i) == word
    }

    fn kind(&self, i: usize) -> Option<Kind> {
        self.tokens.get(i).map(|t| t.kind)
    }

    fn start(&self, i: usize) -> usize {
        self.tokens.get(i).map_or(self.text.len(), |t| t.start)
    }

    fn end(&self, i: usize) -> usize {
        self.tokens[i].end
    }

    fn at(&self, i: usize) -> String {
        line_col(self.text, self.start(i))
    }

    fn expect(&self, i: usize, word: &str) -> Result<(), String> {
        if self.is(i, word) {
            Ok(())
        } else {
            Err(format!(
                "{}: expected `{word}`, found `{}`",
                self.at(i),
                self.word(i)
            ))
        }
    }

    /// The index of the bracket closing the one at `open`.
    fn closing(&self, open: usize) -> Result<usize, String> {
        let mut depth = 0usize;
        for i in open..self.tokens.len() {
            match self.word(i) {
                "{" | "[" | "(" | "<" => depth += 1,
                "}" | "]" | ")" | ">" => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return Ok(i);
                    }
                }
                _ => {}
            }
        }
        Err(format!(
            "{}: `{}` is never closed",
            self.at(open),
            self.word(open)
        ))
    }

    /// The index of the `;` ending the statement at `i` (brackets skipped).
    fn semicolon(&self, mut i: usize) -> Result<usize, String> {
        let from = i;
        while i < self.tokens.len() {
            match self.word(i) {
                ";" => return Ok(i),
                "{" | "[" | "(" | "<" => i = self.closing(i)?,
                "}" => break,
                _ => {}
            }
            i += 1;
        }
        Err(format!("{}: a statement without `;`", self.at(from)))
    }

    // --- edits

    fn edit(&mut self, start: usize, end: usize, text: impl Into<String>) {
        let mut text = text.into();
        if self.crlf && text.contains('\n') {
            // The file's line ends, in what is inserted too.
            text = text.replace("\r\n", "\n").replace('\n', "\r\n");
        }
        self.edits.push(Edit { start, end, text });
    }

    /// Removes token `i` and the blanks after it on its line.
    fn remove_token(&mut self, i: usize) {
        let bytes = self.text.as_bytes();
        let mut end = self.end(i);
        while end < bytes.len() && is_blank(bytes[end]) && bytes[end] != b'\r' {
            end += 1;
        }
        self.edit(self.start(i), end, "");
    }

    /// `text[from..to]` with the edits inside it applied. An edit inside a
    /// larger one is part of that one's text, so it is skipped; at one
    /// offset, insertions come first, in the order they were made.
    fn render(&self, from: usize, to: usize) -> String {
        let mut order: Vec<usize> = (0..self.edits.len())
            .filter(|&k| {
                let e = &self.edits[k];
                from <= e.start && e.end <= to && (e.start < to || to == self.text.len())
            })
            .collect();
        order.sort_by_key(|&k| {
            let e = &self.edits[k];
            (e.start, e.start != e.end, std::cmp::Reverse(e.end), k)
        });
        let mut out = String::with_capacity(to - from + 64);
        let mut at = from;
        for k in order {
            let e = &self.edits[k];
            if e.start < at {
                continue;
            }
            out.push_str(&self.text[at..e.start]);
            out.push_str(&e.text);
            at = e.end;
        }
        out.push_str(&self.text[at..to]);
        out
    }

    // --- comments and layout

    /// The comment blocks between offsets `from` (the end of a token) and
    /// `to` (the start of the next, or the end of the file), attached as
    /// protoc's `Tokenizer::NextWithComments` attaches them. `closer`: the
    /// next token is `}`, `]` or `)`, or there is none.
    fn comments(&self, from: usize, to: usize, closer: bool) -> Vec<CommentBlock> {
        let b = self.text.as_bytes();
        let mut blocks = Vec::new();
        // (start, end, is a line comment)
        let mut buffer: Option<(usize, usize, bool)> = None;
        let mut can_attach = true;
        let flush = |buffer: &mut Option<(usize, usize, bool)>,
                     can_attach: &mut bool,
                     blocks: &mut Vec<CommentBlock>| {
            if let Some((start, end, _)) = buffer.take() {
                let attach = if *can_attach {
                    *can_attach = false;
                    Attach::Trailing
                } else {
                    Attach::Detached
                };
                blocks.push(CommentBlock { start, end, attach });
            }
        };
        let skip_blanks = |i: &mut usize| {
            while *i < to && is_blank(b[*i]) {
                *i += 1;
            }
        };
        let line_end = |i: usize| self.text[i..to].find('\n').map_or(to, |n| i + n);
        let block_end = |i: usize| {
            self.text[i + 2..to]
                .find("*/")
                .map_or(to, |n| i + 2 + n + 2)
        };
        let mut i = from;
        // On the previous token's line: a trailing comment, or nothing.
        skip_blanks(&mut i);
        if self.text[i..to].starts_with("//") {
            let end = line_end(i);
            buffer = Some((i, end, true));
            i = (end + 1).min(to);
            flush(&mut buffer, &mut can_attach, &mut blocks);
        } else if self.text[i..to].starts_with("/*") {
            let end = block_end(i);
            let start = i;
            i = end;
            skip_blanks(&mut i);
            if i >= to || b[i] != b'\n' {
                // The next token on the same line: protoc drops the comment.
                return blocks;
            }
            i += 1;
            buffer = Some((start, end, false));
            flush(&mut buffer, &mut can_attach, &mut blocks);
        } else if i >= to || b[i] != b'\n' {
            return blocks;
        } else {
            i += 1;
        }
        // The lines after it.
        loop {
            skip_blanks(&mut i);
            if i >= to {
                if closer {
                    flush(&mut buffer, &mut can_attach, &mut blocks);
                }
                if let Some((start, end, _)) = buffer {
                    blocks.push(CommentBlock {
                        start,
                        end,
                        attach: Attach::Leading,
                    });
                }
                return blocks;
            }
            if self.text[i..to].starts_with("//") {
                if matches!(buffer, Some((_, _, false))) {
                    flush(&mut buffer, &mut can_attach, &mut blocks);
                }
                let end = line_end(i);
                buffer = Some(match buffer {
                    Some((start, _, true)) => (start, end, true),
                    _ => (i, end, true),
                });
                i = (end + 1).min(to);
            } else if self.text[i..to].starts_with("/*") {
                flush(&mut buffer, &mut can_attach, &mut blocks);
                let end = block_end(i);
                buffer = Some((i, end, false));
                i = end;
                skip_blanks(&mut i);
                if i < to && b[i] == b'\n' {
                    i += 1;
                }
            } else if b[i] == b'\n' {
                flush(&mut buffer, &mut can_attach, &mut blocks);
                can_attach = false;
                i += 1;
            } else {
                // Not whitespace nor a comment: cannot happen between tokens.
                i += 1;
            }
        }
    }

    /// The comments between token `i - 1` and token `i` (the file's start if
    /// `i` is 0).
    fn comments_before(&self, i: usize) -> Vec<CommentBlock> {
        let from = if i == 0 { 0 } else { self.end(i - 1) };
        let closer = i >= self.tokens.len() || matches!(self.word(i), "}" | "]" | ")");
        self.comments(from, self.start(i), closer)
    }

    /// Where to insert a statement after the declaration ending with token
    /// `prev`: after its trailing comment, before the next declaration's
    /// detached and leading comments.
    fn slot_after(&self, prev: usize) -> Slot {
        let from = self.end(prev);
        let to = self.start(prev + 1);
        let blocks = self.comments_before(prev + 1);
        let text = self.text;
        if !text[from..to].contains('\n') {
            return Slot {
                at: to,
                same_line: true,
                blank_before: false,
                blank_after: false,
            };
        }
        let after_newline = |i: usize| text[i..to].find('\n').map(|n| i + n + 1);
        let mut blank_before = false;
        let at = match blocks.first() {
            Some(b) if b.attach == Attach::Trailing => {
                if !text[from..b.start].contains('\n') {
                    // On the declaration's line.
                    after_newline(b.end).unwrap_or(to)
                } else {
                    match after_newline(b.end) {
                        Some(eol) => {
                            let blank_line = after_newline(eol).filter(|&next| {
                                text[eol..next].bytes().all(|c| c.is_ascii_whitespace())
                            });
                            match blank_line {
                                Some(next) => next,
                                None => {
                                    blank_before = true;
                                    eol
                                }
                            }
                        }
                        None => {
                            blank_before = true;
                            to
                        }
                    }
                }
            }
            _ => after_newline(from).unwrap_or(to),
        };
        let mut first = at;
        while first < to && text.as_bytes()[first].is_ascii_whitespace() {
            first += 1;
        }
        // A comment right below (no blank line between) that protoc must
        // not take for the inserted statement's trailing comment.
        let blank_after = !text[at..first].contains('\n')
            && blocks
                .iter()
                .any(|b| b.start == first && b.attach != Attach::Leading);
        Slot {
            at,
            same_line: false,
            blank_before,
            blank_after,
        }
    }

    /// Inserts `lines` (statements, each without indentation or newline)
    /// after the declaration ending with token `prev`.
    fn insert_after(&mut self, prev: usize, lines: &[String], indent: &str) {
        if lines.is_empty() {
            return;
        }
        let slot = self.slot_after(prev);
        let text = if slot.same_line {
            format!("{} ", lines.join(" "))
        } else {
            let mut text = String::new();
            if !self.text[..slot.at].ends_with('\n') {
                text.push('\n');
            }
            if slot.blank_before {
                text.push('\n');
            }
            for line in lines {
                text.push_str(indent);
                text.push_str(line);
                text.push('\n');
            }
            if slot.blank_after {
                text.push('\n');
            }
            text
        };
        self.edit(slot.at, slot.at, text);
    }

    /// The whitespace before token `i` on its line, if it is the first there.
    fn indent_of(&self, i: usize) -> &str {
        let start = self.start(i);
        let line = self.text[..start].rfind('\n').map_or(0, |n| n + 1);
        let before = &self.text[line..start];
        if before.bytes().all(is_blank) {
            before
        } else {
            ""
        }
    }

    // --- the file

    fn file(&mut self) -> Result<(), String> {
        let mut i = 0;
        let header_end = match self.word(0) {
            "syntax" => {
                self.expect(1, "=")?;
                if self.kind(2) != Some(Kind::Str) {
                    return Err(format!("{}: expected the syntax's name", self.at(2)));
                }
                let name = &self.word(2)[1..self.word(2).len() - 1];
                self.proto3 = match name {
                    "proto3" => true,
                    "proto2" => false,
                    other => return Err(format!("syntax `{other}` is neither proto2 nor proto3")),
                };
                self.expect(3, ";")?;
                self.edit(self.start(0), self.end(0), "edition");
                self.edit(
                    self.start(2),
                    self.end(2),
                    format!("\"{}\"", self.edition.name()),
                );
                i = 4;
                Some(3)
            }
            "edition" => return Err("already in editions".into()),
            // No syntax statement: proto2.
            _ => None,
        };
        self.features = if self.proto3 {
            vec!["field_presence = IMPLICIT".to_owned()]
        } else {
            [
                "enum_type = CLOSED",
                "repeated_field_encoding = EXPANDED",
                "utf8_validation = NONE",
                "json_format = LEGACY_BEST_EFFORT",
            ]
            .map(str::to_owned)
            .to_vec()
        };
        if self.edition == Edition::E2024 {
            self.features
                .push("enforce_naming_style = STYLE_LEGACY".to_owned());
            self.features
                .push("default_symbol_visibility = EXPORT_ALL".to_owned());
        }
        let mut package = String::new();
        while i < self.tokens.len() {
            i = match self.word(i) {
                ";" => i + 1,
                "import" => self.import(i)?,
                "package" => {
                    let semicolon = self.semicolon(i)?;
                    package = (i + 1..semicolon).map(|j| self.word(j)).collect();
                    semicolon + 1
                }
                "option" => self.file_option(i)?,
                "message" => {
                    if package == "google.protobuf" && self.is(i + 1, "FeatureSet") {
                        // protoc: `Feature "features" can't be used in the
                        // same file it's defined in`.
                        return Err("defines google.protobuf.FeatureSet, \
                             which a file in editions cannot (descriptor.proto stays proto2)"
                            .into());
                    }
                    self.message(i)?
                }
                "enum" => self.enumeration(i)?,
                "service" => {
                    let open = self.find_open(i)?;
                    self.closing(open)? + 1
                }
                "extend" => self.extend(i)?,
                other => return Err(format!("{}: unexpected `{other}` at top level", self.at(i))),
            };
        }
        // The file's features, and the imports their options need.
        let mut imports = Vec::new();
        let import = |path: &str, imports: &mut Vec<String>, have: &[String]| {
            if !have.iter().any(|p| p == path) {
                imports.push(if self.edition == Edition::E2024 {
                    format!("import option \"{path}\";")
                } else {
                    format!("import \"{path}\";")
                });
            }
        };
        if self.need_cpp_features {
            import(
                "google/protobuf/cpp_features.proto",
                &mut imports,
                &self.imports,
            );
        }
        if self.need_java_features {
            import(
                "google/protobuf/java_features.proto",
                &mut imports,
                &self.imports,
            );
        }
        let options: Vec<String> = self
            .features
            .iter()
            .map(|f| format!("option features.{f};"))
            .collect();
        match header_end {
            Some(semicolon) => {
                // Imports must precede `import option`s.
                match self.last_import {
                    Some(last) => {
                        self.insert_after(semicolon, &options, "");
                        self.insert_after(last, &imports, "");
                    }
                    None => {
                        imports.extend(options);
                        self.insert_after(semicolon, &imports, "");
                    }
                }
            }
            None => {
                let mut header = format!("edition = \"{}\";\n", self.edition.name());
                let mut late = Vec::new();
                match self.last_import {
                    Some(_) => late = imports,
                    None => {
                        for line in imports {
                            header.push_str(&line);
                            header.push('\n');
                        }
                    }
                }
                for line in options {
                    header.push_str(&line);
                    header.push('\n');
                }
                // The blank line keeps the first comment detached.
                header.push('\n');
                // After a byte order mark, which protoc skips only first.
                let at = if self.text.starts_with('\u{feff}') {
                    3
                } else {
                    0
                };
                self.edit(at, at, header);
                if let Some(last) = self.last_import {
                    self.insert_after(last, &late, "");
                }
            }
        }
        Ok(())
    }

    fn find_open(&self, i: usize) -> Result<usize, String> {
        (i..self.tokens.len())
            .find(|&j| self.is(j, "{") || self.is(j, ";"))
            .filter(|&j| self.is(j, "{"))
            .ok_or_else(|| format!("{}: `{}` without a body", self.at(i), self.word(i)))
    }

    fn import(&mut self, i: usize) -> Result<usize, String> {
        let mut j = i + 1;
        match self.word(j) {
            "weak" => {
                if self.edition == Edition::E2024 {
                    return Err(format!(
                        "{}: a weak import, which edition 2024 does not have",
                        self.at(i)
                    ));
                }
                j += 1;
            }
            "public" => j += 1,
            _ => {}
        }
        if self.kind(j) != Some(Kind::Str) {
            return Err(format!("{}: expected the imported file's name", self.at(j)));
        }
        let quoted = self.word(j);
        self.imports.push(quoted[1..quoted.len() - 1].to_owned());
        let semicolon = self.semicolon(i)?;
        self.last_import = Some(semicolon);
        Ok(semicolon + 1)
    }

    /// A file option: the ones editions do not have are replaced.
    fn file_option(&mut self, i: usize) -> Result<usize, String> {
        let semicolon = self.semicolon(i)?;
        let name = self.word(i + 1).to_owned();
        let value = if semicolon == i + 4 && self.is(i + 2, "=") {
            self.word(i + 3).to_owned()
        } else {
            String::new()
        };
        let replacement = match name.as_str() {
            "java_multiple_files" if self.edition == Edition::E2024 => Some(None),
            "java_string_check_utf8" => {
                if value == "true" && !self.proto3 {
                    self.need_java_features = true;
                    Some(Some(
                        "option features.(pb.java).utf8_validation = VERIFY;".to_owned(),
                    ))
                } else {
                    // proto3 checks UTF-8 anyway; false is the default.
                    Some(None)
                }
            }
            _ => None,
        };
        if let Some(replacement) = replacement {
            // A statement takes the removed one's place, so that the
            // comments around it stay the same: one of the file's features,
            // else an empty statement.
            let text = replacement
                .or_else(|| self.features.pop().map(|f| format!("option features.{f};")))
                .unwrap_or_else(|| ";".to_owned());
            self.edit(self.start(i), self.end(semicolon), text);
        }
        Ok(semicolon + 1)
    }

    fn message(&mut self, i: usize) -> Result<usize, String> {
        let open = self.find_open(i)?;
        let close = self.closing(open)?;
        self.body(open + 1, close, Scope::Message)?;
        Ok(close + 1)
    }

    fn enumeration(&mut self, i: usize) -> Result<usize, String> {
        let open = self.find_open(i)?;
        let close = self.closing(open)?;
        let mut j = open + 1;
        while j < close {
            j = match self.word(j) {
                ";" => j + 1,
                "reserved" => self.reserved(j)?,
                _ => self.semicolon(j)? + 1,
            };
        }
        Ok(close + 1)
    }

    /// `reserved "a", "b";` becomes `reserved a, b;`.
    fn reserved(&mut self, i: usize) -> Result<usize, String> {
        let semicolon = self.semicolon(i)?;
        for j in i + 1..semicolon {
            if self.kind(j) != Some(Kind::Str) {
                continue;
            }
            if self.kind(j + 1) == Some(Kind::Str) {
                return Err(format!("{}: a reserved name split in strings", self.at(j)));
            }
            let quoted = self.word(j);
            let name = &quoted[1..quoted.len() - 1];
            let identifier = name
                .bytes()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == b'_')
                && name.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_');
            if !identifier {
                return Err(format!(
                    "{}: reserved name {quoted} is not an identifier",
                    self.at(j)
                ));
            }
            let name = name.to_owned();
            self.edit(self.start(j), self.end(j), name);
        }
        Ok(semicolon + 1)
    }

    fn extend(&mut self, i: usize) -> Result<usize, String> {
        let open = self.find_open(i)?;
        let close = self.closing(open)?;
        self.block_with_groups(i, open, close, Scope::Extend)?;
        Ok(close + 1)
    }

    /// A `oneof` or `extend` block (the statement at `host`): groups in it
    /// have their messages declared before it.
    fn block_with_groups(
        &mut self,
        host: usize,
        open: usize,
        close: usize,
        scope: Scope,
    ) -> Result<(), String> {
        let mut moved = Vec::new();
        let mut j = open + 1;
        while j < close {
            j = match self.word(j) {
                ";" => j + 1,
                "option" => self.semicolon(j)? + 1,
                _ => self.field(j, scope, &mut moved)?,
            };
        }
        if moved.is_empty() {
            return Ok(());
        }
        if host == 0 {
            return Err(format!(
                "{}: a group before any other statement",
                self.at(host)
            ));
        }
        let slot = self.slot_after(host - 1);
        let host_indent = self.indent_of(host).len();
        let one_line = moved
            .iter()
            .all(|m| m.text.trim_end().lines().count() == 1 && !m.text.contains("/"));
        if slot.same_line && one_line {
            // `message N { extend M { group ... } }`, kept on its line.
            let mut text = String::new();
            for m in &moved {
                text.push_str(m.text.trim());
                text.push(' ');
            }
            self.edit(slot.at, slot.at, text);
            return Ok(());
        }
        // With no comments of its own, the host gets the messages right
        // before it (its blank lines above them); else they go before its
        // comments.
        let line = self.text[..self.start(host)]
            .rfind('\n')
            .map_or(0, |n| n + 1);
        let first_on_line = self.text[line..self.start(host)].bytes().all(is_blank);
        let own_comments = self
            .comments_before(host)
            .iter()
            .any(|b| b.attach != Attach::Trailing);
        let bare = !slot.same_line && first_on_line && !own_comments;
        let at = if bare { line } else { slot.at };
        let mut text = String::new();
        if !self.text[..at].ends_with('\n') {
            text.push('\n');
        }
        if slot.blank_before && !bare {
            text.push('\n');
        }
        for m in &moved {
            if m.detached_first {
                text.push('\n');
            }
            // Outdented to the host block's level.
            text.push_str(&outdent(&m.text, m.indent.saturating_sub(host_indent)));
        }
        if bare && self.text[..at].ends_with("\n\n") {
            text.push('\n');
        }
        if slot.blank_after && !bare {
            text.push('\n');
        }
        self.edit(at, at, text);
        Ok(())
    }

    /// The statements of a message (or group) body, tokens `i..close`.
    fn body(&mut self, mut i: usize, close: usize, scope: Scope) -> Result<(), String> {
        let mut unused = Vec::new();
        while i < close {
            i = match self.word(i) {
                ";" => i + 1,
                "message" => self.message(i)?,
                "enum" => self.enumeration(i)?,
                "extend" => self.extend(i)?,
                "oneof" => {
                    let open = self.find_open(i)?;
                    let end = self.closing(open)?;
                    self.block_with_groups(i, open, end, Scope::Oneof)?;
                    end + 1
                }
                "option" | "extensions" => self.semicolon(i)? + 1,
                "reserved" => self.reserved(i)?,
                _ => self.field(i, scope, &mut unused)?,
            };
        }
        Ok(())
    }

    /// A field, map field or group at `i`; returns the index after it.
    fn field(&mut self, i: usize, scope: Scope, moved: &mut Vec<Moved>) -> Result<usize, String> {
        let label = match self.word(i) {
            l @ ("optional" | "required" | "repeated") => Some(l.to_owned()),
            _ => None,
        };
        let type_at = i + usize::from(label.is_some());
        if self.is(type_at, "group") && self.kind(type_at + 1) == Some(Kind::Ident) {
            if self.proto3 {
                return Err(format!("{}: a group in proto3", self.at(i)));
            }
            return self.group(i, label.as_deref(), type_at, scope, moved);
        }
        let mut features = Vec::new();
        match label.as_deref() {
            Some("optional") => {
                self.remove_token(i);
                if self.proto3 && scope != Scope::Extend {
                    features.push("features.field_presence = EXPLICIT".to_owned());
                }
            }
            Some("required") => {
                self.remove_token(i);
                features.push("features.field_presence = LEGACY_REQUIRED".to_owned());
            }
            _ => {}
        }
        let semicolon = self.semicolon(i)?;
        let equals = (type_at..semicolon)
            .find(|&j| self.is(j, "=") && self.kind(j + 1) == Some(Kind::Number))
            .ok_or_else(|| format!("{}: a field without a number", self.at(i)))?;
        let options = if self.is(equals + 2, "[") {
            Some((equals + 2, self.closing(equals + 2)?))
        } else {
            None
        };
        self.field_options(options, equals + 1, features)?;
        Ok(semicolon + 1)
    }

    /// Rewrites a field's option list `[` .. `]` (tokens `brackets`) and adds
    /// `features`; without a list, one is added after token `last`.
    fn field_options(
        &mut self,
        brackets: Option<(usize, usize)>,
        last: usize,
        features: Vec<String>,
    ) -> Result<(), String> {
        let Some((open, close)) = brackets else {
            if !features.is_empty() {
                let at = self.end(last);
                self.edit(at, at, format!(" [{}]", features.join(", ")));
            }
            return Ok(());
        };
        // The entries, split at top-level commas: (first, end) token ranges.
        let mut entries = Vec::new();
        let mut first = open + 1;
        let mut j = open + 1;
        while j < close {
            match self.word(j) {
                "{" | "[" | "(" | "<" => j = self.closing(j)?,
                "," => {
                    entries.push((first, j));
                    first = j + 1;
                }
                _ => {}
            }
            j += 1;
        }
        if first < close {
            entries.push((first, close));
        }
        // None: removed; Some(text): replaced (the same text if kept).
        let mut actions: Vec<Option<Option<String>>> = Vec::new();
        for &(from, to) in &entries {
            let name = self.word(from);
            let value = if to == from + 3 && self.is(from + 1, "=") {
                self.word(from + 2)
            } else {
                ""
            };
            let action = match (name, value) {
                ("packed", "true") if self.proto3 => None,
                ("packed", "true") => {
                    Some(Some("features.repeated_field_encoding = PACKED".to_owned()))
                }
                ("packed", "false") if self.proto3 => Some(Some(
                    "features.repeated_field_encoding = EXPANDED".to_owned(),
                )),
                ("packed", "false") => None,
                ("packed", _) => {
                    return Err(format!(
                        "{}: `packed` is neither true nor false",
                        self.at(from)
                    ))
                }
                ("ctype", _) if self.edition == Edition::E2024 => {
                    let string_type = match value {
                        "CORD" => "CORD",
                        "STRING" => "STRING",
                        "STRING_PIECE" => "VIEW",
                        other => {
                            return Err(format!("{}: ctype `{other}`", self.at(from)));
                        }
                    };
                    self.need_cpp_features = true;
                    Some(Some(format!(
                        "features.(pb.cpp).string_type = {string_type}"
                    )))
                }
                _ => Some(None),
            };
            actions.push(action);
        }
        let kept = actions.iter().filter(|a| a.is_some()).count();
        if kept == 0 && features.is_empty() {
            // `x = 1 [packed = false];` becomes `x = 1;`.
            let mut start = self.start(open);
            while start > 0 && is_blank(self.text.as_bytes()[start - 1]) {
                start -= 1;
            }
            self.edit(start, self.end(close), "");
            return Ok(());
        }
        let last_kept = actions.iter().rposition(Option::is_some);
        for (k, action) in actions.iter().enumerate() {
            let (from, to) = entries[k];
            match action {
                Some(Some(text)) => self.edit(self.start(from), self.end(to - 1), text.clone()),
                Some(None) => {}
                None => {
                    if last_kept.is_some_and(|l| l > k) {
                        // Up to the next entry.
                        let next = entries[k + 1].0;
                        self.edit(self.start(from), self.start(next), "");
                    } else if k > 0 {
                        // From the previous entry's end.
                        let previous = entries[k - 1].1 - 1;
                        self.edit(self.end(previous), self.end(to - 1), "");
                    } else {
                        self.edit(self.start(from), self.end(to - 1), "");
                    }
                }
            }
        }
        if !features.is_empty() {
            let list = features.join(", ");
            match last_kept {
                Some(l) => {
                    let at = self.end(entries[l].1 - 1);
                    self.edit(at, at, format!(", {list}"));
                }
                None => {
                    let at = self.end(open);
                    self.edit(at, at, list);
                }
            }
        }
        Ok(())
    }

    /// `[label] group Name = N [opts] { body }` at `i` (`group` at `g`)
    /// becomes `message Name { body }` and `[repeated] Name name = N
    /// [features.message_encoding = DELIMITED, opts];`.
    fn group(
        &mut self,
        i: usize,
        label: Option<&str>,
        g: usize,
        scope: Scope,
        moved: &mut Vec<Moved>,
    ) -> Result<usize, String> {
        let name = self.word(g + 1).to_owned();
        self.expect(g + 2, "=")?;
        if self.kind(g + 3) != Some(Kind::Number) {
            return Err(format!("{}: group `{name}` without a number", self.at(g)));
        }
        let number = self.word(g + 3).to_owned();
        let mut open = g + 4;
        let mut options = None;
        if self.is(open, "[") {
            let close = self.closing(open)?;
            let mut text = self.text[self.end(open)..self.start(close)]
                .trim()
                .to_owned();
            if text.rsplit('\n').next().is_some_and(|l| l.contains("//")) {
                // A line comment last: the field's `];` goes on the next line.
                text.push('\n');
            }
            options = Some(text);
            open = close + 1;
        }
        self.expect(open, "{")?;
        let close = self.closing(open)?;
        self.body(open + 1, close, Scope::Message)?;

        // The head, comments inside it kept (they attach to nothing).
        let mut head = format!("message {name} ");
        let options_range = options
            .as_ref()
            .map(|_| (self.start(g + 4), self.end(open - 1)));
        let mut c = self.start(i);
        while c < self.start(open) {
            if let Some((s, e)) = options_range.filter(|&(s, e)| c >= s && c < e) {
                let _ = s;
                c = e;
                continue;
            }
            let rest = &self.text[c..self.start(open)];
            if rest.starts_with("//") {
                let end = rest.find('\n').map_or(rest.len(), |n| n + 1);
                head.push_str(&rest[..end]);
                c += end;
            } else if rest.starts_with("/*") {
                let end = rest.find("*/").map_or(rest.len(), |n| n + 2);
                head.push_str(&rest[..end]);
                head.push(' ');
                c += end;
            } else if rest.starts_with(['"', '\'']) {
                // A string (in the head only as the number, which it is not).
                c += 1;
            } else {
                c += rest.chars().next().map_or(1, char::len_utf8);
            }
        }
        self.edit(self.start(i), self.start(open), head);

        let mut list = vec!["features.message_encoding = DELIMITED".to_owned()];
        if label == Some("required") {
            list.push("features.field_presence = LEGACY_REQUIRED".to_owned());
        }
        list.extend(options.filter(|o| !o.is_empty()));
        let field = format!(
            "{}{name} {} = {number} [{}];",
            if label == Some("repeated") {
                "repeated "
            } else {
                ""
            },
            name.to_ascii_lowercase(),
            list.join(", ")
        );
        let indent = self.indent_of(i).to_owned();
        if scope == Scope::Message {
            self.insert_after(close, &[field], &indent);
            return Ok(close + 1);
        }

        // In a oneof or extend block: the message moves out, from its own
        // (detached and leading) comments to its trailing comment.
        let own = self
            .comments_before(i)
            .into_iter()
            .find(|b| b.attach != Attach::Trailing);
        let line_start = |at: usize| self.text[..at].rfind('\n').map_or(0, |n| n + 1);
        let cut_start = match own {
            Some(b) => line_start(b.start),
            None if indent.is_empty() && !self.text[..self.start(i)].ends_with('\n') => {
                self.start(i)
            }
            None => line_start(self.start(i)),
        };
        let slot = self.slot_after(close);
        let mut text = self.render(cut_start, slot.at);
        if slot.same_line {
            text.truncate(text.trim_end().len());
            text.push('\n');
        } else if slot.blank_before {
            // The comment after the group's `}` was trailing by the block's end.
            text.push('\n');
        }
        moved.push(Moved {
            text,
            detached_first: own.is_some_and(|b| b.attach == Attach::Detached),
            indent: indent.len(),
        });
        // The field in the group's place (`indent` is empty mid-line).
        let replacement = if slot.same_line {
            format!("{indent}{field} ")
        } else if slot.blank_after {
            format!("{indent}{field}\n\n")
        } else {
            format!("{indent}{field}\n")
        };
        self.edit(cut_start, slot.at, replacement);
        Ok(close + 1)
    }
}

/// `text` with up to `by` blanks removed from the start of each line.
fn outdent(text: &str, by: usize) -> String {
    if by == 0 {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let blanks = line
            .bytes()
            .take(by)
            .take_while(|&c| c == b' ' || c == b'\t')
            .count();
        out.push_str(&line[blanks..]);
    }
    out
}
