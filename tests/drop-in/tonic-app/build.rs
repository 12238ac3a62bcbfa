use std::env;
use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out_dir = PathBuf::from(env::var("OUT_DIR")?);

    tonic_prost_build::configure()
        .build_server(true)
        .build_client(true)
        .type_attribute(".shop.common.v1.Money", "#[derive(PartialOrd)]")
        .field_attribute(".shop.v1.Product.description", "#[doc(alias = \"body\")]")
        .boxed(".shop.v1.PlaceOrderRequest.order")
        .file_descriptor_set_path(out_dir.join("shop_descriptor.bin"))
        .protoc_arg("--experimental_allow_proto3_optional")
        .compile_protos(
            &[
                "protos/shop/v1/catalog.proto",
                "protos/shop/v1/orders.proto",
            ],
            &["protos"],
        )?;

    tonic_prost_build::compile_protos("protos/health/health.proto")?;
    Ok(())
}
