//! `POST /api/v1/downloads` (send a release to qBittorrent through the journal) and the retry
//! queue: `GET /api/v1/retry-queue`, `POST /api/v1/retry-queue/{id}/retry`,
//! `DELETE /api/v1/retry-queue/{id}`.

use super::auth::require;
use super::body;
use super::error::ApiError;
use super::v3::params::{params, Params};
use super::with_state;
use crate::auth::Principal;
use crate::services::downloads::{Grab, JournalEntry, SubmitOutcome};
use crate::state::AppState;
use serde::Deserialize;
use serde_json::{json, Value};
use std::sync::Arc;
use warp::http::StatusCode;
use warp::{Filter, Rejection, Reply};

type Resp = warp::reply::Response;

/// A grab as JSON: exactly one of `magnet` or `url`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct GrabBody {
    magnet: Option<String>,
    url: Option<String>,
    info_hash: Option<String>,
    title: Option<String>,
    movie_id: Option<i64>,
    #[serde(default)]
    tags: Vec<String>,
    save_path: Option<String>,
    #[serde(default)]
    paused: bool,
}

fn entry_json(e: &JournalEntry) -> Value {
    json!({
        "id": e.id,
        "kind": e.kind.as_str(),
        "infoHash": e.info_hash,
        "title": e.payload.title,
        "movieId": e.payload.movie_id,
        "summary": e.payload.summary(),
        "state": e.state.as_str(),
        "attempts": e.attempts,
        "resends": e.resends,
        "nextAttemptAt": e.next_attempt_at.to_rfc3339(),
        "lastError": e.last_error,
        "createdAt": e.created_at.to_rfc3339(),
        "updatedAt": e.updated_at.to_rfc3339(),
    })
}

async fn submit(s: &AppState, grab: Grab) -> Result<Resp, Rejection> {
    let outcome = s.services.downloads.submit(grab).await?;
    let (status, body) = match outcome {
        SubmitOutcome::Sent { id } => (StatusCode::CREATED, json!({"status": "sent", "id": id})),
        SubmitOutcome::Queued { id, reason } => (
            StatusCode::ACCEPTED,
            json!({"status": "queued", "id": id, "message": queued_message(s, &reason)}),
        ),
        SubmitOutcome::Duplicate { id } => {
            (StatusCode::OK, json!({"status": "duplicate", "id": id}))
        }
        SubmitOutcome::Rejected { id, reason } => {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "rejected_by_download_client",
                format!("qBittorrent refused the torrent for good: {reason}"),
            )
            .with("id", id)
            .reject())
        }
    };
    Ok(warp::reply::with_status(warp::reply::json(&body), status).into_response())
}

fn grab_from_json(b: GrabBody) -> Result<Grab, Rejection> {
    let mut g = match (b.magnet, b.url) {
        (Some(m), None) if m.starts_with("magnet:?") => Grab::magnet(m),
        (None, Some(u)) if u.starts_with("http://") || u.starts_with("https://") => Grab::url(u),
        (Some(_), None) => {
            return Err(
                ApiError::bad_request("invalid_magnet", "magnet must start with magnet:?").reject(),
            )
        }
        (None, Some(_)) => {
            return Err(ApiError::bad_request(
                "invalid_url",
                "url must be an http:// or https:// URL",
            )
            .reject())
        }
        _ => return Err(ApiError::bad_request(
            "invalid_grab",
            "give exactly one of magnet or url (or POST a .torrent as application/x-bittorrent)",
        )
        .reject()),
    };
    g.info_hash = b.info_hash;
    g.title = b.title;
    g.movie_id = b.movie_id;
    g.tags = b.tags;
    g.save_path = b.save_path;
    g.paused = b.paused;
    Ok(g)
}

