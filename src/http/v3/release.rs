//! `GET /api/v3/release?movieId=` (interactive search: every release with the decision engine's
//! verdict, best first) and `POST /api/v3/release` (grab one of them by guid), in Radarr's
//! ReleaseResource shape. Download URLs carry passkeys, so they are never returned.

use crate::auth::Principal;
use crate::domain::decision::Decision;
use crate::http::auth::require;
use crate::http::body;
use crate::http::error::ApiError;
use crate::http::with_state;
use crate::services::search::Release;
use crate::state::AppState;
use chrono::Utc;
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::Arc;
use warp::{Filter, Rejection, Reply};

type Resp = warp::reply::Response;

fn release_resource(
    r: &Release,
    d: Option<&Decision>,
    weight: usize,
    movie_id: i64,
    tmdb_id: i64,
) -> Value {
    let age = r.publish_date.map(|p| Utc::now() - p);
    let minutes = age
        .map(|a| a.num_seconds().max(0) as f64 / 60.0)
        .unwrap_or(0.0);
    let rejections: Vec<String> = d
        .map(|d| d.rejections.iter().map(|x| x.message.clone()).collect())
        .unwrap_or_default();
    json!({
        "guid": r.guid,
        "quality": r.parsed.quality_model(),
        "customFormats": d.map(|d| d.custom_formats.iter().map(|f| json!({"id": f.id, "name": f.name})).collect::<Vec<_>>()).unwrap_or_default(),
        "customFormatScore": d.map_or(0, |d| d.custom_format_score),
        "qualityWeight": d.and_then(|d| d.quality_rank).unwrap_or(0),
        "age": (minutes / 1440.0) as i64,
        "ageHours": minutes / 60.0,
        "ageMinutes": minutes,
        "size": r.size,
        "indexerId": 0,
        "indexer": r.indexer,
        "releaseGroup": r.parsed.release_group,
        "releaseHash": r.parsed.release_hash.clone().unwrap_or_default(),
        "title": r.title,
        "sceneSource": false,
        "movieTitles": r.parsed.movie_titles,
        "languages": r.parsed.languages,
        "mappedMovieId": movie_id,
        "approved": rejections.is_empty(),
        "temporarilyRejected": false,
        "rejected": !rejections.is_empty(),
        "tmdbId": tmdb_id,
        "imdbId": r.imdb_id.as_deref().and_then(|i| i.trim_start_matches("tt").parse::<i64>().ok()).unwrap_or(0),
        "rejections": rejections,
        "publishDate": r.publish_date.map(|p| p.to_rfc3339()),
        "infoUrl": r.info_url,
        "downloadAllowed": r.magnet.is_some() || r.download_url.is_some(),
        "releaseWeight": weight,
        "edition": r.parsed.edition,
        "magnetUrl": r.magnet,
        "infoHash": r.info_hash,
        "seeders": r.seeders,
        "leechers": r.leechers,
        "protocol": "torrent",
        "movieId": movie_id,
        "downloadClient": "qBittorrent",
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SearchQuery {
    movie_id: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct GrabBody {
    guid: Option<String>,
    movie_id: Option<i64>,
}

async fn search(s: Arc<AppState>, q: SearchQuery) -> Result<Resp, Rejection> {
    let raw = q.movie_id.ok_or_else(|| {
        ApiError::bad_request(
            "invalid_request",
            "movieId is required (reelarr searches one movie at a time)",
        )
        .reject()
    })?;
    let movie_id = raw.parse::<i64>().ok().filter(|i| *i > 0).ok_or_else(|| {
        ApiError::bad_request(
            "invalid_request",
            format!("movieId must be a positive integer, got {raw:?}"),
        )
        .reject()
    })?;
    let found = s
        .automation
        .search_movie(movie_id)
        .await
        .map_err(|e| ApiError::from(e).reject())?;
    let by_guid: HashMap<&str, &Decision> = found
        .decisions
        .iter()
        .map(|d| (d.candidate.guid.as_str(), d))
        .collect();
    let out: Vec<Value> = found
        .releases
        .iter()
        .enumerate()
        .map(|(i, r)| {
            release_resource(
                r,
                by_guid.get(r.guid.as_str()).copied(),
                i + 1,
                movie_id,
                found.movie.tmdb_id,
            )
        })
        .collect();
    let mut resp = warp::reply::json(&out).into_response();
    if !found.warnings.is_empty() {
        // Radarr has no field for skipped indexers; a header keeps the body Radarr-shaped.
        let names: Vec<String> = found.warnings.iter().map(|w| w.reason.clone()).collect();
        if let Ok(v) = names.join("; ").parse() {
            resp.headers_mut().insert("x-reelarr-indexer-warnings", v);
        }
    }
    Ok(resp)
}

async fn grab(s: Arc<AppState>, b: GrabBody) -> Result<Resp, Rejection> {
    let guid = b.guid.filter(|g| !g.trim().is_empty()).ok_or_else(|| {
        ApiError::bad_request(
            "invalid_request",
            "guid of a release from GET /api/v3/release is required",
        )
        .reject()
    })?;
    let grabbed = s
        .automation
        .grab_by_guid(&guid, b.movie_id)
        .await
        .map_err(|e| ApiError::from(e).reject())?;
    Ok(warp::reply::json(&json!({
        "guid": guid,
        "title": grabbed.title,
        "indexer": grabbed.indexer,
        "movieId": grabbed.movie_id,
        "infoHash": grabbed.download_id,
        "protocol": "torrent",
        "approved": true,
        "downloadClient": "qBittorrent",
        "grabOutcome": grabbed.outcome,
        "grabMessage": grabbed.message,
    }))
    .into_response())
}

pub fn routes(state: Arc<AppState>) -> impl Filter<Extract = (Resp,), Error = Rejection> + Clone {
    let get = warp::path!("api" / "v3" / "release")
        .and(warp::get())
        .and(require(state.clone()))
        .and(warp::query::<SearchQuery>())
        .and(with_state(state.clone()))
        .and_then(|_: Principal, q: SearchQuery, s: Arc<AppState>| search(s, q));
    let post = warp::path!("api" / "v3" / "release")
        .and(warp::post())
        .and(require(state.clone()))
        .and(body::json::<GrabBody>(state.config.clone()))
        .and(with_state(state))
        .and_then(|_: Principal, b: GrabBody, s: Arc<AppState>| grab(s, b));
    get.or(post).unify()
}
