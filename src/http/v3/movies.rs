//! Radarr's `movie` endpoints: GET list (`?tmdbId=`), GET/PUT/DELETE by id, PUT without id, and
//! POST to add. The rules (validation, TMDB fallback, folder naming, the search after an add)
//! are the library service's; this module reads Radarr's JSON and writes its resources.

use super::movie_resource::{movie_resource, render_movie};
use super::params::{params, Params};
use crate::auth::Principal;
use crate::domain::movie::Movie;
use crate::http::auth::require;
use crate::http::body;
use crate::http::error::ApiError;
use crate::http::with_state;
use crate::services::library::{AddMovie, ListChunks, MovieChanges};
use crate::state::AppState;
use serde::Deserialize;
use serde_json::{json, Value};
use std::sync::Arc;
use warp::http::StatusCode;
use warp::hyper::Body;
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

fn resource(m: &Movie) -> Value {
    movie_resource(&m.metadata.value(), Some(m))
}

fn reply(v: &Value, status: StatusCode) -> Resp {
    warp::reply::with_status(warp::reply::json(v), status).into_response()
}

/// A short list (`?tmdbId=`: none or one movie) as one JSON array, in one piece.
fn list_reply(all: &[Movie]) -> Resp {
    let mut body = Vec::with_capacity(all.len() * 1024 + 2);
    body.push(b'[');
    for (i, m) in all.iter().enumerate() {
        if i > 0 {
            body.push(b',');
        }
        body.extend_from_slice(&render_movie(m));
    }
    body.push(b']');
    json_response(Body::from(body))
}

/// The full list, streamed: hyper polls the next chunk only when the connection has taken the
/// previous ones, so each connection holds about one chunk of rendered JSON, never the body.
fn stream_reply(chunks: ListChunks) -> Resp {
    let chunks = futures_util::stream::iter(chunks.map(Ok::<_, std::convert::Infallible>));
    json_response(Body::wrap_stream(chunks))
}

fn json_response(body: Body) -> Resp {
    let mut r = Resp::new(body);
    r.headers_mut().insert(
        warp::http::header::CONTENT_TYPE,
        warp::http::HeaderValue::from_static("application/json"),
    );
    r
}

impl MovieBody {
    /// The add request for the library service.
    fn into_add(self) -> AddMovie {
        AddMovie {
            tmdb_id: self.tmdb_id,
            title: self.title,
            year: self.year,
            quality_profile_id: self.quality_profile_id,
            root_folder_path: self.root_folder_path,
            path: self.path,
            monitored: self.monitored,
            minimum_availability: self.minimum_availability,
            tags: self.tags,
            search_for_movie: self.add_options.and_then(|o| o.search_for_movie) == Some(true),
        }
    }

    /// The changes an update asks for.
    fn into_changes(self) -> MovieChanges {
        MovieChanges {
            monitored: self.monitored,
            quality_profile_id: self.quality_profile_id,
            minimum_availability: self.minimum_availability,
            tags: self.tags,
            root_folder_path: self.root_folder_path,
            path: self.path,
        }
    }
}

async fn add(s: Arc<AppState>, b: MovieBody) -> Result<Resp, Rejection> {
    let m = s.library.add_movie(b.into_add()).await?;
    Ok(reply(&resource(&m), StatusCode::CREATED))
}

async fn update(s: Arc<AppState>, id: i64, b: MovieBody) -> Result<Resp, Rejection> {
    let saved = s.library.update_movie(id, b.into_changes()).await?;
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
            match q.int("tmdbId")? {
                Some(t) => {
                    let found: Vec<Movie> = s.library.movie_by_tmdb(t).await?.into_iter().collect();
                    Ok::<_, Rejection>(list_reply(&found))
                }
                None => Ok(stream_reply(s.library.movie_list_json(render_movie).await?)),
            }
        });
    let one = warp::path!("api" / "v3" / "movie" / i64)
        .and(warp::get())
        .and(auth())
        .and_then(|id: i64, _: Principal, s: Arc<AppState>| async move {
            let m = s.library.movie(id).await?;
            Ok::<_, Rejection>(reply(&resource(&m), StatusCode::OK))
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
                s.library
                    .delete_movie(id, delete_files.unwrap_or(false))
                    .await?;
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
