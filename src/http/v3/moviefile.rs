//! Radarr's movie files: `GET /api/v3/moviefile?movieId=` (or `?movieFileIds=`),
//! `GET /api/v3/moviefile/{id}`, `DELETE /api/v3/moviefile/{id}` and
//! `DELETE /api/v3/moviefile/bulk` (`{"movieFileIds": [...]}`). A delete removes the file from
//! disk only inside a root folder and leaves the movie missing (the library service's rules).

use super::movie_resource::movie_file_resource;
use super::params::{params, Params};
use super::queue_remove::positive;
use crate::auth::Principal;
use crate::domain::movie::Movie;
use crate::http::auth::require;
use crate::http::body;
use crate::http::with_state;
use crate::state::AppState;
use serde::Deserialize;
use serde_json::{json, Value};
use std::sync::Arc;
use warp::{Filter, Rejection, Reply};

type Resp = warp::reply::Response;

/// Radarr's `MovieFileListResource` as a bulk delete sends it (other fields are ignored).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct FileIds {
    movie_file_ids: Vec<i64>,
}

fn resource(m: &Movie) -> Value {
    m.file
        .as_ref()
        .map(|f| movie_file_resource(m, f))
        .unwrap_or(Value::Null)
}

fn ok(v: &Value) -> Resp {
    warp::reply::json(v).into_response()
}

pub fn routes(state: Arc<AppState>) -> impl Filter<Extract = (Resp,), Error = Rejection> + Clone {
    let cfg = state.config.clone();
    let auth = move || require(state.clone()).and(with_state(state.clone()));
    let list = warp::path!("api" / "v3" / "moviefile")
        .and(warp::get())
        .and(auth())
        .and(params())
        .and_then(|_: Principal, s: Arc<AppState>, q: Params| async move {
            let movies = q.ints("movieId")?;
            let files = q.ints("movieFileIds")?;
            positive("movieId", &movies)?;
            positive("movieFileIds", &files)?;
            // Without a filter there is nothing to list (Radarr refuses it; an empty list keeps
            // the two parameters independent, as the document states).
            if movies.is_empty() && files.is_empty() {
                return Ok::<_, Rejection>(ok(&json!([])));
            }
            let all = s.library.movie_files(&movies, &files).await?;
            Ok(ok(&Value::Array(all.iter().map(resource).collect())))
        });
    let one = warp::path!("api" / "v3" / "moviefile" / i64)
        .and(warp::get())
        .and(auth())
        .and_then(|id: i64, _: Principal, s: Arc<AppState>| async move {
            let m = s.library.movie_file(id).await?;
            Ok::<_, Rejection>(ok(&resource(&m)))
        });
    let bulk = warp::path!("api" / "v3" / "moviefile" / "bulk")
        .and(warp::delete())
        .and(auth())
        .and(body::json::<FileIds>(cfg))
        .and_then(|_: Principal, s: Arc<AppState>, b: FileIds| async move {
            positive("movieFileIds", &b.movie_file_ids)?;
            s.library.delete_movie_files(&b.movie_file_ids).await?;
            Ok::<_, Rejection>(ok(&json!({})))
        });
    let delete = warp::path!("api" / "v3" / "moviefile" / i64)
        .and(warp::delete())
        .and(auth())
        .and_then(|id: i64, _: Principal, s: Arc<AppState>| async move {
            s.library.delete_movie_files(&[id]).await?;
            Ok::<_, Rejection>(ok(&json!({})))
        });
    list.or(one).unify().or(bulk).unify().or(delete).unify()
}
