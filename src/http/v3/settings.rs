//! Radarr's library settings: `qualityprofile` (GET, GET/{id}, POST, PUT/{id}, DELETE/{id}),
//! `rootfolder` (GET, POST, DELETE/{id}, with free space) and `tag` (GET, POST).

use super::diskspace::disk_space;
use crate::auth::Principal;
use crate::domain::movie::StoredProfile;
use crate::domain::profile::QualityProfile;
use crate::http::auth::require;
use crate::http::body;
use crate::http::error::ApiError;
use crate::http::with_state;
use crate::state::AppState;
use serde::Deserialize;
use serde_json::{json, Value};
use std::sync::Arc;
use warp::http::StatusCode;
use warp::{Filter, Rejection, Reply};

type Resp = warp::reply::Response;

fn reply(v: &Value, status: StatusCode) -> Resp {
    warp::reply::with_status(warp::reply::json(v), status).into_response()
}

fn store_err(e: crate::store::StoreError) -> Rejection {
    ApiError::from(e).reject()
}

/// The stored profile as Radarr's resource (the row's id and name win over the JSON's).
fn profile_json(p: &StoredProfile) -> Value {
    let mut v = p.data.clone();
    if let Some(o) = v.as_object_mut() {
        o.insert("id".into(), json!(p.id));
        o.insert("name".into(), json!(p.name));
    }
    v
}

/// Parses and validates a profile body; errors name what is wrong.
fn parse_profile(v: Value) -> Result<QualityProfile, Rejection> {
    let p: QualityProfile = serde_json::from_value(v).map_err(|e| {
        ApiError::bad_request("invalid_profile", format!("invalid quality profile: {e}")).reject()
    })?;
    p.validate().map_err(|errs| {
        let msgs: Vec<String> = errs.iter().map(|e| e.to_string()).collect();
        ApiError::bad_request("invalid_profile", msgs.join("; "))
            .with("problems", msgs)
            .reject()
    })?;
    Ok(p)
}

fn root_json(id: i64, path: &str) -> Value {
    let space = disk_space(path);
    json!({
        "id": id,
        "path": path,
        "accessible": space.is_some(),
        "freeSpace": space.map(|s| s.0),
        "unmappedFolders": [],
    })
}

#[derive(Deserialize)]
struct RootBody {
    path: String,
}

#[derive(Deserialize)]
struct TagBody {
    label: String,
}

