//! Movie metadata from TMDB behind the `tmdb` circuit breaker, with a cache that survives
//! TMDB outages.
//!
//! Why: the seed promises that a TMDB outage is survived with cached data. Three layers do it:
//! * a fresh cache (moka) with a positive TTL and a shorter negative TTL for "not found";
//!   its `try_get_with` gives single-flight, so 100 identical concurrent lookups make one
//!   upstream call;
//! * every upstream call runs through `breaker.call(...)`;
//! * a bounded "last known" cache (7 days, 10k entries) keeps every good answer; when the
//!   breaker is open or a call fails, it is served with `stale: true`. With nothing to serve
//!   the caller gets [`MetadataError::Unavailable`] with a retry-after for a 503.
//!
//! No HTTP types appear in this API; the HTTP layer maps [`MetadataError`] itself.

mod alt;
mod info;
#[cfg(test)]
mod tests;

pub use info::{
    sort_title, status_at, AlternativeTitle, MovieImage, MovieInfo, MovieStatus, Rating, Ratings,
};

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use moka::future::Cache;
use moka::Expiry;
use once_cell::sync::Lazy;
use regex::Regex;

use crate::breaker::{CallError, CircuitBreaker};
use crate::clients::http::HttpError;
use crate::clients::tmdb::TmdbClient;

/// How long a last known good answer is kept for the stale fallback.
pub const LAST_KNOWN_TTL: Duration = Duration::from_secs(7 * 24 * 3600);
/// How many last known answers are kept.
pub const LAST_KNOWN_CAPACITY: u64 = 10_000;
/// How many fresh entries are kept.
pub const FRESH_CAPACITY: u64 = 10_000;

/// A value and whether it came from the stale fallback (TMDB unreachable), so the API can
/// flag it and the UI can say "showing cached data".
#[derive(Clone, Debug, PartialEq)]
pub struct Lookup<T> {
    /// The answer.
    pub value: T,
    /// `true` when served from the last known value because TMDB could not be asked.
    pub stale: bool,
}

/// Why metadata could not be delivered; each variant maps to one HTTP answer.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum MetadataError {
    /// TMDB does not know this movie (404).
    #[error("movie not found on TMDB")]
    NotFound,
    /// TMDB cannot be reached (breaker open, timeout, 5xx, 429) and nothing is cached.
    #[error("TMDB is unavailable ({reason}); retry in {retry_after_seconds} s")]
    Unavailable {
        /// Seconds until a retry may succeed (for `Retry-After`).
        retry_after_seconds: u64,
        /// What went wrong, without credentials.
        reason: String,
    },
    /// TMDB rejected our API key.
    #[error("TMDB is misconfigured: {0}")]
    Misconfigured(String),
    /// The lookup term is not understood (e.g. `tmdb:abc`).
    #[error("invalid lookup term: {0}")]
    BadTerm(String),
}

impl MetadataError {
    /// Stable snake_case code for the JSON error body.
    pub fn code(&self) -> &'static str {
        match self {
            MetadataError::NotFound => "not_found",
            MetadataError::Unavailable { .. } => "tmdb_unavailable",
            MetadataError::Misconfigured(_) => "tmdb_misconfigured",
            MetadataError::BadTerm(_) => "bad_lookup_term",
        }
    }
}

/// A parsed lookup term (`/api/v3/movie/lookup?term=`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Term {
    /// Free text, with a trailing year split off when present.
    Text {
        /// The title words.
        query: String,
        /// A trailing 4-digit year, if any.
        year: Option<u16>,
    },
    /// `tmdb:603`.
    Tmdb(u32),
    /// `imdb:tt0133093` or bare `tt0133093` (normalized to lowercase).
    Imdb(String),
}

static IMDB_ID: Lazy<Regex> = Lazy::new(|| Regex::new(r"^(?i)tt\d{5,10}$").expect("valid regex"));
static TRAILING_YEAR: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"^(.*?\S)[\s.]*[(\[]?((?:18|19|20|21)\d{2})[)\]]?\s*$").expect("valid regex")
});

/// Parses a lookup term the way Radarr does: `tmdb:ID`, `imdb:ttID`, bare `ttID`, or text
/// optionally ending in a year.
pub fn parse_term(term: &str) -> Result<Term, MetadataError> {
    let t = term.trim();
    if t.is_empty() {
        return Err(MetadataError::BadTerm("the term is empty".into()));
    }
    let lower = t.to_ascii_lowercase();
    if let Some(rest) = lower.strip_prefix("tmdb:") {
        return match rest.trim().parse::<u32>() {
            Ok(id) if id > 0 => Ok(Term::Tmdb(id)),
            _ => Err(MetadataError::BadTerm(format!(
                "`{}` is not a TMDB id",
                rest.trim()
            ))),
        };
    }
    if let Some(rest) = lower.strip_prefix("imdb:") {
        let rest = rest.trim();
        return if IMDB_ID.is_match(rest) {
            Ok(Term::Imdb(rest.to_string()))
        } else {
            Err(MetadataError::BadTerm(format!(
                "`{rest}` is not an IMDb id (ttNNNNNNN)"
            )))
        };
    }
    if IMDB_ID.is_match(&lower) {
        return Ok(Term::Imdb(lower));
    }
    let collapsed = t.split_whitespace().collect::<Vec<_>>().join(" ");
    if let Some(c) = TRAILING_YEAR.captures(&collapsed) {
        let (query, year) = (&c[1], c[2].parse().ok());
        return Ok(Term::Text {
            query: query.to_string(),
            year,
        });
    }
    Ok(Term::Text {
        query: collapsed,
        year: None,
    })
}

