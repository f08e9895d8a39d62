//! HTTP: thin warp filters over the services. Routing, auth, JSON in/out and the single
//! error→HTTP mapping live here; no business logic does.

mod allow;
pub mod auth;
pub mod body;
mod breakers;
mod downloads;
pub mod error;
mod health;
mod media_cover;
mod observability;
mod openapi;
mod schema_check;
mod search;
mod tmdb_settings;
mod ui;
mod v3;

use crate::state::AppState;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use warp::{Filter, Rejection, Reply};

/// The peer address of the connection, put into request extensions by the server.
#[derive(Clone, Copy, Debug)]
pub struct ClientAddr(pub SocketAddr);

/// Hands the shared state to a handler.
pub fn with_state(
    state: Arc<AppState>,
) -> impl Filter<Extract = (Arc<AppState>,), Error = Infallible> + Clone {
    warp::any().map(move || state.clone())
}

/// Every route of the server, wrapped in the oversize guard, the error mapping and request logging.
pub fn routes(
    state: Arc<AppState>,
) -> impl Filter<Extract = (warp::reply::Response,), Error = Infallible> + Clone {
    let metrics = state.clone();
    // Each group is boxed: one static type per group keeps the router's type shallow enough for
    // release builds (and compiles faster) at the cost of one indirection per group.
    let api = health::routes(state.clone())
        .boxed()
        .or(auth::routes(state.clone()).boxed())
        .unify()
        .or(observability::routes(state.clone()).boxed())
        .unify()
        .or(breakers::routes(state.clone()).boxed())
        .unify()
        .or(v3::routes(state.clone()).boxed())
        .unify()
        .or(search::routes(state.clone()).boxed())
        .unify()
        .or(downloads::routes(state.clone()).boxed())
        .unify()
        .or(tmdb_settings::routes(state.clone()).boxed())
        .unify()
        .or(openapi::routes(state.clone()).boxed())
        .unify()
        .or(media_cover::routes(state.clone()).boxed())
        .unify()
        .or(ui::routes().boxed())
        .unify();
    let answered = body::oversize_guard(state.config.clone())
        .or(api)
        .unify()
        .recover(error::recover)
        .unify();
    warp::path::full()
        .and(answered)
        .map(|path: warp::path::FullPath, resp| allow::complete(path.as_str(), resp))
        .with(warp::log::custom(move |info| {
            metrics
                .http_metrics
                .record(info.path(), info.status().as_u16());
            // The path only: the query may carry ?apikey=.
            tracing::info!(
                target: "reelarr::http",
                method = %info.method(),
                path = info.path(),
                status = info.status().as_u16(),
                elapsed_ms = info.elapsed().as_secs_f64() * 1000.0,
                "request"
            );
        }))
        .map(Reply::into_response)
}

/// Radarr (ASP.NET) matches routes case-insensitively and Overseerr asks for
/// `/api/v3/qualityProfile`: `/api/v3` paths are lower-cased (every v3 route is lower-case and
/// its path parameters are numbers) and lose a trailing slash before routing.
pub fn normalize_uri(uri: &warp::http::Uri) -> Option<warp::http::Uri> {
    let path = uri.path();
    let is_v3 = path
        .get(..7)
        .is_some_and(|p| p.eq_ignore_ascii_case("/api/v3"))
        && (path.len() == 7 || path.as_bytes()[7] == b'/');
    if !is_v3 {
        return None;
    }
    let mut new = path.to_ascii_lowercase();
    while new.len() > 1 && new.ends_with('/') {
        new.pop();
    }
    if new == path {
        return None;
    }
    let pq = match uri.query() {
        Some(q) => format!("{new}?{q}"),
        None => new,
    };
    let mut parts = uri.clone().into_parts();
    parts.path_and_query = pq.parse().ok();
    warp::http::Uri::from_parts(parts).ok()
}

/// Rejects with a JSON 404 naming what was not found (for handlers).
pub fn not_found(what: impl Into<String>) -> Rejection {
    error::ApiError::not_found(what).reject()
}

#[cfg(test)]
mod tests {
    #[test]
    fn v3_paths_are_case_insensitive() {
        let n = |s: &str| super::normalize_uri(&s.parse().unwrap()).map(|u| u.to_string());
        assert_eq!(
            n("/api/v3/qualityProfile?apikey=AbC").as_deref(),
            Some("/api/v3/qualityprofile?apikey=AbC")
        );
        assert_eq!(n("/API/V3/Movie/12/").as_deref(), Some("/api/v3/movie/12"));
        assert_eq!(n("/api/v3/movie"), None, "already normal");
        assert_eq!(n("/api/v1/circuit-breakers/torznab:MyIndexer"), None);
        assert_eq!(n("/api/v3x/Movie"), None);
        assert_eq!(n("/static/App.js"), None);
    }
}
