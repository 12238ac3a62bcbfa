//! The built `calculator serve` as an operator runs it: under a low
//! file-descriptor limit, through SIGTERM and SIGINT, with its log and its
//! command line. Each server is a child process on an ephemeral port.

mod common;

use std::net::TcpStream;
use std::time::{Duration, Instant};

use calculator::proto::demo_client::DemoClient;
use calculator::proto::{work::Operation, City, Delta, Number, Work};
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;
use tokio_stream::StreamExt;
use tonic::transport::Channel;
use tonic::{Code, Request, Streaming};

const MULTIPLY_6_BY_7: Work = Work {
    num1: 6,
    num2: 7,
    op: Operation::Multiply as i32,
};

async fn connect(url: String) -> DemoClient<Channel> {
    tokio::time::timeout(Duration::from_secs(5), DemoClient::connect(url))
        .await
        .expect("connects in time")
        .expect("connects")
}

/// A bidirectional GuessNumber stream the server has answered once, so it
/// is known to be open there; the sender keeps it open.
async fn open_guess_stream(
    client: &mut DemoClient<Channel>,
) -> (mpsc::Sender<Number>, Streaming<calculator::proto::Answer>) {
    let (numbers, receive) = mpsc::channel(4);
    numbers.send(Number { val: 3 }).await.unwrap();
    let mut answers = client
        .guess_number(ReceiverStream::new(receive))
        .await
        .expect("the stream opens")
        .into_inner();
    let first = tokio::time::timeout(Duration::from_secs(5), answers.next())
        .await
        .expect("answered in time");
    assert_eq!(first.unwrap().unwrap().val, 3);
    (numbers, answers)
}

/// With every file descriptor taken, the accept loop backs off instead
/// of spinning, says why, and the connections already open keep being
/// served; once descriptors free up, new connections are accepted again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accept_errors_back_off_and_open_connections_keep_being_served() {
    let server = common::start_server(&[], None, Some(64));
    let mut established = connect(server.url()).await;
    assert_eq!(
        established
            .calculate(MULTIPLY_6_BY_7)
            .await
            .unwrap()
            .into_inner()
            .val,
        42
    );

    // More idle connections than the server has descriptors: the kernel
    // completes them all into the listen backlog, accept(2) fails with
    // EMFILE for the rest.
    let idle: Vec<TcpStream> = (0..100)
        .map(|_| TcpStream::connect(&server.addr).expect("loopback connect"))
        .collect();
    tokio::time::sleep(Duration::from_millis(500)).await;

    let before = server.cpu_time();
    tokio::time::sleep(Duration::from_secs(1)).await;
    let used = server.cpu_time().saturating_sub(before);
    assert!(
        used < Duration::from_millis(300),
        "the server used {used:?} of CPU in 1 s with its descriptors exhausted"
    );

    let answer = tokio::time::timeout(
        Duration::from_secs(5),
        established.calculate(MULTIPLY_6_BY_7),
    )
    .await
    .expect("an open connection is answered while accept fails");
    assert_eq!(answer.unwrap().into_inner().val, 42);

    let warning = server.wait_for_log(&["WARN", "accept"], Duration::from_secs(2));
    assert!(
        warning.is_some(),
        "no warning about failing accepts; log:\n{}",
        server.log()
    );
    let warnings = server
        .log()
        .lines()
        .filter(|line| line.contains("WARN") && line.contains("accept"))
        .count();
    assert!(
        warnings <= 5,
        "{warnings} warnings in about 2 s: not rate-limited"
    );

    // Descriptors free up: the server accepts again.
    drop(idle);
    let mut fresh = connect(server.url()).await;
    let answer = tokio::time::timeout(Duration::from_secs(5), fresh.calculate(MULTIPLY_6_BY_7))
        .await
        .expect("a new connection is answered once descriptors are free");
    assert_eq!(answer.unwrap().into_inner().val, 42);
}

