//! Recording outcomes: the success fast path, failures and the trip rules, half-open trials.

use std::sync::atomic::Ordering::{AcqRel, Acquire, Relaxed, Release};
use std::time::Duration;

use super::config::BreakerConfig;
use super::machine::{nanos, CircuitBreaker};
use super::outcome::{FailureKind, Outcome};
use super::state::{
    epoch_of, inflight_of, pack, state_of, successes_of, BreakerState, ONE_INFLIGHT,
};

impl CircuitBreaker {
    /// Records a success (called by [`Permit`]); the closed-state fast path: relaxed atomic
    /// adds only, no lock, no allocation.
    #[inline]
    pub(crate) fn finish_success(&self, trial: Option<u32>, elapsed: Duration) {
        let slow = self.hot.slow_call_nanos.load(Relaxed);
        if slow != 0 && nanos(elapsed) > slow {
            return self.slow_call(trial, elapsed);
        }
        if self.successes.observe(elapsed) {
            self.learn_latency();
        }
        if self.counters.consecutive_failures.load(Relaxed) != 0 {
            self.counters.consecutive_failures.store(0, Relaxed);
        }
        self.window.push(false, self.hot.window_size.load(Relaxed));
        if self.misconfigured.load(Relaxed) {
            self.clear_misconfigured();
        }
        if let Some(epoch) = trial {
            self.trial_succeeded(epoch);
        }
    }

    #[cold]
    fn slow_call(&self, trial: Option<u32>, elapsed: Duration) {
        let cfg = self.hot.config.load();
        // The bar in effect: `slow_call_ms`, or the learned one in adaptive mode.
        let bar = Duration::from_nanos(self.hot.slow_call_nanos.load(Relaxed));
        let why = format!(
            "slow call: {} ms > {} ms",
            elapsed.as_millis(),
            bar.as_millis()
        );
        self.record_failure(trial, Some(elapsed), FailureKind::SlowCall, Some(why), &cfg);
    }

    #[cold]
    fn clear_misconfigured(&self) {
        let mut details = self.details.lock();
        details.misconfigured_reason = None;
        self.misconfigured.store(false, Release);
    }

    /// Records a permit's outcome (called by [`Permit`]).
    pub(crate) fn finish(&self, trial: Option<u32>, outcome: Outcome) {
        let cfg = self.hot.config.load();
        match outcome {
            Outcome::Success { elapsed } => self.finish_success(trial, elapsed),
            Outcome::Failure { elapsed, kind } => {
                self.record_failure(trial, Some(elapsed), kind, None, &cfg)
            }
            Outcome::Ignored => {
                self.counters.ignored.fetch_add(1, Relaxed);
                self.release_trial(trial);
            }
            Outcome::Misconfigured { reason } => {
                self.counters.misconfigured.fetch_add(1, Relaxed);
                let mut details = self.details.lock();
                details.misconfigured_reason = Some(reason);
                self.misconfigured.store(true, Release);
                drop(details);
                self.release_trial(trial);
            }
        }
    }

    /// A failure with an explicit reason string (simulations, permit helpers).
    pub(crate) fn finish_failure(
        &self,
        trial: Option<u32>,
        elapsed: Option<Duration>,
        kind: FailureKind,
        reason: String,
    ) {
        let cfg = self.hot.config.load();
        self.record_failure(trial, elapsed, kind, Some(reason), &cfg);
    }

    /// A permit dropped without an outcome. A closed-state permit only counts as abandoned
    /// (the caller gave up, not the service); a half-open trial counts as a failure, which
    /// releases its slot by re-opening, so a cancelled probe can never wedge half-open.
    pub(crate) fn abandon(&self, trial: Option<u32>) {
        self.counters.abandoned.fetch_add(1, Relaxed);
        if trial.is_some() {
            let why = "half-open trial abandoned (permit dropped)".to_string();
            self.finish_failure(trial, None, FailureKind::Other, why);
        }
    }

