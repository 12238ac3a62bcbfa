//! Several files with imports, the built-in descriptor.proto and its kin
//! included, through the whole pipeline as `protoc-rs compile` runs it:
//! reading, parsing, the semantics of the import graph, custom options,
//! every diagnostic format, and a descriptor set with imports and source
//! info. The input is up to four files separated by NUL bytes.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use protoc_rs::descriptors::SetOptions;
use protoc_rs::diagnostics::render::{to_plain_string, ErrorFormat};

fuzz_target!(|data: &[u8]| {
    let compilation = common::compile_parts(data);
    for format in [ErrorFormat::Human, ErrorFormat::Protoc, ErrorFormat::Json] {
        let _ = to_plain_string(&compilation.sources, &compilation.diagnostics, format);
    }
    if !compilation.has_errors() {
        let _ = compilation.descriptor_set_with(SetOptions {
            include_imports: true,
            include_source_info: true,
            retain_options: true,
            ..Default::default()
        });
    }
});
