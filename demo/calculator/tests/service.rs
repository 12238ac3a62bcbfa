//! The Rust client against the Rust server, on loopback with an ephemeral
//! port: every call, every error status, concurrency, a long client stream,
//! interleaved bidirectional streaming, and inputs that must not crash or
//! wedge the server.

use std::time::Duration;

use calculator::proto::demo_client::DemoClient;
use calculator::proto::{work::Operation, City, Delta, Number, Work};
use calculator::{client, ServerConfig};
use tokio::sync::{mpsc, oneshot};
use tokio_stream::wrappers::ReceiverStream;
use tokio_stream::StreamExt;
use tonic::transport::Channel;
use tonic::Code;

/// A running server and what stops it.
struct Running {
    addr: String,
    stop: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<Result<(), tonic::transport::Error>>,
}

impl Running {
    async fn client(&self) -> DemoClient<Channel> {
        DemoClient::connect(format!("http://{}", self.addr))
            .await
            .unwrap()
    }

    async fn stop(mut self) {
        let _ = self.stop.take().unwrap().send(());
        tokio::time::timeout(Duration::from_secs(10), self.task)
            .await
            .expect("the server stops")
            .unwrap()
            .unwrap();
    }
}

async fn start(config: ServerConfig) -> Running {
    let (listener, local) = calculator::bind("127.0.0.1:0").await.unwrap();
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(calculator::serve(listener, config, async {
        let _ = stopped.await;
    }));
    Running {
        addr: local.to_string(),
        stop: Some(stop),
        task,
    }
}

fn work(num1: i32, num2: i32, op: i32) -> Work {
    Work { num1, num2, op }
}

#[tokio::test]
async fn calculate_answers_like_the_seed() {
    let server = start(ServerConfig::default()).await;
    let mut client = server.client().await;
    let calc = |w: Work| {
        let mut client = client.clone();
        async move { client.calculate(w).await.map(|r| r.into_inner().val) }
    };
    assert_eq!(
        calc(work(100, 20, Operation::Add as i32)).await.unwrap(),
        120
    );
    assert_eq!(
        calc(work(100, 20, Operation::Subtract as i32))
            .await
            .unwrap(),
        80
    );
    assert_eq!(
        calc(work(100, 20, Operation::Multiply as i32))
            .await
            .unwrap(),
        2000
    );
    assert_eq!(
        calc(work(100, 20, Operation::Divide as i32)).await.unwrap(),
        5
    );
    // Python's // floors.
    assert_eq!(
        calc(work(-7, 2, Operation::Divide as i32)).await.unwrap(),
        -4
    );
    assert_eq!(
        calc(work(7, -2, Operation::Divide as i32)).await.unwrap(),
        -4
    );

    let status = calc(work(1, 0, Operation::Divide as i32))
        .await
        .unwrap_err();
    assert_eq!(
        (status.code(), status.message()),
        (Code::InvalidArgument, "cannot divide by 0")
    );
    let status = calc(work(1, 2, 9)).await.unwrap_err();
    assert_eq!(
        (status.code(), status.message()),
        (Code::InvalidArgument, "invalid operation")
    );
    let status = calc(work(i32::MAX, 1, Operation::Add as i32))
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::OutOfRange);
    let status = calc(work(i32::MIN, -1, Operation::Divide as i32))
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::OutOfRange);

    // The server keeps serving after errors.
    assert_eq!(
        client
            .calculate(work(2, 3, Operation::Multiply as i32))
            .await
            .unwrap()
            .into_inner()
            .val,
        6
    );
    server.stop().await;
}

#[tokio::test]
async fn subjects_per_city_in_the_seeds_order() {
    let server = start(ServerConfig::default()).await;
    let mut client = server.client().await;
    let names = |city: &str| {
        let mut client = client.clone();
        let city = City { name: city.into() };
        async move {
            let mut stream = client.get_subjects(city).await?.into_inner();
            let mut names = Vec::new();
            while let Some(subject) = stream.next().await {
                names.push(subject?.name);
            }
            Ok::<_, tonic::Status>(names)
        }
    };
    assert_eq!(
        names("beijing").await.unwrap(),
        [
            "python",
            "c++",
            "go",
            "产品经理",
            "测试",
            "运维",
            "java",
            "php"
        ]
    );
    assert_eq!(
        names("wuhan").await.unwrap(),
        ["python", "测试", "java", "php"]
    );
    assert_eq!(names("paris").await.unwrap_err().code(), Code::NotFound);
    let _ = client.calculate(work(1, 1, 0)).await.unwrap();
    server.stop().await;
}

