//! `/api/v1/circuit-breakers` (list, one, live config, manual control, events) and the seed's
//! `POST /api/test/circuit-breaker/{service}`.

use super::auth::require;
use super::body;
use super::error::ApiError;
use super::v3::params::{params, Params};
use super::with_state;
use crate::auth::Principal;
use crate::breaker::{BreakerConfigPatch, CircuitBreaker};
use crate::state::AppState;
use serde::Deserialize;
use serde_json::json;
use std::sync::Arc;
use warp::http::StatusCode;
use warp::{Filter, Rejection, Reply};

type Resp = warp::reply::Response;

/// Percent-decodes a path segment (`torznab%3Aprowlarr` → `torznab:prowlarr`).
fn decode(seg: &str) -> String {
    reqwest::Url::parse(&format!("http://x/?s={seg}"))
        .ok()
        .and_then(|u| u.query_pairs().next().map(|(_, v)| v.into_owned()))
        .unwrap_or_else(|| seg.to_string())
}

fn breaker(state: &AppState, service: &str) -> Result<Arc<CircuitBreaker>, Rejection> {
    state.breakers.get(service).ok_or_else(|| {
        ApiError::not_found(format!(
            "no circuit breaker named {service:?}; known: {}",
            state
                .breakers
                .all()
                .iter()
                .map(|b| b.name().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ))
        .with("service", service)
        .reject()
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TestAction {
    action: String,
}

/// All routes of this module.
pub fn routes(state: Arc<AppState>) -> impl Filter<Extract = (Resp,), Error = Rejection> + Clone {
    // Full paths in every `warp::path!`, so the OpenAPI sync test can read the route table.
    let list = warp::path!("api" / "v1" / "circuit-breakers")
        .and(warp::get())
        .and(require(state.clone()))
        .and(with_state(state.clone()))
        .map(|_: Principal, s: Arc<AppState>| {
            warp::reply::json(&with_holds(&s, s.breakers.snapshots())).into_response()
        });
    let events = warp::path!("api" / "v1" / "circuit-breakers" / "events")
        .and(warp::get())
        .and(require(state.clone()))
        .and(with_state(state.clone()))
        .and(params())
        .then(|_: Principal, s: Arc<AppState>, q: Params| async move { events(&s, &q).await });
    let one = warp::path!("api" / "v1" / "circuit-breakers" / String)
        .and(warp::get())
        .and(require(state.clone()))
        .and(with_state(state.clone()))
        .and_then(|svc: String, _: Principal, s: Arc<AppState>| async move {
            let b = breaker(&s, &decode(&svc))?;
            Ok::<_, Rejection>(warp::reply::json(&b.snapshot()).into_response())
        });
    let put = warp::path!("api" / "v1" / "circuit-breakers" / String)
        .and(warp::put())
        .and(require(state.clone()))
        .and(with_state(state.clone()))
        .and(body::json::<BreakerConfigPatch>(state.config.clone()))
        .and_then(
            |svc: String, _: Principal, s: Arc<AppState>, patch: BreakerConfigPatch| async move {
                update(&s, &decode(&svc), patch).await
            },
        );
    let control = warp::path!("api" / "v1" / "circuit-breakers" / String / String)
        .and(warp::post())
        .and(require(state.clone()))
        .and(with_state(state.clone()))
        .and_then(
            |svc: String, action: String, _: Principal, s: Arc<AppState>| async move {
                let b = breaker(&s, &decode(&svc))?;
                apply_action(&b, &action)?;
                s.health.invalidate();
                Ok::<_, Rejection>(warp::reply::json(&b.snapshot()).into_response())
            },
        );
    let test = warp::path!("api" / "test" / "circuit-breaker" / String)
        .and(warp::post())
        .and(require(state.clone()))
        .and(with_state(state.clone()))
        .and(body::json_or_empty(state.config.clone()))
        .and_then(
            |svc: String, _: Principal, s: Arc<AppState>, raw: bytes::Bytes| async move {
                let b = breaker(&s, &decode(&svc))?;
                let snap = if raw.is_empty() {
                    b.simulate_failures()
                } else {
                    let a: TestAction = body::parse_json(&raw).map_err(ApiError::reject)?;
                    if a.action != "close" && a.action != "reset" {
                        return Err(ApiError::bad_request(
                            "invalid_action",
                            format!("action must be \"close\" or \"reset\", got {:?}", a.action),
                        )
                        .reject());
                    }
                    apply_action(&b, &a.action)?;
                    b.snapshot()
                };
                s.health.invalidate();
                Ok::<_, Rejection>(warp::reply::json(&snap).into_response())
            },
        );
    list.or(events)
        .unify()
        .or(one)
        .unify()
        .or(put)
        .unify()
        .or(control)
        .unify()
        .or(test)
        .unify()
}

fn apply_action(b: &CircuitBreaker, action: &str) -> Result<(), Rejection> {
    match action {
        "open" => {
            b.force_open();
        }
        "close" => {
            b.close();
        }
        "reset" => b.reset(),
        "disable" => {
            b.disable();
        }
        other => {
            return Err(ApiError::bad_request(
                "invalid_action",
                format!("unknown action {other:?}; use open, close, reset or disable"),
            )
            .reject())
        }
    }
    tracing::info!(
        service = b.name(),
        action,
        "circuit breaker changed by hand"
    );
    Ok(())
}

async fn update(s: &AppState, service: &str, patch: BreakerConfigPatch) -> Result<Resp, Rejection> {
    let b = breaker(s, service)?;
    let live = s.config.clone();
    let svc = service.to_string();
    let result =
        tokio::task::spawn_blocking(move || live.update_breaker(&svc, |c| *c = patch.apply(c)))
            .await
            .map_err(|_| ApiError::internal("updating the configuration").reject())?;
    match result {
        Ok(_) => {
            s.health.invalidate();
            Ok(warp::reply::json(&b.snapshot()).into_response())
        }
        Err(problems) => Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_config",
            problems.join("; "),
        )
        .with("problems", problems)
        .reject()),
    }
}

/// `limit` of the events route: 1..=1000, 100 when absent.
fn events_limit(q: &Params) -> Result<u32, ApiError> {
    match q.int("limit")? {
        None => Ok(100),
        Some(n @ 1..=1000) => Ok(n as u32),
        Some(n) => Err(ApiError::bad_request(
            "invalid_parameter",
            format!("limit must be 1 to 1000, got {n}"),
        )
        .with("parameter", "limit")),
    }
}

/// The ring holds this run's events; older history comes from the database. A bad `limit` is
/// answered here as a 400 naming it: a rejection would lose to the `{service}` route's 404
/// ("no circuit breaker named events"), which is what clients used to get.
async fn events(s: &AppState, q: &Params) -> Resp {
    match events_limit(q) {
        Ok(limit) => {
            let out = s.breaker_events.recent(limit, s.process.start_time).await;
            warp::reply::json(&json!(out)).into_response()
        }
        Err(e) => e.into_response(),
    }
}

/// The snapshots with what each breaker holds back now (breaker chains), e.g. the database's
/// `"holding": ["scheduled searches"]` and `"held": ["held by database: ..."]`, and its
/// recovery and availability figures (`"availability": {"1h": ..}`, `"recovery": {..}`).
fn with_holds(s: &AppState, snaps: Vec<crate::breaker::BreakerSnapshot>) -> Vec<serde_json::Value> {
    let holds = s.health.chains().all();
    snaps
        .into_iter()
        .map(|snap| {
            let name = snap.service.to_string();
            let mut v = serde_json::to_value(snap).unwrap_or_default();
            let mine: Vec<_> = holds
                .iter()
                .filter(|h| h.services.contains(&name))
                .collect();
            v["holding"] = json!(mine.iter().map(|h| h.what).collect::<Vec<_>>());
            v["held"] = json!(mine.iter().map(|h| &h.message).collect::<Vec<_>>());
            let fig = s.health.figures.service(&name);
            v["availability"] = json!(fig.availability);
            v["recovery"] = json!(fig.recovery);
            v
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_limit_is_checked_and_named() {
        let limit = |q: &str| events_limit(&Params::parse(q));
        assert_eq!(limit("").unwrap(), 100);
        assert_eq!(limit("LIMIT=1000").unwrap(), 1000);
        assert_eq!(limit("limit=1").unwrap(), 1);
        for bad in [
            "limit=abc",
            "limit=0",
            "limit=-5",
            "limit=1001",
            "limit=1e3",
        ] {
            let e = limit(bad).unwrap_err();
            assert_eq!(
                (e.code, &e.extra["parameter"]),
                ("invalid_parameter", &json!("limit")),
                "{bad}"
            );
        }
    }
}
