//! Include paths and file names, with protoc's rules (`DiskSourceTree`):
//! a file has a virtual name (how imports spell it) and a disk path. Each
//! include path maps a virtual prefix (empty unless written `VIRTUAL=DIR`)
//! to a directory; names are canonicalized, never resolved through the file
//! system, so `a/../b` and an absolute path to the same file stay different,
//! exactly as in protoc.

use crate::source::{canonicalize, contains_parent_reference};

#[derive(Clone, Debug)]
struct Mapping {
    virtual_path: String,
    disk_path: String,
}

/// The include paths of one run, in order.
#[derive(Clone, Debug, Default)]
pub struct SourceTree {
    mappings: Vec<Mapping>,
}

/// Why a command-line file could not be given a virtual name.
#[derive(Debug, PartialEq, Eq)]
pub enum InputError {
    /// No include path contains the file, and no include path has a file of
    /// that virtual name either.
    NotInIncludePath,
    /// An earlier include path has a file of the same virtual name.
    Shadowed { by: String },
    /// The file does not exist.
    NotFound,
    /// The file exists but cannot be read: a directory, or no permission.
    CannotOpen { reason: String },
}

/// What a command-line name can be besides a file under an include path.
#[derive(Clone, Copy, Debug, Default)]
pub struct Elsewhere {
    /// A built-in file has this name: it counts as a file of the tree, as
    /// protoc's own include directory does.
    pub builtin: bool,
    /// A `--descriptor_set_in` set has a file of this name.
    pub in_sets: bool,
}

/// protoc's `ApplyMapping`: replaces `old_prefix` by `new_prefix` when
/// `filename` lies under it.
fn apply_mapping(filename: &str, old_prefix: &str, new_prefix: &str) -> Option<String> {
    let join = |rest: &str| {
        if new_prefix.is_empty() {
            rest.to_owned()
        } else {
            format!("{new_prefix}/{rest}")
        }
    };
    if old_prefix.is_empty() {
        if contains_parent_reference(filename) || filename.starts_with('/') {
            return None;
        }
        return Some(join(filename));
    }
    let rest = filename.strip_prefix(old_prefix)?;
    if rest.is_empty() {
        return Some(new_prefix.to_owned());
    }
    let after = if let Some(after) = rest.strip_prefix('/') {
        after
    } else if old_prefix.ends_with('/') {
        rest
    } else {
        return None;
    };
    if contains_parent_reference(after) {
        return None;
    }
    Some(join(after))
}

/// One directory of an `-I` value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProtoPath {
    /// The virtual prefix (`VIRTUAL=DIR`), empty for a plain directory.
    pub virtual_path: String,
    pub disk_path: String,
    /// Neither `DIR` nor the whole text exists: protoc warns.
    pub missing: bool,
}

/// The separator of path lists (`-I a:b`, `--descriptor_set_in=a:b`):
/// `;` on Windows, `:` elsewhere, as in protoc.
pub const PATH_LIST_SEPARATOR: char = if cfg!(windows) { ';' } else { ':' };

/// A path list split as protoc splits it, empty parts dropped.
pub fn split_path_list(value: &str) -> Vec<String> {
    value
        .split(PATH_LIST_SEPARATOR)
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
        .collect()
}

/// An `-I` value as protoc reads it: a list of directories, each maybe
/// `VIRTUAL=DIR`. When `DIR` does not exist but the whole text does, the
/// `=` was part of the directory's name.
pub fn proto_path_parts(value: &str) -> Vec<ProtoPath> {
    split_path_list(value)
        .into_iter()
        .map(|part| {
            let (virtual_path, disk_path) = match part.split_once('=') {
                Some((virtual_path, disk_path)) => (virtual_path.to_owned(), disk_path.to_owned()),
                None => (String::new(), part.clone()),
            };
            if disk_path.is_empty() || path_exists(&disk_path) {
                ProtoPath {
                    virtual_path,
                    disk_path,
                    missing: false,
                }
            } else if path_exists(&part) {
                ProtoPath {
                    virtual_path: String::new(),
                    disk_path: part,
                    missing: false,
                }
            } else {
                ProtoPath {
                    virtual_path,
                    disk_path,
                    missing: true,
                }
            }
        })
        .collect()
}

impl SourceTree {
    /// Include paths as given to `-I`: each may hold several paths joined
    /// by `:`, and each path may be `VIRTUAL=DIR`. With none, protoc uses
    /// the current directory. `extra` is searched last (`$PROTOC_INCLUDE`).
    pub fn new<S: AsRef<str>>(include_paths: &[S], extra: Option<&str>) -> SourceTree {
        let mut mappings = Vec::new();
        for arg in include_paths {
            for path in proto_path_parts(arg.as_ref()) {
                mappings.push(Mapping {
                    virtual_path: path.virtual_path,
                    disk_path: canonicalize(&path.disk_path),
                });
            }
        }
        if mappings.is_empty() {
            mappings.push(Mapping {
                virtual_path: String::new(),
                disk_path: String::new(),
            });
        }
        if let Some(dir) = extra.filter(|d| !d.is_empty()) {
            mappings.push(Mapping {
                virtual_path: String::new(),
                disk_path: canonicalize(dir),
            });
        }
        SourceTree { mappings }
    }

