//! The build-script API, option by option: protoc_rs::prost and
//! protoc_rs::tonic against the real prost-build 0.14.6 and
//! tonic-prost-build 0.14.9.
//!
//! Each fixture fixtures/build-options/<name>/chain.rs is a block that uses
//! a crate alias `build` and an `out_dir: &Path`, and whose value is an
//! `io::Result<()>`. scripts/regen-build-goldens.sh ran it in a build
//! script with `use prost_build as build;` (or `tonic_prost_build`) and the
//! real protoc 35, and kept every file it wrote to OUT_DIR in
//! fixtures/goldens/build-options/<name>/, with the `cargo:` lines the build
//! script printed in <name>/cargo-lines.txt. Here the same block runs with
//! `use protoc_rs::prost as build;` (or `protoc_rs::tonic`), and every file
//! must be the golden's, byte for byte; descriptor sets are compared
//! decoded, apart from the source info of protobuf's own files
//! (google/protobuf/*), which the goldens do not carry.
//!
//! Each chain runs in a child process (this test binary, run again for that
//! one fixture), as a build script would: its own current directory
//! (fixtures/build-options), its own OUT_DIR, and a stdout of its own, from
//! which the `cargo:` lines are read. No PROTOC is set in the child.
//! Fixtures run one at a time; all differences are reported at the end.
//!
//! The prost goldens are prost-build's without its `cleanup-markdown`
//! feature (a prost-build-only build), the tonic ones with it
//! (tonic-prost-build turns it on). With protoc-rs's own
//! `cleanup-markdown` feature on, the prost fixtures are skipped.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use prost::Message;

/// Set in the child: the fixture to run.
const CHILD_FIXTURE: &str = "PROTOC_RS_BUILD_OPTIONS_FIXTURE";
/// Set in the child: the OUT_DIR to give the chain.
const CHILD_OUT_DIR: &str = "PROTOC_RS_BUILD_OPTIONS_OUT_DIR";
/// The child's stdout between these lines is the chain's.
const BEGIN: &str = "<<build-options: chain begins>>";
const END: &str = "<<build-options: chain ended>>";

/// `fixtures! { out_dir; CRATE NAME, ... }`: the list of fixtures, and a
/// `match` that runs each one's chain.rs with `build` = `protoc_rs::CRATE`.
/// The chains' `out_dir` is named at the call site (macro hygiene: the
/// included code resolves local names there).
macro_rules! fixtures {
    ($out_dir:ident; $($krate:ident $name:ident,)*) => {
        /// (crate, fixture) for every fixture.
        const FIXTURES: &[(&str, &str)] = &[$((stringify!($krate), stringify!($name)),)*];

        /// Runs fixture `name`'s chain; None for an unknown name.
        #[allow(clippy::redundant_closure_call, unused_variables)]
        fn run_chain(name: &str, $out_dir: &Path) -> Option<std::io::Result<()>> {
            match name {
                $(stringify!($name) => Some({
                    use protoc_rs::$krate as build;
                    // A closure, so that the chain may use `?`, as the
                    // regen script's build.rs does.
                    let chain = || -> std::io::Result<()> {
                        include!(concat!(
                            env!("CARGO_MANIFEST_DIR"),
                            "/fixtures/build-options/",
                            stringify!($name),
                            "/chain.rs"
                        ))
                    };
                    chain()
                }),)*
                _ => None,
            }
        }
    };
}

