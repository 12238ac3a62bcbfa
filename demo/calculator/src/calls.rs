//! A tower layer around the Demo service that sees every call (HTTP/2
//! stream) from its headers to the end of its response:
//!
//! - it counts the streams open, for [`Activity`] and the shutdown log;
//! - it checks the length prefix of each request message against the
//!   largest allowed, and answers RESOURCE_EXHAUSTED (gRPC's status for
//!   it; tonic's own check answers OUT_OF_RANGE);
//! - it records how the request stream ended ([`RequestEnd`]), since
//!   tonic hands a handler the end of a stream the client cancelled
//!   (RST_STREAM CANCEL) as if the client had half-closed it;
//! - when the server ends the streams still open after the shutdown
//!   grace period, it answers them UNAVAILABLE.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Arc;
use std::task::{ready, Context, Poll};

use bytes::Bytes;
use http::{HeaderMap, HeaderValue};
use http_body::{Frame, SizeHint};
use tokio::sync::watch;
use tonic::body::Body;
use tonic::{Code, Status};
use tower::{Layer, Service};

use crate::{phase_reached, Activity, Phase};

/// gRPC's length-prefixed message header: a compression flag, then the
/// length as 4 big-endian bytes.
const MESSAGE_HEADER_LEN: usize = 5;

/// The status of the streams the server ends at shutdown.
const SHUTTING_DOWN: &str = "the server is shutting down";

#[derive(Clone)]
pub(crate) struct CallsLayer {
    settings: Arc<CallSettings>,
}

struct CallSettings {
    activity: Arc<Activity>,
    max_message_size: usize,
    phase: watch::Receiver<Phase>,
}

impl CallsLayer {
    pub(crate) fn new(
        activity: Arc<Activity>,
        max_message_size: usize,
        phase: watch::Receiver<Phase>,
    ) -> CallsLayer {
        CallsLayer {
            settings: Arc::new(CallSettings {
                activity,
                max_message_size,
                phase,
            }),
        }
    }
}

impl<S> Layer<S> for CallsLayer {
    type Service = Calls<S>;

    fn layer(&self, inner: S) -> Calls<S> {
        Calls {
            inner,
            settings: Arc::clone(&self.settings),
        }
    }
}

#[derive(Clone)]
pub(crate) struct Calls<S> {
    inner: S,
    settings: Arc<CallSettings>,
}

type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;

impl<S> Service<http::Request<Body>> for Calls<S>
where
    S: Service<http::Request<Body>, Response = http::Response<Body>> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    type Response = http::Response<Body>;
    type Error = S::Error;
    type Future = BoxFuture<Result<Self::Response, Self::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<Body>) -> Self::Future {
        let open = OpenStream::new(Arc::clone(&self.settings.activity));
        let end = Arc::new(RequestEnd::default());
        let (mut parts, body) = request.into_parts();
        parts.extensions.insert(Arc::clone(&end));
        let body = Body::new(InboundBody {
            inner: body,
            limit: MessageLimit::new(self.settings.max_message_size),
            end,
            failed: false,
        });
        // The service that was polled ready takes the call; its clone
        // waits for the next one (tower's usual swap).
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let response = inner.call(http::Request::from_parts(parts, body));
        let mut ending_streams: BoxFuture<()> = Box::pin(phase_reached(
            self.settings.phase.clone(),
            Phase::EndingStreams,
        ));
        Box::pin(async move {
            let answered = tokio::select! {
                response = response => Some(response),
                () = &mut ending_streams => None,
            };
            match answered {
                Some(response) => Ok(response?.map(|body| {
                    Body::new(OutboundBody {
                        inner: body,
                        ending_streams,
                        ended: false,
                        _open: open,
                    })
                })),
                // The handler has not answered (an Accumulate still being
                // streamed): its future is dropped, which cancels it.
                None => Ok(Status::unavailable(SHUTTING_DOWN).into_http()),
            }
        })
    }
}

/// Counts a stream as open until its response is sent or dropped.
struct OpenStream(Arc<Activity>);

impl OpenStream {
    fn new(activity: Arc<Activity>) -> OpenStream {
        activity.stream_opened();
        OpenStream(activity)
    }
}

impl Drop for OpenStream {
    fn drop(&mut self) {
        self.0.stream_closed();
    }
}

/// How a request stream has ended, as the handler can see it in the
/// request's extensions.
#[derive(Debug, Default)]
pub(crate) struct RequestEnd(AtomicU8);

const OPEN: u8 = 0;
const HALF_CLOSED: u8 = 1;
const CANCELLED: u8 = 2;
const FAILED: u8 = 3;

impl RequestEnd {
    /// Whether the client cancelled the stream (RST_STREAM CANCEL, or its
    /// connection went away) rather than half-closing it.
    pub(crate) fn was_cancelled(&self) -> bool {
        self.0.load(Ordering::Acquire) == CANCELLED
    }

    fn record(&self, end: u8) {
        let _ = self
            .0
            .compare_exchange(OPEN, end, Ordering::AcqRel, Ordering::Acquire);
    }
}

