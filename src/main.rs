/// mimalloc: the front end and the code generator allocate many small
/// short-lived values (tokens, names, token trees), where it is markedly
/// faster than the system allocator. An allocation that fails is a clear
/// error and exit status 1, not an abort (`protoc_rs::cli::alloc`).
#[global_allocator]
static ALLOCATOR: protoc_rs::cli::alloc::FailClearly<mimalloc::MiMalloc> =
    protoc_rs::cli::alloc::FailClearly::new("protoc-rs", mimalloc::MiMalloc);

fn main() -> std::process::ExitCode {
    purge_freed_memory_promptly();
    protoc_rs::cli::main()
}

/// mimalloc (version 3, as libmimalloc-sys builds it) gives freed memory
/// back to the system a second after it is freed, by default. A run frees its syntax trees and descriptors while it goes
/// on allocating (the generated code, the encoded set), and with the delay
/// both are resident at once: on a 10 MiB file, 10 MiB of a descriptor
/// set's peak and 25 to 30 MiB of `--rust-out`'s. At 1 ms the peak
/// falls and the time does not move (BENCHMARKS.md); at 0, every purge is
/// immediate and a run of 3,000 googleapis files is about a tenth slower. A
/// `MIMALLOC_PURGE_DELAY` in the environment still wins.
fn purge_freed_memory_promptly() {
    // `mi_option_purge_delay` in mimalloc.h's `mi_option_e` (the same in
    // its versions 2 and 3).
    const MI_OPTION_PURGE_DELAY: std::ffi::c_int = 15;
    extern "C" {
        fn mi_option_set(option: std::ffi::c_int, value: std::ffi::c_long);
    }
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        // SAFETY: mimalloc's options may be set at any time, from any
        // thread; the value is a number of milliseconds.
        unsafe { mi_option_set(MI_OPTION_PURGE_DELAY, 1) };
    }
}