#[tokio::test]
async fn accumulate_sums_and_checks_overflow() {
    let server = start(ServerConfig::default()).await;
    let mut client = server.client().await;
    let deltas = tokio_stream::iter((1..=10).map(|val| Delta { val }));
    assert_eq!(
        client.accumulate(deltas).await.unwrap().into_inner().val,
        55
    );

    // A 20,000-message client stream.
    let deltas = tokio_stream::iter((0..20_000).map(|i| Delta { val: i % 7 }));
    let expected: i32 = (0..20_000).map(|i| i % 7).sum();
    assert_eq!(
        client.accumulate(deltas).await.unwrap().into_inner().val,
        expected
    );

    let deltas = tokio_stream::iter([Delta { val: i32::MAX }, Delta { val: 1 }]);
    assert_eq!(
        client.accumulate(deltas).await.unwrap_err().code(),
        Code::OutOfRange
    );
    server.stop().await;
}

#[tokio::test]
async fn guess_number_answers_each_guess_as_it_arrives() {
    let server = start(ServerConfig::default()).await;
    let mut client = server.client().await;
    let (send, receive) = mpsc::channel(4);
    let mut answers = client
        .guess_number(ReceiverStream::new(receive))
        .await
        .unwrap()
        .into_inner();
    // One number at a time: its answer comes back before the next is sent.
    for val in [3, 0, 9] {
        send.send(Number { val }).await.unwrap();
        let answer = tokio::time::timeout(Duration::from_secs(5), answers.next())
            .await
            .expect("answered before the stream ends")
            .unwrap()
            .unwrap();
        assert_eq!((answer.val, answer.desc.as_str()), (val, "bingo"));
    }
    // Numbers outside 0..9 get no answer; the next winning one does.
    send.send(Number { val: 15 }).await.unwrap();
    send.send(Number { val: -1 }).await.unwrap();
    send.send(Number { val: 4 }).await.unwrap();
    let answer = answers.next().await.unwrap().unwrap();
    assert_eq!(answer.val, 4);
    drop(send);
    assert!(answers.next().await.is_none());
    server.stop().await;
}

#[tokio::test]
async fn fifty_concurrent_clients() {
    let server = start(ServerConfig::default()).await;
    let mut tasks = Vec::new();
    for i in 0..50 {
        let mut client = server.client().await;
        tasks.push(tokio::spawn(async move {
            let product = client
                .calculate(work(i, 3, Operation::Multiply as i32))
                .await
                .unwrap()
                .into_inner()
                .val;
            let deltas = tokio_stream::iter((0..100).map(move |_| Delta { val: i }));
            let sum = client.accumulate(deltas).await.unwrap().into_inner().val;
            (product, sum)
        }));
    }
    for (i, task) in tasks.into_iter().enumerate() {
        let i = i as i32;
        assert_eq!(task.await.unwrap(), (i * 3, i * 100));
    }
    server.stop().await;
}

#[tokio::test]
async fn disconnects_and_oversized_messages_leave_the_server_serving() {
    let server = start(ServerConfig {
        max_message_size: 1024,
        ..ServerConfig::default()
    })
    .await;

    // A client stream that stops mid-way: the client goes away.
    {
        let mut client = server.client().await;
        let (send, receive) = mpsc::channel(4);
        send.send(Delta { val: 1 }).await.unwrap();
        let call =
            tokio::spawn(async move { client.accumulate(ReceiverStream::new(receive)).await });
        tokio::time::sleep(Duration::from_millis(100)).await;
        call.abort();
        let _ = call.await;
        drop(send);
    }

    // An oversized request gets gRPC's status for it.
    let mut client = server.client().await;
    let status = client
        .get_subjects(City {
            name: "x".repeat(10_000),
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::ResourceExhausted, "{status:?}");

    // And the server still answers.
    let val = client
        .calculate(work(6, 7, Operation::Multiply as i32))
        .await
        .unwrap()
        .into_inner()
        .val;
    assert_eq!(val, 42);
    server.stop().await;
}

#[tokio::test]
async fn the_client_prints_the_seed_clients_lines() {
    let server = start(ServerConfig::default()).await;
    let mut out = Vec::new();
    client::run(&server.addr, &mut out, &mut client::Dice::from_clock())
        .await
        .unwrap();
    let text = String::from_utf8(out).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        &lines[..13],
        [
            "100 + 20 = 120",
            "100 - 20 = 80",
            "100 * 20 = 2000",
            "100 // 20 = 5",
            "StatusCode.INVALID_ARGUMENT: cannot divide by 0",
            "python",
            "c++",
            "go",
            "产品经理",
            "测试",
            "运维",
            "java",
            "php",
        ]
    );
    // Ten deltas, then their sum.
    let deltas: Vec<i32> = lines[13..23].iter().map(|l| l.parse().unwrap()).collect();
    assert_eq!(lines[23], format!("sum={}", deltas.iter().sum::<i32>()));
    // Ten guesses from 1 to 20, then a bingo for each one below 10.
    let guesses: Vec<i32> = lines[24..34].iter().map(|l| l.parse().unwrap()).collect();
    let bingos: Vec<String> = guesses
        .iter()
        .filter(|g| (0..10).contains(*g))
        .map(|g| format!("bingo: {g}"))
        .collect();
    assert_eq!(&lines[34..], bingos);
    server.stop().await;
}
