//! The semantics stage builds a run without errors fronts first, checking
//! the rest of each file in parallel (`semantics::Strategy`). That must give
//! exactly what protoc's file-by-file order gives: these tests build every
//! fixture both ways and compare the analyses and the descriptor sets.

mod common;

use std::path::{Path, PathBuf};

use protoc_rs::compile::{self, Compilation, Options};
use protoc_rs::descriptors::SetOptions;
use protoc_rs::semantics::Strategy;

/// Every directory under `fixtures/` holding .proto files (goldens left
/// out: they are outputs).
fn fixture_dirs(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    entries.sort();
    if entries
        .iter()
        .any(|path| path.extension().is_some_and(|e| e == "proto"))
    {
        out.push(dir.to_path_buf());
    }
    for path in entries {
        if path.is_dir() && path.file_name().is_some_and(|n| n != "goldens") {
            fixture_dirs(&path, out);
        }
    }
}

fn compile_with(dir: &Path, inputs: &[PathBuf], strategy: Strategy) -> Compilation {
    compile::compile_with(
        &Options {
            include_paths: vec![dir.display().to_string()],
            inputs: inputs.iter().map(|p| p.display().to_string()).collect(),
            ..Default::default()
        },
        strategy,
    )
}

/// Where the two compilations differ, if they do.
fn difference(sequential: &Compilation, fronts_first: &Compilation) -> Option<String> {
    if sequential.run_errors != fronts_first.run_errors {
        return Some("run errors differ".into());
    }
    if sequential.diagnostics != fronts_first.diagnostics {
        let at = sequential
            .diagnostics
            .iter()
            .zip(&fronts_first.diagnostics)
            .position(|(a, b)| a != b)
            .unwrap_or(
                sequential
                    .diagnostics
                    .len()
                    .min(fronts_first.diagnostics.len()),
            );
        return Some(format!(
            "diagnostics differ from #{at}: {:?} against {:?}",
            sequential.diagnostics.get(at).map(|d| &d.message),
            fronts_first.diagnostics.get(at).map(|d| &d.message)
        ));
    }
    let (Some(a), Some(b)) = (&sequential.analysis, &fronts_first.analysis) else {
        return (sequential.analysis.is_some() != fronts_first.analysis.is_some())
            .then(|| "one has no analysis".into());
    };
    let parts = [
        ("order", a.order == b.order),
        ("files built", a.ok == b.ok),
        ("resolved names", a.resolved == b.resolved),
        ("options", a.options == b.options),
        (
            "option destinations",
            a.option_destinations == b.option_destinations,
        ),
        ("retained options", a.retained_options == b.retained_options),
    ];
    if let Some((part, _)) = parts.iter().find(|(_, same)| !same) {
        return Some(format!("{part} differ"));
    }
    let set = |c: &Compilation| {
        c.descriptor_set_with(SetOptions {
            include_imports: true,
            include_source_info: true,
            ..Default::default()
        })
    };
    (set(sequential) != set(fronts_first)).then(|| "descriptor sets differ".into())
}

#[test]
fn every_fixture_builds_the_same_fronts_first_as_file_by_file() {
    let mut dirs = Vec::new();
    fixture_dirs(&common::root().join("fixtures"), &mut dirs);
    let mut failures = Vec::new();
    let (mut runs, mut clean_runs, mut fallbacks) = (0, 0, 0);
    for dir in &dirs {
        let protos = common::protos(dir);
        // Each file alone, then the whole directory in one run.
        let mut cases: Vec<Vec<PathBuf>> = protos.iter().map(|p| vec![p.clone()]).collect();
        if protos.len() > 1 {
            cases.push(protos.clone());
        }
        for inputs in cases {
            let sequential = compile_with(dir, &inputs, Strategy::Sequential);
            let fronts_first = compile_with(dir, &inputs, Strategy::FrontsFirst);
            let name = if inputs.len() == 1 {
                inputs[0].display().to_string()
            } else {
                format!("{} (all {} files)", dir.display(), inputs.len())
            };
            runs += 1;
            if let Some(difference) = difference(&sequential, &fronts_first) {
                failures.push(format!("{name}: {difference}"));
            }
            let clean = !sequential.has_errors() && sequential.run_errors.is_empty();
            let took = fronts_first
                .analysis
                .as_ref()
                .is_some_and(|a| a.fronts_first);
            if clean {
                clean_runs += 1;
                if !took {
                    failures.push(format!("{name}: no errors, yet built sequentially"));
                }
            }
            // Errors reported after every file is built (misplaced options,
            // feature lifetimes) leave the fronts-first result standing;
            // any other error sends the run back to the sequential build.
            if !took {
                fallbacks += 1;
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // The comparison means something only if many runs took the fronts
    // first path and many others fell back.
    assert!(
        clean_runs >= 100,
        "only {clean_runs} of {runs} runs without errors"
    );
    assert!(
        fallbacks >= 100,
        "only {fallbacks} of {runs} runs fell back"
    );
}

/// A file built before the run's own descriptor.proto reads its options
/// with the embedded schema (protoc's pool has no compiled FileOptions
/// yet); a file built after it reads them with the compiled one. Checked in
/// parallel after every front is built, the first file must still not see
/// the compiled messages.
#[test]
fn options_read_only_the_types_built_before_their_file() {
    let dir = common::scratch("strategies-horizon");
    std::fs::create_dir_all(dir.join("google/protobuf")).unwrap();
    // A descriptor.proto of its own, in which java_package is a number.
    std::fs::write(
        dir.join("google/protobuf/descriptor.proto"),
        "syntax = \"proto2\";\npackage google.protobuf;\n\
         message FileOptions { optional int32 java_package = 1; extensions 1000 to max; }\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("before.proto"),
        "syntax = \"proto3\";\npackage before;\noption java_package = \"com.example\";\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("after.proto"),
        "syntax = \"proto3\";\npackage after;\nimport \"google/protobuf/descriptor.proto\";\n\
         option java_package = 7;\nmessage M { google.protobuf.FileOptions o = 1; }\n",
    )
    .unwrap();
    let inputs = [dir.join("before.proto"), dir.join("after.proto")];
    let sequential = compile_with(&dir, &inputs, Strategy::Sequential);
    assert!(
        !sequential.has_errors(),
        "{:?}",
        sequential.diagnostics.first().map(|d| &d.message)
    );
    let fronts_first = compile_with(&dir, &inputs, Strategy::FrontsFirst);
    assert!(fronts_first
        .analysis
        .as_ref()
        .is_some_and(|a| a.fronts_first));
    assert_eq!(difference(&sequential, &fronts_first), None);
}