    fn trial_succeeded(&self, epoch: u32) {
        let needed = self.hot.config.load().successes_needed();
        let mut word = self.hot.word.load(Acquire);
        loop {
            if state_of(word) != BreakerState::HalfOpen || epoch_of(word) != epoch {
                return; // a stale trial: the breaker moved on meanwhile
            }
            let successes = successes_of(word) + 1;
            if successes >= needed {
                let closing = |c: u64| {
                    state_of(c) == BreakerState::HalfOpen
                        && epoch_of(c) == epoch
                        && successes_of(c) + 1 >= needed
                };
                let why = || format!("recovered: {successes} successful trial call(s)");
                if let Some(new) = self.transition(BreakerState::Closed, closing, why) {
                    self.adaptive.commit_recovery(epoch_of(new));
                    return;
                }
                word = self.hot.word.load(Acquire);
                continue;
            }
            let new = pack(
                BreakerState::HalfOpen,
                inflight_of(word).saturating_sub(1),
                successes,
                epoch,
            );
            match self.hot.word.compare_exchange(word, new, AcqRel, Acquire) {
                Ok(_) => return,
                Err(actual) => word = actual,
            }
        }
    }

    /// Frees a trial slot without deciding anything (ignored / misconfigured trial).
    fn release_trial(&self, trial: Option<u32>) {
        let Some(epoch) = trial else { return };
        let mut word = self.hot.word.load(Acquire);
        while state_of(word) == BreakerState::HalfOpen
            && epoch_of(word) == epoch
            && inflight_of(word) > 0
        {
            match self
                .hot
                .word
                .compare_exchange(word, word - ONE_INFLIGHT, AcqRel, Acquire)
            {
                Ok(_) => return,
                Err(actual) => word = actual,
            }
        }
    }

    fn record_failure(
        &self,
        trial: Option<u32>,
        elapsed: Option<Duration>,
        kind: FailureKind,
        reason: Option<String>,
        cfg: &BreakerConfig,
    ) {
        if let Some(elapsed) = elapsed {
            self.failure_latency.observe(elapsed);
        }
        self.counters.failures.fetch_add(1, Relaxed);
        let consecutive = self.counters.consecutive_failures.fetch_add(1, Relaxed) + 1;
        self.window.push(true, cfg.window());
        if let FailureKind::RateLimited {
            retry_after: Some(wait),
        } = kind
        {
            let until = nanos(self.clock.now() + wait);
            self.open.min_until_nanos.fetch_max(until, Relaxed);
        }
        let reason = reason.unwrap_or_else(|| kind.to_string());
        {
            let mut details = self.details.lock();
            details.last_failure_reason = Some(reason.clone());
            details.last_failure_at = Some(self.clock.wall());
        }
        if let Some(epoch) = trial {
            let reopening = |c: u64| state_of(c) == BreakerState::HalfOpen && epoch_of(c) == epoch;
            let why = || format!("trial call failed: {reason}");
            self.transition(BreakerState::Open, reopening, why);
            return;
        }
        if state_of(self.hot.word.load(Acquire)) != BreakerState::Closed {
            return; // disabled, already open, or a late result from before a transition
        }
        let threshold = u64::from(cfg.failure_threshold.max(1));
        let trip = if consecutive >= threshold {
            Some(format!(
                "{consecutive} consecutive failures (threshold {threshold}); last: {reason}"
            ))
        } else if let Some(rate) = cfg.failure_rate_threshold {
            let (calls, failures) = self.window.counts(cfg.window());
            let observed = f64::from(failures) * 100.0 / f64::from(calls.max(1));
            (calls >= cfg.minimum_calls.max(1) && observed >= rate).then(|| {
                format!(
                    "failure rate {observed:.1}% >= {rate}% over the last {calls} calls; last: {reason}"
                )
            })
        } else {
            None
        };
        if let Some(why) = trip {
            let closed = |c: u64| state_of(c) == BreakerState::Closed;
            self.transition(BreakerState::Open, closed, move || why);
        }
    }
}
