//! The seed's protos/test.proto (copied unchanged into fixtures/codegen),
//! compiled by protoc-rs's own build-script helper.

fn main() -> std::io::Result<()> {
    protoc_rs::configure().compile_protos(
        &["../../fixtures/codegen/calculator.proto"],
        &["../../fixtures/codegen"],
    )
}
