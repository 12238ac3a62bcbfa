//! Snapshots of the rendered diagnostics of every rejected fixture of
//! fixtures/semantics and fixtures/validation, each compiled with its
//! directory and the suite's valid/ directory as include paths (relative,
//! so that the paths in the snapshots do not depend on the checkout's
//! location).

use protoc_rs::compile::{self, Options};
use protoc_rs::diagnostics::render::{to_plain_string, ErrorFormat};

/// The human rendering of every diagnostic of `fixtures/<suite>/invalid/<name>`.
fn render(suite: &str, name: &str) -> String {
    let compilation = compile::compile(&Options {
        include_paths: vec![
            format!("fixtures/{suite}/invalid"),
            format!("fixtures/{suite}/valid"),
        ],
        inputs: vec![format!("fixtures/{suite}/invalid/{name}")],
        ..Default::default()
    });
    assert!(compilation.has_errors(), "{name} should be rejected");
    to_plain_string(
        &compilation.sources,
        &compilation.diagnostics,
        ErrorFormat::Human,
    )
}

#[test]
fn semantic_diagnostics() {
    insta::glob!("../fixtures/semantics/invalid", "*.proto", |path| {
        let name = path.file_name().unwrap().to_string_lossy();
        insta::assert_snapshot!(render("semantics", &name));
    });
}

#[test]
fn validation_diagnostics() {
    insta::glob!("../fixtures/validation/invalid", "*.proto", |path| {
        let name = path.file_name().unwrap().to_string_lossy();
        insta::assert_snapshot!(render("validation", &name));
    });
}
