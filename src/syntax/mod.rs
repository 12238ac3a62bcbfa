//! The syntax stage: source bytes to a spanned syntax tree plus lexical and
//! syntax diagnostics.
//!
//! Architecture invariant: no IO and no knowledge of other files. A file's
//! imports are just strings here; the semantics stage follows them.

pub mod ast;
pub mod comments;
pub mod dump;
pub mod lexer;
pub mod literals;
mod parser;
pub mod token;

pub use parser::Parsed;

use crate::source::FileId;

/// Lexes and parses one file. Never fails: every problem is a diagnostic,
/// and the tree holds whatever could be parsed.
pub fn parse(file: FileId, src: &[u8]) -> Parsed {
    let lexed = lexer::lex(file, src);
    parser::parse(file, src, lexed)
}
