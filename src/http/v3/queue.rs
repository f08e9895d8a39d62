//! `GET /api/v3/queue` (paged), `/api/v3/queue/status` and `/api/v3/queue/details`: torrents
//! tracked in qBittorrent plus grabs still waiting in the retry journal (shown as `queued` with a
//! message while qBittorrent is unavailable) and dead-lettered ones (`failed`).

use super::paging::{envelope, page_of};
use super::params::{params, Params};
use crate::auth::Principal;
use crate::domain::parser::parse_title;
use crate::http::auth::require;
use crate::http::error::ApiError;
use crate::http::with_state;
use crate::services::downloads::{DownloadState, DownloadStatus, JournalEntry};
use crate::services::library::queue_id;
use crate::state::AppState;
use chrono::Utc;
use serde_json::{json, Value};
use std::sync::Arc;
use warp::{Filter, Rejection, Reply};

/// "hh:mm:ss" as Radarr shows time left (days fold into hours).
fn timeleft(secs: u64) -> String {
    format!("{:02}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60)
}

fn quality_and_languages(title: &str) -> (Value, Value) {
    let p = parse_title(title);
    (
        serde_json::to_value(p.quality_model()).unwrap_or(Value::Null),
        serde_json::to_value(&p.languages).unwrap_or(Value::Null),
    )
}

fn tracked_record(
    d: &DownloadStatus,
    stale_note: Option<&str>,
    import_error: Option<&str>,
) -> Value {
    let (quality, languages) = quality_and_languages(&d.name);
    let (status, state) = match d.state {
        DownloadState::Completed => ("completed", "importPending"),
        DownloadState::Paused => ("paused", "downloading"),
        DownloadState::Queued => ("queued", "downloading"),
        DownloadState::Failed => ("failed", "failedPending"),
        DownloadState::Stalled => ("warning", "downloading"),
        DownloadState::Downloading => ("downloading", "downloading"),
    };
    let mut messages = Vec::new();
    if let Some(n) = stale_note {
        messages.push(json!({"title": d.name, "messages": [n]}));
    }
    // A finished download that could not be imported: Radarr's "import blocked" with the reason.
    let state = match import_error {
        Some(reason) if d.state == DownloadState::Completed => {
            messages.push(json!({"title": d.name, "messages": [reason]}));
            "importBlocked"
        }
        _ => state,
    };
    let tracked_status = if d.state == DownloadState::Failed {
        "error"
    } else if stale_note.is_some() || d.state == DownloadState::Stalled || state == "importBlocked"
    {
        "warning"
    } else {
        "ok"
    };
    let id = queue_id(&d.hash);
    json!({
        "id": id,
        "movieId": d.movie_id,
        "languages": languages,
        "quality": quality,
        "customFormats": [],
        "customFormatScore": 0,
        "size": d.size,
        "sizeleft": d.sizeleft,
        "timeleft": d.eta_seconds.map(timeleft),
        "estimatedCompletionTime": d.eta_seconds.map(|s| (Utc::now() + chrono::Duration::seconds(s as i64)).to_rfc3339()),
        "title": d.name,
        "status": status,
        "trackedDownloadStatus": tracked_status,
        "trackedDownloadState": state,
        "statusMessages": messages,
        "downloadId": d.hash.to_uppercase(),
        "protocol": "torrent",
        "downloadClient": "qBittorrent",
        "downloadClientHasPostImportCategory": false,
        "indexer": "",
        "outputPath": d.content_path,
    })
}

fn journal_record(e: &JournalEntry) -> Value {
    let title = e
        .payload
        .title
        .clone()
        .unwrap_or_else(|| e.payload.summary());
    let (quality, languages) = quality_and_languages(&title);
    let dead = e.state.as_str() == "dead";
    let message = if dead {
        format!(
            "qBittorrent refused or kept failing it; gave up: {}",
            e.last_error.clone().unwrap_or_default()
        )
    } else {
        format!(
            "waiting for qBittorrent: queued for retry ({} attempt(s); next at {}){}",
            e.attempts,
            e.next_attempt_at.to_rfc3339(),
            e.last_error
                .as_ref()
                .map(|l| format!("; last error: {l}"))
                .unwrap_or_default()
        )
    };
    json!({
        "id": e.id,
        "movieId": e.payload.movie_id,
        "languages": languages,
        "quality": quality,
        "customFormats": [],
        "customFormatScore": 0,
        "size": 0,
        "sizeleft": 0,
        "timeleft": null,
        "estimatedCompletionTime": null,
        "added": e.created_at.to_rfc3339(),
        "title": title,
        "status": if dead { "failed" } else { "queued" },
        "trackedDownloadStatus": if dead { "error" } else { "warning" },
        "trackedDownloadState": if dead { "failed" } else { "downloading" },
        "statusMessages": [{"title": title, "messages": [message.clone()]}],
        "errorMessage": message,
        "downloadId": e.info_hash.to_uppercase(),
        "protocol": "torrent",
        "downloadClient": "qBittorrent",
        "downloadClientHasPostImportCategory": false,
        "indexer": "",
    })
}

/// Every queue record, tracked torrents first.
async fn records(s: &AppState) -> Result<Vec<Value>, Rejection> {
    let view = s.library.queue().await?;
    let note = view.stale_note.as_deref();
    let mut out: Vec<Value> = view
        .tracked
        .iter()
        .map(|t| tracked_record(&t.status, note, t.import_error.as_deref()))
        .collect();
    out.extend(view.waiting.iter().map(journal_record));
    Ok(out)
}

pub fn routes(
    state: Arc<AppState>,
) -> impl Filter<Extract = (warp::reply::Response,), Error = Rejection> + Clone {
    let paged = warp::path!("api" / "v3" / "queue")
        .and(warp::get())
        .and(require(state.clone()))
        .and(with_state(state.clone()))
        .and(params())
        .and_then(|_: Principal, s: Arc<AppState>, q: Params| async move {
            // Radarr's queue defaults to time left, ascending.
            let p = q.paging("timeleft", true).map_err(ApiError::reject)?;
            // Read only to refuse a malformed value: every item is listed (see the OpenAPI text).
            q.bool("includeUnknownMovieItems")
                .map_err(ApiError::reject)?;
            let all = records(&s).await?;
            let key = p.sort_key.clone();
            let (records, total) = page_of(all, &p, |v| v[key.as_str()].clone());
            Ok::<_, Rejection>(envelope(&p, total as u64, records))
        });
    let details = warp::path!("api" / "v3" / "queue" / "details")
        .and(warp::get())
        .and(require(state.clone()))
        .and(with_state(state.clone()))
        .and_then(|_: Principal, s: Arc<AppState>| async move {
            Ok::<_, Rejection>(warp::reply::json(&records(&s).await?).into_response())
        });
    let status = warp::path!("api" / "v3" / "queue" / "status")
        .and(warp::get())
        .and(require(state.clone()))
        .and(with_state(state))
        .and_then(|_: Principal, s: Arc<AppState>| async move {
            let all = records(&s).await?;
            let errors = all.iter().any(|r| r["trackedDownloadStatus"] == "error");
            let warnings = all.iter().any(|r| r["trackedDownloadStatus"] == "warning");
            Ok::<_, Rejection>(
                warp::reply::json(&json!({
                    "id": 0,
                    "totalCount": all.len(),
                    "count": all.len(),
                    "unknownCount": all.iter().filter(|r| r["movieId"].is_null()).count(),
                    "errors": errors,
                    "warnings": warnings,
                    "unknownErrors": false,
                    "unknownWarnings": false,
                }))
                .into_response(),
            )
        });
    paged.or(details).unify().or(status).unify()
}

#[cfg(test)]
mod tests {
    #[test]
    fn timeleft_format() {
        assert_eq!(super::timeleft(0), "00:00:00");
        assert_eq!(super::timeleft(3725), "01:02:05");
        assert_eq!(super::timeleft(90_000), "25:00:00");
    }
}
