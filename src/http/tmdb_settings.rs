//! `GET`/`PUT /api/v1/settings/tmdb`: TMDB's API key without a restart (reelarr's own endpoint;
//! Radarr has no such setting). The key is never answered (`********`); a key from the
//! environment or the config file makes it read-only (`409 provider_read_only`).

use std::sync::Arc;

use serde::Deserialize;
use warp::http::StatusCode;
use warp::{Filter, Rejection, Reply};

use crate::auth::Principal;
use crate::http::auth::require;
use crate::http::body;
use crate::http::with_state;
use crate::state::AppState;

/// `{"apiKey": "..."}`; an empty key removes the stored one.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct KeyBody {
    api_key: String,
}

pub fn routes(
    state: Arc<AppState>,
) -> impl Filter<Extract = (warp::reply::Response,), Error = Rejection> + Clone {
    let cfg = state.config.clone();
    let auth = move || require(state.clone()).and(with_state(state.clone()));
    let get = warp::path!("api" / "v1" / "settings" / "tmdb")
        .and(warp::get())
        .and(auth())
        .map(|_: Principal, s: Arc<AppState>| {
            warp::reply::json(&s.providers.tmdb_settings()).into_response()
        });
    let put = warp::path!("api" / "v1" / "settings" / "tmdb")
        .and(warp::put())
        .and(auth())
        .and(body::json::<KeyBody>(cfg))
        .and_then(|_: Principal, s: Arc<AppState>, b: KeyBody| async move {
            let now = s.providers.set_tmdb_key(&b.api_key).await?;
            let r = warp::reply::json(&now);
            Ok::<_, Rejection>(warp::reply::with_status(r, StatusCode::OK).into_response())
        });
    get.or(put).unify()
}
