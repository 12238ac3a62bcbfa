//! Throughput of the front end's stages on fixed inputs: every accepted
//! fixture of the repository, concatenated per stage, in MB/s.
//!
//! cargo bench --bench front_end

use std::path::{Path, PathBuf};

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use protoc_rs::compile::{self, Options};
use protoc_rs::source::FileId;
use protoc_rs::syntax;

/// The accepted fixtures (those whose directory is named `valid`, and the
/// codegen fixtures), as (include directory, file) pairs.
fn fixtures() -> Vec<(PathBuf, PathBuf)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut out = Vec::new();
    for suite in ["syntax", "semantics", "validation", "descriptors"] {
        let dir = root.join(suite).join("valid");
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "proto") {
                out.push((dir.clone(), path));
            }
        }
    }
    out.sort();
    out
}

fn stages(c: &mut Criterion) {
    let files = fixtures();
    let sources: Vec<Vec<u8>> = files
        .iter()
        .map(|(_, f)| std::fs::read(f).unwrap())
        .collect();
    let bytes: u64 = sources.iter().map(|s| s.len() as u64).sum();

    let mut group = c.benchmark_group("front_end");
    group.throughput(Throughput::Bytes(bytes));
    group.bench_function("lex", |b| {
        b.iter(|| {
            for (i, src) in sources.iter().enumerate() {
                std::hint::black_box(syntax::lexer::lex(FileId(i as u32), src));
            }
        })
    });
    group.bench_function("lex_and_parse", |b| {
        b.iter(|| {
            for (i, src) in sources.iter().enumerate() {
                std::hint::black_box(syntax::parse(FileId(i as u32), src));
            }
        })
    });
    // The whole front end per file: imports, resolution, validation and
    // options, as `protoc-rs compile` runs it (file reads included).
    group.bench_function("resolve_and_check", |b| {
        b.iter(|| {
            for (dir, file) in &files {
                let compilation = compile::compile(&Options {
                    include_paths: vec![dir.display().to_string()],
                    inputs: vec![file.display().to_string()],
                    ..Default::default()
                });
                std::hint::black_box(compilation.diagnostics.len());
            }
        })
    });
    group.finish();
}

criterion_group!(benches, stages);
criterion_main!(benches);
