//! Writing generated files as protoc writes them, and more carefully.
//!
//! Every destination of a run is checked before anything is written, and
//! every new content goes to a temporary file beside its destination first:
//! when any check or temporary write fails, the temporaries and the
//! directories made for them are removed, and no output changes. Only then
//! are the temporaries renamed over their destinations, so readers never see
//! a half-written file, and a file that already holds its content is left
//! alone (so cargo sees no change for nothing).
//!
//! A destination that is not a regular file is what protoc would write
//! through: a symlink is followed (its target is replaced, not the link),
//! and a device, FIFO or socket (`/dev/null`, `/dev/stdout`, a named pipe)
//! is opened and written in place, never read and never replaced.
//!
//! Running out of memory here (the binaries then exit at once, see
//! `crate::cli::alloc`): the contents are in memory already, and the
//! checks allocate before anything is written, so a failure in them leaves
//! nothing behind. Staging allocates only a few path-sized values between
//! temporary files, so a failure there is unlikely, and could leave a
//! `.NAME.PID-N.tmp` temporary behind but never changes a destination. The
//! commit allocates nothing (the report is built first, and std converts
//! paths under 384 bytes to C strings on the stack), so outputs are never
//! left half renamed.

use std::fs;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use crate::codegen::rust::GeneratedFile;

/// What writing did to each file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WriteReport {
    pub written: Vec<PathBuf>,
    pub unchanged: Vec<PathBuf>,
}

/// Whether a destination that already holds the content is written again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WriteMode {
    /// Always, as protoc does (its outputs' times change on every run).
    Always,
    /// Only when the content changed, for cargo.
    IfChanged,
}

/// An output that could not be written, and why; it names the output.
#[derive(Debug)]
pub struct OutputError {
    /// The output the run was asked to write.
    pub path: PathBuf,
    /// What went wrong, in words that make sense after the path.
    pub message: String,
    pub source: io::Error,
}

impl std::fmt::Display for OutputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.message)
    }
}

impl std::error::Error for OutputError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

impl From<OutputError> for io::Error {
    fn from(error: OutputError) -> io::Error {
        io::Error::new(error.source.kind(), error.to_string())
    }
}

impl OutputError {
    fn new(path: &Path, source: io::Error) -> OutputError {
        OutputError {
            path: path.to_owned(),
            message: crate::compile::source_tree::os_error_text(&source),
            source,
        }
    }
}

/// Writes `files` into `dir` (made if needed), all or none.
pub fn write_files(dir: &Path, files: &[GeneratedFile]) -> Result<WriteReport, OutputError> {
    let outputs: Vec<(PathBuf, &[u8])> = files
        .iter()
        .map(|file| (dir.join(&file.name), file.content.as_bytes()))
        .collect();
    write_all(&outputs, WriteMode::IfChanged)
}

/// Writes one file (see the module documentation); whether it was written.
pub fn write_bytes_if_changed(path: &Path, content: &[u8]) -> Result<bool, OutputError> {
    let report = write_all(&[(path.to_owned(), content)], WriteMode::IfChanged)?;
    Ok(!report.written.is_empty())
}

