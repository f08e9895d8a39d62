//! Radarr's `movie` endpoints: GET list (`?tmdbId=`), GET/PUT/DELETE by id, PUT without id, and
//! POST to add. Adding fetches TMDB metadata through the cache and breaker when it can; when TMDB
//! is down the movie is still added with what the client sent (a later refresh fills it in), so a
//! request from Overseerr is never lost to a metadata outage.

use super::movie_resource::movie_resource;
use super::params::{params, Params};
use crate::auth::Principal;
use crate::domain::movie::{Movie, NewMovie};
use crate::http::auth::require;
use crate::http::body;
use crate::http::error::ApiError;
use crate::http::with_state;
use crate::services::removal::{remove_movie, RemovalError};
use crate::state::AppState;
use crate::store::StoreError;
use serde::Deserialize;
use serde_json::{json, Value};
use std::sync::Arc;
use warp::http::StatusCode;
use warp::{Filter, Rejection, Reply};

type Resp = warp::reply::Response;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct MovieBody {
    id: Option<i64>,
    tmdb_id: Option<i64>,
    title: Option<String>,
    year: Option<i32>,
    quality_profile_id: Option<i64>,
    root_folder_path: Option<String>,
    path: Option<String>,
    monitored: Option<bool>,
    minimum_availability: Option<String>,
    tags: Option<Vec<i64>>,
    add_options: Option<AddOptions>,
}

/// Radarr's `addOptions`; `searchForMovie` queues a `MoviesSearch` right after the add
/// (what Overseerr sends when a request is approved).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AddOptions {
    search_for_movie: Option<bool>,
}

const AVAILABILITY: &[&str] = &["announced", "inCinemas", "released", "tba"];

fn store_err(e: StoreError) -> Rejection {
    ApiError::from(e).reject()
}

fn removal_err(e: RemovalError) -> Rejection {
    match e {
        RemovalError::NotFound(id) => ApiError::not_found(format!("no movie {id}")),
        RemovalError::Unsafe(m) => ApiError::new(StatusCode::CONFLICT, "unsafe_path", m),
        e @ RemovalError::Io { .. } => {
            tracing::warn!(error = %e, "deleting movie files failed");
            ApiError::new(StatusCode::CONFLICT, "delete_failed", e.to_string())
        }
        RemovalError::Store(e) => e.into(),
    }
    .reject()
}

fn resource(m: &Movie) -> Value {
    movie_resource(&m.metadata, Some(m))
}

fn reply(v: &Value, status: StatusCode) -> Resp {
    warp::reply::with_status(warp::reply::json(v), status).into_response()
}

/// The list as one JSON array, each movie written as soon as its resource is built, so a large
/// library never holds every resource tree (and the deep copy `json!` would make of them) at once:
/// with 10,000 movies that was most of the request's time (allocation) and hundreds of MB of RSS.
fn list_reply(all: &[Movie]) -> Resp {
    let mut body = Vec::with_capacity(all.len() * 1024 + 2);
    body.push(b'[');
    for (i, m) in all.iter().enumerate() {
        if i > 0 {
            body.push(b',');
        }
        serde_json::to_writer(&mut body, &resource(m)).expect("a JSON value always serializes");
    }
    body.push(b']');
    let mut r = Resp::new(body.into());
    r.headers_mut().insert(
        warp::http::header::CONTENT_TYPE,
        warp::http::HeaderValue::from_static("application/json"),
    );
    r
}

/// Characters that cannot be in a folder name on common filesystems.
fn folder_name(title: &str, year: i32) -> String {
    let clean: String = title
        .chars()
        .map(|c| if "/\\:*?\"<>|".contains(c) { ' ' } else { c })
        .collect();
    format!(
        "{} ({year})",
        clean.split_whitespace().collect::<Vec<_>>().join(" ")
    )
}

