//! protoc's command line: `protoc-rs <protoc arguments>` behaves as protoc
//! 35 does. Every case of fixtures/protoc-cli/cases/ runs in a fresh copy
//! of fixtures/protoc-cli/work/ and must give protoc 35's exit status,
//! standard output and error, and files
//! (fixtures/goldens/protoc-cli/, by scripts/regen-protoc-cli-goldens.sh).
//! Each flag of protoc 35's `--help` has a test of its own below, over its
//! cases or, for the flags protoc-rs answers in its own words (`--help`,
//! `--version`, `--notices`) or refuses, over that answer.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use protoc_rs::cli::protoc::flags::{Support, FLAGS};

fn fixtures() -> PathBuf {
    common::root().join("fixtures/protoc-cli")
}

fn goldens() -> PathBuf {
    common::root().join("fixtures/goldens/protoc-cli")
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path.strip_prefix(dir).unwrap().to_path_buf());
            }
        }
    }
    out.sort();
    out
}

/// What one run of protoc-rs gave.
struct Run {
    status: i32,
    stdout: String,
    stderr: String,
    /// Files the run made or changed, by path under the work directory.
    files: Vec<(PathBuf, Vec<u8>)>,
}

/// Runs protoc-rs with `args` in a fresh copy of the work directory.
fn run(name: &str, args: &[String], stdin: Option<&Path>) -> Run {
    let work = std::env::temp_dir().join(format!("protoc-rs-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&work);
    let original = fixtures().join("work");
    common::copy_dir(&original, &work);
    let binary = env!("CARGO_BIN_EXE_protoc-rs");
    let output = Command::new(binary)
        .args(args)
        .current_dir(&work)
        .env_remove("PROTOC_INCLUDE")
        .stdin(match stdin {
            Some(path) => Stdio::from(std::fs::File::open(path).unwrap()),
            None => Stdio::null(),
        })
        .output()
        .unwrap();
    let normalize = |bytes: &[u8]| {
        String::from_utf8_lossy(bytes)
            .replace(&work.display().to_string(), "$WORK")
            .replace(binary, "protoc")
    };
    let files = files_under(&work)
        .into_iter()
        .filter_map(|rel| {
            let now = std::fs::read(work.join(&rel)).unwrap();
            (std::fs::read(original.join(&rel)).ok().as_ref() != Some(&now)).then_some((rel, now))
        })
        .collect();
    let run = Run {
        status: output.status.code().unwrap_or(-1),
        stdout: normalize(&output.stdout),
        stderr: normalize(&output.stderr),
        files,
    };
    std::fs::remove_dir_all(&work).unwrap();
    run
}

fn case_args(name: &str) -> Vec<String> {
    let path = fixtures().join("cases").join(format!("{name}.args"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines().map(str::to_owned).collect()
}

/// The cases where protoc 35 fails after writing some outputs (it writes
/// output locations one at a time, in hash order) and protoc-rs, on
/// purpose, writes none: everything else must still be protoc's.
const NO_PARTIAL_OUTPUT: &[&str] = &["plugin-insertion-other-directory"];

/// Runs case `name` and compares every part with protoc 35's golden.
fn case(name: &str) {
    let stdin = fixtures().join("cases").join(format!("{name}.stdin"));
    let ours = run(
        name,
        &case_args(name),
        stdin.exists().then_some(stdin.as_path()),
    );
    let golden = goldens().join(name);
    let read = |part: &str| {
        std::fs::read_to_string(golden.join(part)).unwrap_or_else(|e| {
            panic!("{name}: no golden {part} ({e}); run scripts/regen-protoc-cli-goldens.sh")
        })
    };
    let status: i32 = read("status").trim().parse().unwrap();
    assert_eq!(
        ours.status, status,
        "{name}: exit status\nstderr:\n{}",
        ours.stderr
    );
    assert_eq!(ours.stderr, read("stderr"), "{name}: standard error");
    assert_eq!(ours.stdout, read("stdout"), "{name}: standard output");
    let golden_files = golden.join("files");
    let mut expected: Vec<PathBuf> = if golden_files.exists() {
        files_under(&golden_files)
    } else {
        Vec::new()
    };
    if NO_PARTIAL_OUTPUT.contains(&name) {
        assert!(
            status != 0 && !expected.is_empty(),
            "{name}: protoc 35 no longer leaves partial output here"
        );
        expected.clear();
    }
    let made: Vec<PathBuf> = ours.files.iter().map(|(p, _)| p.clone()).collect();
    assert_eq!(made, expected, "{name}: the files written");
    for (path, bytes) in &ours.files {
        let want = std::fs::read(golden_files.join(path)).unwrap();
        assert!(
            *bytes == want,
            "{name}: {} differs from protoc's",
            path.display()
        );
    }
}

/// Every case has a golden and every golden a case, and each is run by a
/// test below.
#[test]
fn every_case_has_a_golden_and_a_test() {
    let mut cases: Vec<String> = std::fs::read_dir(fixtures().join("cases"))
        .unwrap()
        .filter_map(|e| {
            let name = e.unwrap().file_name().to_string_lossy().into_owned();
            name.strip_suffix(".args").map(str::to_owned)
        })
        .collect();
    cases.sort();
    let mut golden: Vec<String> = std::fs::read_dir(goldens())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    golden.sort();
    assert_eq!(cases, golden);
    let source = std::fs::read_to_string(common::root().join("tests/protoc_cli.rs")).unwrap();
    for name in &cases {
        assert!(
            source.contains(&format!("\"{name}\"")),
            "case {name} is run by no test"
        );
    }
}

macro_rules! flag_tests {
    ($($test:ident: [$($case:literal),+ $(,)?];)+) => {
        $(#[test]
        fn $test() {
            $(case($case);)+
        })+
    };
}

flag_tests! {
    proto_path: ["proto-path", "proto-path-missing-dir", "proto-path-empty-dir", "proto-path-virtual", "proto-path-list", "input-outside-proto-path"];
    encode: ["encode-base", "encode-map", "encode-error", "encode-error-msvs", "encode-missing-required", "encode-blank-type", "encode-unknown-type", "encode-with-output", "encode-and-decode"];
    deterministic_output: ["encode-deterministic", "deterministic-without-encode"];
    unsafe_allow_out_dir_escape: ["plugin-escape", "unsafe-allow-out-dir-escape"];
    decode: ["decode-base", "decode-corrupt", "decode-missing-value", "dependency-out-with-decode"];
    decode_raw: ["decode-raw", "decode-raw-with-inputs", "decode-raw-with-parameter"];
    descriptor_set_in: ["descriptor-set-in", "descriptor-set-in-input", "descriptor-set-in-import", "descriptor-set-in-only", "descriptor-set-in-missing", "descriptor-set-in-corrupt", "descriptor-set-in-twice", "descriptor-set-in-empty", "descriptor-set-in-with-dependency-out"];
    descriptor_set_out: ["descriptor-set-out", "descriptor-set-out-twice", "descriptor-set-out-empty"];
    include_imports: ["include-imports", "include-imports-without-output", "include-imports-twice"];
    include_source_info: ["include-source-info", "include-source-info-without-output"];
    retain_options: ["retain-options", "retain-options-without-output"];
    dependency_out: ["dependency-out", "dependency-out-two-inputs"];
    error_format: ["error-format-gcc", "error-format-msvs", "error-format-unknown", "warning", "warning-msvs"];
    fatal_warnings: ["fatal-warnings", "fatal-warnings-twice"];
    print_free_field_numbers: ["print-free-field-numbers", "print-free-field-numbers-with-output"];
    enable_codegen_trace: ["enable-codegen-trace"];
    direct_dependencies: ["direct-dependencies", "direct-dependencies-allowed", "direct-dependencies-message", "direct-dependencies-twice"];
    option_dependencies: ["option-dependencies", "option-dependencies-allowed"];
    plugin: ["plugin", "plugin-with-parameter", "plugin-not-found", "plugin-fails", "plugin-option-without-output"];
    plugin_failures: ["plugin-error", "plugin-killed", "plugin-garbage", "plugin-not-executable", "plugin-chunk-without-name", "plugin-output-directory-missing", "plugin-second-fails-nothing-written"];
    plugin_files: ["plugin-duplicate-file", "plugin-same-file-twice", "plugin-same-file-two-directories", "plugin-absolute-name", "plugin-dependency-out"];
    plugin_insertion_points: ["plugin-insertion-from-another-plugin", "plugin-insertion-before-its-file", "plugin-insertion-other-directory", "plugin-insertion-missing-file", "plugin-insertion-missing-point"];
    plugin_features: ["plugin-without-proto3-optional", "plugin-without-editions", "plugin-edition-too-new", "plugin-editions-supported"];
    plugin_archives: ["plugin-zip", "plugin-jar", "plugin-srcjar", "plugin-zip-escape"];
    argument_file: ["argument-file", "argument-file-missing"];
    // The one error protoc words with the file's virtual name.
    virtual_names: ["unstable-edition-virtual-name"];
    // protoc's lines exactly: the first error of each option list only.
    option_lists: ["option-list-first-error"];
    // Files linked in parallel, out of protoc's order: the same names, the
    // same cross-file warning, the same set.
    linking_in_any_order: ["linking-in-any-order"];
    command_line_checks: ["missing-output-directives", "missing-input-file", "empty-argument", "unknown-flag", "input-is-a-directory", "input-not-found", "experimental-allow-proto3-optional", "disallow-services"];
}

fn protoc_rs(args: &[&str]) -> Run {
    let args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
    run(
        &format!("ad-hoc-{}", args.join("-").replace('/', "_")),
        &args,
        None,
    )
}

#[test]
fn version_is_protocs_first_line_and_names_protoc_rs() {
    let run = protoc_rs(&["--version"]);
    assert_eq!(run.status, 0);
    let line = run.stdout.lines().next().unwrap_or_default().to_owned();
    // Scripts read `libprotoc X.Y`.
    let words: Vec<&str> = line.split_whitespace().collect();
    assert_eq!(&words[..2], ["libprotoc", "35.1"], "{line}");
    assert!(line.contains("protoc-rs"), "{line}");
}

#[test]
fn help_lists_every_flag_and_exits_zero() {
    for args in [&["--help"][..], &["-h"], &[]] {
        let run = protoc_rs(args);
        assert_eq!(run.status, 0, "{args:?}");
        assert!(
            run.stdout
                .starts_with("Usage: protoc [OPTION] PROTO_FILES\n"),
            "{}",
            run.stdout
        );
        for flag in FLAGS.iter().filter(|f| f.support == Support::Implemented) {
            let name = flag.name.split([',', '=']).next().unwrap();
            let name = name.strip_prefix("-IPATH").map_or(name, |_| "-IPATH");
            let name = name.strip_prefix("-oFILE").map_or(name, |_| "-oFILE");
            assert!(run.stdout.contains(name), "--help does not mention {name}");
        }
    }
}

#[test]
fn notices_name_the_licence_and_the_data() {
    let run = protoc_rs(&["--notices"]);
    assert_eq!(run.status, 0);
    assert!(run.stdout.contains("MIT OR Apache-2.0"), "{}", run.stdout);
    assert!(run.stdout.contains("protoc 35.1"), "{}", run.stdout);
}

/// Each generator protoc 35 has built in and protoc-rs has not (all but
/// the Python ones) is refused with one line naming it, exit status 1,
/// whatever else the command line says.
#[test]
fn protocs_built_in_generators_are_refused_in_one_line() {
    let refused: Vec<&str> = FLAGS
        .iter()
        .filter(|f| f.support == Support::Refused)
        .map(|f| f.name.split('=').next().unwrap())
        .collect();
    assert!(refused.len() >= 9, "{refused:?}");
    for flag in refused {
        let out = format!("{flag}=out");
        let run = protoc_rs(&["-I.", &out, "base.proto"]);
        assert_eq!(run.status, 1, "{flag}");
        let lines: Vec<&str> = run.stderr.lines().collect();
        assert_eq!(lines.len(), 1, "{flag}: {}", run.stderr);
        assert!(
            lines[0].starts_with(&format!("{flag}: not supported by protoc-rs: ")),
            "{flag}: {}",
            lines[0]
        );
        assert!(run.files.is_empty(), "{flag} wrote {:?}", run.files.len());
    }
}

#[test]
fn a_file_name_that_is_not_utf8_is_refused_clearly() {
    use std::os::unix::ffi::OsStrExt;
    let name = std::ffi::OsStr::from_bytes(b"\xff.proto");
    let output = Command::new(env!("CARGO_BIN_EXE_protoc-rs"))
        .arg("-I.")
        .arg("-o")
        .arg(std::env::temp_dir().join("protoc-rs-not-utf8.pb"))
        .arg(name)
        .current_dir(fixtures().join("work"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("not valid UTF-8"), "{stderr}");
}

#[test]
fn the_binary_named_protoc_takes_protocs_command_line() {
    let dir = std::env::temp_dir().join(format!("protoc-rs-as-protoc-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let link = dir.join("protoc");
    let _ = std::fs::remove_file(&link);
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_protoc-rs"), &link).unwrap();
    // Under that name even `compile` is a file name, as for protoc.
    let output = Command::new(&link)
        .args(["-I.", "-o", "/dev/null", "compile"])
        .current_dir(fixtures().join("work"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "Could not make proto path relative: compile: No such file or directory\n"
    );
    let version = Command::new(&link).arg("--version").output().unwrap();
    assert!(String::from_utf8_lossy(&version.stdout).starts_with("libprotoc 35.1"));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The README's table is the flag list: every flag, with what protoc-rs
/// does with it.
#[test]
fn the_readme_table_lists_every_flag() {
    let readme = std::fs::read_to_string(common::root().join("README.md")).unwrap();
    for flag in FLAGS {
        let status = match flag.support {
            Support::Implemented => "implemented",
            Support::Refused => "refused",
        };
        let names: Vec<String> = flag.name.split(", ").map(|n| format!("`{n}`")).collect();
        let row = format!("| {} | {status}: {} |", names.join(", "), flag.note);
        assert!(readme.contains(&row), "README.md lacks the row\n{row}");
    }
}
