//! Radarr's movie editor: `PUT /api/v3/movie/editor` (one change to many movies: monitored,
//! quality profile, minimum availability, root folder with `moveFiles`, tags with `applyTags`)
//! and `DELETE /api/v3/movie/editor` (`{movieIds, deleteFiles, addImportExclusion}`). Validation
//! is all or nothing and names the field (the library service's `editor.rs`).

use super::movie_resource::movie_resource;
use super::queue_remove::positive;
use crate::auth::Principal;
use crate::http::auth::require;
use crate::http::body;
use crate::http::error::ApiError;
use crate::http::with_state;
use crate::services::library::{ApplyTags, MovieEdit};
use crate::state::AppState;
use serde::Deserialize;
use serde_json::{json, Value};
use std::sync::Arc;
use warp::http::StatusCode;
use warp::{Filter, Rejection, Reply};

type Resp = warp::reply::Response;

/// Radarr's `applyTags` (default `add`), or a 400 naming it.
fn apply_tags(v: Option<&str>) -> Result<ApplyTags, ApiError> {
    match v {
        None | Some("add") => Ok(ApplyTags::Add),
        Some("remove") => Ok(ApplyTags::Remove),
        Some("replace") => Ok(ApplyTags::Replace),
        Some(other) => Err(ApiError::bad_request(
            "invalid_movie_editor",
            format!("applyTags must be add, remove or replace, got {other:?}"),
        )
        .with("field", "applyTags")),
    }
}

/// Radarr's `MovieEditorResource`; `null` counts as absent, like Radarr's nullable fields.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct EditorBody {
    movie_ids: Vec<i64>,
    monitored: Option<bool>,
    quality_profile_id: Option<i64>,
    minimum_availability: Option<String>,
    root_folder_path: Option<String>,
    tags: Option<Vec<i64>>,
    apply_tags: Option<String>,
    move_files: Option<bool>,
    delete_files: Option<bool>,
    /// Accepted and ignored: reelarr keeps no import exclusion list.
    #[allow(dead_code)]
    add_import_exclusion: Option<bool>,
}

pub fn routes(state: Arc<AppState>) -> impl Filter<Extract = (Resp,), Error = Rejection> + Clone {
    let cfg = state.config.clone();
    let auth = move || require(state.clone()).and(with_state(state.clone()));
    let json_body = move || body::json::<EditorBody>(cfg.clone());
    let put = warp::path!("api" / "v3" / "movie" / "editor")
        .and(warp::put())
        .and(auth())
        .and(json_body())
        .and_then(|_: Principal, s: Arc<AppState>, b: EditorBody| async move {
            positive("movieIds", &b.movie_ids)?;
            let apply_tags = apply_tags(b.apply_tags.as_deref())?;
            let edit = MovieEdit {
                movie_ids: b.movie_ids,
                monitored: b.monitored,
                quality_profile_id: b.quality_profile_id,
                minimum_availability: b.minimum_availability,
                root_folder_path: b.root_folder_path,
                tags: b.tags,
                apply_tags,
                move_files: b.move_files.unwrap_or(false),
            };
            let saved = s.library.edit_movies(edit).await?;
            let list: Vec<Value> = saved
                .iter()
                .map(|m| movie_resource(&m.metadata.value(), Some(m)))
                .collect();
            Ok::<_, Rejection>(
                warp::reply::with_status(warp::reply::json(&list), StatusCode::ACCEPTED)
                    .into_response(),
            )
        });
    let delete = warp::path!("api" / "v3" / "movie" / "editor")
        .and(warp::delete())
        .and(auth())
        .and(json_body())
        .and_then(|_: Principal, s: Arc<AppState>, b: EditorBody| async move {
            positive("movieIds", &b.movie_ids)?;
            s.library
                .delete_movies(&b.movie_ids, b.delete_files.unwrap_or(false))
                .await?;
            Ok::<_, Rejection>(warp::reply::json(&json!({})).into_response())
        });
    put.or(delete).unify()
}
