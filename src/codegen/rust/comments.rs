//! Doc comments from SourceCodeInfo, as prost-build writes them: the
//! leading comment's lines, a blank line, the trailing comment's lines,
//! each escaped for rustdoc. Detached comments are plain `//` comments for
//! prost-build, which its formatter drops, so they are not kept here.
//!
//! With prost-build's `cleanup-markdown` (which tonic-prost-build turns
//! on), each comment is first normalized as Markdown (pulldown-cmark read,
//! pulldown-cmark-to-cmark written, code blocks marked `text` or
//! `compile_fail`), the same crates doing it here. Without it, a comment's
//! lines are taken as they are.

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag};

use super::service_model::{sanitize_line, Comments};
use crate::pb::source_code_info::Location;

/// The doc lines of a declaration, each the text after `///`.
pub fn doc_lines(location: &Location, cleanup: bool) -> Vec<String> {
    let comments = comments(location, cleanup);
    let mut lines: Vec<String> = comments.leading.iter().map(|l| sanitize_line(l)).collect();
    if !comments.leading.is_empty() && !comments.trailing.is_empty() {
        lines.push(String::new());
    }
    lines.extend(comments.trailing.iter().map(|l| sanitize_line(l)));
    lines
}

/// A location's comments as prost-build's `Comments::from_location` reads
/// them.
pub fn comments(location: &Location, cleanup: bool) -> Comments {
    let lines = |text: &str| {
        if cleanup {
            markdown_lines(text)
        } else {
            text.lines().map(str::to_owned).collect()
        }
    };
    Comments {
        leading_detached: location
            .leading_detached_comments
            .iter()
            .map(|c| lines(c))
            .collect(),
        leading: location
            .leading_comments
            .as_deref()
            .map_or(Vec::new(), lines),
        trailing: location
            .trailing_comments
            .as_deref()
            .map_or(Vec::new(), lines),
    }
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
