//! Wiring of the circuit breakers into the application: one breaker per configured service, live
//! thresholds from the config. The providers service keeps the registry in step afterwards
//! (config reloads and providers added through the API); persisting transition events is
//! `services::breaker_events`. The recovery and availability figures are kept here too.

use crate::breaker::{Clock, Figures, Registry, FIGURES_FILE, SAVE_EVERY};
use crate::config::Config;
use crate::services::providers::sync_registry;
use std::path::Path;
use std::sync::Arc;

/// Creates the registry with a breaker for every service the config names.
pub fn build_registry(cfg: &Config, clock: Arc<dyn Clock>) -> Arc<Registry> {
    let registry = Arc::new(Registry::new(clock));
    sync_registry(&registry, cfg, &[]);
    registry
}

/// Loads the figures saved in `data_dir` and feeds them every later transition of `registry`.
pub fn figures(registry: &Registry, data_dir: &Path) -> Arc<Figures> {
    let figures = Arc::new(Figures::load(
        Some(data_dir.join(FIGURES_FILE)),
        registry.clock().clone(),
    ));
    let f2 = figures.clone();
    registry.add_listener(Arc::new(move |ev| f2.on_event(ev)));
    // A breaker may have tripped before this listener existed (the database, at start).
    figures.reconcile(&registry.all());
    figures
}

/// Every [`SAVE_EVERY`]: lines the figures up with the live breakers and saves them when due,
/// off the async threads. The final save is [`save_figures`]'s, on shutdown.
pub fn spawn_figures_keeper(
    figures: Arc<Figures>,
    registry: Arc<Registry>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(SAVE_EVERY);
        loop {
            tick.tick().await;
            figures.reconcile(&registry.all());
            let f = figures.clone();
            let _ = tokio::task::spawn_blocking(move || f.save_if_due()).await;
        }
    })
}

/// The shutdown save: the observed time (and any outage still open) ends now.
pub async fn save_figures(figures: Arc<Figures>, registry: &Registry) {
    figures.reconcile(&registry.all());
    let _ = tokio::task::spawn_blocking(move || figures.save()).await;
}
