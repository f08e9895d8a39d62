//! Lock-free per-breaker statistics: counters, latency histogram, failure-rate window.
//!
//! Everything here is plain atomics so the closed-state fast path never locks or allocates.
//! Groups written together share a cache line; groups that are only read on the fast path are
//! padded away from them.

use std::ops::Deref;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering::Relaxed};
use std::time::Duration;

use super::config::MAX_WINDOW_SIZE;

/// Upper bounds (seconds) of the latency histogram buckets, Prometheus-style; exported so
/// `/metrics` labels match the counts in [`HistogramSnapshot`].
pub const LATENCY_BUCKETS_SECONDS: [f64; 11] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

const BUCKET_NANOS: [u64; 11] = [
    5_000_000,
    10_000_000,
    25_000_000,
    50_000_000,
    100_000_000,
    250_000_000,
    500_000_000,
    1_000_000_000,
    2_500_000_000,
    5_000_000_000,
    10_000_000_000,
];

/// Buckets of a [`Histogram`]: one per bound plus the open-ended one.
pub(crate) const BUCKETS: usize = LATENCY_BUCKETS_SECONDS.len() + 1;

/// A success whose bucket count (per shard) crosses a multiple of this asks for a sampled
/// adaptive latency round (see `adaptive.rs`).
const LEARN_EVERY: u64 = 1024;

const WORDS: usize = (MAX_WINDOW_SIZE as usize).div_ceil(64);

/// Keeps a value on its own cache lines (128 bytes covers adjacent-line prefetch).
#[repr(align(128))]
#[derive(Default)]
pub(crate) struct Padded<T>(pub T);

impl<T> Deref for Padded<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

/// Call counters written off the success path. `consecutive_failures` is read on every
/// success but written only on failures, so in steady state its line stays shared.
#[derive(Default)]
pub(crate) struct Counters {
    pub failures: AtomicU64,
    pub ignored: AtomicU64,
    pub misconfigured: AtomicU64,
    pub consecutive_failures: AtomicU64,
    pub rejected: AtomicU64,
    pub abandoned: AtomicU64,
    pub transitions: AtomicU64,
}

impl Counters {
    pub fn reset(&self) {
        for c in [
            &self.failures,
            &self.ignored,
            &self.misconfigured,
            &self.consecutive_failures,
            &self.rejected,
            &self.abandoned,
            &self.transitions,
        ] {
            c.store(0, Relaxed);
        }
    }
}

/// Fixed-bucket latency histogram (non-cumulative counts, sum in nanoseconds); 104 bytes, so
/// one fits a padded 128-byte block.
#[derive(Default)]
pub(crate) struct Histogram {
    buckets: [AtomicU64; BUCKETS],
    sum_nanos: AtomicU64,
}

impl Histogram {
    /// Counts one call; returns the bucket's count before it, so a caller can sample cheaply.
    #[inline]
    pub fn observe(&self, elapsed: Duration) -> u64 {
        let nanos = elapsed.as_nanos().min(u64::MAX as u128) as u64;
        let mut i = 0;
        while i < BUCKET_NANOS.len() && nanos > BUCKET_NANOS[i] {
            i += 1;
        }
        let before = self.buckets[i].fetch_add(1, Relaxed);
        self.sum_nanos.fetch_add(nanos, Relaxed);
        before
    }

    fn add_to(&self, counts: &mut [u64; BUCKETS], sum_nanos: &mut u64) {
        for (c, b) in counts.iter_mut().zip(&self.buckets) {
            *c += b.load(Relaxed);
        }
        *sum_nanos += self.sum_nanos.load(Relaxed);
    }

    pub fn reset(&self) {
        for b in &self.buckets {
            b.store(0, Relaxed);
        }
        self.sum_nanos.store(0, Relaxed);
    }
}

const SHARDS: usize = 8;

/// Latency of successful calls, striped over per-thread shards so concurrent callers of the
/// same breaker do not fight over one cache line. Its count doubles as the success counter.
#[derive(Default)]
pub(crate) struct SuccessStats {
    shards: [Padded<Histogram>; SHARDS],
}

/// This thread's shard: assigned round-robin on first use, so up to `SHARDS` threads never
/// share one.
#[inline]
fn shard_index() -> usize {
    use std::cell::Cell;
    use std::sync::atomic::AtomicUsize;
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    thread_local! {
        static INDEX: Cell<usize> = const { Cell::new(usize::MAX) };
    }
    INDEX.with(|cell| {
        let index = cell.get();
        if index < SHARDS {
            return index;
        }
        let index = NEXT.fetch_add(1, Relaxed) % SHARDS;
        cell.set(index);
        index
    })
}

