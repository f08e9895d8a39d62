//! Public liveness endpoints: `GET /ping` and `GET /health`.

use super::with_state;
use crate::state::AppState;
use serde_json::json;
use std::sync::Arc;
use warp::http::StatusCode;
use warp::{Filter, Rejection, Reply};

/// `/ping` answers as Radarr does; `/health` gives the overall status (503 when unhealthy).
pub fn routes(
    state: Arc<AppState>,
) -> impl Filter<Extract = (warp::reply::Response,), Error = Rejection> + Clone {
    let ping = warp::path!("ping")
        .and(warp::get())
        .map(|| warp::reply::json(&json!({"status": "OK"})).into_response());
    let health = warp::path!("health")
        .and(warp::get())
        .and(with_state(state))
        .then(|state: Arc<AppState>| async move {
            let status = state.overall_status();
            let code = if status == "unhealthy" {
                StatusCode::SERVICE_UNAVAILABLE
            } else {
                StatusCode::OK
            };
            warp::reply::with_status(
                warp::reply::json(&json!({
                    "status": status,
                    "timestamp": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                })),
                code,
            )
            .into_response()
        });
    ping.or(health).unify()
}
