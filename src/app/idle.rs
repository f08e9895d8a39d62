//! A server connection that ends itself after a quiet spell: no byte read or written for
//! `timeout` while none of its requests is being handled (closed within twice `timeout`). hyper 0.14 keeps idle keep-alive
//! connections (and connections that never send anything) open forever, which lets a few hundred
//! idle clients use up the process's file descriptors.

use hyper::server::conn::AddrStream;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::{Instant, Sleep};

/// An accepted connection with an idle deadline.
pub struct IdleStream {
    inner: AddrStream,
    timeout: Duration,
    deadline: Pin<Box<Sleep>>,
    /// Requests of this connection being handled now; the deadline waits while any is.
    in_flight: Arc<AtomicUsize>,
}

/// Marks one request in flight until dropped.
pub struct InFlight(Arc<AtomicUsize>);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

impl IdleStream {
    pub fn new(inner: AddrStream, timeout: Duration) -> Self {
        IdleStream {
            inner,
            timeout,
            deadline: Box::pin(tokio::time::sleep(timeout)),
            in_flight: Arc::default(),
        }
    }

    pub fn remote_addr(&self) -> SocketAddr {
        self.inner.remote_addr()
    }

    /// A handle the connection's service uses to mark its requests in flight.
    pub fn tracker(&self) -> Arc<AtomicUsize> {
        self.in_flight.clone()
    }

    fn touch(&mut self) {
        let next = Instant::now() + self.timeout;
        self.deadline.as_mut().reset(next);
    }
}

/// Counts a request of the connection as in flight for as long as the guard lives.
pub fn enter(tracker: &Arc<AtomicUsize>) -> InFlight {
    tracker.fetch_add(1, Ordering::Relaxed);
    InFlight(tracker.clone())
}

impl AsyncRead for IdleStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        match Pin::new(&mut this.inner).poll_read(cx, buf) {
            Poll::Ready(r) => {
                if buf.filled().len() > before {
                    this.touch();
                }
                Poll::Ready(r)
            }
            Poll::Pending => {
                // The timer stays armed even while a request is handled (hyper may not read
                // again after answering until woken), and is re-armed when it fires mid-request.
                while this.deadline.as_mut().poll(cx).is_ready() {
                    if this.in_flight.load(Ordering::Relaxed) == 0 {
                        return Poll::Ready(Err(io::Error::new(
                            io::ErrorKind::TimedOut,
                            "connection idle for too long",
                        )));
                    }
                    this.touch();
                }
                Poll::Pending
            }
        }
    }
}

impl AsyncWrite for IdleStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let r = Pin::new(&mut this.inner).poll_write(cx, buf);
        if matches!(r, Poll::Ready(Ok(n)) if n > 0) {
            this.touch();
        }
        r
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let r = Pin::new(&mut this.inner).poll_write_vectored(cx, bufs);
        if matches!(r, Poll::Ready(Ok(n)) if n > 0) {
            this.touch();
        }
        r
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}
