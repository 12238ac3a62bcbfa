//! The command line: exit codes, protoc's flag spellings, include paths,
//! `@FILE` arguments and the error formats.

mod common;

use std::process::{Command, Output};

fn protoc_rs(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_protoc-rs"))
        .args(args)
        .current_dir(common::root())
        .output()
        .unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

const VALID_DIR: &str = "fixtures/syntax/valid";
const INVALID_DIR: &str = "fixtures/syntax/invalid";

fn first_fixture(dir: &str) -> String {
    let path = common::protos(&common::root().join(dir)).remove(0);
    path.file_name().unwrap().to_string_lossy().into_owned()
}

#[test]
fn valid_file_exits_zero() {
    let name = first_fixture(VALID_DIR);
    let output = protoc_rs(&["compile", "-I", VALID_DIR, &format!("{VALID_DIR}/{name}")]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

#[test]
fn protoc_spellings_are_accepted() {
    let name = first_fixture(VALID_DIR);
    for flag in ["--proto_path", "--proto-path"] {
        let output = protoc_rs(&["compile", &format!("{flag}={VALID_DIR}"), &name]);
        assert_eq!(output.status.code(), Some(0), "{flag}: {}", stderr(&output));
    }
    let output = protoc_rs(&["compile", &format!("-I{VALID_DIR}"), &name]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

#[test]
fn invalid_file_exits_one_with_protoc_lines() {
    let name = first_fixture(INVALID_DIR);
    let output = protoc_rs(&["compile", "--error_format=protoc", "-I", INVALID_DIR, &name]);
    assert_eq!(output.status.code(), Some(1));
    let text = stderr(&output);
    let first = text.lines().next().unwrap_or_default();
    assert!(
        first.starts_with(&format!("{INVALID_DIR}/{name}:")),
        "protoc prints the disk path: {first}"
    );
}

#[test]
fn json_format_has_code_and_position() {
    let name = first_fixture(INVALID_DIR);
    let output = protoc_rs(&[
        "compile",
        "--error-format",
        "json",
        "-I",
        INVALID_DIR,
        &name,
    ]);
    let text = stderr(&output);
    let line = text
        .lines()
        .find(|l| l.contains("\"severity\":\"error\""))
        .unwrap();
    let value: serde_json::Value = serde_json::from_str(line).unwrap();
    assert!(value["code"].as_str().unwrap().starts_with('E'));
    assert!(value["line"].as_u64().unwrap() >= 1);
    assert!(value["labels"].as_array().is_some_and(|l| !l.is_empty()));
}

#[test]
fn bad_usage_exits_two() {
    assert_eq!(protoc_rs(&["compile"]).status.code(), Some(2));
    assert_eq!(
        protoc_rs(&["compile", "--no-such-flag", "x.proto"])
            .status
            .code(),
        Some(2)
    );
    // Without the subcommand the arguments are protoc's (tests/protoc_cli.rs).
    let protoc_mode = protoc_rs(&["frobnicate"]);
    assert_eq!(protoc_mode.status.code(), Some(1));
    assert_eq!(stderr(&protoc_mode), "Missing output directives.\n");
}

#[test]
fn missing_file_is_an_input_error() {
    let output = protoc_rs(&["compile", "-I", VALID_DIR, "does/not/exist.proto"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("exist.proto"));
}

#[test]
fn file_outside_include_paths_is_rejected_as_protoc_does() {
    let name = first_fixture(VALID_DIR);
    let output = protoc_rs(&[
        "compile",
        "--error-format=protoc",
        "-I",
        INVALID_DIR,
        &format!("{VALID_DIR}/{name}"),
    ]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("File does not reside within any path specified"));
}

#[test]
fn argument_files_expand_one_argument_per_line() {
    let dir = std::env::temp_dir().join(format!("protoc-rs-args-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("a.proto"),
        "syntax = \"proto3\";\npackage a;\nmessage A {}\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("b.proto"),
        "syntax = \"proto3\";\npackage b;\nimport \"a.proto\";\nmessage B { a.A a = 1; }\n",
    )
    .unwrap();
    let args_file = dir.join("args.txt");
    let include = dir.display().to_string();
    std::fs::write(&args_file, format!("-I\n{include}\n\na.proto\r\nb.proto\n")).unwrap();
    let output = protoc_rs(&["compile", &format!("@{}", args_file.display())]);
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

/// A scratch directory under the target dir, emptied first.
fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write(path: &std::path::Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// Well-known types come from an installed copy (here, `$PROTOC_INCLUDE`)
/// when no include path has them, and a user's `-I` copy wins over it.
#[test]
fn well_known_types_need_no_include_path() {
    let dir = scratch("well-known");
    // Small stand-ins for the installed files: only their presence matters.
    let installed = dir.join("installed/google/protobuf");
    write(
        &installed.join("descriptor.proto"),
        "syntax = \"proto2\";\npackage google.protobuf;\n",
    );
    write(
        &installed.join("timestamp.proto"),
        "syntax = \"proto3\";\npackage google.protobuf;\nmessage Timestamp { int64 seconds = 1; }\n",
    );
    write(
        &dir.join("user/google/protobuf/timestamp.proto"),
        "syntax = \"proto3\";\npackage google.protobuf;\nmessage Timestamp { int64 user_copy = 1; }\n",
    );
    write(
        &dir.join("src/uses.proto"),
        "syntax = \"proto3\";\nimport \"google/protobuf/timestamp.proto\";\n\
         message M { google.protobuf.Timestamp at = 1; }\n",
    );
    let run = |include: &[&str]| {
        let mut args = vec!["compile", "--include-imports", "-o", "out.pb"];
        args.extend_from_slice(include);
        args.push("uses.proto");
        let output = Command::new(env!("CARGO_BIN_EXE_protoc-rs"))
            .args(&args)
            .env("PROTOC_INCLUDE", dir.join("installed"))
            .current_dir(dir.join("src"))
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        std::fs::read(dir.join("src/out.pb")).unwrap()
    };
    let installed_set = run(&["-I", "."]);
    assert!(contains(&installed_set, b"seconds"));
    let user_set = run(&["-I", ".", "-I", "../user"]);
    assert!(contains(&user_set, b"user_copy"));
    assert!(!contains(&user_set, b"seconds"));
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// `--rust-out` writes one file per package; a rerun with nothing changed
/// rewrites nothing, and a run with an error leaves the outputs as they
/// were.
#[test]
fn rust_out_writes_only_what_changed() {
    let dir = scratch("rust-out");
    write(
        &dir.join("a.proto"),
        "syntax = \"proto3\";\npackage demo.a;\nmessage A { string name = 1; }\n",
    );
    write(
        &dir.join("b.proto"),
        "syntax = \"proto3\";\nmessage B { int32 n = 1; }\n",
    );
    let run = |files: &[&str]| {
        let mut args = vec!["compile", "-I", ".", "--rust-out", "out"];
        args.extend_from_slice(files);
        Command::new(env!("CARGO_BIN_EXE_protoc-rs"))
            .args(&args)
            .current_dir(&dir)
            .output()
            .unwrap()
    };
    let output = run(&["a.proto", "b.proto"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let a = dir.join("out/demo.a.rs");
    let b = dir.join("out/_.rs");
    let text = std::fs::read_to_string(&a).unwrap();
    assert!(text.starts_with("// This file is @generated by protoc-rs.\n"));
    assert!(text.contains("pub struct A {"), "{text}");
    assert!(std::fs::read_to_string(&b)
        .unwrap()
        .contains("pub struct B {"));
    let modified = |path: &std::path::Path| std::fs::metadata(path).unwrap().modified().unwrap();
    let (a_time, b_time) = (modified(&a), modified(&b));

    std::thread::sleep(std::time::Duration::from_millis(20));
    let output = run(&["a.proto", "b.proto"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(modified(&a), a_time, "an unchanged file was rewritten");
    assert_eq!(modified(&b), b_time, "an unchanged file was rewritten");

    write(
        &dir.join("a.proto"),
        "syntax = \"proto3\";\npackage demo.a;\nmessage A { string renamed = 1; }\n",
    );
    write(
        &dir.join("b.proto"),
        "syntax = \"proto3\";\nmessage B { Missing n = 1; }\n",
    );
    let output = run(&["a.proto", "b.proto"]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        std::fs::read_to_string(&a).unwrap(),
        text,
        "a failed run changed an output"
    );
    assert_eq!(modified(&a), a_time);
}

/// Names that would collide in Rust are errors on the .proto, reported
/// with both places, and nothing is written.
#[test]
fn rust_name_collisions_are_diagnostics() {
    let dir = scratch("rust-collision");
    write(
        &dir.join("clash.proto"),
        // protoc only warns about the JSON names in proto2.
        "syntax = \"proto2\";\nmessage M {\n  optional int32 foo_bar = 1;\n  optional int32 fooBar = 2;\n}\n",
    );
    let output = Command::new(env!("CARGO_BIN_EXE_protoc-rs"))
        .args(["compile", "-I", ".", "--rust-out", "out", "clash.proto"])
        .current_dir(&dir)
        .output()
        .unwrap();
    let text = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(text.contains("error[E4001]"), "{text}");
    assert!(text.contains("clash.proto:4:18"), "{text}");
    assert!(!dir.join("out").exists());
}

/// Names prost-build's rules turn into no identifier (prost-build panics on
/// them, and protoc-rs did with exit status 101) are errors on the .proto,
/// each at its name, and nothing is written; with the library, the build
/// script gets the same diagnostics.
#[test]
fn names_that_become_no_rust_identifier_are_diagnostics() {
    let dir = scratch("rust-not-an-identifier");
    write(
        &dir.join("unnamed.proto"),
        "syntax = \"proto3\";\npackage p;\nmessage _ {\n  int32 __ = 1;\n}\nenum E {\n  E_UNSPECIFIED = 0;\n  ___ = 1;\n}\nmessage Ok {\n  optional int32 _1 = 1;\n  oneof __ { int32 a = 2; }\n}\nservice _S { rpc __(Ok) returns (Ok); }\n",
    );
    let output = Command::new(env!("CARGO_BIN_EXE_protoc-rs"))
        .args(["compile", "-I", ".", "--rust-out", "out", "unnamed.proto"])
        .current_dir(&dir)
        .output()
        .unwrap();
    let text = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(!text.contains("panicked"), "{text}");
    // The message, its field, the enum value, the oneof (once, though it
    // names a field and a type), and the method; `_1` and `_S` become
    // `_1` and `S`, which are names.
    for place in [
        "unnamed.proto:3:9",
        "unnamed.proto:4:9",
        "unnamed.proto:8:3",
        "unnamed.proto:12:9",
        "unnamed.proto:14:18",
    ] {
        assert!(text.contains(place), "{place} missing:\n{text}");
    }
    assert_eq!(text.matches("error[E4002]").count(), 5, "{text}");
    assert!(!dir.join("out").exists());
}

/// A generated file whose second line is `fields` fields long, followed on
/// the same line by errors: a field numbered 0, an unknown type, and a
/// number used twice (its first use far back at the line's start).
fn one_long_line(name: &str, fields: usize) -> std::path::PathBuf {
    let dir =
        std::env::temp_dir().join(format!("protoc-rs-long-line-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut line = String::from("message M {");
    for i in 0..fields {
        line.push_str(&format!(" int32 f{i} = {};", i + 1));
    }
    line.push_str(" int32 bad = 0; strng x = 1; }");
    std::fs::write(
        dir.join("long.proto"),
        format!("syntax = \"proto3\";\n{line}\n"),
    )
    .unwrap();
    dir
}

// codespan-reporting prints labelled lines whole: a 400 KB line made every
// diagnostic 400 KB. Long lines are now clipped around their labels.
#[test]
fn a_400_kb_line_gives_bounded_output_in_every_format() {
    let dir = one_long_line("400k", 20_000);
    let size = std::fs::metadata(dir.join("long.proto")).unwrap().len();
    assert!(size > 400_000, "{size}");
    let dir_text = dir.display().to_string();
    for format in ["human", "json", "protoc"] {
        let output = protoc_rs(&[
            "compile",
            "--error-format",
            format,
            "-I",
            &dir_text,
            "long.proto",
        ]);
        assert_eq!(output.status.code(), Some(1), "{format}");
        let printed = output.stderr.len() + output.stdout.len();
        assert!(printed < 100_000, "{format}: {printed} bytes");
        let text = stderr(&output);
        assert!(text.contains("strng"), "{format}: {text}");
    }
    let human = stderr(&protoc_rs(&["compile", "-I", &dir_text, "long.proto"]));
    // The file's own line and column, and each label in its window.
    assert!(human.contains("long.proto:2:"), "{human}");
    assert!(
        human.contains("...") && human.contains("int32 bad = 0;"),
        "{human}"
    );
    assert!(
        human.contains("first used by `f0`") && human.contains("message M { int32 f0 = 1;"),
        "{human}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

// A short line is never clipped: the snippet is the whole line.
#[test]
fn short_lines_are_shown_whole() {
    let dir = one_long_line("short", 3);
    let dir_text = dir.display().to_string();
    let human = stderr(&protoc_rs(&["compile", "-I", &dir_text, "long.proto"]));
    assert!(
        human.contains(
            "message M { int32 f0 = 1; int32 f1 = 2; int32 f2 = 3; int32 bad = 0; strng x = 1; }"
        ),
        "{human}"
    );
    assert!(!human.contains("..."), "{human}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Runs `protoc-rs compile --error-format json ARGS` in `dir` and returns
/// each line of its standard error, parsed: every line must be a JSON
/// object.
fn json_errors(dir: &std::path::Path, args: &[&str]) -> Vec<serde_json::Value> {
    let output = Command::new(env!("CARGO_BIN_EXE_protoc-rs"))
        .args(["compile", "--error-format", "json"])
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    stderr(&output)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}")))
        .collect()
}

// Errors about the run, not about a place in a file, are JSON objects with
// their codes too (they were `error: ...` text in every format).
#[test]
fn json_covers_errors_about_the_run() {
    let dir = scratch("json-run-errors");
    write(&dir.join("a.proto"), "syntax = \"proto3\";\nmessage A {}\n");
    let cases: [(&[&str], &str, Option<&str>); 3] = [
        (
            &["-I", ".", "missing.proto"],
            "E0001",
            Some("missing.proto"),
        ),
        (
            &["-I", ".", "-o", "a.proto/a.pb", "a.proto"],
            "E0006",
            Some("a.proto/a.pb"),
        ),
        (
            &["-I", ".", "--python_out=bogus:out", "a.proto"],
            "E0007",
            None,
        ),
    ];
    for (args, code, file) in cases {
        let errors = json_errors(&dir, args);
        assert_eq!(errors.len(), 1, "{args:?}: {errors:?}");
        let error = &errors[0];
        assert_eq!(error["code"], code, "{args:?}: {error}");
        assert_eq!(error["severity"], "error");
        assert_eq!(error["file"].as_str(), file, "{args:?}: {error}");
        assert!(error["line"].is_null() && error["labels"].as_array().is_some_and(Vec::is_empty));
        assert!(error["protoc"].as_str().is_some_and(|p| !p.is_empty()));
    }
    assert!(!dir.join("out").exists());
}

/// Closed enums and unchecked strings of an editions file are generated as
/// prost can (open enums, checked `String`s), with one warning per kind
/// and file; the same constructs in proto2, prost-build's own case, are
/// generated silently.
#[test]
fn features_prost_cannot_honour_are_warnings() {
    let dir = scratch("rust-feature-warnings");
    write(
        &dir.join("ed.proto"),
        "edition = \"2023\";\npackage p;\noption features.utf8_validation = NONE;\nenum A {\n  option features.enum_type = CLOSED;\n  A_ONE = 1;\n}\nmessage M {\n  enum B {\n    option features.enum_type = CLOSED;\n    B_ONE = 1;\n  }\n  string s = 1;\n  string t = 2;\n  A a = 3;\n}\n",
    );
    write(
        &dir.join("legacy.proto"),
        "syntax = \"proto2\";\npackage q;\nenum A { A_ONE = 1; }\nmessage M { optional string s = 1; optional A a = 2; }\n",
    );
    let run = |file: &str| {
        Command::new(env!("CARGO_BIN_EXE_protoc-rs"))
            .args(["compile", "-I", ".", "--rust-out", "out", file])
            .current_dir(&dir)
            .output()
            .unwrap()
    };
    let output = run("ed.proto");
    let text = stderr(&output);
    assert_eq!(output.status.code(), Some(0), "{text}");
    assert_eq!(text.matches("warning[W4001]").count(), 1, "{text}");
    assert!(text.contains("`p.A` is a closed enum"), "{text}");
    assert!(
        text.contains("(and 1 more closed enum in this file)"),
        "{text}"
    );
    assert!(text.contains("ed.proto:4:6"), "{text}");
    assert_eq!(text.matches("warning[W4002]").count(), 1, "{text}");
    assert!(
        text.contains("`p.M.s` has `utf8_validation = NONE`"),
        "{text}"
    );
    assert!(text.contains("ed.proto:13:10"), "{text}");
    assert!(dir.join("out/p.rs").exists());

    let output = run("legacy.proto");
    let text = stderr(&output);
    assert_eq!(output.status.code(), Some(0), "{text}");
    assert!(!text.contains("warning"), "{text}");
}

/// An option list's errors after its first: real, so human and JSON output
/// show them, but beyond protoc's, which stops at the first, so protoc's
/// format prints exactly protoc 35's lines (its golden from
/// `scripts/regen-protoc-cli-goldens.sh`, run in the same directory).
#[test]
fn errors_beyond_protocs_are_shown_except_in_protocs_format() {
    let work = common::root().join("fixtures/protoc-cli/work");
    let golden = std::fs::read_to_string(
        common::root().join("fixtures/goldens/protoc-cli/option-list-first-error/stderr"),
    )
    .unwrap();
    let run = |format: &str| {
        let output = Command::new(env!("CARGO_BIN_EXE_protoc-rs"))
            .args([
                "compile",
                "--error-format",
                format,
                "-I.",
                "option-lists.proto",
            ])
            .current_dir(&work)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(1), "{format}");
        stderr(&output)
    };
    assert_eq!(run("protoc"), golden);
    let human = run("human");
    assert_eq!(human.matches("error[").count(), 7, "{human}");
    let json = run("json");
    assert_eq!(json.lines().count(), 7, "{json}");
}
