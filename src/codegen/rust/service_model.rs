//! What a service generator sees: prost-build's service model, with the
//! same names and fields, so that a custom generator written for
//! `prost_build::ServiceGenerator` ports by changing its imports
//! (`protoc_rs::prost::{Service, Method, Comments, ServiceGenerator}`).
//!
//! The built-in tonic generator ([`super::services`]) implements the same
//! trait; the codegen stage calls whichever it is given, service by
//! service, then `finalize` per file and `finalize_package` per package,
//! in prost-build's order.

/// Writes code for the services of a `.proto` file, as text appended to the
/// package's Rust file (prost-build's `ServiceGenerator`).
pub trait ServiceGenerator {
    /// Appends the code of one service to `buf`.
    fn generate(&mut self, service: Service, buf: &mut String);

    /// Appends code after the services of one `.proto` file (called once
    /// per file that has services).
    fn finalize(&mut self, _buf: &mut String) {}

    /// Appends code after every file of one protobuf package (called once
    /// per package that has services).
    fn finalize_package(&mut self, _package: &str, _buf: &mut String) {}
}

/// The comments of a protobuf element, one string per line (after
/// Markdown cleanup, when it is on).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Comments {
    /// Blocks of comments detached from the element (blank line between).
    pub leading_detached: Vec<Vec<String>>,
    /// The comment right before the element.
    pub leading: Vec<String>,
    /// The comment right after it.
    pub trailing: Vec<String>,
}

impl Comments {
    /// Appends the comments as `//` (detached) and `///` lines, indented by
    /// four spaces per level, escaped for rustdoc as prost-build does.
    pub fn append_with_indent(&self, indent_level: u8, buf: &mut String) {
        let indent = "    ".repeat(indent_level as usize);
        for block in &self.leading_detached {
            for line in block {
                buf.push_str(&indent);
                buf.push_str("//");
                buf.push_str(&sanitize_line(line));
                buf.push('\n');
            }
            buf.push('\n');
        }
        for line in &self.leading {
            buf.push_str(&indent);
            buf.push_str("///");
            buf.push_str(&sanitize_line(line));
            buf.push('\n');
        }
        if !self.leading.is_empty() && !self.trailing.is_empty() {
            buf.push_str(&indent);
            buf.push_str("///\n");
        }
        for line in &self.trailing {
            buf.push_str(&indent);
            buf.push_str("///");
            buf.push_str(&sanitize_line(line));
            buf.push('\n');
        }
    }
}

/// A service, as prost-build hands it to a service generator.
#[derive(Debug, Clone, PartialEq)]
pub struct Service {
    /// The name in Rust style (`Greeter`).
    pub name: String,
    /// The name in the `.proto` file.
    pub proto_name: String,
    /// The package, as in the `.proto` file.
    pub package: String,
    pub comments: Comments,
    pub methods: Vec<Method>,
    pub options: prost_types::ServiceOptions,
}

/// A method of a [`Service`].
#[derive(Debug, Clone, PartialEq)]
pub struct Method {
    /// The name in Rust style (`say_hello`).
    pub name: String,
    /// The name in the `.proto` file (`SayHello`).
    pub proto_name: String,
    pub comments: Comments,
    /// The request type as Rust names it from the package's module.
    pub input_type: String,
    /// The response type, likewise.
    pub output_type: String,
    /// The request type's full protobuf name (`.pkg.HelloRequest`).
    pub input_proto_type: String,
    /// The response type's full protobuf name.
    pub output_proto_type: String,
    pub options: prost_types::MethodOptions,
    pub client_streaming: bool,
    pub server_streaming: bool,
}

/// prost-build's `sanitize_line`: URLs in angle brackets, lone `[...]`
/// escaped so rustdoc does not take them for links, and a space after
/// `///` unless the line has exactly one already.
pub(crate) fn sanitize_line(line: &str) -> String {
    let mut s = wrap_urls(line);
    if s.contains('[') {
        s = escape_brackets(&s);
    }
    if should_indent(&s) {
        s.insert(0, ' ');
    }
    s
}

/// prost-build's `https?://[^\s)]+` replaced by `<$0>`: each URL, up to
/// whitespace or `)`, in angle brackets.
fn wrap_urls(line: &str) -> String {
    if !line.contains("http") {
        return line.to_owned();
    }
    let mut out = String::with_capacity(line.len() + 4);
    let mut rest = line;
    while let Some(at) = rest.find("http") {
        let after = &rest[at + 4..];
        let scheme = if after.starts_with("s://") {
            8
        } else if after.starts_with("://") {
            7
        } else {
            0
        };
        let url_len = if scheme == 0 {
            0
        } else {
            let tail = &rest[at + scheme..];
            let end = tail
                .find(|c: char| c.is_whitespace() || c == ')')
                .unwrap_or(tail.len());
            if end == 0 {
                0
            } else {
                scheme + end
            }
        };
        if url_len == 0 {
            out.push_str(&rest[..at + 4]);
            rest = &rest[at + 4..];
            continue;
        }
        out.push_str(&rest[..at]);
        out.push('<');
        out.push_str(&rest[at..at + url_len]);
        out.push('>');
        rest = &rest[at + url_len..];
    }
    out.push_str(rest);
    out
}

