//! A small gRPC service crate whose code comes from `build.rs`, as in any
//! tonic project.

pub mod shop {
    pub mod common {
        pub mod v1 {
            tonic::include_proto!("shop.common.v1");
        }
    }
    pub mod v1 {
        tonic::include_proto!("shop.v1");
    }
}

pub mod ops {
    pub mod health {
        pub mod v1 {
            tonic::include_proto!("ops.health.v1");
        }
    }
}

/// The descriptor set `build.rs` asked for, as a reflection service would
/// serve it.
pub const SHOP_DESCRIPTOR_SET: &[u8] =
    include_bytes!(concat!(env!("OUT_DIR"), "/shop_descriptor.bin"));

#[cfg(test)]
mod tests {
    use super::ops::health::v1::{check_response::ServingStatus, CheckResponse};
    use super::shop::common::v1::Money;
    use super::shop::v1::{
        catalog_service_server::{CatalogService, CatalogServiceServer},
        order, product, Category, GetProductRequest, ListProductsRequest, Order, PriceChange,
        Product, UploadProductsResponse, WatchPricesRequest,
    };
    use prost::Message;
    use std::collections::HashSet;
    use std::pin::Pin;
    use tonic::{Request, Response, Status, Streaming};

    fn euros(units: i64, nanos: i32) -> Money {
        Money {
            currency_code: "EUR".into(),
            units,
            nanos,
        }
    }

    fn sample_product() -> Product {
        Product {
            id: "prod-4711".into(),
            title: "Oak cutting board".into(),
            description: "Made of **oak**.".into(),
            category: Category::Kitchen as i32,
            fulfillment: product::Fulfillment::Warehouse as i32,
            price: Some(euros(24, 500_000_000)),
            variants: vec![product::Variant {
                sku: "oak-l".into(),
                label: "large".into(),
                price_override: Some(euros(29, 0)),
                stock: 12,
            }],
            labels: [("material".to_string(), "oak".to_string())].into(),
            stock_by_warehouse: [(1, 5), (7, 40)].into(),
            image_urls: vec!["https://img.example/4711.png".into()],
            return_window: Some(prost_types::Duration {
                seconds: 30 * 86_400,
                nanos: 0,
            }),
            created_at: Some(prost_types::Timestamp {
                seconds: 1_700_000_000,
                nanos: 0,
            }),
            weight_grams: Some(850),
            rating: Some(4.5),
            purchase_limit: Some(product::PurchaseLimit::MaxPerOrder(3)),
            ..Default::default()
        }
    }

    #[test]
    fn product_round_trips() {
        let product = sample_product();
        let bytes = product.encode_to_vec();
        let back = Product::decode(bytes.as_slice()).unwrap();
        assert_eq!(back, product);
        assert_eq!(back.weight_grams, Some(850));
        assert_eq!(back.category(), Category::Kitchen);
        assert_eq!(Category::Garden.as_str_name(), "CATEGORY_GARDEN");
    }

    #[test]
    fn order_round_trips_with_well_known_types() {
        let mut fields = std::collections::BTreeMap::new();
        fields.insert(
            "channel".to_string(),
            prost_types::Value {
                kind: Some(prost_types::value::Kind::StringValue("app".into())),
            },
        );
        let order = Order {
            id: "ord-1".into(),
            state: order::State::Paid as i32,
            lines: vec![order::Line {
                product_id: "prod-4711".into(),
                sku: Some("oak-l".into()),
                quantity: 2,
                unit_price: Some(euros(29, 0)),
            }],
            client_metadata: Some(prost_types::Struct { fields }),
            gift_wrap: Some(true),
            loyalty_points: Some(120),
            payment: Some(order::Payment::OtherPayment(prost_types::Any {
                type_url: "type.googleapis.com/shop.v1.CardPayment".into(),
                value: vec![1, 2, 3],
            })),
            checksum: vec![0xde, 0xad],
            tax_rate: 0.19,
            ..Default::default()
        };
        let back = Order::decode(order.encode_to_vec().as_slice()).unwrap();
        assert_eq!(back, order);

        let health = CheckResponse {
            status: ServingStatus::Serving as i32,
            checked_at: None,
        };
        let back = CheckResponse::decode(health.encode_to_vec().as_slice()).unwrap();
        assert_eq!(back.status(), ServingStatus::Serving);
    }

    #[test]
    fn type_attribute_applied() {
        // PartialOrd comes from build.rs's type_attribute; Eq and Hash are
        // prost's own.
        assert!(euros(1, 0) < euros(1, 500_000_000));
        let set: HashSet<Money> = [euros(1, 0), euros(1, 0)].into();
        assert_eq!(set.len(), 1);
    }

    #[test]
    fn descriptor_set_lists_the_files() {
        let set = prost_types::FileDescriptorSet::decode(super::SHOP_DESCRIPTOR_SET).unwrap();
        let names: Vec<_> = set.file.iter().map(|f| f.name()).collect();
        for wanted in [
            "google/protobuf/timestamp.proto",
            "shop/common/v1/money.proto",
            "shop/v1/catalog.proto",
            "shop/v1/orders.proto",
        ] {
            assert!(names.contains(&wanted), "{wanted} missing from {names:?}");
        }
        let catalog = set
            .file
            .iter()
            .find(|f| f.name() == "shop/v1/catalog.proto")
            .unwrap();
        assert!(catalog.source_code_info.is_some());
    }

    struct Catalog;

    type BoxStream<T> =
        Pin<Box<dyn tonic::codegen::tokio_stream::Stream<Item = Result<T, Status>> + Send>>;

    #[tonic::async_trait]
    impl CatalogService for Catalog {
        async fn get_product(
            &self,
            request: Request<GetProductRequest>,
        ) -> Result<Response<Product>, Status> {
            let mut product = sample_product();
            product.id = request.into_inner().id;
            Ok(Response::new(product))
        }

        type ListProductsStream = BoxStream<Product>;

        async fn list_products(
            &self,
            _request: Request<ListProductsRequest>,
        ) -> Result<Response<Self::ListProductsStream>, Status> {
            Err(Status::unimplemented("not in this test"))
        }

        async fn upload_products(
            &self,
            _request: Request<Streaming<Product>>,
        ) -> Result<Response<UploadProductsResponse>, Status> {
            Err(Status::unimplemented("not in this test"))
        }

        type WatchPricesStream = BoxStream<PriceChange>;

        async fn watch_prices(
            &self,
            _request: Request<Streaming<WatchPricesRequest>>,
        ) -> Result<Response<Self::WatchPricesStream>, Status> {
            Err(Status::unimplemented("not in this test"))
        }

        async fn purge_catalog(&self, _request: Request<()>) -> Result<Response<()>, Status> {
            Ok(Response::new(()))
        }
    }

    #[test]
    fn server_wraps_the_service() {
        let _server = CatalogServiceServer::new(Catalog);
    }
}
