//! Start-up: builds the shared state from a loaded config (`build`) and runs the server on a
//! listener until a shutdown signal (`run(listener, state, shutdown)`, the testable entry point).
//! Imported only by `commands`; nothing else depends on it.

mod data_files;
mod idle;
mod memory;
pub mod resilience;
pub mod server;
pub mod wiring;

use crate::alerts::Alerts;
use crate::auth::AuthService;
use crate::breaker::SystemClock;
use crate::config::{LiveConfig, Loaded, Sources};
use crate::health::{Health, HealthState, ProcessInfo};
use crate::metrics::HttpMetrics;
use crate::state::AppState;
use crate::store::{self, GuardedStore, Store, StoreError};
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("database: {0}")]
    Store(#[from] StoreError),
    #[error("{0}")]
    Other(String),
}

/// Opens the store, creates the first admin if needed, and assembles the state. Returns the
/// generated admin password when one was created (the caller logs it once).
pub async fn build(
    loaded: Loaded,
    sources: Sources,
) -> Result<(Arc<AppState>, Option<String>), StartError> {
    let cfg = loaded.config;
    let url = cfg.database_url();
    let sqlite_file = url.strip_prefix("sqlite://").map(std::path::PathBuf::from);
    if let Some(db) = &sqlite_file {
        // Read here rather than layered: it is a one-off answer to one start-up refusal.
        let allow_new = std::env::var(data_files::ALLOW_NEW_ENV).is_ok_and(|v| v == "1");
        data_files::check_database(&cfg.data_dir, db, allow_new)?;
    }
    // PostgreSQL keeps a local copy of the library beside the journal: with it, a start while the
    // server is down serves the last known library read-only and recovers without a restart.
    let copy_file = sqlite_file
        .is_none()
        .then(|| cfg.data_dir.join(store::LIBRARY_COPY_FILE));
    let (raw, down) = store::open_deferred(
        &url,
        cfg.database.busy_timeout_ms,
        cfg.database.read_pool_size,
    )
    .await
    .map_err(|e| match &sqlite_file {
        // Name the file: "file is not a database" alone does not say which one.
        Some(db) => StartError::Other(format!("database {}: {e}", db.display())),
        None => StartError::Store(e),
    })?;
    let breakers = resilience::build_registry(&cfg, Arc::new(SystemClock::new()));
    let db_breaker = breakers
        .get("database")
        .ok_or_else(|| StartError::Other("no database breaker".into()))?;
    let guarded = Arc::new(GuardedStore::new(raw, db_breaker));
    if let Some(copy) = &copy_file {
        let loaded = guarded.load_local_copy(copy);
        if let Some(e) = down {
            if !loaded {
                return Err(StartError::Other(format!(
                    "database: {e}; no local copy of the library ({}) to start read-only from",
                    copy.display()
                )));
            }
            tracing::warn!(error = %e, file = %copy.display(),
                "PostgreSQL is unavailable: starting read-only from the local copy of the library; writes wait for the database");
        }
        guarded.spawn_copy_keeper(copy.clone());
    }
    let store: Arc<dyn Store> = guarded;
    seed_profiles(store.as_ref()).await?;
    // Warm the read-only fallback so a database outage right after start can still serve reads.
    store.reload_movies().await?;
    store.root_folders().await?;
    store.tags().await?;
    let config = LiveConfig::new(cfg.clone(), sources);
    let http = crate::clients::http::shared_client();
    let notifier = crate::services::notify::Notifier::start(
        crate::clients::webhook::WebhookClient::new(http.clone()),
    );
    let alerts = Alerts::start(config.clone(), notifier.clone(), breakers.clock().clone());
    let a2 = alerts.clone();
    breakers.add_listener(Arc::new(move |ev| a2.on_event(ev)));
    let figures = resilience::figures(&breakers, &cfg.data_dir);
    crate::services::breaker_events::persist_events(&breakers, store.clone());
    let journal_file = cfg.data_dir.join(wiring::JOURNAL_FILE);
    data_files::check_journal(&cfg.data_dir, &journal_file);
    let services = wiring::build(&cfg, &breakers, &http).await?;
    let providers =
        crate::services::providers::Providers::start(crate::services::providers::Parts {
            store: store.clone(),
            config: config.clone(),
            registry: breakers.clone(),
            factory: crate::clients::factory::ClientFactory::new(http.clone()),
            search: services.search.clone(),
            downloads: services.downloads.clone(),
            tmdb: services.tmdb.clone(),
            notifier: notifier.clone(),
        })
        .await
        .map_err(|e| StartError::Other(format!("loading indexers and download clients: {e}")))?;
    let mut held = vec![journal_file.as_path()];
    held.extend(sqlite_file.as_deref());
    data_files::remember(&cfg.data_dir, &held);
    let auth = AuthService::new(store.clone(), config.clone());
    let generated = match auth.ensure_admin(&cfg.data_dir).await {
        Ok(g) => g,
        // Started read-only: the admin exists in the database that is down; nothing to create.
        Err(crate::auth::AuthError::Store(e)) if e.is_outage() && store.has_read_fallback() => {
            tracing::warn!(error = %e, "database unavailable: the admin user is not checked");
            None
        }
        Err(e) => return Err(StartError::Other(format!("creating the admin user: {e}"))),
    };
    let tracker = Arc::new(crate::services::tracking::Tracker::with_history(
        store.clone(),
    ));
    let automation = crate::services::automation::Automation::new(
        store.clone(),
        services.metadata.clone(),
        services.search.clone(),
        services.downloads.clone(),
        tracker.clone(),
        config.clone(),
        notifier.clone(),
        crate::services::chains::Chains::new(breakers.clone(), services.search.clone()),
    );
    let library = crate::services::library::LibraryService::new(
        store.clone(),
        services.metadata.clone(),
        services.downloads.clone(),
        tracker.clone(),
        automation.clone(),
        config.clone(),
        notifier,
    );
    let formats = crate::services::formats::FormatsService::new(store.clone(), config.clone());
    let breaker_events =
        crate::services::breaker_events::BreakerEvents::new(breakers.clone(), store.clone());
    let process = Arc::new(ProcessInfo::now());
    let health = Arc::new(Health {
        config: config.clone(),
        breakers: breakers.clone(),
        store: store.clone(),
        downloads: services.downloads.clone(),
        tmdb: services.tmdb.clone(),
        search: services.search.clone(),
        process: process.clone(),
        figures,
        state: HealthState::default(),
    });
    let state = Arc::new(AppState {
        config,
        store,
        auth,
        breakers,
        health,
        alerts,
        http_metrics: HttpMetrics::default(),
        services,
        tracker,
        automation,
        library,
        formats,
        providers,
        breaker_events,
        process,
    });
    Ok((state, generated))
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
    let trimmer = memory::spawn_trimmer(state.clone());
    let prober = crate::health::prober::spawn(state.health.clone(), state.alerts.clone());
    let tracking = state
        .tracker
        .spawn(state.services.downloads.clone(), Duration::from_secs(5));
    let scheduler = state.automation.spawn_scheduler();
    let figures =
        resilience::spawn_figures_keeper(state.health.figures.clone(), state.breakers.clone());
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
    let cfg = state.config.get();
    let file_limit = server::raise_file_limit();
    let limits = server::Limits {
        header_read_timeout: Duration::from_secs(cfg.server.header_read_timeout_seconds.max(1)),
        max_connections: server::connection_cap(cfg.server.max_connections, file_limit),
    };
    if limits.max_connections < cfg.server.max_connections {
        tracing::warn!(
            file_limit,
            cap = limits.max_connections,
            "server.max_connections lowered to fit the open-file limit"
        );
    }
    let server = server::serve(
        listener,
        crate::http::routes(state.clone()),
        state.process.connections.clone(),
        limits,
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
    trimmer.abort();
    prober.abort();
    scheduler.abort();
    tracking.abort();
    figures.abort();
    resilience::save_figures(state.health.figures.clone(), &state.breakers).await;
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
