//! `protoc-gen-prost-rs`: protoc-rs's Rust generator as a protoc plugin
//! (`--prost-rs_out=DIR`); see `protoc_rs::plugins::prost_rs`.

fn main() -> std::process::ExitCode {
    protoc_rs::plugins::prost_rs::main()
}