/// Cache key: one per distinct upstream request.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Key {
    Search { query: String, year: Option<u16> },
    Movie(u32),
    Imdb(String),
}

/// A cached upstream answer.
#[derive(Clone, Debug)]
enum Entry {
    Movies(Arc<Vec<MovieInfo>>),
    Movie(Arc<MovieInfo>),
    TmdbId(u32),
    NotFound,
}

impl Entry {
    /// "Nothing there" answers get the short negative TTL and are not kept as last known.
    fn is_negative(&self) -> bool {
        match self {
            Entry::NotFound => true,
            Entry::Movies(v) => v.is_empty(),
            _ => false,
        }
    }
}

struct TtlByKind {
    ttl: Duration,
    negative_ttl: Duration,
}

impl Expiry<Key, Entry> for TtlByKind {
    fn expire_after_create(&self, _: &Key, value: &Entry, _: Instant) -> Option<Duration> {
        Some(if value.is_negative() {
            self.negative_ttl
        } else {
            self.ttl
        })
    }
}

/// TMDB metadata with caching, single-flight and the stale fallback; cheap to clone.
#[derive(Clone)]
pub struct MetadataService {
    inner: Arc<Inner>,
}

struct Inner {
    client: TmdbClient,
    breaker: Arc<CircuitBreaker>,
    /// TMDB's alternative base URL and its breaker (`tmdb:alt`), asked when the primary fails.
    alt: Option<(TmdbClient, Arc<CircuitBreaker>)>,
    fresh: Cache<Key, Entry>,
    last_known: Cache<Key, Entry>,
}

impl std::fmt::Debug for MetadataService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MetadataService")
            .field("breaker", &self.inner.breaker)
            .field("fresh_entries", &self.inner.fresh.entry_count())
            .field("last_known_entries", &self.inner.last_known.entry_count())
            .finish()
    }
}

type Fetch = Result<Entry, CallError<HttpError>>;

impl MetadataService {
    /// Wires the client to its breaker; `ttl` applies to found data, `negative_ttl` (shorter)
    /// to "not found" and empty searches.
    pub fn new(
        client: TmdbClient,
        breaker: Arc<CircuitBreaker>,
        ttl: Duration,
        negative_ttl: Duration,
    ) -> Self {
        let fresh = Cache::builder()
            .max_capacity(FRESH_CAPACITY)
            .expire_after(TtlByKind { ttl, negative_ttl })
            .build();
        let last_known = Cache::builder()
            .max_capacity(LAST_KNOWN_CAPACITY)
            .time_to_live(LAST_KNOWN_TTL)
            .build();
        Self {
            inner: Arc::new(Inner {
                client,
                breaker,
                alt: None,
                fresh,
                last_known,
            }),
        }
    }

    /// The breaker guarding TMDB (for health and the dashboard).
    pub fn breaker(&self) -> &Arc<CircuitBreaker> {
        &self.inner.breaker
    }

    /// Serves `/api/v3/movie/lookup?term=`: text (optionally with a year), `tmdb:ID`,
    /// `imdb:ttID` or `ttID`. An unknown id yields an empty list, as in Radarr.
    pub async fn lookup(&self, term: &str) -> Result<Lookup<Vec<MovieInfo>>, MetadataError> {
        let single = |r: Result<Lookup<MovieInfo>, MetadataError>| match r {
            Ok(l) => Ok(Lookup {
                value: vec![l.value],
                stale: l.stale,
            }),
            Err(MetadataError::NotFound) => Ok(Lookup {
                value: Vec::new(),
                stale: false,
            }),
            Err(e) => Err(e),
        };
        match parse_term(term)? {
            Term::Tmdb(id) => single(self.movie(id).await),
            Term::Imdb(tt) => single(self.movie_by_imdb(&tt).await),
            Term::Text { query, year } => {
                let found = self.search(&query, year).await?;
                if found.value.is_empty() && year.is_some() {
                    // "Blade Runner 2049": the number was part of the title.
                    let full = format!("{query} {}", year.unwrap_or_default());
                    return self.search(&full, None).await;
                }
                Ok(found)
            }
        }
    }

