//! `GET /api/v3/log`: the most recent log records (the in-memory ring of `telemetry::recent`,
//! read through `AppState`) in Radarr's paged shape, newest first by default. `level` keeps that
//! level and the more severe ones, as Radarr's log viewer filters (`info` = info, warn, error).

use super::paging::{envelope, page_of};
use super::params::{params, Params};
use crate::auth::Principal;
use crate::http::auth::require;
use crate::http::error::ApiError;
use crate::http::with_state;
use crate::state::AppState;
use serde_json::{json, Value};
use std::sync::Arc;
use warp::{Filter, Rejection};

type Resp = warp::reply::Response;

/// Levels from least to most severe (`fatal` exists in Radarr; reelarr never logs it).
const LEVELS: &[&str] = &["trace", "debug", "info", "warn", "error", "fatal"];

pub fn routes(state: Arc<AppState>) -> impl Filter<Extract = (Resp,), Error = Rejection> + Clone {
    warp::path!("api" / "v3" / "log")
        .and(warp::get())
        .and(require(state.clone()))
        .and(with_state(state))
        .and(params())
        .and_then(|_: Principal, s: Arc<AppState>, q: Params| async move {
            list(&s, &q).map_err(ApiError::reject)
        })
}

/// The severity rank of a level name, or `None` when it is not one.
fn rank(level: &str) -> Option<usize> {
    LEVELS.iter().position(|l| l.eq_ignore_ascii_case(level))
}

fn list(s: &AppState, q: &Params) -> Result<Resp, ApiError> {
    let mut paging = q.paging("time", false)?;
    // Radarr sorts by these; any other key falls back to time (record order), as Radarr does.
    if !matches!(
        paging.sort_key.as_str(),
        "time" | "id" | "level" | "logger" | "message"
    ) {
        paging.sort_key = "time".into();
    }
    let min = match q.text("level")? {
        None => 0,
        Some(l) => rank(l).ok_or_else(|| {
            ApiError::bad_request(
                "invalid_parameter",
                format!("level must be one of {}, got {l:?}", LEVELS.join(", ")),
            )
            .with("parameter", "level")
        })?,
    };
    let records: Vec<Value> = s
        .recent_logs()
        .into_iter()
        .filter(|r| rank(r.level).unwrap_or(0) >= min)
        .map(|r| {
            json!({
                "id": r.id,
                "time": r.time.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
                "level": r.level,
                "logger": r.logger,
                "message": r.message,
            })
        })
        .collect();
    let key = match paging.sort_key.as_str() {
        "time" => "id",
        k => k,
    }
    .to_string();
    let (page, total) = page_of(records, &paging, |v| match key.as_str() {
        "level" => json!(rank(v["level"].as_str().unwrap_or("")).unwrap_or(0)),
        k => v[k].clone(),
    });
    Ok(envelope(&paging, total as u64, page))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_rank_by_severity_case_insensitively() {
        assert!(rank("WARN") > rank("info"));
        assert_eq!(rank("Error"), Some(4));
        assert_eq!(rank("warning"), None);
    }
}
