//! Comment attachment, exactly as protoc's tokenizer does it.
//!
//! protoc collects comments only when the parser moves past the token that
//! ends a declaration (`;`, `{`, `}`) and at the start of the file. What lies
//! between that token and the next one is split into a comment trailing the
//! declaration just ended, comments detached from everything, and a comment
//! leading the next declaration. The rules, taken from protoc's behaviour:
//! - a comment on the same line as the end token trails it;
//! - consecutive `//` lines form one comment; a blank line ends a comment;
//! - a comment directly followed by the next token leads it, unless that
//!   token closes a scope (`}`, `]`, `)`) or sits on a line shared with the
//!   previous token or trailing comment, which makes it ambiguous.
//!
//! Comments are kept as spans; [`Comment::text`] gives protoc's text.

use super::lexer::is_whitespace_no_newline;
use crate::source::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CommentKind {
    /// One or more consecutive `//` lines.
    Line,
    /// One `/* */` block.
    Block,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Comment {
    pub kind: CommentKind,
    /// From the first `//` or `/*` to the end of the comment, the final
    /// newline of a `//` comment included.
    pub span: Span,
}

impl Comment {
    /// The comment's text as protoc records it: `//` and `/*`, `*/` removed,
    /// and in block comments each line's indentation and leading `*`.
    pub fn text(&self, src: &[u8]) -> String {
        let raw = &src[self.span.start as usize..self.span.end as usize];
        let bytes = match self.kind {
            CommentKind::Line => line_comment_text(raw),
            CommentKind::Block => block_comment_text(raw),
        };
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

fn line_comment_text(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len());
    for line in raw.split_inclusive(|&b| b == b'\n') {
        let start = line
            .iter()
            .position(|&b| !is_whitespace_no_newline(b))
            .unwrap_or(line.len());
        // Every line of a line-comment group starts with `//`.
        out.extend_from_slice(line.get(start + 2..).unwrap_or_default());
    }
    out
}

fn block_comment_text(raw: &[u8]) -> Vec<u8> {
    let body = &raw[2..];
    let mut out = Vec::with_capacity(body.len());
    let mut i = 0;
    let mut recording_from = 0;
    while i < body.len() {
        match body[i] {
            b'\n' => {
                out.extend_from_slice(&body[recording_from..=i]);
                i += 1;
                while i < body.len() && is_whitespace_no_newline(body[i]) {
                    i += 1;
                }
                if body.get(i) == Some(&b'*') {
                    i += 1;
                    if body.get(i) == Some(&b'/') {
                        return out;
                    }
                }
                recording_from = i;
            }
            b'*' if body.get(i + 1) == Some(&b'/') => {
                out.extend_from_slice(&body[recording_from..i]);
                return out;
            }
            _ => i += 1,
        }
    }
    out.extend_from_slice(&body[recording_from.min(body.len())..]);
    out
}

/// What protoc finds between a declaration's end token and the next token.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Collected {
    pub trailing: Option<Comment>,
    pub detached: Vec<Comment>,
    pub leading: Option<Comment>,
}

/// protoc's comment buffer: the comment being read and where it may go.
struct Collector {
    out: Collected,
    buffer: Option<Comment>,
    num_comments: usize,
    has_trailing: bool,
    can_attach_to_prev: bool,
}

impl Collector {
    fn start_line_comment(&mut self, start: u32) {
        match self.buffer {
            Some(Comment {
                kind: CommentKind::Line,
                ..
            }) => {}
            Some(_) => {
                self.flush();
                self.buffer = Some(Comment {
                    kind: CommentKind::Line,
                    span: Span::point(start),
                });
            }
            None => {
                self.buffer = Some(Comment {
                    kind: CommentKind::Line,
                    span: Span::point(start),
                });
            }
        }
    }

    fn start_block_comment(&mut self, start: u32) {
        self.flush();
        self.buffer = Some(Comment {
            kind: CommentKind::Block,
            span: Span::point(start),
        });
    }

    fn extend_to(&mut self, end: u32) {
        if let Some(comment) = &mut self.buffer {
            comment.span.end = end;
        }
    }

    fn flush(&mut self) {
        if let Some(comment) = self.buffer.take() {
            if self.can_attach_to_prev {
                self.out.trailing = Some(comment);
                self.has_trailing = true;
                self.can_attach_to_prev = false;
            } else {
                self.out.detached.push(comment);
            }
            self.num_comments += 1;
        }
    }

    fn maybe_detach(&mut self) {
        let count = self.num_comments + usize::from(self.buffer.is_some());
        if count == 1 {
            if self.has_trailing {
                if let Some(trailing) = self.out.trailing.take() {
                    self.out.detached.insert(0, trailing);
                }
            }
            self.flush();
        }
    }

    fn finish(mut self) -> Collected {
        self.out.leading = self.buffer.take();
        self.out
    }
}

/// A cursor over the whitespace and comments of one gap.
struct Gap<'a> {
    src: &'a [u8],
    pos: usize,
    end: usize,
    line: u32,
}

