//! `--rust-out`: files that compile (up to four, NUL-separated, with
//! imports) go through prost/tonic code generation, formatting included;
//! the descriptor set built afterwards (from trees parsed again) must be
//! the one built before.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use protoc_rs::codegen::rust::{Config, Services, TonicOptions};

fuzz_target!(|data: &[u8]| {
    let mut compilation = common::compile_parts(data);
    if compilation.has_errors() {
        return;
    }
    let set_options = protoc_rs::descriptors::SetOptions {
        include_imports: true,
        include_source_info: true,
        ..Default::default()
    };
    let before = compilation.descriptor_set_with(set_options);
    let tonic = TonicOptions::default();
    let _ = compilation.rust_code(&Config::rust_out(), Services::Tonic(&tonic));
    // The syntax trees freed for code generation are parsed again from the
    // sources: every set built afterwards is the one built before.
    assert!(compilation.descriptor_set_with(set_options) == before);
});
