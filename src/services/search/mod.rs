//! Release search across every enabled indexer at once, each behind its own breaker.
//!
//! Why: the seed promises that a failing tracker is skipped while everything else goes on.
//! All indexers are asked concurrently; one whose breaker is open, whose HDBits quota is
//! spent, or that fails or times out is left out and named in [`SearchResult::warnings`]
//! with a human reason. The rest are merged and deduplicated by info-hash (keeping the copy
//! with more seeders), then by guid. No HTTP types appear in this API.

mod mirrors;
#[cfg(test)]
mod tests;

pub use mirrors::Mirror;

use std::collections::HashMap;
use std::sync::Arc;

use arc_swap::ArcSwap;
use futures_util::future::join_all;
use serde::Serialize;

use crate::breaker::{CallError, CircuitBreaker, Classify, FailureClass};
use crate::clients::hdbits::{HdbitsClient, HdbitsError, DISPLAY_NAME as HDBITS};
use crate::clients::http::HttpError;
pub use crate::clients::release::Release;
use crate::clients::torznab::TorznabClient;

/// What to search for; the IMDb id is preferred, the title (and year) is the fallback.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SearchQuery {
    /// `tt0133093`, when known.
    pub imdb_id: Option<String>,
    /// Movie title.
    pub title: String,
    /// Release year.
    pub year: Option<u16>,
}

/// Why an indexer is missing from a result, as a stable code for API clients.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WarningCode {
    /// Its breaker refused the call.
    CircuitOpen,
    /// HDBits' hourly request budget is spent.
    QuotaExhausted,
    /// No answer in time.
    Timeout,
    /// Credentials rejected.
    Misconfigured,
    /// Any other failure (5xx, connection refused, bad answer).
    Failed,
}

/// One skipped indexer and why.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IndexerWarning {
    /// Display name (`HDBits`, or the Torznab indexer's name).
    pub indexer: String,
    /// Breaker/service name (`hdbits`, `torznab:<name>`).
    pub service: String,
    /// Stable code.
    pub code: WarningCode,
    /// Human sentence, e.g. "HDBits skipped: circuit breaker open, retry in 42 s".
    pub reason: String,
    /// When trying again makes sense, if known.
    pub retry_after_seconds: Option<u64>,
}

/// Releases found plus the indexers that could not contribute.
#[derive(Clone, Debug, Default, Serialize)]
pub struct SearchResult {
    /// Deduplicated releases, most seeders first.
    pub releases: Vec<Release>,
    /// Skipped indexers.
    pub warnings: Vec<IndexerWarning>,
}

/// The client behind an indexer.
#[derive(Clone, Debug)]
pub enum IndexerClient {
    /// HDBits' JSON API.
    Hdbits(HdbitsClient),
    /// A Torznab endpoint (Prowlarr, Jackett).
    Torznab(TorznabClient),
}

/// An indexer paired with its breaker.
#[derive(Clone, Debug)]
pub struct Indexer {
    client: IndexerClient,
    breaker: Arc<CircuitBreaker>,
    /// Its own minimum seeders (the provider's `minimumSeeders`), over `[library] minimum_seeders`.
    min_seeders: Option<u32>,
    /// Torznab mirror endpoints, tried in order when its own URL fails (see `mirrors.rs`).
    mirrors: Vec<Mirror>,
}

impl Indexer {
    /// HDBits behind the `hdbits` breaker.
    pub fn hdbits(client: HdbitsClient, breaker: Arc<CircuitBreaker>) -> Self {
        Self {
            client: IndexerClient::Hdbits(client),
            breaker,
            min_seeders: None,
            mirrors: Vec::new(),
        }
    }

    /// A Torznab indexer behind its `torznab:<name>` breaker.
    pub fn torznab(client: TorznabClient, breaker: Arc<CircuitBreaker>) -> Self {
        Self {
            client: IndexerClient::Torznab(client),
            breaker,
            min_seeders: None,
            mirrors: Vec::new(),
        }
    }

