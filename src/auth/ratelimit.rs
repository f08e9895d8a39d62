//! Failed-login throttling: per client address, and for all addresses together (so an attacker
//! spreading guesses over many addresses is still slowed down), each a sliding window of failure
//! times.

use parking_lot::Mutex;
use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::time::{Duration, Instant};

/// Refuses further login attempts from an address once it has `max` failures inside `window`.
pub struct LoginLimiter {
    failures: Mutex<HashMap<IpAddr, VecDeque<Instant>>>,
    /// Every failure from any address, newest last.
    global: Mutex<VecDeque<Instant>>,
}

impl Default for LoginLimiter {
    fn default() -> Self {
        LoginLimiter {
            failures: Mutex::new(HashMap::new()),
            global: Mutex::new(VecDeque::new()),
        }
    }
}

/// `Err(wait)` when `q` (pruned to `window`) already holds `max` failures.
fn over(
    q: &mut VecDeque<Instant>,
    max: u32,
    window: Duration,
    now: Instant,
) -> Result<(), Duration> {
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

impl LoginLimiter {
    /// `Err(wait)` when the address must wait before trying again: it has `max` failures in the
    /// window, or all addresses together have `global_max`.
    pub fn check(
        &self,
        ip: IpAddr,
        max: u32,
        global_max: u32,
        window: Duration,
        now: Instant,
    ) -> Result<(), Duration> {
        if let Some(q) = self.failures.lock().get_mut(&ip) {
            over(q, max, window, now)?;
        }
        over(&mut self.global.lock(), global_max, window, now)
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
        drop(map);
        let mut global = self.global.lock();
        global.push_back(now);
        if global.len() > 10_000 {
            global.pop_front();
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
            assert!(l.check(ip, 5, 30, w, t0).is_ok(), "attempt {i}");
            l.record_failure(ip, w, t0);
        }
        let wait = l.check(ip, 5, 30, w, t0).unwrap_err();
        assert!(wait > Duration::from_secs(50));
        assert!(l.check(other, 5, 30, w, t0).is_ok());
        assert!(l.check(ip, 5, 30, w, t0 + Duration::from_secs(61)).is_ok());
    }

    #[test]
    fn many_addresses_together_hit_the_global_limit() {
        let l = LoginLimiter::default();
        let w = Duration::from_secs(60);
        let t0 = Instant::now();
        // 30 addresses, one failure each: none is over its own limit of 5.
        for i in 0..30u8 {
            let ip = IpAddr::from([127, 0, 0, i + 1]);
            assert!(l.check(ip, 5, 30, w, t0).is_ok(), "address {i}");
            l.record_failure(ip, w, t0);
        }
        let fresh = IpAddr::from([127, 0, 1, 1]);
        assert!(
            l.check(fresh, 5, 30, w, t0).is_err(),
            "the 31st failure anywhere waits"
        );
        // A success clears only its own address; the global window still holds.
        l.clear(IpAddr::from([127, 0, 0, 1]));
        assert!(l.check(fresh, 5, 30, w, t0).is_err());
        assert!(l
            .check(fresh, 5, 30, w, t0 + Duration::from_secs(61))
            .is_ok());
    }
}
