//! `protoc-gen-prost-rs`: protoc-rs's Rust generator as a protoc plugin
//! (`--prost-rs_out=DIR`); see `protoc_rs::plugins::prost_rs`.

/// The system allocator; an allocation that fails is a clear error and
/// exit status 1, not an abort (`protoc_rs::cli::alloc`).
#[global_allocator]
static ALLOCATOR: protoc_rs::cli::alloc::FailClearly<std::alloc::System> =
    protoc_rs::cli::alloc::FailClearly::new("protoc-gen-prost-rs", std::alloc::System);

fn main() -> std::process::ExitCode {
    protoc_rs::plugins::prost_rs::main()
}
