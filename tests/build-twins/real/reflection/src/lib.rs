//! A gRPC server with reflection: generated code through one include file,
//! and the descriptor set for the reflection service.

include!(concat!(env!("OUT_DIR"), "/_includes.rs"));

/// What build.rs wrote with file_descriptor_set_path, for reflection.
pub const FILE_DESCRIPTOR_SET: &[u8] = tonic::include_file_descriptor_set!("echo_descriptor");

use std::sync::atomic::{AtomicU64, Ordering};
use tonic::{Request, Response, Status};

/// The Echo service.
#[derive(Default)]
pub struct Echoer {
    pub requests: AtomicU64,
}

#[tonic::async_trait]
impl echo::v1::echo_server::Echo for Echoer {
    async fn say(
        &self,
        request: Request<echo::v1::SayRequest>,
    ) -> Result<Response<echo::v1::SayResponse>, Status> {
        self.requests.fetch_add(1, Ordering::Relaxed);
        let request = request.into_inner();
        Ok(Response::new(echo::v1::SayResponse {
            text: request.text.repeat(request.times as usize),
        }))
    }
}

/// The Admin service.
pub struct Administrator;

#[tonic::async_trait]
impl echo::admin::v1::admin_server::Admin for Administrator {
    async fn get_stats(
        &self,
        _request: Request<()>,
    ) -> Result<Response<echo::admin::v1::Stats>, Status> {
        Ok(Response::new(echo::admin::v1::Stats {
            requests: 1,
            started: None,
        }))
    }
}
