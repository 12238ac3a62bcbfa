//! Doc comments from SourceCodeInfo, as prost-build writes them: the
//! leading comment's lines, a blank line, the trailing comment's lines,
//! each escaped for rustdoc. Detached comments are plain `//` comments for
//! prost-build, which its formatter drops, so they are not kept here.
//!
//! A project that uses tonic-prost-build has prost-build's
//! `cleanup-markdown` on, so each comment is first normalized as Markdown
//! (pulldown-cmark read, pulldown-cmark-to-cmark written, code blocks
//! marked `text` or `compile_fail`), the same crates doing it here.

use std::sync::LazyLock;

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag};
use regex::Regex;

use crate::pb::source_code_info::Location;

/// The doc lines of a declaration, each the text after `///`.
pub fn doc_lines(location: &Location) -> Vec<String> {
    let leading = leading_lines(location);
    let trailing: Vec<String> = location
        .trailing_comments
        .as_deref()
        .map_or(Vec::new(), markdown_lines);
    let mut lines: Vec<String> = leading.iter().map(|l| sanitize_line(l)).collect();
    if !leading.is_empty() && !trailing.is_empty() {
        lines.push(String::new());
    }
    lines.extend(trailing.iter().map(|l| sanitize_line(l)));
    lines
}

/// The leading comment's lines, Markdown normalized, not yet escaped (what
/// tonic-build puts on services and methods).
pub fn leading_lines(location: &Location) -> Vec<String> {
    location
        .leading_comments
        .as_deref()
        .map_or(Vec::new(), markdown_lines)
}

/// A comment's lines after prost-build's Markdown normalization.
fn markdown_lines(comment: &str) -> Vec<String> {
    let mut buffer = String::with_capacity(comment.len() + 256);
    let options = pulldown_cmark_to_cmark::Options {
        code_block_token_count: 3,
        ..Default::default()
    };
    let events =
        Parser::new_ext(comment, Options::all() - Options::ENABLE_SMART_PUNCTUATION).map(|event| {
            match event {
                Event::Start(Tag::CodeBlock(kind)) => {
                    let kind = match kind {
                        CodeBlockKind::Fenced(info) if info.as_ref() == "rust" => {
                            CodeBlockKind::Fenced("compile_fail".into())
                        }
                        CodeBlockKind::Fenced(info) => {
                            CodeBlockKind::Fenced(format!("text,{info}").into())
                        }
                        CodeBlockKind::Indented => CodeBlockKind::Fenced("text".into()),
                    };
                    Event::Start(Tag::CodeBlock(kind))
                }
                event => event,
            }
        });
    match pulldown_cmark_to_cmark::cmark_with_options(events, &mut buffer, options) {
        Ok(_) => buffer.lines().map(str::to_owned).collect(),
        Err(_) => comment.lines().map(str::to_owned).collect(),
    }
}

/// prost-build's `sanitize_line`: URLs in angle brackets, lone `[...]`
/// escaped so rustdoc does not take them for links, and a space after
/// `///` unless the line has one already.
fn sanitize_line(line: &str) -> String {
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
}
