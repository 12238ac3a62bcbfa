//! The library's compile API: descriptor sets as bytes and as prost-types,
//! and every diagnostic as a value.

mod common;

use protoc_rs::{Compiler, Severity};

fn work() -> std::path::PathBuf {
    common::root().join("fixtures/protoc-cli/work")
}

#[test]
fn a_set_comes_back_as_protoc_writes_it_with_the_warnings() {
    let compiled = Compiler::new([work()])
        .include_source_info(false)
        .compile([work().join("unused.proto")])
        .unwrap();
    let set = compiled.file_descriptor_set();
    let names: Vec<&str> = set.file.iter().map(|f| f.name()).collect();
    assert_eq!(names, ["base.proto", "unused.proto"]);
    // protoc 35 wrote the same file for --include_imports -o.
    let golden = std::fs::read(
        common::root().join("fixtures/goldens/protoc-cli/include-imports/files/out/a.pb"),
    )
    .unwrap();
    let uses = Compiler::new([work()])
        .include_source_info(false)
        .compile(["uses.proto"])
        .unwrap();
    assert!(uses.as_bytes() == golden.as_slice());
    let warnings = compiled.warnings();
    assert_eq!(warnings.len(), 1);
    assert_eq!(warnings[0].severity, Severity::Warning);
    assert_eq!(warnings[0].code, "W3001");
    assert_eq!((warnings[0].line, warnings[0].column), (Some(4), Some(1)));
    assert!(
        warnings[0].rendered.contains("unused import `base.proto`"),
        "{}",
        warnings[0].rendered
    );
}

#[test]
fn errors_are_values_every_one_of_them() {
    let error = protoc_rs::compile([work().join("broken.proto")], [work()]).unwrap_err();
    let errors: Vec<_> = error
        .diagnostics()
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    assert_eq!(errors.len(), 2, "{:#?}", error.diagnostics());
    assert!(
        error
            .to_string()
            .contains("\"Missing\" is not defined. (and 1 more errors)"),
        "{error}"
    );
    let missing = protoc_rs::compile(["nope.proto"], [work()]).unwrap_err();
    assert_eq!(missing.diagnostics()[0].code, "");
    assert_eq!(
        missing.diagnostics()[0].protoc,
        "Could not make proto path relative: nope.proto: No such file or directory"
    );
}

#[test]
fn descriptor_sets_serve_imports() {
    let compiled = Compiler::new([work()])
        .descriptor_set_in(work().join("sets/base.pb"))
        .compile(["imports-set-only.proto"])
        .unwrap();
    let names: Vec<String> = compiled
        .file_descriptor_set()
        .file
        .iter()
        .map(|f| f.name().to_owned())
        .collect();
    assert_eq!(
        names,
        ["base.proto", "only-in-set.proto", "imports-set-only.proto"]
    );
}
