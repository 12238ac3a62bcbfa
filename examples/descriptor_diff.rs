//! Compares two descriptor sets file by file, decoded (custom options kept
//! as wire bytes), leaving out `google/protobuf/` files as the issues do.
//! Exits 1 when they differ. Used by scripts/corpus-check.sh.
//!
//! cargo run --release --example descriptor_diff -- EXPECTED.pb ACTUAL.pb
//! cargo run --release --example descriptor_diff -- --digest SET.pb
//!
//! `--builtin-source-info-aside EXPECTED.pb ACTUAL.pb` compares every file,
//! `google/protobuf/` ones included, except the SourceCodeInfo of the files
//! protoc-rs has built in (which carry none): how the drop-in check
//! compares the descriptor sets prost-build writes.
//!
//! `--digest` prints an FNV-1a digest of the set's non-`google/protobuf`
//! files, decoded and re-encoded, so that a committed digest of protoc's
//! output stands for a descriptor set too large to commit; `--digest-all`
//! digests every file (for protobuf's own test protos, which all live under
//! `google/protobuf/`).

use prost::Message;
use protoc_rs::pb::FileDescriptorSet;

fn read(path: &str) -> FileDescriptorSet {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    FileDescriptorSet::decode(bytes.as_slice()).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// FNV-1a, 64 bits: stable across platforms and toolchains.
fn fnv1a(bytes: &[u8], mut hash: u64) -> u64 {
    for &b in bytes {
        hash ^= b as u64;
        hash = hash.wrapping_mul(0x100_0000_01b3);
    }
    hash
}

fn digest(set: &FileDescriptorSet, well_known_too: bool) -> String {
    let mut hash = 0xcbf2_9ce4_8422_2325;
    let mut files = 0;
    for file in &set.file {
        if !well_known_too && file.name().starts_with("google/protobuf/") {
            continue;
        }
        hash = fnv1a(&file.encode_to_vec(), hash);
        files += 1;
    }
    format!("{files} files {hash:016x}")
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let [_, flag, path] = args.as_slice() {
        if flag == "--digest" || flag == "--digest-all" {
            println!("{}", digest(&read(path), flag == "--digest-all"));
            return;
        }
    }
    let (builtin_aside, paths) = match args.get(1).map(String::as_str) {
        Some("--builtin-source-info-aside") => (true, &args[2..]),
        _ => (false, &args[1..]),
    };
    let [expected, actual] = paths else {
        eprintln!("usage: descriptor_diff [--builtin-source-info-aside] EXPECTED.pb ACTUAL.pb");
        std::process::exit(2);
    };
    let (mut expected, mut actual) = (read(expected), read(actual));
    if builtin_aside {
        for file in expected.file.iter_mut().chain(actual.file.iter_mut()) {
            if protoc_rs::builtin::file(file.name()).is_some() {
                file.source_code_info = None;
            }
        }
    }
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
        if !builtin_aside && file.name().starts_with("google/protobuf/") {
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
