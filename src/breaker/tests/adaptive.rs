//! Adaptive thresholds: what is learned, the bounds, "off means off", and the outage simulation
//! against the fixed thresholds (`cargo test --lib adaptive -- --nocapture` prints the figures).

use std::sync::atomic::Ordering::Relaxed;
use std::time::Duration;

use super::transitions::{fail, ok, secs, setup, transitions};
use crate::breaker::*;

fn adaptive(threshold: u32, timeout_s: u64) -> BreakerConfig {
    BreakerConfig {
        adaptive: true,
        ..BreakerConfig::with_defaults(threshold, timeout_s)
    }
}

fn succeed_in(b: &CircuitBreaker, elapsed: Duration) {
    b.try_acquire().expect("admitted").success(elapsed);
}

#[test]
fn open_period_is_learned_from_recoveries_and_grows_per_failed_trial() {
    let (clock, b) = setup(adaptive(1, 30));
    assert_eq!(
        b.snapshot().adaptive.open_seconds,
        30.0,
        "fixed value first"
    );
    fail(&b);
    clock.advance(secs(30));
    ok(&b); // the trial closes it: the outage lasted at most 30 s, estimate 15 s
    let a = b.snapshot().adaptive;
    assert_eq!((a.observed_recoveries, a.open_seconds), (1, 15.0));

    // Next outage: the first trial comes after 15 s; failed trials double the wait.
    fail(&b);
    assert_eq!(b.try_acquire().unwrap_err().retry_after, secs(15));
    clock.advance(secs(15));
    fail(&b);
    assert_eq!(b.try_acquire().unwrap_err().retry_after, secs(30));
    clock.advance(secs(30));
    fail(&b);
    assert_eq!(b.try_acquire().unwrap_err().retry_after, secs(60));
    clock.advance(secs(60));
    ok(&b);
    // Last failed trial 45 s after opening, success at 105 s: estimate 75 s. p75 of {15, 75}.
    let a = b.snapshot().adaptive;
    assert_eq!((a.observed_recoveries, a.open_seconds), (2, 60.0));
}

#[test]
fn adaptive_open_period_stays_within_bounds() {
    let cfg = BreakerConfig {
        adaptive_min_open_seconds: 10,
        adaptive_max_open_seconds: 40,
        ..adaptive(1, 30)
    };
    let (clock, b) = setup(cfg);
    // Every estimate is half the wait, so the period shrinks, but never below the floor.
    for _ in 0..8 {
        fail(&b);
        let wait = b.try_acquire().unwrap_err().retry_after;
        assert!(wait >= secs(10), "{wait:?}");
        clock.advance(wait);
        ok(&b);
    }
    assert_eq!(b.snapshot().adaptive.open_seconds, 10.0);
    // Growth across failed trials stops at the ceiling.
    fail(&b);
    for want in [10, 20, 40, 40] {
        assert_eq!(b.try_acquire().unwrap_err().retry_after, secs(want));
        clock.advance(secs(want));
        fail(&b);
    }
}

#[test]
fn operator_close_is_not_an_observed_recovery_and_reset_forgets() {
    let (clock, b) = setup(adaptive(1, 30));
    fail(&b);
    clock.advance(secs(30));
    let trial = b.try_acquire().expect("trial");
    assert!(trial.is_trial());
    b.close();
    trial.success(Duration::from_millis(1));
    assert_eq!(b.snapshot().adaptive.observed_recoveries, 0);
    fail(&b);
    clock.advance(secs(30));
    ok(&b);
    assert_eq!(b.snapshot().adaptive.observed_recoveries, 1);
    b.reset();
    let a = b.snapshot().adaptive;
    assert_eq!((a.observed_recoveries, a.open_seconds), (0, 30.0));
}

