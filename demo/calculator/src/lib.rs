//! The seed tutorial's `Demo` service in Rust: the server answers as the
//! seed's Python server does, and answers with a clear status where the
//! seed's server would fail; the client makes the seed client's calls.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::pin::{pin, Pin};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;
use tokio_stream::{Stream, StreamExt};
use tonic::{Request, Response, Status, Streaming};

mod calls;
pub mod client;
#[doc(hidden)]
pub mod harness;
mod transport;

use calls::RequestEnd;

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

/// How long a new connection has to send the HTTP/2 preface and its first
/// SETTINGS frame. A client on loopback or a LAN needs milliseconds; ten
/// seconds leave room for a slow network and still free a stalled
/// socket's descriptor soon.
pub const DEFAULT_HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// How long a connection may stay silent before the server PINGs it, and
/// how long the PING may go unanswered before the server drops it. gRPC's
/// clients answer PINGs in their HTTP/2 stack, so only dead peers and
/// stalled ones are dropped.
pub const DEFAULT_KEEPALIVE_INTERVAL: Duration = Duration::from_secs(60);
pub const DEFAULT_KEEPALIVE_TIMEOUT: Duration = Duration::from_secs(20);

/// How long a shutdown waits for the open streams to end by themselves.
pub const DEFAULT_SHUTDOWN_GRACE: Duration = Duration::from_secs(30);

/// The HTTP/2 flow-control windows the server grants a client: per stream
/// and per connection. See [`ServerConfig::stream_window`].
pub const DEFAULT_STREAM_WINDOW: u32 = 32 * 1024;
pub const DEFAULT_CONNECTION_WINDOW: u32 = 4 * 1024 * 1024;

/// How many streams a connection may make the server reset for protocol
/// errors before it is closed (hyper's default; tonic's builder passes
/// "no limit" unless told, which would leave that flood undefended).
const MAX_LOCAL_ERROR_RESET_STREAMS: usize = 1024;

/// While a shutdown waits, how often it says for what.
const SHUTDOWN_PROGRESS_INTERVAL: Duration = Duration::from_secs(5);

/// After the streams still open are ended with UNAVAILABLE, how long their
/// clients have to read it before the connections are closed; after a
/// second signal, only long enough to write it.
const ENDED_STREAMS_LINGER: Duration = Duration::from_secs(1);
const STOP_NOW_LINGER: Duration = Duration::from_millis(100);

/// How long closing the connections may take before `run` returns anyway.
const CLOSE_TIMEOUT: Duration = Duration::from_secs(2);

/// What the server is doing and has done, for the shutdown log, the tests
/// and the load tool. Counters only ever go up, except the open ones.
#[derive(Debug, Default)]
pub struct Activity {
    connections: AtomicUsize,
    connections_accepted: AtomicU64,
    streams: AtomicUsize,
    accept_errors: AtomicU64,
    accumulates_completed: AtomicU64,
    accumulates_cancelled: AtomicU64,
}

impl Activity {
    /// Connections open now.
    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::Relaxed)
    }

    /// Connections accepted since the start.
    pub fn connections_accepted(&self) -> u64 {
        self.connections_accepted.load(Ordering::Relaxed)
    }

    /// Streams (calls) open now.
    pub fn streams(&self) -> usize {
        self.streams.load(Ordering::Relaxed)
    }

    /// Failed `accept`s, each followed by a pause.
    pub fn accept_errors(&self) -> u64 {
        self.accept_errors.load(Ordering::Relaxed)
    }

    /// Accumulate calls whose client half-closed its stream.
    pub fn accumulates_completed(&self) -> u64 {
        self.accumulates_completed.load(Ordering::Relaxed)
    }

    /// Accumulate calls that ended before their client half-closed: the
    /// client cancelled, the deadline passed, the connection went away, or
    /// the server ended the stream at shutdown.
    pub fn accumulates_cancelled(&self) -> u64 {
        self.accumulates_cancelled.load(Ordering::Relaxed)
    }

    fn connection_opened(&self) {
        self.connections.fetch_add(1, Ordering::Relaxed);
        self.connections_accepted.fetch_add(1, Ordering::Relaxed);
    }

    fn connection_closed(&self) {
        self.connections.fetch_sub(1, Ordering::Relaxed);
    }

    fn stream_opened(&self) {
        self.streams.fetch_add(1, Ordering::Relaxed);
    }

    fn stream_closed(&self) {
        self.streams.fetch_sub(1, Ordering::Relaxed);
    }

    fn record_accept_error(&self) {
        self.accept_errors.fetch_add(1, Ordering::Relaxed);
    }
}