impl SuccessStats {
    /// Counts one success; true about once per [`LEARN_EVERY`] calls of a bucket, when an
    /// adaptive latency round is due (the count comes back from the add for free).
    #[inline]
    pub fn observe(&self, elapsed: Duration) -> bool {
        self.shards[shard_index()].observe(elapsed) % LEARN_EVERY == LEARN_EVERY - 1
    }

    /// Per-bucket counts summed over the shards (non-cumulative), for adaptive learning.
    pub fn bucket_counts(&self) -> [u64; BUCKETS] {
        let mut counts = [0u64; BUCKETS];
        for shard in &self.shards {
            for (c, b) in counts.iter_mut().zip(&shard.buckets) {
                *c += b.load(Relaxed);
            }
        }
        counts
    }

    pub fn count(&self) -> u64 {
        self.shards
            .iter()
            .flat_map(|s| s.buckets.iter())
            .map(|b| b.load(Relaxed))
            .sum()
    }

    pub fn reset(&self) {
        for s in &self.shards {
            s.reset();
        }
    }
}

/// Merges the success shards and the failure histogram into one Prometheus-style view.
pub(crate) fn merged_histogram(ok: &SuccessStats, failed: &Histogram) -> HistogramSnapshot {
    let (mut counts, mut sum) = ([0u64; BUCKETS], 0u64);
    for shard in &ok.shards {
        shard.add_to(&mut counts, &mut sum);
    }
    failed.add_to(&mut counts, &mut sum);
    let mut cumulative = Vec::with_capacity(counts.len());
    let mut acc = 0;
    for c in counts {
        acc += c;
        cumulative.push(acc);
    }
    HistogramSnapshot {
        bounds_seconds: &LATENCY_BUCKETS_SECONDS,
        cumulative,
        count: acc,
        sum_seconds: sum as f64 / 1e9,
    }
}

/// Latency histogram as Prometheus wants it; exists so `/metrics` can render
/// `_bucket{le=..}`, `_sum` and `_count` without knowing the breaker's internals.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct HistogramSnapshot {
    /// Finite bucket upper bounds in seconds (the `le` labels); `+Inf` is implied.
    pub bounds_seconds: &'static [f64],
    /// Cumulative counts, one per bound plus a final `+Inf` entry (equal to `count`).
    pub cumulative: Vec<u64>,
    /// Number of observed calls.
    pub count: u64,
    /// Sum of observed latencies in seconds.
    pub sum_seconds: f64,
}

impl HistogramSnapshot {
    /// Mean latency in milliseconds (0 when nothing was observed).
    pub fn mean_ms(&self) -> f64 {
        if self.count == 0 {
            0.0
        } else {
            self.sum_seconds * 1000.0 / self.count as f64
        }
    }

    /// Estimated `q`-quantile in milliseconds, interpolated linearly inside the bucket the
    /// way Prometheus' `histogram_quantile` does; the open-ended bucket reports its lower bound.
    pub fn quantile_ms(&self, q: f64) -> f64 {
        if self.count == 0 {
            return 0.0;
        }
        let target = q.clamp(0.0, 1.0) * self.count as f64;
        let mut prev_count = 0u64;
        let mut prev_bound = 0.0;
        for (i, &cum) in self.cumulative.iter().enumerate() {
            if cum as f64 >= target && cum > prev_count {
                let Some(&bound) = self.bounds_seconds.get(i) else {
                    return prev_bound * 1000.0;
                };
                let frac = (target - prev_count as f64) / (cum - prev_count) as f64;
                return (prev_bound + (bound - prev_bound) * frac.clamp(0.0, 1.0)) * 1000.0;
            }
            prev_count = cum;
            prev_bound = self.bounds_seconds.get(i).copied().unwrap_or(prev_bound);
        }
        prev_bound * 1000.0
    }
}

/// Count-based sliding window of the last `size` call results, one bit per call
/// (1 = failure). Fixed capacity so resizing via config never allocates.
///
/// Fast path: while the window is full and holds no failure, recording a success changes
/// nothing observable (every slot is a success, so which one it would overwrite is
/// irrelevant), so it is skipped — a healthy service's calls then write no shared memory here.
#[derive(Default)]
pub(crate) struct Window {
    pos: AtomicU64,
    /// Failure bits currently set anywhere in `bits`. May over-count after a race with
    /// `clear` (which only disables the skip until the next clear), never under-counts.
    failed: AtomicU32,
    bits: [AtomicU64; WORDS],
}

