//! Developer tasks. `cargo run -p xtask -- gen-descriptor-types FDS OUT`
//! turns a FileDescriptorSet of google/protobuf/descriptor.proto (written by
//! protoc 35, see scripts/regen-descriptor-types.sh) into the prost types in
//! src/pb/generated/. prost-types lags behind descriptor.proto
//! (no `edition`, no `features`), so protoc-rs generates its own, the same
//! way prost-types does.

use std::path::Path;

use prost::Message;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("gen-descriptor-types") if args.len() == 4 => {
            gen_descriptor_types(Path::new(&args[2]), Path::new(&args[3]))
        }
        _ => {
            eprintln!("usage: xtask gen-descriptor-types FILE_DESCRIPTOR_SET OUT_DIR");
            std::process::exit(2);
        }
    }
}

fn gen_descriptor_types(fds_path: &Path, out_dir: &Path) {
    let bytes = std::fs::read(fds_path).expect("read the descriptor set");
    let fds = prost_types::FileDescriptorSet::decode(bytes.as_slice()).expect("decode");
    std::fs::create_dir_all(out_dir).expect("create the output directory");
    prost_build::Config::new()
        .out_dir(out_dir)
        // By default prost-build maps google.protobuf to prost-types.
        .compile_well_known_types()
        // Mechanical code only: no copy of descriptor.proto's comments.
        .disable_comments(["."])
        .compile_fds(fds)
        .expect("generate");
}
