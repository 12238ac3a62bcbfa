//! Plugins beyond protoc's goldens: `protoc-gen-prost-rs` writes what
//! `--rust-out` writes, the `compile` command line runs plugins, writes
//! nothing when one fails, and the plugins of a run start together.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn protoc_rs(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_protoc-rs"))
        .args(args)
        .current_dir(dir)
        .env_remove("PROTOC_INCLUDE")
        .output()
        .unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A fresh empty directory for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("protoc-rs-plugins-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Every file under `dir`, by relative path, with its bytes.
fn tree(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let bytes = std::fs::read(&path).unwrap();
                out.push((path.strip_prefix(dir).unwrap().to_path_buf(), bytes));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn protoc_gen_prost_rs_writes_what_rust_out_writes() {
    let work = common::root().join("fixtures/plugin-requests/work");
    let plugin = format!(
        "--plugin=protoc-gen-prost-rs={}",
        env!("CARGO_BIN_EXE_protoc-gen-prost-rs")
    );
    let files = [
        "seed.proto",
        "basic.proto",
        "wkt.proto",
        "imports/user.proto",
        "proto2.proto",
        "comments.proto",
    ];
    for (parameter, flags) in [
        ("", vec![]),
        (
            "include_file=mod.rs,build_server=false,bytes=.",
            vec!["--include-file", "mod.rs", "--no-server", "--bytes", "."],
        ),
        (
            "type_attribute=.=#[derive(Eq, Hash)],btree_map=.",
            vec![
                "--type-attribute",
                ".=#[derive(Eq, Hash)]",
                "--btree-map",
                ".",
            ],
        ),
    ] {
        let by_plugin = scratch("by-plugin");
        let by_rust_out = scratch("by-rust-out");
        let out = format!(
            "--prost-rs_out={parameter}{}{}",
            if parameter.is_empty() { "" } else { ":" },
            by_plugin.display()
        );
        let mut args = vec!["-I.", plugin.as_str(), out.as_str()];
        args.extend(files);
        let ran = protoc_rs(&work, &args);
        assert_eq!(ran.status.code(), Some(0), "{parameter}: {}", stderr(&ran));
        let rust_out = by_rust_out.display().to_string();
        let mut args = vec!["compile", "-I.", "--rust-out", rust_out.as_str()];
        args.extend(flags);
        args.extend(files);
        let ran = protoc_rs(&work, &args);
        assert_eq!(ran.status.code(), Some(0), "{parameter}: {}", stderr(&ran));
        let (plugin_files, rust_out_files) = (tree(&by_plugin), tree(&by_rust_out));
        assert!(
            plugin_files.len() >= 5,
            "{parameter}: {} files",
            plugin_files.len()
        );
        assert_eq!(plugin_files, rust_out_files, "{parameter}");
    }
}

#[test]
fn protoc_gen_prost_rs_reports_a_bad_parameter_through_the_protocol() {
    let work = common::root().join("fixtures/plugin-requests/work");
    let out = scratch("bad-parameter");
    let plugin = format!(
        "--plugin=protoc-gen-prost-rs={}",
        env!("CARGO_BIN_EXE_protoc-gen-prost-rs")
    );
    let flag = format!("--prost-rs_out=no_such_option:{}", out.display());
    let ran = protoc_rs(&work, &["-I.", &plugin, &flag, "seed.proto"]);
    assert_eq!(ran.status.code(), Some(1));
    assert!(
        stderr(&ran).starts_with("--prost-rs_out: unknown parameter `no_such_option`"),
        "{}",
        stderr(&ran)
    );
    assert!(tree(&out).is_empty());
}

/// A copy of protoc_cli's work directory, with its canned plugins.
fn cli_work(name: &str) -> PathBuf {
    let work = scratch(name);
    common::copy_dir(&common::root().join("fixtures/protoc-cli/work"), &work);
    work
}

#[test]
fn the_compile_form_runs_plugins_as_protoc_does() {
    let work = cli_work("compile-form");
    let ran = protoc_rs(
        &work,
        &[
            "compile",
            "-I.",
            "--plugin=protoc-gen-a=plugins/writer",
            "--a_out=out",
            "--plugin",
            "protoc-gen-b=plugins/inserter",
            "--b_out",
            "out",
            "base.proto",
        ],
    );
    assert_eq!(ran.status.code(), Some(0), "{}", stderr(&ran));
    let golden = common::root().join(
        "fixtures/goldens/protoc-cli/plugin-insertion-from-another-plugin/files/out/shared.txt",
    );
    assert_eq!(
        std::fs::read(work.join("out/shared.txt")).unwrap(),
        std::fs::read(golden).unwrap()
    );
}

#[test]
fn the_compile_form_writes_nothing_when_a_plugin_fails() {
    let work = cli_work("compile-form-fails");
    let ran = protoc_rs(
        &work,
        &[
            "compile",
            "-I.",
            "--rust-out",
            "rust",
            "-o",
            "set.pb",
            "--plugin=protoc-gen-a=plugins/writer",
            "--a_out=out",
            "--plugin=protoc-gen-b=failing-plugin.sh",
            "--b_out=out",
            "base.proto",
        ],
    );
    assert_eq!(ran.status.code(), Some(1));
    assert!(
        stderr(&ran).contains("error: --b_out: protoc-gen-b: Plugin failed with status code 3."),
        "{}",
        stderr(&ran)
    );
    for output in ["rust", "set.pb", "out/shared.txt"] {
        assert!(!work.join(output).exists(), "{output} was written");
    }
}

#[test]
fn the_compile_form_refuses_an_option_without_its_output() {
    let work = cli_work("compile-form-opt");
    let ran = protoc_rs(&work, &["compile", "-I.", "--x_opt=a", "base.proto"]);
    assert_eq!(ran.status.code(), Some(2));
    assert!(
        stderr(&ran).contains("--x_opt has no --x_out"),
        "{}",
        stderr(&ran)
    );
    // compile's own flags that end in _out are still its own.
    let ran = protoc_rs(
        &work,
        &[
            "compile",
            "-I.",
            "--descriptor_set_out=set.pb",
            "--rust_out=rust",
            "base.proto",
        ],
    );
    assert_eq!(ran.status.code(), Some(0), "{}", stderr(&ran));
    assert!(work.join("set.pb").is_file() && work.join("rust/cli.rs").is_file());
}

/// Two plugins that each wait (a bounded while) for the other to have
/// started: run one after the other, the first gives up and fails.
#[test]
fn the_plugins_of_a_run_start_together() {
    let work = cli_work("together");
    for (me, other) in [("a", "b"), ("b", "a")] {
        let script = format!(
            "#!/bin/sh\ncat > /dev/null\ntouch {me}.started\ni=0\nwhile [ ! -e {other}.started ]; do\n  \
             i=$((i + 1)); [ $i -gt 200 ] && exit 7\n  sleep 0.05\ndone\nexec plugins/writer\n"
        );
        let path = work.join(format!("wait-{me}"));
        std::fs::write(&path, script).unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    // The canned plugin answers with the file named like the name it runs
    // as; `writer` is what both exec.
    let ran = protoc_rs(
        &work,
        &[
            "-I.",
            "--plugin=protoc-gen-a=wait-a",
            "--plugin=protoc-gen-b=wait-b",
            "--a_out=out",
            "--b_out=.",
            "base.proto",
        ],
    );
    assert_eq!(ran.status.code(), Some(0), "{}", stderr(&ran));
    assert!(work.join("out/shared.txt").is_file() && work.join("shared.txt").is_file());
}
