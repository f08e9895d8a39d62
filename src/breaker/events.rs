//! Transition events: kept in a bounded ring for the API, logged, counted and fanned out to
//! listeners (persistence, webhooks).

use std::collections::{HashMap, VecDeque};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use parking_lot::{Mutex, RwLock};
use serde::Serialize;

use super::state::BreakerState;

/// How many events the ring keeps unless told otherwise.
pub const DEFAULT_EVENT_CAPACITY: usize = 200;

/// One state change of one breaker; exists so operators can see when and why a service was cut
/// off (`GET /api/v1/circuit-breakers/events`) and so alerts can be sent.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BreakerEvent {
    /// The breaker's name.
    pub service: String,
    /// State before the transition.
    pub from: BreakerState,
    /// State after the transition.
    pub to: BreakerState,
    /// Wall time of the transition (serialized RFC 3339).
    pub at: DateTime<Utc>,
    /// Human-readable cause, e.g. "5 consecutive failures (threshold 5); last: timeout".
    pub reason: String,
}

/// A callback run after every transition, outside every breaker lock, so it may call back into
/// the breaker or registry. It should be quick (hand work to a channel); a panic is caught and
/// logged.
pub type Listener = Arc<dyn Fn(&BreakerEvent) + Send + Sync>;

struct Ring {
    events: VecDeque<BreakerEvent>,
    per_service: HashMap<String, u64>,
}

/// Shared sink of every breaker's events; the [`crate::breaker::Registry`] owns one and hands it
/// to each breaker it creates.
pub struct EventHub {
    capacity: usize,
    ring: Mutex<Ring>,
    listeners: RwLock<Vec<Listener>>,
}

impl std::fmt::Debug for EventHub {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventHub")
            .field("capacity", &self.capacity)
            .field("listeners", &self.listeners.read().len())
            .finish()
    }
}

impl EventHub {
    /// A hub keeping the last `capacity` events (at least 1).
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity: capacity.max(1),
            ring: Mutex::new(Ring {
                events: VecDeque::with_capacity(capacity.clamp(1, 1024)),
                per_service: HashMap::new(),
            }),
            listeners: RwLock::new(Vec::new()),
        }
    }

    /// Adds a callback invoked for every later event.
    pub fn add_listener(&self, listener: Listener) {
        self.listeners.write().push(listener);
    }

    /// Up to `limit` most recent events, newest first.
    pub fn recent(&self, limit: usize) -> Vec<BreakerEvent> {
        let ring = self.ring.lock();
        ring.events.iter().rev().take(limit).cloned().collect()
    }

    /// Transitions ever seen for `service` (never reset, unlike the breaker's own counter), for
    /// `reelarr_circuit_breaker_transitions_total`.
    pub fn transitions_total(&self, service: &str) -> u64 {
        self.ring
            .lock()
            .per_service
            .get(service)
            .copied()
            .unwrap_or(0)
    }

    /// Stores the event; called by the breaker while it still holds its transition lock so the
    /// ring's order matches the breaker's order.
    pub(crate) fn record(&self, event: &BreakerEvent) {
        let mut ring = self.ring.lock();
        if ring.events.len() == self.capacity {
            ring.events.pop_front();
        }
        ring.events.push_back(event.clone());
        *ring.per_service.entry(event.service.clone()).or_insert(0) += 1;
    }

    /// Logs the event and runs the listeners; called with no lock held.
    pub(crate) fn publish(&self, event: &BreakerEvent) {
        let (service, from, to, reason) = (
            event.service.as_str(),
            event.from.as_str(),
            event.to.as_str(),
            event.reason.as_str(),
        );
        if event.to.is_open() {
            tracing::warn!(service, from, to, reason, "circuit breaker opened");
        } else {
            tracing::info!(service, from, to, reason, "circuit breaker transition");
        }
        let listeners: Vec<Listener> = self.listeners.read().clone();
        for listener in listeners {
            if catch_unwind(AssertUnwindSafe(|| listener(event))).is_err() {
                tracing::error!(service, "circuit breaker event listener panicked");
            }
        }
    }
}

impl Default for EventHub {
    fn default() -> Self {
        Self::new(DEFAULT_EVENT_CAPACITY)
    }
}