pub fn routes(state: Arc<AppState>) -> impl Filter<Extract = (Resp,), Error = Rejection> + Clone {
    let grab_json = warp::path!("api" / "v1" / "downloads")
        .and(warp::post())
        .and(warp::header::optional::<String>("content-type"))
        .and_then(|ct: Option<String>| async move {
            // The .torrent upload route below handles that content type.
            if ct.is_some_and(|c| c.starts_with("application/x-bittorrent")) {
                Err(warp::reject::not_found())
            } else {
                Ok(())
            }
        })
        .untuple_one()
        .and(require(state.clone()))
        .and(with_state(state.clone()))
        .and(params())
        .and(body::json::<GrabBody>(state.config.clone()))
        .and_then(|_: Principal, s: Arc<AppState>, q: Params, b: GrabBody| async move {
            if let Some(name) = ["title", "movieId"].into_iter().find(|n| q.has(n)) {
                return Err(ApiError::bad_request(
                    "invalid_parameter",
                    format!("{name} belongs in the JSON body; the query form is for .torrent uploads"),
                )
                .with("parameter", name)
                .reject());
            }
            let g = grab_from_json(b)?;
            submit(&s, g).await
        });
    let grab_file = warp::path!("api" / "v1" / "downloads")
        .and(warp::post())
        .and(warp::header::exact_ignore_case(
            "content-type",
            "application/x-bittorrent",
        ))
        .and(require(state.clone()))
        .and(with_state(state.clone()))
        .and(params())
        .and(body::bytes(state.config.clone()))
        .and_then(
            |_: Principal, s: Arc<AppState>, q: Params, raw: bytes::Bytes| async move {
                // `movieId=abc` is a 400 naming the parameter, like every query parameter.
                let movie_id = q.int("movieId").map_err(ApiError::reject)?;
                let title = q
                    .text("title")
                    .map_err(ApiError::reject)?
                    .map(str::to_string);
                let name = title.clone().unwrap_or_else(|| "upload.torrent".into());
                let mut g = Grab::torrent_file(name, raw.to_vec());
                g.title = title;
                g.movie_id = movie_id;
                submit(&s, g).await
            },
        );
    let list = warp::path!("api" / "v1" / "retry-queue")
        .and(warp::get())
        .and(require(state.clone()))
        .and(with_state(state.clone()))
        .and_then(|_: Principal, s: Arc<AppState>| async move {
            let entries = s.services.downloads.operations().await?;
            let pending = entries
                .iter()
                .filter(|e| e.state.as_str() != "dead")
                .count();
            let dead = entries.len() - pending;
            let items: Vec<Value> = entries.iter().map(entry_json).collect();
            Ok::<_, Rejection>(
                warp::reply::json(
                    &json!({"pending": pending, "deadLettered": dead, "operations": items}),
                )
                .into_response(),
            )
        });
    let retry = warp::path!("api" / "v1" / "retry-queue" / i64 / "retry")
        .and(warp::post())
        .and(require(state.clone()))
        .and(with_state(state.clone()))
        .and_then(|id: i64, _: Principal, s: Arc<AppState>| async move {
            match s.services.downloads.retry_now(id).await? {
                Some(e) => Ok(warp::reply::json(&entry_json(&e)).into_response()),
                None => Err(ApiError::not_found(format!("no queued operation {id}")).reject()),
            }
        });
    let delete = warp::path!("api" / "v1" / "retry-queue" / i64)
        .and(warp::delete())
        .and(require(state.clone()))
        .and(with_state(state))
        .and_then(|id: i64, _: Principal, s: Arc<AppState>| async move {
            if s.services.downloads.delete_operation(id).await? {
                Ok(warp::reply::json(&json!({"deleted": id})).into_response())
            } else {
                Err(ApiError::not_found(format!("no queued operation {id}")).reject())
            }
        });
    grab_json
        .or(grab_file)
        .unify()
        .or(list)
        .unify()
        .or(retry)
        .unify()
        .or(delete)
        .unify()
}

/// A journaled grab's answer; while the qBittorrent breaker holds grabs (a breaker chain) it
/// says the grab will be sent when qBittorrent is back.
fn queued_message(s: &AppState, reason: &str) -> String {
    match s.health.chains().grabs() {
        Some(_) => {
            format!("qBittorrent is unavailable; will be sent when qBittorrent is back ({reason})")
        }
        None => format!("qBittorrent is unavailable; queued for retry ({reason})"),
    }
}
