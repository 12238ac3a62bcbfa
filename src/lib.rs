//! protoc-rs: a protobuf compiler written in Rust, a drop-in for protoc,
//! prost-build and tonic-prost-build with nothing else installed.
//!
//! What this crate offers, and keeps stable:
//!
//! - [`compile`] and [`Compiler`]: `.proto` files to a
//!   `FileDescriptorSet` (bytes and `prost_types`), diagnostics as values
//!   ([`Diagnostic`], [`Error`]).
//! - [`prost`]: prost-build 0.14's API for `build.rs`, byte-identical
//!   output (`prost_build::` becomes `protoc_rs::prost::`).
//! - [`tonic`]: tonic-prost-build 0.14's API, likewise
//!   (`tonic_prost_build::` becomes `protoc_rs::tonic::`).
//! - [`configure`] and [`Builder`]: protoc-rs's own build helper.
//!
//! The binaries (`cargo install protoc-rs --features cli`) are
//! `protoc-rs`, protoc's command line (plugins included) and `protoc-rs
//! compile`, and `protoc-gen-prost-rs`, the Rust generator as a protoc
//! plugin; a build dependency compiles none of it.
//!
//! The modules below those are the pipeline's stages, one per stage, data
//! flowing one way: source text → syntax (lexer, parser, spanned tree) →
//! semantics (imports, names, validation, options) → descriptors → codegen
//! (Rust: prost and tonic code; Python with the `cli` feature); `compile` is the driver that reads and writes
//! files. They are public for the binary and the tests and hidden from the
//! documentation: they may change in any release.

mod api;
mod build;
pub mod builder;
mod escape;
mod par;

pub use api::{compile, Compiled, Compiler, Diagnostic, Error, Severity};
pub use build::{prost, tonic};
pub use builder::{configure, Builder};

#[doc(hidden)]
pub mod builtin;
#[doc(hidden)]
#[cfg(feature = "cli")]
pub mod cli;
#[doc(hidden)]
pub mod codegen;
#[doc(hidden)]
pub mod compile;
#[doc(hidden)]
pub mod descriptors;
#[doc(hidden)]
pub mod diagnostics;
#[doc(hidden)]
pub mod pb;
#[doc(hidden)]
#[cfg(feature = "cli")]
pub mod plugins;
#[doc(hidden)]
pub mod semantics;
#[doc(hidden)]
pub mod source;
#[doc(hidden)]
pub mod syntax;
#[doc(hidden)]
#[cfg(feature = "cli")]
pub mod textformat;
