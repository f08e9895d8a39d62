//! HTTP: thin warp filters over the services. Routing, auth, JSON in/out and the single
//! error→HTTP mapping live here; no business logic does.

pub mod auth;
pub mod body;
mod breakers;
mod downloads;
pub mod error;
mod health;
mod observability;
mod search;
mod ui;
mod v3;

use crate::app::AppState;
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
    let api = health::routes(state.clone())
        .or(auth::routes(state.clone()))
        .unify()
        .or(observability::routes(state.clone()))
        .unify()
        .or(breakers::routes(state.clone()))
        .unify()
        .or(v3::routes(state.clone()))
        .unify()
        .or(search::routes(state.clone()))
        .unify()
        .or(downloads::routes(state.clone()))
        .unify()
        .or(ui::routes())
        .unify();
    body::oversize_guard(state.config.clone())
        .or(api)
        .unify()
        .recover(error::recover)
        .unify()
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

/// Rejects with a JSON 404 naming what was not found (for handlers).
pub fn not_found(what: impl Into<String>) -> Rejection {
    error::ApiError::not_found(what).reject()
}
