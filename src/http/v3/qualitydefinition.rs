//! `/api/v3/qualitydefinition`: Radarr's quality definitions (GET list, GET/{id}, PUT/{id},
//! PUT /update for a list, GET /limits), read live by the decision engine's size checks.

use crate::auth::Principal;
use crate::domain::size_limits::MAX_RATE;
use crate::http::auth::require;
use crate::http::body;
use crate::http::schema_check;
use crate::http::with_state;
use crate::services::formats::Definition;
use crate::state::AppState;
use serde_json::{json, Value};
use std::sync::Arc;
use warp::http::StatusCode;
use warp::{Filter, Rejection, Reply};

type Resp = warp::reply::Response;

fn reply(v: &Value, status: StatusCode) -> Resp {
    warp::reply::with_status(warp::reply::json(v), status).into_response()
}

fn list(all: &[Definition]) -> Value {
    Value::Array(all.iter().map(Definition::resource).collect())
}

pub fn routes(state: Arc<AppState>) -> impl Filter<Extract = (Resp,), Error = Rejection> + Clone {
    let cfg = state.config.clone();
    let json_body = move || body::json::<Value>(cfg.clone());
    let auth = move || require(state.clone()).and(with_state(state.clone()));

    let all = warp::path!("api" / "v3" / "qualitydefinition")
        .and(warp::get())
        .and(auth())
        .and_then(|_: Principal, s: Arc<AppState>| async move {
            let all = s.formats.quality_definitions().await?;
            Ok::<_, Rejection>(reply(&list(&all), StatusCode::OK))
        });
    let limits = warp::path!("api" / "v3" / "qualitydefinition" / "limits")
        .and(warp::get())
        .and(auth())
        .map(|_: Principal, _: Arc<AppState>| {
            reply(&json!({"min": 0, "max": MAX_RATE as i64}), StatusCode::OK)
        });
    let one = warp::path!("api" / "v3" / "qualitydefinition" / i64)
        .and(warp::get())
        .and(auth())
        .and_then(|id: i64, _: Principal, s: Arc<AppState>| async move {
            let d = s.formats.quality_definition(id).await?;
            Ok::<_, Rejection>(reply(&d.resource(), StatusCode::OK))
        });
    let put = warp::path!("api" / "v3" / "qualitydefinition" / i64)
        .and(warp::put())
        .and(auth())
        .and(json_body())
        .and_then(
            |id: i64, _: Principal, s: Arc<AppState>, b: Value| async move {
                schema_check::check("QualityDefinition", &b)?;
                let d = s.formats.update_quality_definition(id, &b).await?;
                Ok::<_, Rejection>(reply(&d.resource(), StatusCode::ACCEPTED))
            },
        );
    let bulk = warp::path!("api" / "v3" / "qualitydefinition" / "update")
        .and(warp::put())
        .and(auth())
        .and(json_body())
        .and_then(|_: Principal, s: Arc<AppState>, b: Value| async move {
            schema_check::check_list("QualityDefinition", &b)?;
            let all = s.formats.update_quality_definitions(&b).await?;
            Ok::<_, Rejection>(reply(&list(&all), StatusCode::ACCEPTED))
        });
    all.or(limits)
        .unify()
        .or(one)
        .unify()
        .or(bulk)
        .unify()
        .or(put)
        .unify()
}
