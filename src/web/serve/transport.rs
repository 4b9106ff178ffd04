//! The HTTP/1.1 transport of `powkg serve`: hyper's server on a tokio runtime, in front of the synchronous
//! [`Service::handle`].
//!
//! No client can hold the server: at most `max_connections` connections are served at once, and at most the per-client
//! limit from one address; a newcomer that finds no room has the connection idle the longest closed for it, and is
//! refused (503) only when every connection of its address is busy (see `admission`). A connection answers at most
//! the per-connection number of requests (the last says `Connection: close`) and takes no new request past its
//! age limit. A request's head must arrive within the header timeout, which also closes idle kept-alive
//! connections; its body is read within the size limit and the request's deadline; a connection whose client
//! stops reading an answer is dropped after the send timeout. Each request is handled on a blocking thread (the
//! store is read synchronously) of a pool bounded by the connection limit, under the request's deadline (503
//! past it); a panic in a handler is caught there, logged with the request's method and path, and answered 500,
//! and the server goes on.

use std::convert::Infallible;
use std::io;
use std::net::SocketAddr;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll, ready};
use std::time::Duration;

use bytes::Bytes;
use http::{Method, Request, Response, StatusCode};
use http_body::{Body as HttpBody, Frame, SizeHint};
use http_body_util::{BodyExt as _, Limited};
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, mpsc};
use tokio::time::{Instant, Sleep};

use super::admission::{self, Admission, Busy, Refusal, Ticket};
use super::body::{self, Body, CHANNEL_CHUNKS, Chunk, Payload};
use super::config::Limits;
use super::error::ServeError;
use super::service::Service;

/// Serves `service` on `addrs` until SIGINT or SIGTERM; prints the URLs first.
pub fn run(service: Service, addrs: &[SocketAddr], max_connections: usize) -> Result<(), ServeError> {
    let io_error = |what: &str, source: io::Error| ServeError::Io {
        what: what.to_owned(),
        source,
    };
    let max_connections = max_connections.max(1);
    // Bound now, so that the URLs printed are the ones served (port 0 asks for a free port).
    let listeners = addrs
        .iter()
        .map(|addr| {
            let listener =
                std::net::TcpListener::bind(addr).map_err(|e| io_error(&format!("cannot listen on {addr}"), e))?;
            listener
                .set_nonblocking(true)
                .map_err(|e| io_error(&format!("cannot listen on {addr}"), e))?;
            Ok(listener)
        })
        .collect::<Result<Vec<_>, ServeError>>()?;
    let bound = listeners
        .iter()
        .map(std::net::TcpListener::local_addr)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| io_error("cannot read the address listened on", e))?;
    #[cfg(unix)]
    let mut signals = signal_hook::iterator::Signals::new([signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM])
        .map_err(|e| io_error("cannot watch for SIGINT and SIGTERM", e))?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_io()
        .enable_time()
        .thread_name("powkg serve")
        // Handlers and dumps run here: at most one per connection at a time, so the connection limit bounds them.
        .max_blocking_threads(max_connections)
        .build()
        .map_err(|e| io_error("cannot start the server's threads", e))?;
    let base_path = service.base_path().to_owned();
    let service = Arc::new(service);
    let server = Arc::new(Server {
        service: Arc::clone(&service),
        limits: service.config().limits.clone(),
        panic_path: service.config().panic_path.clone(),
    });
    let admission = Admission::new(max_connections, server.limits.max_connections_per_client);
    // Newcomers waiting for room (or being refused) are bounded too: past them, the listen queue holds the rest.
    let pending = Arc::new(Semaphore::new(max_connections));
    for listener in listeners {
        let listener = {
            let _entered = runtime.enter();
            TcpListener::from_std(listener).map_err(|e| io_error("cannot listen", e))?
        };
        runtime.spawn(accept(
            listener,
            Arc::clone(&server),
            Arc::clone(&admission),
            Arc::clone(&pending),
        ));
    }
    for addr in &bound {
        let root = format!("http://{addr}");
        println!("powkg serve: listening on {root}/");
        println!("  landing page   {root}/");
        println!("  SPARQL         {root}/sparql");
        println!("  query page     {root}/query");
        println!("  dataset (VoID) {root}/void");
        println!("  dump           {root}/dump");
        println!("  resources      {root}{base_path}entity/…");
    }
    println!("Ctrl-C or SIGTERM stops the server.");
    #[cfg(unix)]
    if let Some(signal) = signals.forever().next() {
        eprintln!("powkg serve: stopping (signal {signal})");
    }
    #[cfg(not(unix))]
    runtime.block_on(std::future::pending::<()>());
    // Handlers still running hold the service, so the store's snapshot (if any) is removed here, not on drop.
    service.renderer().store().discard_snapshot();
    runtime.shutdown_timeout(Duration::from_millis(100));
    Ok(())
}