pub fn routes(state: Arc<AppState>) -> impl Filter<Extract = (Resp,), Error = Rejection> + Clone {
    let cfg = state.config.clone();
    let live_config = move || cfg.clone();
    let auth = move || require(state.clone()).and(with_state(state.clone()));

    let profiles = warp::path!("api" / "v3" / "qualityprofile")
        .and(warp::get())
        .and(auth())
        .and_then(|_: Principal, s: Arc<AppState>| async move {
            let all = s.store.profiles().await.map_err(store_err)?;
            Ok::<_, Rejection>(reply(
                &json!(all.iter().map(profile_json).collect::<Vec<_>>()),
                StatusCode::OK,
            ))
        });
    let profile = warp::path!("api" / "v3" / "qualityprofile" / i64)
        .and(warp::get())
        .and(auth())
        .and_then(|id: i64, _: Principal, s: Arc<AppState>| async move {
            let all = s.store.profiles().await.map_err(store_err)?;
            match all.iter().find(|p| p.id == id) {
                Some(p) => Ok(reply(&profile_json(p), StatusCode::OK)),
                None => Err(ApiError::not_found(format!("no quality profile {id}")).reject()),
            }
        });
    let add_profile = warp::path!("api" / "v3" / "qualityprofile")
        .and(warp::post())
        .and(auth())
        .and(body::json::<Value>(live_config()))
        .and_then(|_: Principal, s: Arc<AppState>, v: Value| async move {
            let p = parse_profile(v)?;
            let data = serde_json::to_value(&p).unwrap_or(Value::Null);
            let stored = s
                .store
                .add_profile(&p.name, &data)
                .await
                .map_err(store_err)?;
            Ok::<_, Rejection>(reply(&profile_json(&stored), StatusCode::CREATED))
        });
    let put_profile = warp::path!("api" / "v3" / "qualityprofile" / i64)
        .and(warp::put())
        .and(auth())
        .and(body::json::<Value>(live_config()))
        .and_then(
            |id: i64, _: Principal, s: Arc<AppState>, v: Value| async move {
                let p = parse_profile(v)?;
                let stored = StoredProfile {
                    id,
                    name: p.name.clone(),
                    data: serde_json::to_value(&p).unwrap_or(Value::Null),
                };
                if !s.store.update_profile(&stored).await.map_err(store_err)? {
                    return Err(ApiError::not_found(format!("no quality profile {id}")).reject());
                }
                Ok(reply(&profile_json(&stored), StatusCode::ACCEPTED))
            },
        );
    let del_profile = warp::path!("api" / "v3" / "qualityprofile" / i64)
        .and(warp::delete())
        .and(auth())
        .and_then(|id: i64, _: Principal, s: Arc<AppState>| async move {
            match s.store.delete_profile(id).await {
                Ok(true) => Ok(reply(&json!({}), StatusCode::OK)),
                Ok(false) => Err(ApiError::not_found(format!("no quality profile {id}")).reject()),
                Err(crate::store::StoreError::Constraint(_)) => Err(ApiError::new(
                    StatusCode::CONFLICT,
                    "profile_in_use",
                    format!("quality profile {id} is used by movies; change them first"),
                )
                .reject()),
                Err(e) => Err(store_err(e)),
            }
        });

    let roots = warp::path!("api" / "v3" / "rootfolder")
        .and(warp::get())
        .and(auth())
        .and_then(|_: Principal, s: Arc<AppState>| async move {
            let all = s.store.root_folders().await.map_err(store_err)?;
            Ok::<_, Rejection>(reply(
                &json!(all
                    .iter()
                    .map(|r| root_json(r.id, &r.path))
                    .collect::<Vec<_>>()),
                StatusCode::OK,
            ))
        });
    let add_root = warp::path!("api" / "v3" / "rootfolder")
        .and(warp::post())
        .and(auth())
        .and(body::json::<RootBody>(live_config()))
        .and_then(|_: Principal, s: Arc<AppState>, b: RootBody| async move {
            let path = b.path.trim_end_matches('/').to_string();
            let p = std::path::Path::new(&path);
            if !p.is_absolute() || path.is_empty() {
                return Err(ApiError::bad_request(
                    "invalid_path",
                    format!("root folder must be an absolute path, got {:?}", b.path),
                )
                .reject());
            }
            if !p.is_dir() {
                return Err(ApiError::bad_request(
                    "folder_not_found",
                    format!("folder {path:?} does not exist or is not a directory"),
                )
                .reject());
            }
            let r = s.store.add_root_folder(&path).await.map_err(|e| match e {
                crate::store::StoreError::Constraint(_) => ApiError::bad_request(
                    "duplicate_root_folder",
                    format!("{path:?} is already a root folder"),
                )
                .reject(),
                e => store_err(e),
            })?;
            Ok(reply(&root_json(r.id, &r.path), StatusCode::CREATED))
        });
    let del_root = warp::path!("api" / "v3" / "rootfolder" / i64)
        .and(warp::delete())
        .and(auth())
        .and_then(|id: i64, _: Principal, s: Arc<AppState>| async move {
            if s.store.delete_root_folder(id).await.map_err(store_err)? {
                Ok(reply(&json!({}), StatusCode::OK))
            } else {
                Err(ApiError::not_found(format!("no root folder {id}")).reject())
            }
        });

    let tags = warp::path!("api" / "v3" / "tag")
        .and(warp::get())
        .and(auth())
        .and_then(|_: Principal, s: Arc<AppState>| async move {
            let all = s.store.tags().await.map_err(store_err)?;
            Ok::<_, Rejection>(reply(&json!(all), StatusCode::OK))
        });
    let add_tag = warp::path!("api" / "v3" / "tag")
        .and(warp::post())
        .and(auth())
        .and(body::json::<TagBody>(live_config()))
        .and_then(|_: Principal, s: Arc<AppState>, b: TagBody| async move {
            let label = b.label.trim().to_lowercase();
            if label.is_empty() || label.len() > 100 {
                return Err(ApiError::bad_request(
                    "invalid_label",
                    "label must be 1-100 characters",
                )
                .reject());
            }
            let t = s.store.add_tag(&label).await.map_err(store_err)?;
            Ok(reply(&json!(t), StatusCode::CREATED))
        });

    profiles
        .or(profile)
        .unify()
        .or(add_profile)
        .unify()
        .or(put_profile)
        .unify()
        .or(del_profile)
        .unify()
        .or(roots)
        .unify()
        .or(add_root)
        .unify()
        .or(del_root)
        .unify()
        .or(tags)
        .unify()
        .or(add_tag)
        .unify()
}
