//! The `protoc-rs` binary's command lines:
//!
//! - `protoc-rs compile [OPTIONS] FILES...` ([`compile`]): protoc-rs's own,
//!   with rustc-style diagnostics and Rust output;
//! - anything else, or the binary run under the name `protoc` ([`protoc`]):
//!   protoc 35's own command line, flag for flag, so that `PROTOC=protoc-rs`
//!   and Makefiles work unchanged.

pub mod alloc;
pub mod compile;
pub mod protoc;

use std::ffi::OsString;
use std::path::Path;
use std::process::ExitCode;

pub use compile::CompileArgs;

/// The binary's entry point.
pub fn main() -> ExitCode {
    let args: Vec<OsString> = std::env::args_os().collect();
    let invoked_as_protoc = args
        .first()
        .and_then(|program| Path::new(program).file_stem())
        .is_some_and(|stem| stem == "protoc");
    if !invoked_as_protoc && args.get(1).is_some_and(|first| first == "compile") {
        compile::main(args)
    } else {
        protoc::main(args)
    }
}
