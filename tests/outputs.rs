//! Where outputs go, as protoc sends them, and what a failed run leaves:
//! devices, FIFOs and symlinks are written through, never replaced or
//! read; a run that fails writes nothing and leaves no temporary file.
//!
//! Device nodes are made with `mknod` in a temporary directory, never the
//! system's `/dev`, and the full disk is a small tmpfs in a private mount
//! namespace (`unshare -m`). Both need root: these tests fail without it,
//! unless PROTOC_RS_UNPRIVILEGED_TESTS=1 says to leave them out.

mod common;

use std::fs;
use std::os::unix::fs::FileTypeExt;
use std::path::Path;
use std::process::{Command, Output};

/// A small valid proto in `dir`; its name.
fn proto(dir: &Path) -> &'static str {
    fs::write(
        dir.join("a.proto"),
        "syntax = \"proto3\";\npackage a;\nmessage A { int32 x = 1; }\n",
    )
    .unwrap();
    "a.proto"
}

/// protoc-rs in `dir`, with nothing on its input.
fn run(dir: &Path, args: &[&str]) -> Output {
    common::run_protoc_rs(dir, args, b"")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Whether privileged tests may run; panics when they cannot and were not
/// explicitly left out.
fn privileged(what: &str) -> bool {
    let root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0\n"));
    if root {
        return true;
    }
    if std::env::var_os("PROTOC_RS_UNPRIVILEGED_TESTS").is_some() {
        eprintln!("left out (PROTOC_RS_UNPRIVILEGED_TESTS): {what} needs root");
        return false;
    }
    panic!("{what} needs root; set PROTOC_RS_UNPRIVILEGED_TESTS=1 to leave it out");
}

/// The names in `dir`, sorted, hidden ones included.
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn a_device_is_written_in_place_never_replaced_or_read() {
    if !privileged("mknod") {
        return;
    }
    let dir = common::scratch("devices");
    let name = proto(&dir);
    // Private copies of /dev/null (1,3) and /dev/full (1,7).
    for (node, minor) in [("null", "3"), ("full", "7")] {
        let made = Command::new("mknod")
            .args([dir.join(node).to_str().unwrap(), "c", "1", minor])
            .status()
            .unwrap();
        assert!(made.success(), "mknod {node}");
    }
    let output = run(&dir, &["compile", "-o", "null", name]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(fs::symlink_metadata(dir.join("null"))
        .unwrap()
        .file_type()
        .is_char_device());
    // An endless device is not read; writing to it fails as protoc fails.
    let output = run(&dir, &["compile", "-o", "full", name]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("full: No space left on device"),
        "{}",
        stderr(&output)
    );
    assert!(fs::symlink_metadata(dir.join("full"))
        .unwrap()
        .file_type()
        .is_char_device());
    assert_eq!(
        names(&dir),
        ["a.proto", "full", "null"],
        "no temporary file left"
    );
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_symlink_is_followed_and_stays_a_symlink() {
    let dir = common::scratch("symlinks");
    let name = proto(&dir);
    fs::create_dir(dir.join("real")).unwrap();
    fs::write(dir.join("real/set.pb"), b"old").unwrap();
    std::os::unix::fs::symlink("real/set.pb", dir.join("link.pb")).unwrap();
    // A dangling link: its target is created.
    std::os::unix::fs::symlink("real/new.pb", dir.join("dangling.pb")).unwrap();
    for link in ["link.pb", "dangling.pb"] {
        let output = run(&dir, &["compile", "-o", link, name]);
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        assert!(fs::symlink_metadata(dir.join(link))
            .unwrap()
            .file_type()
            .is_symlink());
    }
    let expected = run(&dir, &["compile", "-o", "plain.pb", name]);
    assert_eq!(expected.status.code(), Some(0));
    let plain = fs::read(dir.join("plain.pb")).unwrap();
    assert_eq!(fs::read(dir.join("real/set.pb")).unwrap(), plain);
    assert_eq!(fs::read(dir.join("real/new.pb")).unwrap(), plain);
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_fifo_and_stdout_are_written_not_read() {
    let dir = common::scratch("fifo");
    let name = proto(&dir);
    let made = Command::new("mkfifo")
        .arg(dir.join("pipe"))
        .status()
        .unwrap();
    assert!(made.success());
    let expected = run(&dir, &["compile", "-o", "plain.pb", name]);
    assert_eq!(expected.status.code(), Some(0));
    let plain = fs::read(dir.join("plain.pb")).unwrap();
    // The reader opens the FIFO once protoc-rs runs; `open` for writing
    // waits for it, as protoc's does.
    let pipe = dir.join("pipe");
    let reader = std::thread::spawn(move || fs::read(pipe).unwrap());
    let output = run(&dir, &["compile", "-o", "pipe", name]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(reader.join().unwrap(), plain);
    assert!(fs::symlink_metadata(dir.join("pipe"))
        .unwrap()
        .file_type()
        .is_fifo());
    // Standard output through the kernel's links, a pipe here.
    for stdout in ["/dev/stdout", "/proc/self/fd/1"] {
        let output = run(&dir, &["compile", "-o", stdout, name]);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{stdout}: {}",
            stderr(&output)
        );
        assert_eq!(output.stdout, plain, "{stdout}");
    }
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_failed_run_writes_no_output() {
    let dir = common::scratch("failed");
    let name = proto(&dir);
    fs::write(dir.join("regular.txt"), b"a file").unwrap();
    let output = run(
        &dir,
        &[
            "compile",
            "--rust-out",
            "regular.txt/sub",
            "-o",
            "fresh.pb",
            name,
        ],
    );
    assert_eq!(output.status.code(), Some(1));
    let text = stderr(&output);
    assert!(
        text.contains("regular.txt/sub/a.rs: while trying to create directory regular.txt/sub: regular.txt is not a directory"),
        "the error names the file: {text}"
    );
    assert_eq!(names(&dir), ["a.proto", "regular.txt"], "{text}");
    // A directory where the descriptor set should go.
    fs::create_dir(dir.join("set.pb")).unwrap();
    let output = run(
        &dir,
        &["compile", "--rust-out", "rust", "-o", "set.pb", name],
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("set.pb: is a directory"),
        "{}",
        stderr(&output)
    );
    assert_eq!(names(&dir), ["a.proto", "regular.txt", "set.pb"]);
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_full_disk_leaves_the_old_outputs_and_no_temporary_file() {
    if !privileged("a tmpfs in a private mount namespace") {
        return;
    }
    let dir = common::scratch("full-disk");
    // A file whose descriptor set with source info is far over 16 KiB.
    let mut text = String::from("syntax = \"proto3\";\npackage big;\nmessage Big {\n");
    for n in 1..=2000 {
        text.push_str(&format!("  // Field {n}.\n  int32 field_{n} = {n};\n"));
    }
    text.push_str("}\n");
    fs::write(dir.join("big.proto"), text).unwrap();
    fs::create_dir(dir.join("out")).unwrap();
    // In the namespace: a 16 KiB tmpfs on out/, an old small output, then
    // a run that cannot fit; then what is left in out/.
    let bin = env!("CARGO_BIN_EXE_protoc-rs");
    let script = format!(
        "mount -t tmpfs -o size=16k tmpfs out && echo old > out/big.pb && mkdir out/rust && \
         echo old > out/rust/_.rs && \
         {bin} compile --include_source_info -o out/big.pb --rust-out out/rust big.proto; \
         echo status=$?; ls -a out out/rust; cat out/big.pb out/rust/_.rs"
    );
    let output = Command::new("unshare")
        .args(["-m", "sh", "-c", &script])
        .current_dir(&dir)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stdout.contains("status=1"), "{stdout}\n{stderr}");
    assert!(stderr.contains("No space left on device"), "{stderr}");
    assert_eq!(
        stdout.lines().skip(1).collect::<Vec<_>>(),
        [
            "out:",
            ".",
            "..",
            "big.pb",
            "rust",
            "",
            "out/rust:",
            ".",
            "..",
            "_.rs",
            "old",
            "old"
        ],
        "{stderr}"
    );
    fs::remove_dir_all(&dir).unwrap();
}
