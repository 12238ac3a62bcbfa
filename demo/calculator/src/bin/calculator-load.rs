//! `calculator-load`: load figures for the calculator server, against
//! 127.0.0.1 only, each run bounded in time or count. It starts the
//! server itself (the `calculator` binary next to it, or `--server`), once
//! per scenario, so that it can read the server's CPU time, peak RSS and
//! open descriptors from /proc, set its descriptor limit and signal it.
//! Linux only. `scripts/calculator-load.sh` builds and runs it in release.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use calculator::harness::{OnePerFrame, ServerProcess};
use calculator::proto::demo_client::DemoClient;
use calculator::proto::{work::Operation, Delta, Number, Work};
use clap::{Parser, ValueEnum};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::{mpsc, watch};
use tokio_stream::wrappers::ReceiverStream;
use tokio_stream::StreamExt;
use tonic::transport::Channel;

type Error = Box<dyn std::error::Error + Send + Sync>;

#[derive(Parser)]
#[command(about = "Load figures for `calculator serve`, on 127.0.0.1")]
struct Args {
    /// The `calculator` binary to run (default: the one next to this one).
    #[arg(long)]
    server: Option<PathBuf>,
    /// Seconds each unary run lasts.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u64).range(1..=600))]
    seconds: u64,
    /// Run only these scenarios (default: all).
    #[arg(long, value_enum)]
    only: Vec<Scenario>,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Scenario {
    Unary,
    ClientStream,
    Bidi,
    Idle,
    Descriptors,
    Shutdown,
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args = Args::parse();
    let server = match &args.server {
        Some(path) => path.clone(),
        None => match std::env::current_exe() {
            Ok(exe) => exe.with_file_name("calculator"),
            Err(error) => {
                eprintln!("cannot find the calculator binary: {error}; pass --server");
                return std::process::ExitCode::FAILURE;
            }
        },
    };
    let wanted = |scenario| args.only.is_empty() || args.only.contains(&scenario);
    let unary_seconds = Duration::from_secs(args.seconds);
    let mut failed = false;
    let mut report = |name: &str, result: Result<(), Error>| {
        if let Err(error) = result {
            println!("{name}: FAILED: {error}");
            failed = true;
        }
    };
    if wanted(Scenario::Unary) {
        for clients in [50, 200] {
            report("unary", unary(&server, clients, unary_seconds).await);
        }
    }
    if wanted(Scenario::ClientStream) {
        report("client stream", client_stream(&server).await);
    }
    if wanted(Scenario::Bidi) {
        report("bidi", bidi(&server, 50, 200).await);
    }
    if wanted(Scenario::Idle) {
        report("idle", idle_connections(&server, 1_000).await);
    }
    if wanted(Scenario::Descriptors) {
        report("descriptors", descriptors_exhausted(&server).await);
    }
    if wanted(Scenario::Shutdown) {
        report("shutdown", shutdown(&server).await);
    }
    if failed {
        std::process::ExitCode::FAILURE
    } else {
        std::process::ExitCode::SUCCESS
    }
}

/// Unary Calculate calls from `clients` clients, one connection each, each
/// calling in a loop for `duration`.
async fn unary(server_bin: &Path, clients: usize, duration: Duration) -> Result<(), Error> {
    let server = start(server_bin, &[], None)?;
    let mut connections = Vec::with_capacity(clients);
    for _ in 0..clients {
        connections.push(connect(&server).await?);
    }
    let cpu_before = server.cpu_time();
    let started = Instant::now();
    let deadline = started + duration;
    let workers: Vec<_> = connections
        .into_iter()
        .map(|mut client| {
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                let mut num1 = 0;
                while Instant::now() < deadline {
                    let work = Work {
                        num1,
                        num2: 3,
                        op: Operation::Add as i32,
                    };
                    let sent = Instant::now();
                    let val = client.calculate(work).await?.into_inner().val;
                    latencies.push(sent.elapsed());
                    if val != num1 + 3 {
                        return Err(format!("{num1} + 3 answered {val}").into());
                    }
                    num1 = (num1 + 1) % 1_000_000;
                }
                Ok::<_, Error>(latencies)
            })
        })
        .collect();
    let mut latencies = Vec::new();
    for worker in workers {
        latencies.extend(worker.await??);
    }
    let elapsed = started.elapsed();
    let cpu = server.cpu_time().saturating_sub(cpu_before);
    latencies.sort();
    let calls = latencies.len();
    println!(
        "unary Calculate, {clients} clients ({clients} connections), {:.1} s: {} calls, {:.0} calls/s; latency p50 {}, p99 {}, max {}; server CPU {:.0}% of one core, peak RSS {}",
        elapsed.as_secs_f64(),
        calls,
        calls as f64 / elapsed.as_secs_f64(),
        millis(percentile(&latencies, 0.50)),
        millis(percentile(&latencies, 0.99)),
        millis(latencies.last().copied().unwrap_or_default()),
        100.0 * cpu.as_secs_f64() / elapsed.as_secs_f64(),
        megabytes(server.peak_rss()),
    );
    Ok(())
}

