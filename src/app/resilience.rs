//! Wiring of the circuit breakers into the application: one breaker per configured service, live
//! thresholds from the config, and transition events persisted and turned into alerts.

use crate::breaker::{BreakerEvent, Clock, Registry};
use crate::config::{Config, LiveConfig};
use crate::store::{Store, StoredEvent};
use std::sync::Arc;

/// Creates the registry with a breaker for every service the config names.
pub fn build_registry(cfg: &Config, clock: Arc<dyn Clock>) -> Arc<Registry> {
    let registry = Arc::new(Registry::new(clock));
    sync_registry(&registry, cfg);
    registry
}

/// Pushes the config's thresholds into the breakers (never touching state or counters) and
/// registers breakers for newly configured Torznab indexers. A removed indexer's breaker is
/// dropped so it no longer shows in health.
pub fn sync_registry(registry: &Registry, cfg: &Config) {
    let wanted = cfg.breaker_names();
    for name in &wanted {
        let Some(settings) = cfg.circuit_breakers.get(name) else {
            continue;
        };
        if registry.get(name).is_some() {
            if let Err(e) = registry.update_config(name, settings.clone()) {
                tracing::error!(service = %name, error = %e, "breaker config not applied");
            }
        } else {
            registry.register(name, settings.clone());
        }
    }
    for b in registry.all() {
        if !wanted.iter().any(|w| w == b.name()) && b.name().starts_with("torznab:") {
            registry.remove(b.name());
        }
    }
}

/// Keeps the breakers in step with every config change (file edit, SIGHUP, PUT).
pub fn follow_config(live: &LiveConfig, registry: Arc<Registry>) {
    live.on_change(move |cfg| sync_registry(&registry, cfg));
}

/// Persists every transition so the history survives a restart. Listener callbacks must be quick,
/// so events go through a channel to a task that writes them.
pub fn persist_events(registry: &Registry, store: Arc<dyn Store>) -> tokio::task::JoinHandle<()> {
    let (tx, mut rx) = tokio::sync::mpsc::channel::<BreakerEvent>(1024);
    registry.add_listener(Arc::new(move |ev: &BreakerEvent| {
        if tx.try_send(ev.clone()).is_err() {
            tracing::warn!(service = %ev.service, "breaker event not persisted: queue full");
        }
    }));
    tokio::spawn(async move {
        while let Some(ev) = rx.recv().await {
            let stored = to_stored(&ev);
            if let Err(e) = store.append_breaker_event(&stored).await {
                // The database breaker itself may be open: the in-memory ring still has it.
                tracing::debug!(error = %e, "could not persist breaker event");
            }
        }
    })
}

/// The storable form of an event.
pub fn to_stored(ev: &BreakerEvent) -> StoredEvent {
    StoredEvent {
        service: ev.service.clone(),
        from: ev.from.as_str().to_string(),
        to: ev.to.as_str().to_string(),
        reason: ev.reason.clone(),
        at: ev.at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
    }
}
