//! Radarr's wanted lists, paged like Radarr: `GET /api/v3/wanted/missing` (movies without a file)
//! and `GET /api/v3/wanted/cutoff` (movies whose file is below their profile's cutoff), both
//! filtered by `monitored` (default true). The library is read whole (it is a few thousand rows
//! at most on the boxes reelarr targets) and paged in memory.

use super::history::{quality_of, Context};
use super::movie_resource::movie_resource;
use super::params::{page_of, params, Paging, Params};
use crate::auth::Principal;
use crate::domain::movie::Movie;
use crate::http::auth::require;
use crate::http::error::ApiError;
use crate::http::with_state;
use crate::state::AppState;
use serde_json::{json, Value};
use std::sync::Arc;
use warp::{Filter, Rejection, Reply};

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

fn envelope(p: &Paging, total: usize, records: Vec<Value>) -> Resp {
    warp::reply::json(&json!({
        "page": p.page,
        "pageSize": p.page_size,
        "sortKey": p.sort_key,
        "sortDirection": p.direction(),
        "totalRecords": total,
        "records": records,
    }))
    .into_response()
}

enum List {
    Missing,
    Cutoff,
}

async fn list(s: Arc<AppState>, q: Params, which: List) -> Result<Resp, Rejection> {
    let paging = q.paging(DEFAULT_SORT, true).map_err(ApiError::reject)?;
    let monitored = q
        .bool("monitored")
        .map_err(ApiError::reject)?
        .unwrap_or(true);
    let ctx = Context::load(&s).await?;
    let wanted = |m: &Movie| -> bool {
        if m.monitored != monitored {
            return false;
        }
        match (&which, &m.file) {
            (List::Missing, f) => f.is_none(),
            (List::Cutoff, None) => false,
            (List::Cutoff, Some(f)) => ctx
                .profile_of(m)
                .is_some_and(|p| !p.cutoff_met(&quality_of(&f.quality, &f.relative_path))),
        }
    };
    let all: Vec<Value> = ctx
        .movies()
        .into_iter()
        .filter(|m| wanted(m))
        .map(|m| movie_resource(&m.metadata, Some(m)))
        .collect();
    let field = sort_field(&paging.sort_key);
    let (records, total) = page_of(all, &paging, |v| {
        if field == "sortTitle" && v[field].is_null() {
            v["title"].clone()
        } else {
            v[field].clone()
        }
    });
    Ok(envelope(&paging, total, records))
}

pub fn routes(state: Arc<AppState>) -> impl Filter<Extract = (Resp,), Error = Rejection> + Clone {
    let auth = move || require(state.clone()).and(with_state(state.clone()));
    let missing = warp::path!("api" / "v3" / "wanted" / "missing")
        .and(warp::get())
        .and(auth())
        .and(params())
        .and_then(|_: Principal, s: Arc<AppState>, q: Params| list(s, q, List::Missing));
    let cutoff = warp::path!("api" / "v3" / "wanted" / "cutoff")
        .and(warp::get())
        .and(auth())
        .and(params())
        .and_then(|_: Principal, s: Arc<AppState>, q: Params| list(s, q, List::Cutoff));
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
