//! The HTTP server loop: serves the warp filter on a caller-supplied listener, records the peer
//! address of each connection, counts open connections, and shuts down gracefully.
//!
//! Slow and idle clients cannot hold the server: request headers must arrive within
//! `server.header_read_timeout_seconds` (hyper's timer also runs while a keep-alive connection
//! waits for its next request, so idle connections close after it too), and a connection accepted
//! beyond `server.max_connections` (bounded by the open-file limit) is answered 503 and closed at
//! once, before it can take a file descriptor the others need.

use super::idle::{self, IdleStream};
use crate::http::ClientAddr;
use hyper::server::accept::Accept;
use hyper::server::conn::{AddrIncoming, AddrStream};
use hyper::service::{make_service_fn, service_fn, Service};
use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::Poll;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use warp::Filter;

/// File descriptors kept free below the open-file limit for the database, the journal, logs and
/// outgoing calls.
const FD_RESERVE: u64 = 64;

/// Connections being answered "too many connections" at once, at most (half of `FD_RESERVE`);
/// each holds a descriptor for up to a second.
const MAX_REFUSING: usize = 32;

/// Connection limits of the server (from `[server]`, read at start).
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub header_read_timeout: Duration,
    pub max_connections: usize,
}

/// Connections being answered "too many connections", and the accept loop waiting for one to end.
#[derive(Default)]
struct Refusals {
    count: AtomicUsize,
    waiter: parking_lot::Mutex<Option<std::task::Waker>>,
}

/// Decrements the open-connection count when the connection's service is dropped.
struct ConnGuard(Arc<AtomicUsize>);

impl Drop for ConnGuard {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Answers a connection over the limit with our JSON error shape and closes it. The request head
/// is read first (HTTP clients reject an answer that arrives before their request is sent), for
/// at most a second, so a silent client cannot keep the descriptor.
async fn refuse(mut conn: AddrStream, max: usize) {
    let body = serde_json::json!({
        "error": "too_many_connections",
        "message": format!("the server has {max} connections open, its limit; try again shortly"),
        "retry_after_seconds": 1,
    })
    .to_string();
    let head = format!(
        "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\ncontent-length: {}\r\nretry-after: 1\r\nconnection: close\r\n\r\n",
        body.len()
    );
    let io = async {
        let mut seen = Vec::with_capacity(1024);
        let mut buf = [0u8; 1024];
        while !seen.windows(4).any(|w| w == b"\r\n\r\n") && seen.len() < 16 * 1024 {
            let n = conn.read(&mut buf).await?;
            if n == 0 {
                return Ok(());
            }
            seen.extend_from_slice(&buf[..n]);
        }
        conn.write_all(head.as_bytes()).await?;
        conn.write_all(body.as_bytes()).await?;
        conn.shutdown().await
    };
    let _ = tokio::time::timeout(Duration::from_secs(1), io).await;
}

/// Raises this process's open-file limit to its hard limit (as Go does at start), so a default
/// soft limit of 1024 does not cap connections below `server.max_connections`; returns the limit
/// now in force.
pub fn raise_file_limit() -> u64 {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit/setrlimit only read or write the struct we pass, which lives on our stack.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) == 0 && lim.rlim_cur < lim.rlim_max {
            lim.rlim_cur = lim.rlim_max;
            if libc::setrlimit(libc::RLIMIT_NOFILE, &lim) != 0 {
                libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim);
            }
        }
    }
    lim.rlim_cur
}

/// The connection cap in force: the configured one, lowered to fit under the open-file limit.
pub fn connection_cap(configured: usize, file_limit: u64) -> usize {
    let fit = file_limit.saturating_sub(FD_RESERVE).max(16);
    configured.min(usize::try_from(fit).unwrap_or(usize::MAX))
}

/// Serves `filter` on `listener` until `shutdown` resolves, then stops accepting and waits for the
/// requests in flight to finish. `connections` tracks open connections for `/health/detailed`.
pub async fn serve<F>(
    listener: std::net::TcpListener,
    filter: F,
    connections: Arc<AtomicUsize>,
    limits: Limits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()>
where
    F: Filter<Extract = (warp::reply::Response,), Error = Infallible>
        + Clone
        + Send
        + Sync
        + 'static,
{
    listener
        .set_nonblocking(true)
        .expect("listener can be made non-blocking");
    let svc = warp::service(filter);
    let open = connections.clone();
    let make = make_service_fn(move |conn: &IdleStream| {
        let addr = ClientAddr(conn.remote_addr());
        let tracker = conn.tracker();
        connections.fetch_add(1, Ordering::Relaxed);
        let guard = ConnGuard(connections.clone());
        let svc = svc.clone();
        async move {
            Ok::<_, Infallible>(service_fn(move |mut req| {
                let _keep = &guard;
                req.extensions_mut().insert(addr);
                if let Some(uri) = crate::http::normalize_uri(req.uri()) {
                    *req.uri_mut() = uri;
                }
                // HEAD is GET without the body: hyper leaves the body out of a HEAD answer.
                if req.method() == hyper::Method::HEAD {
                    *req.method_mut() = hyper::Method::GET;
                }
                let mut svc = svc.clone();
                let busy = idle::enter(&tracker);
                async move {
                    let _busy = busy;
                    svc.call(req).await
                }
            }))
        }
    });
    let mut incoming = AddrIncoming::from_listener(tokio::net::TcpListener::from_std(listener)?)
        .map_err(std::io::Error::other)?;
    incoming.set_nodelay(true);
    let max = limits.max_connections;
    let refusals = Arc::new(Refusals::default());
    let idle_after = limits.header_read_timeout;
    let accept = hyper::server::accept::poll_fn(move |cx| loop {
        // While too many refusals are in progress, leave new connections in the kernel's
        // backlog (they wait a moment) instead of taking descriptors we may not have.
        if refusals.count.load(Ordering::Acquire) >= MAX_REFUSING {
            *refusals.waiter.lock() = Some(cx.waker().clone());
            if refusals.count.load(Ordering::Acquire) >= MAX_REFUSING {
                return Poll::Pending;
            }
        }
        match Pin::new(&mut incoming).poll_accept(cx) {
            Poll::Ready(Some(Ok(conn))) if open.load(Ordering::Relaxed) >= max => {
                if refusals.count.fetch_add(1, Ordering::AcqRel) == 0 {
                    tracing::warn!(
                        peer = %conn.remote_addr(),
                        limit = max,
                        "refusing connections: too many open"
                    );
                }
                let done = refusals.clone();
                tokio::spawn(async move {
                    refuse(conn, max).await;
                    done.count.fetch_sub(1, Ordering::AcqRel);
                    if let Some(w) = done.waiter.lock().take() {
                        w.wake();
                    }
                });
            }
            Poll::Ready(Some(Ok(conn))) => {
                return Poll::Ready(Some(Ok(IdleStream::new(conn, idle_after))))
            }
            Poll::Ready(Some(Err(e))) => return Poll::Ready(Some(Err(e))),
            Poll::Ready(None) => return Poll::Ready(None),
            Poll::Pending => return Poll::Pending,
        }
    });
    hyper::Server::builder(accept)
        .http1_header_read_timeout(limits.header_read_timeout)
        .serve(make)
        .with_graceful_shutdown(shutdown)
        .await
        .map_err(std::io::Error::other)
}
