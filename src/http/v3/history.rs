//! Radarr's history: `GET /api/v3/history` (paged, filtered by `movieId`/`movieIds`,
//! `eventType` (Radarr's numbers or names), `downloadId`; `includeMovie`) and
//! `GET /api/v3/history/movie?movieId=` (the movie's whole history, newest first).

use super::movie_resource::movie_resource;
use super::paging::envelope;
use super::params::{params, Params};
use crate::auth::Principal;
use crate::domain::history::HistoryEventType;
use crate::domain::history::HistoryQuery;
use crate::domain::movie::HistoryEntry;
use crate::domain::parser::parse_title;
use crate::http::auth::require;
use crate::http::error::ApiError;
use crate::http::with_state;
use crate::services::library::{quality_of, HistoryContext, HistoryView};
use crate::state::AppState;
use serde_json::{json, Map, Value};
use std::sync::Arc;
use warp::{Filter, Rejection, Reply};

type Resp = warp::reply::Response;

/// Radarr's `data` is a string → string map; stored JSON values are rendered as text.
fn string_map(data: &Value) -> Map<String, Value> {
    data.as_object()
        .map(|o| {
            o.iter()
                .map(|(k, v)| {
                    let s = match v {
                        Value::String(s) => Value::String(s.clone()),
                        Value::Null => Value::Null,
                        other => Value::String(other.to_string()),
                    };
                    (k.clone(), s)
                })
                .collect()
        })
        .unwrap_or_default()
}

/// One `HistoryResource`.
pub fn history_resource(e: &HistoryEntry, ctx: &HistoryContext, include_movie: bool) -> Value {
    let parsed = parse_title(&e.source_title);
    let quality = quality_of(&e.quality, &e.source_title);
    let movie = e.movie_id.and_then(|id| ctx.movie(id));
    let cutoff_not_met = movie
        .and_then(|m| ctx.profile_of(m))
        .is_some_and(|p| !p.cutoff_met(&quality));
    let mut data = string_map(&e.data);
    let event_type = match HistoryEventType::from_name(&e.event_type) {
        Some(t) => t.as_str(),
        None => {
            // Not one of Radarr's types: keep what was stored where a human can see it.
            data.insert("reelarrEventType".into(), json!(e.event_type));
            HistoryEventType::Unknown.as_str()
        }
    };
    let mut v = json!({
        "id": e.id,
        "movieId": e.movie_id.unwrap_or(0),
        "sourceTitle": e.source_title,
        "languages": serde_json::to_value(&parsed.languages).unwrap_or(Value::Null),
        "quality": serde_json::to_value(quality).unwrap_or(Value::Null),
        "customFormats": [],
        "customFormatScore": 0,
        "qualityCutoffNotMet": cutoff_not_met,
        "date": e.date.to_rfc3339(),
        "downloadId": e.download_id,
        "eventType": event_type,
        "data": data,
    });
    if include_movie {
        if let Some(m) = movie {
            v["movie"] = movie_resource(&m.metadata.value(), Some(m));
        }
    }
    v
}

/// `eventType` values (numbers or names, repeated or comma-separated) as the stored spellings
/// to match.
fn event_types(q: &Params) -> Result<Vec<String>, ApiError> {
    let mut out = Vec::new();
    for v in q.list("eventType") {
        let t = HistoryEventType::parse(v).ok_or_else(|| {
            ApiError::bad_request(
                "invalid_parameter",
                format!(
                    "eventType must be one of Radarr's history event types (a number such as 1 or a name such as grabbed), got {v:?}"
                ),
            )
            .with("parameter", "eventType")
        })?;
        out.extend(t.stored_spellings());
    }
    Ok(out)
}

