//! An in-process fake qBittorrent WebUI on 127.0.0.1:0 (warp) that records every request, so
//! tests can assert cookies, CSRF headers and form fields, and script failures.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use parking_lot::Mutex;
use warp::http::{HeaderMap, Method, Response, StatusCode};
use warp::Filter;

/// One request as the fake saw it.
#[derive(Clone, Debug, Default)]
pub struct Seen {
    /// HTTP method.
    pub method: String,
    /// Request path.
    pub path: String,
    /// `Cookie` header.
    pub cookie: Option<String>,
    /// `Referer` header.
    pub referer: Option<String>,
    /// `Origin` header.
    pub origin: Option<String>,
    /// `Content-Type` header.
    pub content_type: Option<String>,
    /// Form fields (urlencoded bodies) and query parameters.
    pub fields: HashMap<String, String>,
    /// Body size in bytes.
    pub body_len: usize,
}

/// The scriptable state.
pub struct State {
    /// The password logins must present.
    pub password: String,
    /// The currently valid session id ("" = none).
    pub sid: String,
    /// Login requests received.
    pub logins: u32,
    /// Answer the next authenticated call with 403 (session expired).
    pub expire_next: bool,
    /// Never accept any SID (always 403).
    pub reject_all_sessions: bool,
    /// Answer logins with 403 "banned".
    pub banned: bool,
    /// Status and body for `torrents/add`.
    pub add_answer: (u16, &'static str),
    /// On add, also insert the torrent (with this hash) even if answering `Fails.`.
    pub add_inserts: Option<String>,
    /// Status for every authenticated call other than login (e.g. 500).
    pub fail_status: Option<u16>,
    /// Delay before answering anything.
    pub delay: Duration,
    /// Extra delay before answering `torrents/add` only (an add whose outcome the caller
    /// cannot know when it times out).
    pub add_delay: Duration,
    /// `torrents/add` requests received, counted on arrival (before any delay; `seen` records
    /// only those answered).
    pub adds_received: u32,
    /// What `torrents/info` lists.
    pub torrents: Vec<serde_json::Value>,
    /// Every request, in order.
    pub seen: Vec<Seen>,
    counter: u64,
}

/// A running fake; the server task lives as long as the runtime.
#[derive(Clone)]
pub struct Fake {
    /// Where it listens (127.0.0.1, ephemeral port).
    pub addr: SocketAddr,
    /// The scriptable state, shared with the server task.
    pub state: Arc<Mutex<State>>,
}

impl Fake {
    /// `http://127.0.0.1:<port>`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Requests whose path ends with `path_suffix`.
    pub fn seen(&self, path_suffix: &str) -> Vec<Seen> {
        let st = self.state.lock();
        st.seen
            .iter()
            .filter(|s| s.path.ends_with(path_suffix))
            .cloned()
            .collect()
    }

