//! The parser's input: a position in the token stream plus the shared
//! context, with nom's `Input` trait so nom's combinators run over tokens.

use nom::Needed;

use super::Ctx;
use crate::syntax::token::{Token, TokenKind};

#[derive(Clone, Copy)]
pub(crate) struct In<'a> {
    /// Index of the current token.
    pub idx: usize,
    /// One past the last token this input may use.
    end: usize,
    pub ctx: &'a Ctx<'a>,
}

impl<'a> In<'a> {
    pub fn new(ctx: &'a Ctx<'a>) -> In<'a> {
        In {
            idx: 0,
            end: ctx.tokens.len(),
            ctx,
        }
    }

    /// The same input moved to token `idx`.
    pub fn at(self, idx: usize) -> In<'a> {
        In { idx, ..self }
    }

    /// The current token; the end-of-file token once past the end.
    pub fn current(&self) -> &'a Token {
        self.ctx.token(self.idx)
    }

    /// The token before the current one, if any.
    pub fn previous(&self) -> Option<&'a Token> {
        self.idx.checked_sub(1).map(|i| self.ctx.token(i))
    }

    pub fn at_eof(&self) -> bool {
        self.current().kind == TokenKind::Eof
    }

    /// protoc's `LookingAt`: the current token's text is `text`.
    pub fn looking_at(&self, text: &str) -> bool {
        self.current().is(self.ctx.src, text)
    }

    pub fn looking_at_symbol(&self, symbol: u8) -> bool {
        self.current().is_symbol(self.ctx.src, symbol)
    }

    pub fn kind(&self) -> TokenKind {
        self.current().kind
    }

    /// The input after the current token.
    pub fn next(self) -> In<'a> {
        self.at(self.idx + 1)
    }
}

impl<'a> nom::Input for In<'a> {
    type Item = &'a Token;
    type Iter = std::slice::Iter<'a, Token>;
    type IterIndices = std::iter::Enumerate<std::slice::Iter<'a, Token>>;

    fn input_len(&self) -> usize {
        self.end.saturating_sub(self.idx)
    }

    fn take(&self, index: usize) -> Self {
        In {
            end: self.idx + index,
            ..*self
        }
    }

    fn take_from(&self, index: usize) -> Self {
        In {
            idx: self.idx + index,
            ..*self
        }
    }

    fn take_split(&self, index: usize) -> (Self, Self) {
        (self.take_from(index), self.take(index))
    }

    fn position<P>(&self, predicate: P) -> Option<usize>
    where
        P: Fn(Self::Item) -> bool,
    {
        self.iter_elements().position(predicate)
    }

    fn iter_elements(&self) -> Self::Iter {
        self.ctx.tokens[self.idx.min(self.end)..self.end].iter()
    }

    fn iter_indices(&self) -> Self::IterIndices {
        self.iter_elements().enumerate()
    }

    fn slice_index(&self, count: usize) -> Result<usize, Needed> {
        if self.input_len() >= count {
            Ok(count)
        } else {
            Err(Needed::new(count - self.input_len()))
        }
    }
}
