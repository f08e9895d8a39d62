//! `GET /api/v3/diskspace`: free and total bytes of each filesystem that holds a root folder or
//! reelarr's data directory (statvfs), one entry per filesystem, named by its mount point as
//! Radarr names drives (measured by the library service).

use crate::auth::Principal;
use crate::http::auth::require;
use crate::http::with_state;
use crate::services::library::DiskSpace;
use crate::state::AppState;
use serde_json::{json, Value};
use std::sync::Arc;
use warp::{Filter, Rejection, Reply};

/// Radarr's `DiskSpaceResource`.
fn disk_json(d: &DiskSpace) -> Value {
    json!({
        "path": d.path,
        "label": d.path,
        "freeSpace": d.free,
        "totalSpace": d.total,
    })
}

pub fn routes(
    state: Arc<AppState>,
) -> impl Filter<Extract = (warp::reply::Response,), Error = Rejection> + Clone {
    warp::path!("api" / "v3" / "diskspace")
        .and(warp::get())
        .and(require(state.clone()))
        .and(with_state(state))
        .and_then(|_: Principal, s: Arc<AppState>| async move {
            let list: Vec<Value> = s
                .library
                .disk_space()
                .await?
                .iter()
                .map(disk_json)
                .collect();
            Ok::<_, Rejection>(warp::reply::json(&list).into_response())
        })
}