    /// Login requests so far.
    pub fn logins(&self) -> u32 {
        self.state.lock().logins
    }
}

/// Starts a fake accepting `password`.
pub async fn start(password: &str) -> Fake {
    let state = Arc::new(Mutex::new(State {
        password: password.into(),
        sid: String::new(),
        logins: 0,
        expire_next: false,
        reject_all_sessions: false,
        banned: false,
        add_answer: (200, "Ok."),
        add_inserts: None,
        fail_status: None,
        delay: Duration::ZERO,
        add_delay: Duration::ZERO,
        adds_received: 0,
        torrents: Vec::new(),
        seen: Vec::new(),
        counter: 0,
    }));
    let st = state.clone();
    let route = warp::method()
        .and(warp::path::full())
        .and(warp::header::headers_cloned())
        .and(warp::query::raw().or(warp::any().map(String::new)).unify())
        .and(warp::body::bytes())
        .and_then(
            move |method, path: warp::path::FullPath, headers, query, body| {
                let st = st.clone();
                async move {
                    Ok::<_, std::convert::Infallible>(
                        handle(st, method, path.as_str().to_string(), headers, query, body).await,
                    )
                }
            },
        );
    let (addr, server) = warp::serve(route).bind_ephemeral(([127, 0, 0, 1], 0));
    tokio::spawn(server);
    Fake { addr, state }
}

fn parse_pairs(s: &str) -> HashMap<String, String> {
    reqwest::Url::parse(&format!("http://x/?{s}"))
        .map(|u| u.query_pairs().into_owned().collect())
        .unwrap_or_default()
}

fn text(status: u16, body: impl Into<String>) -> Response<String> {
    Response::builder()
        .status(StatusCode::from_u16(status).unwrap())
        .body(body.into())
        .unwrap()
}

async fn handle(
    st: Arc<Mutex<State>>,
    method: Method,
    path: String,
    headers: HeaderMap,
    query: String,
    body: bytes::Bytes,
) -> Response<String> {
    let delay = st.lock().delay;
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let add_delay = {
        let mut st = st.lock();
        if path == "/api/v2/torrents/add" {
            st.adds_received += 1;
        }
        st.add_delay
    };
    if path == "/api/v2/torrents/add" && !add_delay.is_zero() {
        tokio::time::sleep(add_delay).await;
    }
    let h = |n: &str| {
        headers
            .get(n)
            .and_then(|v| v.to_str().ok())
            .map(String::from)
    };
    let content_type = h("content-type");
    let mut fields = parse_pairs(&query);
    if content_type.as_deref() == Some("application/x-www-form-urlencoded") {
        fields.extend(parse_pairs(&String::from_utf8_lossy(&body)));
    }
    let seen = Seen {
        method: method.to_string(),
        path: path.clone(),
        cookie: h("cookie"),
        referer: h("referer"),
        origin: h("origin"),
        content_type,
        fields: fields.clone(),
        body_len: body.len(),
    };
    let mut st = st.lock();
    st.seen.push(seen.clone());
    if path == "/api/v2/auth/login" {
        st.logins += 1;
        if st.banned {
            return text(
                403,
                "Your IP address has been banned after too many failed authentication attempts.",
            );
        }
        if fields.get("password") != Some(&st.password) {
            return text(200, "Fails.");
        }
        st.counter += 1;
        st.sid = format!("sid{}", st.counter);
        return Response::builder()
            .header("set-cookie", format!("SID={}; HttpOnly; path=/", st.sid))
            .body("Ok.".to_string())
            .unwrap();
    }
    let valid = !st.sid.is_empty() && seen.cookie.as_deref() == Some(&format!("SID={}", st.sid));
    if !valid || st.reject_all_sessions {
        return text(403, "Forbidden");
    }
    if st.expire_next {
        st.expire_next = false;
        st.sid.clear();
        return text(403, "Forbidden");
    }
    if let Some(status) = st.fail_status {
        return text(status, "Internal Server Error");
    }
    match path.as_str() {
        "/api/v2/app/version" => text(200, "v4.5.2"),
        "/api/v2/torrents/add" => {
            if let Some(hash) = st.add_inserts.clone() {
                st.torrents
                    .push(serde_json::json!({"hash": hash, "name": "x"}));
            }
            text(st.add_answer.0, st.add_answer.1)
        }
        "/api/v2/torrents/info" => {
            let hashes: Vec<&str> = fields
                .get("hashes")
                .map(|h| h.split('|').collect())
                .unwrap_or_default();
            let cat = fields.get("category");
            let list: Vec<_> = st
                .torrents
                .iter()
                .filter(|t| hashes.is_empty() || hashes.contains(&t["hash"].as_str().unwrap_or("")))
                .filter(|t| cat.is_none() || t["category"].as_str() == cat.map(String::as_str))
                .cloned()
                .collect();
            text(200, serde_json::to_string(&list).unwrap())
        }
        "/api/v2/torrents/delete" => text(200, ""),
        _ => text(404, "Not Found"),
    }
}
