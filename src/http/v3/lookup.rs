//! `GET /api/v3/movie/lookup?term=` (plain text, `tmdb:ID`, `imdb:ttID`) and the `/tmdb` and
//! `/imdb` variants, served through the TMDB cache and breaker: stale answers are marked with a
//! `Warning: 110` header, an outage with nothing cached is a 503 with `Retry-After`.

use super::movie_resource::movie_resource;
use crate::auth::Principal;
use crate::http::auth::require;
use crate::http::error::ApiError;
use crate::http::with_state;
use crate::services::metadata::{Lookup, MovieInfo};
use crate::state::AppState;
use serde::Deserialize;
use serde_json::Value;
use std::sync::Arc;
use warp::http::{header, StatusCode};
use warp::{Filter, Rejection, Reply};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct LookupQuery {
    term: Option<String>,
    tmdb_id: Option<String>,
    imdb_id: Option<String>,
}

/// The Radarr resources for a lookup, and whether they came from stale cache.
async fn resources(s: &AppState, term: &str) -> Result<(Vec<Value>, bool), Rejection> {
    if term.trim().is_empty() {
        return Err(
            ApiError::bad_request("missing_term", "the query parameter term is required").reject(),
        );
    }
    if term.len() > 500 {
        return Err(
            ApiError::bad_request("term_too_long", "term must be at most 500 bytes").reject(),
        );
    }
    if !s.services.tmdb.is_configured() {
        return Err(ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "tmdb_unconfigured",
            "TMDB is not configured: set TMDB_API_KEY (or [tmdb] api_key) to look movies up",
        )
        .with("service", "tmdb")
        .reject());
    }
    let found: Lookup<Vec<MovieInfo>> = s.services.metadata.lookup(term).await?;
    let mut out = Vec::with_capacity(found.value.len());
    for info in &found.value {
        let lib = s.library.movie_by_tmdb(i64::from(info.tmdb_id)).await?;
        let v = serde_json::to_value(info).unwrap_or(Value::Null);
        out.push(movie_resource(&v, lib.as_ref()));
    }
    Ok((out, found.stale))
}

/// JSON reply, marked with `Warning: 110` and `X-Reelarr-Stale` when served from stale cache.
fn reply(body: &Value, stale: bool) -> warp::reply::Response {
    let mut r = warp::reply::json(body).into_response();
    if stale {
        r.headers_mut().insert(
            header::WARNING,
            header::HeaderValue::from_static("110 reelarr \"Response is Stale\""),
        );
        r.headers_mut()
            .insert("x-reelarr-stale", header::HeaderValue::from_static("true"));
    }
    r
}

async fn list(s: Arc<AppState>, term: String) -> Result<warp::reply::Response, Rejection> {
    let (out, stale) = resources(&s, &term).await?;
    Ok(reply(&Value::Array(out), stale))
}

/// Radarr's `/lookup/tmdb` and `/lookup/imdb` answer one movie object, 404 when unknown.
async fn single(s: Arc<AppState>, term: String) -> Result<warp::reply::Response, Rejection> {
    let (out, stale) = resources(&s, &term).await?;
    match out.into_iter().next() {
        Some(first) => Ok(reply(&first, stale)),
        None => Err(ApiError::not_found("movie not found on TMDB").reject()),
    }
}

pub fn routes(
    state: Arc<AppState>,
) -> impl Filter<Extract = (warp::reply::Response,), Error = Rejection> + Clone {
    let plain = warp::path!("api" / "v3" / "movie" / "lookup")
        .and(warp::get())
        .and(require(state.clone()))
        .and(with_state(state.clone()))
        .and(warp::query::<LookupQuery>())
        .and_then(|_: Principal, s: Arc<AppState>, q: LookupQuery| {
            list(s, q.term.unwrap_or_default())
        });
    let tmdb = warp::path!("api" / "v3" / "movie" / "lookup" / "tmdb")
        .and(warp::get())
        .and(require(state.clone()))
        .and(with_state(state.clone()))
        .and(warp::query::<LookupQuery>())
        .and_then(
            |_: Principal, s: Arc<AppState>, q: LookupQuery| async move {
                let id = q.tmdb_id.unwrap_or_default();
                single(s, format!("tmdb:{id}")).await
            },
        );
    let imdb = warp::path!("api" / "v3" / "movie" / "lookup" / "imdb")
        .and(warp::get())
        .and(require(state.clone()))
        .and(with_state(state))
        .and(warp::query::<LookupQuery>())
        .and_then(
            |_: Principal, s: Arc<AppState>, q: LookupQuery| async move {
                let id = q.imdb_id.unwrap_or_default();
                single(s, format!("imdb:{id}")).await
            },
        );
    plain.or(tmdb).unify().or(imdb).unify()
}
