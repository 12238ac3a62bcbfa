//! The seed tutorial's `Demo` service in Rust: the server answers as the
//! seed's Python server does, and answers with a clear status where the
//! seed's server would fail; the client makes the seed client's calls.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::pin::Pin;

use tokio_stream::{Stream, StreamExt};
use tonic::{Request, Response, Status, Streaming};

/// The code protoc-rs generates for the seed's proto (it has no package).
pub mod proto {
    include!(concat!(env!("OUT_DIR"), "/_.rs"));
}

use proto::demo_server::{Demo, DemoServer};
use proto::{
    work::Operation, Answer, City, Delta, Number, Result as CalcResult, Subject, Sum, Work,
};

/// The seed's default address.
pub const DEFAULT_ADDR: &str = "127.0.0.1:8888";

/// The default largest message, as tonic's: 4 MiB.
pub const DEFAULT_MAX_MESSAGE_SIZE: usize = 4 * 1024 * 1024;

/// The seed server's data: subjects per city, in its order, and the
/// numbers that win the guessing game.
pub struct Calculator {
    subjects: HashMap<&'static str, Vec<&'static str>>,
}

impl Default for Calculator {
    fn default() -> Calculator {
        let subjects = HashMap::from([
            (
                "beijing",
                vec![
                    "python",
                    "c++",
                    "go",
                    "产品经理",
                    "测试",
                    "运维",
                    "java",
                    "php",
                ],
            ),
            (
                "shanghai",
                vec!["python", "c++", "go", "测试", "运维", "java", "php"],
            ),
            ("wuhan", vec!["python", "测试", "java", "php"]),
        ]);
        Calculator { subjects }
    }
}

/// Python's `//`: division rounding towards negative infinity.
pub fn floor_div(a: i32, b: i32) -> Option<i32> {
    let quotient = a.checked_div(b)?;
    if a % b != 0 && ((a < 0) != (b < 0)) {
        quotient.checked_sub(1)
    } else {
        Some(quotient)
    }
}

/// The result of one `Work`, or the status the server answers with.
pub fn calculate(work: &Work) -> Result<i32, Status> {
    let op =
        Operation::try_from(work.op).map_err(|_| Status::invalid_argument("invalid operation"))?;
    let (a, b) = (work.num1, work.num2);
    let result = match op {
        Operation::Add => a.checked_add(b),
        Operation::Subtract => a.checked_sub(b),
        Operation::Multiply => a.checked_mul(b),
        Operation::Divide if b == 0 => return Err(Status::invalid_argument("cannot divide by 0")),
        Operation::Divide => floor_div(a, b),
    };
    result.ok_or_else(|| Status::out_of_range("the result does not fit in int32"))
}

type AnswerStream<T> = Pin<Box<dyn Stream<Item = Result<T, Status>> + Send>>;

#[tonic::async_trait]
impl Demo for Calculator {
    async fn calculate(&self, request: Request<Work>) -> Result<Response<CalcResult>, Status> {
        let work = request.into_inner();
        let val = calculate(&work)?;
        tracing::info!(
            num1 = work.num1,
            num2 = work.num2,
            op = work.op,
            val,
            "calculate"
        );
        Ok(Response::new(CalcResult { val }))
    }

    type GetSubjectsStream = AnswerStream<Subject>;

    async fn get_subjects(
        &self,
        request: Request<City>,
    ) -> Result<Response<Self::GetSubjectsStream>, Status> {
        let city = request.into_inner().name;
        let Some(subjects) = self.subjects.get(city.as_str()) else {
            return Err(Status::not_found(format!("unknown city: {city}")));
        };
        tracing::info!(%city, count = subjects.len(), "get_subjects");
        let subjects: Vec<Result<Subject, Status>> = subjects
            .iter()
            .map(|name| {
                Ok(Subject {
                    name: (*name).to_owned(),
                })
            })
            .collect();
        Ok(Response::new(Box::pin(tokio_stream::iter(subjects))))
    }

    async fn accumulate(
        &self,
        request: Request<Streaming<Delta>>,
    ) -> Result<Response<Sum>, Status> {
        let mut deltas = request.into_inner();
        let mut sum: i32 = 0;
        let mut count = 0usize;
        while let Some(delta) = deltas.next().await {
            sum = sum
                .checked_add(delta?.val)
                .ok_or_else(|| Status::out_of_range("the sum does not fit in int32"))?;
            count += 1;
        }
        tracing::info!(count, sum, "accumulate");
        Ok(Response::new(Sum { val: sum }))
    }

    type GuessNumberStream = AnswerStream<Answer>;

    /// Each guess is answered as it arrives, not after the stream ends.
    async fn guess_number(
        &self,
        request: Request<Streaming<Number>>,
    ) -> Result<Response<Self::GuessNumberStream>, Status> {
        let answers = request.into_inner().filter_map(|number| match number {
            Ok(Number { val }) if (0..10).contains(&val) => Some(Ok(Answer {
                val,
                desc: "bingo".to_owned(),
            })),
            Ok(_) => None,
            Err(status) => Some(Err(status)),
        });
        Ok(Response::new(Box::pin(answers)))
    }
}

/// Server settings.
#[derive(Clone, Debug)]
pub struct ServerConfig {
    /// The largest request or response, in bytes.
    pub max_message_size: usize,
}

impl Default for ServerConfig {
    fn default() -> ServerConfig {
        ServerConfig {
            max_message_size: DEFAULT_MAX_MESSAGE_SIZE,
        }
    }
}

/// Serves on `listener` until `shutdown` completes, then finishes the
/// calls in flight.
pub async fn serve(
    listener: tokio::net::TcpListener,
    config: ServerConfig,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), tonic::transport::Error> {
    let service = DemoServer::new(Calculator::default())
        .max_decoding_message_size(config.max_message_size)
        .max_encoding_message_size(config.max_message_size);
    tonic::transport::Server::builder()
        .add_service(service)
        .serve_with_incoming_shutdown(
            tokio_stream::wrappers::TcpListenerStream::new(listener),
            shutdown,
        )
        .await
}

/// Binds `addr` and returns the listener with its actual address (port 0
/// picks a free one).
pub async fn bind(addr: &str) -> std::io::Result<(tokio::net::TcpListener, SocketAddr)> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let local = listener.local_addr()?;
    Ok((listener, local))
}

pub mod client;
