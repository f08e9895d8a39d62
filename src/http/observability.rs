//! `/health/detailed`, `/api/v1/dashboard` and `/metrics`.

use super::auth::{require, require_unless};
use super::with_state;
use crate::auth::Principal;
use crate::state::AppState;
use serde_json::{json, Map};
use std::sync::Arc;
use warp::http::{header, StatusCode};
use warp::{Filter, Rejection, Reply};

type Resp = warp::reply::Response;

pub fn routes(state: Arc<AppState>) -> impl Filter<Extract = (Resp,), Error = Rejection> + Clone {
    let detailed = warp::path!("health" / "detailed")
        .and(warp::get())
        .and(require_unless(state.clone(), |c| c.health.detailed_public))
        .and(with_state(state.clone()))
        .then(|s: Arc<AppState>| async move {
            let v = crate::health::detailed(&s.health).await;
            let code = if v["status"] == "unhealthy" {
                StatusCode::SERVICE_UNAVAILABLE
            } else {
                StatusCode::OK
            };
            warp::reply::with_status(warp::reply::json(&v), code).into_response()
        });
    let metrics = warp::path!("metrics")
        .and(warp::get())
        .and(require_unless(state.clone(), |c| c.metrics.public))
        .and(with_state(state.clone()))
        .then(|s: Arc<AppState>| async move {
            let queue = crate::health::retry_queue(&s.health).await;
            let mut text = crate::metrics::render(&s.breakers, &s.http_metrics, &s.process, queue);
            crate::metrics::render_figures(&mut text, &s.breakers, &s.health.figures);
            let mut r = Resp::new(text.into());
            r.headers_mut().insert(
                header::CONTENT_TYPE,
                header::HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
            );
            r
        });
    let dashboard = warp::path!("api" / "v1" / "dashboard")
        .and(warp::get())
        .and(require(state.clone()))
        .and(with_state(state))
        .map(|_: Principal, s: Arc<AppState>| warp::reply::json(&dashboard(&s)).into_response());
    detailed.or(metrics).unify().or(dashboard).unify()
}

/// The seed's "Dashboard Metrics" shape, with the seed's key figures: `availability.<svc>` (1h, 24h,
/// 7d) and `recovery_times.<svc>_last_seconds` (services that recovered at least once).
fn dashboard(s: &AppState) -> serde_json::Value {
    let mut states = Map::new();
    let mut rates = Map::new();
    let mut times = Map::new();
    let mut availability = Map::new();
    let mut recovery = Map::new();
    for b in s.breakers.all() {
        let snap = b.snapshot();
        let n = b.name();
        states.insert(
            format!("{n}_state"),
            json!(crate::health::seed_state(snap.state)),
        );
        rates.insert(
            n.to_string(),
            json!(format!("{:.1}%", snap.failure_rate * 100.0)),
        );
        times.insert(
            format!("{n}_avg_ms"),
            json!(snap.avg_response_time_ms.round() as u64),
        );
        let fig = s.health.figures.service(n);
        availability.insert(n.to_string(), json!(fig.availability));
        if let Some(last) = fig.recovery.last_seconds {
            recovery.insert(format!("{n}_last_seconds"), json!(last));
        }
    }
    json!({
        "status": s.overall_status(),
        "circuit_breakers": states,
        "failure_rates": rates,
        "response_times": times,
        "availability": availability,
        "recovery_times": recovery,
        "alerts": s.alerts.active(),
    })
}
