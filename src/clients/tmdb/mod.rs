//! TMDB v3 client: movie search, details (with external ids, release dates and alternative
//! titles in one request), lookup by IMDb id and a light `/configuration` probe.
//!
//! Why its own module: it is the only place that knows TMDB's URLs, auth styles and JSON
//! shapes. It is stateless apart from its settings; caching, single-flight and the stale
//! fallback live in `services::metadata`, and every call there goes through the `tmdb`
//! circuit breaker. Errors are the shared [`HttpError`] with service `tmdb`, whose
//! classification makes 404 neutral, 401 "misconfigured", 429/5xx/transport failures.

mod model;
#[cfg(test)]
mod tests;

pub use model::{
    parse_date, TmdbAlternativeTitle, TmdbCompany, TmdbCountryReleases, TmdbGenre, TmdbMovie,
    TmdbMovieSummary, TmdbReleaseDate, TmdbSearchPage,
};

use std::sync::Arc;
use std::time::Duration;

use arc_swap::ArcSwap;
use serde::de::DeserializeOwned;

use super::http::{read_capped, HttpError};
use crate::config::Secret;

/// Service name used in errors, logs and the breaker registry.
pub const SERVICE: &str = "tmdb";

/// Prefix TMDB images are served under, at original size.
pub const IMAGE_BASE: &str = "https://image.tmdb.org/t/p/original";

/// Talks to TMDB; cheap to clone (the reqwest client is reference-counted). Clones share the
/// key, so [`TmdbClient::set_api_key`] reaches every holder at once (the settings API).
#[derive(Clone, Debug)]
pub struct TmdbClient {
    http: reqwest::Client,
    base: String,
    auth: Arc<ArcSwap<Auth>>,
    timeout: Duration,
}

/// The key and how it is sent.
#[derive(Debug)]
struct Auth {
    key: Secret,
    bearer: bool,
}

impl Auth {
    fn new(key: Secret) -> Self {
        let bearer = looks_like_jwt(key.expose());
        Auth { key, bearer }
    }
}

/// A v4 read-access token is a JWT (three dot-separated parts, a few hundred characters);
/// a v3 key is 32 hex digits. The former goes in `Authorization: Bearer`, the latter in
/// `?api_key=`.
fn looks_like_jwt(key: &str) -> bool {
    key.matches('.').count() == 2 && key.len() >= 64
}

impl TmdbClient {
    /// Builds a client for `base_url` (e.g. `https://api.themoviedb.org/3`, from
    /// `TMDB_API_URL`); `timeout` bounds each whole request.
    pub fn new(
        http: reqwest::Client,
        base_url: impl Into<String>,
        api_key: Secret,
        timeout: Duration,
    ) -> Self {
        let base = base_url.into().trim_end_matches('/').to_string();
        Self {
            http,
            base,
            auth: Arc::new(ArcSwap::from_pointee(Auth::new(api_key))),
            timeout,
        }
    }

    /// The same client (sharing its key, so a new key reaches both) at another base URL: TMDB's
    /// alternative endpoint (`[tmdb] fallback_base_url`).
    pub fn at(&self, base_url: &str) -> Self {
        Self {
            base: base_url.trim_end_matches('/').to_string(),
            ..self.clone()
        }
    }

    /// Whether an API key is configured (health reports `unconfigured` otherwise).
    pub fn is_configured(&self) -> bool {
        !self.auth.load().key.is_empty()
    }

    /// Replaces the key for every clone; the next request uses it.
    pub fn set_api_key(&self, key: Secret) {
        self.auth.store(Arc::new(Auth::new(key)));
    }

    /// The key in use (empty when none).
    pub fn api_key(&self) -> Secret {
        self.auth.load().key.clone()
    }

    /// `GET /search/movie?query=&year=&page=`: one page of matches.
    pub async fn search(
        &self,
        query: &str,
        year: Option<u16>,
        page: u32,
    ) -> Result<TmdbSearchPage, HttpError> {
        let mut params = vec![
            ("query", query.to_string()),
            ("page", page.max(1).to_string()),
            ("include_adult", "false".to_string()),
        ];
        if let Some(y) = year {
            params.push(("year", y.to_string()));
        }
        self.get_json("/search/movie", &params).await
    }

    /// `GET /movie/{id}` with `external_ids,release_dates,alternative_titles` appended, so
    /// one request yields everything Radarr's movie resource needs.
    pub async fn movie(&self, id: u32) -> Result<TmdbMovie, HttpError> {
        let params = [(
            "append_to_response",
            "external_ids,release_dates,alternative_titles".to_string(),
        )];
        self.get_json(&format!("/movie/{id}"), &params).await
    }

    /// `GET /find/{imdb_id}?external_source=imdb_id`: the movie with that IMDb id, if TMDB
    /// knows it (an unknown id is a 200 with empty arrays, hence `Option`).
    pub async fn find_imdb(&self, imdb_id: &str) -> Result<Option<TmdbMovieSummary>, HttpError> {
        #[derive(serde::Deserialize)]
        struct Found {
            #[serde(default)]
            movie_results: Vec<TmdbMovieSummary>,
        }
        let params = [("external_source", "imdb_id".to_string())];
        let found: Found = self.get_json(&format!("/find/{imdb_id}"), &params).await?;
        Ok(found.movie_results.into_iter().next())
    }

    /// `GET /configuration`: a cheap authenticated request, used as the health probe.
    pub async fn configuration(&self) -> Result<(), HttpError> {
        let _: serde_json::Value = self.get_json("/configuration", &[]).await?;
        Ok(())
    }

    async fn get_json<T: DeserializeOwned>(
        &self,
        path: &str,
        params: &[(&str, String)],
    ) -> Result<T, HttpError> {
        let mut req = self
            .http
            .get(format!("{}{}", self.base, path))
            .query(params)
            .header(reqwest::header::ACCEPT, "application/json")
            .timeout(self.timeout);
        let auth = self.auth.load();
        req = if auth.bearer {
            req.bearer_auth(auth.key.expose())
        } else {
            req.query(&[("api_key", auth.key.expose())])
        };
        let resp = req
            .send()
            .await
            .map_err(|e| HttpError::from_reqwest(SERVICE, e))?;
        if !resp.status().is_success() {
            return Err(HttpError::from_status(SERVICE, &resp));
        }
        let body = read_capped(SERVICE, resp).await?;
        decode(&body)
    }
}

/// Decodes a TMDB JSON body; a syntax or shape error is a `Decode` error (serde's message
/// names a line and column, never the content).
pub fn decode<T: DeserializeOwned>(body: &[u8]) -> Result<T, HttpError> {
    serde_json::from_slice(body).map_err(|e| HttpError::Decode {
        service: SERVICE.to_string(),
        detail: e.to_string(),
    })
}
