//! The server's limits, in process on loopback: connections that stall
//! before or inside a frame, client streams of many small messages,
//! cancelled client streams, and oversized messages.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use calculator::proto::demo_client::DemoClient;
use calculator::proto::{work::Operation, City, Delta, Number, Work};
use calculator::{Activity, Server, ServerConfig};
use common::OnePerFrame;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::{mpsc, oneshot};
use tokio_stream::wrappers::ReceiverStream;
use tokio_stream::StreamExt;
use tonic::transport::Channel;
use tonic::{Code, Request};

/// A server on an ephemeral port, stopped when dropped.
struct Running {
    addr: String,
    activity: Arc<Activity>,
    _stop: oneshot::Sender<()>,
}

impl Running {
    async fn client(&self) -> DemoClient<Channel> {
        DemoClient::connect(format!("http://{}", self.addr))
            .await
            .unwrap()
    }
}

async fn start(config: ServerConfig) -> Running {
    let (listener, local) = calculator::bind("127.0.0.1:0").await.unwrap();
    let (stop, stopped) = oneshot::channel::<()>();
    let server = Server::new(config);
    let activity = server.activity();
    tokio::spawn(server.run(
        listener,
        async {
            let _ = stopped.await;
        },
        std::future::pending(),
    ));
    Running {
        addr: local.to_string(),
        activity,
        _stop: stop,
    }
}

/// The client's half of the HTTP/2 connection preface.
const PREFACE: &[u8] = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
/// An empty SETTINGS frame: length 0, type 4, no flags, stream 0.
const EMPTY_SETTINGS: &[u8] = &[0, 0, 0, 4, 0, 0, 0, 0, 0];

/// Reads (and ignores) what the server sends until it closes the
/// connection; how long that took, or `None` if it is still open after
/// `limit`.
async fn time_until_closed(socket: &mut TcpStream, limit: Duration) -> Option<Duration> {
    let started = Instant::now();
    let mut buf = [0u8; 4096];
    tokio::time::timeout(limit, async {
        loop {
            match socket.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(_) => {}
            }
        }
    })
    .await
    .ok()
    .map(|()| started.elapsed())
}

