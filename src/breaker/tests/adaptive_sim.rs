//! The outage simulation: synthetic outage traces replayed on a `ManualClock` against the fixed
//! thresholds, the fixed ones with exponential back-off, and adaptive mode. A client calls every
//! 500 ms; a call fails while the service is down. Measured per outage: the time from the
//! service coming back to the breaker closing, and the half-open trials made while it was down.
//! `cargo test --lib adaptive -- --nocapture` prints the figures.

use std::time::Duration;

use super::transitions::{setup, MS};
use crate::breaker::*;

/// Time between two calls of the simulated client.
const STEP_MS: u64 = 500;
/// Outages at least this long count as "long".
const LONG_MS: u64 = 60_000;

/// Deterministic pseudo-random numbers (xorshift64*), so every run replays the same traces.
struct Rng(u64);

impl Rng {
    fn uniform_ms(&mut self, lo_s: u64, hi_s: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        let r = self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11;
        lo_s * 1000 + r % ((hi_s - lo_s) * 1000)
    }
}

/// `(start_ms, duration_ms)` of each outage; `long_every` = 0 means no long ones.
fn trace(seed: u64, n: usize, short_s: (u64, u64), long_every: usize) -> Vec<(u64, u64)> {
    let mut rng = Rng(seed);
    let (mut t, mut out) = (60_000, Vec::with_capacity(n));
    for i in 0..n {
        let long = long_every > 0 && i % long_every == long_every - 1;
        let d = if long {
            rng.uniform_ms(600, 1800) // 10 to 30 minutes
        } else {
            rng.uniform_ms(short_s.0, short_s.1)
        };
        out.push((t, d));
        let gap = if long {
            rng.uniform_ms(600, 1200)
        } else {
            rng.uniform_ms(120, 600)
        };
        t += d + gap;
    }
    out
}

/// What one replay measured.
#[derive(Debug, Default)]
struct Figures {
    short_recovery_s: Vec<f64>,
    short_probes: u64,
    long_recovery_s: Vec<f64>,
    long_probes: Vec<u64>,
}

fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len().max(1) as f64
}

/// `mean` for the table: "-" when there is nothing to average.
fn shown(v: &[f64]) -> String {
    if v.is_empty() {
        "-".into()
    } else {
        format!("{:.1}", mean(v))
    }
}

fn replay(cfg: BreakerConfig, outages: &[(u64, u64)]) -> Figures {
    let (clock, b) = setup(cfg);
    let end = outages.last().map_or(0, |(s, d)| s + d) + 1_200_000;
    let mut probes = vec![0u64; outages.len()];
    let mut recovered: Vec<Option<u64>> = vec![None; outages.len()];
    let mut was_closed = true;
    let mut t = 0;
    while t < end {
        let down = outages.iter().position(|&(s, d)| s <= t && t < s + d);
        if let Ok(permit) = b.try_acquire() {
            match down {
                Some(i) => {
                    probes[i] += u64::from(permit.is_trial());
                    permit.failure(MS, FailureKind::Connect);
                }
                None => permit.success(Duration::from_millis(20)),
            }
        }
        let closed = b.state() == BreakerState::Closed;
        if closed && !was_closed {
            if let Some(i) = outages.iter().rposition(|&(s, d)| s + d <= t) {
                recovered[i].get_or_insert(t - (outages[i].0 + outages[i].1));
            }
        }
        was_closed = closed;
        clock.advance(Duration::from_millis(STEP_MS));
        t += STEP_MS;
    }
    let mut f = Figures::default();
    for (i, &(_, d)) in outages.iter().enumerate() {
        let rec = recovered[i].expect("every outage that tripped the breaker ends closed") as f64;
        if d >= LONG_MS {
            f.long_recovery_s.push(rec / 1000.0);
            f.long_probes.push(probes[i]);
        } else {
            f.short_recovery_s.push(rec / 1000.0);
            f.short_probes += probes[i];
        }
    }
    f
}

/// The three breakers compared: the qBittorrent defaults (3 failures, 30 s), the same with
/// the fixed rule's back-off (×2 per re-open up to 300 s), and the same with `adaptive = true`.
fn modes() -> [(&'static str, BreakerConfig); 3] {
    let fixed = BreakerConfig::with_defaults(3, 30);
    [
        ("fixed", fixed.clone()),
        (
            "fixed+backoff",
            BreakerConfig {
                backoff_multiplier: 2.0,
                max_recovery_timeout_seconds: 300,
                ..fixed.clone()
            },
        ),
        (
            "adaptive",
            BreakerConfig {
                adaptive: true,
                ..fixed
            },
        ),
    ]
}

/// Replays `outages` in every mode, prints a table, returns (fixed, adaptive).
fn compare(name: &str, outages: &[(u64, u64)]) -> (Figures, Figures) {
    let mut results: Vec<(&str, Figures)> = Vec::new();
    for (mode, cfg) in modes() {
        let f = replay(cfg, outages);
        let long_probes: Vec<f64> = f.long_probes.iter().map(|&p| p as f64).collect();
        println!(
            "{name:<6} {mode:<14} short: {:>2} outages, recovery mean {:>5} s max {:>5.1} s, \
             failed trials {:>3} | long: {:>2} outages, trials/outage {:>5}, recovery mean {:>5} s",
            f.short_recovery_s.len(),
            shown(&f.short_recovery_s),
            f.short_recovery_s.iter().copied().fold(0.0, f64::max),
            f.short_probes,
            f.long_probes.len(),
            shown(&long_probes),
            shown(&f.long_recovery_s),
        );
        results.push((mode, f));
    }
    let adaptive = results.pop().expect("adaptive").1;
    (results.swap_remove(0).1, adaptive)
}

fn trials_per_outage(f: &Figures) -> f64 {
    f.long_probes.iter().sum::<u64>() as f64 / f.long_probes.len().max(1) as f64
}

#[test]
fn adaptive_recovers_sooner_after_short_outages() {
    let (fixed, adaptive) = compare("short", &trace(1, 40, (2, 6), 0));
    let (f, a) = (
        mean(&fixed.short_recovery_s),
        mean(&adaptive.short_recovery_s),
    );
    assert!(f > 20.0, "fixed 30 s period: {f}");
    assert!(a < f / 3.0, "adaptive {a} s vs fixed {f} s");
}

#[test]
fn adaptive_probes_less_during_long_outages() {
    let (fixed, adaptive) = compare("long", &trace(2, 5, (2, 6), 1));
    let (f, a) = (trials_per_outage(&fixed), trials_per_outage(&adaptive));
    assert!(f > 15.0, "fixed: {f}");
    assert!(
        a < f / 3.0,
        "adaptive {a} vs fixed {f} trials per long outage"
    );
}

#[test]
fn adaptive_wins_both_ways_on_a_mixed_trace() {
    let (fixed, adaptive) = compare("mixed", &trace(3, 60, (2, 8), 10));
    let (f, a) = (
        mean(&fixed.short_recovery_s),
        mean(&adaptive.short_recovery_s),
    );
    assert!(a < f / 2.0, "short recovery: adaptive {a} s vs fixed {f} s");
    let (f, a) = (trials_per_outage(&fixed), trials_per_outage(&adaptive));
    assert!(a < f / 2.0, "long trials: adaptive {a} vs fixed {f}");
}
