//! Radarr's wanted lists, paged like Radarr: `GET /api/v3/wanted/missing` (movies without a file)
//! and `GET /api/v3/wanted/cutoff` (movies whose file is below their profile's cutoff), both
//! filtered by `monitored` (default true). The library is read whole (it is a few thousand rows
//! at most on the boxes reelarr targets) and paged in memory.

use super::movie_resource::movie_resource;
use super::paging::{envelope, page_of};
use super::params::{params, Params};
use crate::auth::Principal;
use crate::http::auth::require;
use crate::http::error::ApiError;
use crate::http::with_state;
use crate::services::library::Wanted;
use crate::state::AppState;
use serde_json::Value;
use std::sync::Arc;
use warp::{Filter, Rejection};

type Resp = warp::reply::Response;

/// Radarr's default sort for both lists.
const DEFAULT_SORT: &str = "movieMetadata.sortTitle";

/// The resource field a Radarr sort key orders by (Radarr's UI prefixes `movieMetadata.`).
fn sort_field(key: &str) -> &'static str {
    let k = key.rsplit('.').next().unwrap_or(key).to_ascii_lowercase();
    match k.as_str() {
        "year" => "year",
        "added" => "added",
        "incinemas" => "inCinemas",
        "digitalrelease" => "digitalRelease",
        "physicalrelease" => "physicalRelease",
        "runtime" => "runtime",
        "id" => "id",
        _ => "sortTitle",
    }
}

async fn list(s: Arc<AppState>, q: Params, which: Wanted) -> Result<Resp, Rejection> {
    let paging = q.paging(DEFAULT_SORT, true).map_err(ApiError::reject)?;
    let monitored = q
        .bool("monitored")
        .map_err(ApiError::reject)?
        .unwrap_or(true);
    let all: Vec<Value> = s
        .library
        .wanted(which, monitored)
        .await?
        .iter()
        .map(|m| movie_resource(&m.metadata.value(), Some(m)))
        .collect();
    let field = sort_field(&paging.sort_key);
    let (records, total) = page_of(all, &paging, |v| {
        if field == "sortTitle" && v[field].is_null() {
            v["title"].clone()
        } else {
            v[field].clone()
        }
    });
    Ok(envelope(&paging, total as u64, records))
}

pub fn routes(state: Arc<AppState>) -> impl Filter<Extract = (Resp,), Error = Rejection> + Clone {
    let auth = move || require(state.clone()).and(with_state(state.clone()));
    let missing = warp::path!("api" / "v3" / "wanted" / "missing")
        .and(warp::get())
        .and(auth())
        .and(params())
        .and_then(|_: Principal, s: Arc<AppState>, q: Params| list(s, q, Wanted::Missing));
    let cutoff = warp::path!("api" / "v3" / "wanted" / "cutoff")
        .and(warp::get())
        .and(auth())
        .and(params())
        .and_then(|_: Principal, s: Arc<AppState>, q: Params| list(s, q, Wanted::Cutoff));
    missing.or(cutoff).unify()
}

#[cfg(test)]
mod tests {
    #[test]
    fn sort_keys_map_to_resource_fields() {
        assert_eq!(super::sort_field("movieMetadata.sortTitle"), "sortTitle");
        assert_eq!(super::sort_field("movieMetadata.year"), "year");
        assert_eq!(super::sort_field("inCinemas"), "inCinemas");
        assert_eq!(super::sort_field("whatever"), "sortTitle");
    }
}
