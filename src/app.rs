//! Wiring: builds the shared state from a loaded config and runs the server on a listener until a
//! shutdown signal. `run(listener, state, shutdown)` is the testable entry point.

use crate::alerts::Alerts;
use crate::auth::AuthService;
use crate::breaker::{Registry, SystemClock};
use crate::config::{LiveConfig, Loaded, Sources};
use crate::health::HealthState;
use crate::metrics::HttpMetrics;
use crate::store::{self, GuardedStore, Store, StoreError};
use std::future::Future;
use std::sync::atomic::AtomicUsize;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Everything request handlers and background tasks share. Built once, passed explicitly.
pub struct AppState {
    pub config: LiveConfig,
    /// The store behind the `database` breaker.
    pub store: Arc<dyn Store>,
    pub auth: AuthService,
    /// Every circuit breaker, by service name.
    pub breakers: Arc<Registry>,
    pub health: HealthState,
    pub alerts: Arc<Alerts>,
    pub http_metrics: HttpMetrics,
    /// The one outgoing HTTP client (connection pool shared by every service client).
    pub http: reqwest::Client,
    /// TMDB, indexers and qBittorrent, each behind its breaker.
    pub services: crate::wiring::Services,
    /// The last known state of our torrents in qBittorrent.
    pub tracker: Arc<crate::services::tracking::Tracker>,
    /// Search → grab → import, the commands that run it, and the scheduler.
    pub automation: crate::services::automation::Automation,
    /// Movies, profiles, root folders, tags and the views over them: what the HTTP layer uses
    /// instead of the store.
    pub library: crate::services::library::LibraryService,
    /// Circuit-breaker history (this run's ring merged with stored events).
    pub breaker_events: crate::services::breaker_events::BreakerEvents,
    pub started: Instant,
    pub start_time: chrono::DateTime<chrono::Utc>,
    /// Open HTTP connections, maintained by the server.
    pub connections: Arc<AtomicUsize>,
}

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("database: {0}")]
    Store(#[from] StoreError),
    #[error("{0}")]
    Other(String),
}

impl AppState {
    /// Opens the store, creates the first admin if needed, and assembles the state. Returns the
    /// generated admin password when one was created (the caller logs it once).
    pub async fn build(
        loaded: Loaded,
        sources: Sources,
    ) -> Result<(Arc<Self>, Option<String>), StartError> {
        let cfg = loaded.config;
        let raw = store::open(
            &cfg.database_url(),
            cfg.database.busy_timeout_ms,
            cfg.database.read_pool_size,
        )
        .await?;
        let breakers = crate::resilience::build_registry(&cfg, Arc::new(SystemClock::new()));
        let db_breaker = breakers
            .get("database")
            .ok_or_else(|| StartError::Other("no database breaker".into()))?;
        let store: Arc<dyn Store> = Arc::new(GuardedStore::new(raw, db_breaker));
        seed_profiles(store.as_ref()).await?;
        // Warm the read-only fallback so a database outage right after start can still serve reads.
        store.movies().await?;
        store.root_folders().await?;
        store.tags().await?;
        let config = LiveConfig::new(cfg.clone(), sources);
        crate::resilience::follow_config(&config, breakers.clone());
        let http = crate::clients::http::shared_client();
        let alerts = Alerts::start(config.clone(), http.clone(), breakers.clock().clone());
        let a2 = alerts.clone();
        breakers.add_listener(Arc::new(move |ev| a2.on_event(ev)));
        crate::services::breaker_events::persist_events(&breakers, store.clone());
        let services = crate::wiring::build(&cfg, &breakers, &http).await?;
        let auth = AuthService::new(store.clone(), config.clone());
        let generated = auth
            .ensure_admin(&cfg.data_dir)
            .await
            .map_err(|e| StartError::Other(format!("creating the admin user: {e}")))?;
        let tracker: Arc<crate::services::tracking::Tracker> = Arc::default();
        let automation = crate::services::automation::Automation::new(
            store.clone(),
            services.metadata.clone(),
            services.search.clone(),
            services.downloads.clone(),
            tracker.clone(),
            config.clone(),
        );
        let library = crate::services::library::LibraryService::new(
            store.clone(),
            services.metadata.clone(),
            services.downloads.clone(),
            tracker.clone(),
            automation.clone(),
            config.clone(),
        );
        let breaker_events =
            crate::services::breaker_events::BreakerEvents::new(breakers.clone(), store.clone());
        let state = Arc::new(AppState {
            config,
            store,
            auth,
            breakers,
            health: HealthState::default(),
            alerts,
            http_metrics: HttpMetrics::default(),
            http,
            services,
            tracker,
            automation,
            library,
            breaker_events,
            started: Instant::now(),
            start_time: chrono::Utc::now(),
            connections: Arc::new(AtomicUsize::new(0)),
        });
        Ok((state, generated))
    }

