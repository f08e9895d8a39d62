//! `/api/v3/customformat` (GET list, GET/{id}, POST, PUT/{id}, DELETE/{id}, GET schema): custom
//! formats in Radarr's resource shape; a TRaSH-guide JSON posts as is. Invalid input is a 400
//! naming the field, and nothing is stored.

use crate::auth::Principal;
use crate::domain::custom_format::{schema, CustomFormat};
use crate::http::auth::require;
use crate::http::body;
use crate::http::with_state;
use crate::state::AppState;
use serde_json::{json, Value};
use std::sync::Arc;
use warp::http::StatusCode;
use warp::{Filter, Rejection, Reply};

type Resp = warp::reply::Response;

fn reply(v: &Value, status: StatusCode) -> Resp {
    warp::reply::with_status(warp::reply::json(v), status).into_response()
}

pub fn routes(state: Arc<AppState>) -> impl Filter<Extract = (Resp,), Error = Rejection> + Clone {
    let cfg = state.config.clone();
    let json_body = move || body::json::<Value>(cfg.clone());
    let auth = move || require(state.clone()).and(with_state(state.clone()));

    let all = warp::path!("api" / "v3" / "customformat")
        .and(warp::get())
        .and(auth())
        .and_then(|_: Principal, s: Arc<AppState>| async move {
            let all = s.formats.custom_formats().await?;
            let out: Vec<Value> = all.iter().map(CustomFormat::to_resource).collect();
            Ok::<_, Rejection>(reply(&json!(out), StatusCode::OK))
        });
    let schema = warp::path!("api" / "v3" / "customformat" / "schema")
        .and(warp::get())
        .and(auth())
        .map(|_: Principal, _: Arc<AppState>| reply(&json!(schema()), StatusCode::OK));
    let one = warp::path!("api" / "v3" / "customformat" / i64)
        .and(warp::get())
        .and(auth())
        .and_then(|id: i64, _: Principal, s: Arc<AppState>| async move {
            let f = s.formats.custom_format(id).await?;
            Ok::<_, Rejection>(reply(&f.to_resource(), StatusCode::OK))
        });
    let add = warp::path!("api" / "v3" / "customformat")
        .and(warp::post())
        .and(auth())
        .and(json_body())
        .and_then(|_: Principal, s: Arc<AppState>, b: Value| async move {
            let f = s.formats.add_custom_format(&b).await?;
            Ok::<_, Rejection>(reply(&f.to_resource(), StatusCode::CREATED))
        });
    let put = warp::path!("api" / "v3" / "customformat" / i64)
        .and(warp::put())
        .and(auth())
        .and(json_body())
        .and_then(
            |id: i64, _: Principal, s: Arc<AppState>, b: Value| async move {
                let f = s.formats.update_custom_format(id, &b).await?;
                Ok::<_, Rejection>(reply(&f.to_resource(), StatusCode::ACCEPTED))
            },
        );
    let delete = warp::path!("api" / "v3" / "customformat" / i64)
        .and(warp::delete())
        .and(auth())
        .and_then(|id: i64, _: Principal, s: Arc<AppState>| async move {
            s.formats.delete_custom_format(id).await?;
            Ok::<_, Rejection>(reply(&json!({}), StatusCode::OK))
        });
    all.or(schema)
        .unify()
        .or(one)
        .unify()
        .or(add)
        .unify()
        .or(put)
        .unify()
        .or(delete)
        .unify()
}
