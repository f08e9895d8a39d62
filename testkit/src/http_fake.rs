//! In-process fake HTTP servers for client tests (TMDB, HDBits, Torznab): warp on
//! 127.0.0.1:0, recording every request, letting each test assert method, path, query and
//! auth, and replying with fixtures, errors, hangs or oversized streamed bodies.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use parking_lot::Mutex;
use warp::http::{HeaderMap, Method, Response, StatusCode};
use warp::hyper::Body;
use warp::Filter;

/// One request as the fake saw it.
#[derive(Clone, Debug)]
pub struct Seen {
    /// HTTP method (`GET`, `POST`).
    pub method: String,
    /// Path without the query string.
    pub path: String,
    /// Decoded query parameters.
    pub query: HashMap<String, String>,
    /// Request headers.
    pub headers: HeaderMap,
    /// Raw request body.
    pub body: Bytes,
}

impl Seen {
    /// A header's value as text ("" when missing).
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// A query parameter ("" when missing).
    pub fn q(&self, name: &str) -> &str {
        self.query.get(name).map(String::as_str).unwrap_or("")
    }

    /// The body parsed as JSON (`Null` when it is not JSON).
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or(serde_json::Value::Null)
    }
}

/// What the fake answers.
pub enum Reply {
    /// A normal response.
    Body {
        /// HTTP status.
        status: u16,
        /// Content-Type header.
        content_type: &'static str,
        /// Extra headers (e.g. `Retry-After`).
        headers: Vec<(&'static str, String)>,
        /// Response body.
        body: String,
    },
    /// Never answers (sleeps far past any client timeout).
    Hang,
    /// Streams a body of this many bytes in 64 KiB chunks without allocating it whole.
    Stream(usize),
    /// Waits, then answers with the inner reply (a slow but healthy upstream).
    After(Duration, Box<Reply>),
}

impl Reply {
    /// 200 with a JSON body.
    pub fn json(body: impl Into<String>) -> Self {
        Self::status_json(200, body)
    }

    /// Any status with a JSON body.
    pub fn status_json(status: u16, body: impl Into<String>) -> Self {
        Reply::Body {
            status,
            content_type: "application/json",
            headers: vec![],
            body: body.into(),
        }
    }

    /// 200 with an XML body.
    pub fn xml(body: impl Into<String>) -> Self {
        Reply::Body {
            status: 200,
            content_type: "application/rss+xml; charset=utf-8",
            headers: vec![],
            body: body.into(),
        }
    }

