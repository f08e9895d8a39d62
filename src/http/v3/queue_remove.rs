//! `DELETE /api/v3/queue/{id}` and `DELETE /api/v3/queue/bulk` (`{"ids": [...]}`): what
//! unpackerr, nzb360, LunaSea and Ruddarr call to clean up. `removeFromClient` (default true)
//! deletes the torrent and its data from qBittorrent, `blocklist` (default false) keeps the
//! release from being grabbed again; the order and the all-or-nothing rules are the library
//! service's (`services/library/queue_remove.rs`).

use super::params::{params, Params};
use crate::auth::Principal;
use crate::http::auth::require;
use crate::http::body;
use crate::http::error::ApiError;
use crate::http::with_state;
use crate::services::library::QueueRemoval;
use crate::state::AppState;
use serde::Deserialize;
use serde_json::json;
use std::sync::Arc;
use warp::{Filter, Rejection, Reply};

type Resp = warp::reply::Response;

/// Radarr's `QueueBulkResource`.
#[derive(Deserialize)]
pub(super) struct Ids {
    pub ids: Vec<i64>,
}

/// Refuses ids below 1 (the document's `minimum: 1`) naming the field.
pub(super) fn positive(field: &str, ids: &[i64]) -> Result<(), ApiError> {
    match ids.iter().find(|i| **i < 1) {
        Some(i) => Err(ApiError::bad_request(
            "invalid_ids",
            format!("{field}: {i} is not a valid id"),
        )
        .with("field", field)),
        None => Ok(()),
    }
}

/// The query flags with Radarr's defaults (`blacklist` read as `blocklist`); `skipRedownload` and `changeCategory` are read only
/// to refuse a malformed value (reelarr never re-searches on removal and has no post-import
/// category).
fn flags(q: &Params) -> Result<QueueRemoval, ApiError> {
    q.bool("skipRedownload")?;
    q.bool("changeCategory")?;
    Ok(QueueRemoval {
        remove_from_client: q.bool("removeFromClient")?.unwrap_or(true),
        // `blacklist` is Radarr 3's spelling, still sent by LunaSea.
        blocklist: q
            .bool("blocklist")?
            .or(q.bool("blacklist")?)
            .unwrap_or(false),
    })
}

async fn remove(s: Arc<AppState>, ids: Vec<i64>, q: Params) -> Result<Resp, Rejection> {
    let how = flags(&q).map_err(ApiError::reject)?;
    positive("ids", &ids).map_err(ApiError::reject)?;
    s.library.remove_from_queue(&ids, how).await?;
    Ok(warp::reply::json(&json!({})).into_response())
}

pub fn routes(state: Arc<AppState>) -> impl Filter<Extract = (Resp,), Error = Rejection> + Clone {
    let cfg = state.config.clone();
    let auth = move || require(state.clone()).and(with_state(state.clone()));
    let bulk = warp::path!("api" / "v3" / "queue" / "bulk")
        .and(warp::delete())
        .and(auth())
        .and(params())
        .and(body::json::<Ids>(cfg))
        .and_then(|_: Principal, s: Arc<AppState>, q: Params, b: Ids| remove(s, b.ids, q));
    let one = warp::path!("api" / "v3" / "queue" / i64)
        .and(warp::delete())
        .and(auth())
        .and(params())
        .and_then(
            |id: i64, _: Principal, s: Arc<AppState>, q: Params| async move {
                if id < 1 {
                    return Err(ApiError::not_found(format!("no queue item {id}")).reject());
                }
                remove(s, vec![id], q).await
            },
        );
    bulk.or(one).unify()
}