    /// The same indexer with its own minimum seeders.
    pub fn with_min_seeders(self, min: Option<u32>) -> Self {
        Self {
            min_seeders: min,
            ..self
        }
    }

    /// Display name used on releases and warnings.
    pub fn name(&self) -> &str {
        match &self.client {
            IndexerClient::Hdbits(_) => HDBITS,
            IndexerClient::Torznab(c) => c.name(),
        }
    }

    /// The breaker guarding this indexer.
    pub fn breaker(&self) -> &Arc<CircuitBreaker> {
        &self.breaker
    }

    /// The client.
    pub fn client(&self) -> &IndexerClient {
        &self.client
    }

    fn warn(&self, code: WarningCode, detail: String, retry: Option<u64>) -> IndexerWarning {
        IndexerWarning {
            indexer: self.name().to_string(),
            service: self.breaker.name().to_string(),
            code,
            reason: format!("{} skipped: {detail}", self.name()),
            retry_after_seconds: retry,
        }
    }

    /// Asks this indexer, under its breaker.
    async fn search(&self, q: &SearchQuery) -> Result<Vec<Release>, IndexerWarning> {
        match &self.client {
            IndexerClient::Hdbits(c) => {
                if let Err(wait) = c.quota().check() {
                    return Err(self.quota_warning(wait.as_secs()));
                }
                let imdb = q.imdb_id.as_deref().and_then(imdb_number);
                let fut = async {
                    match imdb {
                        Some(id) => c.search_imdb(id).await,
                        None => c.search_title(&q.title).await,
                    }
                };
                match self.breaker.call(fut).await {
                    Ok(v) => Ok(v),
                    Err(CallError::Inner(HdbitsError::QuotaExhausted { retry_after })) => {
                        Err(self.quota_warning(retry_after.as_secs()))
                    }
                    Err(CallError::Inner(HdbitsError::Http(e))) => Err(self.http_warning(&e)),
                    Err(CallError::Open(r)) => Err(self.open_warning(r.retry_after_seconds())),
                    Err(CallError::Timeout) => Err(self.timeout_warning()),
                }
            }
            IndexerClient::Torznab(c) => self.torznab_search(c, q).await,
        }
    }

    fn quota_warning(&self, secs: u64) -> IndexerWarning {
        let secs = secs.max(1);
        let wait = if secs >= 120 {
            format!("{} min", secs.div_ceil(60))
        } else {
            format!("{secs} s")
        };
        self.warn(
            WarningCode::QuotaExhausted,
            format!("hourly API quota spent, next request in {wait}"),
            Some(secs),
        )
    }

    fn open_warning(&self, secs: u64) -> IndexerWarning {
        self.warn(
            WarningCode::CircuitOpen,
            format!("circuit breaker open, retry in {secs} s"),
            Some(secs),
        )
    }

    fn timeout_warning(&self) -> IndexerWarning {
        let ms = self.breaker.config().call_timeout_ms;
        self.warn(
            WarningCode::Timeout,
            format!("timed out after {ms} ms"),
            None,
        )
    }

    fn http_warning(&self, e: &HttpError) -> IndexerWarning {
        let (code, detail, retry) = match e {
            HttpError::Timeout { .. } => (WarningCode::Timeout, "timed out".to_string(), None),
            HttpError::Connect { .. } => (WarningCode::Failed, "cannot connect".into(), None),
            HttpError::Status {
                status,
                retry_after,
                ..
            } => (
                if matches!(e.classify(), FailureClass::Misconfigured(_)) {
                    WarningCode::Misconfigured
                } else {
                    WarningCode::Failed
                },
                format!("HTTP {status}"),
                *retry_after,
            ),
            HttpError::Api { message, auth, .. } => (
                if *auth {
                    WarningCode::Misconfigured
                } else {
                    WarningCode::Failed
                },
                message.clone(),
                None,
            ),
            HttpError::Decode { .. } => (WarningCode::Failed, "invalid response".into(), None),
            HttpError::Transport { .. } => (WarningCode::Failed, "connection error".into(), None),
        };
        self.warn(code, detail, retry)
    }
}

