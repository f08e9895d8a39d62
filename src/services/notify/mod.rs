//! Notifications: Radarr's webhook events (Grab, Download, MovieAdded, MovieDelete,
//! MovieFileDelete, Health, HealthRestored, Test) sent to the connections of
//! `/api/v3/notification`, and the breaker alerts of `[alerts] webhooks`: one sender for both.
//!
//! Why a queue: delivery must never slow or fail the pipeline. An event is built at once (cheap,
//! no I/O), put in a bounded in-memory queue, and a background task delivers it; a full queue
//! drops its oldest entry with a warning and a counter. Each target goes through its own
//! `notification:<name>` breaker (alerts through `webhooks`) with the breaker's call timeout
//! and a bounded retry with backoff, so a dead or hung receiver costs one breaker trip and
//! nothing else.

mod deliver;
pub mod payload;

pub use payload::{health_event, Event};

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use parking_lot::{Mutex, RwLock};
use serde_json::Value;

use crate::breaker::{CallError, CircuitBreaker};
use crate::clients::http::HttpError;
use crate::clients::webhook::{WebhookClient, WebhookTarget};

/// Deliveries waiting at most; beyond it the oldest is dropped.
pub const QUEUE_CAPACITY: usize = 1024;
/// Deliveries in flight at once (a hung receiver cannot hold up the others).
const CONCURRENCY: usize = 4;

/// Deliveries dropped because the queue was full, since start (`/metrics`).
static DROPPED: AtomicU64 = AtomicU64::new(0);
/// Deliveries that failed for good (after their retries, or refused by an open breaker).
static FAILED: AtomicU64 = AtomicU64::new(0);

/// Dropped deliveries since start.
pub fn dropped_total() -> u64 {
    DROPPED.load(Ordering::Relaxed)
}

/// Failed deliveries since start.
pub fn failed_total() -> u64 {
    FAILED.load(Ordering::Relaxed)
}

/// The events a connection can be sent (Radarr's triggers; an upgrade is a Download sent to
/// `onUpgrade` connections).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EventKind {
    Grab,
    Download,
    Upgrade,
    MovieAdded,
    MovieDelete,
    MovieFileDelete,
    MovieFileDeleteForUpgrade,
    HealthIssue,
    HealthRestored,
}

/// One connection in force: where it sends, what it wants, and its breaker.
#[derive(Clone)]
pub struct Target {
    pub id: i64,
    pub name: String,
    pub webhook: WebhookTarget,
    pub events: Vec<EventKind>,
    /// Health issues of warning level too (Radarr's `includeHealthWarnings`).
    pub include_health_warnings: bool,
    /// Only movies with one of these tags (empty: every movie), as in Radarr.
    pub tags: Vec<i64>,
    pub breaker: Arc<CircuitBreaker>,
}

impl Target {
    fn wants(&self, e: &Event) -> bool {
        let tagged = self.tags.is_empty()
            || e.movie_tags.is_none()
            || e.movie_tags
                .as_ref()
                .is_some_and(|t| t.iter().any(|x| self.tags.contains(x)));
        let level = e.kind != EventKind::HealthIssue || !e.warning || self.include_health_warnings;
        self.events.contains(&e.kind) && tagged && level
    }
}

/// One body for one receiver.
struct Delivery {
    target: WebhookTarget,
    breaker: Arc<CircuitBreaker>,
    body: Arc<Value>,
}

struct Inner {
    client: WebhookClient,
    targets: RwLock<Vec<Target>>,
    queue: Mutex<VecDeque<Delivery>>,
    wake: tokio::sync::Notify,
}

/// The notification sender; cheap to clone.
#[derive(Clone)]
pub struct Notifier {
    inner: Arc<Inner>,
}

impl Notifier {
    /// Creates the sender and starts its delivery task (needs a Tokio runtime).
    pub fn start(client: WebhookClient) -> Notifier {
        let n = Notifier {
            inner: Arc::new(Inner {
                client,
                targets: RwLock::new(Vec::new()),
                queue: Mutex::new(VecDeque::new()),
                wake: tokio::sync::Notify::new(),
            }),
        };
        tokio::spawn(deliver::drain(n.inner.clone()));
        n
    }

    /// Replaces the connections in force (the providers service, after every change).
    pub fn set_targets(&self, targets: Vec<Target>) {
        *self.inner.targets.write() = targets;
    }

    /// Queues `event` for every connection that wants it; never waits.
    pub fn emit(&self, event: Event) {
        let body = Arc::new(event.body.clone());
        let wanted: Vec<Delivery> = self
            .inner
            .targets
            .read()
            .iter()
            .filter(|t| t.wants(&event))
            .map(|t| Delivery {
                target: t.webhook.clone(),
                breaker: t.breaker.clone(),
                body: body.clone(),
            })
            .collect();
        for d in wanted {
            self.push(d);
        }
    }

    /// Queues a raw JSON body for one receiver (the breaker alerts' webhooks).
    pub fn send_raw(&self, target: WebhookTarget, breaker: Arc<CircuitBreaker>, body: Value) {
        self.push(Delivery {
            target,
            breaker,
            body: Arc::new(body),
        });
    }

    fn push(&self, d: Delivery) {
        let dropped = {
            let mut q = self.inner.queue.lock();
            let dropped = if q.len() >= QUEUE_CAPACITY {
                q.pop_front()
            } else {
                None
            };
            q.push_back(d);
            dropped
        };
        if let Some(old) = dropped {
            DROPPED.fetch_add(1, Ordering::Relaxed);
            tracing::warn!(
                target_name = %old.target.service,
                "notification queue full: oldest delivery dropped"
            );
        }
        self.inner.wake.notify_one();
    }

    /// Deliveries waiting.
    pub fn queued(&self) -> usize {
        self.inner.queue.lock().len()
    }

    /// Sends Radarr's Test payload to `target` once, now (no queue, no retry). `in_use`: the
    /// saved connection unchanged, so its breaker counts the call; a trial of new settings is
    /// only bounded by the breaker's call timeout. `Err` says why, for the `url` field.
    pub async fn test(&self, target: &Target, in_use: bool) -> Result<(), String> {
        let body = payload::test();
        let limit = target.breaker.config().call_timeout();
        let send = self.inner.client.send(&target.webhook, &body, limit);
        let r: Result<(), CallError<HttpError>> = if in_use {
            target.breaker.call(send).await
        } else {
            match tokio::time::timeout(limit, send).await {
                Ok(r) => r.map_err(CallError::Inner),
                Err(_) => Err(CallError::Timeout),
            }
        };
        r.map_err(|e| match e {
            CallError::Open(o) => format!(
                "Unable to send test message: circuit breaker open, retry in {} s",
                o.retry_after_seconds()
            ),
            CallError::Timeout => format!(
                "Unable to send test message: no answer within {} ms",
                limit.as_millis()
            ),
            CallError::Inner(e) => format!("Unable to send test message: {e}"),
        })
    }
}

#[cfg(test)]
mod tests;
