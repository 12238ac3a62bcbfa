//! Accepting connections, and the sockets the HTTP/2 server reads and
//! writes through.
//!
//! tonic's own accept loop retries a failed `accept` at once, and without
//! a word: when the process is out of file descriptors, `accept` fails
//! with EMFILE for as long as the connections that hold them stay open,
//! and the loop spins a core. [`Incoming`] backs off instead, and says so.
//!
//! HTTP/2 keepalive (hyper's PINGs) only starts once the handshake is
//! done, and tonic bounds no handshake: a client that sends half the
//! preface, or nothing, held its socket forever. [`Connection`] drops a
//! client that has not sent the whole preface and its first SETTINGS frame
//! in time, and closes its socket when the server stops for good.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{ready, Context, Poll};
use std::time::{Duration, Instant};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::time::Sleep;
use tokio_stream::Stream;
use tonic::transport::server::{Connected, TcpConnectInfo};

use crate::{phase_reached, Activity, Phase};

/// The first pause after a failed `accept`; each failure in a row doubles
/// it, up to [`LONGEST_ACCEPT_PAUSE`]. Short, since the descriptors may
/// come back at any moment; long enough that a lasting shortage costs
/// nothing.
const FIRST_ACCEPT_PAUSE: Duration = Duration::from_millis(10);
const LONGEST_ACCEPT_PAUSE: Duration = Duration::from_millis(100);

/// At most one warning about failing accepts per this long, with the
/// number of failures since the last one.
const ACCEPT_WARNING_INTERVAL: Duration = Duration::from_secs(5);

/// The client's connection preface (RFC 9113, section 3.4) is 24 bytes;
/// a frame header is 9.
const PREFACE_LEN: usize = 24;
const FRAME_HEADER_LEN: usize = 9;

/// The listener's connections, as tonic's `serve_with_incoming` takes
/// them. It never yields an error: a failed `accept` is logged and waited
/// out here.
pub(crate) struct Incoming {
    listener: TcpListener,
    handshake_timeout: Duration,
    phase: watch::Receiver<Phase>,
    activity: Arc<Activity>,
    pause: Option<Pin<Box<Sleep>>>,
    next_pause: Duration,
    warnings: AcceptWarnings,
}

impl Incoming {
    pub(crate) fn new(
        listener: TcpListener,
        handshake_timeout: Duration,
        phase: watch::Receiver<Phase>,
        activity: Arc<Activity>,
    ) -> Incoming {
        Incoming {
            listener,
            handshake_timeout,
            phase,
            activity,
            pause: None,
            next_pause: FIRST_ACCEPT_PAUSE,
            warnings: AcceptWarnings::default(),
        }
    }
}

/// Errors about one pending connection, which is gone: the next one may
/// be fine, so there is no reason to wait.
fn concerns_one_connection(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionRefused
            | io::ErrorKind::Interrupted
    )
}

impl Stream for Incoming {
    type Item = io::Result<Connection>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        loop {
            if let Some(pause) = &mut this.pause {
                ready!(pause.as_mut().poll(cx));
                this.pause = None;
            }
            match ready!(this.listener.poll_accept(cx)) {
                Ok((stream, peer)) => {
                    this.next_pause = FIRST_ACCEPT_PAUSE;
                    this.warnings.accepted();
                    // gRPC's messages are small and latency matters: no
                    // Nagle delay (tonic sets it on the listeners it binds).
                    let _ = stream.set_nodelay(true);
                    let connection = Connection::new(
                        stream,
                        peer,
                        this.handshake_timeout,
                        this.phase.clone(),
                        Arc::clone(&this.activity),
                    );
                    return Poll::Ready(Some(Ok(connection)));
                }
                Err(error) if concerns_one_connection(&error) => {
                    tracing::debug!(%error, "a pending connection failed before it was accepted");
                }
                Err(error) => {
                    this.activity.record_accept_error();
                    let pause = this.next_pause;
                    this.warnings.failed(&error, pause);
                    this.next_pause = (pause * 2).min(LONGEST_ACCEPT_PAUSE);
                    this.pause = Some(Box::pin(tokio::time::sleep(pause)));
                }
            }
        }
    }
}

/// Rate-limits the warnings about failing accepts.
#[derive(Default)]
struct AcceptWarnings {
    last_warning: Option<Instant>,
    failures_unreported: u64,
    failing: bool,
}

impl AcceptWarnings {
    fn failed(&mut self, error: &io::Error, pause: Duration) {
        self.failing = true;
        self.failures_unreported += 1;
        let now = Instant::now();
        if self
            .last_warning
            .is_none_or(|last| now.duration_since(last) >= ACCEPT_WARNING_INTERVAL)
        {
            tracing::warn!(
                %error,
                failures = self.failures_unreported,
                pause_ms = pause.as_millis() as u64,
                "accepting connections fails; retrying after a pause (open connections are still served)"
            );
            self.last_warning = Some(now);
            self.failures_unreported = 0;
        }
    }

    fn accepted(&mut self) {
        if self.failing {
            tracing::info!(
                failures_unreported = self.failures_unreported,
                "accepting connections again"
            );
            self.failing = false;
            self.failures_unreported = 0;
        }
    }
}

