//! A tonic crate whose build.rs sets most builder options; the tests serve
//! the generated service on 127.0.0.1 and call it with the generated client.

/// The types `extern_path` maps `.library.common` to.
pub mod common {
    #[derive(Clone, PartialEq, Eq, Hash, ::prost::Message)]
    pub struct BookId {
        #[prost(string, tag = "1")]
        pub isbn: ::prost::alloc::string::String,
    }
}

pub mod library {
    pub mod v1 {
        include!(concat!(env!("OUT_DIR"), "/library.v1.rs"));

        /// skip_debug leaves Debug to the crate.
        impl std::fmt::Debug for Secret {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("Secret(..)")
            }
        }
    }
}

/// The descriptor set build.rs asked for.
pub const DESCRIPTOR_SET: &[u8] =
    include_bytes!(concat!(env!("OUT_DIR"), "/library_descriptor.bin"));

#[cfg(test)]
mod tests {
    use super::common::BookId;
    use super::library::v1::shelf_client::ShelfClient;
    use super::library::v1::shelf_server::{Shelf, ShelfServer};
    use super::library::v1::{Book, FindRequest, Genre, Loan, Secret};
    use std::sync::Arc;
    use tonic::{Request, Response, Status};

    struct Library;

    // Only two methods: generate_default_stubs gives the others.
    #[tonic::async_trait]
    impl Shelf for Library {
        async fn lend(self: Arc<Self>, request: Request<BookId>) -> Result<Response<Loan>, Status> {
            let id = request.into_inner();
            Ok(Response::new(Loan {
                book: Some(Box::new(Book {
                    id: Some(id),
                    title: "Odes".into(),
                    genre: Genre::Poetry as i32,
                    tags: [("shelf".to_string(), "B2".to_string())].into(),
                    cover: prost::bytes::Bytes::from_static(b"\x89PNG"),
                    year: Some(1819),
                    authors: vec!["J. K.".into()],
                })),
                member: "m-1".into(),
                due: None,
            }))
        }

        async fn whisper(
            self: Arc<Self>,
            request: Request<Secret>,
        ) -> Result<Response<Secret>, Status> {
            let code = request.into_inner().code.chars().rev().collect();
            Ok(Response::new(Secret { code }))
        }
    }

    #[tokio::test]
    async fn serve_and_call() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let server = tokio::spawn(
            tonic::transport::Server::builder()
                .add_service(ShelfServer::new(Library))
                .serve_with_incoming(tokio_stream::wrappers::TcpListenerStream::new(listener)),
        );

        let mut client = ShelfClient::connect(format!("http://{address}"))
            .await
            .unwrap();
        let loan = client
            .lend(BookId {
                isbn: "978-0".into(),
            })
            .await
            .unwrap()
            .into_inner();
        let book = loan.book.expect("a book");
        assert_eq!(book.title, "Odes");
        assert_eq!(book.genre(), Genre::Poetry);
        assert_eq!(book.tags.get("shelf").map(String::as_str), Some("B2"));
        assert_eq!(&book.cover[..], b"\x89PNG");

        let secret = client.whisper(Secret { code: "abc".into() }).await.unwrap();
        assert_eq!(secret.into_inner().code, "cba");

        // with_extended_rust_types: a plain bool in, () out; a default stub.
        let status = client.set_open(true).await.unwrap_err();
        assert_eq!(status.code(), tonic::Code::Unimplemented);
        let status = client
            .find(FindRequest {
                title_prefix: "O".into(),
            })
            .await
            .unwrap_err();
        assert_eq!(status.code(), tonic::Code::Unimplemented);

        assert!(
            FindRequest {
                title_prefix: "a".into()
            } < FindRequest {
                title_prefix: "b".into()
            }
        );
        assert_eq!(format!("{:?}", Secret { code: "x".into() }), "Secret(..)");
        server.abort();
    }

    #[test]
    fn descriptor_set_lists_the_service() {
        use prost::Message;
        let set = prost_types::FileDescriptorSet::decode(super::DESCRIPTOR_SET).unwrap();
        let books = set
            .file
            .iter()
            .find(|f| f.name() == "library/v1/books.proto")
            .expect("books.proto in the set");
        assert_eq!(books.service[0].name(), "Shelf");
        assert_eq!(books.service[0].method.len(), 6);
    }
}