/// prost-build's `(^|[^\]\\])\[(([^\]]*[^\\])?)\]([^(\[]|$)` replaced by
/// `$1\[$2\]$4`, match for match as the regex finds them (leftmost first,
/// the search resuming after each match, which takes the character after
/// the `]`): a `[...]` not followed by `(` or `[`, not preceded by `]` or a
/// backslash, and not ending in a backslash, gets its brackets escaped.
fn escape_brackets(line: &str) -> String {
    let chars: Vec<(usize, char)> = line.char_indices().collect();
    let n = chars.len();
    // A match whose `[` is at char index `open`: the index of its `]` and
    // the char index where the match ends. The inside is either empty or a
    // run of non-`]` characters then one that is not a backslash (which may
    // be a `]`); the regex prefers the longest inside, then shorter ones,
    // until what follows the `]` fits.
    let from_bracket = |open: usize| -> Option<(usize, usize)> {
        if chars.get(open).map(|c| c.1) != Some('[') {
            return None;
        }
        let run_end = (open + 1..n).find(|&i| chars[i].1 == ']')?;
        let mut closes = Vec::with_capacity(3);
        if chars.get(run_end + 1).map(|c| c.1) == Some(']') {
            closes.push(run_end + 1);
        }
        if run_end > open + 1 && chars[run_end - 1].1 != '\\' {
            closes.push(run_end);
        }
        if run_end == open + 1 {
            closes.push(run_end);
        }
        closes
            .into_iter()
            .find_map(|close| match chars.get(close + 1).map(|c| c.1) {
                None => Some((close, close + 1)),
                Some('(' | '[') => None,
                Some(_) => Some((close, close + 2)),
            })
    };
    let mut out = String::with_capacity(line.len() + 4);
    let mut copied = 0; // chars copied so far
    let mut start = 0;
    while start < n {
        let found = if start == 0 {
            from_bracket(0).map(|m| (0, m))
        } else {
            None
        }
        .or_else(|| {
            let c = chars[start].1;
            (c != ']' && c != '\\')
                .then(|| from_bracket(start + 1).map(|m| (start + 1, m)))
                .flatten()
        });
        let Some((open, (close, end))) = found else {
            start += 1;
            continue;
        };
        let byte = |i: usize| chars.get(i).map_or(line.len(), |c| c.0);
        out.push_str(&line[byte(copied)..byte(open)]);
        out.push_str("\\[");
        out.push_str(&line[byte(open + 1)..byte(close)]);
        out.push_str("\\]");
        out.push_str(&line[byte(close + 1)..byte(end)]);
        copied = end;
        start = end;
    }
    out.push_str(&line[chars.get(copied).map_or(line.len(), |c| c.0)..]);
    out
}

/// A non-empty line that does not start with exactly one space.
fn should_indent(line: &str) -> bool {
    let mut chars = line.chars();
    chars
        .next()
        .is_some_and(|c| c != ' ' || chars.next() == Some(' '))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_sanitized_like_prost_build() {
        assert_eq!(
            sanitize_line(" see https://x.io/a"),
            " see <https://x.io/a>"
        );
        assert_eq!(sanitize_line(" a [b] c"), " a \\[b\\] c");
        assert_eq!(sanitize_line(" a [b](c)"), " a [b](c)");
        assert_eq!(sanitize_line("no space"), " no space");
        assert_eq!(sanitize_line("  two"), "   two");
        assert_eq!(sanitize_line(""), "");
    }

    #[test]
    fn brackets_are_escaped_match_for_match_as_the_regex_does() {
        assert_eq!(escape_brackets("[a][b]"), "[a][b]");
        assert_eq!(escape_brackets("a [b] [c] d"), "a \\[b\\] [c] d");
        assert_eq!(escape_brackets("[x]"), "\\[x\\]");
        assert_eq!(escape_brackets("a\\[x] ]y[z]"), "a\\[x] ]y\\[z\\]");
        assert_eq!(escape_brackets("[a\\]b"), "[a\\]b");
        assert_eq!(escape_brackets("[]"), "\\[\\]");
        assert_eq!(escape_brackets("é[ü]€"), "é\\[ü\\]€");
    }

    proptest::proptest! {
        /// The hand-written matching equals prost-build's regexes on any
        /// line made of the characters that matter.
        #[test]
        fn sanitizing_equals_prost_builds_regexes(
            line in "[\\[\\]\\\\()a é:/hts]{0,24}"
        ) {
            let url = regex::Regex::new(r"https?://[^\s)]+").unwrap();
            let brackets =
                regex::Regex::new(r"(^|[^\]\\])\[(([^\]]*[^\\])?)\]([^(\[]|$)").unwrap();
            let with_urls = url.replace_all(&line, r"<$0>").into_owned();
            proptest::prop_assert_eq!(wrap_urls(&line), with_urls.clone());
            let escaped = brackets.replace_all(&with_urls, r"$1\[$2\]$4").into_owned();
            proptest::prop_assert_eq!(escape_brackets(&with_urls), escaped);
        }
    }

    #[test]
    fn urls_are_wrapped_as_the_regex_does() {
        assert_eq!(
            wrap_urls("see http://a.b/c) and https://x"),
            "see <http://a.b/c>) and <https://x>"
        );
        assert_eq!(wrap_urls("http:// no"), "http:// no");
        assert_eq!(wrap_urls("httphttp://x"), "http<http://x>");
    }

    #[test]
    fn comments_are_written_as_prost_build_writes_them() {
        let comments = Comments {
            leading_detached: vec![vec![" detached".into()]],
            leading: vec![" leading".into()],
            trailing: vec!["trailing".into()],
        };
        let mut buf = String::new();
        comments.append_with_indent(1, &mut buf);
        assert_eq!(
            buf,
            "    // detached\n\n    /// leading\n    ///\n    /// trailing\n"
        );
    }
}