fixtures! {
    out_dir;
    prost prost_boxed,
    prost prost_btree_map,
    prost prost_bytes,
    prost prost_compile_fds,
    prost prost_compile_well_known_types,
    prost prost_config_default,
    prost prost_default_package_filename,
    prost prost_defaults,
    prost prost_disable_comments,
    prost prost_enable_type_names,
    prost prost_enum_attribute,
    prost prost_extern_path,
    prost prost_field_attribute,
    prost prost_file_descriptor_set_path,
    prost prost_format,
    prost prost_free_compile_fds,
    prost prost_free_compile_protos,
    prost prost_generate,
    prost prost_include_file,
    prost prost_include_file_env,
    prost prost_load_fds,
    prost prost_message_attribute,
    prost prost_out_dir,
    prost prost_prost_path,
    prost prost_prost_types_path,
    prost prost_protoc_arg,
    prost prost_protoc_executable,
    prost prost_retain_enum_prefix,
    prost prost_service_generator,
    prost prost_skip_debug,
    prost prost_skip_protoc_run,
    prost prost_skip_source_info,
    prost prost_type_attribute,
    prost prost_type_name_domain,
    tonic tonic_boxed,
    tonic tonic_btree_map,
    tonic tonic_build_client,
    tonic tonic_build_server,
    tonic tonic_build_transport,
    tonic tonic_bytes,
    tonic tonic_client_attribute,
    tonic tonic_client_mod_attribute,
    tonic tonic_codec_path,
    tonic tonic_compile_fds,
    tonic tonic_compile_fds_with_config,
    tonic tonic_compile_well_known_types,
    tonic tonic_compile_with_config,
    tonic tonic_defaults,
    tonic tonic_disable_comments,
    tonic tonic_emit_package,
    tonic tonic_emit_rerun_if_changed,
    tonic tonic_enum_attribute,
    tonic tonic_extern_path,
    tonic tonic_field_attribute,
    tonic tonic_file_descriptor_set_path,
    tonic tonic_free_compile_fds,
    tonic tonic_free_compile_protos,
    tonic tonic_generate_default_stubs,
    tonic tonic_include_file,
    tonic tonic_message_attribute,
    tonic tonic_no_services,
    tonic tonic_out_dir,
    tonic tonic_proto_path,
    tonic tonic_protoc_arg,
    tonic tonic_server_attribute,
    tonic tonic_server_mod_attribute,
    tonic tonic_service_generator,
    tonic tonic_skip_debug,
    tonic tonic_skip_protoc_run,
    tonic tonic_trait_attribute,
    tonic tonic_type_attribute,
    tonic tonic_use_arc_self,
    tonic tonic_with_extended_rust_types,
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn fixtures_dir() -> PathBuf {
    root().join("fixtures/build-options")
}

fn goldens_dir() -> PathBuf {
    root().join("fixtures/goldens/build-options")
}

#[test]
fn build_options() {
    if let Some(name) = std::env::var_os(CHILD_FIXTURE) {
        run_child(name.to_str().expect("fixture names are ASCII"));
        return;
    }

    check_fixture_list();

    let scratch =
        std::env::temp_dir().join(format!("protoc-rs-build-options-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    std::fs::create_dir_all(&scratch).expect("create the scratch directory");
    let exe = std::env::current_exe().expect("the test binary's path");

    let mut failures = Vec::new();
    let mut files_checked = 0;
    let mut skipped = 0;
    for &(krate, name) in FIXTURES {
        if krate == "prost" && cfg!(feature = "cleanup-markdown") {
            skipped += 1;
            continue;
        }
        let out_dir = scratch.join(name);
        std::fs::create_dir_all(&out_dir).expect("create OUT_DIR");
        let output = Command::new(&exe)
            .args([
                "build_options",
                "--exact",
                "--nocapture",
                "--test-threads=1",
                "-q",
            ])
            .env(CHILD_FIXTURE, name)
            .env(CHILD_OUT_DIR, &out_dir)
            .env_remove("PROTOC")
            .env_remove("PROTOC_INCLUDE")
            .output()
            .expect("run the test binary again for one fixture");
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        let mut problems = Vec::new();
        match chain_output(&stdout) {
            None => problems.push(format!(
                "the chain did not finish (exit status {}); stderr:\n{}",
                output.status,
                tail(&stderr, 30)
            )),
            Some((cargo_lines, Err(error))) => {
                problems.push(format!("the chain returned an error: {error}"));
                let _ = cargo_lines;
            }
            Some((cargo_lines, Ok(()))) => {
                let golden = goldens_dir().join(name);
                let expected = std::fs::read_to_string(golden.join("cargo-lines.txt"))
                    .unwrap_or_else(|e| panic!("{name}: no golden cargo-lines.txt ({e}); run scripts/regen-build-goldens.sh"));
                // The real crates print no `cargo:` line; protoc-rs prints
                // what it read, so that cargo reruns the build script
                // exactly when one of those changes. Every line of theirs
                // must be there, and every other line must be one of those.
                if let Err(problem) = check_cargo_lines(&expected, &cargo_lines) {
                    problems.push(format!(
                        "cargo: lines: {problem}\n  real crate:\n{}\n  protoc-rs:\n{}",
                        indent(&expected),
                        indent(&cargo_lines)
                    ));
                }
                files_checked += compare_dirs(name, &golden, &out_dir, &mut problems);
            }
        }
        if problems.is_empty() {
            eprintln!("same     {krate:5} {name}");
        } else {
            eprintln!("DIFFERS  {krate:5} {name}");
            failures.push((name, problems));
        }
    }

    if failures.is_empty() {
        let _ = std::fs::remove_dir_all(&scratch);
        eprintln!(
            "build-options: {} fixtures, {files_checked} files, all as the real crates wrote them",
            FIXTURES.len() - skipped
        );
        if skipped > 0 {
            eprintln!(
                "build-options: {skipped} prost fixtures skipped: the cleanup-markdown feature is on, \
                 and their goldens are prost-build's without it"
            );
        }
        return;
    }
    let mut report = format!(
        "{} of {} fixtures differ from the real crates' output (files kept in {}):\n",
        failures.len(),
        FIXTURES.len(),
        scratch.display()
    );
    for (name, problems) in &failures {
        report.push_str(&format!("\n== {name}\n"));
        for problem in problems {
            report.push_str(&format!("  - {problem}\n"));
        }
    }
    panic!("{report}");
}

/// protoc-rs's `cargo:` lines against the real crate's: each of theirs
/// kept, and each other one a `rerun-if-changed` of a file that exists (a
/// `.proto` or a descriptor set, never a directory) or the one variable
/// read, with a rerun line for every file as soon as there is one.
fn check_cargo_lines(theirs: &str, ours: &str) -> Result<(), String> {
    let ours: Vec<&str> = ours.lines().collect();
    for line in theirs.lines() {
        if !ours.contains(&line) {
            return Err(format!("`{line}` is missing"));
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/build-options");
    let mut files = 0;
    for line in ours.iter().filter(|l| !theirs.lines().any(|t| t == **l)) {
        if let Some(path) = line.strip_prefix("cargo:rerun-if-changed=") {
            let path = root.join(path);
            let kind = path.extension().and_then(|e| e.to_str());
            if !path.is_file() || !matches!(kind, Some("proto" | "pb" | "bin")) {
                return Err(format!("`{line}` names no .proto file or descriptor set"));
            }
            files += 1;
        } else if *line != "cargo:rerun-if-env-changed=PROTOC_INCLUDE" {
            return Err(format!("`{line}` is not a line protoc-rs should print"));
        }
    }
    let env_line = ours.contains(&"cargo:rerun-if-env-changed=PROTOC_INCLUDE");
    if env_line && files == 0 {
        return Err("PROTOC_INCLUDE is watched but no file is".to_owned());
    }
    Ok(())
}

/// In the child: run one chain as a build script would, the cargo lines it
/// prints going to stdout between BEGIN and END.
fn run_child(name: &str) {
    let out_dir =
        PathBuf::from(std::env::var_os(CHILD_OUT_DIR).expect("the parent sets the OUT_DIR"));
    std::env::set_current_dir(fixtures_dir()).expect("cd fixtures/build-options");
    // The free functions write to $OUT_DIR. Edition 2021: not `unsafe`; this
    // process runs nothing else.
    std::env::set_var("OUT_DIR", &out_dir);
    use std::io::Write;
    println!("\n{BEGIN}");
    let result = run_chain(name, &out_dir).unwrap_or_else(|| panic!("no fixture {name}"));
    std::io::stdout().flush().expect("flush stdout");
    match result {
        Ok(()) => println!("\n{END} ok"),
        Err(error) => println!("\n{END} error: {}", error.to_string().replace('\n', " | ")),
    }
}

/// The chain's `cargo:` lines (each with its newline, as in the goldens'
/// cargo-lines.txt) and its result, from the child's stdout; None if the
/// child never got to the end.
fn chain_output(stdout: &str) -> Option<(String, Result<(), String>)> {
    let begin = stdout.find(BEGIN)? + BEGIN.len();
    let rest = &stdout[begin..];
    let end = rest.find(END)?;
    let verdict = rest[end + END.len()..].lines().next().unwrap_or("").trim();
    let mut cargo_lines = String::new();
    for line in rest[..end].lines() {
        if line.starts_with("cargo:") {
            cargo_lines.push_str(line);
            cargo_lines.push('\n');
        }
    }
    let result = match verdict.strip_prefix("error: ") {
        Some(error) => Err(error.to_string()),
        None if verdict == "ok" => Ok(()),
        None => Err(format!("unreadable result line {verdict:?}")),
    };
    Some((cargo_lines, result))
}

/// Compares the golden directory with what the chain wrote; returns the
/// number of files compared.
/// The one option whose output protoc-rs does not reproduce: `format(false)`
/// makes prost-build write its code unformatted, in a layout of its own;
/// protoc-rs always formats. For it, the code must be the same once both
/// are formatted by prettyplease.
const FORMATTED_ANYWAY: &[&str] = &["prost_format"];

/// A generated file as prettyplease prints it, its first (header) line
/// kept as it is.
fn prettyplease_of(text: &[u8]) -> Option<Vec<u8>> {
    let text = std::str::from_utf8(text).ok()?;
    let (header, code) = text.split_once('\n')?;
    let file = syn::parse_file(code).ok()?;
    Some(format!("{header}\n{}", prettyplease::unparse(&file)).into_bytes())
}

fn compare_dirs(name: &str, golden: &Path, made: &Path, problems: &mut Vec<String>) -> usize {
    let expected = files_under(golden);
    let actual = files_under(made);
    let mut compared = 0;
    for rel in expected.union(&actual) {
        if rel == "cargo-lines.txt" {
            continue; // not the chain's file: the build script's stdout
        }
        match (expected.contains(rel), actual.contains(rel)) {
            (true, false) => problems.push(format!("{rel}: missing (the real crate wrote it)")),
            (false, true) => {
                problems.push(format!("{rel}: extra (the real crate did not write it)"))
            }
            _ => {
                compared += 1;
                let mut want = std::fs::read(golden.join(rel)).expect("read golden");
                let got = std::fs::read(made.join(rel)).expect("read output");
                if FORMATTED_ANYWAY.contains(&name) && rel.ends_with(".rs") {
                    want = prettyplease_of(&want).unwrap_or(want);
                }
                if want == got {
                    continue;
                }
                if rel.ends_with(".bin") || rel.ends_with(".pb") {
                    if let Some(problem) = compare_descriptor_sets(&want, &got) {
                        problems.push(format!("{rel}: {problem}"));
                    }
                } else {
                    problems.push(format!("{rel}: {}", first_difference(&want, &got)));
                }
            }
        }
    }
    compared
}

/// Every file under `dir`, as a path relative to it with `/` separators.
fn files_under(dir: &Path) -> BTreeSet<String> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeSet<String>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(base, &path, out);
            } else {
                let rel = path.strip_prefix(base).expect("under base");
                out.insert(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    let mut out = BTreeSet::new();
    walk(dir, dir, &mut out);
    out
}

/// Descriptor sets: equal once decoded, with the source info of
/// google/protobuf/* files cleared on both sides (the goldens' was stripped;
/// protoc-rs's built-in files have none).
fn compare_descriptor_sets(want: &[u8], got: &[u8]) -> Option<String> {
    fn decode(bytes: &[u8]) -> Result<protoc_rs::pb::FileDescriptorSet, String> {
        let mut set = protoc_rs::pb::FileDescriptorSet::decode(bytes).map_err(|e| e.to_string())?;
        for file in &mut set.file {
            if file.name().starts_with("google/protobuf/") {
                file.source_code_info = None;
            }
        }
        Ok(set)
    }
    let want = match decode(want) {
        Ok(set) => set,
        Err(e) => return Some(format!("the golden does not decode: {e}")),
    };
    let got = match decode(got) {
        Ok(set) => set,
        Err(e) => return Some(format!("not a FileDescriptorSet: {e}")),
    };
    if want == got {
        return None;
    }
    let names = |set: &protoc_rs::pb::FileDescriptorSet| -> Vec<String> {
        set.file.iter().map(|f| f.name().to_string()).collect()
    };
    if names(&want) != names(&got) {
        return Some(format!(
            "descriptor set files differ: golden {:?}, protoc-rs {:?}",
            names(&want),
            names(&got)
        ));
    }
    let differing: Vec<String> = want
        .file
        .iter()
        .zip(&got.file)
        .filter(|(w, g)| w != g)
        .map(|(w, _)| w.name().to_string())
        .collect();
    Some(format!("descriptor set differs (decoded) in {differing:?}"))
}

/// Where two files first differ: a line for text, an offset for bytes.
fn first_difference(want: &[u8], got: &[u8]) -> String {
    if let (Ok(want), Ok(got)) = (std::str::from_utf8(want), std::str::from_utf8(got)) {
        let mut want_lines = want.split_inclusive('\n');
        let mut got_lines = got.split_inclusive('\n');
        let mut line = 1;
        loop {
            match (want_lines.next(), got_lines.next()) {
                (Some(w), Some(g)) if w == g => line += 1,
                (w, g) => {
                    return format!(
                        "differs from line {line} (golden {} lines, protoc-rs {} lines)\n      golden:    {:?}\n      protoc-rs: {:?}",
                        want.lines().count(),
                        got.lines().count(),
                        w.unwrap_or("<end of file>"),
                        g.unwrap_or("<end of file>"),
                    );
                }
            }
        }
    }
    let at = want
        .iter()
        .zip(got)
        .position(|(w, g)| w != g)
        .unwrap_or(want.len().min(got.len()));
    format!(
        "bytes differ from offset {at} (golden {} bytes, protoc-rs {} bytes)",
        want.len(),
        got.len()
    )
}

/// The fixture list above is the fixture directories, each under the crate
/// its chain.rs's first line names, and each has goldens.
fn check_fixture_list() {
    let mut on_disk = BTreeSet::new();
    for entry in std::fs::read_dir(fixtures_dir())
        .expect("read fixtures/build-options")
        .flatten()
    {
        let chain = entry.path().join("chain.rs");
        if !chain.is_file() {
            continue;
        }
        let name = entry.file_name().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&chain).expect("read chain.rs");
        let krate = match text.lines().next() {
            Some("// prost") => "prost",
            Some("// tonic") => "tonic",
            first => panic!("{name}/chain.rs: first line {first:?}, not `// prost` or `// tonic`"),
        };
        on_disk.insert((krate.to_string(), name));
    }
    let listed: BTreeSet<(String, String)> = FIXTURES
        .iter()
        .map(|&(krate, name)| (krate.to_string(), name.to_string()))
        .collect();
    assert_eq!(
        listed, on_disk,
        "the fixtures! list in tests/build_options.rs must be fixtures/build-options/*/chain.rs, each under its first line's crate"
    );
    for &(_, name) in FIXTURES {
        assert!(
            goldens_dir().join(name).join("cargo-lines.txt").is_file(),
            "{name}: no goldens in fixtures/goldens/build-options/{name} (run scripts/regen-build-goldens.sh)"
        );
    }
}

fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    indent(&all[all.len().saturating_sub(lines)..].join("\n"))
}

fn indent(text: &str) -> String {
    if text.is_empty() {
        return "      (none)".to_string();
    }
    text.lines()
        .map(|l| format!("      {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}
