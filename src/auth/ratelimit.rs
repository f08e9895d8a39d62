//! Failed-login throttling per client address (a sliding window of failure times).

use parking_lot::Mutex;
use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::time::{Duration, Instant};

/// Refuses further login attempts from an address once it has `max` failures inside `window`.
pub struct LoginLimiter {
    failures: Mutex<HashMap<IpAddr, VecDeque<Instant>>>,
}

impl Default for LoginLimiter {
    fn default() -> Self {
        LoginLimiter {
            failures: Mutex::new(HashMap::new()),
        }
    }
}

impl LoginLimiter {
    /// `Err(wait)` when the address must wait before trying again.
    pub fn check(
        &self,
        ip: IpAddr,
        max: u32,
        window: Duration,
        now: Instant,
    ) -> Result<(), Duration> {
        let mut map = self.failures.lock();
        let Some(q) = map.get_mut(&ip) else {
            return Ok(());
        };
        while q.front().is_some_and(|t| now.duration_since(*t) >= window) {
            q.pop_front();
        }
        if q.len() as u32 >= max {
            let oldest = *q.front().expect("non-empty");
            return Err(window
                .saturating_sub(now.duration_since(oldest))
                .max(Duration::from_secs(1)));
        }
        Ok(())
    }

    /// Records one failure; the map is pruned so a flood of addresses cannot grow it without bound.
    pub fn record_failure(&self, ip: IpAddr, window: Duration, now: Instant) {
        let mut map = self.failures.lock();
        if map.len() > 10_000 {
            map.retain(|_, q| q.back().is_some_and(|t| now.duration_since(*t) < window));
        }
        let q = map.entry(ip).or_default();
        q.push_back(now);
        if q.len() > 64 {
            q.pop_front();
        }
    }

    /// A successful login forgets that address's failures.
    pub fn clear(&self, ip: IpAddr) {
        self.failures.lock().remove(&ip);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_after_max_then_recovers() {
        let l = LoginLimiter::default();
        let ip: IpAddr = "127.0.0.1".parse().unwrap();
        let other: IpAddr = "127.0.0.2".parse().unwrap();
        let w = Duration::from_secs(60);
        let t0 = Instant::now();
        for i in 0..5 {
            assert!(l.check(ip, 5, w, t0).is_ok(), "attempt {i}");
            l.record_failure(ip, w, t0);
        }
        let wait = l.check(ip, 5, w, t0).unwrap_err();
        assert!(wait > Duration::from_secs(50));
        assert!(l.check(other, 5, w, t0).is_ok());
        assert!(l.check(ip, 5, w, t0 + Duration::from_secs(61)).is_ok());
    }
}
