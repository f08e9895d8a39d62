//! Wiring of the circuit breakers into the application: one breaker per configured service, live
//! thresholds from the config. (Persisting transition events is `services::breaker_events`.)

use crate::breaker::{Clock, Registry};
use crate::config::{Config, LiveConfig};
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
