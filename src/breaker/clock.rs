//! Injectable time source, so every timing rule of the breaker is testable without sleeping.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeZone, Utc};

/// Where a breaker reads the time. Exists so tests can drive recovery timeouts with a
/// [`ManualClock`] while production uses the [`SystemClock`].
pub trait Clock: Send + Sync {
    /// Monotonic time since an arbitrary, fixed origin; used for every timing decision.
    fn now(&self) -> Duration;
    /// Wall-clock time; used only for what humans read (`opened_at`, events).
    fn wall(&self) -> DateTime<Utc>;
}

/// The real clock: `Instant` for decisions, `Utc::now()` for display.
#[derive(Debug, Clone, Copy)]
pub struct SystemClock {
    origin: Instant,
}

impl SystemClock {
    /// Starts a clock whose monotonic origin is "now".
    pub fn new() -> Self {
        Self {
            origin: Instant::now(),
        }
    }
}

impl Default for SystemClock {
    fn default() -> Self {
        Self::new()
    }
}

impl Clock for SystemClock {
    fn now(&self) -> Duration {
        self.origin.elapsed()
    }

    fn wall(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that only moves when told to; exists for deterministic tests of timeouts,
/// back-off and timestamps.
#[derive(Debug)]
pub struct ManualClock {
    nanos: AtomicU64,
    wall_origin: DateTime<Utc>,
}

impl ManualClock {
    /// Starts at monotonic zero and wall time 2024-01-01T00:00:00Z.
    pub fn new() -> Self {
        Self {
            nanos: AtomicU64::new(0),
            wall_origin: Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap(),
        }
    }

    /// Moves both the monotonic and the wall time forward by `by`.
    pub fn advance(&self, by: Duration) {
        self.nanos
            .fetch_add(by.as_nanos().min(u64::MAX as u128) as u64, Ordering::SeqCst);
    }
}

impl Default for ManualClock {
    fn default() -> Self {
        Self::new()
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Duration {
        Duration::from_nanos(self.nanos.load(Ordering::SeqCst))
    }

    fn wall(&self) -> DateTime<Utc> {
        self.wall_origin + chrono::Duration::nanoseconds(self.nanos.load(Ordering::SeqCst) as i64)
    }
}
