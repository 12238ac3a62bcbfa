//! The built-in Python generators (`--python_out`, `--pyi_out`,
//! `--grpc_python_out`) against grpcio-tools' protoc: every run of
//! fixtures/goldens/python/ (each fixture of fixtures/python/ with all
//! three generators, and the parameter cases of fixtures/python/cases.txt;
//! made by scripts/regen-python-goldens.sh) must give the same exit
//! status, standard error and files, byte for byte. No Python is needed:
//! the goldens are committed.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

fn goldens() -> PathBuf {
    common::root().join("fixtures/goldens/python")
}

/// Every file under `dir`, as paths relative to it, sorted.
fn files_under(dir: &Path) -> Vec<PathBuf> {
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
                out.push(path.strip_prefix(dir).unwrap().to_path_buf());
            }
        }
    }
    out.sort();
    out
}

/// The golden runs: directories holding an `args` file.
fn golden_runs() -> Vec<PathBuf> {
    let mut runs: Vec<PathBuf> = files_under(&goldens())
        .into_iter()
        .filter(|rel| rel.file_name().is_some_and(|n| n == "args"))
        .filter_map(|rel| rel.parent().map(Path::to_path_buf))
        .collect();
    runs.sort();
    runs
}

/// What protoc-rs gave for one run.
struct Outcome {
    status: i32,
    stderr: String,
    files: Vec<(PathBuf, Vec<u8>)>,
}

fn run_protoc_rs(folder: &str, args: &[String], scratch: &Path) -> Outcome {
    let _ = std::fs::remove_dir_all(scratch);
    std::fs::create_dir_all(scratch).unwrap();
    let out = scratch.display().to_string();
    let args: Vec<String> = args.iter().map(|a| a.replace("$OUT", &out)).collect();
    let output = Command::new(env!("CARGO_BIN_EXE_protoc-rs"))
        .args(&args)
        .current_dir(common::root().join("fixtures/python").join(folder))
        .env_remove("PROTOC_INCLUDE")
        .output()
        .unwrap();
    let files = files_under(scratch)
        .into_iter()
        .map(|rel| {
            let bytes = std::fs::read(scratch.join(&rel)).unwrap();
            (rel, bytes)
        })
        .collect();
    Outcome {
        status: output.status.code().unwrap_or(-1),
        stderr: String::from_utf8_lossy(&output.stderr).replace(&out, "$OUT"),
        files,
    }
}

/// The differences between protoc-rs's run and the golden, empty when
/// there are none.
fn differences(golden: &Path, ours: &Outcome) -> Vec<String> {
    let read = |part: &str| std::fs::read_to_string(golden.join(part)).unwrap();
    let mut problems = Vec::new();
    let status: i32 = read("status").trim().parse().unwrap();
    if ours.status != status {
        problems.push(format!(
            "exit status {} (grpcio-tools: {status})",
            ours.status
        ));
    }
    if ours.stderr != read("stderr") {
        problems.push(format!(
            "standard error:\n{}\ngrpcio-tools:\n{}",
            ours.stderr,
            read("stderr")
        ));
    }
    let expected: Vec<PathBuf> = files_under(&golden.join("files"));
    let written: Vec<PathBuf> = ours.files.iter().map(|(rel, _)| rel.clone()).collect();
    if written != expected {
        problems.push(format!("files {written:?} (grpcio-tools: {expected:?})"));
    }
    for (rel, bytes) in &ours.files {
        match std::fs::read(golden.join("files").join(rel)) {
            Ok(theirs) if &theirs == bytes => {}
            Ok(theirs) => problems.push(format!(
                "{} differs: first difference at byte {}",
                rel.display(),
                theirs
                    .iter()
                    .zip(bytes)
                    .position(|(a, b)| a != b)
                    .unwrap_or(theirs.len().min(bytes.len()))
            )),
            Err(_) => {}
        }
    }
    problems
}