/// One Accumulate stream of 1,000,000 messages: packed by tonic into
/// large DATA frames, then one message per DATA frame.
async fn client_stream(server_bin: &Path) -> Result<(), Error> {
    const COUNT: i32 = 1_000_000;
    let expected: i32 = (0..COUNT).map(|i| i % 3).sum();
    for one_per_frame in [false, true] {
        let server = start(server_bin, &[], None)?;
        let mut client = connect(&server).await?;
        let deltas = (0..COUNT).map(|i| Delta { val: i % 3 });
        let started = Instant::now();
        let sum = if one_per_frame {
            client.accumulate(OnePerFrame::new(deltas)).await
        } else {
            client.accumulate(tokio_stream::iter(deltas)).await
        }?
        .into_inner()
        .val;
        let elapsed = started.elapsed();
        if sum != expected {
            return Err(format!("the sum is {sum}, not {expected}").into());
        }
        println!(
            "client stream, {COUNT} Delta messages {}: {:.2} s, {:.0} messages/s, sum right; server peak RSS {}",
            if one_per_frame {
                "one per DATA frame"
            } else {
                "packed by tonic (a few thousand per DATA frame)"
            },
            elapsed.as_secs_f64(),
            f64::from(COUNT) / elapsed.as_secs_f64(),
            megabytes(server.peak_rss()),
        );
    }
    Ok(())
}

