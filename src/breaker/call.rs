//! Convenience wrappers over the permit API: the async `call` helper and the simulated
//! failures behind `POST /api/test/circuit-breaker/{service}`.

use std::future::Future;
use std::time::Duration;

use super::machine::CircuitBreaker;
use super::outcome::{CallError, Classify, FailureClass, FailureKind};
use super::snapshot::BreakerSnapshot;
use super::state::BreakerState;

/// Upper bound of simulated failures, in case a rule never trips (e.g. a concurrent `disable`).
const MAX_SIMULATED_FAILURES: u32 = 10_000;

impl CircuitBreaker {
    /// Runs `fut` under the breaker: rejects at once when open, applies `call_timeout_ms`,
    /// measures the latency with the breaker's clock and records the classified outcome.
    /// Dropping the returned future mid-call drops the permit (see [`super::Permit`]).
    pub async fn call<T, E, F>(&self, fut: F) -> Result<T, CallError<E>>
    where
        F: Future<Output = Result<T, E>>,
        E: Classify,
    {
        let permit = self.try_acquire().map_err(CallError::Open)?;
        let limit = self.hot.config.load().call_timeout();
        let start = self.clock.now();
        let result = tokio::time::timeout(limit, fut).await;
        let elapsed = self.clock.now().saturating_sub(start);
        match result {
            Ok(Ok(value)) => {
                permit.success(elapsed);
                Ok(value)
            }
            Ok(Err(err)) => {
                match err.classify() {
                    FailureClass::Failure(kind) => permit.failure(elapsed, kind),
                    FailureClass::Ignored => permit.ignored(),
                    FailureClass::Misconfigured(reason) => permit.misconfigured(reason),
                }
                Err(CallError::Inner(err))
            }
            Err(_) => {
                let why = format!("timed out after {} ms", limit.as_millis());
                permit.failure_with_reason(elapsed.max(limit), FailureKind::Timeout, why);
                Err(CallError::Timeout)
            }
        }
    }

    /// Records failures (kind `other`, reason "simulated failure") until the breaker refuses
    /// calls, then returns the snapshot. Recovery then follows the normal half-open path.
    /// A disabled (forced-closed) breaker records nothing and stays disabled.
    pub fn simulate_failures(&self) -> BreakerSnapshot {
        for _ in 0..MAX_SIMULATED_FAILURES {
            if self.state() == BreakerState::Disabled {
                break;
            }
            match self.try_acquire() {
                Ok(permit) => permit.failure_with_reason(
                    Duration::ZERO,
                    FailureKind::Other,
                    "simulated failure",
                ),
                Err(_) => break,
            }
        }
        self.snapshot()
    }
}
