//! Doc comments from SourceCodeInfo, as prost-build writes them: the
//! leading comment's lines, a blank line, the trailing comment's lines,
//! each escaped for rustdoc. Detached comments are plain `//` comments for
//! prost-build, which its formatter drops, so they are not kept here.

use std::sync::LazyLock;

use regex::Regex;

use crate::pb::source_code_info::Location;

/// The doc lines of a declaration, each the text after `///`.
pub fn doc_lines(location: &Location) -> Vec<String> {
    let leading: Vec<&str> = location
        .leading_comments
        .as_deref()
        .map_or(Vec::new(), |c| c.lines().collect());
    let trailing: Vec<&str> = location
        .trailing_comments
        .as_deref()
        .map_or(Vec::new(), |c| c.lines().collect());
    let mut lines: Vec<String> = leading.iter().map(|l| sanitize_line(l)).collect();
    if !leading.is_empty() && !trailing.is_empty() {
        lines.push(String::new());
    }
    lines.extend(trailing.iter().map(|l| sanitize_line(l)));
    lines
}

/// prost-build's `sanitize_line`: URLs in angle brackets, lone `[...]`
/// escaped so rustdoc does not take them for links, and a space after
/// `///` unless the line has one already.
fn sanitize_line(line: &str) -> String {
    static URL: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"https?://[^\s)]+").unwrap());
    static BRACKETS: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(^|[^\]\\])\[(([^\]]*[^\\])?)\]([^(\[]|$)").unwrap());
    let mut s = URL.replace_all(line, r"<$0>").to_string();
    s = BRACKETS.replace_all(&s, r"$1\[$2\]$4").to_string();
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
}
