//! The shared state request handlers read: narrow handles to the services, the breakers, the live
//! config and the telemetry. It sits just below `http` and just above everything it holds; nothing
//! below it imports it back, so health, metrics and alerts depend only on the handles they use.
//! Built by `app::build`.

use crate::alerts::Alerts;
use crate::auth::AuthService;
use crate::breaker::Registry;
use crate::config::LiveConfig;
use crate::health::{Health, ProcessInfo};
use crate::metrics::HttpMetrics;
use crate::services::automation::Automation;
use crate::services::breaker_events::BreakerEvents;
use crate::services::library::LibraryService;
use crate::services::providers::Providers;
use crate::services::tracking::Tracker;
use crate::services::Services;
use crate::store::Store;
use std::sync::Arc;

/// Everything request handlers share. Built once, passed explicitly.
pub struct AppState {
    pub config: LiveConfig,
    /// The store behind the `database` breaker.
    pub store: Arc<dyn Store>,
    pub auth: AuthService,
    /// Every circuit breaker, by service name.
    pub breakers: Arc<Registry>,
    pub health: Arc<Health>,
    pub alerts: Arc<Alerts>,
    pub http_metrics: HttpMetrics,
    /// TMDB, indexers and qBittorrent, each behind its breaker.
    pub services: Services,
    /// The last known state of our torrents in qBittorrent.
    pub tracker: Arc<Tracker>,
    /// Search → grab → import, the commands that run it, and the scheduler.
    pub automation: Automation,
    /// Movies, profiles, root folders, tags and the views over them: what the HTTP layer uses
    /// instead of the store.
    pub library: LibraryService,
    /// Quality definitions, custom formats and the naming/media-management/host settings.
    pub formats: crate::services::formats::FormatsService,
    /// Indexers, download clients and TMDB's key, changed live through the API.
    pub providers: Providers,
    /// Circuit-breaker history (this run's ring merged with stored events).
    pub breaker_events: BreakerEvents,
    /// Start time and open connections.
    pub process: Arc<ProcessInfo>,
}

impl AppState {
    /// `healthy`, `degraded` or `unhealthy` for `/health` (from breaker states; no I/O).
    pub fn overall_status(&self) -> &'static str {
        crate::health::overall_status(&self.health)
    }

    /// The most recent log records, oldest first (the process-wide ring filled by logging).
    pub fn recent_logs(&self) -> Vec<crate::telemetry::recent::LogRecord> {
        crate::telemetry::recent::snapshot()
    }
}
