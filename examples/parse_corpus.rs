//! Measures the syntax stage alone (lexing, parsing, building the tree) over
//! a list of files, excluding file reading: the figure the README quotes.
//!
//! cargo run --release --example parse_corpus -- ../shared/corpus/googleapis \
//!     ../shared/corpus/googleapis-files.txt

use std::time::Instant;

use protoc_rs::source::FileId;
use protoc_rs::syntax;
use rayon::prelude::*;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, root, list] = args.as_slice() else {
        eprintln!("usage: parse_corpus ROOT FILE_LIST");
        std::process::exit(2);
    };
    let names = std::fs::read_to_string(list).expect("file list");
    let files: Vec<Vec<u8>> = names
        .lines()
        .filter(|l| !l.is_empty())
        .map(|name| std::fs::read(format!("{root}/{name}")).expect("read"))
        .collect();
    let bytes: usize = files.iter().map(Vec::len).sum();
    let mb = bytes as f64 / 1e6;
    println!("{} files, {:.1} MB", files.len(), mb);

    for round in 0..3 {
        let start = Instant::now();
        let mut tokens = 0usize;
        for (i, file) in files.iter().enumerate() {
            let lexed = syntax::lexer::lex(FileId(i as u32), file);
            tokens += lexed.tokens.len();
        }
        let lex = start.elapsed().as_secs_f64();

        let start = Instant::now();
        let errors: usize = files
            .iter()
            .enumerate()
            .map(|(i, f)| syntax::parse(FileId(i as u32), f).diagnostics.len())
            .sum();
        let serial = start.elapsed().as_secs_f64();

        let start = Instant::now();
        let parallel_errors: usize = files
            .par_iter()
            .enumerate()
            .map(|(i, f)| syntax::parse(FileId(i as u32), f).diagnostics.len())
            .sum();
        let parallel = start.elapsed().as_secs_f64();
        assert_eq!(errors, parallel_errors);

        println!(
            "round {round}: lex {lex:.3} s ({:.0} MB/s, {tokens} tokens); \
             lex+parse {serial:.3} s ({:.0} MB/s); \
             parallel lex+parse {parallel:.3} s ({:.0} MB/s); {errors} diagnostics",
            mb / lex,
            mb / serial,
            mb / parallel
        );
    }
}
