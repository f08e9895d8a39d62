//! The permit handed out by `try_acquire`: the caller's obligation to report an outcome.

use std::mem::ManuallyDrop;
use std::time::Duration;

use super::machine::CircuitBreaker;
use super::outcome::{FailureKind, Outcome};

/// Permission to make one call. Exists so admission and recording are two steps usable from
/// sync and async code alike; borrowing the breaker keeps the fast path free of reference
/// counting. Dropping it without an outcome counts as abandoned; for a half-open trial that
/// is a failure (see [`CircuitBreaker::try_acquire`]), so a cancelled probe re-opens the
/// breaker instead of holding its slot forever.
#[must_use = "complete the permit with the call's outcome"]
#[derive(Debug)]
pub struct Permit<'a> {
    breaker: &'a CircuitBreaker,
    trial: Option<u32>,
}

impl<'a> Permit<'a> {
    #[inline(always)]
    pub(crate) fn normal(breaker: &'a CircuitBreaker) -> Self {
        Self {
            breaker,
            trial: None,
        }
    }

    pub(crate) fn trial(breaker: &'a CircuitBreaker, epoch: u32) -> Self {
        Self {
            breaker,
            trial: Some(epoch),
        }
    }

    /// Whether this permit is a half-open trial whose result decides the breaker's state.
    pub fn is_trial(&self) -> bool {
        self.trial.is_some()
    }

    /// Consumes the permit without running `Drop`, returning its parts.
    #[inline(always)]
    fn take(self) -> (&'a CircuitBreaker, Option<u32>) {
        let this = ManuallyDrop::new(self);
        (this.breaker, this.trial)
    }

    /// Reports how the call ended.
    #[inline]
    pub fn complete(self, outcome: Outcome) {
        let (breaker, trial) = self.take();
        breaker.finish(trial, outcome);
    }

    /// Shorthand for `complete(Outcome::Success { elapsed })`.
    #[inline]
    pub fn success(self, elapsed: Duration) {
        let (breaker, trial) = self.take();
        breaker.finish_success(trial, elapsed);
    }

    /// Shorthand for `complete(Outcome::Failure { elapsed, kind })`.
    pub fn failure(self, elapsed: Duration, kind: FailureKind) {
        self.complete(Outcome::Failure { elapsed, kind });
    }

    /// A failure with a specific reason for `last_failure_reason` (e.g. "HTTP 502 from /3/movie").
    pub fn failure_with_reason(
        self,
        elapsed: Duration,
        kind: FailureKind,
        reason: impl Into<String>,
    ) {
        let (breaker, trial) = self.take();
        breaker.finish_failure(trial, Some(elapsed), kind, reason.into());
    }

    /// Shorthand for `complete(Outcome::Ignored)`.
    pub fn ignored(self) {
        self.complete(Outcome::Ignored);
    }

    /// Shorthand for `complete(Outcome::Misconfigured { reason })`.
    pub fn misconfigured(self, reason: impl Into<String>) {
        self.complete(Outcome::Misconfigured {
            reason: reason.into(),
        });
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        self.breaker.abandon(self.trial);
    }
}
