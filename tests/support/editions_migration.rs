//! The editions migration rewriter: a proto2 or proto3 file's text
//! rewritten as edition 2023 or 2024 with features that mean the same,
//! following protobuf's migration rules:
//! - proto3: IMPLICIT presence at file level, EXPLICIT on each `optional`
//!   field, `[packed = false]` as EXPANDED;
//! - proto2: CLOSED enums, EXPANDED repeated fields, unchecked UTF-8 and
//!   legacy JSON at file level; `required` as LEGACY_REQUIRED, groups as
//!   DELIMITED message fields, `[packed = true]` as PACKED;
//! - 2024 also keeps legacy naming and visibility, and drops
//!   `java_multiple_files = true` (2024's default).
//!
//! Only the edited tokens change: comments and layout stay where they
//! were, so the same comments attach to the same elements. std only, so
//! that tests (tests/editions.rs) and xtask (`editions-rewrite`) share it.

/// The edition to rewrite into.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Edition {
    E2023,
    E2024,
}

impl Edition {
    pub fn name(self) -> &'static str {
        match self {
            Edition::E2023 => "2023",
            Edition::E2024 => "2024",
        }
    }
}

#[derive(Clone, Copy, Debug)]
struct Token {
    start: usize,
    end: usize,
}

/// Tokens of `text`, comments and whitespace skipped.
fn tokenize(text: &str) -> Result<Vec<Token>, String> {
    let bytes = text.as_bytes();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let start = i;
        if c.is_ascii_whitespace() {
            i += 1;
        } else if bytes[i..].starts_with(b"//") {
            while i < bytes.len() && bytes[i] != b'\n' {
                i += 1;
            }
        } else if bytes[i..].starts_with(b"/*") {
            let end = text[i + 2..]
                .find("*/")
                .ok_or("unterminated block comment")?;
            i += 2 + end + 2;
        } else if c == b'"' || c == b'\'' {
            i += 1;
            while i < bytes.len() && bytes[i] != c {
                if bytes[i] == b'\\' {
                    i += 1;
                }
                i += 1;
            }
            if i >= bytes.len() {
                return Err("unterminated string".into());
            }
            i += 1;
            tokens.push(Token { start, end: i });
        } else if c.is_ascii_alphabetic() || c == b'_' {
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                i += 1;
            }
            tokens.push(Token { start, end: i });
        } else if c.is_ascii_digit()
            || (c == b'.' && bytes.get(i + 1).is_some_and(u8::is_ascii_digit))
        {
            while i < bytes.len()
                && (bytes[i].is_ascii_alphanumeric()
                    || bytes[i] == b'.'
                    || bytes[i] == b'_'
                    || ((bytes[i] == b'+' || bytes[i] == b'-')
                        && matches!(bytes[i - 1], b'e' | b'E')))
            {
                i += 1;
            }
            tokens.push(Token { start, end: i });
        } else {
            i += text[i..].chars().next().map_or(1, char::len_utf8);
            tokens.push(Token { start, end: i });
        }
    }
    Ok(tokens)
}

/// A replacement of `text[start..end]`.
struct Edit {
    start: usize,
    end: usize,
    text: String,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Block {
    /// A message, `extend` or `oneof` body: its statements are fields.
    Fields,
    /// Anything else with braces (enum, service, rpc, aggregate values).
    Other,
}

struct Rewriter<'t> {
    text: &'t str,
    tokens: Vec<Token>,
    proto3: bool,
    edition: Edition,
    edits: Vec<Edit>,
}

/// `source` rewritten in `edition`; an error names what cannot be.
pub fn rewrite(source: &str, edition: Edition) -> Result<String, String> {
    let tokens = tokenize(source)?;
    let mut rewriter = Rewriter {
        text: source,
        tokens,
        proto3: false,
        edition,
        edits: Vec::new(),
    };
    rewriter.file()?;
    let mut edits = rewriter.edits;
    edits.sort_by_key(|e| (e.start, e.end));
    let mut out = String::with_capacity(source.len() + 256);
    let mut at = 0;
    for edit in edits {
        if edit.start < at {
            return Err("overlapping edits".into());
        }
        out.push_str(&source[at..edit.start]);
        out.push_str(&edit.text);
        at = edit.end;
    }
    out.push_str(&source[at..]);
    Ok(out)
}