async fn wait_until(what: &str, mut condition: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(5);
    while !condition() {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// A client that sends part of the preface and stalls is dropped when
/// the handshake timeout passes.
#[tokio::test]
async fn a_connection_stalled_in_the_preface_is_closed_after_the_handshake_timeout() {
    let server = start(ServerConfig {
        handshake_timeout: Duration::from_secs(1),
        ..ServerConfig::default()
    })
    .await;
    let mut socket = TcpStream::connect(&server.addr).await.unwrap();
    socket.write_all(&PREFACE[..16]).await.unwrap();
    wait_until("the server has the connection", || {
        server.activity.connections() == 1
    })
    .await;
    let closed_after = time_until_closed(&mut socket, Duration::from_secs(5))
        .await
        .expect("the server closes a connection stalled in its preface");
    assert!(
        closed_after >= Duration::from_millis(800),
        "closed after {closed_after:?}, before the 1 s timeout"
    );
    wait_until("the server has released the connection", || {
        server.activity.connections() == 0
    })
    .await;
}

/// A client that completes the handshake, then sends half a frame and
/// stalls (answering no PING) is dropped by HTTP/2 keepalive.
#[tokio::test]
async fn a_connection_stalled_mid_frame_is_closed_by_keepalive() {
    let server = start(ServerConfig {
        keepalive_interval: Duration::from_secs(1),
        keepalive_timeout: Duration::from_secs(1),
        ..ServerConfig::default()
    })
    .await;
    let mut socket = TcpStream::connect(&server.addr).await.unwrap();
    socket.write_all(PREFACE).await.unwrap();
    socket.write_all(EMPTY_SETTINGS).await.unwrap();
    // The first 4 of a HEADERS frame header's 9 bytes.
    socket.write_all(&[0, 0, 40, 1]).await.unwrap();
    let closed_after = time_until_closed(&mut socket, Duration::from_secs(6))
        .await
        .expect("the server closes a connection that answers no PING");
    assert!(
        closed_after >= Duration::from_millis(1800),
        "{closed_after:?}"
    );
    wait_until("the server has released the connection", || {
        server.activity.connections() == 0
    })
    .await;
}

/// An idle client whose HTTP/2 stack answers PINGs keeps its connection.
#[tokio::test]
async fn an_idle_client_that_answers_pings_keeps_its_connection() {
    let server = start(ServerConfig {
        handshake_timeout: Duration::from_secs(1),
        keepalive_interval: Duration::from_secs(1),
        keepalive_timeout: Duration::from_secs(1),
        ..ServerConfig::default()
    })
    .await;
    let mut client = server.client().await;
    let work = Work {
        num1: 2,
        num2: 3,
        op: Operation::Add as i32,
    };
    client.calculate(work).await.unwrap();
    tokio::time::sleep(Duration::from_millis(3500)).await;
    assert_eq!(client.calculate(work).await.unwrap().into_inner().val, 5);
    assert_eq!(server.activity.connections_accepted(), 1, "no reconnection");
    assert_eq!(server.activity.connections(), 1);
}

/// A long client stream with each message in a DATA frame of its own
/// is summed right. About 6,000 such messages were enough for h2's
/// small-frame flood protection to close the connection with hyper's
/// default windows; 200,000 take about 2 s in a debug build (the load tool,
/// `scripts/calculator-load.sh`, sends 1,000,000 against a release build).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_stream_of_small_messages_one_per_data_frame_is_summed() {
    const COUNT: i32 = 200_000;
    let server = start(ServerConfig::default()).await;
    let mut client = server.client().await;
    let deltas = OnePerFrame::new((0..COUNT).map(|i| Delta { val: i % 3 }));
    let expected: i32 = (0..COUNT).map(|i| i % 3).sum();
    let sum = tokio::time::timeout(Duration::from_secs(25), client.accumulate(deltas))
        .await
        .expect("summed in time")
        .expect("the server takes the whole stream")
        .into_inner()
        .val;
    assert_eq!(sum, expected);
}

/// A client stream cancelled mid-way is recorded as a cancellation,
/// not as a completed sum.
#[tokio::test]
async fn a_cancelled_accumulate_is_recorded_as_a_cancellation() {
    let server = start(ServerConfig::default()).await;
    let mut client = server.client().await;
    let (deltas, receive) = mpsc::channel(16);
    for _ in 0..7 {
        deltas.send(Delta { val: 1 }).await.unwrap();
    }
    let mut request = Request::new(ReceiverStream::new(receive));
    let cancel = request.cancellation_handle();
    let call = tokio::spawn(async move { client.accumulate(request).await });
    wait_until("the stream is open", || server.activity.streams() == 1).await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    cancel.cancel();
    assert_eq!(call.await.unwrap().unwrap_err().code(), Code::Cancelled);
    wait_until("the cancellation is recorded", || {
        server.activity.accumulates_cancelled() == 1
    })
    .await;
    wait_until("the stream is closed", || server.activity.streams() == 0).await;
    assert_eq!(server.activity.accumulates_completed(), 0);
    drop(deltas);

    // A stream that half-closes is a completion.
    let mut client = server.client().await;
    let sum = client
        .accumulate(tokio_stream::iter((1..=7).map(|val| Delta { val })))
        .await
        .unwrap();
    assert_eq!(sum.into_inner().val, 28);
    assert_eq!(server.activity.accumulates_completed(), 1);
    assert_eq!(server.activity.accumulates_cancelled(), 1);
}

/// Messages over `--max-message-size`, either way, get
/// RESOURCE_EXHAUSTED, as gRPC's implementations answer.
#[tokio::test]
async fn oversized_messages_get_resource_exhausted() {
    let server = start(ServerConfig {
        max_message_size: 8,
        ..ServerConfig::default()
    })
    .await;
    let mut client = server.client().await;
    // -1 is a 10-byte varint: 11-byte messages.
    let status = client
        .calculate(Work {
            num1: -1,
            num2: 1,
            op: Operation::Add as i32,
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::ResourceExhausted, "{status:?}");

    let status = client
        .accumulate(tokio_stream::iter([Delta { val: 1 }, Delta { val: -1 }]))
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::ResourceExhausted, "{status:?}");

    let status = match client
        .guess_number(tokio_stream::iter([Number { val: -1 }]))
        .await
    {
        Err(status) => status,
        Ok(answers) => answers.into_inner().next().await.unwrap().unwrap_err(),
    };
    assert_eq!(status.code(), Code::ResourceExhausted, "{status:?}");

    // The answer is too large: "产品经理" is 12 bytes.
    let status = match client
        .get_subjects(City {
            name: "beijing".into(),
        })
        .await
    {
        Err(status) => status,
        Ok(subjects) => {
            let mut subjects = subjects.into_inner();
            loop {
                match subjects.next().await {
                    Some(Ok(_)) => continue,
                    Some(Err(status)) => break status,
                    None => panic!("every subject was sent"),
                }
            }
        }
    };
    assert_eq!(status.code(), Code::ResourceExhausted, "{status:?}");

    // Messages within the limit are answered.
    let work = Work {
        num1: 6,
        num2: 7,
        op: Operation::Multiply as i32,
    };
    assert_eq!(client.calculate(work).await.unwrap().into_inner().val, 42);
}