/// What every connection shares.
struct Server {
    service: Arc<Service>,
    limits: Limits,
    panic_path: Option<String>,
}

/// Accepts connections, each admitted (see [`Admission`]) or refused on a task of its own; at most as many as the
/// connection limit wait for admission at once, the others wait in the listen queue.
async fn accept(listener: TcpListener, server: Arc<Server>, admission: Arc<Admission>, pending: Arc<Semaphore>) {
    loop {
        let Ok(permit) = Arc::clone(&pending).acquire_owned().await else {
            return; // the semaphore is never closed
        };
        let (stream, peer) = match listener.accept().await {
            Ok(accepted) => accepted,
            Err(e) => {
                // Out of file descriptors and the like: wait a little rather than spin.
                eprintln!("powkg serve: cannot accept a connection: {e}");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let server = Arc::clone(&server);
        let admission = Arc::clone(&admission);
        tokio::spawn(async move {
            let io = TokioIo::new(SendTimeout::new(stream, server.limits.send_timeout));
            // A newcomer waits for room at most as long as a client has to send its request's head.
            match admission
                .admit(admission::client_key(peer.ip()), server.limits.header_timeout)
                .await
            {
                Ok(ticket) => {
                    drop(permit);
                    serve(io, server, ticket).await;
                }
                Err(refusal) => {
                    refuse(io, server, refusal).await;
                    drop(permit);
                }
            }
        });
    }
}

/// Serves one admitted connection until it ends: its client closes it, it answered its last request, it reached
/// its age, or it is closed to make room (at once if it is idle, after a short grace if it holds part of a
/// request's head, else after the answer in progress).
async fn serve(io: TokioIo<SendTimeout>, server: Arc<Server>, ticket: Ticket) {
    let ticket = Arc::new(ticket);
    let answered = Arc::new(AtomicU64::new(0));
    let limits = server.limits.clone();
    let handler = {
        let ticket = Arc::clone(&ticket);
        hyper::service::service_fn(move |request| {
            let server = Arc::clone(&server);
            let busy = ticket.busy();
            let last = answered.fetch_add(1, Ordering::Relaxed) + 1 >= server.limits.max_requests_per_connection;
            async move {
                let mut response = server.respond(request).await;
                if last {
                    // hyper closes the connection after an answer that says so.
                    response
                        .headers_mut()
                        .insert(http::header::CONNECTION, http::HeaderValue::from_static("close"));
                }
                Ok::<_, Infallible>(response.map(|body| Tracked {
                    body,
                    _busy: Some(busy),
                }))
            }
        })
    };
    // Errors are the clients' (a head too slow, a malformed request, a reset): the connection just ends.
    let connection = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .serve_connection(io, handler);
    let mut connection = std::pin::pin!(connection);
    let close = ticket.close_signal();
    let mut told = std::pin::pin!(close.notified());
    let mut aged = std::pin::pin!(tokio::time::sleep(limits.max_connection_age));
    let mut shut = false;
    let mut grace: Option<Pin<Box<Sleep>>> = None;
    std::future::poll_fn(|cx| {
        loop {
            if connection.as_mut().poll(cx).is_ready() {
                return Poll::Ready(());
            }
            if !shut {
                let evicted = told.as_mut().poll(cx).is_ready();
                if evicted || aged.as_mut().poll(cx).is_ready() {
                    shut = true;
                    connection.as_mut().graceful_shutdown();
                    if evicted {
                        grace = Some(Box::pin(tokio::time::sleep(EVICTION_GRACE)));
                    }
                    continue;
                }
            }
            // hyper closes an idle connection at once, but one holding part of a request's head only at the header
            // timeout: a connection closed to make room that handles no request is dropped after a short grace.
            if let Some(sleep) = grace.as_mut()
                && sleep.as_mut().poll(cx).is_ready()
            {
                grace = None;
                if !ticket.is_busy() {
                    return Poll::Ready(());
                }
            }
            return Poll::Pending;
        }
    })
    .await;
}

/// How long a connection closed to make room has to end by itself before it is dropped (when it handles no request).
const EVICTION_GRACE: Duration = Duration::from_millis(100);

/// Answers the first request of a refused connection with 503 and closes it.
async fn refuse(io: TokioIo<SendTimeout>, server: Arc<Server>, refusal: Refusal) {
    let message = match refusal {
        Refusal::Client(limit) => format!(
            "too many connections from your address: at most {limit} at once, and all of yours are busy; retry \
             once one has been answered"
        ),
        Refusal::Busy => "the server is busy: every connection is answering a request; retry in a moment".to_owned(),
    };
    let header_timeout = server.limits.header_timeout;
    let handler = hyper::service::service_fn(move |request: Request<hyper::body::Incoming>| {
        let head = request.method() == Method::HEAD;
        let mut response = server.error(StatusCode::SERVICE_UNAVAILABLE, &message, head, true);
        response
            .headers_mut()
            .insert(http::header::RETRY_AFTER, http::HeaderValue::from_static("1"));
        let response = response.map(|body| Tracked { body, _busy: None });
        std::future::ready(Ok::<_, Infallible>(response))
    });
    let _ = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(header_timeout)
        .keep_alive(false)
        .serve_connection(io, handler)
        .await;
}

impl Server {
    /// Reads the body, then runs the handler on a blocking thread, all before the request's deadline.
    async fn respond(&self, request: Request<hyper::body::Incoming>) -> Response<Outgoing> {
        let deadline = Instant::now() + self.limits.request_timeout;
        let (parts, incoming) = request.into_parts();
        let head = parts.method == Method::HEAD;
        let limit = usize::try_from(self.limits.max_request_bytes).unwrap_or(usize::MAX);
        let collected = tokio::time::timeout_at(deadline, Limited::new(incoming, limit).collect()).await;
        let bytes = match collected {
            Ok(Ok(collected)) => collected.to_bytes(),
            Ok(Err(e)) if e.is::<http_body_util::LengthLimitError>() => {
                let message = format!("request bodies are limited to {limit} bytes");
                return self.error(StatusCode::PAYLOAD_TOO_LARGE, &message, head, true);
            }
            Ok(Err(e)) => {
                let message = format!("cannot read the request body: {e}");
                return self.error(StatusCode::BAD_REQUEST, &message, head, true);
            }
            Err(_) => {
                let message = format!(
                    "the request body did not arrive within the server's limit of {} s",
                    self.limits.request_timeout.as_secs_f64()
                );
                return self.error(StatusCode::REQUEST_TIMEOUT, &message, head, true);
            }
        };
        let method = parts.method.clone();
        let path = parts.uri.path().to_owned();
        let mut request = Request::from_parts(parts, Body::from(bytes));
        let service = Arc::clone(&self.service);
        let panic_on = self.panic_path.clone();
        let handled = tokio::task::spawn_blocking(move || {
            std::panic::catch_unwind(AssertUnwindSafe(|| {
                assert!(
                    panic_on.as_deref() != Some(request.uri().path()),
                    "a panic asked for by the configuration's panic_path"
                );
                service.handle(&mut request)
            }))
        });
        match tokio::time::timeout_at(deadline, handled).await {
            Ok(Ok(Ok(response))) => Self::send(response),
            Ok(Ok(Err(panic))) => {
                let what = panic
                    .downcast_ref::<&str>()
                    .map(|s| (*s).to_owned())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "a panic".to_owned());
                eprintln!("powkg serve: internal error answering {method} {path}: {what}");
                self.error(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal error: the server failed on this request (logged); it still serves others",
                    head,
                    false,
                )
            }
            Ok(Err(e)) => {
                eprintln!("powkg serve: internal error answering {method} {path}: {e}");
                self.error(StatusCode::INTERNAL_SERVER_ERROR, "internal error", head, false)
            }
            Err(_) => {
                let message = format!(
                    "the request took longer than the server's limit of {} s (a query should be narrowed, or \
                     use LIMIT)",
                    self.limits.request_timeout.as_secs_f64()
                );
                self.error(StatusCode::SERVICE_UNAVAILABLE, &message, head, false)
            }
        }
    }

    /// An answer of the transport itself; `close` ends the connection after it (its request was not read whole).
    fn error(&self, status: StatusCode, message: &str, head: bool, close: bool) -> Response<Outgoing> {
        let mut response = Self::send(self.service.error_response(status, message, head));
        if close {
            response
                .headers_mut()
                .insert(http::header::CONNECTION, http::HeaderValue::from_static("close"));
        }
        response
    }

    /// The response with its body as hyper sends it: bytes at once, or a producer's chunks as it writes them.
    fn send(response: Response<Body>) -> Response<Outgoing> {
        let (parts, body) = response.into_parts();
        let outgoing = match body.into_payload() {
            Payload::Full(bytes) => Outgoing::Full(Some(bytes).filter(|b| !b.is_empty())),
            Payload::Stream(producer) => {
                let (send, receive) = mpsc::channel(CHANNEL_CHUNKS);
                // The producer blocks while the channel is full, that is while the client reads no faster; when
                // the connection ends (the client went away, or stalled past the send timeout) the channel
                // closes and the producer stops.
                tokio::task::spawn_blocking(move || {
                    body::produce(producer, |chunk| {
                        send.blocking_send(chunk)
                            .map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "the client went away"))
                    });
                });
                Outgoing::Stream {
                    chunks: receive,
                    done: false,
                }
            }
        };
        Response::from_parts(parts, outgoing)
    }
}