impl Rewriter<'_> {
    fn text_of(&self, i: usize) -> &str {
        self.tokens
            .get(i)
            .map_or("", |t| &self.text[t.start..t.end])
    }

    fn is(&self, i: usize, text: &str) -> bool {
        self.text_of(i) == text
    }

    fn edit(&mut self, start: usize, end: usize, text: impl Into<String>) {
        self.edits.push(Edit {
            start,
            end,
            text: text.into(),
        });
    }

    /// Removes token `i` and the blanks after it.
    fn remove_token(&mut self, i: usize) {
        let start = self.tokens[i].start;
        let mut end = self.tokens[i].end;
        let bytes = self.text.as_bytes();
        while end < bytes.len() && (bytes[end] == b' ' || bytes[end] == b'\t') {
            end += 1;
        }
        self.edit(start, end, "");
    }

    /// The index after the `;` ending the statement at `i` (brackets and
    /// braces nested inside it skipped).
    fn statement_end(&self, mut i: usize) -> Result<usize, String> {
        let mut depth = 0i32;
        while i < self.tokens.len() {
            match self.text_of(i) {
                "[" | "(" | "{" | "<" => depth += 1,
                "]" | ")" | "}" | ">" => depth -= 1,
                ";" if depth == 0 => return Ok(i + 1),
                _ => {}
            }
            i += 1;
        }
        Err("a statement without `;`".into())
    }

    /// The index of the `}` matching the `{` at `open`.
    fn matching_brace(&self, open: usize) -> Result<usize, String> {
        let mut depth = 0;
        for i in open..self.tokens.len() {
            match self.text_of(i) {
                "{" => depth += 1,
                "}" => {
                    depth -= 1;
                    if depth == 0 {
                        return Ok(i);
                    }
                }
                _ => {}
            }
        }
        Err("an unclosed `{`".into())
    }

    fn file(&mut self) -> Result<(), String> {
        if !self.is(0, "syntax") {
            return Err("no syntax statement (already editions, or proto2 by default)".into());
        }
        let syntax = self.text_of(2).trim_matches(['"', '\'']).to_owned();
        self.proto3 = match syntax.as_str() {
            "proto3" => true,
            "proto2" => false,
            other => return Err(format!("syntax `{other}`")),
        };
        let end = self.statement_end(0)?;
        let mut header = format!("edition = \"{}\";", self.edition.name());
        let mut features: Vec<&str> = if self.proto3 {
            vec!["field_presence = IMPLICIT"]
        } else {
            vec![
                "enum_type = CLOSED",
                "repeated_field_encoding = EXPANDED",
                "utf8_validation = NONE",
                "json_format = LEGACY_BEST_EFFORT",
            ]
        };
        if self.edition == Edition::E2024 {
            features.push("enforce_naming_style = STYLE_LEGACY");
            features.push("default_symbol_visibility = EXPORT_ALL");
        }
        for feature in features {
            header.push_str(&format!(" option features.{feature};"));
        }
        let (start, stop) = (self.tokens[0].start, self.tokens[end - 1].end);
        self.edit(start, stop, header);
        self.statements(end, self.tokens.len(), Block::Other, true)
    }

    /// The statements of tokens `i..stop` in a block of `block`'s kind.
    fn statements(
        &mut self,
        mut i: usize,
        stop: usize,
        block: Block,
        top: bool,
    ) -> Result<(), String> {
        while i < stop {
            let word = self.text_of(i).to_owned();
            match word.as_str() {
                ";" => i += 1,
                "message" | "extend" | "oneof" => {
                    let open = (i..stop)
                        .find(|&j| self.is(j, "{"))
                        .ok_or("a block without `{`")?;
                    let close = self.matching_brace(open)?;
                    self.statements(open + 1, close, Block::Fields, false)?;
                    i = close + 1;
                }
                "enum" | "service" => {
                    let open = (i..stop)
                        .find(|&j| self.is(j, "{"))
                        .ok_or("a block without `{`")?;
                    i = self.matching_brace(open)? + 1;
                }
                "option" if top => {
                    let end = self.statement_end(i)?;
                    self.file_option(i, end)?;
                    i = end;
                }
                "import" => {
                    if self.is(i + 1, "weak") {
                        return Err("a weak import".into());
                    }
                    i = self.statement_end(i)?;
                }
                "option" | "reserved" | "extensions" | "package" => i = self.statement_end(i)?,
                _ if block == Block::Fields => i = self.field(i)?,
                _ => i = self.statement_end(i)?,
            }
        }
        Ok(())
    }

    fn file_option(&mut self, i: usize, end: usize) -> Result<(), String> {
        if self.edition == Edition::E2024 && self.is(i + 1, "java_multiple_files") {
            if !self.is(i + 3, "true") {
                return Err("`java_multiple_files = false` in edition 2024".into());
            }
            // 2024's default: the statement goes, with its line if alone.
            let (start, mut stop) = (self.tokens[i].start, self.tokens[end - 1].end);
            if self.text[stop..].starts_with('\n') && self.text[..start].ends_with('\n') {
                stop += 1;
            }
            self.edit(start, stop, "");
        }
        Ok(())
    }

    /// A field (or group, or map) at `i`; returns the index after it.
    fn field(&mut self, i: usize) -> Result<usize, String> {
        let label = self.text_of(i).to_owned();
        let has_label = matches!(label.as_str(), "optional" | "required" | "repeated");
        let mut features: Vec<&str> = Vec::new();
        if has_label && label != "repeated" {
            self.remove_token(i);
            if label == "required" {
                features.push("field_presence = LEGACY_REQUIRED");
            } else if self.proto3 {
                features.push("field_presence = EXPLICIT");
            }
        }
        let type_at = if has_label { i + 1 } else { i };
        if self.is(type_at, "group") {
            return self.group(i, type_at, has_label && label == "repeated", features);
        }
        if self.is(type_at, "map") && self.is(type_at + 1, "<") {
            return self.statement_end(i);
        }
        let end = self.statement_end(i)?;
        let open = (type_at..end).find(|&j| self.is(j, "["));
        self.options(open, end - 1, features)?;
        Ok(end)
    }

    /// Rewrites the option list opening at `open` (if any) of a field ending
    /// at `semicolon`, adding `features`.
    fn options(
        &mut self,
        open: Option<usize>,
        before: usize,
        mut features: Vec<&str>,
    ) -> Result<(), String> {
        let Some(open) = open else {
            if !features.is_empty() {
                let at = self.tokens[before].start;
                self.edit(at, at, format!(" [{}]", feature_list(&features)));
            }
            return Ok(());
        };
        let close = (open..before)
            .rev()
            .find(|&j| self.is(j, "]"))
            .ok_or("an unclosed `[`")?;
        // The entries, split at top-level commas.
        let mut entries: Vec<(usize, usize)> = Vec::new();
        let mut depth = 0;
        let mut first = open + 1;
        for j in open + 1..close {
            match self.text_of(j) {
                "{" | "(" | "[" | "<" => depth += 1,
                "}" | ")" | "]" | ">" => depth -= 1,
                "," if depth == 0 => {
                    entries.push((first, j));
                    first = j + 1;
                }
                _ => {}
            }
        }
        entries.push((first, close));
        let mut kept: Vec<String> = Vec::new();
        let mut changed = !features.is_empty();
        for (from, to) in entries {
            if from >= to {
                continue;
            }
            if self.is(from, "packed") && to == from + 3 {
                changed = true;
                match (self.text_of(from + 2), self.proto3) {
                    ("true", false) => features.insert(0, "repeated_field_encoding = PACKED"),
                    ("false", true) => features.insert(0, "repeated_field_encoding = EXPANDED"),
                    _ => {}
                }
                continue;
            }
            if self.is(from, "ctype") && self.edition == Edition::E2024 {
                return Err("`ctype` in edition 2024".into());
            }
            let (start, stop) = (self.tokens[from].start, self.tokens[to - 1].end);
            kept.push(self.text[start..stop].to_owned());
        }
        if !changed {
            return Ok(());
        }
        kept.extend(features.iter().map(|f| format!("features.{f}")));
        let (start, stop) = (self.tokens[open].start, self.tokens[close].end);
        if kept.is_empty() {
            // `x = 1 [packed = false];` becomes `x = 1;`.
            let mut start = start;
            while self.text[..start].ends_with([' ', '\t']) {
                start -= 1;
            }
            self.edit(start, stop, "");
        } else {
            self.edit(start, stop, format!("[{}]", kept.join(", ")));
        }
        Ok(())
    }

    /// `[label] group Name = N [opts] { body }` becomes
    /// `message Name { body } [repeated] Name name = N [opts, DELIMITED];`.
    fn group(
        &mut self,
        label_at: usize,
        group_at: usize,
        repeated: bool,
        mut features: Vec<&str>,
    ) -> Result<usize, String> {
        let name = self.text_of(group_at + 1).to_owned();
        if !self.is(group_at + 2, "=") {
            return Err(format!("group `{name}` without a number"));
        }
        let number = self.text_of(group_at + 3).to_owned();
        let open = (group_at..self.tokens.len())
            .find(|&j| self.is(j, "{"))
            .ok_or("a group without `{`")?;
        let close = self.matching_brace(open)?;
        let options = if self.is(group_at + 4, "[") {
            let (start, stop) = (self.tokens[group_at + 5].start, self.tokens[open - 2].end);
            Some(self.text[start..stop].to_owned())
        } else {
            None
        };
        self.statements(open + 1, close, Block::Fields, false)?;
        // The label was removed already, except `repeated`.
        let head_start = if repeated {
            self.tokens[label_at].start
        } else {
            self.tokens[group_at].start
        };
        let head_end = self.tokens[open].start;
        self.edit(head_start, head_end, format!("message {name} "));
        features.push("message_encoding = DELIMITED");
        let mut list: Vec<String> = options.into_iter().collect();
        list.extend(features.iter().map(|f| format!("features.{f}")));
        let field = format!(
            " {}{name} {} = {number} [{}];",
            if repeated { "repeated " } else { "" },
            name.to_ascii_lowercase(),
            list.join(", ")
        );
        let at = self.tokens[close].end;
        self.edit(at, at, field);
        Ok(close + 1)
    }
}

fn feature_list(features: &[&str]) -> String {
    features
        .iter()
        .map(|f| format!("features.{f}"))
        .collect::<Vec<_>>()
        .join(", ")
}