/// SIGTERM with 50 streams open: the server waits the grace period,
/// says for what, then ends the streams with UNAVAILABLE and exits.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_ends_streams_still_open_after_the_grace_period() {
    let mut server = common::start_server(&["--shutdown-grace", "1"], None, None);
    let mut streams = Vec::new();
    for _ in 0..5 {
        let mut client = connect(server.url()).await;
        for _ in 0..10 {
            streams.push(open_guess_stream(&mut client).await);
        }
    }

    let signalled = Instant::now();
    assert!(server.signal(libc::SIGTERM));
    let status = tokio::task::block_in_place(|| server.wait_exit(Duration::from_secs(6)));
    let Some(status) = status else {
        panic!(
            "still running 6 s after SIGTERM with a 1 s grace period; log:\n{}",
            server.log()
        );
    };
    assert!(status.success(), "{status:?}");
    assert!(signalled.elapsed() >= Duration::from_millis(900));
    let log = server.log_after_exit();
    assert!(
        log.lines()
            .any(|line| line.contains("connections=5") && line.contains("streams=50")),
        "the log does not say what shutdown waits for:\n{log}"
    );

    // Every stream was ended by the server, with a status.
    for (_numbers, mut answers) in streams {
        let end = tokio::time::timeout(Duration::from_secs(2), answers.next())
            .await
            .expect("the stream ended");
        match end {
            Some(Err(status)) => assert!(
                matches!(status.code(), Code::Unavailable | Code::Cancelled),
                "{status:?}"
            ),
            other => panic!("expected an error status, got {other:?}"),
        }
    }
}

/// A second signal during the grace period stops the server at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_signal_stops_at_once() {
    let mut server = common::start_server(&["--shutdown-grace", "60"], None, None);
    let mut client = connect(server.url()).await;
    let _stream = open_guess_stream(&mut client).await;

    assert!(server.signal(libc::SIGTERM));
    assert!(
        server
            .wait_for_log(&["shutting down"], Duration::from_secs(5))
            .is_some(),
        "{}",
        server.log()
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        server.wait_exit(Duration::ZERO).is_none(),
        "the stream is open and the grace period is 60 s: the server must still run"
    );
    assert!(server.signal(libc::SIGINT));
    let status = tokio::task::block_in_place(|| server.wait_exit(Duration::from_secs(3)));
    assert!(
        status.is_some(),
        "a second signal was ignored; log:\n{}",
        server.log()
    );
}

/// Streams that end within the grace period end normally, and the
/// server exits as soon as the last one has.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn streams_ending_within_the_grace_period_finish_normally() {
    let mut server = common::start_server(&["--shutdown-grace", "30"], None, None);
    let mut client = connect(server.url()).await;
    let (deltas, receive) = mpsc::channel(4);
    deltas.send(Delta { val: 20 }).await.unwrap();
    let call = tokio::spawn(async move { client.accumulate(ReceiverStream::new(receive)).await });
    tokio::time::sleep(Duration::from_millis(200)).await;

    assert!(server.signal(libc::SIGTERM));
    assert!(server
        .wait_for_log(&["shutting down"], Duration::from_secs(5))
        .is_some());
    deltas.send(Delta { val: 22 }).await.unwrap();
    drop(deltas);
    let sum = call
        .await
        .unwrap()
        .expect("the stream completes")
        .into_inner();
    assert_eq!(sum.val, 42);
    let status = tokio::task::block_in_place(|| server.wait_exit(Duration::from_secs(5)));
    assert!(status.is_some_and(|s| s.success()), "{}", server.log());
}

/// The log lines of the Accumulate calls.
fn accumulate_lines(log: &str) -> Vec<&str> {
    log.lines()
        .filter(|line| line.contains("accumulate"))
        .collect()
}

