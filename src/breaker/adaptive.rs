//! Adaptive thresholds (`adaptive = true`): the open period learned from past outages and the
//! slow-call bar learned from the latency of healthy calls, both bounded by the configured
//! `adaptive_min_*` / `adaptive_max_*`.
//!
//! Open period: each outage that a successful half-open trial ended leaves an estimate of how
//! long the service was away — the midpoint between the last failed trial (or the opening) and
//! the successful one, measured from the outage's first opening. The next outage's first trial
//! waits the 75th percentile of the last [`RECOVERY_HISTORY`] estimates (the fixed
//! `recovery_timeout_seconds` until there is one); every failed trial of the same outage doubles
//! the wait up to the ceiling, so a long outage is probed less and less often.
//!
//! Slow-call bar: [`SLOW_CALL_FACTOR`] × the 95th percentile of successful calls, taken from the
//! success histogram the closed path already fills (so learning adds no store to that path) over
//! at least [`MIN_LATENCY_SAMPLES`] new calls and smoothed by an EWMA. A round runs when a
//! snapshot is taken (health, alerts, dashboard) or, sampled, about every 1024th success of a
//! latency bucket; it never blocks (a busy round is skipped) and never allocates.
//!
//! With `adaptive = false` nothing here changes a decision: recoveries are still recorded (on
//! transitions only) so switching it on starts from the history, latency is not learned.

use std::sync::atomic::AtomicU64;
use std::sync::atomic::Ordering::Relaxed;
use std::time::Duration;

use parking_lot::Mutex;
use serde::Serialize;

use super::config::BreakerConfig;
use super::machine::{nanos, CircuitBreaker};
use super::stats::{BUCKETS, LATENCY_BUCKETS_SECONDS};

/// Outages the open period is learned from (the most recent ones).
pub const RECOVERY_HISTORY: usize = 16;
/// Percentile of the recent outage estimates the first trial of an outage waits.
pub const RECOVERY_QUANTILE: f64 = 0.75;
/// Growth of the open period per failed trial of one outage (up to the ceiling).
pub const OPEN_GROWTH: f64 = 2.0;
/// The slow-call bar as a multiple of the healthy p95 latency.
pub const SLOW_CALL_FACTOR: f64 = 4.0;
/// New successful calls a latency round needs before it moves the learned p95.
pub const MIN_LATENCY_SAMPLES: u64 = 64;
/// Weight of a new round's p95 in the smoothed value.
const EWMA_WEIGHT: f64 = 0.25;

/// Ring of outage estimates plus the one waiting for its closing trial to confirm it.
#[derive(Default)]
struct Recoveries {
    ms: [u64; RECOVERY_HISTORY],
    len: usize,
    next: usize,
    total: u64,
    /// `(epoch of the closed word, estimate)` stashed by the close transition; only the trial
    /// that made that transition commits it, so an operator's close is not an observed recovery.
    pending: Option<(u32, u64)>,
}

/// What the breaker has learned; everything but the two atomics is touched only on transitions
/// and learning rounds.
#[derive(Default)]
pub(crate) struct Adaptive {
    recoveries: Mutex<Recoveries>,
    /// Learned base open period in ms (0 = no outage observed yet).
    open_ms: AtomicU64,
    /// Monotonic time the current outage first opened (level 0).
    outage_started_nanos: AtomicU64,
    /// Success-histogram counts at the last round; the lock also serializes every write of the
    /// slow-call mirror (config stores and rounds).
    pub(crate) latency: Mutex<[u64; BUCKETS]>,
    /// Smoothed healthy p95 in microseconds (0 = not learned yet).
    p95_micros: AtomicU64,
}

/// The adaptive values in effect, for `/api/v1/circuit-breakers` (`adaptive` in each snapshot).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AdaptiveSnapshot {
    /// Whether `adaptive = true` is configured.
    pub enabled: bool,
    /// Open period before the first trial of the next outage, in seconds (the fixed
    /// `recovery_timeout_seconds` when off or before any outage was observed).
    pub open_seconds: f64,
    /// Slow-call bar in effect, in ms (0 = the slow-call rule is off).
    pub slow_call_ms: u64,
    /// Outages a successful trial ended since creation or the last reset.
    pub observed_recoveries: u64,
    /// Learned p95 latency of healthy calls in ms, null until learned (adaptive only).
    pub healthy_p95_ms: Option<f64>,
}

