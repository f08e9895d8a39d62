//! `GET /api/openapi.json`: the OpenAPI 3.0 description of reelarr's own API, embedded from
//! `openapi.json` beside this file. `tests/radarr_api/openapi_sync.rs` keeps it in step with
//! the routes in both directions (every route documented, every documented operation routed).

use super::auth::require;
use crate::auth::Principal;
use crate::state::AppState;
use once_cell::sync::Lazy;
use std::sync::Arc;
use warp::http::header;
use warp::{Filter, Rejection};

/// The document as maintained in the repository.
pub const DOCUMENT: &str = include_str!("openapi.json");

/// The document with `info.version` set to this build's version.
static SERVED: Lazy<String> = Lazy::new(|| {
    let mut doc: serde_json::Value =
        serde_json::from_str(DOCUMENT).expect("src/http/openapi.json is valid JSON");
    doc["info"]["version"] = env!("CARGO_PKG_VERSION").into();
    doc.to_string()
});

pub fn routes(
    state: Arc<AppState>,
) -> impl Filter<Extract = (warp::reply::Response,), Error = Rejection> + Clone {
    warp::path!("api" / "openapi.json")
        .and(warp::get())
        .and(require(state))
        .map(|_: Principal| {
            let mut r = warp::reply::Response::new(SERVED.as_str().into());
            r.headers_mut().insert(
                header::CONTENT_TYPE,
                header::HeaderValue::from_static("application/json"),
            );
            r
        })
}

#[cfg(test)]
mod tests {
    #[test]
    fn document_parses_and_is_openapi_3() {
        let doc: serde_json::Value = serde_json::from_str(super::DOCUMENT).unwrap();
        assert!(doc["openapi"].as_str().unwrap().starts_with("3.0"));
        assert!(doc["paths"].as_object().unwrap().len() > 30);
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&super::SERVED).unwrap()["info"]["version"],
            env!("CARGO_PKG_VERSION")
        );
    }
}
