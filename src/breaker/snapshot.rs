//! Point-in-time view of a breaker for the health, dashboard and metrics endpoints.

use std::sync::atomic::Ordering::{Acquire, Relaxed};

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::adaptive::AdaptiveSnapshot;
use super::config::BreakerConfig;
use super::machine::CircuitBreaker;
use super::state::{inflight_of, state_of, BreakerState};
use super::stats::{merged_histogram, HistogramSnapshot};

/// Everything the API shows about one breaker; exists so handlers serialize one struct instead
/// of poking at atomics. Counters are read one by one, so they may be off by an in-flight call.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BreakerSnapshot {
    /// The breaker's name.
    pub service: String,
    /// Current state.
    pub state: BreakerState,
    /// Consecutive failures (reset by a success or a close).
    pub failure_count: u64,
    /// Successful calls since creation or the last reset.
    pub success_count: u64,
    /// Completed calls: successes + failures + ignored + misconfigured.
    pub total_calls: u64,
    /// Failed calls (including slow calls, timeouts and abandoned trials).
    pub failures: u64,
    /// Calls refused by the breaker.
    pub rejected: u64,
    /// Calls that ended neither success nor failure (404, 400).
    pub ignored: u64,
    /// Calls answered 401/403.
    pub misconfigured_calls: u64,
    /// Permits dropped without an outcome (cancelled callers).
    pub abandoned: u64,
    /// State transitions since creation or the last reset.
    pub transitions: u64,
    /// Half-open trials currently in flight.
    pub half_open_in_flight: u32,
    /// Failures / calls over the sliding window, 0..1.
    pub failure_rate: f64,
    /// Calls currently in the sliding window.
    pub window_calls: u32,
    /// Mean latency of recorded calls, in ms.
    pub avg_response_time_ms: f64,
    /// Estimated 95th-percentile latency, in ms (bucket-interpolated).
    pub p95_response_time_ms: f64,
    /// When the current open period began (RFC 3339), null when closed or disabled.
    pub opened_at: Option<DateTime<Utc>>,
    /// When a trial call will next be admitted (RFC 3339), null unless `open`.
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// Short cause of the latest failure.
    pub last_failure_reason: Option<String>,
    /// When the latest failure was recorded.
    pub last_failure_at: Option<DateTime<Utc>>,
    /// True after a 401/403 until the next success.
    pub misconfigured: bool,
    /// Why the service looks misconfigured.
    pub misconfigured_reason: Option<String>,
    /// The live configuration.
    pub config: BreakerConfig,
    /// Open period and slow-call bar in effect (learned when `config.adaptive`).
    pub adaptive: AdaptiveSnapshot,
}

impl CircuitBreaker {
    /// A consistent-enough view of state, counters, latency and config for the API.
    pub fn snapshot(&self) -> BreakerSnapshot {
        self.learn_latency();
        let cfg = self.config();
        let word = self.hot.word.load(Acquire);
        let state = state_of(word);
        let c = &self.counters;
        let (successes, failures, ignored, misconfigured_calls) = (
            self.successes.count(),
            c.failures.load(Relaxed),
            c.ignored.load(Relaxed),
            c.misconfigured.load(Relaxed),
        );
        let (window_calls, window_failures) = self.window.counts(cfg.window());
        let latency = self.latency_histogram();
        let opened_at = *self.transition_lock.lock();
        let next_attempt_at = (state == BreakerState::Open).then(|| {
            let wait = self.open_until(&cfg).saturating_sub(self.clock.now());
            self.clock.wall() + chrono::Duration::from_std(wait).unwrap_or_default()
        });
        let details = self.details.lock().clone();
        BreakerSnapshot {
            service: self.name.to_string(),
            state,
            failure_count: c.consecutive_failures.load(Relaxed),
            success_count: successes,
            total_calls: successes + failures + ignored + misconfigured_calls,
            failures,
            rejected: c.rejected.load(Relaxed),
            ignored,
            misconfigured_calls,
            abandoned: c.abandoned.load(Relaxed),
            transitions: c.transitions.load(Relaxed),
            half_open_in_flight: if state == BreakerState::HalfOpen {
                inflight_of(word)
            } else {
                0
            },
            failure_rate: if window_calls == 0 {
                0.0
            } else {
                f64::from(window_failures) / f64::from(window_calls)
            },
            window_calls,
            avg_response_time_ms: latency.mean_ms(),
            p95_response_time_ms: latency.quantile_ms(0.95),
            opened_at,
            next_attempt_at,
            last_failure_reason: details.last_failure_reason,
            last_failure_at: details.last_failure_at,
            misconfigured: self.misconfigured.load(Acquire),
            misconfigured_reason: details.misconfigured_reason,
            adaptive: self.adaptive_snapshot(&cfg),
            config: (*cfg).clone(),
        }
    }

    /// The latency histogram for `reelarr_external_request_duration_seconds`.
    pub fn latency_histogram(&self) -> HistogramSnapshot {
        merged_histogram(&self.successes, &self.failure_latency)
    }
}
