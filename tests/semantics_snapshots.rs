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

/// A type named in one file of the run and defined in a later one that it
/// does not import: protoc has not built the later file yet, but the help
/// still finds it and gives the import.
#[test]
fn type_in_a_later_file_of_the_run() {
    let compilation = compile::compile(&Options {
        include_paths: vec![
            "fixtures/semantics/invalid".to_owned(),
            "fixtures/semantics/valid".to_owned(),
        ],
        inputs: vec![
            "fixtures/semantics/invalid/type-in-later-file.proto".to_owned(),
            "fixtures/semantics/valid/later-in-run.proto".to_owned(),
        ],
        ..Default::default()
    });
    assert!(compilation.has_errors());
    let fix = compilation
        .diagnostics
        .iter()
        .find_map(|d| d.fix.as_ref())
        .expect("the missing import is a fix");
    assert_eq!(fix.replacement, "\nimport \"later-in-run.proto\";");
    insta::assert_snapshot!(to_plain_string(
        &compilation.sources,
        &compilation.diagnostics,
        ErrorFormat::Human,
    ));
}
