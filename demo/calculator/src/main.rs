//! `calculator serve` and `calculator client`: the seed tutorial's server
//! and client, in Rust.

use std::process::ExitCode;
use std::time::Duration;

use calculator::{
    client, Server, ServerConfig, DEFAULT_ADDR, DEFAULT_CONNECTION_WINDOW,
    DEFAULT_HANDSHAKE_TIMEOUT, DEFAULT_KEEPALIVE_INTERVAL, DEFAULT_KEEPALIVE_TIMEOUT,
    DEFAULT_MAX_MESSAGE_SIZE, DEFAULT_SHUTDOWN_GRACE, DEFAULT_STREAM_WINDOW,
};
use clap::builder::RangedU64ValueParser;
use clap::{Parser, Subcommand};
use tokio::sync::watch;

/// The longest timeout or period the flags take: a day. Longer ones are
/// almost certainly a mistake (milliseconds for seconds).
const LONGEST_SECONDS: u64 = 24 * 60 * 60;

#[derive(Parser)]
#[command(
    version,
    about = "The seed tutorial's Demo service: calculator, subjects, sums, guesses"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the Demo service until Ctrl-C or SIGTERM (a second one stops
    /// at once).
    Serve(ServeArgs),
    /// Make the seed client's calls and print their results.
    Client {
        #[arg(long, default_value = DEFAULT_ADDR)]
        addr: String,
    },
}

#[derive(clap::Args)]
struct ServeArgs {
    #[arg(long, default_value = DEFAULT_ADDR)]
    addr: String,
    /// The largest request or response, in bytes: 1 to 4,294,967,295
    /// (gRPC's length prefix is 32 bits).
    #[arg(
        long,
        default_value_t = DEFAULT_MAX_MESSAGE_SIZE,
        value_parser = RangedU64ValueParser::<usize>::new().range(1..=u64::from(u32::MAX))
    )]
    max_message_size: usize,
    /// Seconds a new connection has to send the HTTP/2 preface and SETTINGS.
    #[arg(
        long,
        value_name = "SECONDS",
        default_value_t = DEFAULT_HANDSHAKE_TIMEOUT.as_secs(),
        value_parser = clap::value_parser!(u64).range(1..=LONGEST_SECONDS)
    )]
    handshake_timeout: u64,
    /// Seconds a connection may be silent before the server PINGs it.
    #[arg(
        long,
        value_name = "SECONDS",
        default_value_t = DEFAULT_KEEPALIVE_INTERVAL.as_secs(),
        value_parser = clap::value_parser!(u64).range(1..=LONGEST_SECONDS)
    )]
    keepalive_interval: u64,
    /// Seconds a PING may go unanswered before the connection is dropped.
    #[arg(
        long,
        value_name = "SECONDS",
        default_value_t = DEFAULT_KEEPALIVE_TIMEOUT.as_secs(),
        value_parser = clap::value_parser!(u64).range(1..=LONGEST_SECONDS)
    )]
    keepalive_timeout: u64,
    /// Seconds a shutdown waits for open streams before ending them with
    /// UNAVAILABLE (0: end them at once).
    #[arg(
        long,
        value_name = "SECONDS",
        default_value_t = DEFAULT_SHUTDOWN_GRACE.as_secs(),
        value_parser = clap::value_parser!(u64).range(0..=LONGEST_SECONDS)
    )]
    shutdown_grace: u64,
}

impl ServeArgs {
    fn config(&self) -> ServerConfig {
        ServerConfig {
            max_message_size: self.max_message_size,
            handshake_timeout: Duration::from_secs(self.handshake_timeout),
            keepalive_interval: Duration::from_secs(self.keepalive_interval),
            keepalive_timeout: Duration::from_secs(self.keepalive_timeout),
            shutdown_grace: Duration::from_secs(self.shutdown_grace),
            stream_window: DEFAULT_STREAM_WINDOW,
            connection_window: DEFAULT_CONNECTION_WINDOW,
        }
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    match Cli::parse().command {
        Command::Serve(args) => serve(&args).await,
        Command::Client { addr } => {
            let mut stdout = std::io::stdout();
            match client::run(&addr, &mut stdout, &mut client::Dice::from_clock()).await {
                Ok(()) => ExitCode::SUCCESS,
                Err(error) => {
                    tracing::error!(%error, "call failed");
                    ExitCode::FAILURE
                }
            }
        }
    }
}

async fn serve(args: &ServeArgs) -> ExitCode {
    // Before the address is printed: a signal sent as soon as it is must
    // find its handler installed.
    let signals = match Signals::install() {
        Ok(signals) => signals,
        Err(error) => {
            tracing::error!(%error, "cannot handle SIGTERM and SIGINT");
            return ExitCode::FAILURE;
        }
    };
    let (listener, local) = match calculator::bind(&args.addr).await {
        Ok(bound) => bound,
        Err(error) => {
            tracing::error!(addr = %args.addr, %error, "cannot listen");
            return ExitCode::FAILURE;
        }
    };
    tracing::info!(%local, "serving the Demo service");
    let received = signals.count();
    tokio::spawn(signals.forward());
    let server = Server::new(args.config());
    match server
        .run(
            listener,
            signals_received(received.clone(), 1),
            signals_received(received, 2),
        )
        .await
    {
        Ok(()) => {
            tracing::info!("stopped");
            ExitCode::SUCCESS
        }
        Err(error) => {
            tracing::error!(%error, "server failed");
            ExitCode::FAILURE
        }
    }
}

/// Completes once `count` termination signals have been received.
async fn signals_received(mut received: watch::Receiver<u32>, count: u32) {
    // The sender lives as long as the process: an error cannot happen,
    // and would mean no more signals anyway.
    if received.wait_for(|n| *n >= count).await.is_err() {
        std::future::pending::<()>().await;
    }
}

/// SIGTERM and SIGINT (Ctrl-C), counted: the first starts a graceful
/// shutdown, the second stops at once.
struct Signals {
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
    count: watch::Sender<u32>,
}

impl Signals {
    #[cfg(unix)]
    fn install() -> std::io::Result<Signals> {
        use tokio::signal::unix::{signal, SignalKind};
        Ok(Signals {
            terminate: signal(SignalKind::terminate())?,
            interrupt: signal(SignalKind::interrupt())?,
            count: watch::Sender::new(0),
        })
    }

    #[cfg(not(unix))]
    fn install() -> std::io::Result<Signals> {
        Ok(Signals {
            count: watch::Sender::new(0),
        })
    }

    fn count(&self) -> watch::Receiver<u32> {
        self.count.subscribe()
    }

    #[cfg(unix)]
    async fn forward(mut self) {
        loop {
            let name = tokio::select! {
                Some(()) = self.terminate.recv() => "SIGTERM",
                Some(()) = self.interrupt.recv() => "SIGINT",
                else => return,
            };
            self.received(name);
        }
    }

    #[cfg(not(unix))]
    async fn forward(self) {
        while tokio::signal::ctrl_c().await.is_ok() {
            self.received("Ctrl-C");
        }
    }

    fn received(&self, name: &str) {
        self.count.send_modify(|n| *n += 1);
        if *self.count.borrow() == 1 {
            tracing::info!(
                signal = name,
                "shutting down (a second signal stops at once)"
            );
        } else {
            tracing::warn!(signal = name, "second signal: stopping at once");
        }
    }
}
