//! Snapshots of the rendered diagnostics of every fixture of
//! fixtures/semantics/invalid, compiled with its directory and
//! fixtures/semantics/valid as include paths (relative, so that the paths
//! in the snapshots do not depend on the checkout's location).

use protoc_rs::compile::{self, Options};
use protoc_rs::diagnostics::render::{to_plain_string, ErrorFormat};

#[test]
fn semantic_diagnostics() {
    insta::glob!("../fixtures/semantics/invalid", "*.proto", |path| {
        let name = path.file_name().unwrap().to_string_lossy();
        let compilation = compile::compile(&Options {
            include_paths: vec![
                "fixtures/semantics/invalid".into(),
                "fixtures/semantics/valid".into(),
            ],
            inputs: vec![format!("fixtures/semantics/invalid/{name}")],
        });
        assert!(compilation.has_errors(), "{name} should be rejected");
        insta::assert_snapshot!(to_plain_string(
            &compilation.sources,
            &compilation.diagnostics,
            ErrorFormat::Human
        ));
    });
}
