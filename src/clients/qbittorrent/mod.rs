//! qBittorrent WebUI API v2 client (checked against Debian's qbittorrent-nox 4.5.2, API 2.8.19).
//!
//! Why it looks the way it does:
//! - qBittorrent authenticates with an `SID` cookie from `auth/login`; we keep it ourselves
//!   (no cookie store) and log in again once when any call answers 403 (session expired,
//!   qBittorrent restarted).
//! - A wrong password or an IP ban must not turn into a login storm (qBittorrent bans the IP
//!   after a few failures): after a failed login no new attempt is made for `login_backoff`,
//!   and calls in that window fail at once with a "misconfigured" error.
//! - qBittorrent rejects requests whose `Origin`/`Referer` do not match its host (CSRF), so
//!   both are always sent, derived from the base URL.
//! - Errors are the shared [`HttpError`] with service `qbittorrent`, so the breaker classifies
//!   them like every other client; [`is_permanent`] singles out what retrying cannot fix.

mod infohash;
mod login;
#[cfg(test)]
mod tests;
mod types;

pub use infohash::{
    magnet_info_hash, normalize_info_hash, sha1, torrent_info_hash, InvalidTorrent,
};
pub use types::{AddOutcome, AddRequest, AddSource, TorrentInfo};

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use parking_lot::RwLock;
use reqwest::header::{COOKIE, ORIGIN, REFERER};
use reqwest::{RequestBuilder, Response, StatusCode};

use super::http::{read_capped, HttpError};
use crate::config::Secret;

/// The breaker / error service name of this client.
pub const SERVICE: &str = "qbittorrent";

/// How long a failed login (wrong password, ban, CSRF refusal) blocks new login attempts.
pub const DEFAULT_LOGIN_BACKOFF: Duration = Duration::from_secs(60);

/// A cheap-to-clone handle on one qBittorrent WebUI; clones share the session.
#[derive(Clone)]
pub struct QbitClient {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    base: String,
    origin: String,
    username: String,
    password: Secret,
    timeout: Duration,
    login_backoff_ms: AtomicU64,
    /// The current session cookie value; `Some("")` when qBittorrent accepted us without one
    /// (its localhost/whitelist bypass).
    sid: RwLock<Option<Secret>>,
    /// Serializes logins so concurrent callers share one attempt; holds the last failure.
    login: tokio::sync::Mutex<Option<LoginFailure>>,
    login_attempts: AtomicU64,
    /// Copy of the last login failure reason for sync readers (health).
    last_failure: RwLock<Option<String>>,
}

struct LoginFailure {
    at: Instant,
    reason: String,
}

impl std::fmt::Debug for QbitClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("QbitClient")
            .field("base", &self.inner.base)
            .field("username", &self.inner.username)
            .field("password", &self.inner.password)
            .finish_non_exhaustive()
    }
}

/// Whether retrying `err` can never help (qBittorrent said the torrent itself is invalid:
/// 415, or the request is malformed: 400); such operations are dead-lettered at once.
pub fn is_permanent(err: &HttpError) -> bool {
    matches!(
        err,
        HttpError::Status {
            status: 400 | 415,
            ..
        }
    )
}

fn api_error(message: impl Into<String>, auth: bool) -> HttpError {
    HttpError::Api {
        service: SERVICE.into(),
        message: message.into(),
        auth,
    }
}

impl QbitClient {
    /// A client for the WebUI at `base_url` (e.g. `http://127.0.0.1:8080`); `timeout` bounds each
    /// request. Nothing is sent until the first call.
    pub fn new(
        http: reqwest::Client,
        base_url: impl Into<String>,
        username: impl Into<String>,
        password: Secret,
        timeout: Duration,
    ) -> Self {
        let base = base_url.into().trim_end_matches('/').to_string();
        let origin = reqwest::Url::parse(&base)
            .map(|u| u.origin().ascii_serialization())
            .unwrap_or_else(|_| base.clone());
        QbitClient {
            inner: Arc::new(Inner {
                http,
                base,
                origin,
                username: username.into(),
                password,
                timeout,
                login_backoff_ms: AtomicU64::new(DEFAULT_LOGIN_BACKOFF.as_millis() as u64),
                sid: RwLock::new(None),
                login: tokio::sync::Mutex::new(None),
                login_attempts: AtomicU64::new(0),
                last_failure: RwLock::new(None),
            }),
        }
    }

    /// Changes how long a failed login blocks new attempts (tests use a short one).
    pub fn set_login_backoff(&self, backoff: Duration) {
        let ms = backoff.as_millis().min(u64::MAX as u128) as u64;
        self.inner.login_backoff_ms.store(ms, Ordering::Relaxed);
    }

    /// The base URL calls go to (without trailing slash).
    pub fn base_url(&self) -> &str {
        &self.inner.base
    }

    /// Whether a username is set (without one, qBittorrent must bypass auth for us).
    pub fn has_username(&self) -> bool {
        !self.inner.username.is_empty()
    }

    /// Login requests sent so far; lets health and tests prove there is no login storm.
    pub fn login_attempts(&self) -> u64 {
        self.inner.login_attempts.load(Ordering::Relaxed)
    }

    /// Why the last login failed, if the client is currently locked out by it; for health.
    pub fn login_failure(&self) -> Option<String> {
        self.inner.last_failure.read().clone()
    }

    /// `GET /api/v2/app/version` (e.g. `v4.5.2`); the health probe.
    pub async fn version(&self) -> Result<String, HttpError> {
        let resp = self.send(|c| c.get(self.url("app/version"))).await?;
        let body = read_capped(SERVICE, resp).await?;
        Ok(String::from_utf8_lossy(&body).trim().to_string())
    }