async fn add(s: Arc<AppState>, b: MovieBody) -> Result<Resp, Rejection> {
    let tmdb_id = b
        .tmdb_id
        .filter(|id| *id > 0 && *id <= u32::MAX as i64)
        .ok_or_else(|| {
            ApiError::bad_request("invalid_movie", "tmdbId (a positive number) is required")
                .reject()
        })?;
    let profile_id = b.quality_profile_id.ok_or_else(|| {
        ApiError::bad_request("invalid_movie", "qualityProfileId is required").reject()
    })?;
    if !s
        .store
        .profiles()
        .await
        .map_err(store_err)?
        .iter()
        .any(|p| p.id == profile_id)
    {
        return Err(ApiError::bad_request(
            "invalid_movie",
            format!("quality profile {profile_id} does not exist"),
        )
        .reject());
    }
    let availability = b.minimum_availability.unwrap_or_else(|| "released".into());
    if !AVAILABILITY.contains(&availability.as_str()) {
        return Err(ApiError::bad_request(
            "invalid_movie",
            format!("minimumAvailability must be one of {AVAILABILITY:?}"),
        )
        .reject());
    }
    if s.store
        .movie_by_tmdb(tmdb_id)
        .await
        .map_err(store_err)?
        .is_some()
    {
        return Err(
            ApiError::bad_request("movie_exists", "This movie has already been added")
                .with("tmdbId", tmdb_id)
                .reject(),
        );
    }
    // Metadata is best-effort: an outage must not lose the request.
    let (metadata, from_tmdb) = match s.services.metadata.movie(tmdb_id as u32).await {
        Ok(found) => (
            serde_json::to_value(&found.value).unwrap_or(Value::Null),
            true,
        ),
        Err(e) => {
            tracing::warn!(tmdb_id, error = %e, "adding movie without fresh TMDB metadata");
            (
                json!({"tmdbId": tmdb_id, "title": b.title, "year": b.year}),
                false,
            )
        }
    };
    let title = metadata["title"]
        .as_str()
        .map(str::to_string)
        .or(b.title)
        .unwrap_or_default();
    if title.trim().is_empty() {
        return Err(ApiError::bad_request(
            "invalid_movie",
            "title is required when TMDB cannot be reached",
        )
        .reject());
    }
    let year = metadata["year"]
        .as_i64()
        .map(|y| y as i32)
        .or(b.year)
        .unwrap_or(0);
    let root = b
        .root_folder_path
        .unwrap_or_default()
        .trim_end_matches('/')
        .to_string();
    let path = match b.path {
        Some(p) if !p.trim().is_empty() => p,
        _ if !root.is_empty() => format!("{root}/{}", folder_name(&title, year)),
        _ => {
            return Err(ApiError::bad_request(
                "invalid_movie",
                "rootFolderPath or path is required",
            )
            .reject())
        }
    };
    let new = NewMovie {
        tmdb_id,
        imdb_id: metadata["imdbId"].as_str().map(str::to_string),
        title,
        year,
        monitored: b.monitored.unwrap_or(true),
        minimum_availability: availability,
        quality_profile_id: profile_id,
        root_folder_path: root,
        path,
        tags: b.tags.unwrap_or_default(),
        metadata,
    };
    let mut m = s.store.add_movie(&new).await.map_err(store_err)?;
    if from_tmdb {
        m.last_info_sync = Some(chrono::Utc::now());
        m = s
            .store
            .update_movie(&m)
            .await
            .map_err(store_err)?
            .unwrap_or(m);
    }
    if b.add_options.and_then(|o| o.search_for_movie) == Some(true) {
        let body = json!({"name": "MoviesSearch", "movieIds": [m.id]});
        if let Err(e) = s
            .automation
            .submit_command("MoviesSearch", body, "manual")
            .await
        {
            tracing::warn!(movie_id = m.id, error = %e, "search after add not queued");
        }
    }
    Ok(reply(&resource(&m), StatusCode::CREATED))
}