impl Adaptive {
    /// The slow-call bar for `cfg` in nanoseconds (0 = off): learned when adaptive and the rule
    /// is on and a p95 is known, the configured `slow_call_ms` otherwise.
    pub(crate) fn slow_call_nanos(&self, cfg: &BreakerConfig) -> u64 {
        let p95 = self.p95_micros.load(Relaxed);
        if !cfg.adaptive || cfg.slow_call_ms == 0 || p95 == 0 {
            return cfg.slow_call().map_or(0, nanos);
        }
        let (lo, hi) = (cfg.adaptive_min_slow_call_ms, cfg.adaptive_max_slow_call_ms);
        let ms = (p95 as f64 * SLOW_CALL_FACTOR / 1000.0).clamp(lo as f64, hi.max(lo) as f64);
        (ms * 1e6).round() as u64
    }

    /// Base open period (before growth and jitter) for `cfg`.
    fn base_open_seconds(&self, cfg: &BreakerConfig) -> f64 {
        let learned = self.open_ms.load(Relaxed);
        let base = if learned == 0 {
            cfg.recovery_timeout_seconds.max(1) as f64
        } else {
            learned as f64 / 1000.0
        };
        let (lo, hi) = open_bounds(cfg);
        base.clamp(lo, hi)
    }

    /// How long the breaker stays open after the `level`-th failed trial of this outage: the
    /// learned base doubled per level, within the bounds, then jittered like the fixed rule.
    pub(crate) fn open_duration(&self, cfg: &BreakerConfig, level: u32, draw: f64) -> Duration {
        let (_, hi) = open_bounds(cfg);
        let grown = (self.base_open_seconds(cfg) * OPEN_GROWTH.powi(level.min(64) as i32)).min(hi);
        let jitter = cfg.jitter_ratio.clamp(0.0, 0.999) * draw.clamp(0.0, 1.0);
        Duration::from_secs_f64((grown * (1.0 - jitter)).max(0.001))
    }

    /// Notes the first opening of an outage (called under the transition lock).
    pub(crate) fn outage_opened(&self, now: Duration) {
        self.outage_started_nanos.store(nanos(now), Relaxed);
    }

    /// Stashes the estimate of the outage a close from half-open ends (under the transition
    /// lock): the midpoint of the last failed trial (`last_open`, the outage start when no
    /// trial failed) and now, from the outage start.
    pub(crate) fn stash_recovery(
        &self,
        epoch: u32,
        last_open: Duration,
        level: u32,
        now: Duration,
    ) {
        let start = Duration::from_nanos(self.outage_started_nanos.load(Relaxed));
        let failed = if level > 0 {
            last_open.saturating_sub(start)
        } else {
            Duration::ZERO
        };
        let estimate = (failed + now.saturating_sub(start)) / 2;
        let ms = estimate.as_millis().clamp(1, u128::from(u64::MAX)) as u64;
        self.recoveries.lock().pending = Some((epoch, ms));
    }

    /// Records the stashed estimate if the close of `epoch` was a trial's, and re-learns the
    /// base open period from the ring.
    pub(crate) fn commit_recovery(&self, epoch: u32) {
        let mut r = self.recoveries.lock();
        let Some((e, ms)) = r.pending.take() else {
            return;
        };
        if e != epoch {
            return;
        }
        let slot = r.next;
        r.ms[slot] = ms;
        r.next = (slot + 1) % RECOVERY_HISTORY;
        r.len = (r.len + 1).min(RECOVERY_HISTORY);
        r.total += 1;
        let mut sorted = r.ms;
        let recent = &mut sorted[..r.len];
        recent.sort_unstable();
        self.open_ms
            .store(quantile(recent, RECOVERY_QUANTILE).round() as u64, Relaxed);
    }

    /// One latency round over `counts` (the success histogram now), under the held `baseline`
    /// lock: moves the smoothed p95 when enough new calls arrived. Returns whether it moved.
    fn learn(&self, baseline: &mut [u64; BUCKETS], counts: [u64; BUCKETS]) -> bool {
        if counts.iter().zip(baseline.iter()).any(|(c, b)| c < b) {
            *baseline = counts; // the histogram was reset: start over from here
            return false;
        }
        let mut delta = [0u64; BUCKETS];
        for (d, (c, b)) in delta.iter_mut().zip(counts.iter().zip(baseline.iter())) {
            *d = c - b;
        }
        if delta.iter().sum::<u64>() < MIN_LATENCY_SAMPLES {
            return false;
        }
        *baseline = counts;
        let p95 = bucket_quantile_ms(&delta, 0.95) * 1000.0;
        let old = self.p95_micros.load(Relaxed) as f64;
        let next = if old == 0.0 {
            p95
        } else {
            old + EWMA_WEIGHT * (p95 - old)
        };
        self.p95_micros.store(next.round().max(1.0) as u64, Relaxed);
        true
    }