impl Window {
    #[inline]
    pub fn push(&self, failed: bool, size: u32) {
        if !failed && self.failed.load(Relaxed) == 0 && self.pos.load(Relaxed) >= u64::from(size) {
            return;
        }
        // A 32-bit modulo is several times cheaper than a 64-bit one; the only cost is that the
        // slot order skips once every 2^32 calls, which merely reorders a few window entries.
        let slot = (self.pos.fetch_add(1, Relaxed) as u32 % size.max(1)) as usize;
        let (word, mask) = (&self.bits[slot / 64], 1u64 << (slot % 64));
        if failed {
            if word.fetch_or(mask, Relaxed) & mask == 0 {
                self.failed.fetch_add(1, Relaxed);
            }
        } else if word.load(Relaxed) & mask != 0 && word.fetch_and(!mask, Relaxed) & mask != 0 {
            let _ = self
                .failed
                .fetch_update(Relaxed, Relaxed, |n| n.checked_sub(1));
        }
    }

    /// `(calls, failures)` currently in a window of `size`.
    pub fn counts(&self, size: u32) -> (u32, u32) {
        let size = size.clamp(1, MAX_WINDOW_SIZE);
        let calls = self.pos.load(Relaxed).min(u64::from(size)) as u32;
        let mut failures = 0;
        let mut left = size;
        for w in &self.bits {
            if left == 0 {
                break;
            }
            let take = left.min(64);
            let mask = if take == 64 {
                u64::MAX
            } else {
                (1u64 << take) - 1
            };
            failures += (w.load(Relaxed) & mask).count_ones();
            left -= take;
        }
        (calls, failures.min(calls))
    }

    pub fn clear(&self) {
        // `failed` first: a racing failure push can then only leave it too high (harmless).
        self.failed.store(0, Relaxed);
        for w in &self.bits {
            w.store(0, Relaxed);
        }
        self.pos.store(0, Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_counts_last_n() {
        let w = Window::default();
        for _ in 0..5 {
            w.push(true, 4);
        }
        assert_eq!(w.counts(4), (4, 4));
        w.push(false, 4);
        w.push(false, 4);
        assert_eq!(w.counts(4), (4, 2));
        w.clear();
        assert_eq!(w.counts(4), (0, 0));
        for i in 0..200 {
            w.push(i % 4 == 0, 100);
        }
        assert_eq!(w.counts(100), (100, 25));
    }

    #[test]
    fn window_skips_successes_only_when_clean_and_full() {
        let w = Window::default();
        for _ in 0..10 {
            w.push(false, 10);
        }
        for _ in 0..5 {
            w.push(false, 10); // skipped: full and clean
        }
        assert_eq!(w.pos.load(Relaxed), 10);
        w.push(true, 10);
        assert_eq!(w.counts(10), (10, 1));
        for _ in 0..9 {
            w.push(false, 10);
        }
        assert_eq!(w.counts(10), (10, 1), "failure still among the last 10");
        w.push(false, 10);
        assert_eq!(w.counts(10), (10, 0));
        assert_eq!(w.failed.load(Relaxed), 0);
        // Growing the window resumes recording.
        assert_eq!(w.pos.load(Relaxed), 21);
        w.push(false, 40);
        assert_eq!(w.counts(40), (22, 0));
    }

    #[test]
    fn histogram_quantiles() {
        let (ok, failed) = (SuccessStats::default(), Histogram::default());
        for _ in 0..90 {
            ok.observe(Duration::from_millis(3)); // bucket <= 5ms
        }
        for _ in 0..10 {
            failed.observe(Duration::from_millis(80)); // bucket <= 100ms
        }
        assert_eq!(ok.count(), 90);
        let s = merged_histogram(&ok, &failed);
        assert_eq!(s.count, 100);
        assert_eq!(s.cumulative.len(), 12);
        assert_eq!(s.cumulative[0], 90);
        assert_eq!(*s.cumulative.last().unwrap(), 100);
        assert!((s.mean_ms() - 10.7).abs() < 1e-6, "{}", s.mean_ms());
        let p95 = s.quantile_ms(0.95);
        assert!(p95 > 50.0 && p95 <= 100.0, "{p95}");
        failed.observe(Duration::from_secs(60));
        let s = merged_histogram(&ok, &failed);
        assert_eq!((s.cumulative[10], s.cumulative[11]), (100, 101));
        ok.reset();
        failed.reset();
        assert_eq!(merged_histogram(&ok, &failed).count, 0);
    }
}
