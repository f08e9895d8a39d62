//! HDBits client: `POST {base}/torrents` by IMDb id (title search as the fallback), with a
//! client-side hourly quota and the passkey kept out of every log, error and API answer.
//!
//! Why: HDBits is the seed's primary tracker. Its API answers HTTP 200 with a `status` code
//! (4/5 = credentials → misconfigured), documents about 150 requests per hour per user —
//! exceeding it risks the account, so a spent quota refuses locally ([`HdbitsError::QuotaExhausted`],
//! neutral for the breaker) — and its download URLs embed the passkey, so they are held in a
//! [`Secret`] inside [`Release`].

mod parse;
mod quota;
#[cfg(test)]
mod tests;

pub use parse::{parse_response, HdbitsImdb, HdbitsTorrent};
pub use quota::Quota;

use std::sync::Arc;
use std::time::Duration;

use serde_json::json;

use super::http::{read_capped, HttpError};
use super::release::{scrub, Release};
use crate::breaker::{Classify, FailureClass};
use crate::config::Secret;

/// Service name in errors, logs and the breaker registry.
pub const SERVICE: &str = "hdbits";
/// Indexer name shown on releases and warnings.
pub const DISPLAY_NAME: &str = "HDBits";
/// Documented API allowance per user and hour.
pub const DEFAULT_REQUESTS_PER_HOUR: u32 = 150;
/// HDBits category id of movies.
pub const MOVIE_CATEGORY: u32 = 1;
/// Results asked for per request (the API maximum).
pub const SEARCH_LIMIT: u32 = 100;

/// A failed HDBits search.
#[derive(Debug, Clone, thiserror::Error)]
pub enum HdbitsError {
    /// The request was made and failed (transport, status, decode, API status code).
    #[error(transparent)]
    Http(#[from] HttpError),
    /// The client-side hourly quota is spent; no request was made.
    #[error("hdbits: hourly API quota spent; next request allowed in {} s", retry_after.as_secs().max(1))]
    QuotaExhausted {
        /// When the oldest counted request leaves the window.
        retry_after: Duration,
    },
}

impl Classify for HdbitsError {
    fn classify(&self) -> FailureClass {
        match self {
            HdbitsError::Http(e) => e.classify(),
            // Our own budget, not HDBits' health.
            HdbitsError::QuotaExhausted { .. } => FailureClass::Ignored,
        }
    }
}

/// Talks to HDBits; cheap to clone (clones share the quota).
#[derive(Clone, Debug)]
pub struct HdbitsClient {
    http: reqwest::Client,
    api_url: String,
    site: String,
    username: String,
    passkey: Secret,
    timeout: Duration,
    quota: Arc<Quota>,
}

impl HdbitsClient {
    /// `base_url` is the API root (`https://hdbits.org/api`, from `HDBITS_API_URL`); the site
    /// root for download links is derived from it. `requests_per_hour` sizes the quota.
    pub fn new(
        http: reqwest::Client,
        base_url: impl Into<String>,
        username: String,
        passkey: Secret,
        timeout: Duration,
        requests_per_hour: u32,
    ) -> Self {
        let api_url = base_url.into().trim_end_matches('/').to_string();
        let site = api_url.strip_suffix("/api").unwrap_or(&api_url).to_string();
        Self {
            http,
            api_url,
            site,
            username,
            passkey,
            timeout,
            quota: Arc::new(Quota::per_hour(requests_per_hour)),
        }
    }

    /// Whether username and passkey are set (health reports `unconfigured` otherwise).
    pub fn is_configured(&self) -> bool {
        !self.username.is_empty() && !self.passkey.is_empty()
    }

    /// The hourly request budget, so callers can skip HDBits before asking its breaker.
    pub fn quota(&self) -> &Quota {
        &self.quota
    }

    /// Movies with this IMDb id (numeric part, `133093` for `tt0133093`).
    pub async fn search_imdb(&self, imdb_id: u32) -> Result<Vec<Release>, HdbitsError> {
        self.torrents(json!({ "imdb": { "id": imdb_id } })).await
    }

    /// Title search, for movies without a known IMDb id.
    pub async fn search_title(&self, text: &str) -> Result<Vec<Release>, HdbitsError> {
        self.torrents(json!({ "search": text.trim() })).await
    }

    async fn torrents(&self, query: serde_json::Value) -> Result<Vec<Release>, HdbitsError> {
        self.quota
            .try_take()
            .map_err(|retry_after| HdbitsError::QuotaExhausted { retry_after })?;
        let mut body = json!({
            "username": self.username,
            "passkey": self.passkey.expose(),
            "category": [MOVIE_CATEGORY],
            "limit": SEARCH_LIMIT,
            "page": 0,
        });
        if let (Some(b), Some(q)) = (body.as_object_mut(), query.as_object()) {
            b.extend(q.clone());
        }
        let resp = self
            .http
            .post(format!("{}/torrents", self.api_url))
            .json(&body)
            .timeout(self.timeout)
            .send()
            .await
            .map_err(|e| HttpError::from_reqwest(SERVICE, e))?;
        if !resp.status().is_success() {
            return Err(HttpError::from_status(SERVICE, &resp).into());
        }
        let bytes = read_capped(SERVICE, resp).await?;
        let torrents = parse_response(&bytes).map_err(|e| self.scrubbed(e))?;
        Ok(torrents
            .into_iter()
            .filter_map(|t| t.into_release(&self.site, &self.passkey))
            .collect())
    }

    /// Removes the passkey from an error HDBits' message might echo.
    fn scrubbed(&self, e: HttpError) -> HttpError {
        match e {
            HttpError::Api {
                service,
                message,
                auth,
            } => HttpError::Api {
                service,
                message: scrub(&message, &self.passkey),
                auth,
            },
            other => other,
        }
    }
}
