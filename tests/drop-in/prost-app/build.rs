use std::env;
use std::io::Result;
use std::path::PathBuf;

fn main() -> Result<()> {
    let out_dir = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR"));

    let mut config = prost_build::Config::new();
    config
        .btree_map([
            ".acme.inventory.v1.Item.attributes",
            ".acme.inventory.v1.StockUpdate",
        ])
        .bytes(["."])
        .extern_path(".acme.common.Money", "crate::money::Money")
        .file_descriptor_set_path(out_dir.join("inventory_descriptor.bin"))
        .include_file("_includes.rs")
        .enable_type_names()
        .compile_protos(
            &[
                "protos/acme/inventory/v1/item.proto",
                "protos/acme/legacy/record.proto",
            ],
            &["protos"],
        )?;
    Ok(())
}