/// The seed server's data: subjects per city, in its order, and the
/// numbers that win the guessing game; and the largest message it sends.
pub struct Calculator {
    subjects: HashMap<&'static str, Vec<&'static str>>,
    max_message_size: usize,
    activity: Arc<Activity>,
}

impl Default for Calculator {
    fn default() -> Calculator {
        Calculator::new(DEFAULT_MAX_MESSAGE_SIZE, Arc::default())
    }
}

impl Calculator {
    /// Sends no message over `max_message_size` bytes, and counts its
    /// calls in `activity`.
    pub fn new(max_message_size: usize, activity: Arc<Activity>) -> Calculator {
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
        Calculator {
            subjects,
            max_message_size,
            activity,
        }
    }
}

/// `message`, or RESOURCE_EXHAUSTED if it is over `max` bytes. Checked
/// here because tonic's own check on what it sends answers OUT_OF_RANGE,
/// where gRPC's implementations answer RESOURCE_EXHAUSTED.
fn within_limit<M: prost::Message>(message: M, max: usize) -> Result<M, Status> {
    let len = message.encoded_len();
    if len > max {
        return Err(Status::resource_exhausted(format!(
            "the response message is {len} bytes; the largest allowed is {max} (--max-message-size)"
        )));
    }
    Ok(message)
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
        tracing::debug!(
            num1 = work.num1,
            num2 = work.num2,
            op = work.op,
            val,
            "calculate"
        );
        Ok(Response::new(within_limit(
            CalcResult { val },
            self.max_message_size,
        )?))
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
        tracing::debug!(%city, count = subjects.len(), "get_subjects");
        let max = self.max_message_size;
        let subjects: Vec<Result<Subject, Status>> = subjects
            .iter()
            .map(|name| {
                let subject = Subject {
                    name: (*name).to_owned(),
                };
                within_limit(subject, max)
            })
            .collect();
        Ok(Response::new(Box::pin(tokio_stream::iter(subjects))))
    }

    async fn accumulate(
        &self,
        request: Request<Streaming<Delta>>,
    ) -> Result<Response<Sum>, Status> {
        let end = request.extensions().get::<Arc<RequestEnd>>().cloned();
        let mut deltas = request.into_inner();
        let mut call = AccumulateCall::new(Arc::clone(&self.activity));
        while let Some(delta) = deltas.next().await {
            let val = match delta {
                Ok(delta) => delta.val,
                Err(status) => return Err(call.failed(status)),
            };
            let Some(sum) = call.sum.checked_add(val) else {
                return Err(call.failed(Status::out_of_range("the sum does not fit in int32")));
            };
            call.sum = sum;
            call.count += 1;
        }
        // tonic ends the stream the same way for a half-close and for a
        // cancel: the request body says which it was.
        if end.is_some_and(|end| end.was_cancelled()) {
            return Err(call.cancelled_by_the_client());
        }
        let sum = Sum { val: call.sum };
        call.completed();
        Ok(Response::new(within_limit(sum, self.max_message_size)?))
    }

    type GuessNumberStream = AnswerStream<Answer>;

    /// Each guess is answered as it arrives, not after the stream ends.
    async fn guess_number(
        &self,
        request: Request<Streaming<Number>>,
    ) -> Result<Response<Self::GuessNumberStream>, Status> {
        let max = self.max_message_size;
        let answers = request.into_inner().filter_map(move |number| match number {
            Ok(Number { val }) if (0..10).contains(&val) => {
                let answer = Answer {
                    val,
                    desc: "bingo".to_owned(),
                };
                Some(within_limit(answer, max))
            }
            Ok(_) => None,
            Err(status) => Some(Err(status)),
        });
        Ok(Response::new(Box::pin(answers)))
    }
}

/// One Accumulate call, logged and counted once when it ends. A call
/// dropped before it ends (its deadline passed, its connection went
/// away, the server ended it at shutdown) is a cancellation.
struct AccumulateCall {
    activity: Arc<Activity>,
    count: u64,
    sum: i32,
    ended: bool,
}

impl AccumulateCall {
    fn new(activity: Arc<Activity>) -> AccumulateCall {
        AccumulateCall {
            activity,
            count: 0,
            sum: 0,
            ended: false,
        }
    }

    fn completed(mut self) {
        self.ended = true;
        self.activity
            .accumulates_completed
            .fetch_add(1, Ordering::Relaxed);
        tracing::debug!(count = self.count, sum = self.sum, "accumulate completed");
    }

    fn cancelled_by_the_client(mut self) -> Status {
        self.ended = true;
        self.activity
            .accumulates_cancelled
            .fetch_add(1, Ordering::Relaxed);
        tracing::debug!(
            count = self.count,
            partial_sum = self.sum,
            code = "CANCELLED",
            "accumulate cancelled by the client"
        );
        Status::cancelled("the client cancelled the stream")
    }

