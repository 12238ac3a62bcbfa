//! `calculator serve` and `calculator client`: the seed tutorial's server
//! and client, in Rust.

use std::process::ExitCode;

use calculator::{client, ServerConfig, DEFAULT_ADDR, DEFAULT_MAX_MESSAGE_SIZE};
use clap::{Parser, Subcommand};

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
    /// Serve the Demo service until Ctrl-C or SIGTERM.
    Serve {
        #[arg(long, default_value = DEFAULT_ADDR)]
        addr: String,
        /// The largest request or response, in bytes.
        #[arg(long, default_value_t = DEFAULT_MAX_MESSAGE_SIZE)]
        max_message_size: usize,
    },
    /// Make the seed client's calls and print their results.
    Client {
        #[arg(long, default_value = DEFAULT_ADDR)]
        addr: String,
    },
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
        Command::Serve {
            addr,
            max_message_size,
        } => serve(&addr, max_message_size).await,
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

async fn serve(addr: &str, max_message_size: usize) -> ExitCode {
    let (listener, local) = match calculator::bind(addr).await {
        Ok(bound) => bound,
        Err(error) => {
            tracing::error!(%addr, %error, "cannot listen");
            return ExitCode::FAILURE;
        }
    };
    tracing::info!(%local, "serving the Demo service");
    let config = ServerConfig { max_message_size };
    match calculator::serve(listener, config, shutdown_signal()).await {
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

/// Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
    tracing::info!("shutting down");
}
