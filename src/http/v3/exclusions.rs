//! Radarr's import-list exclusions, read-only and always empty: reelarr has no import lists, so
//! nothing is ever excluded (`DELETE /movie/{id}?addImportExclusion=true` is accepted and
//! ignored). Overseerr asks `GET /api/v3/exclusions/paged?page=1&pageSize=-1` before every add
//! and refuses to add when that call fails, so it must answer, `pageSize=-1` ("everything",
//! as Overseerr means it) included.

use super::paging::envelope_sized;
use super::params::{params, Params};
use crate::auth::Principal;
use crate::http::auth::require;
use crate::http::error::ApiError;
use crate::state::AppState;
use serde_json::json;
use std::sync::Arc;
use warp::{Filter, Rejection, Reply};

type Resp = warp::reply::Response;

pub fn routes(state: Arc<AppState>) -> impl Filter<Extract = (Resp,), Error = Rejection> + Clone {
    let list = warp::path!("api" / "v3" / "exclusions")
        .and(warp::get())
        .and(require(state.clone()))
        .map(|_: Principal| warp::reply::json(&json!([])).into_response());
    let paged = warp::path!("api" / "v3" / "exclusions" / "paged")
        .and(warp::get())
        .and(require(state))
        .and(params())
        .and_then(|_: Principal, q: Params| async move {
            // Overseerr's "all records" is the only place a negative page size is accepted.
            let all = q.int("pageSize").map_err(ApiError::reject)? == Some(-1);
            let q = if all { q.without("pageSize") } else { q };
            let p = q.paging("id", true).map_err(ApiError::reject)?;
            let page_size = if all { -1 } else { i64::from(p.page_size) };
            Ok::<_, Rejection>(envelope_sized(&p, page_size, 0, Vec::new()))
        });
    list.or(paged).unify()
}
