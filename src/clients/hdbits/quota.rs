//! The client-side HDBits request budget: a sliding one-hour window.
//!
//! Why: HDBits documents ~150 API requests per hour per user; going over can get the account
//! restricted. A sliding window (not a fixed hourly reset) never lets a burst straddle two
//! hours to double the rate.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use parking_lot::Mutex;

/// Length of the window.
pub const WINDOW: Duration = Duration::from_secs(3600);

/// A sliding-window request budget; thread-safe, never held across an await.
#[derive(Debug)]
pub struct Quota {
    limit: u32,
    window: Duration,
    used: Mutex<VecDeque<Instant>>,
}

impl Quota {
    /// `limit` requests per hour (0 refuses everything).
    pub fn per_hour(limit: u32) -> Self {
        Self::new(limit, WINDOW)
    }

    /// `limit` requests per `window` (tests use short windows).
    pub fn new(limit: u32, window: Duration) -> Self {
        Self {
            limit,
            window,
            used: Mutex::new(VecDeque::new()),
        }
    }

    fn prune(&self, used: &mut VecDeque<Instant>, now: Instant) {
        while used
            .front()
            .is_some_and(|t| now.saturating_duration_since(*t) >= self.window)
        {
            used.pop_front();
        }
    }

    fn wait(&self, used: &VecDeque<Instant>, now: Instant) -> Duration {
        used.front().map_or(self.window, |oldest| {
            (*oldest + self.window).saturating_duration_since(now)
        })
    }

    /// Counts one request, or says how long until one is allowed.
    pub fn try_take(&self) -> Result<(), Duration> {
        let now = Instant::now();
        let mut used = self.used.lock();
        self.prune(&mut used, now);
        if (used.len() as u64) < u64::from(self.limit) {
            used.push_back(now);
            Ok(())
        } else {
            Err(self.wait(&used, now))
        }
    }

    /// Like [`Self::try_take`] without counting: lets a caller skip early.
    pub fn check(&self) -> Result<(), Duration> {
        let now = Instant::now();
        let mut used = self.used.lock();
        self.prune(&mut used, now);
        if (used.len() as u64) < u64::from(self.limit) {
            Ok(())
        } else {
            Err(self.wait(&used, now))
        }
    }

    /// Requests left in the current window (for health/diagnostics).
    pub fn remaining(&self) -> u32 {
        let now = Instant::now();
        let mut used = self.used.lock();
        self.prune(&mut used, now);
        self.limit.saturating_sub(used.len() as u32)
    }

    /// The configured limit.
    pub fn limit(&self) -> u32 {
        self.limit
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spends_and_refills() {
        let q = Quota::new(2, Duration::from_millis(80));
        assert_eq!(q.remaining(), 2);
        assert!(q.try_take().is_ok());
        assert!(q.check().is_ok());
        assert!(q.try_take().is_ok());
        let wait = q.try_take().expect_err("spent");
        assert!(wait <= Duration::from_millis(80) && wait > Duration::ZERO);
        assert!(q.check().is_err());
        assert_eq!(q.remaining(), 0);
        std::thread::sleep(Duration::from_millis(100));
        assert!(q.try_take().is_ok());
        assert!(Quota::per_hour(0).try_take().is_err());
        assert_eq!(Quota::per_hour(150).limit(), 150);
    }
}