/// Writes every output, or none when one of them cannot be: destinations
/// are checked and new contents written to temporary files first.
pub fn write_all(
    outputs: &[(PathBuf, &[u8])],
    mode: WriteMode,
) -> Result<WriteReport, OutputError> {
    let pieces: Vec<(PathBuf, [&[u8]; 1])> = outputs
        .iter()
        .map(|(path, content)| (path.clone(), [*content]))
        .collect();
    let outputs: Vec<(PathBuf, Content<'_>)> = pieces
        .iter()
        .map(|(path, content)| (path.clone(), content.as_slice()))
        .collect();
    write_all_pieces(&outputs, mode)
}

/// An output's content as pieces, written one after another: a descriptor
/// set is one piece per file, and joining them would hold a second copy
/// of the whole set in memory.
pub type Content<'a> = &'a [&'a [u8]];

/// [`write_all`], with each content in pieces.
pub fn write_all_pieces(
    outputs: &[(PathBuf, Content<'_>)],
    mode: WriteMode,
) -> Result<WriteReport, OutputError> {
    let mut plans = Vec::with_capacity(outputs.len());
    for (path, content) in outputs {
        plans.push(plan(path, content, mode)?);
    }
    let mut staged = Staged::default();
    for (plan, (path, content)) in plans.iter().zip(outputs) {
        if let Plan::Replace {
            target,
            permissions,
        } = plan
        {
            if let Err(error) = staged.stage(path, target, content, permissions.clone()) {
                staged.discard();
                return Err(error);
            }
        }
    }
    staged.commit(&plans, outputs)
}

/// What writing one output will do.
enum Plan {
    /// The regular file there already holds the content.
    Unchanged,
    /// A new file, or a regular file replaced by a temporary renamed over
    /// it. `target` is the path with symlinks followed.
    Replace {
        target: PathBuf,
        permissions: Option<fs::Permissions>,
    },
    /// Not a regular file: opened and written in place.
    InPlace { target: PathBuf },
}

/// How many symlinks are followed before giving up, as Linux does.
const MAX_SYMLINKS: usize = 40;

/// Checks one destination: where it leads, and whether it can be written
/// there, without changing anything.
fn plan(path: &Path, content: Content<'_>, mode: WriteMode) -> Result<Plan, OutputError> {
    // `stat` follows every link, the kernel's magic ones (`/dev/stdout`,
    // `/proc/self/fd/1`) included.
    match fs::metadata(path) {
        Ok(meta) if meta.is_dir() => Err(OutputError {
            path: path.to_owned(),
            message: "is a directory, not a file".to_owned(),
            source: io::Error::new(io::ErrorKind::IsADirectory, "Is a directory"),
        }),
        Ok(meta) if meta.is_file() => {
            // The real file is replaced, wherever links lead.
            let target = fs::canonicalize(path).map_err(|e| OutputError::new(path, e))?;
            if mode == WriteMode::IfChanged && holds(&target, meta.len(), content) {
                return Ok(Plan::Unchanged);
            }
            Ok(Plan::Replace {
                target,
                permissions: Some(meta.permissions()),
            })
        }
        Ok(_) => Ok(Plan::InPlace {
            target: path.to_owned(),
        }),
        // A file on the way is reported by the check of the parents.
        Err(error)
            if matches!(
                error.kind(),
                io::ErrorKind::NotFound | io::ErrorKind::NotADirectory
            ) =>
        {
            let target = follow_symlinks(path).map_err(|e| OutputError::new(path, e))?;
            check_parents(path, &target)?;
            Ok(Plan::Replace {
                target,
                permissions: None,
            })
        }
        Err(error) => Err(OutputError::new(path, error)),
    }
}

/// Where a path that does not resolve leads: through a dangling symlink
/// to the file it names, which is then created, as protoc's `open` would.
fn follow_symlinks(path: &Path) -> io::Result<PathBuf> {
    let mut current = path.to_owned();
    for _ in 0..MAX_SYMLINKS {
        match fs::symlink_metadata(&current) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let link = fs::read_link(&current)?;
                current = match current.parent() {
                    Some(parent) if link.is_relative() => parent.join(link),
                    _ => link,
                };
            }
            _ => return Ok(current),
        }
    }
    Err(io::Error::new(
        io::ErrorKind::InvalidInput,
        "Too many levels of symbolic links",
    ))
}

/// Whether the regular file at `path`, of `len` bytes, holds `content`:
/// read only when the sizes agree, never more than `content`, and a block
/// at a time, so that comparing a large output costs no second copy of it
/// in memory.
fn holds(path: &Path, len: u64, content: Content<'_>) -> bool {
    if len != content.iter().map(|piece| piece.len() as u64).sum::<u64>() {
        return false;
    }
    let Ok(file) = fs::File::open(path) else {
        return false;
    };
    let mut file = file.take(len);
    let mut block = vec![0; COMPARE_BLOCK];
    for piece in content {
        let mut rest = *piece;
        while !rest.is_empty() {
            let want = rest.len().min(block.len());
            match file.read(&mut block[..want]) {
                Ok(0) => return false,
                Ok(n) if block[..n] == rest[..n] => rest = &rest[n..],
                Ok(_) => return false,
                Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
                Err(_) => return false,
            }
        }
    }
    true
}

/// How much of an existing output is read at a time to compare it.
const COMPARE_BLOCK: usize = 64 * 1024;

/// That the missing parent directories of a new file can be made: the
/// nearest existing ancestor is a directory.
fn check_parents(path: &Path, target: &Path) -> Result<(), OutputError> {
    let mut ancestor = target.parent();
    while let Some(dir) = ancestor.filter(|d| !d.as_os_str().is_empty()) {
        match fs::metadata(dir) {
            Ok(meta) if meta.is_dir() => return Ok(()),
            Ok(_) => {
                // protoc's words for the same failure.
                return Err(OutputError {
                    path: path.to_owned(),
                    message: format!(
                        "while trying to create directory {}: {} is not a directory",
                        target.parent().unwrap_or(dir).display(),
                        dir.display()
                    ),
                    source: io::Error::new(io::ErrorKind::NotADirectory, "Not a directory"),
                });
            }
            Err(error)
                if matches!(
                    error.kind(),
                    io::ErrorKind::NotFound | io::ErrorKind::NotADirectory
                ) =>
            {
                ancestor = dir.parent()
            }
            Err(error) => return Err(OutputError::new(path, error)),
        }
    }
    Ok(())
}

/// Temporary files written so far, and the directories made for them.
#[derive(Default)]
struct Staged {
    /// Per output, in order: its temporary file, if it has one.
    temporaries: Vec<(PathBuf, PathBuf)>,
    /// Directories this run made, outermost first.
    made_dirs: Vec<PathBuf>,
}

impl Staged {
    /// Writes `content` to a temporary file beside `target`.
    fn stage(
        &mut self,
        path: &Path,
        target: &Path,
        content: Content<'_>,
        permissions: Option<fs::Permissions>,
    ) -> Result<(), OutputError> {
        if let Some(parent) = target.parent().filter(|p| !p.as_os_str().is_empty()) {
            self.make_dirs(parent).map_err(|e| OutputError {
                path: path.to_owned(),
                message: format!(
                    "while trying to create directory {}: {}",
                    parent.display(),
                    crate::compile::source_tree::os_error_text(&e)
                ),
                source: e,
            })?;
        }
        let temporary = temporary_path(target);
        let written = write_new(&temporary, content, permissions);
        if let Err(error) = written {
            let _ = fs::remove_file(&temporary);
            return Err(OutputError::new(path, error));
        }
        self.temporaries.push((temporary, target.to_owned()));
        Ok(())
    }

    /// `create_dir_all`, remembering what it made.
    fn make_dirs(&mut self, dir: &Path) -> io::Result<()> {
        let mut missing = Vec::new();
        let mut current = Some(dir);
        while let Some(d) = current.filter(|d| !d.as_os_str().is_empty()) {
            if d.is_dir() {
                break;
            }
            missing.push(d.to_owned());
            current = d.parent();
        }
        for d in missing.into_iter().rev() {
            match fs::create_dir(&d) {
                Ok(()) => self.made_dirs.push(d),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists && d.is_dir() => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// Removes every temporary file, and the directories made for them.
    fn discard(&mut self) {
        for (temporary, _) in self.temporaries.drain(..) {
            let _ = fs::remove_file(temporary);
        }
        for dir in self.made_dirs.drain(..).rev() {
            let _ = fs::remove_dir(dir);
        }
    }

    /// Renames the temporaries over their destinations and writes the
    /// in-place ones, in the outputs' order.
    fn commit(
        mut self,
        plans: &[Plan],
        outputs: &[(PathBuf, Content<'_>)],
    ) -> Result<WriteReport, OutputError> {
        // Built before anything is renamed, so that the loop below does not
        // allocate (see the module documentation); on an error it is not
        // returned.
        let mut report = WriteReport::default();
        for (plan, (path, _)) in plans.iter().zip(outputs) {
            match plan {
                Plan::Unchanged => report.unchanged.push(path.clone()),
                _ => report.written.push(path.clone()),
            }
        }
        let mut temporaries = std::mem::take(&mut self.temporaries).into_iter();
        for (plan, (path, content)) in plans.iter().zip(outputs) {
            let done = match plan {
                Plan::Unchanged => continue,
                Plan::Replace { .. } => match temporaries.next() {
                    Some((temporary, target)) => {
                        fs::rename(&temporary, &target).inspect_err(|_| {
                            let _ = fs::remove_file(&temporary);
                        })
                    }
                    None => Ok(()),
                },
                Plan::InPlace { target } => write_in_place(target, content),
            };
            if let Err(error) = done {
                // What is not renamed yet must not stay behind.
                for (temporary, _) in temporaries {
                    let _ = fs::remove_file(temporary);
                }
                return Err(OutputError::new(path, error));
            }
        }
        Ok(report)
    }
}

/// A name beside `target` that no other run of this process uses.
fn temporary_path(target: &Path) -> PathBuf {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let file_name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    target.with_file_name(format!(".{file_name}.{}-{n}.tmp", std::process::id()))
}

/// Creates `path` (which must not exist) with `content`; the old file's
/// permissions carry over to its replacement. No fsync: outputs are
/// regenerated, not precious, and a build writes many of them.
fn write_new(
    path: &Path,
    content: Content<'_>,
    permissions: Option<fs::Permissions>,
) -> io::Result<()> {
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    write_pieces(&mut file, content)?;
    if let Some(permissions) = permissions {
        file.set_permissions(permissions)?;
    }
    Ok(())
}

/// Writes a device, FIFO or socket as protoc does: opened for writing
/// (truncating, which devices ignore) and written, never read.
fn write_in_place(path: &Path, content: Content<'_>) -> io::Result<()> {
    let mut file = fs::OpenOptions::new()
        .write(true)
        .truncate(true)
        .open(path)?;
    write_pieces(&mut file, content)?;
    file.flush()
}

/// Writes the pieces in order: the file holds their concatenation. Small
/// pieces (a descriptor set's files, a few KiB each) are gathered into
/// large writes, not one system call each.
pub fn write_pieces(file: &mut fs::File, content: Content<'_>) -> io::Result<()> {
    if let [whole] = content {
        return file.write_all(whole);
    }
    let mut out = io::BufWriter::with_capacity(PIECES_BUFFER, file);
    content.iter().try_for_each(|piece| out.write_all(piece))?;
    out.flush()
}

/// How much of a content in pieces is gathered before it is written.
const PIECES_BUFFER: usize = 1 << 20;

#[cfg(test)]
mod tests {
    use super::{holds, COMPARE_BLOCK};

    /// `holds` on one piece.
    fn holds_bytes(path: &std::path::Path, len: u64, content: &[u8]) -> bool {
        holds(path, len, &[content])
    }

    /// A file holding `content`, in a directory removed with it.
    fn file_with(content: &[u8]) -> (std::path::PathBuf, std::path::PathBuf) {
        let dir = std::env::temp_dir().join(format!(
            "protoc-rs-holds-{}-{}",
            std::process::id(),
            content.len()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("out.bin");
        std::fs::write(&path, content).unwrap();
        (dir, path)
    }

    #[test]
    fn compares_block_by_block_to_the_last_byte() {
        let old: Vec<u8> = (0..COMPARE_BLOCK * 3 + 17)
            .map(|i| (i % 251) as u8)
            .collect();
        let (dir, path) = file_with(&old);
        let len = old.len() as u64;
        assert!(holds_bytes(&path, len, &old));
        let mut last = old.clone();
        *last.last_mut().unwrap() ^= 1;
        assert!(
            !holds_bytes(&path, len, &last),
            "a change in the last block"
        );
        let mut first = old.clone();
        first[0] ^= 1;
        assert!(
            !holds_bytes(&path, len, &first),
            "a change in the first block"
        );
        let mut boundary = old.clone();
        boundary[COMPARE_BLOCK] ^= 1;
        assert!(
            !holds_bytes(&path, len, &boundary),
            "a change at a block boundary"
        );
        assert!(
            !holds_bytes(&path, len, &old[..old.len() - 1]),
            "a shorter content"
        );
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn pieces_hold_what_their_concatenation_holds() {
        let old: Vec<u8> = (0..COMPARE_BLOCK * 2 + 5)
            .map(|i| (i % 253) as u8)
            .collect();
        let (dir, path) = file_with(&old);
        let len = old.len() as u64;
        for cut in [
            0,
            1,
            COMPARE_BLOCK - 1,
            COMPARE_BLOCK,
            COMPARE_BLOCK + 3,
            old.len(),
        ] {
            let (head, tail) = old.split_at(cut);
            assert!(holds(&path, len, &[head, &[], tail]), "cut at {cut}");
            let mut changed = tail.to_vec();
            if let Some(byte) = changed.first_mut() {
                *byte ^= 1;
                assert!(!holds(&path, len, &[head, &changed]), "change after {cut}");
            }
        }
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn pieces_are_written_one_after_another() {
        let dir = std::env::temp_dir().join(format!("protoc-rs-pieces-{}", std::process::id()));
        let path = dir.join("nested").join("set.pb");
        let pieces: [&[u8]; 4] = [b"one ", b"", b"two ", b"three"];
        let report =
            super::write_all_pieces(&[(path.clone(), &pieces)], super::WriteMode::IfChanged)
                .unwrap();
        assert_eq!(report.written, vec![path.clone()]);
        assert_eq!(std::fs::read(&path).unwrap(), b"one two three");
        let again =
            super::write_all_pieces(&[(path.clone(), &pieces)], super::WriteMode::IfChanged)
                .unwrap();
        assert_eq!(
            again.unchanged,
            vec![path],
            "the same pieces change nothing"
        );
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn an_empty_file_holds_empty_content() {
        let (dir, path) = file_with(b"");
        assert!(holds_bytes(&path, 0, b""));
        assert!(!holds_bytes(&path, 0, b"x"));
        std::fs::remove_dir_all(dir).unwrap();
    }
}
