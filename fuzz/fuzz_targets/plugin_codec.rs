//! The plugin protocol, both ways: bytes as a CodeGeneratorRequest to the
//! built-in `protoc-gen-prost-rs` (which decodes it and generates Rust
//! from whatever descriptors it holds), and the same bytes as a plugin's
//! CodeGeneratorResponse, taken as protoc takes one (files, insertion
//! points, errors).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = protoc_rs::plugins::prost_rs::respond(data);
    let _ = protoc_rs::plugins::host::apply_encoded_response("fuzz", data);
});
