//! The parser: nom combinators over the token stream.
//!
//! It follows protoc's recursive-descent parser production for production,
//! so that it accepts the same files and reports the first error of a
//! statement at the same token. Two kinds of failure exist, as in nom:
//! `Err::Error` means "not this production" and lets `opt`/`alt` try
//! another; `Err::Failure` means the statement is broken. A failed
//! statement is reported, then skipped the way protoc skips it (to the next
//! `;`, past a `{ }` block, or up to a `}`), and parsing goes on.
//!
//! Errors protoc reports without giving up on the statement (an integer out
//! of range, a label in a oneof, ...) go straight to the context's list.
//! Every diagnostic is keyed by the token the parser stood on when it was
//! found, so lexical and syntax errors come out in protoc's order.

mod enums;
mod file;
mod input;
mod message;
mod options;
mod primitives;
mod service;

use std::cell::{Cell, RefCell};

use nom::Err as NomErr;

use super::ast;
use super::comments::{self, Comment};
use super::lexer::Lexed;
use super::token::{Token, TokenKind};
use crate::diagnostics::Diagnostic;
use crate::source::{FileId, Span};

pub(crate) use input::In;

/// protoc's limit on nested message declarations.
const MAX_MESSAGE_NESTING: u32 = 32;

/// A parse failure: where the parser stood, and what to report.
#[derive(Debug)]
pub(crate) struct PErr {
    pub idx: usize,
    pub diagnostic: Option<Box<Diagnostic>>,
}

impl<'a> nom::error::ParseError<In<'a>> for PErr {
    fn from_error_kind(input: In<'a>, _kind: nom::error::ErrorKind) -> Self {
        PErr {
            idx: input.idx,
            diagnostic: None,
        }
    }

    fn append(_input: In<'a>, _kind: nom::error::ErrorKind, other: Self) -> Self {
        other
    }
}

pub(crate) type PResult<'a, T> = nom::IResult<In<'a>, T, PErr>;

/// Where a diagnostic sorts: protoc reports lexical errors as it reads a
/// token, and syntax errors once the parser stands on it.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Order {
    token: u32,
    phase: u8,
    seq: u32,
}

/// Shared parser state: the tokens, the diagnostics found so far, the
/// file's syntax, and protoc's pending comments.
pub(crate) struct Ctx<'a> {
    pub src: &'a [u8],
    pub file: FileId,
    pub tokens: &'a [Token],
    diagnostics: RefCell<Vec<(Order, Diagnostic)>>,
    pub syntax: Cell<ast::Syntax>,
    /// How many more nested messages protoc would accept.
    depth_left: Cell<u32>,
    upcoming_doc: Cell<Option<Comment>>,
    upcoming_detached: RefCell<Vec<Comment>>,
    /// Whether an `import option` was seen (imports must come first).
    pub saw_option_import: Cell<bool>,
    pub saw_package: Cell<bool>,
}

impl<'a> Ctx<'a> {
    fn push(&self, token: usize, phase: u8, diagnostic: Diagnostic) {
        let mut diagnostics = self.diagnostics.borrow_mut();
        let seq = diagnostics.len() as u32;
        diagnostics.push((
            Order {
                token: token as u32,
                phase,
                seq,
            },
            diagnostic,
        ));
    }

    /// Records an error found while standing on token `idx`.
    pub fn report(&self, idx: usize, diagnostic: Diagnostic) {
        self.push(idx, 1, diagnostic);
    }

    /// Records an error protoc only finds after parsing the whole file.
    pub fn report_late(&self, diagnostic: Diagnostic) {
        self.push(u32::MAX as usize, 2, diagnostic);
    }

    pub fn token(&self, idx: usize) -> &'a Token {
        &self.tokens[idx.min(self.tokens.len() - 1)]
    }

    pub fn text(&self, span: Span) -> &'a [u8] {
        &self.src[span.start as usize..span.end as usize]
    }

    pub fn is_editions(&self) -> bool {
        matches!(self.syntax.get(), ast::Syntax::Editions(_))
    }

    /// The edition number protoc's parser compares with: 0 (unknown) for
    /// proto2 and proto3 files.
    pub fn edition_number(&self) -> i32 {
        match self.syntax.get() {
            ast::Syntax::Editions(edition) => edition.number(),
            _ => 0,
        }
    }

    /// protoc's `NextWithComments` after the token at `idx`: returns what
    /// trails that token and what leads the next, updating the pending
    /// leading and detached comments as protoc does. `attach` says whether
    /// a declaration ends here and takes the comments.
    fn collect_after(
        &self,
        idx: usize,
        closing_brace: bool,
        attach: bool,
    ) -> Option<ast::Comments> {
        let end_token = self.token(idx);
        let next = self.token(idx + 1);
        let next_closes = next.kind == TokenKind::Eof
            || next.is_symbol(self.src, b'}')
            || next.is_symbol(self.src, b']')
            || next.is_symbol(self.src, b')');
        let gap = Span::new(end_token.span.end, next.span.start);
        let collected = comments::collect(self.src, gap, false, next_closes);
        let leading = self.upcoming_doc.replace(collected.leading);
        if attach {
            let detached = self.upcoming_detached.replace(collected.detached);
            Some(ast::Comments {
                leading,
                trailing: collected.trailing,
                detached,
            })
        } else {
            let mut upcoming = self.upcoming_detached.borrow_mut();
            if closing_brace {
                *upcoming = collected.detached;
            } else {
                upcoming.extend(collected.detached);
            }
            None
        }
    }

    /// The comments before the first token.
    fn collect_at_start(&self) {
        let first = self.token(0);
        let start = if self.src.starts_with(b"\xEF\xBB\xBF") {
            3
        } else {
            0
        };
        let next_closes = first.kind == TokenKind::Eof
            || first.is_symbol(self.src, b'}')
            || first.is_symbol(self.src, b']')
            || first.is_symbol(self.src, b')');
        let gap = Span::new(start.min(first.span.start), first.span.start);
        let collected = comments::collect(self.src, gap, true, next_closes);
        self.upcoming_doc.set(collected.leading);
        *self.upcoming_detached.borrow_mut() = collected.detached;
    }
}