    fn failed(mut self, status: Status) -> Status {
        self.ended = true;
        tracing::debug!(
            count = self.count,
            code = ?status.code(),
            message = status.message(),
            "accumulate failed"
        );
        status
    }
}

impl Drop for AccumulateCall {
    fn drop(&mut self) {
        if !self.ended {
            self.activity
                .accumulates_cancelled
                .fetch_add(1, Ordering::Relaxed);
            tracing::debug!(
                count = self.count,
                partial_sum = self.sum,
                "accumulate cancelled before the client ended its stream (deadline, disconnection or shutdown)"
            );
        }
    }
}

/// Server settings.
#[derive(Clone, Debug)]
pub struct ServerConfig {
    /// The largest request or response, in bytes.
    pub max_message_size: usize,
    /// How long a new connection has to send the HTTP/2 preface and its
    /// first SETTINGS frame before it is dropped.
    pub handshake_timeout: Duration,
    /// How long a connection may be silent before the server PINGs it.
    pub keepalive_interval: Duration,
    /// How long a PING may go unanswered before the connection is dropped.
    pub keepalive_timeout: Duration,
    /// How long a shutdown waits for open streams before ending them.
    pub shutdown_grace: Duration,
    /// The flow-control window of each stream, in bytes.
    ///
    /// It bounds how many DATA frames of one stream the server may hold
    /// unread, and so what a client streaming small messages can make it
    /// buffer. h2 (0.4.16 on) closes a connection with GOAWAY
    /// ENHANCE_YOUR_CALM "too_many_data_frames" when the small DATA frames
    /// it holds unread cost more than a budget of half the connection
    /// window, counting 256 bytes less the payload for each. Neither hyper
    /// 1 nor tonic 0.14 lets the budget be set; the windows set it. With
    /// hyper's default windows (1 MiB each, a 512 KiB budget) about 2,100
    /// unread 7-byte messages were enough: a client streaming one message
    /// per frame faster than the handler read them was cut off after a
    /// few thousand. With 32 KiB per stream and 4 MiB per connection one
    /// stream can hold at most 6,553 frames of 5 bytes (the smallest gRPC
    /// message) unread, 1.6 MB of counted overhead against a 2 MiB budget:
    /// a client sending well-formed messages never reaches it, however
    /// long its stream. A flood of 1-byte or empty frames still does, as
    /// do two or more streams of tiny messages the server falls behind on,
    /// on one connection. The price: a connection may make the server
    /// buffer up to 4 MiB of payload (was 1), and one stream moves at
    /// most 32 KiB per round trip (was 1 MiB), which is nothing on
    /// loopback or a LAN but slows large messages on a long link.
    pub stream_window: u32,
    /// The flow-control window of each connection, in bytes; see
    /// [`ServerConfig::stream_window`].
    pub connection_window: u32,
}

impl Default for ServerConfig {
    fn default() -> ServerConfig {
        ServerConfig {
            max_message_size: DEFAULT_MAX_MESSAGE_SIZE,
            handshake_timeout: DEFAULT_HANDSHAKE_TIMEOUT,
            keepalive_interval: DEFAULT_KEEPALIVE_INTERVAL,
            keepalive_timeout: DEFAULT_KEEPALIVE_TIMEOUT,
            shutdown_grace: DEFAULT_SHUTDOWN_GRACE,
            stream_window: DEFAULT_STREAM_WINDOW,
            connection_window: DEFAULT_CONNECTION_WINDOW,
        }
    }
}

/// Where a shutdown is; each phase includes the ones before it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Phase {
    Serving,
    /// No new connections or streams; the open ones may finish.
    Draining,
    /// The streams still open are answered UNAVAILABLE.
    EndingStreams,
    /// The sockets still open are closed.
    ClosingConnections,
}

/// Completes once the server has reached `wanted`, or is gone.
pub(crate) async fn phase_reached(mut phase: watch::Receiver<Phase>, wanted: Phase) {
    let _ = phase.wait_for(|now| *now >= wanted).await;
}

/// The Demo service's server, with the [`Activity`] it records.
pub struct Server {
    config: ServerConfig,
    activity: Arc<Activity>,
}

impl Server {
    pub fn new(config: ServerConfig) -> Server {
        Server {
            config,
            activity: Arc::default(),
        }
    }

    pub fn activity(&self) -> Arc<Activity> {
        Arc::clone(&self.activity)
    }