    /// The disk path of the first include path holding `virtual_name`.
    pub fn virtual_to_disk(&self, virtual_name: &str) -> Option<String> {
        self.mappings.iter().find_map(|mapping| {
            let disk = apply_mapping(virtual_name, &mapping.virtual_path, &mapping.disk_path)?;
            disk_file_exists(&disk).then_some(disk)
        })
    }

    /// protoc's rule for a file named on the command line: a path that does
    /// not exist is taken as a virtual name; an existing path must lie under
    /// an include path, no earlier include path may shadow it, and it must
    /// open. Returns the virtual name and the disk path, which is `None`
    /// when the name is served from `elsewhere`.
    pub fn input_to_virtual(
        &self,
        input: &str,
        elsewhere: Elsewhere,
    ) -> Result<(String, Option<String>), InputError> {
        let as_virtual = |error: InputError| match self.virtual_to_disk(input) {
            Some(disk) => Ok((input.to_owned(), Some(disk))),
            None if elsewhere.builtin || elsewhere.in_sets => Ok((input.to_owned(), None)),
            None => Err(error),
        };
        if !path_exists(input) {
            return as_virtual(InputError::NotFound);
        }
        let canonical = canonicalize(input);
        let found = self
            .mappings
            .iter()
            .enumerate()
            .find_map(|(index, mapping)| {
                apply_mapping(&canonical, &mapping.disk_path, &mapping.virtual_path)
                    .map(|virtual_name| (index, virtual_name))
            });
        let Some((index, virtual_name)) = found else {
            return as_virtual(InputError::NotInIncludePath);
        };
        for earlier in &self.mappings[..index] {
            if let Some(disk) =
                apply_mapping(&virtual_name, &earlier.virtual_path, &earlier.disk_path)
            {
                if path_exists(&disk) {
                    return Err(InputError::Shadowed { by: disk });
                }
            }
        }
        if let Err(reason) = opens(input) {
            if elsewhere.in_sets {
                return Ok((input.to_owned(), None));
            }
            return Err(InputError::CannotOpen { reason });
        }
        Ok((virtual_name, Some(input.to_owned())))
    }
}

/// Whether anything (a file, a directory) is at `path`: protoc's
/// `access(path, F_OK)`.
pub fn path_exists(path: &str) -> bool {
    let path = if path.is_empty() { "." } else { path };
    disk_path(path).exists()
}

/// The path on disk a file name stands for (see
/// [`crate::source::file_name_from_bytes`]).
pub fn disk_path(name: &str) -> std::path::PathBuf {
    use crate::source::RAW_BYTE_BASE;
    let raw = |c: char| (RAW_BYTE_BASE + 0x80..=RAW_BYTE_BASE + 0xFF).contains(&(c as u32));
    if !name.chars().any(raw) {
        return std::path::PathBuf::from(name);
    }
    let mut bytes = Vec::with_capacity(name.len());
    for c in name.chars() {
        if raw(c) {
            bytes.push((c as u32 - RAW_BYTE_BASE) as u8);
        } else {
            bytes.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
        }
    }
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        std::path::PathBuf::from(std::ffi::OsStr::from_bytes(&bytes))
    }
    #[cfg(not(unix))]
    {
        std::path::PathBuf::from(String::from_utf8_lossy(&bytes).into_owned())
    }
}

/// Whether `path` opens for reading as a file; protoc's words when not.
fn opens(path: &str) -> Result<(), String> {
    match std::fs::metadata(disk_path(path)) {
        Ok(meta) if meta.is_dir() => return Err("Input file is a directory.".to_owned()),
        // A FIFO or device is read once, later: opening it here too would
        // take the writer's one stream and leave the real read waiting.
        Ok(meta) if !meta.is_file() => return Ok(()),
        _ => {}
    }
    std::fs::File::open(disk_path(path))
        .map(drop)
        .map_err(|err| os_error_text(&err))
}

/// An I/O error as C's `strerror` words it ("Permission denied"), which
/// protoc prints; Rust adds " (os error N)".
pub(crate) fn os_error_text(err: &std::io::Error) -> String {
    let text = err.to_string();
    match text.rfind(" (os error ") {
        Some(at) => text[..at].to_owned(),
        None => text,
    }
}

/// Whether something protoc would read is at `path`: anything but a
/// directory (a FIFO or a device too).
fn disk_file_exists(path: &str) -> bool {
    let path = if path.is_empty() { "." } else { path };
    std::fs::metadata(disk_path(path)).is_ok_and(|meta| !meta.is_dir())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonicalize_like_protoc() {
        assert_eq!(canonicalize("./a//b/./c"), "a/b/c");
        assert_eq!(canonicalize("/x/y/"), "/x/y/");
        assert_eq!(canonicalize("."), "");
    }

    #[test]
    fn mappings_like_protoc() {
        assert_eq!(
            apply_mapping("foo/bar", "", "baz").as_deref(),
            Some("baz/foo/bar")
        );
        assert_eq!(
            apply_mapping("foo/bar", "foo", "baz").as_deref(),
            Some("baz/bar")
        );
        assert_eq!(apply_mapping("foo", "foo", "bar").as_deref(), Some("bar"));
        assert_eq!(apply_mapping("foo/bar", "baz", "qux"), None);
        assert_eq!(apply_mapping("foobar", "foo", "baz"), None);
        assert_eq!(apply_mapping("../x", "", "d"), None);
    }
}
