//! protoc-rs: a protobuf compiler written in Rust.
//!
//! The pipeline, one module per stage, data flowing one way:
//! [`source`] text → [`syntax`] (lexer, parser, spanned tree) →
//! [`semantics`] (imports, names, validation, options) → [`descriptors`]
//! (FileDescriptorSets, SourceCodeInfo) → [`codegen`] (prost and tonic
//! code); [`compile`] is the driver that reads and writes files and runs
//! the stages, [`builder`] the `build.rs` helper. Every stage reports
//! problems through [`diagnostics`].

mod build;
pub mod builder;
pub mod builtin;
#[cfg(feature = "cli")]
pub mod cli;
pub mod codegen;
pub mod compile;
pub mod descriptors;
pub mod diagnostics;
pub mod pb;
pub mod semantics;
pub mod source;
pub mod syntax;
#[cfg(feature = "cli")]
pub mod textformat;

pub use build::{prost, tonic};
pub use builder::{configure, Builder};