/// The request body, checked message by message against the largest size.
struct InboundBody {
    inner: Body,
    limit: MessageLimit,
    end: Arc<RequestEnd>,
    failed: bool,
}

impl http_body::Body for InboundBody {
    type Data = Bytes;
    type Error = Status;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Status>>> {
        let this = &mut *self;
        if this.failed {
            return Poll::Ready(None);
        }
        match ready!(Pin::new(&mut this.inner).poll_frame(cx)) {
            Some(Ok(frame)) => {
                if let Some(data) = frame.data_ref() {
                    if let Err(status) = this.limit.observe(data) {
                        this.failed = true;
                        this.end.record(FAILED);
                        return Poll::Ready(Some(Err(status)));
                    }
                }
                Poll::Ready(Some(Ok(frame)))
            }
            Some(Err(status)) => {
                this.end.record(if status.code() == Code::Cancelled {
                    CANCELLED
                } else {
                    FAILED
                });
                Poll::Ready(Some(Err(status)))
            }
            None => {
                this.end.record(HALF_CLOSED);
                Poll::Ready(None)
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.failed || self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// Follows gRPC's message framing through a body's chunks, which may cut
/// a header or a message anywhere.
struct MessageLimit {
    max: usize,
    header: [u8; MESSAGE_HEADER_LEN],
    header_seen: usize,
    message_left: usize,
}

impl MessageLimit {
    fn new(max: usize) -> MessageLimit {
        MessageLimit {
            max,
            header: [0; MESSAGE_HEADER_LEN],
            header_seen: 0,
            message_left: 0,
        }
    }

    fn observe(&mut self, mut data: &[u8]) -> Result<(), Status> {
        while !data.is_empty() {
            if self.message_left > 0 {
                let skipped = self.message_left.min(data.len());
                self.message_left -= skipped;
                data = &data[skipped..];
                continue;
            }
            let taken = (MESSAGE_HEADER_LEN - self.header_seen).min(data.len());
            self.header[self.header_seen..self.header_seen + taken].copy_from_slice(&data[..taken]);
            self.header_seen += taken;
            data = &data[taken..];
            if self.header_seen == MESSAGE_HEADER_LEN {
                self.header_seen = 0;
                let [_, a, b, c, d] = self.header;
                let len = u32::from_be_bytes([a, b, c, d]) as usize;
                if len > self.max {
                    return Err(Status::resource_exhausted(format!(
                        "the request message is {len} bytes; the largest accepted is {} (--max-message-size)",
                        self.max
                    )));
                }
                self.message_left = len;
            }
        }
        Ok(())
    }
}

/// The response body, ended with UNAVAILABLE when the server ends the
/// streams still open after the grace period.
struct OutboundBody {
    inner: Body,
    ending_streams: BoxFuture<()>,
    ended: bool,
    _open: OpenStream,
}

impl http_body::Body for OutboundBody {
    type Data = Bytes;
    type Error = Status;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Status>>> {
        let this = &mut *self;
        if this.ended {
            return Poll::Ready(None);
        }
        if this.ending_streams.as_mut().poll(cx).is_ready() {
            this.ended = true;
            return Poll::Ready(Some(Ok(Frame::trailers(shutting_down_trailers()))));
        }
        Pin::new(&mut this.inner).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.ended || self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// Trailers with UNAVAILABLE and [`SHUTTING_DOWN`], percent-encoded as
/// grpc-message is.
fn shutting_down_trailers() -> HeaderMap {
    let mut trailers = HeaderMap::new();
    trailers.insert("grpc-status", HeaderValue::from(Code::Unavailable as i32));
    trailers.insert(
        "grpc-message",
        HeaderValue::from_static("the%20server%20is%20shutting%20down"),
    );
    trailers
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(len: u32) -> Vec<u8> {
        let mut bytes = vec![0];
        bytes.extend_from_slice(&len.to_be_bytes());
        bytes.extend(std::iter::repeat_n(7, len as usize));
        bytes
    }

    #[test]
    fn messages_within_the_limit_pass_however_they_are_cut() {
        let stream: Vec<u8> = [message(8), message(0), message(3)].concat();
        for chunk in 1..stream.len() {
            let mut limit = MessageLimit::new(8);
            for piece in stream.chunks(chunk) {
                limit.observe(piece).unwrap();
            }
        }
    }

    #[test]
    fn a_message_over_the_limit_is_resource_exhausted() {
        let stream: Vec<u8> = [message(8), message(9)].concat();
        for chunk in 1..stream.len() {
            let mut limit = MessageLimit::new(8);
            let status = stream
                .chunks(chunk)
                .find_map(|piece| limit.observe(piece).err())
                .expect("the 9-byte message is refused");
            assert_eq!(status.code(), Code::ResourceExhausted);
        }
    }

    #[test]
    fn the_shutdown_trailers_decode_to_unavailable() {
        let status = Status::from_header_map(&shutting_down_trailers()).unwrap();
        assert_eq!(
            (status.code(), status.message()),
            (Code::Unavailable, SHUTTING_DOWN)
        );
    }
}
