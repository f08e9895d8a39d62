//! Torznab client (Prowlarr, Jackett, any Torznab indexer): capabilities, then a movie search
//! by IMDb id when the indexer supports it, else a text search.
//!
//! Why: most users reach their trackers through Prowlarr or Jackett, so every configured
//! `[[indexers.torznab]]` gets one of these, named `torznab:<name>` for its breaker. Errors
//! are the shared [`HttpError`] naming that service; Torznab error codes 100–199 (bad
//! credentials) are `Api { auth: true }` so the breaker shows "misconfigured". The apikey is a
//! [`Secret`], and reqwest errors are stripped of the URL, so it never shows up in errors.

mod parse;
#[cfg(test)]
mod tests;

pub use parse::{parse_caps, parse_rss, FeedError, TorznabCaps, TorznabItem};

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use parking_lot::Mutex;

use super::http::{read_capped, HttpError};
use super::release::{info_hash_from_magnet, normalize_info_hash, scrub, Release};
use crate::config::Secret;
use crate::domain::parser::parse_title;

/// How long a caps answer is reused before asking again.
pub const CAPS_TTL: Duration = Duration::from_secs(3600);
/// Newznab category of movies.
pub const MOVIE_CATEGORY: u32 = 2000;
/// Results asked for per search.
pub const SEARCH_LIMIT: u32 = 100;

/// The caps answer and when it was fetched, shared by clones of a client.
type CapsCache = Arc<Mutex<Option<(Instant, Arc<TorznabCaps>)>>>;

/// One Torznab indexer; cheap to clone (caps cache shared between clones).
#[derive(Clone, Debug)]
pub struct TorznabClient {
    http: reqwest::Client,
    name: String,
    service: String,
    api_url: String,
    api_key: Secret,
    timeout: Duration,
    caps: CapsCache,
    /// Newznab categories searched (the provider's `categories`; movies, 2000, by default).
    categories: Vec<u32>,
}

impl TorznabClient {
    /// `base_url` is the indexer's Torznab URL with or without the trailing `/api`
    /// (Prowlarr: `http://host:9696/1/`; Jackett: `http://host:9117/api/v2.0/indexers/x/results/torznab/`).
    pub fn new(
        http: reqwest::Client,
        name: impl Into<String>,
        base_url: impl Into<String>,
        api_key: Secret,
        timeout: Duration,
    ) -> Self {
        let name = name.into();
        let base = base_url.into();
        let base = base.trim_end_matches('/');
        let api_url = if base.ends_with("/api") {
            base.to_string()
        } else {
            format!("{base}/api")
        };
        Self {
            http,
            service: format!("torznab:{name}"),
            name,
            api_url,
            api_key,
            timeout,
            caps: Arc::new(Mutex::new(None)),
            categories: vec![MOVIE_CATEGORY],
        }
    }

    /// The same client searching `categories` (an empty list keeps the movie category).
    pub fn with_categories(mut self, categories: Vec<u32>) -> Self {
        if !categories.is_empty() {
            self.categories = categories;
        }
        self
    }

    /// The configured display name (e.g. `prowlarr`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The breaker/service name: `torznab:<name>`.
    pub fn service(&self) -> &str {
        &self.service
    }

    /// The indexer's capabilities, cached for [`CAPS_TTL`]; also the health probe.
    pub async fn caps(&self) -> Result<Arc<TorznabCaps>, HttpError> {
        if let Some((at, caps)) = self.caps.lock().as_ref() {
            if at.elapsed() < CAPS_TTL {
                return Ok(caps.clone());
            }
        }
        let body = self.get(&[("t", "caps".to_string())]).await?;
        let caps = Arc::new(parse_caps(&body).map_err(|e| self.feed_error(e))?);
        *self.caps.lock() = Some((Instant::now(), caps.clone()));
        Ok(caps)
    }

    /// The health probe: `t=caps` answered with a 2xx (the body is not parsed, so a slow or
    /// odd caps document never trips the breaker on its own).
    pub async fn probe(&self) -> Result<(), HttpError> {
        self.get(&[("t", "caps".to_string())]).await.map(|_| ())
    }

    /// The settings test: asks for the capabilities document now (bypassing the cache) and
    /// checks the answer is one; an API error in it (bad key) is `Api { auth: true }`.
    pub async fn fetch_caps(&self) -> Result<(), HttpError> {
        let body = self.get(&[("t", "caps".to_string())]).await?;
        let caps = Arc::new(parse_caps(&body).map_err(|e| self.feed_error(e))?);
        *self.caps.lock() = Some((Instant::now(), caps));
        Ok(())
    }

