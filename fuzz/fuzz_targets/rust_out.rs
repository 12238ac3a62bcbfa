//! `--rust-out`: files that compile (up to four, NUL-separated, with
//! imports) go through prost/tonic code generation, formatting included.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use protoc_rs::codegen::rust::{Config, Services, TonicOptions};

fuzz_target!(|data: &[u8]| {
    let compilation = common::compile_parts(data);
    if compilation.has_errors() {
        return;
    }
    let tonic = TonicOptions::default();
    let _ = compilation.rust_code(&Config::rust_out(), Services::Tonic(&tonic));
});