/// A client that cancels its Accumulate stream mid-way (RST_STREAM
/// CANCEL) is logged as a cancellation, not as a completed sum.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_accumulate_is_logged_as_cancelled() {
    let mut server = common::start_server(&[], Some("calculator=debug"), None);
    let mut client = connect(server.url()).await;
    let (deltas, receive) = mpsc::channel(16);
    for _ in 0..7 {
        deltas.send(Delta { val: 1 }).await.unwrap();
    }
    let mut request = Request::new(ReceiverStream::new(receive));
    let cancel = request.cancellation_handle();
    let call = tokio::spawn(async move { client.accumulate(request).await });
    tokio::time::sleep(Duration::from_millis(300)).await;
    cancel.cancel();
    let status = call.await.unwrap().unwrap_err();
    assert_eq!(status.code(), Code::Cancelled, "{status:?}");

    let cancelled = server.wait_for_log(&["accumulate", "cancelled"], Duration::from_secs(5));
    assert!(server.signal(libc::SIGTERM));
    let log = server.log_after_exit();
    assert!(cancelled.is_some(), "no cancellation logged:\n{log}");
    let lines = accumulate_lines(&log);
    assert!(
        lines.iter().all(|line| line.contains("cancelled")),
        "a cancelled stream was logged as a completion:\n{log}"
    );
    drop(deltas);
}

/// An Accumulate whose deadline passes before the client half-closes
/// is logged as a cancellation too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_timed_out_accumulate_is_logged_as_cancelled() {
    let mut server = common::start_server(&[], Some("calculator=debug"), None);
    let mut client = connect(server.url()).await;
    let (deltas, receive) = mpsc::channel(16);
    for _ in 0..7 {
        deltas.send(Delta { val: 1 }).await.unwrap();
    }
    let mut request = Request::new(ReceiverStream::new(receive));
    request.set_timeout(Duration::from_millis(300));
    let status = client.accumulate(request).await.unwrap_err();
    assert!(
        matches!(status.code(), Code::Cancelled | Code::DeadlineExceeded),
        "{status:?}"
    );

    let cancelled = server.wait_for_log(&["accumulate", "cancelled"], Duration::from_secs(5));
    assert!(server.signal(libc::SIGTERM));
    let log = server.log_after_exit();
    assert!(cancelled.is_some(), "no cancellation logged:\n{log}");
    assert!(
        accumulate_lines(&log)
            .iter()
            .all(|line| line.contains("cancelled")),
        "a timed-out stream was logged as a completion:\n{log}"
    );
    drop(deltas);
}

/// Per-call lines are DEBUG: the default (INFO) log has none of them,
/// `RUST_LOG=calculator=debug` has them all.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn per_call_logs_are_debug() {
    for (rust_log, per_call_lines_expected) in [(None, false), (Some("calculator=debug"), true)] {
        let mut server = common::start_server(&[], rust_log, None);
        let mut client = connect(server.url()).await;
        client.calculate(MULTIPLY_6_BY_7).await.unwrap();
        let mut subjects = client
            .get_subjects(City {
                name: "wuhan".into(),
            })
            .await
            .unwrap()
            .into_inner();
        while subjects.next().await.is_some() {}
        client
            .accumulate(tokio_stream::iter([Delta { val: 1 }]))
            .await
            .unwrap();
        assert!(server.signal(libc::SIGTERM));
        let log = server.log_after_exit();
        for call in ["calculate", "get_subjects", "accumulate"] {
            let logged = log.lines().any(|line| line.contains(call));
            assert_eq!(
                logged, per_call_lines_expected,
                "RUST_LOG={rust_log:?}: {call} lines: {logged}; log:\n{log}"
            );
            if logged {
                assert!(
                    log.lines()
                        .filter(|line| line.contains(call))
                        .all(|line| line.contains("DEBUG")),
                    "{log}"
                );
            }
        }
    }
}

/// `--max-message-size 0` would refuse every message: rejected at
/// start-up, with the flag named.
#[test]
fn max_message_size_zero_is_rejected_at_start_up() {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_calculator"))
        .args(["serve", "--addr", "127.0.0.1:0", "--max-message-size", "0"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(5);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if Instant::now() >= deadline {
            break None;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let Some(status) = status else {
        let _ = child.kill();
        let _ = child.wait();
        panic!("`--max-message-size 0` was accepted: the server is serving");
    };
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    assert_eq!(
        status.code(),
        Some(2),
        "clap's usage-error status; {stderr}"
    );
    assert!(stderr.contains("--max-message-size"), "{stderr}");
    assert!(
        stderr.contains("1.."),
        "the accepted range is given: {stderr}"
    );
}
