//! Where the well-known types (`google/protobuf/*.proto`) come from when no
//! include path has them.
//!
//! protoc finds them in the `include/` directory installed beside it. We
//! have no such directory, so we use the `.proto` files of a protobuf
//! distribution already installed on the machine, searched in this order:
//!
//! 1. `$PROTOC_INCLUDE`, the variable prost-build has long honoured;
//! 2. the `grpc_tools/_proto` directory of Python's grpcio-tools (the
//!    newest protobuf release a machine is likely to have);
//! 3. `/usr/local/include` and `/usr/include` (Debian's libprotobuf-dev,
//!    Homebrew and source installs).
//!
//! A directory counts when it holds `google/protobuf/descriptor.proto`.
//! The search runs at most once per process, and only when an import of a
//! `google/protobuf/` file is found in no include path.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// The prefix of the files this fallback serves.
pub const PREFIX: &str = "google/protobuf/";

/// The fixed directories searched after the environment and Python.
const SYSTEM_DIRS: &[&str] = &[
    "/usr/local/include",
    "/opt/homebrew/include",
    "/usr/include",
];

/// The include directory holding the well-known types, found once.
pub fn root() -> Option<&'static Path> {
    static ROOT: OnceLock<Option<PathBuf>> = OnceLock::new();
    ROOT.get_or_init(|| first_root(candidates())).as_deref()
}

/// Every place searched, in order, for error messages.
pub fn searched() -> Vec<String> {
    let mut places = vec![
        "$PROTOC_INCLUDE".to_owned(),
        "Python's grpc_tools/_proto".to_owned(),
    ];
    places.extend(SYSTEM_DIRS.iter().map(|d| (*d).to_owned()));
    places
}

fn candidates() -> impl Iterator<Item = PathBuf> {
    let from_env = std::env::var_os("PROTOC_INCLUDE").map(PathBuf::from);
    let python = std::iter::once_with(grpc_tools_dir).flatten();
    from_env
        .into_iter()
        .chain(python)
        .chain(SYSTEM_DIRS.iter().map(PathBuf::from))
}

/// The first candidate that holds descriptor.proto.
fn first_root(candidates: impl Iterator<Item = PathBuf>) -> Option<PathBuf> {
    candidates
        .into_iter()
        .find(|dir| dir.join(PREFIX).join("descriptor.proto").is_file())
}

/// grpcio-tools' bundled include directory, asked of the Python
/// interpreter itself (site-packages live in too many places to guess).
fn grpc_tools_dir() -> Option<PathBuf> {
    let output = Command::new("python3")
        .args([
            "-c",
            "import os, grpc_tools; print(os.path.join(os.path.dirname(grpc_tools.__file__), '_proto'))",
        ])
        .output()
        .ok()?;
    if !output.status.success() {
        return None;
    }
    let path = String::from_utf8(output.stdout).ok()?;
    Some(PathBuf::from(path.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_directory_with_descriptor_proto_wins() {
        let base = std::env::temp_dir().join(format!("protoc-rs-wkt-{}", std::process::id()));
        let empty = base.join("empty");
        let full = base.join("full");
        std::fs::create_dir_all(&empty).unwrap();
        std::fs::create_dir_all(full.join(PREFIX)).unwrap();
        std::fs::write(
            full.join(PREFIX).join("descriptor.proto"),
            "syntax = \"proto2\";",
        )
        .unwrap();
        let found = first_root([empty.clone(), full.clone(), empty].into_iter());
        std::fs::remove_dir_all(&base).unwrap();
        assert_eq!(found, Some(full));
    }
}
