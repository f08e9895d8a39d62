//! Radarr's `config/naming`, `config/mediamanagement` and `config/host` (GET, and PUT with or
//! without the id as Radarr's `{id?}` routes take it). What each field does in reelarr is the
//! formats service's (`services::formats::naming`) and the README's.

use crate::auth::Principal;
use crate::http::auth::require;
use crate::http::body;
use crate::http::schema_check;
use crate::http::with_state;
use crate::services::ServiceError;
use crate::state::AppState;
use serde_json::Value;
use std::sync::Arc;
use warp::http::StatusCode;
use warp::{Filter, Rejection, Reply};

type Resp = warp::reply::Response;

/// The three settings resources, by path segment.
#[derive(Clone, Copy)]
enum Section {
    Naming,
    MediaManagement,
    Host,
}

impl Section {
    fn get(self, s: &AppState) -> Value {
        match self {
            Section::Naming => s.formats.naming(),
            Section::MediaManagement => s.formats.media_management(),
            Section::Host => s.formats.host(),
        }
    }

    /// The OpenAPI schema a PUT body is held to.
    fn schema(self) -> &'static str {
        match self {
            Section::Naming => "NamingConfig",
            Section::MediaManagement => "MediaManagementConfig",
            Section::Host => "HostConfig",
        }
    }

    fn put(self, s: &AppState, body: &Value) -> Result<Value, ServiceError> {
        match self {
            Section::Naming => s.formats.update_naming(body),
            Section::MediaManagement => s.formats.update_media_management(body),
            Section::Host => s.formats.update_host(body),
        }
    }
}

fn reply(v: &Value, status: StatusCode) -> Resp {
    warp::reply::with_status(warp::reply::json(v), status).into_response()
}

/// GET answers the section.
async fn get(sec: Section, s: Arc<AppState>) -> Result<Resp, Rejection> {
    Ok(reply(&sec.get(&s), StatusCode::OK))
}

/// PUT applies what reelarr honours and answers the section (202, as Radarr).
async fn put(sec: Section, s: Arc<AppState>, b: Value) -> Result<Resp, Rejection> {
    schema_check::check(sec.schema(), &b)?;
    let v = sec.put(&s, &b)?;
    Ok(reply(&v, StatusCode::ACCEPTED))
}

pub fn routes(state: Arc<AppState>) -> impl Filter<Extract = (Resp,), Error = Rejection> + Clone {
    let cfg = state.config.clone();
    let json_body = move || body::json::<Value>(cfg.clone());
    let auth = move || require(state.clone()).and(with_state(state.clone()));
    // Each route spelled out (Radarr's `{id?}`: with and without the id), so the OpenAPI
    // check can read every one.
    let naming_get = warp::path!("api" / "v3" / "config" / "naming")
        .and(warp::get())
        .and(auth())
        .and_then(|_: Principal, s| get(Section::Naming, s));
    let naming_get_id = warp::path!("api" / "v3" / "config" / "naming" / i64)
        .and(warp::get())
        .and(auth())
        .and_then(|_: i64, _: Principal, s| get(Section::Naming, s));
    let naming_put = warp::path!("api" / "v3" / "config" / "naming")
        .and(warp::put())
        .and(auth())
        .and(json_body())
        .and_then(|_: Principal, s, b| put(Section::Naming, s, b));
    let naming_put_id = warp::path!("api" / "v3" / "config" / "naming" / i64)
        .and(warp::put())
        .and(auth())
        .and(json_body())
        .and_then(|_: i64, _: Principal, s, b| put(Section::Naming, s, b));
    let media_get = warp::path!("api" / "v3" / "config" / "mediamanagement")
        .and(warp::get())
        .and(auth())
        .and_then(|_: Principal, s| get(Section::MediaManagement, s));
    let media_get_id = warp::path!("api" / "v3" / "config" / "mediamanagement" / i64)
        .and(warp::get())
        .and(auth())
        .and_then(|_: i64, _: Principal, s| get(Section::MediaManagement, s));
    let media_put = warp::path!("api" / "v3" / "config" / "mediamanagement")
        .and(warp::put())
        .and(auth())
        .and(json_body())
        .and_then(|_: Principal, s, b| put(Section::MediaManagement, s, b));
    let media_put_id = warp::path!("api" / "v3" / "config" / "mediamanagement" / i64)
        .and(warp::put())
        .and(auth())
        .and(json_body())
        .and_then(|_: i64, _: Principal, s, b| put(Section::MediaManagement, s, b));
    let host_get = warp::path!("api" / "v3" / "config" / "host")
        .and(warp::get())
        .and(auth())
        .and_then(|_: Principal, s| get(Section::Host, s));
    let host_get_id = warp::path!("api" / "v3" / "config" / "host" / i64)
        .and(warp::get())
        .and(auth())
        .and_then(|_: i64, _: Principal, s| get(Section::Host, s));
    let host_put = warp::path!("api" / "v3" / "config" / "host")
        .and(warp::put())
        .and(auth())
        .and(json_body())
        .and_then(|_: Principal, s, b| put(Section::Host, s, b));
    let host_put_id = warp::path!("api" / "v3" / "config" / "host" / i64)
        .and(warp::put())
        .and(auth())
        .and(json_body())
        .and_then(|_: i64, _: Principal, s, b| put(Section::Host, s, b));
    naming_get
        .or(naming_get_id)
        .unify()
        .or(naming_put)
        .unify()
        .or(naming_put_id)
        .unify()
        .or(media_get)
        .unify()
        .or(media_get_id)
        .unify()
        .or(media_put)
        .unify()
        .or(media_put_id)
        .unify()
        .or(host_get)
        .unify()
        .or(host_get_id)
        .unify()
        .or(host_put)
        .unify()
        .or(host_put_id)
        .unify()
}
