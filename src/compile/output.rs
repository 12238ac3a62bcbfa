//! Writing generated files: each only when its content changed (so cargo
//! sees no change for nothing), each atomically (a temporary file renamed
//! over the old one), and all only after everything was generated, so a
//! failed run leaves the previous outputs untouched.

use std::io;
use std::path::{Path, PathBuf};

use crate::codegen::rust::GeneratedFile;

/// What writing did to each file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WriteReport {
    pub written: Vec<PathBuf>,
    pub unchanged: Vec<PathBuf>,
}

/// Writes `files` into `dir`, creating it if needed.
pub fn write_files(dir: &Path, files: &[GeneratedFile]) -> io::Result<WriteReport> {
    std::fs::create_dir_all(dir)?;
    let mut report = WriteReport::default();
    for file in files {
        let path = dir.join(&file.name);
        if write_bytes_if_changed(&path, file.content.as_bytes())? {
            report.written.push(path);
        } else {
            report.unchanged.push(path);
        }
    }
    Ok(report)
}

/// Writes beside the target, then renames over it: readers never see a
/// half-written file.
pub fn write_atomically(path: &Path, content: &[u8]) -> io::Result<()> {
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temporary = path.with_file_name(format!(".{file_name}.{}.tmp", std::process::id()));
    std::fs::write(&temporary, content)?;
    std::fs::rename(&temporary, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&temporary);
    })
}

/// Writes one file, atomically, unless it already holds `content`.
pub fn write_bytes_if_changed(path: &Path, content: &[u8]) -> io::Result<bool> {
    if std::fs::read(path).is_ok_and(|old| old == content) {
        return Ok(false);
    }
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)?;
    }
    write_atomically(path, content)?;
    Ok(true)
}
