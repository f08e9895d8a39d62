//! `GET /api/v1/search?title=&year=&imdbId=`: a release search across every enabled indexer.
//! Indexers that are down, rate-limited or out of quota are skipped and named in `warnings`.

use super::auth::require;
use super::error::ApiError;
use super::with_state;
use crate::auth::Principal;
use crate::services::search::SearchQuery;
use crate::state::AppState;
use serde::Deserialize;
use std::sync::Arc;
use warp::{Filter, Rejection, Reply};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Query {
    title: Option<String>,
    year: Option<u16>,
    imdb_id: Option<String>,
}

pub fn routes(
    state: Arc<AppState>,
) -> impl Filter<Extract = (warp::reply::Response,), Error = Rejection> + Clone {
    warp::path!("api" / "v1" / "search")
        .and(warp::get())
        .and(require(state.clone()))
        .and(with_state(state))
        .and(warp::query::<Query>())
        .and_then(|_: Principal, s: Arc<AppState>, q: Query| async move {
            let title = q.title.unwrap_or_default();
            let imdb = q.imdb_id.filter(|i| !i.trim().is_empty());
            if title.trim().is_empty() && imdb.is_none() {
                return Err(ApiError::bad_request(
                    "missing_query",
                    "give title (and optionally year) or imdbId",
                )
                .reject());
            }
            if let Some(i) = &imdb {
                let digits = i.trim_start_matches("tt");
                if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
                    return Err(ApiError::bad_request(
                        "invalid_imdb_id",
                        format!("not an IMDb id: {i:?}"),
                    )
                    .reject());
                }
            }
            let result = s
                .services
                .search
                .search(&SearchQuery {
                    imdb_id: imdb,
                    title,
                    year: q.year,
                })
                .await;
            Ok::<_, Rejection>(warp::reply::json(&result).into_response())
        })
}