/// `tt0133093` → 133093.
fn imdb_number(imdb: &str) -> Option<u32> {
    let digits = imdb.trim().to_ascii_lowercase();
    digits.strip_prefix("tt")?.parse().ok().filter(|n| *n > 0)
}

/// Searches every indexer concurrently. Clones share the indexer list, which the providers
/// service replaces whenever an indexer is added, changed or removed (the next search uses it).
#[derive(Clone, Debug, Default)]
pub struct SearchService {
    indexers: Arc<ArcSwap<Vec<Indexer>>>,
}

impl SearchService {
    /// A service over these indexers (disabled or unconfigured ones are left out by the caller).
    pub fn new(indexers: Vec<Indexer>) -> Self {
        Self {
            indexers: Arc::new(ArcSwap::from_pointee(indexers)),
        }
    }

    /// The indexers, for health and the UI.
    pub fn indexers(&self) -> Arc<Vec<Indexer>> {
        self.indexers.load_full()
    }

    /// Replaces the indexer list for every clone; searches already running keep the old one.
    pub fn set_indexers(&self, indexers: Vec<Indexer>) {
        self.indexers.store(Arc::new(indexers));
    }

    /// The indexer guarded by breaker `service` (`hdbits`, `torznab:<name>`), if in use.
    pub fn by_service(&self, service: &str) -> Option<Indexer> {
        let all = self.indexers.load();
        all.iter()
            .find(|i| i.breakers().iter().any(|b| b.name() == service))
            .cloned()
    }

    /// Each indexer's own minimum seeders, by display name (what releases carry as `indexer`).
    pub fn minimum_seeders(&self) -> HashMap<String, u32> {
        let all = self.indexers.load();
        all.iter()
            .filter_map(|i| Some((i.name().to_string(), i.min_seeders?)))
            .collect()
    }

    /// Asks all indexers at once; failures become warnings, results are merged.
    pub async fn search(&self, query: &SearchQuery) -> SearchResult {
        let indexers = self.indexers.load_full();
        let answers = join_all(indexers.iter().map(|i| i.search(query))).await;
        let mut found = Vec::new();
        let mut warnings = Vec::new();
        for answer in answers {
            match answer {
                Ok(releases) => found.extend(releases),
                Err(w) => {
                    tracing::warn!(indexer = %w.indexer, code = ?w.code, reason = %w.reason, "indexer skipped");
                    warnings.push(w);
                }
            }
        }
        SearchResult {
            releases: dedup(found),
            warnings,
        }
    }
}

fn seeders(r: &Release) -> u32 {
    r.seeders.unwrap_or(0)
}

/// Keeps one release per key (the one with more seeders; the first on ties).
fn dedup_by(list: Vec<Release>, key: impl Fn(&Release) -> Option<&str>) -> Vec<Release> {
    let mut out: Vec<Release> = Vec::with_capacity(list.len());
    let mut seen: HashMap<String, usize> = HashMap::new();
    for r in list {
        let Some(k) = key(&r).map(str::to_string) else {
            out.push(r);
            continue;
        };
        match seen.get(&k) {
            Some(&i) => {
                if seeders(&r) > seeders(&out[i]) {
                    out[i] = r;
                }
            }
            None => {
                seen.insert(k, out.len());
                out.push(r);
            }
        }
    }
    out
}

/// Deduplicates by info-hash, then by guid, and sorts by seeders (most first).
pub fn dedup(releases: Vec<Release>) -> Vec<Release> {
    let by_hash = dedup_by(releases, |r| r.info_hash.as_deref());
    let mut out = dedup_by(by_hash, |r| Some(r.guid.as_str()));
    out.sort_by_key(|r| std::cmp::Reverse(seeders(r)));
    out
}