async fn paged(s: Arc<AppState>, q: Params) -> Result<Resp, Rejection> {
    let mut paging = q.paging("date", false).map_err(ApiError::reject)?;
    // Only date order is kept in the store (ids grow with dates); other keys fall back to it.
    if !matches!(paging.sort_key.as_str(), "date" | "id") {
        paging.sort_key = "date".into();
    }
    let mut movie_ids = q.ints("movieIds").map_err(ApiError::reject)?;
    movie_ids.extend(q.int("movieId").map_err(ApiError::reject)?);
    let include_movie = q
        .bool("includeMovie")
        .map_err(ApiError::reject)?
        .unwrap_or(false);
    let query = HistoryQuery {
        movie_ids,
        event_types: event_types(&q)?,
        download_id: q
            .text("downloadId")
            .map_err(ApiError::reject)?
            .map(str::to_string),
        ascending: paging.ascending,
        page: paging.page,
        page_size: paging.page_size,
    };
    let view = s.library.history(query).await?;
    Ok(envelope(
        &paging,
        view.total,
        resources(&view, include_movie),
    ))
}

/// The `HistoryResource`s of a view.
fn resources(view: &HistoryView, include_movie: bool) -> Vec<Value> {
    view.records
        .iter()
        .map(|e| history_resource(e, &view.context, include_movie))
        .collect()
}

async fn for_movie(s: Arc<AppState>, q: Params) -> Result<Resp, Rejection> {
    let movie_id = q.int("movieId").map_err(ApiError::reject)?.ok_or_else(|| {
        ApiError::bad_request(
            "invalid_parameter",
            "the query parameter movieId is required",
        )
        .with("parameter", "movieId")
        .reject()
    })?;
    let include_movie = q
        .bool("includeMovie")
        .map_err(ApiError::reject)?
        .unwrap_or(false);
    let event_types = event_types(&q).map_err(ApiError::reject)?;
    let view = s.library.movie_history(movie_id, event_types).await?;
    Ok(warp::reply::json(&resources(&view, include_movie)).into_response())
}

pub fn routes(state: Arc<AppState>) -> impl Filter<Extract = (Resp,), Error = Rejection> + Clone {
    let auth = move || require(state.clone()).and(with_state(state.clone()));
    let paged = warp::path!("api" / "v3" / "history")
        .and(warp::get())
        .and(auth())
        .and(params())
        .and_then(|_: Principal, s: Arc<AppState>, q: Params| paged(s, q));
    let movie = warp::path!("api" / "v3" / "history" / "movie")
        .and(warp::get())
        .and(auth())
        .and(params())
        .and_then(|_: Principal, s: Arc<AppState>, q: Params| for_movie(s, q));
    paged.or(movie).unify()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    fn entry(event_type: &str, quality: Value, data: Value) -> HistoryEntry {
        HistoryEntry {
            id: 7,
            movie_id: None,
            event_type: event_type.into(),
            source_title: "The.Matrix.1999.1080p.BluRay.x264-GRP".into(),
            quality,
            download_id: Some("ABC".into()),
            date: Utc::now(),
            data,
        }
    }

    fn ctx() -> HistoryContext {
        HistoryContext::default()
    }

    #[test]
    fn resource_shape_and_fallbacks() {
        let v = history_resource(
            &entry(
                "download_folder_imported",
                json!({}),
                json!({"size": 12, "indexer": "HDBits", "n": null}),
            ),
            &ctx(),
            true,
        );
        assert_eq!(v["eventType"], "downloadFolderImported");
        assert_eq!(v["movieId"], 0);
        assert_eq!(
            v["quality"]["quality"]["name"], "Bluray-1080p",
            "parsed from the title"
        );
        assert_eq!(v["data"]["size"], "12", "data values are strings");
        assert_eq!(v["data"]["indexer"], "HDBits");
        assert!(v["data"]["n"].is_null());
        assert!(v.get("movie").is_none(), "no movie to include");
        assert_eq!(v["qualityCutoffNotMet"], false);

        let v = history_resource(&entry("importFailed", json!({}), json!({})), &ctx(), false);
        assert_eq!(v["eventType"], "unknown");
        assert_eq!(v["data"]["reelarrEventType"], "importFailed");
    }

    #[test]
    fn event_type_filter_values() {
        let q = Params::parse("eventType=1&eventType=downloadFolderImported,6");
        let t = event_types(&q).unwrap();
        assert!(t.contains(&"grabbed".to_string()));
        assert!(t.contains(&"download_folder_imported".to_string()));
        assert!(t.contains(&"movieFileDeleted".to_string()));
        let e = event_types(&Params::parse("eventType=banana")).unwrap_err();
        assert_eq!(e.extra["parameter"], "eventType");
    }
}
