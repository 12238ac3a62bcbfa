//! Lexes and parses arbitrary bytes as one .proto file, then renders every
//! diagnostic in all three error formats and dumps the AST. None of this may
//! panic, whatever the input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use protoc_rs::diagnostics::render::{to_plain_string, ErrorFormat};
use protoc_rs::source::{FileId, SourceFile, SourceMap};
use protoc_rs::syntax::{self, dump::dump};

fuzz_target!(|data: &[u8]| {
    let parsed = syntax::parse(FileId(0), data);

    let mut map = SourceMap::new();
    let id = map.add(SourceFile::new("fuzz.proto", data.to_vec()));
    assert_eq!(id, FileId(0));

    for format in [ErrorFormat::Human, ErrorFormat::Protoc, ErrorFormat::Json] {
        let _ = to_plain_string(&map, &parsed.diagnostics, format);
    }

    let _ = dump(map.get(id), &parsed.file);
});