    /// Title search (first page), each hit as a summary-level [`MovieInfo`].
    pub async fn search(
        &self,
        query: &str,
        year: Option<u16>,
    ) -> Result<Lookup<Vec<MovieInfo>>, MetadataError> {
        let query = query.split_whitespace().collect::<Vec<_>>().join(" ");
        if query.is_empty() {
            return Err(MetadataError::BadTerm("the search text is empty".into()));
        }
        let key = Key::Search {
            query: query.to_lowercase(),
            year,
        };
        let (entry, stale) = self.get(key).await?;
        match entry {
            Entry::Movies(v) => Ok(Lookup {
                value: v.as_ref().clone(),
                stale,
            }),
            _ => Ok(Lookup {
                value: Vec::new(),
                stale,
            }),
        }
    }

    /// Full details of one movie by TMDB id.
    pub async fn movie(&self, tmdb_id: u32) -> Result<Lookup<MovieInfo>, MetadataError> {
        let (entry, stale) = self.get(Key::Movie(tmdb_id)).await?;
        match entry {
            Entry::Movie(m) => Ok(Lookup {
                value: m.as_ref().clone(),
                stale,
            }),
            _ => Err(MetadataError::NotFound),
        }
    }

    /// Full details of the movie with this IMDb id (`tt0133093`).
    pub async fn movie_by_imdb(&self, imdb_id: &str) -> Result<Lookup<MovieInfo>, MetadataError> {
        let tt = imdb_id.trim().to_ascii_lowercase();
        if !IMDB_ID.is_match(&tt) {
            return Err(MetadataError::BadTerm(format!(
                "`{tt}` is not an IMDb id (ttNNNNNNN)"
            )));
        }
        let (entry, stale_id) = self.get(Key::Imdb(tt)).await?;
        let Entry::TmdbId(id) = entry else {
            return Err(MetadataError::NotFound);
        };
        let mut found = self.movie(id).await?;
        found.stale |= stale_id;
        Ok(found)
    }

    /// Drops the fresh entry of a movie so the next [`Self::movie`] asks TMDB (RefreshMovie);
    /// the last known value stays as the fallback.
    pub async fn invalidate_movie(&self, tmdb_id: u32) {
        self.inner.fresh.invalidate(&Key::Movie(tmdb_id)).await;
    }

    /// Fresh cache (single-flight) → breaker-guarded upstream call → stale fallback.
    async fn get(&self, key: Key) -> Result<(Entry, bool), MetadataError> {
        let inner = &self.inner;
        let result = inner
            .fresh
            .try_get_with(key.clone(), async {
                let fetched = self.fetch_with_failover(&key).await;
                let entry = match fetched {
                    Ok(entry) => entry,
                    Err(CallError::Inner(HttpError::Status { status: 404, .. })) => Entry::NotFound,
                    Err(e) => return Err(e),
                };
                if !entry.is_negative() {
                    inner.last_known.insert(key.clone(), entry.clone()).await;
                }
                Ok(entry)
            })
            .await;
        let err = match result {
            Ok(entry) => return Ok((entry, false)),
            Err(err) => err,
        };
        if let Some(entry) = inner.last_known.get(&key).await {
            tracing::warn!(service = "tmdb", error = %err, ?key, "serving stale metadata");
            return Ok((entry, true));
        }
        Err(self.unavailable(&err))
    }

    fn unavailable(&self, err: &CallError<HttpError>) -> MetadataError {
        let recovery = self.inner.breaker.config().recovery_timeout_seconds.max(1);
        match err {
            CallError::Open(rejected) => MetadataError::Unavailable {
                retry_after_seconds: rejected.retry_after_seconds(),
                reason: "circuit breaker open".into(),
            },
            CallError::Timeout => MetadataError::Unavailable {
                retry_after_seconds: recovery,
                reason: "TMDB did not answer in time".into(),
            },
            CallError::Inner(HttpError::Status {
                status: 401 | 403, ..
            }) => MetadataError::Misconfigured("TMDB rejected the API key".into()),
            CallError::Inner(HttpError::Api {
                auth: true,
                message,
                ..
            }) => MetadataError::Misconfigured(message.clone()),
            CallError::Inner(HttpError::Status {
                status: 429,
                retry_after,
                ..
            }) => MetadataError::Unavailable {
                retry_after_seconds: retry_after.unwrap_or(recovery).max(1),
                reason: "TMDB rate limit reached".into(),
            },
            CallError::Inner(e) => MetadataError::Unavailable {
                retry_after_seconds: recovery,
                reason: e.to_string(),
            },
        }
    }

    /// The one upstream request behind a key.
    async fn fetch(&self, client: &TmdbClient, key: &Key) -> Result<Entry, HttpError> {
        let now = Utc::now();
        Ok(match key {
            Key::Search { query, year } => {
                let page = client.search(query, *year, 1).await?;
                let list = page
                    .results
                    .iter()
                    .map(|s| MovieInfo::from_summary(s, now))
                    .collect();
                Entry::Movies(Arc::new(list))
            }
            Key::Movie(id) => {
                let movie = client.movie(*id).await?;
                Entry::Movie(Arc::new(MovieInfo::from_details(&movie, now)))
            }
            Key::Imdb(tt) => match client.find_imdb(tt).await? {
                Some(found) => Entry::TmdbId(found.id),
                None => Entry::NotFound,
            },
        })
    }
}