    /// Forgets everything learned (operator reset).
    pub(crate) fn reset(&self) {
        *self.recoveries.lock() = Recoveries::default();
        self.open_ms.store(0, Relaxed);
        self.p95_micros.store(0, Relaxed);
    }
}

/// `[min, max]` of the open period in seconds, tolerating an unvalidated config.
fn open_bounds(cfg: &BreakerConfig) -> (f64, f64) {
    let lo = cfg.adaptive_min_open_seconds.max(1);
    (lo as f64, cfg.adaptive_max_open_seconds.max(lo) as f64)
}

/// Linear-interpolated quantile of sorted values (`q` in [0, 1]).
fn quantile(sorted: &[u64], q: f64) -> f64 {
    let Some(&last) = sorted.last() else {
        return 0.0;
    };
    let pos = q.clamp(0.0, 1.0) * (sorted.len() - 1) as f64;
    let (i, frac) = (pos.floor() as usize, pos.fract());
    let next = sorted.get(i + 1).copied().unwrap_or(last);
    sorted[i] as f64 + (next as f64 - sorted[i] as f64) * frac
}

/// `q`-quantile in ms of non-cumulative latency bucket counts, interpolated inside the bucket
/// like `HistogramSnapshot::quantile_ms` (the open-ended bucket reports its lower bound).
fn bucket_quantile_ms(counts: &[u64; BUCKETS], q: f64) -> f64 {
    let total: u64 = counts.iter().sum();
    let target = q * total as f64;
    let (mut seen, mut lower) = (0u64, 0.0);
    for (i, &c) in counts.iter().enumerate() {
        let Some(&upper) = LATENCY_BUCKETS_SECONDS.get(i) else {
            break;
        };
        if c > 0 && (seen + c) as f64 >= target {
            let frac = ((target - seen as f64) / c as f64).clamp(0.0, 1.0);
            return (lower + (upper - lower) * frac) * 1000.0;
        }
        seen += c;
        lower = upper;
    }
    lower * 1000.0
}

impl CircuitBreaker {
    /// A latency round if adaptive is on; skipped when another round or a config store holds
    /// the lock. Called by snapshots and, sampled, by the success path.
    #[cold]
    #[inline(never)]
    pub(crate) fn learn_latency(&self) {
        if !self.hot.config.load().adaptive {
            return;
        }
        let Some(mut baseline) = self.adaptive.latency.try_lock() else {
            return;
        };
        if self
            .adaptive
            .learn(&mut baseline, self.successes.bucket_counts())
        {
            let cfg = self.hot.config.load();
            self.hot
                .refresh_mirror(&cfg, self.adaptive.slow_call_nanos(&cfg));
        }
    }

    /// The adaptive values in effect now.
    pub(crate) fn adaptive_snapshot(&self, cfg: &BreakerConfig) -> AdaptiveSnapshot {
        let open = if cfg.adaptive {
            self.adaptive.base_open_seconds(cfg)
        } else {
            cfg.recovery_timeout_seconds as f64
        };
        let p95 = self.adaptive.p95_micros.load(Relaxed);
        AdaptiveSnapshot {
            enabled: cfg.adaptive,
            open_seconds: (open * 1000.0).round() / 1000.0,
            slow_call_ms: self.hot.slow_call_nanos.load(Relaxed) / 1_000_000,
            observed_recoveries: self.adaptive.recoveries.lock().total,
            healthy_p95_ms: (cfg.adaptive && p95 > 0).then(|| p95 as f64 / 1000.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles() {
        assert_eq!(quantile(&[10], 0.75), 10.0);
        assert_eq!(quantile(&[10, 20], 0.75), 17.5);
        assert_eq!(quantile(&[1, 2, 3, 4, 5], 0.75), 4.0);
        let mut counts = [0u64; BUCKETS];
        counts[3] = 100; // (25, 50] ms
        assert!((bucket_quantile_ms(&counts, 0.95) - 48.75).abs() < 1e-9);
        counts[11] = 1000; // > 10 s
        assert_eq!(bucket_quantile_ms(&counts, 0.95), 10_000.0);
    }
}
