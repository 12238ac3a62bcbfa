//! The Rust code protoc-rs generates for fixtures/codegen, compiled with
//! every warning an error, so that unused or deprecated-item warnings in
//! generated code fail the build.
#![deny(warnings)]
// The generated code marks deprecated fields and variants with
// #[deprecated]; using them here is the point.
#![allow(deprecated)]

include!(concat!(env!("OUT_DIR"), "/fixtures.rs"));
