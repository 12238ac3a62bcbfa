//! Starts the server on 127.0.0.1 with the reflection service, in-process,
//! and asks it what it serves, as grpcurl would.

use prost::Message;
use reflection::echo::admin::v1::admin_server::AdminServer;
use reflection::echo::v1::echo_client::EchoClient;
use reflection::echo::v1::echo_server::EchoServer;
use reflection::echo::v1::SayRequest;
use reflection::{Administrator, Echoer, FILE_DESCRIPTOR_SET};
use tonic_reflection::pb::v1::server_reflection_client::ServerReflectionClient;
use tonic_reflection::pb::v1::server_reflection_request::MessageRequest;
use tonic_reflection::pb::v1::server_reflection_response::MessageResponse;
use tonic_reflection::pb::v1::ServerReflectionRequest;

#[tokio::test]
async fn reflection_lists_the_services() {
    let reflection = tonic_reflection::server::Builder::configure()
        .register_encoded_file_descriptor_set(FILE_DESCRIPTOR_SET)
        .build_v1()
        .expect("the descriptor set build.rs wrote is one reflection accepts");

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let server = tokio::spawn(
        tonic::transport::Server::builder()
            .add_service(reflection)
            .add_service(EchoServer::new(Echoer::default()))
            .add_service(AdminServer::new(Administrator))
            .serve_with_incoming(tokio_stream::wrappers::TcpListenerStream::new(listener)),
    );
    let channel = tonic::transport::Endpoint::from_shared(format!("http://{address}"))
        .unwrap()
        .connect()
        .await
        .unwrap();

    let requests = vec![
        ServerReflectionRequest {
            host: String::new(),
            message_request: Some(MessageRequest::ListServices(String::new())),
        },
        ServerReflectionRequest {
            host: String::new(),
            message_request: Some(MessageRequest::FileContainingSymbol(
                "echo.v1.Echo".to_string(),
            )),
        },
    ];
    let mut responses = ServerReflectionClient::new(channel.clone())
        .server_reflection_info(tokio_stream::iter(requests))
        .await
        .unwrap()
        .into_inner();

    let listed = responses
        .message()
        .await
        .unwrap()
        .expect("a ListServices answer");
    let Some(MessageResponse::ListServicesResponse(list)) = listed.message_response else {
        panic!("not a ListServices answer: {listed:?}");
    };
    let mut names: Vec<String> = list.service.into_iter().map(|s| s.name).collect();
    names.sort();
    assert_eq!(
        names,
        [
            "echo.admin.v1.Admin",
            "echo.v1.Echo",
            "grpc.reflection.v1.ServerReflection"
        ]
    );

    let found = responses
        .message()
        .await
        .unwrap()
        .expect("a FileContainingSymbol answer");
    let Some(MessageResponse::FileDescriptorResponse(files)) = found.message_response else {
        panic!("not a file answer: {found:?}");
    };
    let file = prost_types::FileDescriptorProto::decode(files.file_descriptor_proto[0].as_slice())
        .unwrap();
    assert_eq!(file.name(), "echo/v1/echo.proto");
    assert_eq!(file.service[0].method[0].name(), "Say");

    // And the service itself answers.
    let said = EchoClient::new(channel)
        .say(SayRequest {
            text: "hi ".into(),
            times: 2,
        })
        .await
        .unwrap();
    assert_eq!(said.into_inner().text, "hi hi ");
    server.abort();
}
