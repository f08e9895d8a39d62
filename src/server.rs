//! The HTTP server loop: serves the warp filter on a caller-supplied listener, records the peer
//! address of each connection, counts open connections, and shuts down gracefully.

use crate::http::ClientAddr;
use hyper::server::conn::AddrStream;
use hyper::service::{make_service_fn, service_fn, Service};
use std::convert::Infallible;
use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use warp::Filter;

/// Decrements the open-connection count when the connection's service is dropped.
struct ConnGuard(Arc<AtomicUsize>);

impl Drop for ConnGuard {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Serves `filter` on `listener` until `shutdown` resolves, then stops accepting and waits for the
/// requests in flight to finish. `connections` tracks open connections for `/health/detailed`.
pub async fn serve<F>(
    listener: std::net::TcpListener,
    filter: F,
    connections: Arc<AtomicUsize>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> hyper::Result<()>
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
    let make = make_service_fn(move |conn: &AddrStream| {
        let addr = ClientAddr(conn.remote_addr());
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
                let mut svc = svc.clone();
                svc.call(req)
            }))
        }
    });
    hyper::Server::from_tcp(listener)?
        .tcp_nodelay(true)
        .serve(make)
        .with_graceful_shutdown(shutdown)
        .await
}
