//! Snapshots of the Rust generated for each fixtures/codegen/*.proto (every
//! package file, in order), so that a change to the generated code shows
//! up in review as a diff of the code itself.

use protoc_rs::codegen::rust::Config;
use protoc_rs::compile::{self, Options};

#[test]
fn generated_rust() {
    insta::glob!("../fixtures/codegen", "*.proto", |path| {
        let name = path.file_name().unwrap().to_string_lossy();
        let mut compilation = compile::compile(&Options {
            include_paths: vec!["fixtures/codegen".into()],
            inputs: vec![format!("fixtures/codegen/{name}")],
            ..Default::default()
        });
        let files = compilation
            .rust_code(
                &Config::default(),
                protoc_rs::codegen::rust::Services::Tonic(
                    &protoc_rs::codegen::rust::TonicOptions::default(),
                ),
            )
            .unwrap()
            .0;
        let text: String = files
            .iter()
            .map(|f| format!("==> {}\n{}", f.name, f.content))
            .collect();
        insta::assert_snapshot!(text);
    });
}
