//! Radarr's history: `GET /api/v3/history` (paged, filtered by `movieId`/`movieIds`,
//! `eventType` (Radarr's numbers or names), `downloadId`; `includeMovie`) and
//! `GET /api/v3/history/movie?movieId=` (the movie's whole history, newest first).

use super::movie_resource::movie_resource;
use super::params::{params, Params};
use crate::auth::Principal;
use crate::domain::history::HistoryEventType;
use crate::domain::movie::{HistoryEntry, Movie, StoredProfile};
use crate::domain::parser::parse_title;
use crate::domain::profile::QualityProfile;
use crate::domain::quality::QualityModel;
use crate::http::auth::require;
use crate::http::error::ApiError;
use crate::http::with_state;
use crate::state::AppState;
use crate::store::{HistoryQuery, MAX_PAGE_SIZE};
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::sync::Arc;
use warp::{Filter, Rejection, Reply};

type Resp = warp::reply::Response;

fn store_err(e: crate::store::StoreError) -> Rejection {
    ApiError::from(e).reject()
}

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

/// What a page of history needs to render: the movies and parsed profiles it refers to.
pub struct Context {
    movies: HashMap<i64, Movie>,
    profiles: HashMap<i64, QualityProfile>,
}

/// Up to this many distinct movies a page of history loads one by one; past it, the whole
/// library in one query is cheaper.
const FEW_MOVIES: usize = 25;

impl Context {
    /// The whole library (for the wanted lists).
    pub async fn load(s: &AppState) -> Result<Context, Rejection> {
        let movies = s.store.movies().await.map_err(store_err)?;
        Self::with_movies(s, movies).await
    }

    /// Just the movies a page of history refers to.
    pub async fn for_history(s: &AppState, page: &[HistoryEntry]) -> Result<Context, Rejection> {
        let mut ids: Vec<i64> = page.iter().filter_map(|e| e.movie_id).collect();
        ids.sort_unstable();
        ids.dedup();
        if ids.len() > FEW_MOVIES {
            return Self::load(s).await;
        }
        let mut movies = Vec::with_capacity(ids.len());
        for id in ids {
            movies.extend(s.store.movie(id).await.map_err(store_err)?);
        }
        Self::with_movies(s, movies).await
    }

    async fn with_movies(s: &AppState, movies: Vec<Movie>) -> Result<Context, Rejection> {
        let profiles = s.store.profiles().await.map_err(store_err)?;
        Ok(Context {
            movies: movies.into_iter().map(|m| (m.id, m)).collect(),
            profiles: profiles.iter().filter_map(parse_profile).collect(),
        })
    }

    /// Every movie of the library, by id.
    pub fn movies(&self) -> Vec<&Movie> {
        let mut v: Vec<&Movie> = self.movies.values().collect();
        v.sort_by_key(|m| m.id);
        v
    }

    /// The movie's profile, if both exist and the profile parses.
    pub fn profile_of(&self, movie: &Movie) -> Option<&QualityProfile> {
        self.profiles.get(&movie.quality_profile_id)
    }
}

pub fn parse_profile(p: &StoredProfile) -> Option<(i64, QualityProfile)> {
    serde_json::from_value::<QualityProfile>(p.data.clone())
        .ok()
        .map(|q| (p.id, q))
}

/// A stored quality, or the one parsed from the release title when it is missing or not
/// Radarr-shaped (early rows carry `{}`).
pub fn quality_of(stored: &Value, title: &str) -> QualityModel {
    serde_json::from_value(stored.clone()).unwrap_or_else(|_| parse_title(title).quality_model())
}

/// One `HistoryResource`.
pub fn history_resource(e: &HistoryEntry, ctx: &Context, include_movie: bool) -> Value {
    let parsed = parse_title(&e.source_title);
    let quality = quality_of(&e.quality, &e.source_title);
    let movie = e.movie_id.and_then(|id| ctx.movies.get(&id));
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
            v["movie"] = movie_resource(&m.metadata, Some(m));
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
        event_types: event_types(&q).map_err(ApiError::reject)?,
        download_id: q.text("downloadId").map(str::to_string),
        ascending: paging.ascending,
        page: paging.page,
        page_size: paging.page_size,
    };
    let page = s.store.history_query(&query).await.map_err(store_err)?;
    let ctx = Context::for_history(&s, &page.records).await?;
    let records: Vec<Value> = page
        .records
        .iter()
        .map(|e| history_resource(e, &ctx, include_movie))
        .collect();
    Ok(warp::reply::json(&json!({
        "page": paging.page,
        "pageSize": paging.page_size,
        "sortKey": paging.sort_key,
        "sortDirection": paging.direction(),
        "totalRecords": page.total,
        "records": records,
    }))
    .into_response())
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
    if s.store.movie(movie_id).await.map_err(store_err)?.is_none() {
        return Err(ApiError::not_found(format!("no movie {movie_id}")).reject());
    }
    let mut query = HistoryQuery::page(1, MAX_PAGE_SIZE);
    query.movie_ids = vec![movie_id];
    query.event_types = event_types;
    let page = s.store.history_query(&query).await.map_err(store_err)?;
    let ctx = Context::for_history(&s, &page.records).await?;
    let list: Vec<Value> = page
        .records
        .iter()
        .map(|e| history_resource(e, &ctx, include_movie))
        .collect();
    Ok(warp::reply::json(&list).into_response())
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

    fn ctx() -> Context {
        Context {
            movies: HashMap::new(),
            profiles: HashMap::new(),
        }
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