#[test]
fn adaptive_off_keeps_the_fixed_rules_exactly() {
    // Same trace, adaptive off with odd bounds vs the plain config: identical behaviour.
    let odd = BreakerConfig {
        adaptive_min_open_seconds: 1,
        adaptive_max_open_seconds: 2,
        adaptive_min_slow_call_ms: 1,
        adaptive_max_slow_call_ms: 1,
        ..BreakerConfig::with_defaults(2, 20)
    };
    let run = |cfg: BreakerConfig| {
        let (clock, b) = setup(cfg);
        let mut waits = Vec::new();
        for round in 0..6u64 {
            for _ in 0..2000 {
                succeed_in(&b, Duration::from_millis(40));
            }
            fail(&b);
            fail(&b);
            waits.push(b.try_acquire().unwrap_err().retry_after);
            clock.advance(secs(20 + round));
            ok(&b);
            succeed_in(&b, Duration::from_millis(3000));
        }
        let snap = b.snapshot();
        (
            waits,
            transitions(&b),
            snap.failures,
            snap.adaptive.slow_call_ms,
        )
    };
    let plain = run(BreakerConfig::with_defaults(2, 20));
    assert_eq!(run(odd), plain);
    assert_eq!(plain.0, vec![secs(20); 6]);
    assert_eq!(plain.3, 5_000);
}

#[test]
fn slow_call_bar_is_learned_from_healthy_latency() {
    let (_, b) = setup(adaptive(3, 30));
    assert_eq!(
        b.snapshot().adaptive.slow_call_ms,
        5_000,
        "fixed until learned"
    );
    for _ in 0..MIN_LATENCY_SAMPLES {
        succeed_in(&b, Duration::from_millis(40)); // (25, 50] ms bucket: p95 48.75 ms
    }
    let a = b.snapshot().adaptive;
    assert_eq!(a.healthy_p95_ms, Some(48.75));
    assert_eq!(
        a.slow_call_ms, 1_000,
        "4 x 48.75 ms, raised to the 1000 ms floor"
    );
    succeed_in(&b, Duration::from_millis(1_500));
    assert_eq!(
        b.snapshot().failures,
        1,
        "1.5 s is slow now (fixed bar: 5 s)"
    );
    assert!(b
        .snapshot()
        .last_failure_reason
        .unwrap()
        .contains("> 1000 ms"));

    // A lower floor lets the bar follow the latency; the ceiling caps it.
    let patch = BreakerConfigPatch {
        adaptive_min_slow_call_ms: Some(50),
        ..Default::default()
    };
    b.update_config(patch.apply(&b.config())).unwrap();
    assert_eq!(b.snapshot().adaptive.slow_call_ms, 195);
    let patch = BreakerConfigPatch {
        adaptive_max_slow_call_ms: Some(100),
        ..Default::default()
    };
    b.update_config(patch.apply(&b.config())).unwrap();
    assert_eq!(b.snapshot().adaptive.slow_call_ms, 100);
    // Switched off: the configured bar again.
    let off = BreakerConfigPatch {
        adaptive: Some(false),
        ..Default::default()
    };
    b.update_config(off.apply(&b.config())).unwrap();
    let a = b.snapshot().adaptive;
    assert_eq!(
        (a.enabled, a.slow_call_ms, a.healthy_p95_ms),
        (false, 5_000, None)
    );
}

#[test]
fn adaptive_latency_is_learned_without_snapshots_on_the_success_path() {
    let (_, b) = setup(BreakerConfig {
        adaptive_min_slow_call_ms: 10,
        ..adaptive(3, 30)
    });
    for _ in 0..1024 {
        succeed_in(&b, Duration::from_millis(3)); // <= 5 ms bucket
    }
    // 4 x p95 (4.75 ms) = 19 ms, read straight from the success path's copy.
    assert_eq!(b.hot.slow_call_nanos.load(Relaxed), 19_000_000);
}

#[test]
fn adaptive_bounds_are_validated() {
    for (cfg, field) in [
        (
            BreakerConfig {
                adaptive_min_open_seconds: 0,
                ..adaptive(1, 1)
            },
            "adaptive_min_open_seconds",
        ),
        (
            BreakerConfig {
                adaptive_min_open_seconds: 50,
                adaptive_max_open_seconds: 40,
                ..adaptive(1, 1)
            },
            "adaptive_max_open_seconds",
        ),
        (
            BreakerConfig {
                adaptive_min_slow_call_ms: 0,
                ..adaptive(1, 1)
            },
            "adaptive_min_slow_call_ms",
        ),
        (
            BreakerConfig {
                adaptive_max_slow_call_ms: 3_600_001,
                ..adaptive(1, 1)
            },
            "adaptive_max_slow_call_ms",
        ),
    ] {
        let err = cfg.validate().unwrap_err();
        assert!(err.starts_with(field), "{err}");
    }
}
