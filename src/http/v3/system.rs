//! `GET /api/v3/system/status` with Radarr's fields, so clients that check the version and
//! authentication mode (Overseerr, Homepage, pyarr) accept reelarr.

use crate::auth::Principal;
use crate::http::auth::require;
use crate::http::with_state;
use crate::state::AppState;
use serde_json::json;
use std::sync::Arc;
use warp::{Filter, Rejection, Reply};

pub fn routes(
    state: Arc<AppState>,
) -> impl Filter<Extract = (warp::reply::Response,), Error = Rejection> + Clone {
    warp::path!("api" / "v3" / "system" / "status")
        .and(warp::get())
        .and(require(state.clone()))
        .and(with_state(state))
        .then(|_: Principal, s: Arc<AppState>| async move {
            let cfg = s.config.get();
            let migration = s.library.schema_version().await.unwrap_or(0);
            let db = if cfg.database_url().starts_with("postgres") { "postgreSQL" } else { "sqLite" };
            warp::reply::json(&json!({
                "appName": "Radarr",
                "instanceName": "reelarr",
                "version": env!("CARGO_PKG_VERSION"),
                "buildTime": s.process.start_time.to_rfc3339(),
                "isDebug": cfg!(debug_assertions),
                "isProduction": !cfg!(debug_assertions),
                "isAdmin": false,
                "isUserInteractive": false,
                "startupPath": std::env::current_exe().ok().and_then(|p| p.parent().map(|d| d.display().to_string())).unwrap_or_default(),
                "appData": cfg.data_dir.display().to_string(),
                "osName": "linux",
                "osVersion": "",
                "isNetCore": false,
                "isLinux": true,
                "isOsx": false,
                "isWindows": false,
                "isDocker": std::path::Path::new("/.dockerenv").exists(),
                "mode": "console",
                "branch": "main",
                "databaseType": db,
                "databaseVersion": "",
                "authentication": "forms",
                "migrationVersion": migration,
                "urlBase": cfg.server.url_base,
                "runtimeVersion": "",
                "runtimeName": "reelarr",
                "startTime": s.process.start_time.to_rfc3339(),
                "packageVersion": env!("CARGO_PKG_VERSION"),
                "packageAuthor": "reelarr",
                "packageUpdateMechanism": "external",
            }))
            .into_response()
        })
}