    /// 429 with a `Retry-After` header.
    pub fn too_many(retry_after: u64) -> Self {
        Reply::Body {
            status: 429,
            content_type: "application/json",
            headers: vec![("Retry-After", retry_after.to_string())],
            body: r#"{"status_code":25,"status_message":"Too many requests"}"#.into(),
        }
    }
}

type Handler = dyn Fn(&Seen) -> Result<Reply, String> + Send + Sync;

struct State {
    seen: Mutex<Vec<Seen>>,
    violations: Mutex<Vec<String>>,
    hits: AtomicUsize,
    handler: Box<Handler>,
}

/// A running fake server. The handler returns `Err(why)` for a request that breaks the
/// contract (wrong method, path, auth…); the fake then answers 418 and records `why`, so
/// [`Fake::assert_clean`] fails the test.
pub struct Fake {
    /// Where it listens (always 127.0.0.1).
    pub addr: SocketAddr,
    state: Arc<State>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Fake {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Fake {
    /// Starts a fake on 127.0.0.1:0 with `handler` deciding every answer.
    pub fn start(handler: impl Fn(&Seen) -> Result<Reply, String> + Send + Sync + 'static) -> Self {
        let state = Arc::new(State {
            seen: Mutex::new(Vec::new()),
            violations: Mutex::new(Vec::new()),
            hits: AtomicUsize::new(0),
            handler: Box::new(handler),
        });
        let st = state.clone();
        let route = warp::method()
            .and(warp::path::full())
            .and(warp::query::<Vec<(String, String)>>())
            .and(warp::header::headers_cloned())
            .and(warp::body::bytes())
            .then(
                move |method: Method,
                      path: warp::path::FullPath,
                      query: Vec<(String, String)>,
                      headers: HeaderMap,
                      body: Bytes| {
                    let st = st.clone();
                    async move {
                        let seen = Seen {
                            method: method.to_string(),
                            path: path.as_str().to_string(),
                            query: query.into_iter().collect(),
                            headers,
                            body,
                        };
                        st.hits.fetch_add(1, Ordering::SeqCst);
                        st.seen.lock().push(seen.clone());
                        let reply = (st.handler)(&seen);
                        respond(&st, reply).await
                    }
                },
            );
        let (addr, server) = warp::serve(route).bind_ephemeral(([127, 0, 0, 1], 0));
        let task = tokio::spawn(server);
        Fake { addr, state, task }
    }

    /// `http://127.0.0.1:<port>` followed by `suffix`.
    pub fn url(&self, suffix: &str) -> String {
        format!("http://{}{}", self.addr, suffix)
    }

    /// How many requests arrived.
    pub fn hits(&self) -> usize {
        self.state.hits.load(Ordering::SeqCst)
    }

    /// Every request so far.
    pub fn seen(&self) -> Vec<Seen> {
        self.state.seen.lock().clone()
    }

    /// Panics if any request broke the contract the handler checks.
    pub fn assert_clean(&self) {
        let v = self.state.violations.lock();
        assert!(v.is_empty(), "fake server saw bad requests: {v:?}");
    }
}

async fn respond(st: &State, reply: Result<Reply, String>) -> Response<Body> {
    let mut reply = match reply {
        Ok(r) => r,
        Err(why) => {
            st.violations.lock().push(why.clone());
            Reply::Body {
                status: 418,
                content_type: "text/plain",
                headers: vec![],
                body: why,
            }
        }
    };
    while let Reply::After(delay, inner) = reply {
        tokio::time::sleep(delay).await;
        reply = *inner;
    }
    match reply {
        Reply::After(..) => Response::new(Body::empty()),
        Reply::Body {
            status,
            content_type,
            headers,
            body,
        } => {
            let mut resp = Response::new(Body::from(body));
            *resp.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
            let h = resp.headers_mut();
            if let Ok(v) = content_type.parse() {
                h.insert("content-type", v);
            }
            for (k, v) in headers {
                if let Ok(v) = v.parse() {
                    h.insert(k, v);
                }
            }
            resp
        }
        Reply::Hang => {
            tokio::time::sleep(Duration::from_secs(30)).await;
            Response::new(Body::empty())
        }
        Reply::Stream(total) => {
            const CHUNK: usize = 64 * 1024;
            let chunk = Bytes::from(vec![b' '; CHUNK]);
            let n = total.div_ceil(CHUNK);
            let stream = futures_util::stream::iter(
                (0..n).map(move |_| Ok::<Bytes, std::io::Error>(chunk.clone())),
            );
            Response::new(Body::wrap_stream(stream))
        }
    }
}

/// A URL on 127.0.0.1 where nothing listens: binds a port, then frees it.
pub fn dead_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let addr = listener.local_addr().expect("local addr");
    drop(listener);
    format!("http://{addr}")
}

/// Checks a condition inside a fake's handler, turning a failure into a violation.
pub fn expect(cond: bool, what: impl FnOnce() -> String) -> Result<(), String> {
    if cond {
        Ok(())
    } else {
        Err(what())
    }
}

/// A reqwest client for tests: like the app's shared client, but never via a proxy.
pub fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .connect_timeout(Duration::from_secs(2))
        .build()
        .expect("test client")
}

/// A streamed body size past reelarr's 16 MiB response cap (`clients::http::MAX_BODY_BYTES`).
/// A plain number so the testkit imports nothing from reelarr; reelarr's own tests assert it
/// stays larger than the cap.
pub const OVERSIZED: usize = 17 * 1024 * 1024;