impl Gap<'_> {
    fn cur(&self) -> u8 {
        if self.pos < self.end {
            self.src[self.pos]
        } else {
            0
        }
    }

    fn skip_spaces(&mut self) {
        while self.pos < self.end && is_whitespace_no_newline(self.src[self.pos]) {
            self.pos += 1;
        }
    }

    fn eat_newline(&mut self) -> bool {
        if self.cur() == b'\n' {
            self.pos += 1;
            self.line += 1;
            true
        } else {
            false
        }
    }

    fn comment_start(&self) -> Option<CommentKind> {
        if self.cur() != b'/' || self.pos + 1 >= self.end {
            return None;
        }
        match self.src[self.pos + 1] {
            b'/' => Some(CommentKind::Line),
            b'*' => Some(CommentKind::Block),
            _ => None,
        }
    }

    /// Skips a `//` comment and its newline; returns its end.
    fn line_comment(&mut self) -> u32 {
        while self.pos < self.end && !matches!(self.src[self.pos], b'\n' | 0) {
            self.pos += 1;
        }
        self.eat_newline();
        self.pos as u32
    }

    /// Skips a `/* */` comment; returns its end.
    fn block_comment(&mut self) -> u32 {
        self.pos += 2;
        while self.pos < self.end {
            if self.src[self.pos] == b'*' && self.src.get(self.pos + 1) == Some(&b'/') {
                self.pos += 2;
                break;
            }
            if self.src[self.pos] == b'\n' {
                self.line += 1;
            }
            self.pos += 1;
        }
        self.pos as u32
    }
}

/// Splits the comments in `gap`, the text between a declaration's end token
/// and `next_token`, the way protoc's `NextWithComments` does.
/// `at_file_start` is true for the gap before the first token, which has no
/// previous declaration to trail. `next_closes_scope` is true when the next
/// token is `}`, `]` or `)`, or the end of the file.
pub fn collect(src: &[u8], gap: Span, at_file_start: bool, next_closes_scope: bool) -> Collected {
    let mut cursor = Gap {
        src,
        pos: gap.start as usize,
        end: gap.end as usize,
        line: 0,
    };
    let mut collector = Collector {
        out: Collected::default(),
        buffer: None,
        num_comments: 0,
        has_trailing: false,
        can_attach_to_prev: !at_file_start,
    };
    // Lines are counted from the gap's start; only equality matters.
    let prev_line: Option<u32> = if at_file_start { None } else { Some(0) };
    let mut trailing_end_line: Option<u32> = None;

    if !at_file_start {
        cursor.skip_spaces();
        match cursor.comment_start() {
            Some(CommentKind::Line) => {
                trailing_end_line = Some(cursor.line);
                collector.start_line_comment(cursor.pos as u32);
                let end = cursor.line_comment();
                collector.extend_to(end);
                collector.flush();
            }
            Some(CommentKind::Block) => {
                collector.start_block_comment(cursor.pos as u32);
                let end = cursor.block_comment();
                collector.extend_to(end);
                trailing_end_line = Some(cursor.line);
                cursor.skip_spaces();
                collector.flush();
            }
            None => {
                if !cursor.eat_newline() {
                    // The next token is on the same line: no comments at all.
                    return Collected::default();
                }
            }
        }
    }

    loop {
        cursor.skip_spaces();
        match cursor.comment_start() {
            Some(CommentKind::Line) => {
                collector.start_line_comment(cursor.pos as u32);
                let end = cursor.line_comment();
                collector.extend_to(end);
            }
            Some(CommentKind::Block) => {
                collector.start_block_comment(cursor.pos as u32);
                let end = cursor.block_comment();
                collector.extend_to(end);
                cursor.skip_spaces();
                cursor.eat_newline();
            }
            None => {
                if cursor.eat_newline() {
                    collector.flush();
                    collector.can_attach_to_prev = false;
                    continue;
                }
                // At the next token (or whatever ends the gap).
                if next_closes_scope {
                    collector.flush();
                }
                let at_eof = cursor.pos >= src.len();
                let line = cursor.line;
                if !at_eof && (prev_line == Some(line) || trailing_end_line == Some(line)) {
                    collector.maybe_detach();
                }
                return collector.finish();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(
        src: &str,
        gap_start: usize,
        at_start: bool,
    ) -> (Option<String>, Vec<String>, Option<String>) {
        let end = src.rfind('X').expect("marker");
        let c = collect(
            src.as_bytes(),
            Span::new(gap_start as u32, end as u32),
            at_start,
            false,
        );
        let t = |c: &Comment| c.text(src.as_bytes());
        (
            c.trailing.as_ref().map(t),
            c.detached.iter().map(t).collect(),
            c.leading.as_ref().map(t),
        )
    }

    #[test]
    fn trailing_detached_and_leading() {
        let src = "; // trailing\n\n// detached\n\n// leading 1\n// leading 2\nX";
        let (trailing, detached, leading) = texts(src, 1, false);
        assert_eq!(trailing.as_deref(), Some(" trailing\n"));
        assert_eq!(detached, vec![" detached\n".to_string()]);
        assert_eq!(leading.as_deref(), Some(" leading 1\n leading 2\n"));
    }

    #[test]
    fn block_comment_strips_stars() {
        let src = "\n/* one\n * two\n   three */\nX";
        let (_, _, leading) = texts(src, 0, true);
        // Indentation is dropped whether or not a `*` follows it.
        assert_eq!(leading.as_deref(), Some(" one\n two\nthree "));
    }

    #[test]
    fn comment_before_token_on_same_line_is_detached() {
        let src = ";  /* c */ X";
        let (trailing, detached, leading) = texts(src, 1, false);
        assert_eq!(trailing, None);
        assert_eq!(detached, vec![" c ".to_string()]);
        assert_eq!(leading, None);
    }
}
