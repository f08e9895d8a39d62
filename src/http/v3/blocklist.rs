//! Radarr's blocklist: `GET /api/v3/blocklist` (paged, newest first by default; `movieIds`,
//! `protocols` filters), `GET /api/v3/blocklist/movie?movieId=`, `DELETE /api/v3/blocklist/{id}`
//! and `DELETE /api/v3/blocklist/bulk` (`{"ids": [...]}`). Every release reelarr grabs is a
//! torrent; quality and languages are parsed from the release title (the store keeps the title).

use super::paging::{envelope, page_of};
use super::params::{params, Params};
use super::queue_remove::{positive, Ids};
use crate::auth::Principal;
use crate::domain::movie::BlocklistEntry;
use crate::domain::parser::parse_title;
use crate::http::auth::require;
use crate::http::body;
use crate::http::error::ApiError;
use crate::http::with_state;
use crate::state::AppState;
use serde_json::{json, Value};
use std::sync::Arc;
use warp::{Filter, Rejection, Reply};

type Resp = warp::reply::Response;

/// Radarr's `DownloadProtocol` values.
const PROTOCOLS: &[&str] = &["unknown", "usenet", "torrent"];

/// Radarr's `BlocklistResource`.
fn resource(b: &BlocklistEntry) -> Value {
    let p = parse_title(&b.source_title);
    json!({
        "id": b.id,
        "movieId": b.movie_id.unwrap_or(0),
        "sourceTitle": b.source_title,
        "languages": p.languages,
        "quality": p.quality_model(),
        "customFormats": [],
        "date": b.date.to_rfc3339(),
        "protocol": "torrent",
        "indexer": "",
        "message": b.reason,
    })
}

fn ok(v: &Value) -> Resp {
    warp::reply::json(v).into_response()
}

async fn paged(s: Arc<AppState>, q: Params) -> Result<Resp, Rejection> {
    let p = q.paging("date", false)?;
    let movies = q.ints("movieIds")?;
    positive("movieIds", &movies)?;
    let protocols = q.list("protocols");
    if let Some(bad) = protocols.iter().find(|x| !PROTOCOLS.contains(x)) {
        return Err(ApiError::bad_request(
            "invalid_parameter",
            format!("protocols must be among {PROTOCOLS:?}, got {bad:?}"),
        )
        .with("parameter", "protocols")
        .reject());
    }
    let torrents = protocols.is_empty() || protocols.contains(&"torrent");
    let all: Vec<Value> = s
        .library
        .blocklist(None)
        .await?
        .iter()
        .filter(|b| {
            torrents && (movies.is_empty() || b.movie_id.is_some_and(|m| movies.contains(&m)))
        })
        .map(resource)
        .collect();
    let key = p.sort_key.clone();
    let (records, total) = page_of(all, &p, |v| v[key.as_str()].clone());
    Ok(envelope(&p, total as u64, records))
}

pub fn routes(state: Arc<AppState>) -> impl Filter<Extract = (Resp,), Error = Rejection> + Clone {
    let cfg = state.config.clone();
    let auth = move || require(state.clone()).and(with_state(state.clone()));
    let list = warp::path!("api" / "v3" / "blocklist")
        .and(warp::get())
        .and(auth())
        .and(params())
        .and_then(|_: Principal, s: Arc<AppState>, q: Params| paged(s, q));
    let movie = warp::path!("api" / "v3" / "blocklist" / "movie")
        .and(warp::get())
        .and(auth())
        .and(params())
        .and_then(|_: Principal, s: Arc<AppState>, q: Params| async move {
            let id = q.int("movieId")?.ok_or_else(|| {
                ApiError::bad_request("invalid_parameter", "movieId is required")
                    .with("parameter", "movieId")
            })?;
            let all = s.library.blocklist(Some(id)).await?;
            Ok::<_, Rejection>(ok(&Value::Array(all.iter().map(resource).collect())))
        });
    let bulk = warp::path!("api" / "v3" / "blocklist" / "bulk")
        .and(warp::delete())
        .and(auth())
        .and(body::json::<Ids>(cfg))
        .and_then(|_: Principal, s: Arc<AppState>, b: Ids| async move {
            positive("ids", &b.ids)?;
            s.library.delete_blocklist(&b.ids).await?;
            Ok::<_, Rejection>(ok(&json!({})))
        });
    let one = warp::path!("api" / "v3" / "blocklist" / i64)
        .and(warp::delete())
        .and(auth())
        .and_then(|id: i64, _: Principal, s: Arc<AppState>| async move {
            s.library.delete_blocklist(&[id]).await?;
            Ok::<_, Rejection>(ok(&json!({})))
        });
    list.or(movie).unify().or(bulk).unify().or(one).unify()
}
