//! The background prober: every `HEALTH_CHECK_INTERVAL_SECONDS` a light call per configured
//! service, through its breaker, so `last_check`/`response_time_ms` stay fresh and an open
//! breaker gets its half-open trial without user traffic. HDBits is never probed (its quota is
//! about 150 requests per hour); it recovers on real searches.

use super::Health;
use super::{is_configured, ProbeResult};
use crate::alerts::Alerts;
use crate::breaker::CallError;
use crate::clients::http::HttpError;
use crate::store::StoreError;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Starts the loop; it runs until the runtime stops.
pub fn spawn(state: Arc<Health>, alerts: Arc<Alerts>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            probe_all(&state).await;
            alerts.evaluate(&state.breakers);
            let secs = state.config.get().health.check_interval_seconds.max(1);
            tokio::time::sleep(Duration::from_secs(secs)).await;
        }
    })
}

/// Probes every configured service concurrently.
pub async fn probe_all(state: &Arc<Health>) {
    let names: Vec<String> = state
        .breakers
        .all()
        .iter()
        .map(|b| b.name().to_string())
        // The image host is not probed either: posters are optional, and a poster request is
        // its own trial call once the recovery timeout has passed.
        .filter(|n| n != "hdbits" && n != "images" && is_configured(state, n))
        .collect();
    let probes = names.into_iter().map(|name| {
        let state = state.clone();
        async move {
            if let Some(result) = probe_one(&state, &name).await {
                state.state.probes.lock().insert(name, result);
            }
        }
    });
    futures_util::future::join_all(probes).await;
}

/// One probe; `None` when the breaker refused it (nothing was checked).
async fn probe_one(state: &Health, name: &str) -> Option<ProbeResult> {
    let started = Instant::now();
    let error = if name == "database" {
        match state.store.ping().await {
            Ok(()) => None,
            Err(StoreError::Unavailable { .. }) => return None,
            Err(e) => Some(e.to_string()),
        }
    } else {
        let breaker = state.breakers.get(name)?;
        let call = async {
            match name {
                "tmdb" => state.tmdb.configuration().await,
                // TMDB's alternative base URL, with the same key.
                crate::config::TMDB_ALT => {
                    let base = state.config.get().tmdb.fallback_base_url.clone();
                    state.tmdb.at(&base).configuration().await
                }
                // Logs in (with its own back-off), so a wrong password shows as misconfigured.
                "qbittorrent" => state.downloads.client().version().await.map(|_| ()),
                // A failover endpoint: the client behind that breaker.
                n if n.starts_with("qbittorrent:") => match state.downloads.client_for(n) {
                    Some(c) => c.version().await.map(|_| ()),
                    None => Err(HttpError::Transport {
                        service: name.to_string(),
                        detail: "not configured".into(),
                    }),
                },
                // The light Torznab probe: `t=caps` of the indexer in use.
                _ => match state.search.torznab_client_for(name) {
                    Some(c) => c.probe().await,
                    None => Err(HttpError::Transport {
                        service: name.to_string(),
                        detail: "not configured".into(),
                    }),
                },
            }
        };
        match breaker.call(call).await {
            Ok(()) => None,
            Err(CallError::Open(_)) => return None,
            Err(CallError::Timeout) => Some(format!("{name}: no answer within the call timeout")),
            Err(CallError::Inner(e)) => Some(e.to_string()),
        }
    };
    Some(ProbeResult {
        at: chrono::Utc::now(),
        response_time_ms: started.elapsed().as_secs_f64() * 1000.0,
        error,
    })
}