/// The result of parsing one file.
pub struct Parsed {
    pub file: ast::File,
    /// Lexical and syntax diagnostics, in the order protoc reports them.
    pub diagnostics: Vec<Diagnostic>,
}

pub fn parse(file: FileId, src: &[u8], lexed: Lexed) -> Parsed {
    let ctx = Ctx {
        src,
        file,
        tokens: &lexed.tokens,
        diagnostics: RefCell::new(Vec::new()),
        syntax: Cell::new(ast::Syntax::Proto2),
        depth_left: Cell::new(MAX_MESSAGE_NESTING),
        upcoming_doc: Cell::new(None),
        upcoming_detached: RefCell::new(Vec::new()),
        saw_option_import: Cell::new(false),
        saw_package: Cell::new(false),
    };
    for (token, diagnostic) in lexed.errors {
        ctx.push(token as usize, 0, diagnostic);
    }
    let ast = file::file(&ctx);
    let mut diagnostics = ctx.diagnostics.into_inner();
    diagnostics.sort_by_key(|(order, _)| *order);
    Parsed {
        file: ast,
        diagnostics: diagnostics.into_iter().map(|(_, d)| d).collect(),
    }
}

/// Reports a failed statement, for the recovery loops.
pub(crate) fn report_failure(ctx: &Ctx<'_>, err: NomErr<PErr>) -> usize {
    match err {
        NomErr::Error(e) | NomErr::Failure(e) => {
            let idx = e.idx;
            let diagnostic = match e.diagnostic {
                Some(diagnostic) => *diagnostic,
                None => primitives::unexpected(ctx, idx, "a statement", "Expected statement."),
            };
            ctx.report(idx, diagnostic);
            idx
        }
        // Only streaming parsers return Incomplete; ours are all complete.
        NomErr::Incomplete(_) => ctx.tokens.len() - 1,
    }
}

/// protoc's `SkipStatement`: skips to just past the next `;`, past the
/// next `{ }` block, or up to (not past) a `}`.
pub(crate) fn skip_statement(ctx: &Ctx<'_>, mut idx: usize) -> usize {
    loop {
        let token = ctx.token(idx);
        match token.kind {
            TokenKind::Eof => return idx,
            TokenKind::Symbol => {
                if token.is_symbol(ctx.src, b';') {
                    ctx.collect_after(idx, false, false);
                    return idx + 1;
                } else if token.is_symbol(ctx.src, b'{') {
                    return skip_rest_of_block(ctx, idx + 1);
                } else if token.is_symbol(ctx.src, b'}') {
                    return idx;
                }
            }
            _ => {}
        }
        idx += 1;
    }
}

/// protoc's `SkipRestOfBlock`: skips past the `}` matching an open `{`.
fn skip_rest_of_block(ctx: &Ctx<'_>, mut idx: usize) -> usize {
    let mut depth = 1usize;
    loop {
        let token = ctx.token(idx);
        match token.kind {
            TokenKind::Eof => return idx,
            TokenKind::Symbol if token.is_symbol(ctx.src, b'}') => {
                ctx.collect_after(idx, true, false);
                depth -= 1;
                if depth == 0 {
                    return idx + 1;
                }
            }
            TokenKind::Symbol if token.is_symbol(ctx.src, b'{') => depth += 1,
            _ => {}
        }
        idx += 1;
    }
}

/// `items` in an allocation of exactly their number. Syntax trees of a
/// whole corpus stay in memory until the descriptors are written, and
/// growth by doubling leaves up to half of a list unused; `shrink_to_fit`
/// is not enough, as an allocator may keep a block that is at least half
/// used where it is (mimalloc's `realloc` does), slack and all.
pub(crate) fn exact<T>(items: Vec<T>) -> Vec<T> {
    if items.capacity() == items.len() {
        return items;
    }
    let mut exact = Vec::with_capacity(items.len());
    exact.extend(items);
    exact
}

/// Runs the statements of a block until `}`: protoc's block loops. Each
/// failed statement is reported and skipped. `eof_message` is protoc's
/// error when the file ends first.
pub(crate) fn block<'a, T>(
    mut i: In<'a>,
    eof_message: &'static str,
    what: &'static str,
    mut statement: impl FnMut(In<'a>) -> PResult<'a, Option<T>>,
) -> PResult<'a, (Vec<T>, Span)> {
    let mut items = Vec::new();
    // The `{` that opened the block is the token before its first.
    let open = i.idx.saturating_sub(1);
    loop {
        if let Some((rest, close)) = primitives::try_end_decl(i, b'}', false) {
            return Ok((rest, (exact(items), close.0)));
        }
        if i.at_eof() {
            return Err(primitives::fail_eof_unclosed(i, eof_message, what, open));
        }
        match statement(i) {
            Ok((rest, item)) => {
                items.extend(item);
                i = rest;
            }
            Err(err) => {
                let at = report_failure(i.ctx, err);
                i = i.at(skip_statement(i.ctx, at));
            }
        }
    }
}