    /// Serves on `listener` until `drain` completes; then accepts no more
    /// connections or streams and waits up to the grace period for the
    /// open streams to end; then answers those still open UNAVAILABLE and
    /// closes the connections. `stop` skips what is left of the wait.
    pub async fn run(
        self,
        listener: tokio::net::TcpListener,
        drain: impl std::future::Future<Output = ()>,
        stop: impl std::future::Future<Output = ()>,
    ) -> Result<(), tonic::transport::Error> {
        let Server { config, activity } = self;
        let (phase_sender, phase) = watch::channel(Phase::Serving);
        let incoming = transport::Incoming::new(
            listener,
            config.handshake_timeout,
            phase.clone(),
            Arc::clone(&activity),
        );
        let service = DemoServer::new(Calculator::new(
            config.max_message_size,
            Arc::clone(&activity),
        ))
        .max_decoding_message_size(config.max_message_size)
        .max_encoding_message_size(config.max_message_size);
        let serving = tonic::transport::Server::builder()
            .initial_stream_window_size(config.stream_window)
            .initial_connection_window_size(config.connection_window)
            .http2_keepalive_interval(Some(config.keepalive_interval))
            .http2_keepalive_timeout(Some(config.keepalive_timeout))
            .http2_max_local_error_reset_streams(Some(MAX_LOCAL_ERROR_RESET_STREAMS))
            .layer(calls::CallsLayer::new(
                Arc::clone(&activity),
                config.max_message_size,
                phase.clone(),
            ))
            .add_service(service)
            .serve_with_incoming_shutdown(incoming, phase_reached(phase, Phase::Draining));
        let mut serving = pin!(serving);
        let mut drain = pin!(drain);
        let mut stop = pin!(stop);

        let mut stopping_now = tokio::select! {
            result = &mut serving => return result,
            () = &mut drain => false,
            () = &mut stop => true,
        };
        let _ = phase_sender.send(Phase::Draining);
        if stopping_now {
            tracing::warn!(
                connections = activity.connections(),
                streams = activity.streams(),
                "stopping now: ending every stream"
            );
        } else {
            tracing::info!(
                connections = activity.connections(),
                streams = activity.streams(),
                grace = ?config.shutdown_grace,
                "shutting down: accepting nothing new, waiting for the open streams to end"
            );
            let grace_over = tokio::time::sleep(config.shutdown_grace);
            let mut grace_over = pin!(grace_over);
            let mut progress = tokio::time::interval_at(
                tokio::time::Instant::now() + SHUTDOWN_PROGRESS_INTERVAL,
                SHUTDOWN_PROGRESS_INTERVAL,
            );
            loop {
                tokio::select! {
                    result = &mut serving => {
                        tracing::info!("every stream has ended");
                        return result;
                    }
                    () = &mut grace_over => {
                        tracing::warn!(
                            connections = activity.connections(),
                            streams = activity.streams(),
                            "grace period over: ending the streams still open with UNAVAILABLE"
                        );
                        break;
                    }
                    () = &mut stop => {
                        tracing::warn!(
                            connections = activity.connections(),
                            streams = activity.streams(),
                            "stopping now: ending the streams still open"
                        );
                        stopping_now = true;
                        break;
                    }
                    _ = progress.tick() => {
                        tracing::info!(
                            connections = activity.connections(),
                            streams = activity.streams(),
                            "shutting down: still waiting for the open streams"
                        );
                    }
                }
            }
        }

        let _ = phase_sender.send(Phase::EndingStreams);
        let linger = if stopping_now {
            STOP_NOW_LINGER
        } else {
            ENDED_STREAMS_LINGER
        };
        tokio::select! {
            result = &mut serving => return result,
            () = tokio::time::sleep(linger) => {}
            () = &mut stop, if !stopping_now => {}
        }

        tracing::info!(
            connections = activity.connections(),
            "closing the connections still open"
        );
        let _ = phase_sender.send(Phase::ClosingConnections);
        match tokio::time::timeout(CLOSE_TIMEOUT, serving).await {
            Ok(result) => result,
            Err(_) => {
                tracing::warn!(
                    connections = activity.connections(),
                    "connections still open after closing them; stopping anyway"
                );
                Ok(())
            }
        }
    }
}

/// Serves on `listener` with `config` until `shutdown` completes, then
/// as [`Server::run`] does.
pub async fn serve(
    listener: tokio::net::TcpListener,
    config: ServerConfig,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), tonic::transport::Error> {
    Server::new(config)
        .run(listener, shutdown, std::future::pending())
        .await
}

/// Binds `addr` and returns the listener with its actual address (port 0
/// picks a free one).
pub async fn bind(addr: &str) -> std::io::Result<(tokio::net::TcpListener, SocketAddr)> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let local = listener.local_addr()?;
    Ok((listener, local))
}
