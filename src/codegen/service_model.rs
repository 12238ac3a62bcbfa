//! What a service generator sees: prost-build's service model, with the
//! same names and fields, so that a custom generator written for
//! `prost_build::ServiceGenerator` ports by changing its imports
//! (`protoc_rs::prost::{Service, Method, Comments, ServiceGenerator}`).
//!
//! The built-in tonic generator ([`super::services`]) implements the same
//! trait; the codegen stage calls whichever it is given, service by
//! service, then `finalize` per file and `finalize_package` per package,
//! in prost-build's order.

use std::sync::LazyLock;

use regex::Regex;

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
    static URL: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"https?://[^\s)]+").unwrap());
    static BRACKETS: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(^|[^\]\\])\[(([^\]]*[^\\])?)\]([^(\[]|$)").unwrap());
    // Most lines have neither a URL nor a bracket: no regex for them.
    let mut s = if line.contains("http") {
        URL.replace_all(line, r"<$0>").into_owned()
    } else {
        line.to_owned()
    };
    if s.contains('[') {
        s = BRACKETS.replace_all(&s, r"$1\[$2\]$4").into_owned();
    }
    if should_indent(&s) {
        s.insert(0, ' ');
    }
    s
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
