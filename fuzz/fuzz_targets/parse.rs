//! Runs arbitrary bytes through the whole front end as one .proto file:
//! lexing and parsing, the semantic checks (imports, symbols, names,
//! validation, options), every diagnostic in all three error formats, the
//! tree dump, and for a file that checks, its descriptor set with source
//! info. None of this may panic, whatever the input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use protoc_rs::compile;
use protoc_rs::diagnostics::render::{to_plain_string, ErrorFormat};
use protoc_rs::semantics;
use protoc_rs::source::{FileId, SourceFile, SourceMap};
use protoc_rs::syntax::{ast, dump::dump};

fuzz_target!(|data: &[u8]| {
    let mut map = SourceMap::new();
    let id = map.add(SourceFile::new("fuzz.proto", data.to_vec()));
    assert_eq!(id, FileId(0));
    let parsed = compile::parse_source(id, map.get(id));

    // No other file exists: every import is missing.
    let imports = parsed
        .file
        .items
        .iter()
        .filter(|item| matches!(item, ast::Item::Import(_)))
        .map(|_| None)
        .collect();
    let input = semantics::FileInput {
        id,
        ast: &parsed.file,
        parse_diagnostics: &parsed.diagnostics,
        imports,
    };
    let analysis = semantics::analyze(&map, std::slice::from_ref(&input), &[id]);

    for format in [ErrorFormat::Human, ErrorFormat::Protoc, ErrorFormat::Json] {
        let _ = to_plain_string(&map, &analysis.diagnostics, format);
    }
    let _ = dump(map.get(id), &parsed.file);

    // A file that checks also goes through the descriptors stage, source
    // info and retained options included.
    if analysis.ok.contains(&id) {
        let options = protoc_rs::descriptors::SetOptions {
            include_imports: true,
            include_source_info: true,
            retain_options: true,
            ..Default::default()
        };
        let _ = protoc_rs::descriptors::encode_set(&map, &[(id, &parsed.file)], &analysis, options);
    }
});
