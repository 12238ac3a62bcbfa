//! protoc-rs: a protobuf compiler written in Rust.
//!
//! The pipeline, one module per stage, data flowing one way:
//! [`source`] text → [`syntax`] (lexer, parser, spanned tree) → … →
//! [`compile`] (the driver that reads files and runs the stages).
//! Every stage reports problems through [`diagnostics`].

pub mod builder;
pub mod cli;
pub mod codegen;
pub mod compile;
pub mod descriptors;
pub mod diagnostics;
pub mod pb;
pub mod semantics;
pub mod source;
pub mod syntax;

pub use builder::{configure, Builder};
