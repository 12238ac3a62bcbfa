//! The seed's protos/test.proto, copied unchanged to fixtures/ (the codegen
//! suite links to it), compiled by protoc-rs's own build-script helper.

fn main() -> std::io::Result<()> {
    protoc_rs::configure().compile_protos(&["../../fixtures/calculator.proto"], &["../../fixtures"])
}
