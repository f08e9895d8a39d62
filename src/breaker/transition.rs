//! State transitions (serialized by a small mutex, published by CAS) and the operator's
//! manual overrides.

use std::sync::atomic::Ordering::{AcqRel, Acquire, Relaxed, Release};
use std::time::Duration;

use super::events::BreakerEvent;
use super::machine::{nanos, CircuitBreaker, Details};
use super::state::{epoch_of, next_epoch, pack, state_of, BreakerState};

impl CircuitBreaker {
    /// Performs one transition to `to` if `allowed` holds for the current word (re-checked under
    /// the lock, since callers decide on a possibly stale read). Returns the new word if this
    /// call made the transition. Emits the event after releasing the lock.
    pub(crate) fn transition(
        &self,
        to: BreakerState,
        allowed: impl Fn(u64) -> bool,
        reason: impl FnOnce() -> String,
    ) -> Option<u64> {
        let cfg = self.hot.config.load();
        let mut opened_at = self.transition_lock.lock();
        let mut current = self.hot.word.load(Acquire);
        if !allowed(current) {
            return None;
        }
        let from = state_of(current);
        if to == BreakerState::Open {
            // Written before the new word is published, so whoever sees `Open` sees its deadline.
            // Only state and epoch decide `allowed` for an Open target, and those change only
            // under this lock, so the CAS below cannot be refused after this point.
            let level = match from {
                BreakerState::HalfOpen => self.open.level.load(Relaxed).saturating_add(1),
                _ => 0,
            };
            let draw = if cfg.jitter_ratio > 0.0 {
                rand::random::<f64>()
            } else {
                0.0
            };
            let now = self.clock.now();
            if level == 0 {
                self.adaptive.outage_opened(now);
            }
            self.open.level.store(level, Relaxed);
            self.open.jitter_draw.store(draw.to_bits(), Relaxed);
            self.open.opened_nanos.store(nanos(now), Relaxed);
        }
        let first_trial = u32::from(to == BreakerState::HalfOpen);
        let new = loop {
            let new = pack(to, first_trial, 0, next_epoch(current));
            match self
                .hot
                .word
                .compare_exchange(current, new, AcqRel, Acquire)
            {
                Ok(_) => break new,
                // Only half-open slot counters move without the lock; re-check and retry.
                Err(actual) if allowed(actual) => current = actual,
                Err(_) => return None,
            }
        };
        let at = self.clock.wall();
        match to {
            BreakerState::Open | BreakerState::ForcedOpen => *opened_at = Some(at),
            BreakerState::Closed | BreakerState::Disabled => *opened_at = None,
            BreakerState::HalfOpen => {}
        }
        if to == BreakerState::Closed && from == BreakerState::HalfOpen {
            let last_open = Duration::from_nanos(self.open.opened_nanos.load(Relaxed));
            let level = self.open.level.load(Relaxed);
            let now = self.clock.now();
            self.adaptive
                .stash_recovery(epoch_of(new), last_open, level, now);
        }
        if to == BreakerState::Closed {
            self.counters.consecutive_failures.store(0, Relaxed);
            self.window.clear();
            self.open.level.store(0, Relaxed);
        }
        self.counters.transitions.fetch_add(1, Relaxed);
        let event = BreakerEvent {
            service: self.name.to_string(),
            from,
            to,
            at,
            reason: reason(),
        };
        self.hub.record(&event);
        drop(opened_at);
        drop(cfg);
        self.hub.publish(&event);
        Some(new)
    }

    /// Operator override: reject every call until [`Self::close`] or [`Self::reset`]
    /// (`POST .../open`). Returns whether the state changed.
    pub fn force_open(&self) -> bool {
        let allowed = |c: u64| state_of(c) != BreakerState::ForcedOpen;
        let why = || "forced open by operator".to_string();
        self.transition(BreakerState::ForcedOpen, allowed, why)
            .is_some()
    }

    /// Operator override: forced closed — admit every call and never trip (outcomes still feed
    /// the statistics). Returns whether the state changed.
    pub fn disable(&self) -> bool {
        let allowed = |c: u64| state_of(c) != BreakerState::Disabled;
        let why = || "disabled by operator (forced closed)".to_string();
        self.transition(BreakerState::Disabled, allowed, why)
            .is_some()
    }

    /// Back to closed at once with the consecutive-failure count, back-off level and any
    /// pending Retry-After cleared; statistics are kept. Returns whether the state changed.
    pub fn close(&self) -> bool {
        let allowed = |c: u64| state_of(c) != BreakerState::Closed;
        let why = || "closed by operator".to_string();
        let changed = self
            .transition(BreakerState::Closed, allowed, why)
            .is_some();
        self.counters.consecutive_failures.store(0, Relaxed);
        self.open.min_until_nanos.store(0, Relaxed);
        changed
    }

    /// Back to closed with every counter and statistic zeroed, as if just created (the config
    /// and the registry's lifetime transition total are kept); adaptive learning starts over.
    pub fn reset(&self) {
        let allowed = |c: u64| state_of(c) != BreakerState::Closed;
        let why = || "reset by operator".to_string();
        self.transition(BreakerState::Closed, allowed, why);
        let _guard = self.transition_lock.lock();
        self.counters.reset();
        self.successes.reset();
        self.failure_latency.reset();
        self.window.clear();
        self.open.level.store(0, Relaxed);
        self.open.min_until_nanos.store(0, Relaxed);
        self.adaptive.reset();
        let cfg = self.hot.config.load();
        let _rounds = self.adaptive.latency.lock();
        self.hot
            .refresh_mirror(&cfg, self.adaptive.slow_call_nanos(&cfg));
        drop(_rounds);
        let mut details = self.details.lock();
        *details = Details::default();
        self.misconfigured.store(false, Release);
    }
}
