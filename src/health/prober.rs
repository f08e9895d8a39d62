//! The background prober: every `HEALTH_CHECK_INTERVAL_SECONDS` a light call per configured
//! service, through its breaker, so `last_check`/`response_time_ms` stay fresh and an open
//! breaker gets its half-open trial without user traffic. HDBits is never probed (its quota is
//! about 150 requests per hour); it recovers on real searches.

use super::{is_configured, ProbeResult};
use crate::app::AppState;
use crate::breaker::CallError;
use crate::clients::http::HttpError;
use crate::clients::probe::get_ok;
use crate::config::Config;
use crate::store::StoreError;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Starts the loop; it runs until the runtime stops.
pub fn spawn(state: Arc<AppState>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            probe_all(&state).await;
            crate::alerts::evaluate(&state);
            let secs = state.config.get().health.check_interval_seconds.max(1);
            tokio::time::sleep(Duration::from_secs(secs)).await;
        }
    })
}

/// Probes every configured service concurrently.
pub async fn probe_all(state: &Arc<AppState>) {
    let cfg = state.config.get();
    let names: Vec<String> = state
        .breakers
        .all()
        .iter()
        .map(|b| b.name().to_string())
        .filter(|n| n != "hdbits" && is_configured(&cfg, n))
        .collect();
    let probes = names.into_iter().map(|name| {
        let state = state.clone();
        let cfg = cfg.clone();
        async move {
            if let Some(result) = probe_one(&state, &cfg, &name).await {
                state.health.probes.lock().insert(name, result);
            }
        }
    });
    futures_util::future::join_all(probes).await;
}

/// One probe; `None` when the breaker refused it (nothing was checked).
async fn probe_one(state: &AppState, cfg: &Config, name: &str) -> Option<ProbeResult> {
    let started = Instant::now();
    let error = if name == "database" {
        match state.store.ping().await {
            Ok(()) => None,
            Err(StoreError::Unavailable { .. }) => return None,
            Err(e) => Some(e.to_string()),
        }
    } else {
        let (url, forbidden_is_up) = probe_target(cfg, name)?;
        let breaker = state.breakers.get(name)?;
        let client = &state.http;
        match breaker
            .call(get_ok(client, name, &url, None, forbidden_is_up))
            .await
        {
            Ok(()) => None,
            Err(CallError::Open(_)) => return None,
            Err(CallError::Timeout) => Some(format!("{name}: no answer within the call timeout")),
            Err(CallError::Inner(e)) => Some(describe(&e)),
        }
    };
    Some(ProbeResult {
        at: chrono::Utc::now(),
        response_time_ms: started.elapsed().as_secs_f64() * 1000.0,
        error,
    })
}

fn describe(e: &HttpError) -> String {
    e.to_string()
}

/// The URL a probe GETs, and whether a 403 still proves the service is up.
fn probe_target(cfg: &Config, name: &str) -> Option<(String, bool)> {
    match name {
        "tmdb" => Some((
            format!(
                "{}/configuration?api_key={}",
                cfg.tmdb.api_url.trim_end_matches('/'),
                cfg.tmdb.api_key.expose()
            ),
            false,
        )),
        "qbittorrent" => Some((
            format!(
                "{}/api/v2/app/version",
                cfg.qbittorrent.url.trim_end_matches('/')
            ),
            true,
        )),
        other => {
            let n = other.strip_prefix("torznab:")?;
            let ix = cfg.indexers.torznab.iter().find(|i| i.name == n)?;
            Some((
                format!(
                    "{}/api?t=caps&apikey={}",
                    ix.url.trim_end_matches('/'),
                    ix.api_key.expose()
                ),
                false,
            ))
        }
    }
}
