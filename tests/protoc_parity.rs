//! Parity with protoc 35: for every fixture with a golden written by
//! scripts/regen-goldens.sh, the verdict and the first error line
//! (`file:line:col: message`) must equal protoc's.

mod common;

use std::path::Path;

use protoc_rs::compile;
use protoc_rs::diagnostics::render::protoc_line;

struct Golden {
    exit: i32,
    first_error: String,
}

fn read_golden(path: &Path) -> Golden {
    let text = std::fs::read_to_string(path).unwrap();
    let field = |key: &str| {
        text.lines()
            .find_map(|line| line.strip_prefix(key))
            .unwrap_or_else(|| panic!("{}: no `{key}` line", path.display()))
            .trim()
            .to_owned()
    };
    Golden {
        exit: field("exit:").parse().unwrap(),
        first_error: field("first-error:"),
    }
}

/// Checks a suite against its goldens, each fixture compiled as
/// `protoc-rs compile -I <dir> -I <dir>/../valid` would. (Fixtures that
/// import well-known types live in fixtures/options, which corpus-check
/// compiles with the corpus's copies, so these tests need no installed
/// protobuf.)
fn parity(suite: &str) -> usize {
    let mut mismatches = Vec::new();
    let mut checked_count = 0;
    for kind in ["valid", "invalid"] {
        let dir = common::root().join("fixtures").join(suite).join(kind);
        if !dir.exists() {
            continue;
        }
        let goldens = common::root()
            .join("fixtures/goldens/protoc35")
            .join(suite)
            .join(kind);
        for proto in common::protos(&dir) {
            let stem = proto.file_stem().unwrap().to_string_lossy().into_owned();
            let golden_path = goldens.join(format!("{stem}.txt"));
            assert!(
                golden_path.exists(),
                "{} has no golden; run scripts/regen-goldens.sh {suite}",
                proto.display()
            );
            let golden = read_golden(&golden_path);
            assert_eq!(
                golden.exit == 0,
                kind == "valid",
                "{}: the fixture is in {kind}/ but protoc exits {}",
                proto.display(),
                golden.exit
            );
            let (ours, primary_line) = first_error_of_compile(&dir, &proto);
            let our_exit = if ours.is_empty() { 0 } else { 1 };
            if our_exit != golden.exit || ours != golden.first_error {
                mismatches.push(format!(
                    "{kind}/{stem}.proto\n  protoc: exit {} {}\n  ours:   exit {our_exit} {ours}",
                    golden.exit, golden.first_error
                ));
            } else if let (Some(protoc_line), Some(primary)) =
                (protoc_line_number(&golden.first_error, &stem), primary_line)
            {
                // Our label may sit elsewhere on the line, never on another.
                if protoc_line != primary {
                    mismatches.push(format!(
                        "{kind}/{stem}.proto: primary label on line {primary}, protoc names line {protoc_line}"
                    ));
                }
            }
            checked_count += 1;
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} of {checked_count} fixtures differ from protoc:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
    checked_count
}

/// The line protoc names in `first_error` when it names one in the
/// fixture itself.
fn protoc_line_number(first_error: &str, stem: &str) -> Option<usize> {
    let rest = first_error.strip_prefix(&format!("{stem}.proto:"))?;
    rest.split(':').next()?.parse().ok()
}

/// Our first error line, as protoc prints it when run from the fixture's
/// directory (paths relative to it), and the line of its primary label
/// when that is in the fixture itself.
fn first_error_of_compile(dir: &Path, proto: &Path) -> (String, Option<usize>) {
    let compilation = compile::compile(&compile::Options {
        include_paths: vec![
            dir.display().to_string(),
            dir.join("../valid").display().to_string(),
        ],
        inputs: vec![proto.display().to_string()],
        ..Default::default()
    });
    let prefix = format!("{}/", dir.display());
    let Some(first) = compilation.diagnostics.iter().find(|d| d.is_error()) else {
        return (String::new(), None);
    };
    let file = compilation.sources.get(first.file());
    let primary_line = (Path::new(file.name()) == proto.strip_prefix(dir).unwrap_or(proto))
        .then(|| file.line_col(first.primary.span.start).line as usize + 1);
    (
        protoc_line(&compilation.sources, first).replace(&prefix, ""),
        primary_line,
    )
}

#[test]
fn syntax_fixtures_match_protoc() {
    let count = parity("syntax");
    assert!(count > 100, "only {count} syntax fixtures");
}

#[test]
fn semantics_fixtures_match_protoc() {
    let count = parity("semantics");
    assert!(count > 20, "only {count} semantics fixtures");
}

#[test]
fn descriptor_fixtures_match_protoc_verdicts() {
    parity("descriptors");
}

#[test]
fn validation_fixtures_match_protoc() {
    let count = parity("validation");
    assert!(count > 80, "only {count} validation fixtures");
}