/// An answer's body with the mark of its request in progress: the connection is idle again once it is sent.
struct Tracked {
    body: Outgoing,
    _busy: Option<Busy>,
}

impl HttpBody for Tracked {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, io::Error>>> {
        Pin::new(&mut self.get_mut().body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}

/// A response body as hyper sends it.
enum Outgoing {
    /// Bytes held in memory (`None` once sent, or when empty).
    Full(Option<Bytes>),
    /// Chunks from a producer, ending with [`Chunk::Done`]; anything else is an error, so that hyper ends the
    /// connection without the final empty chunk and the client sees a truncated transfer.
    Stream { chunks: mpsc::Receiver<Chunk>, done: bool },
}

impl HttpBody for Outgoing {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, io::Error>>> {
        match self.get_mut() {
            Self::Full(bytes) => Poll::Ready(bytes.take().map(|b| Ok(Frame::data(b)))),
            Self::Stream { chunks, done } => {
                if *done {
                    return Poll::Ready(None);
                }
                match ready!(chunks.poll_recv(cx)) {
                    Some(Chunk::Data(bytes)) => Poll::Ready(Some(Ok(Frame::data(bytes)))),
                    Some(Chunk::Done) => {
                        *done = true;
                        Poll::Ready(None)
                    }
                    Some(Chunk::Failed(e)) => {
                        *done = true;
                        eprintln!("powkg serve: a streamed answer failed: {e}");
                        Poll::Ready(Some(Err(e)))
                    }
                    None => {
                        *done = true;
                        Poll::Ready(Some(Err(io::Error::other("the answer stopped before its end"))))
                    }
                }
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        match self {
            Self::Full(bytes) => bytes.is_none(),
            Self::Stream { done, .. } => *done,
        }
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            Self::Full(bytes) => SizeHint::with_exact(bytes.as_ref().map_or(0, |b| b.len() as u64)),
            Self::Stream { .. } => SizeHint::default(),
        }
    }
}

/// A connection whose writes fail once the client has accepted nothing for `timeout`: a client that stops
/// reading an answer cannot hold its connection (and the producer of a streamed answer) forever.
struct SendTimeout {
    stream: TcpStream,
    timeout: Duration,
    /// Running while a write waits for the client.
    stalled: Option<Pin<Box<Sleep>>>,
}

impl SendTimeout {
    fn new(stream: TcpStream, timeout: Duration) -> Self {
        Self {
            stream,
            timeout,
            stalled: None,
        }
    }

    /// Maps a pending write to an error once the stall has lasted the timeout; any progress resets it.
    fn watch<T>(&mut self, cx: &mut Context<'_>, poll: Poll<io::Result<T>>) -> Poll<io::Result<T>> {
        if poll.is_ready() {
            self.stalled = None;
            return poll;
        }
        let timeout = self.timeout;
        let stalled = self
            .stalled
            .get_or_insert_with(|| Box::pin(tokio::time::sleep(timeout)));
        if stalled.as_mut().poll(cx).is_ready() {
            self.stalled = None;
            return Poll::Ready(Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "the client read nothing for the send timeout",
            )));
        }
        Poll::Pending
    }
}

impl AsyncRead for SendTimeout {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for SendTimeout {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        let poll = Pin::new(&mut self.stream).poll_write(cx, buf);
        self.watch(cx, poll)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let poll = Pin::new(&mut self.stream).poll_write_vectored(cx, bufs);
        self.watch(cx, poll)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let poll = Pin::new(&mut self.stream).poll_flush(cx);
        self.watch(cx, poll)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}
