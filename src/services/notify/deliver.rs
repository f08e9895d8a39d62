//! The delivery task: takes deliveries off the queue, at most a few at once, and sends each
//! through its receiver's breaker with a bounded retry and backoff. An open breaker skips the
//! delivery at once; a receiver that refuses the payload for good (a 4xx) is not retried.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use super::{Delivery, Inner, CONCURRENCY, FAILED};
use crate::breaker::CallError;
use crate::clients::http::HttpError;

/// Attempts per delivery (the first plus two retries).
const ATTEMPTS: u32 = 3;
/// Wait before the first retry; doubled before each further one.
const BACKOFF: Duration = Duration::from_millis(500);

/// Runs until the runtime stops.
pub(super) async fn drain(inner: Arc<Inner>) {
    let slots = Arc::new(tokio::sync::Semaphore::new(CONCURRENCY));
    loop {
        let next = inner.queue.lock().pop_front();
        let Some(d) = next else {
            inner.wake.notified().await;
            continue;
        };
        let Ok(permit) = slots.clone().acquire_owned().await else {
            return;
        };
        let inner = inner.clone();
        tokio::spawn(async move {
            deliver(&inner, d).await;
            drop(permit);
        });
    }
}

/// Whether an error is worth another attempt: transport trouble, timeouts, 5xx and 429.
fn retryable(e: &CallError<HttpError>) -> bool {
    match e {
        CallError::Open(_) => false,
        CallError::Timeout => true,
        CallError::Inner(HttpError::Status { status, .. }) => *status >= 500 || *status == 429,
        CallError::Inner(_) => true,
    }
}

async fn deliver(inner: &Inner, d: Delivery) {
    let mut wait = BACKOFF;
    for attempt in 1..=ATTEMPTS {
        let limit = d.breaker.config().call_timeout();
        let send = inner.client.send(&d.target, &d.body, limit);
        let err = match d.breaker.call(send).await {
            Ok(()) => return,
            Err(e) => e,
        };
        if !retryable(&err) || attempt == ATTEMPTS {
            FAILED.fetch_add(1, Ordering::Relaxed);
            match err {
                CallError::Open(_) => tracing::warn!(
                    service = %d.target.service,
                    "notification skipped: its circuit breaker is open"
                ),
                e => tracing::warn!(
                    service = %d.target.service,
                    attempts = attempt,
                    error = %e,
                    "notification not delivered"
                ),
            }
            return;
        }
        tokio::time::sleep(wait).await;
        wait *= 2;
    }
}