#[test]
fn every_run_writes_what_grpcio_tools_writes() {
    let runs = golden_runs();
    // The goldens hold the seed, three fixture folders and the cases.
    assert!(runs.len() >= 70, "only {} golden runs", runs.len());
    let scratch = std::env::temp_dir().join(format!("protoc-rs-python-{}", std::process::id()));
    let mut failures = Vec::new();
    for run in &runs {
        let golden = goldens().join(run);
        let folder = std::fs::read_to_string(golden.join("dir")).unwrap();
        let args: Vec<String> = std::fs::read_to_string(golden.join("args"))
            .unwrap()
            .lines()
            .map(str::to_owned)
            .collect();
        let ours = run_protoc_rs(folder.trim(), &args, &scratch);
        let problems = differences(&golden, &ours);
        if !problems.is_empty() {
            failures.push(format!("{}:\n  {}", run.display(), problems.join("\n  ")));
        }
    }
    let _ = std::fs::remove_dir_all(&scratch);
    assert!(
        failures.is_empty(),
        "{} of {} runs differ from grpcio-tools:\n{}",
        failures.len(),
        runs.len(),
        failures.join("\n")
    );
}

#[test]
fn the_seed_gets_its_modules() {
    let golden = goldens().join("seed/test.proto/files");
    let names = files_under(&golden);
    assert_eq!(
        names,
        [
            PathBuf::from("test_pb2.py"),
            PathBuf::from("test_pb2.pyi"),
            PathBuf::from("test_pb2_grpc.py")
        ]
    );
    let grpc = std::fs::read_to_string(golden.join("test_pb2_grpc.py")).unwrap();
    assert!(grpc.contains("class DemoStub:") && grpc.contains("def add_DemoServicer_to_server"));
}

/// Runs protoc-rs in the seed's folder and returns the files written.
fn seed_outputs(args: &[&str], name: &str) -> (i32, String, Vec<(PathBuf, Vec<u8>)>) {
    let scratch =
        std::env::temp_dir().join(format!("protoc-rs-python-{name}-{}", std::process::id()));
    let args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
    let ours = run_protoc_rs("seed", &args, &scratch);
    let _ = std::fs::remove_dir_all(&scratch);
    (ours.status, ours.stderr, ours.files)
}

// grpcio-tools' protoc has no `--python_opt` (it answers "Unknown flag");
// protoc's own binary has it. protoc-rs follows protoc there, so that
// Makefiles written for either work.
#[test]
fn python_opt_adds_to_the_parameter_as_in_protoc() {
    let with_opt = seed_outputs(
        &[
            "-I.",
            "--python_opt=pyi_out",
            "--python_out=$OUT",
            "test.proto",
        ],
        "opt",
    );
    let in_flag = seed_outputs(&["-I.", "--python_out=pyi_out:$OUT", "test.proto"], "flag");
    assert_eq!(with_opt.0, 0, "{}", with_opt.1);
    assert_eq!(with_opt.2, in_flag.2);
    assert_eq!(with_opt.2.len(), 2, "the stub and the module");
}

// protoc registers no option flag for the stub generator: `--pyi_opt`
// would be a plugin's, and never reaches `--pyi_out`.
#[test]
fn pyi_opt_does_not_reach_the_stub_generator() {
    let (status, stderr, files) = seed_outputs(
        &["-I.", "--pyi_opt=bogus", "--pyi_out=$OUT", "test.proto"],
        "pyi-opt",
    );
    assert_eq!(status, 0, "{stderr}");
    assert_eq!(files.len(), 1);
}

// As in grpcio-tools, `--grpc_python_out` is the built-in generator even
// when a plugin of that name is registered.
#[test]
fn grpc_python_out_is_built_in_whatever_plugin_is_registered() {
    let (status, stderr, files) = seed_outputs(
        &[
            "-I.",
            "--plugin=protoc-gen-grpc_python=/nonexistent/plugin",
            "--grpc_python_out=$OUT",
            "test.proto",
        ],
        "registered",
    );
    assert_eq!(status, 0, "{stderr}");
    let golden = std::fs::read(goldens().join("seed/test.proto/files/test_pb2_grpc.py")).unwrap();
    assert_eq!(files, [(PathBuf::from("test_pb2_grpc.py"), golden)]);
}