    /// `healthy`, `degraded` or `unhealthy` for `/health` (from breaker states; no I/O).
    pub fn overall_status(&self) -> &'static str {
        crate::health::overall_status(self)
    }
}

/// A fresh library gets Radarr's default quality profiles ("Any", "SD", "HD-720p", ...).
async fn seed_profiles(store: &dyn Store) -> Result<(), StartError> {
    if !store.profiles().await?.is_empty() {
        return Ok(());
    }
    for p in crate::domain::profile::QualityProfile::defaults() {
        let data = serde_json::to_value(&p).map_err(|e| StartError::Other(e.to_string()))?;
        store.add_profile(&p.name, &data).await?;
    }
    Ok(())
}

/// Serves until `shutdown` resolves, then waits (bounded by `server.shutdown_grace_seconds`) for
/// requests in flight, and stops the background tasks.
pub async fn run(
    listener: std::net::TcpListener,
    state: Arc<AppState>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), StartError> {
    let reloader = crate::config::spawn_reloader(state.config.clone());
    let purge = spawn_session_purge(state.clone());
    let prober = crate::health::prober::spawn(state.clone());
    let tracking = (!state.config.get().qbittorrent.username.is_empty()).then(|| {
        state
            .tracker
            .spawn(state.services.downloads.clone(), Duration::from_secs(5))
    });
    let scheduler = state.automation.spawn_scheduler();
    let (stop_replayer, replayer_stopped) = tokio::sync::oneshot::channel::<()>();
    let replayer = state.services.downloads.spawn_replayer(async move {
        let _ = replayer_stopped.await;
    });
    let grace = Duration::from_secs(state.config.get().server.shutdown_grace_seconds);
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let shutdown = async move {
        shutdown.await;
        tracing::info!("shutting down: finishing requests in flight");
        let _ = tx.send(());
    };
    let server = crate::server::serve(
        listener,
        crate::http::routes(state.clone()),
        state.connections.clone(),
        shutdown,
    );
    tokio::pin!(server);
    let result = tokio::select! {
        r = &mut server => r,
        _ = async { let _ = rx.await; tokio::time::sleep(grace).await } => {
            tracing::warn!("requests still running after {} s; stopping anyway", grace.as_secs());
            Ok(())
        }
    };
    reloader.abort();
    purge.abort();
    prober.abort();
    scheduler.abort();
    if let Some(t) = tracking {
        t.abort();
    }
    let _ = stop_replayer.send(());
    let _ = replayer.await;
    result.map_err(|e| StartError::Other(format!("HTTP server: {e}")))
}

/// Deletes expired sessions and week-old finished commands hourly so neither table grows
/// without bound.
fn spawn_session_purge(state: Arc<AppState>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(3600));
        loop {
            tick.tick().await;
            if let Err(e) = state.store.purge_expired_sessions(chrono::Utc::now()).await {
                tracing::warn!(error = %e, "could not purge expired sessions");
            }
            // Finished commands are kept a week (scheduled tasks add one a minute).
            let week = chrono::Utc::now() - chrono::Duration::days(7);
            if let Err(e) = state.store.purge_commands(week).await {
                tracing::warn!(error = %e, "could not purge old commands");
            }
        }
    })
}
