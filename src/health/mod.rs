//! Service health: per-service status from breakers, credentials and probes; the overall
//! status; and the cached `/health/detailed` report in the seed's shape.

pub mod prober;
pub mod system;

use crate::breaker::{BreakerSnapshot, BreakerState, Registry};
use crate::clients::tmdb::TmdbClient;
use crate::config::LiveConfig;
use crate::services::downloads::Downloads;
use crate::services::search::SearchService;
use crate::store::Store;
use chrono::{DateTime, SecondsFormat, Utc};
use parking_lot::Mutex;
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

pub use system::ProcessInfo;

/// The four built-in services, in the order the APIs list them.
pub const CORE_SERVICES: [&str; 4] = ["tmdb", "hdbits", "qbittorrent", "database"];

/// The handles health needs, and nothing more: it reads breakers, config, the store's pool and
/// fallback, the retry journal's depth, and probes TMDB, qBittorrent and Torznab. Built once at
/// start; request handlers and the prober share it.
pub struct Health {
    pub config: LiveConfig,
    pub breakers: Arc<Registry>,
    pub store: Arc<dyn Store>,
    pub downloads: Downloads,
    pub tmdb: TmdbClient,
    /// The indexers in use (the Torznab caps probe, and which indexers are configured).
    pub search: SearchService,
    pub process: Arc<ProcessInfo>,
    /// Recovery times and availability per service (the seed's figures, kept across restarts).
    pub figures: Arc<crate::breaker::Figures>,
    pub state: HealthState,
}

impl Health {
    /// The breaker chains over the live breakers and indexers (see `services::chains`).
    pub fn chains(&self) -> crate::services::chains::Chains {
        crate::services::chains::Chains::new(self.breakers.clone(), self.search.clone())
    }

    /// Forgets the cached detailed report (after a manual breaker change, so the UI sees it at once).
    pub fn invalidate(&self) {
        self.state.invalidate();
    }
}

/// The last probe of one service.
#[derive(Debug, Clone)]
pub struct ProbeResult {
    pub at: DateTime<Utc>,
    pub response_time_ms: f64,
    pub error: Option<String>,
}

/// Health bookkeeping kept in the application state.
#[derive(Default)]
pub struct HealthState {
    pub probes: Mutex<HashMap<String, ProbeResult>>,
    pub system: system::SystemStats,
    cache: Mutex<Option<(Instant, Value)>>,
}

impl HealthState {
    /// Forgets the cached detailed report (after a manual breaker change, so the UI sees it at once).
    pub fn invalidate(&self) {
        *self.cache.lock() = None;
    }
}

/// Whether the user has given this service what it needs to be used at all: live, so a key,
/// indexer or download client added through the API counts at once.
pub fn is_configured(state: &Health, service: &str) -> bool {
    match service {
        "tmdb" | crate::config::TMDB_ALT => state.tmdb.is_configured(),
        "qbittorrent" => state.downloads.is_configured(),
        // A failover endpoint (issue 17): its client is in use, so set up.
        n if n.starts_with("qbittorrent:") => state.downloads.is_configured_for(n),
        // TMDB's public image host needs no credentials.
        "database" | "images" => true,
        other => state.search.by_service(other).is_some(),
    }
}

/// The three breaker states of the seed's shape (forced states fold into open/closed).
pub fn seed_state(s: BreakerState) -> &'static str {
    match s {
        BreakerState::Closed | BreakerState::Disabled => "closed",
        BreakerState::Open | BreakerState::ForcedOpen => "open",
        BreakerState::HalfOpen => "half_open",
    }
}

/// `unconfigured`, `misconfigured`, `unhealthy` (open), `degraded` (half-open) or `healthy`.
pub fn service_status(state: &Health, snap: &BreakerSnapshot) -> &'static str {
    if snap.state.is_open() {
        "unhealthy"
    } else if !is_configured(state, &snap.service) {
        "unconfigured"
    } else if snap.misconfigured {
        "misconfigured"
    } else if snap.state == BreakerState::HalfOpen {
        "degraded"
    } else {
        "healthy"
    }
}

/// `healthy` when every breaker is closed; `degraded` when any is open or half-open (or a
/// configured service is misconfigured, or the database is down but reads come from the
/// snapshot); `unhealthy` when the database is down and no read fallback can serve.
pub fn overall_status(state: &Health) -> &'static str {
    let mut degraded = false;
    for b in state.breakers.all() {
        let s = b.state();
        if b.name() == "database" && s.is_open() && !state.store.has_read_fallback() {
            return "unhealthy";
        }
        let closed = matches!(s, BreakerState::Closed | BreakerState::Disabled);
        // A snapshot is only needed to see "misconfigured" on an otherwise closed breaker.
        if !closed || (is_configured(state, b.name()) && b.snapshot().misconfigured) {
            degraded = true;
        }
    }
    if degraded {
        "degraded"
    } else {
        "healthy"
    }
}

fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn service_report(
    state: &Health,
    snap: &BreakerSnapshot,
    probe: Option<&ProbeResult>,
) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("status".into(), json!(service_status(state, snap)));
    m.insert("circuit_breaker".into(), json!(seed_state(snap.state)));
    m.insert("circuit_breaker_state".into(), json!(snap.state.as_str()));
    m.insert("last_check".into(), json!(probe.map(|p| rfc3339(p.at))));
    m.insert("failure_count".into(), json!(snap.failure_count));
    let rt = probe
        .map(|p| p.response_time_ms)
        .unwrap_or(snap.avg_response_time_ms);
    m.insert("response_time_ms".into(), json!((rt * 10.0).round() / 10.0));
    m.insert("failure_rate".into(), json!(snap.failure_rate));
    m.insert("opened_at".into(), json!(snap.opened_at.map(rfc3339)));
    m.insert(
        "next_attempt_at".into(),
        json!(snap.next_attempt_at.map(rfc3339)),
    );
    if let Some(p) = probe.and_then(|p| p.error.clone()) {
        m.insert("last_error".into(), json!(p));
    }
    if snap.misconfigured {
        m.insert("message".into(), json!(snap.misconfigured_reason));
    }
    m
}

/// The qBittorrent retry journal's figures for health and metrics.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RetryQueue {
    /// Operations waiting or being sent.
    pub depth: u64,
    /// Dead-lettered operations.
    pub dead: u64,
    /// Re-sends of grabs qBittorrent forgot, over the operations the journal keeps.
    pub resent: u64,
    /// Re-sends since this process started (the Prometheus counter).
    pub resent_since_start: u64,
}

/// The retry journal's figures; zeros where it is unreadable.
pub async fn retry_queue(state: &Health) -> RetryQueue {
    let j = state.downloads.journal();
    RetryQueue {
        depth: j.depth().await.unwrap_or(0),
        dead: j.dead_count().await.unwrap_or(0),
        resent: j.resent_total().await.unwrap_or(0),
        resent_since_start: state.downloads.resent_total(),
    }
}

/// The `/health/detailed` document, recomputed at most every `DETAILED_HEALTH_CACHE_SECONDS`.
pub async fn detailed(state: &Health) -> Value {
    let cfg = state.config.get();
    let ttl = Duration::from_secs(cfg.health.detailed_cache_seconds);
    if let Some((at, v)) = state.state.cache.lock().as_ref() {
        if at.elapsed() < ttl {
            return v.clone();
        }
    }
    let queue = retry_queue(state).await;
    let probes = state.state.probes.lock().clone();
    let mut services = Map::new();
    let mut torznab = Map::new();
    // Failover qBittorrent endpoints after the primary, by client name (issue 17).
    let mut endpoints = Map::new();
    // TMDB's alternative base URL (`tmdb:alt`), when configured.
    let mut tmdb_alt = None;
    let holds = state.chains().all();
    for b in state.breakers.all() {
        let snap = b.snapshot();
        let mut report = service_report(state, &snap, probes.get(b.name()));
        let fig = state.figures.service(b.name());
        report.insert("availability".into(), json!(fig.availability));
        report.insert("recovery".into(), json!(fig.recovery));
        let holding = crate::services::chains::Chains::holding(&holds, b.name());
        if !holding.is_empty() {
            report.insert("holding".into(), json!(holding));
        }
        if b.name() == "database" {
            let pool = state.store.pool_status();
            report.insert("connection_pool_active".into(), json!(pool.active));
            report.insert("connection_pool_idle".into(), json!(pool.idle));
        }
        if b.name() == crate::config::TMDB_ALT {
            tmdb_alt = Some(Value::Object(report));
            continue;
        }
        if let Some(n) = b.name().strip_prefix("qbittorrent:") {
            endpoints.insert(n.to_string(), Value::Object(report));
            continue;
        }
        match b.name().strip_prefix("torznab:") {
            Some(n) => {
                torznab.insert(n.to_string(), Value::Object(report));
            }
            None if CORE_SERVICES.contains(&b.name()) => {
                services.insert(b.name().to_string(), Value::Object(report));
            }
            None => {}
        }
    }
    let v = json!({
        "status": overall_status(state),
        "timestamp": rfc3339(Utc::now()),
        "services": services,
        "torznab": torznab,
        "qbittorrent_endpoints": endpoints,
        "tmdb_alt": tmdb_alt,
        "holds": holds,
        "retry_queue_depth": queue.depth,
        "retry_queue_dead_letters": queue.dead,
        "retry_queue_resent": queue.resent,
        "system": {
            "memory_usage_mb": (system::rss_bytes() as f64 / 1_048_576.0 * 10.0).round() / 10.0,
            "cpu_usage_percent": state.state.system.cpu_percent(),
            "uptime_seconds": state.process.started.elapsed().as_secs(),
            "active_connections": state.process.connections.load(Ordering::Relaxed),
        },
    });
    *state.state.cache.lock() = Some((Instant::now(), v.clone()));
    v
}