    /// `POST /api/v2/torrents/add`. `Ok.` → [`AddOutcome::Added`], `Fails.` →
    /// [`AddOutcome::Rejected`]; 415 (invalid torrent) is an `HttpError::Status` for which
    /// [`is_permanent`] is true.
    pub async fn add(&self, req: &AddRequest) -> Result<AddOutcome, HttpError> {
        let resp = self
            .send(|c| {
                let url = self.url("torrents/add");
                let mut fields: Vec<(&str, String)> = Vec::new();
                if let Some(cat) = &req.category {
                    fields.push(("category", cat.clone()));
                }
                if !req.tags.is_empty() {
                    fields.push(("tags", req.tags.join(",")));
                }
                if let Some(path) = &req.save_path {
                    fields.push(("savepath", path.clone()));
                }
                fields.push(("paused", req.paused.to_string()));
                match &req.source {
                    AddSource::Magnet(m) => {
                        fields.push(("urls", m.clone()));
                        c.post(url).form(&fields)
                    }
                    AddSource::Url(u) => {
                        fields.push(("urls", u.expose().to_string()));
                        c.post(url).form(&fields)
                    }
                    AddSource::TorrentFile { name, bytes } => {
                        let part = reqwest::multipart::Part::bytes(bytes.clone())
                            .file_name(name.clone())
                            .mime_str("application/x-bittorrent")
                            .expect("static mime type is valid");
                        let form = fields
                            .into_iter()
                            .fold(reqwest::multipart::Form::new(), |f, (k, v)| f.text(k, v))
                            .part("torrents", part);
                        c.post(url).multipart(form)
                    }
                }
            })
            .await?;
        let body = read_capped(SERVICE, resp).await?;
        match String::from_utf8_lossy(&body).trim() {
            "Ok." => Ok(AddOutcome::Added),
            "Fails." => Ok(AddOutcome::Rejected),
            other => Err(HttpError::Decode {
                service: SERVICE.into(),
                detail: format!("unexpected answer to torrents/add: {:.80}", other),
            }),
        }
    }

    /// `GET /api/v2/torrents/info`, filtered by category and/or hashes (empty = all).
    pub async fn torrents(
        &self,
        category: Option<&str>,
        hashes: &[String],
    ) -> Result<Vec<TorrentInfo>, HttpError> {
        let mut query: Vec<(&str, String)> = Vec::new();
        if let Some(cat) = category {
            query.push(("category", cat.to_string()));
        }
        if !hashes.is_empty() {
            query.push(("hashes", hashes.join("|")));
        }
        let resp = self
            .send(|c| c.get(self.url("torrents/info")).query(&query))
            .await?;
        let body = read_capped(SERVICE, resp).await?;
        serde_json::from_slice(&body).map_err(|e| HttpError::Decode {
            service: SERVICE.into(),
            detail: format!("torrents/info: {e}"),
        })
    }

    /// `POST /api/v2/torrents/delete`; unknown hashes are not an error.
    pub async fn delete(&self, hashes: &[String], delete_files: bool) -> Result<(), HttpError> {
        let form = [
            ("hashes", hashes.join("|")),
            ("deleteFiles", delete_files.to_string()),
        ];
        let resp = self
            .send(|c| c.post(self.url("torrents/delete")).form(&form))
            .await?;
        read_capped(SERVICE, resp).await?;
        Ok(())
    }

    /// Logs in now (normally done lazily by the first call), honouring the login back-off.
    pub async fn login(&self) -> Result<(), HttpError> {
        *self.inner.sid.write() = None;
        self.session().await.map(|_| ())
    }

    fn url(&self, path: &str) -> String {
        format!("{}/api/v2/{path}", self.inner.base)
    }

    /// Adds the CSRF headers, the timeout and the cookie.
    fn decorate(&self, req: RequestBuilder, sid: &Secret) -> RequestBuilder {
        let req = req
            .timeout(self.inner.timeout)
            .header(REFERER, format!("{}/", self.inner.base))
            .header(ORIGIN, &self.inner.origin);
        if sid.is_empty() {
            req
        } else {
            req.header(COOKIE, format!("SID={}", sid.expose()))
        }
    }

    /// Sends an authenticated request; on 403 logs in once more and repeats it. Non-2xx
    /// answers become `HttpError::Status`.
    async fn send(
        &self,
        build: impl Fn(&reqwest::Client) -> RequestBuilder,
    ) -> Result<Response, HttpError> {
        let sid = self.session().await?;
        let mut resp = self.dispatch(build(&self.inner.http), &sid).await?;
        if resp.status() == StatusCode::FORBIDDEN {
            let _ = read_capped(SERVICE, resp).await;
            self.invalidate(&sid);
            tracing::debug!(
                service = SERVICE,
                "session rejected (403); logging in again"
            );
            let sid = self.session().await?;
            resp = self.dispatch(build(&self.inner.http), &sid).await?;
        }
        if resp.status().is_success() {
            Ok(resp)
        } else {
            let err = HttpError::from_status(SERVICE, &resp);
            let _ = read_capped(SERVICE, resp).await;
            Err(err)
        }
    }

    async fn dispatch(&self, req: RequestBuilder, sid: &Secret) -> Result<Response, HttpError> {
        self.decorate(req, sid)
            .send()
            .await
            .map_err(|e| HttpError::from_reqwest(SERVICE, e))
    }
}
