//! What the test files share: the built `calculator` binary as a child
//! process, through the library's harness.

#![allow(dead_code)] // each test file uses some of these

use std::path::Path;

#[allow(unused_imports)] // each test file uses some of these
pub use calculator::harness::{OnePerFrame, ServerProcess};

/// `calculator serve --addr 127.0.0.1:0 ARGS` (see
/// [`ServerProcess::start`]); the test fails if it does not start.
pub fn start_server(args: &[&str], rust_log: Option<&str>, fd_limit: Option<u64>) -> ServerProcess {
    ServerProcess::start(
        Path::new(env!("CARGO_BIN_EXE_calculator")),
        args,
        rust_log,
        fd_limit,
    )
    .unwrap_or_else(|error| panic!("{error}"))
}
