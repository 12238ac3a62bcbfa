/// mimalloc: the front end and the code generator allocate many small
/// short-lived values (tokens, names, token trees), where it is markedly
/// faster than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    protoc_rs::cli::main()
}
