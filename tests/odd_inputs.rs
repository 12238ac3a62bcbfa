//! Inputs at the edges of what a file system offers, taken as protoc takes
//! them: an import whose name is not UTF-8, a FIFO named on the command
//! line; an input too large for the memory the process may have; and a
//! build script's error, which `main` prints with `Debug`.

mod common;

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

/// protoc-rs in `dir`, with nothing on its input.
fn run(dir: &Path, args: &[&str]) -> Output {
    common::run_protoc_rs(dir, args, b"")
}

#[test]
fn an_import_whose_name_is_not_utf8_is_found() {
    use std::os::unix::ffi::OsStrExt;
    let dir = common::scratch("latin1");
    // "dé.proto" in Latin-1: the byte 0xE9 alone is not UTF-8.
    let name = std::ffi::OsStr::from_bytes(b"d\xe9.proto");
    fs::write(dir.join(name), "syntax = \"proto3\";\nmessage D {}\n").unwrap();
    let mut user = b"syntax = \"proto3\";\nimport \"d\xe9.proto\";\n".to_vec();
    user.extend_from_slice(b"message U { D d = 1; }\n");
    fs::write(dir.join("u.proto"), user).unwrap();
    let output = run(
        &dir,
        &["compile", "--include_imports", "-o", "set.pb", "u.proto"],
    );
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_fifo_on_the_command_line_is_read_once() {
    let dir = common::scratch("fifo");
    let made = Command::new("mkfifo")
        .arg(dir.join("f.proto"))
        .status()
        .unwrap();
    assert!(made.success());
    // The writer blocks until protoc-rs opens the FIFO, then writes once.
    let path = dir.join("f.proto");
    let writer = std::thread::spawn(move || {
        fs::write(path, "syntax = \"proto3\";\nmessage F {}\n").unwrap();
    });
    let output = run(&dir, &["compile", "-o", "set.pb", "f.proto"]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    writer.join().unwrap();
    assert!(fs::read(dir.join("set.pb"))
        .unwrap()
        .windows(1)
        .any(|w| w == b"F"));
    // A directory is not a file.
    fs::create_dir(dir.join("d.proto")).unwrap();
    let output = run(&dir, &["compile", "d.proto"]);
    assert_eq!(output.status.code(), Some(1));
    let text = String::from_utf8_lossy(&output.stderr);
    assert!(text.contains("input file is a directory"), "{text}");
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_build_script_error_debugs_as_one_line_of_text() {
    let dir = common::scratch("build-error");
    fs::write(
        dir.join("bad.proto"),
        "syntax = \"proto3\";\nmessage M { Nope n = 1; }\n",
    )
    .unwrap();
    let out = dir.join("out");
    fs::create_dir(&out).unwrap();
    let error = protoc_rs::prost::Config::new()
        .out_dir(&out)
        .compile_protos(&[dir.join("bad.proto")], &[&dir])
        .unwrap_err();
    // What `fn main() -> Result<(), Box<dyn Error>>` prints after `Error: `.
    let debug = format!("{error:?}");
    assert_eq!(debug.lines().count(), 1, "{debug}");
    assert!(
        debug.contains("protoc-rs could not compile the .proto files: ")
            && debug.contains("bad.proto:2:13: \"Nope\" is not defined."),
        "{debug}"
    );
    assert!(!debug.contains("\\\""), "not an escaped string: {debug}");
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_plugin_request_with_names_protoc_never_sends_is_an_error_not_a_panic() {
    // Found by the plugin_codec fuzz target: a server-streaming method
    // named `Lt.s`, whose tonic stream type `Lt.sStream` is no identifier.
    let request = fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fuzz/seeds/plugin_codec/method-name-with-dot.request.bin"),
    )
    .unwrap();
    let response = protoc_rs::plugins::prost_rs::respond(&request);
    let error = String::from_utf8_lossy(response.error.as_deref().unwrap_or_default()).into_owned();
    assert!(
        error.contains("`Lt.s` becomes `Lt.sSvc`, which is not a Rust identifier"),
        "{error}"
    );
    assert!(response.file.is_empty());
}

/// protoc-rs in `dir` with its address space limited to `limit_mib` MiB
/// (`ulimit -v`, so RLIMIT_AS) and rayon on two threads, so that the limit
/// leaves the same room on every machine (each thread reserves a stack).
#[cfg(target_os = "linux")]
fn run_limited(dir: &Path, limit_mib: u64, args: &[&str]) -> Output {
    Command::new("sh")
        .arg("-c")
        .arg(r#"ulimit -v "$1" && shift && exec "$@""#)
        .arg("sh")
        .arg((limit_mib * 1024).to_string())
        .arg(env!("CARGO_BIN_EXE_protoc-rs"))
        .args(args)
        .current_dir(dir)
        .env("RAYON_NUM_THREADS", "2")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap()
}

/// The names in `dir`, sorted.
#[cfg(target_os = "linux")]
fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[cfg(target_os = "linux")]
#[test]
fn running_out_of_memory_is_a_clear_error_and_writes_nothing() {
    // 192 MiB: a small file compiles in it (the check below); 16 MB of
    // messages needs well over a gigabyte (8 MB peaks near 700 MB), so the
    // failure is certain, and it comes after a second or so in a debug
    // build, whichever allocation it is.
    const LIMIT_MIB: u64 = 192;
    let args = |input: &'static str| {
        [
            "compile",
            "--rust-out",
            "rust",
            "-o",
            "set.pb",
            "--include_source_info",
            input,
        ]
    };
    let dir = common::scratch("out-of-memory");
    fs::write(
        dir.join("small.proto"),
        "syntax = \"proto3\";\npackage small;\nmessage S { int32 a = 1; }\n",
    )
    .unwrap();
    let output = run_limited(&dir, LIMIT_MIB, &args("small.proto"));
    assert_eq!(
        output.status.code(),
        Some(0),
        "the limit leaves room to run: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(dir.join("set.pb").is_file() && dir.join("rust/small.rs").is_file());
    fs::remove_file(dir.join("set.pb")).unwrap();
    fs::remove_dir_all(dir.join("rust")).unwrap();

    let mut text = String::from("syntax = \"proto3\";\npackage big;\n");
    let mut i = 0;
    while text.len() < 16_000_000 {
        use std::fmt::Write;
        let _ = writeln!(
            text,
            "message M{i} {{ int32 field_a_{i} = 1; string field_b_{i} = 2; repeated M{i} next_{i} = 3; }}"
        );
        i += 1;
    }
    fs::write(dir.join("big.proto"), text).unwrap();
    let output = run_limited(&dir, LIMIT_MIB, &args("big.proto"));
    let stderr = String::from_utf8_lossy(&output.stderr);
    // Status 1, not SIGABRT (Rust's default: "memory allocation of N bytes
    // failed", then abort).
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.starts_with("protoc-rs: out of memory: could not allocate ")
            && stderr.ends_with(" bytes\n")
            && stderr.lines().count() == 1,
        "{stderr}"
    );
    // No output, no temporary file, no directory made for the Rust.
    assert_eq!(listing(&dir), ["big.proto", "small.proto"]);
    fs::remove_dir_all(&dir).unwrap();
}
