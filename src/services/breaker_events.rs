//! Circuit-breaker transition history: every event is persisted so it survives a restart, and
//! the events API merges this run's ring with what older runs stored.

use crate::breaker::{BreakerEvent, Registry};
use crate::store::Store;
use std::sync::Arc;

/// One breaker transition as stored and as the events API shows it.
pub use crate::store::StoredEvent;

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

/// Reads breaker history: the registry's ring for this run, the store for earlier runs.
#[derive(Clone)]
pub struct BreakerEvents {
    registry: Arc<Registry>,
    store: Arc<dyn Store>,
}

impl BreakerEvents {
    /// Reads `registry`'s ring and `store`'s history.
    pub fn new(registry: Arc<Registry>, store: Arc<dyn Store>) -> Self {
        BreakerEvents { registry, store }
    }

    /// Up to `limit` events, this run's (newest first) then older runs' from the database (the
    /// stored ones from before `started`, when this run began). A database outage only
    /// shortens the answer: the ring is still served.
    pub async fn recent(
        &self,
        limit: u32,
        started: chrono::DateTime<chrono::Utc>,
    ) -> Vec<StoredEvent> {
        let mut out: Vec<StoredEvent> = self
            .registry
            .events(limit as usize)
            .iter()
            .map(to_stored)
            .collect();
        if out.len() < limit as usize {
            if let Ok(stored) = self.store.breaker_events(limit).await {
                let started = started.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
                out.extend(stored.into_iter().filter(|e| e.at < started));
            }
        }
        out.truncate(limit as usize);
        out
    }
}
