//! `/api/v3/indexer`, `/api/v3/downloadclient` and `/api/v3/notification`: list, get, add (`?forceSave=`), change, delete,
//! `schema`, `test` and `testall`, as Radarr answers them. Thin: the providers service validates,
//! saves and applies; this maps JSON in and out.

use std::sync::Arc;

use serde_json::{json, Value};
use warp::filters::BoxedFilter;
use warp::http::StatusCode;
use warp::{Filter, Rejection, Reply};

use super::params::{params, Params};
use super::provider_resource::{failures, resource};
use crate::auth::Principal;
use crate::config::LiveConfig;
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

/// A route's path and method, authenticated: what each handler below starts from.
type Base = BoxedFilter<(Principal, Arc<AppState>)>;
/// The same with the record id from the path.
type ById = BoxedFilter<(i64, Principal, Arc<AppState>)>;
type Route = BoxedFilter<(Resp,)>;

fn list(base: Base, kind: ProviderKind) -> Route {
    base.map(move |_: Principal, s: Arc<AppState>| {
        let all: Vec<Value> = s
            .providers
            .list(kind)
            .iter()
            .map(|p| resource(kind, p))
            .collect();
        reply(&json!(all), StatusCode::OK)
    })
    .boxed()
}

fn schema(base: Base, kind: ProviderKind) -> Route {
    base.map(move |_: Principal, s: Arc<AppState>| {
        let all: Vec<Value> = s
            .providers
            .schema(kind)
            .iter()
            .map(|p| resource(kind, p))
            .collect();
        reply(&json!(all), StatusCode::OK)
    })
    .boxed()
}

fn one(base: ById, kind: ProviderKind) -> Route {
    base.and_then(move |id: i64, _: Principal, s: Arc<AppState>| async move {
        let p = s.providers.get(kind, id)?;
        Ok::<_, Rejection>(reply(&resource(kind, &p), StatusCode::OK))
    })
    .boxed()
}

fn add(base: Base, kind: ProviderKind, cfg: LiveConfig) -> Route {
    base.and(params())
        .and(body::json::<ProviderInput>(cfg))
        .and_then(
            move |_: Principal, s: Arc<AppState>, q: Params, b: ProviderInput| async move {
                let p = s.providers.create(kind, &b, force(&q)?).await?;
                Ok::<_, Rejection>(reply(&resource(kind, &p), StatusCode::CREATED))
            },
        )
        .boxed()
}

fn put(base: ById, kind: ProviderKind, cfg: LiveConfig) -> Route {
    base.and(params())
        .and(body::json::<ProviderInput>(cfg))
        .and_then(
            move |id: i64, _: Principal, s: Arc<AppState>, q: Params, b: ProviderInput| async move {
                let p = s.providers.update(kind, id, &b, force(&q)?).await?;
                Ok::<_, Rejection>(reply(&resource(kind, &p), StatusCode::ACCEPTED))
            },
        )
        .boxed()
}

fn delete(base: ById, kind: ProviderKind) -> Route {
    base.and_then(move |id: i64, _: Principal, s: Arc<AppState>| async move {
        s.providers.delete(kind, id).await?;
        Ok::<_, Rejection>(reply(&json!({}), StatusCode::OK))
    })
    .boxed()
}

/// `test`: 200 `{}` when it works, else 400 with Radarr's validation failures.
fn test(base: Base, kind: ProviderKind, cfg: LiveConfig) -> Route {
    base.and(body::json::<ProviderInput>(cfg))
        .and_then(
            move |_: Principal, s: Arc<AppState>, b: ProviderInput| async move {
                let found = s.providers.test(kind, &b).await?;
                Ok::<_, Rejection>(if found.is_empty() {
                    reply(&json!({}), StatusCode::OK)
                } else {
                    reply(&failures(&found), StatusCode::BAD_REQUEST)
                })
            },
        )
        .boxed()
}

/// `testall`: Radarr's `[{id, isValid, validationFailures}]`, 400 when any failed.
fn test_all(base: Base, kind: ProviderKind) -> Route {
    base.and_then(move |_: Principal, s: Arc<AppState>| async move {
        let results = s.providers.test_all(kind).await;
        let ok = results.iter().all(|(_, f)| f.is_empty());
        let body: Vec<Value> = results
            .iter()
            .map(|(id, f)| json!({"id": id, "isValid": f.is_empty(), "validationFailures": failures(f)}))
            .collect();
        let status = if ok { StatusCode::OK } else { StatusCode::BAD_REQUEST };
        Ok::<_, Rejection>(reply(&json!(body), status))
    })
    .boxed()
}

