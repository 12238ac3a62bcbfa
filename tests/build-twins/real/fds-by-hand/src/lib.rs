//! Code generated from a FileDescriptorSet that build.rs made by hand.

pub mod workshop {
    pub mod v1 {
        include!(concat!(env!("OUT_DIR"), "/workshop.v1.rs"));
    }
}

#[cfg(test)]
mod tests {
    use super::workshop::v1::toolbox_server::{Toolbox, ToolboxServer};
    use super::workshop::v1::{tool, LendRequest, Part, Tool};
    use prost::Message;
    use tonic::{Request, Response, Status};

    fn drill() -> Tool {
        Tool {
            name: "drill".into(),
            weight_grams: 1800,
            kind: tool::Kind::Power as i32,
            attributes: [("chuck".to_string(), "13 mm".to_string())].into(),
            serial: vec![7, 7, 7],
            parts: vec![Part {
                name: "battery".into(),
                subparts: vec![Part {
                    name: "cell".into(),
                    subparts: vec![],
                }],
            }],
            power: Some(tool::Power::BatteryVolts(18)),
        }
    }

    #[test]
    fn messages_round_trip() {
        let decoded = Tool::decode(drill().encode_to_vec().as_slice()).unwrap();
        assert_eq!(decoded, drill());
        assert_eq!(decoded.kind(), tool::Kind::Power);
        assert_eq!(
            tool::Kind::from_str_name("KIND_HAND"),
            Some(tool::Kind::Hand)
        );
        let corded = Tool {
            power: Some(tool::Power::CordMeters(2.5)),
            ..drill()
        };
        assert_ne!(corded.encode_to_vec(), drill().encode_to_vec());
    }

    struct Shed;

    #[tonic::async_trait]
    impl Toolbox for Shed {
        async fn lend(&self, request: Request<LendRequest>) -> Result<Response<Tool>, Status> {
            let name = request.into_inner().tool_name;
            Ok(Response::new(Tool { name, ..drill() }))
        }

        type InventoryStream = tokio_stream_free::Once;

        async fn inventory(
            &self,
            _request: Request<LendRequest>,
        ) -> Result<Response<Self::InventoryStream>, Status> {
            Ok(Response::new(tokio_stream_free::Once(Some(Ok(drill())))))
        }
    }

    /// A one-item stream, without a stream crate.
    mod tokio_stream_free {
        use std::pin::Pin;
        use std::task::{Context, Poll};

        pub struct Once(pub Option<Result<super::Tool, tonic::Status>>);

        impl tonic::codegen::tokio_stream::Stream for Once {
            type Item = Result<super::Tool, tonic::Status>;
            fn poll_next(
                mut self: Pin<&mut Self>,
                _: &mut Context<'_>,
            ) -> Poll<Option<Self::Item>> {
                Poll::Ready(self.0.take())
            }
        }
    }

    #[test]
    fn the_service_is_generated() {
        let server = ToolboxServer::new(Shed);
        let _ = server.max_decoding_message_size(1 << 20);
        assert_eq!(
            <ToolboxServer<Shed> as tonic::server::NamedService>::NAME,
            "workshop.v1.Toolbox"
        );
    }
}