async fn update(s: Arc<AppState>, id: i64, b: MovieBody) -> Result<Resp, Rejection> {
    let mut m = s
        .store
        .movie(id)
        .await
        .map_err(store_err)?
        .ok_or_else(|| ApiError::not_found(format!("no movie {id}")).reject())?;
    if let Some(v) = b.monitored {
        m.monitored = v;
    }
    if let Some(v) = b.quality_profile_id {
        m.quality_profile_id = v;
    }
    if let Some(v) = b.minimum_availability {
        if !AVAILABILITY.contains(&v.as_str()) {
            return Err(ApiError::bad_request(
                "invalid_movie",
                format!("minimumAvailability must be one of {AVAILABILITY:?}"),
            )
            .reject());
        }
        m.minimum_availability = v;
    }
    if let Some(v) = b.tags {
        m.tags = v;
    }
    if let Some(v) = b.root_folder_path {
        m.root_folder_path = v;
    }
    if let Some(v) = b.path {
        m.path = v;
    }
    let saved = s.store.update_movie(&m).await.map_err(|e| match e {
        StoreError::Constraint(_) => {
            ApiError::bad_request("invalid_movie", "qualityProfileId does not exist").reject()
        }
        e => store_err(e),
    })?;
    let saved = saved.ok_or_else(|| ApiError::not_found(format!("no movie {id}")).reject())?;
    Ok(reply(&resource(&saved), StatusCode::ACCEPTED))
}

pub fn routes(state: Arc<AppState>) -> impl Filter<Extract = (Resp,), Error = Rejection> + Clone {
    let cfg = state.config.clone();
    let json_body = move || body::json::<MovieBody>(cfg.clone());
    let auth = move || require(state.clone()).and(with_state(state.clone()));
    let list = warp::path!("api" / "v3" / "movie")
        .and(warp::get())
        .and(auth())
        .and(params())
        .and_then(|_: Principal, s: Arc<AppState>, q: Params| async move {
            let all = match q.int("tmdbId").map_err(ApiError::reject)? {
                Some(t) => s
                    .store
                    .movie_by_tmdb(t)
                    .await
                    .map_err(store_err)?
                    .into_iter()
                    .collect(),
                None => s.store.movies().await.map_err(store_err)?,
            };
            // Building a large list takes tens of ms of CPU: off the async workers, so other
            // requests are not stalled behind it.
            tokio::task::spawn_blocking(move || list_reply(&all))
                .await
                .map_err(|_| ApiError::internal("building the movie list").reject())
        });
    let one = warp::path!("api" / "v3" / "movie" / i64)
        .and(warp::get())
        .and(auth())
        .and_then(|id: i64, _: Principal, s: Arc<AppState>| async move {
            match s.store.movie(id).await.map_err(store_err)? {
                Some(m) => Ok(reply(&resource(&m), StatusCode::OK)),
                None => Err(ApiError::not_found(format!("no movie {id}")).reject()),
            }
        });
    let post = warp::path!("api" / "v3" / "movie")
        .and(warp::post())
        .and(auth())
        .and(json_body())
        .and_then(|_: Principal, s: Arc<AppState>, b: MovieBody| add(s, b));
    let put = warp::path!("api" / "v3" / "movie" / i64)
        .and(warp::put())
        .and(auth())
        .and(json_body())
        .and_then(|id: i64, _: Principal, s: Arc<AppState>, b: MovieBody| update(s, id, b));
    let put_no_id = warp::path!("api" / "v3" / "movie")
        .and(warp::put())
        .and(auth())
        .and(json_body())
        .and_then(|_: Principal, s: Arc<AppState>, b: MovieBody| async move {
            let id = b
                .id
                .ok_or_else(|| ApiError::bad_request("invalid_movie", "id is required").reject())?;
            update(s, id, b).await
        });
    let delete = warp::path!("api" / "v3" / "movie" / i64)
        .and(warp::delete())
        .and(auth())
        .and(params())
        .and_then(
            |id: i64, _: Principal, s: Arc<AppState>, q: Params| async move {
                let delete_files = q.bool("deleteFiles").map_err(ApiError::reject)?;
                // Accepted for Radarr clients (Jellyseerr sends it); reelarr keeps no exclusion list.
                q.bool("addImportExclusion").map_err(ApiError::reject)?;
                remove_movie(s.store.as_ref(), id, delete_files.unwrap_or(false))
                    .await
                    .map_err(removal_err)?;
                Ok::<_, Rejection>(reply(&json!({}), StatusCode::OK))
            },
        );
    list.or(one)
        .unify()
        .or(post)
        .unify()
        .or(put)
        .unify()
        .or(put_no_id)
        .unify()
        .or(delete)
        .unify()
}