/// Both provider lists, each route written out with its full path (the OpenAPI sync test reads
/// them from here).
pub fn routes(state: Arc<AppState>) -> impl Filter<Extract = (Resp,), Error = Rejection> + Clone {
    let cfg = state.config.clone();
    let auth = move || require(state.clone()).and(with_state(state.clone()));
    let (ix, dc) = (ProviderKind::Indexer, ProviderKind::DownloadClient);
    let nt = ProviderKind::Notification;
    let routes: Vec<Route> = vec![
        list(
            warp::path!("api" / "v3" / "indexer")
                .and(warp::get())
                .and(auth())
                .boxed(),
            ix,
        ),
        schema(
            warp::path!("api" / "v3" / "indexer" / "schema")
                .and(warp::get())
                .and(auth())
                .boxed(),
            ix,
        ),
        one(
            warp::path!("api" / "v3" / "indexer" / i64)
                .and(warp::get())
                .and(auth())
                .boxed(),
            ix,
        ),
        add(
            warp::path!("api" / "v3" / "indexer")
                .and(warp::post())
                .and(auth())
                .boxed(),
            ix,
            cfg.clone(),
        ),
        put(
            warp::path!("api" / "v3" / "indexer" / i64)
                .and(warp::put())
                .and(auth())
                .boxed(),
            ix,
            cfg.clone(),
        ),
        delete(
            warp::path!("api" / "v3" / "indexer" / i64)
                .and(warp::delete())
                .and(auth())
                .boxed(),
            ix,
        ),
        test(
            warp::path!("api" / "v3" / "indexer" / "test")
                .and(warp::post())
                .and(auth())
                .boxed(),
            ix,
            cfg.clone(),
        ),
        test_all(
            warp::path!("api" / "v3" / "indexer" / "testall")
                .and(warp::post())
                .and(auth())
                .boxed(),
            ix,
        ),
        list(
            warp::path!("api" / "v3" / "downloadclient")
                .and(warp::get())
                .and(auth())
                .boxed(),
            dc,
        ),
        schema(
            warp::path!("api" / "v3" / "downloadclient" / "schema")
                .and(warp::get())
                .and(auth())
                .boxed(),
            dc,
        ),
        one(
            warp::path!("api" / "v3" / "downloadclient" / i64)
                .and(warp::get())
                .and(auth())
                .boxed(),
            dc,
        ),
        add(
            warp::path!("api" / "v3" / "downloadclient")
                .and(warp::post())
                .and(auth())
                .boxed(),
            dc,
            cfg.clone(),
        ),
        put(
            warp::path!("api" / "v3" / "downloadclient" / i64)
                .and(warp::put())
                .and(auth())
                .boxed(),
            dc,
            cfg.clone(),
        ),
        delete(
            warp::path!("api" / "v3" / "downloadclient" / i64)
                .and(warp::delete())
                .and(auth())
                .boxed(),
            dc,
        ),
        test(
            warp::path!("api" / "v3" / "downloadclient" / "test")
                .and(warp::post())
                .and(auth())
                .boxed(),
            dc,
            cfg.clone(),
        ),
        test_all(
            warp::path!("api" / "v3" / "downloadclient" / "testall")
                .and(warp::post())
                .and(auth())
                .boxed(),
            dc,
        ),
        list(
            warp::path!("api" / "v3" / "notification")
                .and(warp::get())
                .and(auth())
                .boxed(),
            nt,
        ),
        schema(
            warp::path!("api" / "v3" / "notification" / "schema")
                .and(warp::get())
                .and(auth())
                .boxed(),
            nt,
        ),
        one(
            warp::path!("api" / "v3" / "notification" / i64)
                .and(warp::get())
                .and(auth())
                .boxed(),
            nt,
        ),
        add(
            warp::path!("api" / "v3" / "notification")
                .and(warp::post())
                .and(auth())
                .boxed(),
            nt,
            cfg.clone(),
        ),
        put(
            warp::path!("api" / "v3" / "notification" / i64)
                .and(warp::put())
                .and(auth())
                .boxed(),
            nt,
            cfg.clone(),
        ),
        delete(
            warp::path!("api" / "v3" / "notification" / i64)
                .and(warp::delete())
                .and(auth())
                .boxed(),
            nt,
        ),
        test(
            warp::path!("api" / "v3" / "notification" / "test")
                .and(warp::post())
                .and(auth())
                .boxed(),
            nt,
            cfg.clone(),
        ),
        test_all(
            warp::path!("api" / "v3" / "notification" / "testall")
                .and(warp::post())
                .and(auth())
                .boxed(),
            nt,
        ),
    ];
    let mut all = routes.into_iter();
    let first = all.next().expect("routes");
    all.fold(first, |acc, r| acc.or(r).unify().boxed())
}
