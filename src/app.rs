//! Wiring: builds the shared state from a loaded config and runs the server on a listener until a
//! shutdown signal. `run(listener, state, shutdown)` is the testable entry point.

use crate::auth::AuthService;
use crate::config::{LiveConfig, Loaded, Sources};
use crate::store::{self, Store, StoreError};
use std::future::Future;
use std::sync::atomic::AtomicUsize;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Everything request handlers and background tasks share. Built once, passed explicitly.
pub struct AppState {
    pub config: LiveConfig,
    pub store: Arc<dyn Store>,
    pub auth: AuthService,
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
        let store = store::open(
            &cfg.database_url(),
            cfg.database.busy_timeout_ms,
            cfg.database.read_pool_size,
        )
        .await?;
        let config = LiveConfig::new(cfg.clone(), sources);
        let auth = AuthService::new(store.clone(), config.clone());
        let generated = auth
            .ensure_admin(&cfg.data_dir)
            .await
            .map_err(|e| StartError::Other(format!("creating the admin user: {e}")))?;
        let state = Arc::new(AppState {
            config,
            store,
            auth,
            started: Instant::now(),
            start_time: chrono::Utc::now(),
            connections: Arc::new(AtomicUsize::new(0)),
        });
        Ok((state, generated))
    }

    /// `healthy`, `degraded` or `unhealthy` for `/health`.
    pub async fn overall_status(&self) -> &'static str {
        match tokio::time::timeout(Duration::from_secs(2), self.store.ping()).await {
            Ok(Ok(())) => "healthy",
            _ => "unhealthy",
        }
    }
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
    result.map_err(|e| StartError::Other(format!("HTTP server: {e}")))
}

/// Deletes expired sessions hourly so the table does not grow without bound.
fn spawn_session_purge(state: Arc<AppState>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(3600));
        loop {
            tick.tick().await;
            if let Err(e) = state.store.purge_expired_sessions(chrono::Utc::now()).await {
                tracing::warn!(error = %e, "could not purge expired sessions");
            }
        }
    })
}