    /// Searches movies: `t=movie&imdbid=` when the caps allow it and an IMDb id is known,
    /// else `t=search&q=<title year>`.
    pub async fn search_movie(
        &self,
        imdb_id: Option<&str>,
        title: &str,
        year: Option<u16>,
    ) -> Result<Vec<Release>, HttpError> {
        let caps = self.caps().await?;
        let limit = caps
            .limit_max
            .unwrap_or(SEARCH_LIMIT)
            .clamp(1, SEARCH_LIMIT);
        let imdb_digits = imdb_id
            .map(|i| i.trim().trim_start_matches("tt").trim_start_matches("TT"))
            .filter(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()));
        let cats: Vec<String> = self.categories.iter().map(u32::to_string).collect();
        let cats = cats.join(",");
        let mut params = vec![
            ("cat", cats),
            ("extended", "1".to_string()),
            ("limit", limit.to_string()),
        ];
        match imdb_digits {
            Some(digits) if caps.supports_imdb_movie_search() => {
                params.push(("t", "movie".into()));
                params.push(("imdbid", format!("{digits:0>7}")));
            }
            _ => {
                let q = match year {
                    Some(y) => format!("{} {y}", title.trim()),
                    None => title.trim().to_string(),
                };
                params.push(("t", "search".into()));
                params.push(("q", q));
            }
        }
        let body = self.get(&params).await?;
        let items = parse_rss(&body).map_err(|e| self.feed_error(e))?;
        Ok(items
            .into_iter()
            .filter_map(|it| item_to_release(it, &self.name, &self.api_key))
            .collect())
    }

    async fn get(&self, params: &[(&str, String)]) -> Result<Vec<u8>, HttpError> {
        let svc = self.service.as_str();
        let resp = self
            .http
            .get(&self.api_url)
            .query(params)
            .query(&[("apikey", self.api_key.expose())])
            .timeout(self.timeout)
            .send()
            .await
            .map_err(|e| HttpError::from_reqwest(svc, e))?;
        if !resp.status().is_success() {
            return Err(HttpError::from_status(svc, &resp));
        }
        read_capped(svc, resp).await
    }

    fn feed_error(&self, e: FeedError) -> HttpError {
        feed_error(&self.service, &self.api_key, e)
    }
}

/// Maps a parse failure to the shared error: codes 100–199 are credential problems.
pub fn feed_error(service: &str, api_key: &Secret, e: FeedError) -> HttpError {
    match e {
        FeedError::Api { code, description } => HttpError::Api {
            service: service.to_string(),
            message: format!("error {code}: {}", scrub(&description, api_key)),
            auth: (100..200).contains(&code),
        },
        FeedError::Malformed(detail) => HttpError::Decode {
            service: service.to_string(),
            detail: scrub(&detail, api_key),
        },
    }
}

/// `0133093` / `133093` / `tt0133093` → `tt0133093`.
fn imdb_from_attr(raw: &str) -> Option<String> {
    let digits = raw.trim().trim_start_matches("tt");
    let n: u64 = digits.parse().ok().filter(|n| *n > 0)?;
    Some(format!("tt{n:07}"))
}

/// Maps one feed item to a [`Release`]; `None` for an item without a title. Credentials in
/// the guid or details link are scrubbed, download URLs go into a [`Secret`].
pub fn item_to_release(item: TorznabItem, indexer: &str, api_key: &Secret) -> Option<Release> {
    let title = item.title.trim().to_string();
    if title.is_empty() {
        return None;
    }
    let attr_u64 = |n: &str| item.attr(n).and_then(|v| v.trim().parse::<u64>().ok());
    let magnet = item
        .attr("magneturl")
        .into_iter()
        .chain(item.link.as_deref())
        .chain(item.enclosure_url.as_deref())
        .find(|u| u.starts_with("magnet:"))
        .map(str::to_string);
    let download = item
        .enclosure_url
        .as_deref()
        .into_iter()
        .chain(item.link.as_deref())
        .find(|u| !u.starts_with("magnet:"))
        .map(Secret::new);
    let info_hash = item
        .attr("infohash")
        .and_then(normalize_info_hash)
        .or_else(|| magnet.as_deref().and_then(info_hash_from_magnet));
    let seeders = attr_u64("seeders").map(|s| s.min(u64::from(u32::MAX)) as u32);
    let leechers = attr_u64("peers").map(|p| {
        let p = p.min(u64::from(u32::MAX)) as u32;
        p.saturating_sub(seeders.unwrap_or(0))
    });
    let dvf = item
        .attr("downloadvolumefactor")
        .and_then(|v| v.trim().parse::<f64>().ok())
        .filter(|v| v.is_finite() && *v >= 0.0)
        .unwrap_or(1.0);
    let guid = item
        .guid
        .as_deref()
        .or(item.comments.as_deref())
        .map(|g| scrub(g, api_key))
        .or_else(|| info_hash.clone())
        .unwrap_or_else(|| format!("{indexer}:{title}"));
    Some(Release {
        guid,
        indexer: indexer.to_string(),
        size: attr_u64("size")
            .or(item.size)
            .or(item.enclosure_length)
            .unwrap_or(0),
        seeders,
        leechers,
        info_hash,
        magnet,
        download_url: download,
        info_url: item
            .comments
            .as_deref()
            .filter(|c| c.starts_with("http"))
            .map(|c| scrub(c, api_key)),
        publish_date: item
            .pub_date
            .as_deref()
            .and_then(|d| DateTime::parse_from_rfc2822(d.trim()).ok())
            .map(|d| d.with_timezone(&Utc)),
        imdb_id: item.attr("imdb").and_then(imdb_from_attr),
        categories: item
            .attrs_named("category")
            .filter_map(|c| c.trim().parse().ok())
            .collect(),
        parsed: parse_title(&title),
        freeleech: dvf == 0.0,
        download_volume_factor: dvf,
        protocol: "torrent",
        title,
    })
}
