/// mimalloc: the front end and the code generator allocate many small
/// short-lived values (tokens, names, token trees), where it is markedly
/// faster than the system allocator. An allocation that fails is a clear
/// error and exit status 1, not an abort (`protoc_rs::cli::alloc`).
#[global_allocator]
static ALLOCATOR: protoc_rs::cli::alloc::FailClearly<mimalloc::MiMalloc> =
    protoc_rs::cli::alloc::FailClearly::new("protoc-rs", mimalloc::MiMalloc);

fn main() -> std::process::ExitCode {
    protoc_rs::cli::main()
}
