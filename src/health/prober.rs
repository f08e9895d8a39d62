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
            tokio::time::sleep(next_sleep(&state, Duration::from_secs(secs))).await;
        }
    })
}

/// The shortest pause between two rounds, so a breaker whose trial is due is not re-probed in a
/// tight loop when its trial permit was taken by a user call.
const MIN_SLEEP: Duration = Duration::from_secs(1);

/// The pause before the next round: the configured interval, or less when an open breaker's
/// trial falls due sooner — so a short recovery timeout (an adaptive one learned from brief
/// outages, say) gets its half-open trial on time without user traffic.
fn next_sleep(state: &Health, interval: Duration) -> Duration {
    let now = state.breakers.clock().wall();
    let names = probed(state);
    let due = names
        .iter()
        .filter_map(|n| state.breakers.get(n))
        .filter_map(|b| b.snapshot().next_attempt_at);
    sleep_until_due(due, now, interval)
}

/// [`next_sleep`]'s rule: the time until the earliest `due`, 100 ms after it so the breaker
/// admits, within [`MIN_SLEEP`] and `interval`.
fn sleep_until_due(
    due: impl Iterator<Item = chrono::DateTime<chrono::Utc>>,
    now: chrono::DateTime<chrono::Utc>,
    interval: Duration,
) -> Duration {
    due.map(|at| (at - now).to_std().unwrap_or_default() + Duration::from_millis(100))
        .min()
        .map_or(interval, |d| d.min(interval))
        .max(MIN_SLEEP.min(interval))
}

/// The services the prober calls.
fn probed(state: &Health) -> Vec<String> {
    state
        .breakers
        .all()
        .iter()
        .map(|b| b.name().to_string())
        // The image host is not probed either: posters are optional, and a poster request is
        // its own trial call once the recovery timeout has passed.
        .filter(|n| n != "hdbits" && n != "images" && is_configured(state, n))
        .collect()
}

/// Probes every configured service concurrently.
pub async fn probe_all(state: &Arc<Health>) {
    let names = probed(state);
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

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    #[test]
    fn an_open_breakers_trial_shortens_the_pause_within_bounds() {
        let now = Utc.with_ymd_and_hms(2026, 12, 7, 12, 0, 0).unwrap();
        let interval = Duration::from_secs(30);
        let at = |s: i64| now + chrono::Duration::seconds(s);
        // Nothing open: the configured interval.
        assert_eq!(sleep_until_due(std::iter::empty(), now, interval), interval);
        // A trial due in 4 s (the earliest of two): just after it.
        let d = sleep_until_due([at(10), at(4)].into_iter(), now, interval);
        assert_eq!(d, Duration::from_millis(4_100));
        // Due later than the interval: the interval.
        assert_eq!(
            sleep_until_due([at(90)].into_iter(), now, interval),
            interval
        );
        // Already due (its permit taken by a user call): never a tight loop.
        assert_eq!(
            sleep_until_due([at(-5)].into_iter(), now, interval),
            MIN_SLEEP
        );
        // An interval below the floor stays the interval.
        let short = Duration::from_millis(500);
        assert_eq!(sleep_until_due([at(-5)].into_iter(), now, short), short);
    }
}
