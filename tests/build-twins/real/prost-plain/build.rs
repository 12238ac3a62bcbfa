// The one-line build script of a prost user: default Config, files in
// OUT_DIR.
fn main() -> std::io::Result<()> {
    prost_build::compile_protos(
        &[
            "protos/garden/v1/plants.proto",
            "protos/garden/legacy/seeds.proto",
        ],
        &["protos"],
    )
}
