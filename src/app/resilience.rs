//! Wiring of the circuit breakers into the application: one breaker per configured service, live
//! thresholds from the config. The providers service keeps the registry in step afterwards
//! (config reloads and providers added through the API); persisting transition events is
//! `services::breaker_events`.

use crate::breaker::{Clock, Registry};
use crate::config::Config;
use crate::services::providers::sync_registry;
use std::sync::Arc;

/// Creates the registry with a breaker for every service the config names.
pub fn build_registry(cfg: &Config, clock: Arc<dyn Clock>) -> Arc<Registry> {
    let registry = Arc::new(Registry::new(clock));
    sync_registry(&registry, cfg, &[]);
    registry
}
