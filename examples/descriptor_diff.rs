//! Compares two descriptor sets file by file, decoded (custom options kept
//! as wire bytes), leaving out `google/protobuf/` files as the issues do.
//! Exits 1 when they differ. Used by scripts/corpus-check.sh.
//!
//! cargo run --release --example descriptor_diff -- EXPECTED.pb ACTUAL.pb

use prost::Message;
use protoc_rs::pb::FileDescriptorSet;

fn read(path: &str) -> FileDescriptorSet {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    FileDescriptorSet::decode(bytes.as_slice()).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, expected, actual] = args.as_slice() else {
        eprintln!("usage: descriptor_diff EXPECTED.pb ACTUAL.pb");
        std::process::exit(2);
    };
    let (expected, actual) = (read(expected), read(actual));
    let names = |set: &FileDescriptorSet| -> Vec<String> {
        set.file.iter().map(|f| f.name().to_owned()).collect()
    };
    let mut failures = 0;
    if names(&expected) != names(&actual) {
        eprintln!("the files differ in names or order");
        failures += 1;
    }
    let mut compared = 0;
    for file in &expected.file {
        if file.name().starts_with("google/protobuf/") {
            continue;
        }
        compared += 1;
        match actual.file.iter().find(|f| f.name() == file.name()) {
            Some(ours) if ours == file => {}
            Some(_) => {
                eprintln!("differs: {}", file.name());
                failures += 1;
            }
            None => {
                eprintln!("missing: {}", file.name());
                failures += 1;
            }
        }
    }
    println!("{compared} files compared, {failures} differences");
    if failures > 0 {
        std::process::exit(1);
    }
}
