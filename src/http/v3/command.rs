//! `POST /api/v3/command` (queue a command), `GET /api/v3/command` (recent), `GET
//! /api/v3/command/{id}`, and the scheduled tasks at `GET /api/v3/system/task[/{id}]`, in
//! Radarr's CommandResource and TaskResource shapes.

use crate::auth::Principal;
use crate::domain::movie::CommandRecord;
use crate::http::auth::require;
use crate::http::body;
use crate::http::error::ApiError;
use crate::http::with_state;
use crate::state::AppState;
use serde_json::{json, Value};
use std::sync::Arc;
use warp::http::StatusCode;
use warp::{Filter, Rejection, Reply};

type Resp = warp::reply::Response;

/// Radarr's display names ("Movie Search").
fn display_name(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if i > 0 && c.is_uppercase() {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

/// "hh:mm:ss.fffffff" (.NET TimeSpan) as Radarr writes durations.
fn span(ms: i64) -> String {
    let ms = ms.max(0);
    format!(
        "{:02}:{:02}:{:02}.{:07}",
        ms / 3_600_000,
        ms / 60_000 % 60,
        ms / 1000 % 60,
        (ms % 1000) * 10_000
    )
}

pub fn command_resource(c: &CommandRecord) -> Value {
    let mut body = c.body.clone();
    if let Value::Object(m) = &mut body {
        m.entry("sendUpdatesToClient").or_insert(json!(true));
        m.entry("updateScheduledTask").or_insert(json!(true));
        m.entry("requiresDiskAccess").or_insert(json!(false));
        m.entry("isExclusive").or_insert(json!(false));
        m.entry("isLongRunning").or_insert(json!(false));
        m.entry("trigger").or_insert(json!(c.trigger));
        m.entry("suppressMessages").or_insert(json!(false));
    }
    let result = match c.status.as_str() {
        "completed" => "successful",
        "failed" => "unsuccessful",
        _ => "unknown",
    };
    let duration = match (c.started_at, c.ended_at) {
        (Some(s), Some(e)) => Some(span((e - s).num_milliseconds())),
        _ => None,
    };
    let changed = c.ended_at.or(c.started_at).unwrap_or(c.queued_at);
    json!({
        "id": c.id,
        "name": c.name,
        "commandName": display_name(&c.name),
        "message": c.message,
        "body": body,
        "priority": "normal",
        "status": c.status,
        "result": result,
        "queued": c.queued_at.to_rfc3339(),
        "started": c.started_at.map(|d| d.to_rfc3339()),
        "ended": c.ended_at.map(|d| d.to_rfc3339()),
        "duration": duration,
        "exception": if c.status == "failed" { c.message.clone() } else { None },
        "trigger": c.trigger,
        "stateChangeTime": changed.to_rfc3339(),
        "sendUpdatesToClient": true,
        "updateScheduledTask": true,
        "lastExecutionTime": c.ended_at.map(|d| d.to_rfc3339()),
    })
}

fn parse_id(raw: &str, what: &str) -> Result<i64, Rejection> {
    raw.parse::<i64>().ok().filter(|i| *i > 0).ok_or_else(|| {
        ApiError::bad_request(
            "invalid_id",
            format!("{what} id must be a positive integer, got {raw:?}"),
        )
        .reject()
    })
}

async fn submit(s: Arc<AppState>, p: Principal, body: Value) -> Result<Resp, Rejection> {
    let name = body
        .get("name")
        .and_then(Value::as_str)
        .ok_or_else(|| {
            ApiError::bad_request("invalid_command", "the body needs a command \"name\"").reject()
        })?
        .to_string();
    let _ = p;
    let rec = s
        .automation
        .submit_command(&name, body, "manual")
        .await
        .map_err(|e| ApiError::from(e).reject())?;
    Ok(warp::reply::with_status(
        warp::reply::json(&command_resource(&rec)),
        StatusCode::CREATED,
    )
    .into_response())
}

pub fn routes(state: Arc<AppState>) -> impl Filter<Extract = (Resp,), Error = Rejection> + Clone {
    let post = warp::path!("api" / "v3" / "command")
        .and(warp::post())
        .and(require(state.clone()))
        .and(body::json::<Value>(state.config.clone()))
        .and(with_state(state.clone()))
        .and_then(|p: Principal, body: Value, s: Arc<AppState>| submit(s, p, body));
    let list = warp::path!("api" / "v3" / "command")
        .and(warp::get())
        .and(require(state.clone()))
        .and(with_state(state.clone()))
        .and_then(|_: Principal, s: Arc<AppState>| async move {
            let all = s
                .automation
                .commands(100)
                .await
                .map_err(|e| ApiError::from(e).reject())?;
            let out: Vec<Value> = all.iter().map(command_resource).collect();
            Ok::<Resp, Rejection>(warp::reply::json(&out).into_response())
        });
    let one = warp::path!("api" / "v3" / "command" / String)
        .and(warp::get())
        .and(require(state.clone()))
        .and(with_state(state.clone()))
        .and_then(|raw: String, _: Principal, s: Arc<AppState>| async move {
            let id = parse_id(&raw, "command")?;
            let rec = s
                .automation
                .command(id)
                .await
                .map_err(|e| ApiError::from(e).reject())?
                .ok_or_else(|| ApiError::not_found(format!("no command {id}")).reject())?;
            Ok::<Resp, Rejection>(warp::reply::json(&command_resource(&rec)).into_response())
        });
    let tasks = warp::path!("api" / "v3" / "system" / "task")
        .and(warp::get())
        .and(require(state.clone()))
        .and(with_state(state.clone()))
        .map(|_: Principal, s: Arc<AppState>| {
            warp::reply::json(&s.automation.tasks()).into_response()
        });
    let task = warp::path!("api" / "v3" / "system" / "task" / String)
        .and(warp::get())
        .and(require(state.clone()))
        .and(with_state(state))
        .and_then(|raw: String, _: Principal, s: Arc<AppState>| async move {
            let id = parse_id(&raw, "task")?;
            let t = s
                .automation
                .tasks()
                .into_iter()
                .find(|t| t.id == id)
                .ok_or_else(|| ApiError::not_found(format!("no task {id}")).reject())?;
            Ok::<Resp, Rejection>(warp::reply::json(&t).into_response())
        });
    post.or(list)
        .unify()
        .or(one)
        .unify()
        .or(tasks)
        .unify()
        .or(task)
        .unify()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_durations_look_like_radarr() {
        assert_eq!(display_name("MoviesSearch"), "Movies Search");
        assert_eq!(span(61_500), "00:01:01.5000000");
    }
}