/// `connections` × `per_connection` GuessNumber streams open at once:
/// each sends a guess and gets its answer, waits until every stream has,
/// then sends another, gets its answer and half-closes.
async fn bidi(server_bin: &Path, connections: usize, per_connection: usize) -> Result<(), Error> {
    let total = connections * per_connection;
    let server = start(server_bin, &[], None)?;
    let baseline_rss = server.rss();
    let started = Instant::now();
    let answered = Arc::new(AtomicUsize::new(0));
    let (release, released) = watch::channel(false);
    let mut streams = Vec::with_capacity(total);
    for _ in 0..connections {
        let client = connect(&server).await?;
        for i in 0..per_connection {
            let mut client = client.clone();
            let answered = Arc::clone(&answered);
            let mut released = released.clone();
            let guess = (i % 10) as i32;
            streams.push(tokio::spawn(async move {
                let (numbers, receive) = mpsc::channel(2);
                numbers.send(Number { val: guess }).await?;
                let mut answers = client
                    .guess_number(ReceiverStream::new(receive))
                    .await?
                    .into_inner();
                let first = answers.next().await.ok_or("no first answer")??;
                if first.val != guess {
                    return Err(Error::from("a wrong answer"));
                }
                answered.fetch_add(1, Ordering::Relaxed);
                released.wait_for(|go| *go).await?;
                numbers.send(Number { val: 9 - guess }).await?;
                let second = answers.next().await.ok_or("no second answer")??;
                if second.val != 9 - guess {
                    return Err(Error::from("a wrong answer"));
                }
                drop(numbers);
                if answers.next().await.is_some() {
                    return Err(Error::from("an answer after the last"));
                }
                Ok(())
            }));
        }
    }
    let all_open_by = Instant::now() + Duration::from_secs(120);
    while answered.load(Ordering::Relaxed) < total {
        if Instant::now() > all_open_by {
            return Err(format!(
                "only {} of {total} streams answered in 120 s",
                answered.load(Ordering::Relaxed)
            )
            .into());
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let open_after = started.elapsed();
    let rss_all_open = server.rss();
    let fds_all_open = server.open_fds();
    let _ = release.send(true);
    let mut failures = 0;
    for stream in streams {
        if !matches!(stream.await, Ok(Ok(()))) {
            failures += 1;
        }
    }
    let elapsed = started.elapsed();
    println!(
        "bidi GuessNumber, {total} streams open at once ({connections} connections x {per_connection}): all answered in {:.2} s, all done in {:.2} s, {failures} failed; server RSS {} idle, {} with all open, peak {}; {fds_all_open} descriptors",
        open_after.as_secs_f64(),
        elapsed.as_secs_f64(),
        megabytes(baseline_rss),
        megabytes(rss_all_open),
        megabytes(server.peak_rss()),
    );
    if failures > 0 {
        return Err(format!("{failures} streams failed").into());
    }
    Ok(())
}

/// `sockets` connections that stall: half stop in the middle of the
/// preface (the handshake timeout drops them), half after the handshake
/// in the middle of a frame header (keepalive drops them).
async fn idle_connections(server_bin: &Path, sockets: usize) -> Result<(), Error> {
    const PREFACE: &[u8] = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
    const EMPTY_SETTINGS: &[u8] = &[0, 0, 0, 4, 0, 0, 0, 0, 0];
    let server = start(
        server_bin,
        &[
            "--handshake-timeout",
            "2",
            "--keepalive-interval",
            "2",
            "--keepalive-timeout",
            "2",
        ],
        None,
    )?;
    let baseline_fds = server.open_fds();
    let cpu_before = server.cpu_time();
    let started = Instant::now();
    let mut stalled = Vec::with_capacity(sockets);
    for i in 0..sockets {
        let mut socket = tokio::net::TcpStream::connect(&server.addr).await?;
        let in_preface = i % 2 == 0;
        if in_preface {
            socket.write_all(&PREFACE[..16]).await?;
        } else {
            socket.write_all(PREFACE).await?;
            socket.write_all(EMPTY_SETTINGS).await?;
            socket.write_all(&[0, 0, 40, 1]).await?;
        }
        stalled.push(tokio::spawn(async move {
            let mut buf = [0u8; 1024];
            let closed = tokio::time::timeout(Duration::from_secs(20), async {
                loop {
                    match socket.read(&mut buf).await {
                        Ok(0) | Err(_) => break,
                        Ok(_) => {}
                    }
                }
            })
            .await;
            (in_preface, closed.ok().map(|()| started.elapsed()))
        }));
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let fds_held = server.open_fds();
    let mut client = connect(&server).await?;
    let asked = Instant::now();
    client
        .calculate(Work {
            num1: 1,
            num2: 2,
            op: Operation::Add as i32,
        })
        .await?;
    let answer_time = asked.elapsed();
    let (mut preface_closed, mut frame_closed) = (Vec::new(), Vec::new());
    let mut still_open = 0;
    for socket in stalled {
        match socket.await? {
            (true, Some(after)) => preface_closed.push(after),
            (false, Some(after)) => frame_closed.push(after),
            (_, None) => still_open += 1,
        }
    }
    let cpu = server.cpu_time().saturating_sub(cpu_before);
    let latest = |closed: &[Duration]| closed.iter().max().copied().unwrap_or_default();
    println!(
        "idle: {sockets} stalled sockets (--handshake-timeout 2 --keepalive-interval 2 --keepalive-timeout 2): server descriptors {baseline_fds} -> {fds_held}; a call meanwhile answered in {}; {} stalled in the preface closed by {:.1} s, {} stalled mid-frame closed by {:.1} s, {still_open} still open after 20 s; descriptors after: {}; server CPU {:.2} s in all",
        millis(answer_time),
        preface_closed.len(),
        latest(&preface_closed).as_secs_f64(),
        frame_closed.len(),
        latest(&frame_closed).as_secs_f64(),
        server.open_fds(),
        cpu.as_secs_f64(),
    );
    if still_open > 0 {
        return Err(format!("{still_open} stalled sockets were not closed").into());
    }
    Ok(())
}

/// 300 idle connections against a server limited to 256 descriptors: CPU
/// while accept fails, an open connection's calls, then recovery.
async fn descriptors_exhausted(server_bin: &Path) -> Result<(), Error> {
    let server = start(server_bin, &["--handshake-timeout", "60"], Some(256))?;
    let mut established = connect(&server).await?;
    let mut idle = Vec::with_capacity(300);
    for _ in 0..300 {
        idle.push(tokio::net::TcpStream::connect(&server.addr).await?);
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let cpu_before = server.cpu_time();
    let measured = Instant::now();
    tokio::time::sleep(Duration::from_secs(2)).await;
    let cpu = server.cpu_time().saturating_sub(cpu_before);
    let cpu_share = cpu.as_secs_f64() / measured.elapsed().as_secs_f64();
    let mut slowest = Duration::ZERO;
    for num1 in 0..10 {
        let asked = Instant::now();
        let work = Work {
            num1,
            num2: 1,
            op: Operation::Add as i32,
        };
        tokio::time::timeout(Duration::from_secs(5), established.calculate(work)).await??;
        slowest = slowest.max(asked.elapsed());
    }
    let warnings = server
        .log()
        .lines()
        .filter(|line| line.contains("WARN") && line.contains("accept"))
        .count();
    drop(idle);
    let freed = Instant::now();
    let mut fresh = tokio::time::timeout(Duration::from_secs(5), connect(&server)).await??;
    fresh
        .calculate(Work {
            num1: 1,
            num2: 1,
            op: Operation::Add as i32,
        })
        .await?;
    println!(
        "descriptors: 300 idle connections, server limited to 256 descriptors: server CPU {:.1}% of one core while accept fails; 10 calls on an open connection, slowest {}; {warnings} accept warnings in 2.5 s; a new connection answered {} after the idle ones closed",
        100.0 * cpu_share,
        millis(slowest),
        millis(freed.elapsed()),
    );
    Ok(())
}

/// SIGTERM with 50 streams open and a 2 s grace period; then SIGTERM and
/// SIGINT half a second apart with a 60 s one.
async fn shutdown(server_bin: &Path) -> Result<(), Error> {
    let mut server = start(server_bin, &["--shutdown-grace", "2"], None)?;
    let streams = open_guess_streams(&server, 5, 10).await?;
    let signalled = Instant::now();
    let _ = server.signal(libc::SIGTERM);
    let exited = server.wait_exit(Duration::from_secs(10)).ok_or("no exit")?;
    let exit_time = signalled.elapsed();
    let mut unavailable = 0;
    for (_numbers, mut answers) in streams {
        if let Some(Err(status)) = answers.next().await {
            if status.code() == tonic::Code::Unavailable {
                unavailable += 1;
            }
        }
    }
    println!(
        "shutdown: SIGTERM with 50 streams open on 5 connections, --shutdown-grace 2: exited ({exited}) after {:.2} s; {unavailable} of 50 streams ended UNAVAILABLE",
        exit_time.as_secs_f64()
    );

    let mut server = start(server_bin, &["--shutdown-grace", "60"], None)?;
    let _streams = open_guess_streams(&server, 5, 10).await?;
    let _ = server.signal(libc::SIGTERM);
    tokio::time::sleep(Duration::from_millis(500)).await;
    let signalled = Instant::now();
    let _ = server.signal(libc::SIGINT);
    let exited = server.wait_exit(Duration::from_secs(10)).ok_or("no exit")?;
    println!(
        "shutdown: SIGTERM, then SIGINT 0.5 s later, 50 streams open, --shutdown-grace 60: exited ({exited}) {:.2} s after the second signal",
        signalled.elapsed().as_secs_f64()
    );
    Ok(())
}

type GuessStream = (
    mpsc::Sender<Number>,
    tonic::Streaming<calculator::proto::Answer>,
);

async fn open_guess_streams(
    server: &ServerProcess,
    connections: usize,
    per_connection: usize,
) -> Result<Vec<GuessStream>, Error> {
    let mut streams = Vec::new();
    for _ in 0..connections {
        let mut client = connect(server).await?;
        for _ in 0..per_connection {
            let (numbers, receive) = mpsc::channel(2);
            numbers.send(Number { val: 1 }).await?;
            let mut answers = client
                .guess_number(ReceiverStream::new(receive))
                .await?
                .into_inner();
            answers.next().await.ok_or("no answer")??;
            streams.push((numbers, answers));
        }
    }
    Ok(streams)
}

async fn connect(server: &ServerProcess) -> Result<DemoClient<Channel>, Error> {
    Ok(DemoClient::connect(format!("http://{}", server.addr)).await?)
}

fn percentile(sorted: &[Duration], share: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let index = ((sorted.len() - 1) as f64 * share).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

fn millis(duration: Duration) -> String {
    format!("{:.2} ms", duration.as_secs_f64() * 1000.0)
}

fn megabytes(kilobytes: u64) -> String {
    format!("{:.1} MB", kilobytes as f64 / 1024.0)
}

/// `calculator serve` with `args`, logging at INFO (the scenarios read
/// its log).
fn start(bin: &Path, args: &[&str], fd_limit: Option<u64>) -> Result<ServerProcess, Error> {
    Ok(ServerProcess::start(bin, args, Some("info"), fd_limit)?)
}
