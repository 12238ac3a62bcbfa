// The usual setup for gRPC reflection: one include file for all the
// packages, and the descriptor set the reflection service serves.
use std::path::PathBuf;

fn main() -> std::io::Result<()> {
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    tonic_prost_build::configure()
        .include_file("_includes.rs")
        .file_descriptor_set_path(out_dir.join("echo_descriptor.bin"))
        .compile_protos(
            &[
                "protos/echo/v1/echo.proto",
                "protos/echo/admin/v1/admin.proto",
            ],
            &["protos"],
        )
}
