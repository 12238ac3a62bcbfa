//! The generated code comes from protoc-rs's own build-script helper, as a
//! user's build.rs would call it.

fn main() -> std::io::Result<()> {
    let dir = "../fixtures/codegen";
    // The editions fixtures, whose Rust must honour their features.
    let editions = "../fixtures/codegen/editions";
    let mut protos = protos_in(dir)?;
    protos.extend(protos_in(editions)?);
    protoc_rs::configure()
        .include_file("fixtures.rs")
        .compile_protos(&protos, &[dir.to_owned(), editions.to_owned()])
}

fn protos_in(dir: &str) -> std::io::Result<Vec<String>> {
    Ok(std::fs::read_dir(dir)?
        .filter_map(|entry| entry.ok())
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|e| e == "proto"))
        .map(|path| path.display().to_string())
        .collect())
}
