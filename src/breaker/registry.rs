//! The set of all breakers of the process, sharing one clock and one event hub.

use std::fmt;
use std::sync::Arc;

use parking_lot::RwLock;

use super::clock::Clock;
use super::config::BreakerConfig;
use super::events::{BreakerEvent, EventHub, Listener, DEFAULT_EVENT_CAPACITY};
use super::machine::CircuitBreaker;
use super::snapshot::BreakerSnapshot;

/// Why a registry operation was refused; maps to 404 / 400 in the API.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RegistryError {
    /// No breaker has that name.
    UnknownService(String),
    /// The new config failed validation (message names the field); the old one stays.
    InvalidConfig(String),
}

impl fmt::Display for RegistryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RegistryError::UnknownService(s) => write!(f, "unknown circuit breaker: {s}"),
            RegistryError::InvalidConfig(m) => write!(f, "invalid circuit breaker config: {m}"),
        }
    }
}

impl std::error::Error for RegistryError {}

/// Owns every breaker (`tmdb`, `hdbits`, `qbittorrent`, `database`, `torznab:<name>`), so the
/// API can list, configure and control them by name and all events land in one ring.
pub struct Registry {
    clock: Arc<dyn Clock>,
    hub: Arc<EventHub>,
    breakers: RwLock<Vec<Arc<CircuitBreaker>>>,
}

impl fmt::Debug for Registry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<String> = self.all().iter().map(|b| b.name().to_string()).collect();
        f.debug_struct("Registry")
            .field("breakers", &names)
            .finish()
    }
}

impl Registry {
    /// An empty registry keeping the last [`DEFAULT_EVENT_CAPACITY`] events.
    pub fn new(clock: Arc<dyn Clock>) -> Self {
        Self::with_event_capacity(clock, DEFAULT_EVENT_CAPACITY)
    }

    /// An empty registry keeping the last `capacity` events.
    pub fn with_event_capacity(clock: Arc<dyn Clock>, capacity: usize) -> Self {
        Self {
            clock,
            hub: Arc::new(EventHub::new(capacity)),
            breakers: RwLock::new(Vec::new()),
        }
    }

    /// The clock shared by every breaker.
    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.clock
    }

    /// Creates the breaker `name`, or returns the existing one with its config replaced (state
    /// and counters kept) — so a config reload can simply re-register every service. The config
    /// is used as given; validate it first (the hot path clamps values it cannot work with).
    pub fn register(&self, name: &str, config: BreakerConfig) -> Arc<CircuitBreaker> {
        let mut breakers = self.breakers.write();
        if let Some(existing) = breakers.iter().find(|b| b.name() == name) {
            existing.store_config(config);
            return existing.clone();
        }
        let breaker = Arc::new(CircuitBreaker::with_hub(
            name,
            config,
            self.clock.clone(),
            self.hub.clone(),
        ));
        breakers.push(breaker.clone());
        breaker
    }

    /// Removes a breaker (e.g. a Torznab indexer deleted from the config).
    pub fn remove(&self, name: &str) -> Option<Arc<CircuitBreaker>> {
        let mut breakers = self.breakers.write();
        let index = breakers.iter().position(|b| b.name() == name)?;
        Some(breakers.remove(index))
    }

    /// The breaker called `name`.
    pub fn get(&self, name: &str) -> Option<Arc<CircuitBreaker>> {
        self.breakers
            .read()
            .iter()
            .find(|b| b.name() == name)
            .cloned()
    }

    /// Every breaker in registration order (stable output for the API and metrics).
    pub fn all(&self) -> Vec<Arc<CircuitBreaker>> {
        self.breakers.read().clone()
    }

    /// Every breaker's snapshot in registration order (`GET /api/v1/circuit-breakers`).
    pub fn snapshots(&self) -> Vec<BreakerSnapshot> {
        self.all().iter().map(|b| b.snapshot()).collect()
    }

    /// Validates and applies a new config to `name`; on error nothing changes.
    pub fn update_config(&self, name: &str, config: BreakerConfig) -> Result<(), RegistryError> {
        let breaker = self
            .get(name)
            .ok_or_else(|| RegistryError::UnknownService(name.to_string()))?;
        breaker
            .update_config(config)
            .map_err(RegistryError::InvalidConfig)
    }

    /// Up to `limit` most recent transitions of all breakers, newest first.
    pub fn events(&self, limit: usize) -> Vec<BreakerEvent> {
        self.hub.recent(limit)
    }

    /// Registers a callback for every future transition (event persistence, webhooks). It runs
    /// on the thread that caused the transition, after all breaker locks are released.
    pub fn add_listener(&self, listener: Listener) {
        self.hub.add_listener(listener);
    }

    /// Lifetime transitions of `name` (survives `reset`), for the Prometheus counter.
    pub fn transitions_total(&self, name: &str) -> u64 {
        self.hub.transitions_total(name)
    }

    /// The shared event hub.
    pub fn hub(&self) -> &Arc<EventHub> {
        &self.hub
    }
}
