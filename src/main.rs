fn main() -> std::process::ExitCode {
    protoc_rs::cli::main()
}
