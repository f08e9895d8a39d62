//! A programmable HTTP peer on 127.0.0.1:0 for tests that run the reelarr binary: answers by
//! path prefix from a fixed table, can be switched to a failure status or a hang, and counts and
//! records requests.

use std::sync::atomic::{AtomicU16, AtomicUsize, Ordering};
use std::sync::Arc;
use warp::Filter;

/// 200 with `body`, any other status, or never answer (a hang).
pub const HANG: u16 = 0;

/// A fake that answers by path prefix from a fixed table (404 otherwise); a status switch
/// turns every answer into that failure (or a hang), and requests are counted and recorded.
#[derive(Clone)]
pub struct Routes {
    pub addr: std::net::SocketAddr,
    status: Arc<AtomicU16>,
    hits: Arc<AtomicUsize>,
    pub paths: Arc<std::sync::Mutex<Vec<String>>>,
    pub bodies: Arc<std::sync::Mutex<Vec<String>>>,
}

/// The same fake answering every path with one body.
pub type Fake = Routes;

impl Routes {
    /// Answers `body` on every path, with `status` (or [`HANG`]).
    pub async fn start_fixed(status: u16, body: &'static str) -> Routes {
        let r = Routes::start(vec![("", body)]).await;
        r.set_status(status);
        r
    }

    pub async fn start(table: Vec<(&'static str, &'static str)>) -> Routes {
        let st = Arc::new(AtomicU16::new(200));
        let hits = Arc::new(AtomicUsize::new(0));
        let paths = Arc::new(std::sync::Mutex::new(Vec::new()));
        let bodies = Arc::new(std::sync::Mutex::new(Vec::new()));
        let (s2, h2, p2, b2) = (st.clone(), hits.clone(), paths.clone(), bodies.clone());
        let table = Arc::new(table);
        let route = warp::path::full()
            .and(warp::query::raw().or(warp::any().map(String::new)).unify())
            .and(warp::body::bytes())
            .then(
                move |path: warp::path::FullPath, q: String, b: bytes::Bytes| {
                    let (st, hits, paths, bodies, table) = (
                        s2.clone(),
                        h2.clone(),
                        p2.clone(),
                        b2.clone(),
                        table.clone(),
                    );
                    async move {
                        hits.fetch_add(1, Ordering::SeqCst);
                        paths.lock().unwrap().push(format!("{}?{q}", path.as_str()));
                        bodies
                            .lock()
                            .unwrap()
                            .push(String::from_utf8_lossy(&b).to_string());
                        let code = st.load(Ordering::SeqCst);
                        if code == HANG {
                            tokio::time::sleep(std::time::Duration::from_secs(3600)).await;
                        }
                        let found = table.iter().find(|(p, _)| path.as_str().starts_with(p));
                        let (status, body) = match (code, found) {
                            (200, Some((_, body))) => (200, *body),
                            (200, None) => (404, "{}"),
                            (c, _) => (c, "{\"error\":\"fake failure\"}"),
                        };
                        warp::reply::with_status(
                            body,
                            warp::http::StatusCode::from_u16(status).unwrap(),
                        )
                    }
                },
            );
        let (addr, server) = warp::serve(route).bind_ephemeral(([127, 0, 0, 1], 0));
        tokio::spawn(server);
        Routes {
            addr,
            status: st,
            hits,
            paths,
            bodies,
        }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn set_status(&self, s: u16) {
        self.status.store(s, Ordering::SeqCst);
    }

    pub fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }
}

/// A loopback port with nothing listening: connections are refused at once.
pub fn dead_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}
