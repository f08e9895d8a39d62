//! `/api/v3/indexer` and `/api/v3/downloadclient`: list, get, add (`?forceSave=`), change, delete,
//! `schema`, `test` and `testall`, as Radarr answers them. Thin: the providers service validates,
//! saves and applies; this maps JSON in and out.

use std::sync::Arc;

use serde_json::{json, Value};
use warp::http::StatusCode;
use warp::{Filter, Rejection, Reply};

use super::params::{params, Params};
use super::provider_resource::{failures, resource};
use crate::auth::Principal;
use crate::http::auth::require;
use crate::http::body;
use crate::http::error::ApiError;
use crate::http::with_state;
use crate::services::providers::{ProviderInput, ProviderKind};
use crate::state::AppState;

type Resp = warp::reply::Response;

fn reply(v: &Value, status: StatusCode) -> Resp {
    warp::reply::with_status(warp::reply::json(v), status).into_response()
}

/// `forceSave=true` skips the test a save runs first (Prowlarr retries with it after a 400).
fn force(p: &Params) -> Result<bool, Rejection> {
    Ok(p.bool("forceSave")
        .map_err(ApiError::reject)?
        .unwrap_or(false))
}

/// The routes of one provider list under `/api/v3/<segment>`.
fn kind_routes(
    state: Arc<AppState>,
    segment: &'static str,
    kind: ProviderKind,
) -> impl Filter<Extract = (Resp,), Error = Rejection> + Clone {
    let cfg = state.config.clone();
    let input = move || body::json::<ProviderInput>(cfg.clone());
    let base = move || {
        warp::path("api")
            .and(warp::path("v3"))
            .and(warp::path(segment))
    };
    let auth = move || require(state.clone()).and(with_state(state.clone()));

    let list = base()
        .and(warp::path::end())
        .and(warp::get())
        .and(auth())
        .map(move |_: Principal, s: Arc<AppState>| {
            let all: Vec<Value> = s
                .providers
                .list(kind)
                .iter()
                .map(|p| resource(kind, p))
                .collect();
            reply(&json!(all), StatusCode::OK)
        });
    let schema = base()
        .and(warp::path!("schema"))
        .and(warp::get())
        .and(auth())
        .map(move |_: Principal, s: Arc<AppState>| {
            let all: Vec<Value> = s
                .providers
                .schema(kind)
                .iter()
                .map(|p| resource(kind, p))
                .collect();
            reply(&json!(all), StatusCode::OK)
        });
    let one = base()
        .and(warp::path!(i64))
        .and(warp::get())
        .and(auth())
        .and_then(move |id: i64, _: Principal, s: Arc<AppState>| async move {
            let p = s.providers.get(kind, id)?;
            Ok::<_, Rejection>(reply(&resource(kind, &p), StatusCode::OK))
        });
    let add = base()
        .and(warp::path::end())
        .and(warp::post())
        .and(auth())
        .and(params())
        .and(input())
        .and_then(
            move |_: Principal, s: Arc<AppState>, q: Params, b: ProviderInput| async move {
                let p = s.providers.create(kind, &b, force(&q)?).await?;
                Ok::<_, Rejection>(reply(&resource(kind, &p), StatusCode::CREATED))
            },
        );
    let put = base()
        .and(warp::path!(i64))
        .and(warp::put())
        .and(auth())
        .and(params())
        .and(input())
        .and_then(
            move |id: i64, _: Principal, s: Arc<AppState>, q: Params, b: ProviderInput| async move {
                let p = s.providers.update(kind, id, &b, force(&q)?).await?;
                Ok::<_, Rejection>(reply(&resource(kind, &p), StatusCode::ACCEPTED))
            },
        );
    let delete = base()
        .and(warp::path!(i64))
        .and(warp::delete())
        .and(auth())
        .and_then(move |id: i64, _: Principal, s: Arc<AppState>| async move {
            s.providers.delete(kind, id).await?;
            Ok::<_, Rejection>(reply(&json!({}), StatusCode::OK))
        });
    let test = base()
        .and(warp::path!("test"))
        .and(warp::post())
        .and(auth())
        .and(input())
        .and_then(
            move |_: Principal, s: Arc<AppState>, b: ProviderInput| async move {
                let found = s.providers.test(kind, &b).await?;
                Ok::<_, Rejection>(if found.is_empty() {
                    reply(&json!({}), StatusCode::OK)
                } else {
                    reply(&failures(&found), StatusCode::BAD_REQUEST)
                })
            },
        );
    let test_all = base()
        .and(warp::path!("testall"))
        .and(warp::post())
        .and(auth())
        .and_then(move |_: Principal, s: Arc<AppState>| async move {
            let results = s.providers.test_all(kind).await;
            let ok = results.iter().all(|(_, f)| f.is_empty());
            let body: Vec<Value> = results
                .iter()
                .map(|(id, f)| json!({"id": id, "isValid": f.is_empty(), "validationFailures": failures(f)}))
                .collect();
            let status = if ok { StatusCode::OK } else { StatusCode::BAD_REQUEST };
            Ok::<_, Rejection>(reply(&json!(body), status))
        });

    list.or(schema)
        .unify()
        .or(one)
        .unify()
        .or(add)
        .unify()
        .or(put)
        .unify()
        .or(delete)
        .unify()
        .or(test)
        .unify()
        .or(test_all)
        .unify()
}

/// Both provider lists.
pub fn routes(state: Arc<AppState>) -> impl Filter<Extract = (Resp,), Error = Rejection> + Clone {
    kind_routes(state.clone(), "indexer", ProviderKind::Indexer)
        .or(kind_routes(
            state,
            "downloadclient",
            ProviderKind::DownloadClient,
        ))
        .unify()
}
