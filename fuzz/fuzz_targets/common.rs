//! What the multi-file targets share: the fuzz input as a small tree of
//! .proto files on disk, compiled as `protoc-rs compile` compiles them.

use std::path::PathBuf;

use protoc_rs::compile::{self, Compilation, Options};

/// The file names the input's parts get, in order; `a.proto` is the one
/// named on the command line, and may import the others (and the
/// built-in `google/protobuf/*.proto`).
pub const NAMES: [&str; 4] = ["a.proto", "b.proto", "c.proto", "d.proto"];

/// A directory of this process's own, emptied.
fn work_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("protoc-rs-fuzz-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("the temporary directory is writable");
    dir
}

/// Splits `data` at NUL bytes into up to four files, writes them, and
/// compiles `a.proto` with the directory as the include path.
pub fn compile_parts(data: &[u8]) -> Compilation {
    let dir = work_dir();
    for (name, part) in NAMES.iter().zip(data.splitn(NAMES.len(), |&b| b == 0)) {
        std::fs::write(dir.join(name), part).expect("the temporary directory is writable");
    }
    compile::compile(&Options {
        include_paths: vec![dir.display().to_string()],
        inputs: vec![dir.join(NAMES[0]).display().to_string()],
        ..Default::default()
    })
}
