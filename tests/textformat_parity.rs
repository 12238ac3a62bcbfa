//! Text format equal to protoc 35's: every case of
//! fixtures/textformat/cases.txt runs through `textformat::encode`,
//! `encode_deterministic`, `decode` or `decode_raw` and must give what
//! protoc gave (fixtures/goldens/textformat/, written by
//! scripts/regen-textformat-goldens.sh): the same stdout bytes, the same
//! stderr lines (rendered as protoc's CLI renders them) and the same exit
//! code. For every encode protoc accepted, decoding protoc's own output
//! must give protoc's `--decode` and `--decode_raw` text too.
//!
//! Types come from the golden descriptor sets, so no protoc is needed.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use prost::Message;
use protoc_rs::pb::FileDescriptorSet;
use protoc_rs::textformat::{self, Pool};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn goldens() -> PathBuf {
    root().join("fixtures/goldens/textformat")
}

/// What protoc's CLI shows for a run.
#[derive(Debug, PartialEq)]
struct Outcome {
    stdout: Vec<u8>,
    stderr: String,
    exit: i32,
}

/// An input's bytes: text as is, `.hex` as hex bytes with `#` comments.
fn read_input(path: &Path) -> Vec<u8> {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    if path.extension().is_none_or(|e| e != "hex") {
        return bytes;
    }
    let text = String::from_utf8(bytes).expect("hex fixtures are text");
    let digits: String = text
        .lines()
        .map(|line| line.split('#').next().unwrap_or(""))
        .flat_map(|line| line.split_whitespace())
        .collect();
    (0..digits.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&digits[i..i + 2], 16).expect("hex digits"))
        .collect()
}

fn missing_required_line(missing: &[String]) -> String {
    if missing.is_empty() {
        String::new()
    } else {
        format!(
            "warning:  Input message is missing required fields:  {}\n",
            missing.join(", ")
        )
    }
}

fn failed(stderr: String) -> Outcome {
    Outcome {
        stdout: Vec::new(),
        stderr: stderr + "Failed to parse input.\n",
        exit: 1,
    }
}

/// Runs one case the way `protoc --encode/--decode/--decode_raw` would.
fn run(mode: &str, pool: Option<&Pool>, type_name: &str, input: &[u8]) -> Outcome {
    match mode {
        "decode_raw" | "redecode_raw" => match textformat::decode_raw(input) {
            Ok(text) => Outcome {
                stdout: text.into_bytes(),
                stderr: String::new(),
                exit: 0,
            },
            Err(_) => failed(String::new()),
        },
        "decode" | "redecode" => {
            let pool = pool.expect("decode needs a schema");
            match textformat::decode(pool, type_name, input) {
                Ok(decoded) => Outcome {
                    stdout: decoded.text.into_bytes(),
                    stderr: missing_required_line(&decoded.missing_required),
                    exit: 0,
                },
                Err(_) => failed(String::new()),
            }
        }
        _ => {
            let pool = pool.expect("encode needs a schema");
            let result = if mode == "encode_deterministic" {
                textformat::encode_deterministic(pool, type_name, input)
            } else {
                textformat::encode(pool, type_name, input)
            };
            match result {
                Ok(encoded) => {
                    let mut stderr = String::new();
                    for warning in &encoded.warnings {
                        stderr += &warning.protoc_line("input");
                        stderr.push('\n');
                    }
                    stderr += &missing_required_line(&encoded.missing_required);
                    Outcome {
                        stdout: encoded.bytes,
                        stderr,
                        exit: 0,
                    }
                }
                Err(errors) => {
                    let mut stderr = String::new();
                    for error in &errors {
                        stderr += &error.protoc_line("input");
                        stderr.push('\n');
                    }
                    failed(stderr)
                }
            }
        }
    }
}

/// protoc's recorded outcome. Its stderr is compared as UTF-8 with
/// replacement characters, as our messages are strings.
fn golden(name: &str) -> Outcome {
    let dir = goldens();
    let stdout = std::fs::read(dir.join(format!("{name}.out")))
        .unwrap_or_else(|e| panic!("{name}: no golden stdout ({e})"));
    let status = std::fs::read(dir.join(format!("{name}.status")))
        .unwrap_or_else(|e| panic!("{name}: no golden status ({e})"));
    let status = String::from_utf8_lossy(&status);
    let mut lines = status.split_inclusive('\n');
    lines.next(); // the header comment
    let exit = lines
        .next()
        .and_then(|line| line.trim().strip_prefix("exit: "))
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("{name}: malformed status"));
    Outcome {
        stdout,
        stderr: lines.collect(),
        exit,
    }
}

fn schema_pool(schema: &str) -> Pool {
    let name = Path::new(schema.trim_start_matches("corpus:"))
        .file_stem()
        .expect("schema file name")
        .to_string_lossy()
        .into_owned();
    let bytes = std::fs::read(goldens().join(format!("{name}.pb")))
        .unwrap_or_else(|e| panic!("{schema}: no golden descriptor set ({e})"));
    let set = FileDescriptorSet::decode(bytes.as_slice()).expect("golden descriptor set");
    Pool::new(&set.file)
}

fn describe(name: &str, expected: &Outcome, actual: &Outcome) -> String {
    let show = |o: &Outcome| {
        format!(
            "exit {}\n--- stdout\n{}\n--- stderr\n{}",
            o.exit,
            String::from_utf8_lossy(&o.stdout),
            o.stderr
        )
    };
    format!(
        "== {name}\n-- protoc:\n{}\n-- ours:\n{}",
        show(expected),
        show(actual)
    )
}

#[test]
fn every_case_matches_protoc() {
    let manifest = std::fs::read_to_string(root().join("fixtures/textformat/cases.txt"))
        .expect("fixtures/textformat/cases.txt");
    let mut pools: HashMap<String, Pool> = HashMap::new();
    let mut failures = Vec::new();
    let mut compared = 0;
    let mut check = |name: String, expected: Outcome, actual: Outcome| {
        compared += 1;
        if expected != actual {
            failures.push(describe(&name, &expected, &actual));
        }
    };
    for line in manifest.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let columns: Vec<&str> = line.split_whitespace().collect();
        let [mode, schema, type_name, input] = columns[..] else {
            panic!("malformed case: {line}");
        };
        if schema != "-" && !pools.contains_key(schema) {
            pools.insert(schema.to_string(), schema_pool(schema));
        }
        let pool = pools.get(schema);
        let input_path = root().join("fixtures/textformat").join(input);
        let stem = input_path
            .file_stem()
            .expect("input file name")
            .to_string_lossy()
            .into_owned();
        let name = format!("{stem}.{mode}");
        let expected = golden(&name);
        let actual = run(mode, pool, type_name, &read_input(&input_path));
        let accepted_encode = mode == "encode" && expected.exit == 0;
        let encoded = expected.stdout.clone();
        check(name, expected, actual);
        if accepted_encode {
            for mode in ["redecode", "redecode_raw"] {
                let name = format!("{stem}.{mode}");
                check(
                    name.clone(),
                    golden(&name),
                    run(mode, pool, type_name, &encoded),
                );
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {compared} cases differ from protoc:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(compared > 200, "only {compared} cases ran");
}