/// An accepted socket, counted in [`Activity`] while it is open.
pub(crate) struct Connection {
    stream: TcpStream,
    peer: SocketAddr,
    handshake: Option<Handshake>,
    /// Completes when the server closes every connection: reads and writes
    /// then fail, which ends hyper's connection task and drops the socket.
    closing: Pin<Box<dyn Future<Output = ()> + Send>>,
    closed: bool,
    _open: OpenConnection,
}

impl Connection {
    fn new(
        stream: TcpStream,
        peer: SocketAddr,
        handshake_timeout: Duration,
        phase: watch::Receiver<Phase>,
        activity: Arc<Activity>,
    ) -> Connection {
        Connection {
            stream,
            peer,
            handshake: Some(Handshake::new(handshake_timeout)),
            closing: Box::pin(phase_reached(phase, Phase::ClosingConnections)),
            closed: false,
            _open: OpenConnection::new(activity),
        }
    }

    /// An error once the server is closing its connections.
    fn poll_closing(&mut self, cx: &mut Context<'_>) -> io::Result<()> {
        if !self.closed && self.closing.as_mut().poll(cx).is_ready() {
            self.closed = true;
            tracing::debug!(peer = %self.peer, "closing the connection: the server is stopping");
        }
        if self.closed {
            return Err(io::Error::new(
                io::ErrorKind::ConnectionAborted,
                "the server is stopping",
            ));
        }
        Ok(())
    }
}

impl AsyncRead for Connection {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = &mut *self;
        this.poll_closing(cx)?;
        if let Some(handshake) = &mut this.handshake {
            if handshake.deadline.as_mut().poll(cx).is_ready() {
                tracing::debug!(
                    peer = %this.peer,
                    "dropping a connection that sent no HTTP/2 preface and SETTINGS within the handshake timeout"
                );
                return Poll::Ready(Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    "no HTTP/2 preface and SETTINGS within the handshake timeout",
                )));
            }
        }
        let filled_before = buf.filled().len();
        ready!(Pin::new(&mut this.stream).poll_read(cx, buf))?;
        if let Some(handshake) = &mut this.handshake {
            if handshake.observe(&buf.filled()[filled_before..]) {
                this.handshake = None;
            }
        }
        Poll::Ready(Ok(()))
    }
}

impl AsyncWrite for Connection {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.poll_closing(cx)?;
        Pin::new(&mut self.stream).poll_write(cx, data)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.poll_closing(cx)?;
        Pin::new(&mut self.stream).poll_write_vectored(cx, data)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.poll_closing(cx)?;
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

impl Connected for Connection {
    type ConnectInfo = TcpConnectInfo;

    fn connect_info(&self) -> TcpConnectInfo {
        self.stream.connect_info()
    }
}

/// How much of the client's preface and first SETTINGS frame has arrived,
/// and until when the rest may. The bytes are only counted: h2 checks them.
struct Handshake {
    deadline: Pin<Box<Sleep>>,
    seen: usize,
    /// The preface and SETTINGS frame header, then its payload too once
    /// the header has given its length.
    expected: usize,
    settings_header: [u8; FRAME_HEADER_LEN],
}

impl Handshake {
    fn new(timeout: Duration) -> Handshake {
        Handshake {
            deadline: Box::pin(tokio::time::sleep(timeout)),
            seen: 0,
            expected: PREFACE_LEN + FRAME_HEADER_LEN,
            settings_header: [0; FRAME_HEADER_LEN],
        }
    }

    /// Counts `bytes` read from the client; true once the handshake is in.
    fn observe(&mut self, bytes: &[u8]) -> bool {
        let settings_header = PREFACE_LEN..PREFACE_LEN + FRAME_HEADER_LEN;
        for &byte in bytes {
            // Later bytes are frames after the handshake.
            if self.seen >= self.expected {
                break;
            }
            if settings_header.contains(&self.seen) {
                self.settings_header[self.seen - PREFACE_LEN] = byte;
                if self.seen + 1 == settings_header.end {
                    let [a, b, c, ..] = self.settings_header;
                    self.expected += u32::from_be_bytes([0, a, b, c]) as usize;
                }
            }
            self.seen += 1;
        }
        self.seen >= self.expected
    }
}

/// Counts a connection as open until it is dropped.
struct OpenConnection(Arc<Activity>);

impl OpenConnection {
    fn new(activity: Arc<Activity>) -> OpenConnection {
        activity.connection_opened();
        OpenConnection(activity)
    }
}

impl Drop for OpenConnection {
    fn drop(&mut self) {
        self.0.connection_closed();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PREFACE: &[u8] = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

    #[tokio::test]
    async fn the_handshake_ends_with_the_first_settings_payload() {
        // SETTINGS with one 6-byte setting.
        let settings = [0, 0, 6, 4, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 100];
        let whole: Vec<u8> = [PREFACE, &settings].concat();
        for split in 0..whole.len() {
            let mut handshake = Handshake::new(Duration::from_secs(1));
            let done_early = handshake.observe(&whole[..split]);
            assert!(!done_early, "done after {split} bytes");
            assert!(handshake.observe(&whole[split..]), "split at {split}");
        }
        let mut handshake = Handshake::new(Duration::from_secs(1));
        assert!(!handshake.observe(&whole[..whole.len() - 1]));
    }

    #[tokio::test]
    async fn an_empty_settings_frame_ends_the_handshake() {
        let mut handshake = Handshake::new(Duration::from_secs(1));
        assert!(!handshake.observe(PREFACE));
        assert!(handshake.observe(&[0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 4]));
    }
}
