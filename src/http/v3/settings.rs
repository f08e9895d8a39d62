//! Radarr's library settings: `qualityprofile` (GET, GET/{id}, GET schema, POST, PUT/{id}, DELETE/{id}),
//! `rootfolder` (GET, GET/{id}, POST, DELETE/{id}, with free space) and `tag` (GET, GET/{id},
//! POST, PUT/{id}, DELETE/{id}; a tag movies carry is not deleted, as in Radarr).

use crate::auth::Principal;
use crate::domain::movie::StoredProfile;
use crate::http::auth::require;
use crate::http::body;
use crate::http::with_state;
use crate::services::library::RootFolderView;
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

/// The stored profile as Radarr's resource (the row's id and name win over the JSON's).
fn profile_json(p: &StoredProfile) -> Value {
    let mut v = p.data.clone();
    if let Some(o) = v.as_object_mut() {
        o.insert("id".into(), json!(p.id));
        o.insert("name".into(), json!(p.name));
    }
    v
}

/// Radarr's `RootFolderResource`.
fn root_json(r: &RootFolderView) -> Value {
    json!({
        "id": r.id,
        "path": r.path,
        "accessible": r.free_space.is_some(),
        "freeSpace": r.free_space,
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
            let all = s.library.profiles().await?;
            Ok::<_, Rejection>(reply(
                &json!(all.iter().map(profile_json).collect::<Vec<_>>()),
                StatusCode::OK,
            ))
        });
    let profile_schema = warp::path!("api" / "v3" / "qualityprofile" / "schema")
        .and(warp::get())
        .and(auth())
        .and_then(|_: Principal, s: Arc<AppState>| async move {
            let v = s.library.profile_schema().await?;
            Ok::<_, Rejection>(reply(&v, StatusCode::OK))
        });
    let profile = warp::path!("api" / "v3" / "qualityprofile" / i64)
        .and(warp::get())
        .and(auth())
        .and_then(|id: i64, _: Principal, s: Arc<AppState>| async move {
            let p = s.library.profile(id).await?;
            Ok::<_, Rejection>(reply(&profile_json(&p), StatusCode::OK))
        });
    let add_profile = warp::path!("api" / "v3" / "qualityprofile")
        .and(warp::post())
        .and(auth())
        .and(body::json::<Value>(live_config()))
        .and_then(|_: Principal, s: Arc<AppState>, v: Value| async move {
            let stored = s.library.add_profile(v).await?;
            Ok::<_, Rejection>(reply(&profile_json(&stored), StatusCode::CREATED))
        });
    let put_profile = warp::path!("api" / "v3" / "qualityprofile" / i64)
        .and(warp::put())
        .and(auth())
        .and(body::json::<Value>(live_config()))
        .and_then(
            |id: i64, _: Principal, s: Arc<AppState>, v: Value| async move {
                let stored = s.library.update_profile(id, v).await?;
                Ok::<_, Rejection>(reply(&profile_json(&stored), StatusCode::ACCEPTED))
            },
        );
    let del_profile = warp::path!("api" / "v3" / "qualityprofile" / i64)
        .and(warp::delete())
        .and(auth())
        .and_then(|id: i64, _: Principal, s: Arc<AppState>| async move {
            s.library.delete_profile(id).await?;
            Ok::<_, Rejection>(reply(&json!({}), StatusCode::OK))
        });

    let roots = warp::path!("api" / "v3" / "rootfolder")
        .and(warp::get())
        .and(auth())
        .and_then(|_: Principal, s: Arc<AppState>| async move {
            let all = s.library.root_folders().await?;
            Ok::<_, Rejection>(reply(
                &json!(all.iter().map(root_json).collect::<Vec<_>>()),
                StatusCode::OK,
            ))
        });
    let add_root = warp::path!("api" / "v3" / "rootfolder")
        .and(warp::post())
        .and(auth())
        .and(body::json::<RootBody>(live_config()))
        .and_then(|_: Principal, s: Arc<AppState>, b: RootBody| async move {
            let r = s.library.add_root_folder(&b.path).await?;
            Ok::<_, Rejection>(reply(&root_json(&r), StatusCode::CREATED))
        });
    let root = warp::path!("api" / "v3" / "rootfolder" / i64)
        .and(warp::get())
        .and(auth())
        .and_then(|id: i64, _: Principal, s: Arc<AppState>| async move {
            let r = s.library.root_folder(id).await?;
            Ok::<_, Rejection>(reply(&root_json(&r), StatusCode::OK))
        });
    let del_root = warp::path!("api" / "v3" / "rootfolder" / i64)
        .and(warp::delete())
        .and(auth())
        .and_then(|id: i64, _: Principal, s: Arc<AppState>| async move {
            s.library.delete_root_folder(id).await?;
            Ok::<_, Rejection>(reply(&json!({}), StatusCode::OK))
        });

    let tags = warp::path!("api" / "v3" / "tag")
        .and(warp::get())
        .and(auth())
        .and_then(|_: Principal, s: Arc<AppState>| async move {
            let all = s.library.tags().await?;
            Ok::<_, Rejection>(reply(&json!(all), StatusCode::OK))
        });
    let add_tag = warp::path!("api" / "v3" / "tag")
        .and(warp::post())
        .and(auth())
        .and(body::json::<TagBody>(live_config()))
        .and_then(|_: Principal, s: Arc<AppState>, b: TagBody| async move {
            let t = s.library.add_tag(&b.label).await?;
            Ok::<_, Rejection>(reply(&json!(t), StatusCode::CREATED))
        });

    let tag = warp::path!("api" / "v3" / "tag" / i64)
        .and(warp::get())
        .and(auth())
        .and_then(|id: i64, _: Principal, s: Arc<AppState>| async move {
            let t = s.library.tag(id).await?;
            Ok::<_, Rejection>(reply(&json!(t), StatusCode::OK))
        });
    let put_tag = warp::path!("api" / "v3" / "tag" / i64)
        .and(warp::put())
        .and(auth())
        .and(body::json::<TagBody>(live_config()))
        .and_then(
            |id: i64, _: Principal, s: Arc<AppState>, b: TagBody| async move {
                let t = s.library.rename_tag(id, &b.label).await?;
                Ok::<_, Rejection>(reply(&json!(t), StatusCode::ACCEPTED))
            },
        );
    let del_tag = warp::path!("api" / "v3" / "tag" / i64)
        .and(warp::delete())
        .and(auth())
        .and_then(|id: i64, _: Principal, s: Arc<AppState>| async move {
            s.library.delete_tag(id).await?;
            Ok::<_, Rejection>(reply(&json!({}), StatusCode::OK))
        });

    profiles
        .or(profile_schema)
        .unify()
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
        .or(root)
        .unify()
        .or(add_root)
        .unify()
        .or(del_root)
        .unify()
        .or(tags)
        .unify()
        .or(add_tag)
        .unify()
        .or(tag)
        .unify()
        .or(put_tag)
        .unify()
        .or(del_tag)
        .unify()
}
