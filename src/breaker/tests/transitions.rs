//! Unit tests of every transition, driven by a `ManualClock`.

use std::sync::Arc;
use std::time::Duration;

use crate::breaker::*;

pub(super) const MS: Duration = Duration::from_millis(1);

pub(super) fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

pub(super) fn setup(cfg: BreakerConfig) -> (Arc<ManualClock>, CircuitBreaker) {
    let clock = Arc::new(ManualClock::new());
    let breaker = CircuitBreaker::new("svc", cfg, clock.clone());
    (clock, breaker)
}

pub(super) fn ok(b: &CircuitBreaker) {
    b.try_acquire().expect("admitted").success(MS);
}

pub(super) fn fail(b: &CircuitBreaker) {
    b.try_acquire()
        .expect("admitted")
        .failure(MS, FailureKind::ServerError);
}

pub(super) fn open_breaker(b: &CircuitBreaker) {
    while b.state() == BreakerState::Closed {
        fail(b);
    }
    assert_eq!(b.state(), BreakerState::Open);
}

pub(super) fn transitions(b: &CircuitBreaker) -> Vec<(BreakerState, BreakerState)> {
    let mut v: Vec<_> = b
        .events()
        .recent(100)
        .into_iter()
        .map(|e| (e.from, e.to))
        .collect();
    v.reverse();
    v
}

#[test]
fn closed_opens_at_consecutive_threshold() {
    let (clock, b) = setup(BreakerConfig::with_defaults(3, 60));
    fail(&b);
    fail(&b);
    ok(&b); // a success resets the run
    fail(&b);
    fail(&b);
    assert_eq!(b.state(), BreakerState::Closed);
    assert_eq!(b.snapshot().failure_count, 2);
    fail(&b);
    assert_eq!(b.state(), BreakerState::Open);
    let rejected = b.try_acquire().unwrap_err();
    assert_eq!(rejected.state, BreakerState::Open);
    assert_eq!(rejected.retry_after, secs(60));
    assert_eq!(rejected.retry_after_seconds(), 60);
    assert_eq!(&*rejected.service, "svc");
    let snap = b.snapshot();
    assert_eq!(snap.rejected, 1);
    assert_eq!(snap.failures, 5);
    assert_eq!(snap.opened_at, Some(clock.wall()));
    assert_eq!(
        snap.next_attempt_at,
        Some(clock.wall() + chrono::Duration::seconds(60))
    );
    assert_eq!(snap.last_failure_reason.as_deref(), Some("server error"));
    let ev = &b.events().recent(1)[0];
    assert_eq!((ev.from, ev.to), (BreakerState::Closed, BreakerState::Open));
    assert!(
        ev.reason.contains("3 consecutive failures"),
        "{}",
        ev.reason
    );
}

#[test]
fn open_goes_half_open_after_timeout_and_closes_on_success() {
    let (clock, b) = setup(BreakerConfig::with_defaults(1, 60));
    fail(&b);
    clock.advance(secs(60) - MS);
    assert_eq!(b.try_acquire().unwrap_err().retry_after, MS);
    clock.advance(MS);
    assert_eq!(b.state(), BreakerState::Open, "transition is lazy");
    let trial = b.try_acquire().expect("trial admitted");
    assert!(trial.is_trial());
    assert_eq!(b.state(), BreakerState::HalfOpen);
    let busy = b.try_acquire().unwrap_err();
    assert_eq!(busy.state, BreakerState::HalfOpen);
    assert_eq!(b.snapshot().half_open_in_flight, 1);
    assert!(b.snapshot().next_attempt_at.is_none());
    trial.success(MS);
    assert_eq!(b.state(), BreakerState::Closed);
    let snap = b.snapshot();
    assert_eq!(snap.failure_count, 0);
    assert_eq!(snap.opened_at, None);
    assert_eq!(snap.transitions, 3);
    use BreakerState::*;
    assert_eq!(
        transitions(&b),
        vec![(Closed, Open), (Open, HalfOpen), (HalfOpen, Closed)]
    );
}

#[test]
fn half_open_failure_reopens_and_success_threshold_counts() {
    let cfg = BreakerConfig {
        success_threshold: 2,
        ..BreakerConfig::with_defaults(1, 10)
    };
    let (clock, b) = setup(cfg);
    fail(&b);
    clock.advance(secs(10));
    fail(&b); // the trial fails
    assert_eq!(b.state(), BreakerState::Open);
    assert_eq!(b.try_acquire().unwrap_err().retry_after, secs(10));
    clock.advance(secs(10));
    ok(&b);
    assert_eq!(b.state(), BreakerState::HalfOpen, "1 of 2 successes");
    ok(&b);
    assert_eq!(b.state(), BreakerState::Closed);
}

#[test]
fn half_open_admits_max_calls_and_ignored_frees_a_slot() {
    let cfg = BreakerConfig {
        half_open_max_calls: 3,
        ..BreakerConfig::with_defaults(1, 5)
    };
    let (clock, b) = setup(cfg);
    fail(&b);
    clock.advance(secs(5));
    let p: Vec<_> = (0..3).map(|_| b.try_acquire().expect("trial")).collect();
    assert!(b.try_acquire().is_err());
    let mut p = p.into_iter();
    p.next().unwrap().ignored();
    assert_eq!(b.state(), BreakerState::HalfOpen);
    let again = b.try_acquire().expect("slot freed by ignored");
    assert!(b.try_acquire().is_err());
    p.next().unwrap().misconfigured("401");
    assert_eq!(b.state(), BreakerState::HalfOpen, "401 does not decide");
    again.success(MS);
    assert_eq!(b.state(), BreakerState::Closed);
    // A late trial from the finished half-open period changes nothing.
    p.next().unwrap().failure(MS, FailureKind::Timeout);
    assert_eq!(b.state(), BreakerState::Closed);
}

#[test]
fn config_change_keeps_state_and_counters() {
    let (clock, b) = setup(BreakerConfig::with_defaults(5, 60));
    fail(&b);
    fail(&b);
    ok(&b);
    fail(&b);
    fail(&b);
    b.update_config(BreakerConfig::with_defaults(3, 60))
        .unwrap();
    let snap = b.snapshot();
    assert_eq!(snap.state, BreakerState::Closed);
    assert_eq!(snap.failure_count, 2);
    assert_eq!((snap.failures, snap.success_count), (4, 1));
    assert_eq!(snap.config.failure_threshold, 3);
    fail(&b);
    assert_eq!(
        b.state(),
        BreakerState::Open,
        "3rd failure trips the new threshold"
    );
    // Shortening the timeout applies to the current open period.
    clock.advance(secs(20));
    assert!(b.try_acquire().is_err());
    b.update_config(BreakerConfig::with_defaults(3, 20))
        .unwrap();
    assert_eq!(b.state(), BreakerState::Open, "update does not reset state");
    assert_eq!(b.snapshot().failures, 5);
    assert!(b.try_acquire().unwrap().is_trial());
    // Invalid configs are rejected whole, naming the field; the old one stays.
    let bad = BreakerConfig {
        failure_threshold: 0,
        ..BreakerConfig::with_defaults(3, 20)
    };
    let err = b.update_config(bad).unwrap_err();
    assert!(err.starts_with("failure_threshold"), "{err}");
    assert_eq!(b.config().failure_threshold, 3);
}

#[test]
fn rate_limit_retry_after_is_a_minimum_open_time() {
    let (clock, b) = setup(BreakerConfig::with_defaults(1, 10));
    let kind = FailureKind::RateLimited {
        retry_after: Some(secs(120)),
    };
    b.try_acquire().unwrap().failure(MS, kind);
    assert_eq!(b.state(), BreakerState::Open);
    assert_eq!(b.try_acquire().unwrap_err().retry_after, secs(120));
    clock.advance(secs(119));
    assert!(b.try_acquire().is_err());
    clock.advance(secs(1));
    assert!(b.try_acquire().unwrap().is_trial());
    // A Retry-After shorter than the recovery timeout does not shorten it.
    let (clock, b) = setup(BreakerConfig::with_defaults(1, 10));
    let kind = FailureKind::RateLimited {
        retry_after: Some(secs(2)),
    };
    b.try_acquire().unwrap().failure(MS, kind);
    clock.advance(secs(5));
    assert_eq!(b.try_acquire().unwrap_err().retry_after, secs(5));
}

#[test]
fn slow_call_counts_as_failure() {
    let cfg = BreakerConfig {
        slow_call_ms: 100,
        ..BreakerConfig::with_defaults(2, 10)
    };
    let (_clock, b) = setup(cfg);
    b.try_acquire().unwrap().success(Duration::from_millis(100));
    assert_eq!(
        b.snapshot().failure_count,
        0,
        "exactly at the limit is fine"
    );
    b.try_acquire().unwrap().success(Duration::from_millis(150));
    b.try_acquire().unwrap().success(Duration::from_millis(150));
    let snap = b.snapshot();
    assert_eq!(snap.state, BreakerState::Open);
    assert_eq!((snap.failures, snap.success_count), (2, 1));
    assert!(snap
        .last_failure_reason
        .unwrap()
        .starts_with("slow call: 150 ms"));
}

#[test]
fn forced_open_and_disabled() {
    let (clock, b) = setup(BreakerConfig::with_defaults(2, 10));
    assert!(b.force_open());
    assert!(!b.force_open(), "already forced open");
    clock.advance(secs(3600));
    let r = b.try_acquire().unwrap_err();
    assert_eq!(r.state, BreakerState::ForcedOpen);
    assert!(b.snapshot().opened_at.is_some());
    assert!(b.close());
    assert_eq!(b.state(), BreakerState::Closed);

    assert!(b.disable());
    for _ in 0..100 {
        fail(&b);
    }
    let snap = b.snapshot();
    assert_eq!(snap.state, BreakerState::Disabled);
    assert_eq!(snap.failures, 100, "outcomes still counted");
    assert!(b.close());
    assert_eq!(b.snapshot().failure_count, 0);
    fail(&b);
    assert_eq!(b.state(), BreakerState::Closed);
    // close() on a closed breaker still clears the consecutive count.
    assert!(!b.close());
    assert_eq!(b.snapshot().failure_count, 0);
    use BreakerState::*;
    assert_eq!(
        transitions(&b),
        vec![
            (Closed, ForcedOpen),
            (ForcedOpen, Closed),
            (Closed, Disabled),
            (Disabled, Closed)
        ]
    );
}

#[test]
fn backoff_grows_per_reopen_is_capped_and_resets_on_close() {
    let cfg = BreakerConfig {
        backoff_multiplier: 2.0,
        max_recovery_timeout_seconds: 35,
        ..BreakerConfig::with_defaults(1, 10)
    };
    let (clock, b) = setup(cfg);
    fail(&b);
    for expected in [10, 20, 35, 35] {
        assert_eq!(b.try_acquire().unwrap_err().retry_after, secs(expected));
        clock.advance(secs(expected));
        fail(&b); // the trial fails: re-open one level up
    }
    clock.advance(secs(35));
    ok(&b);
    assert_eq!(b.state(), BreakerState::Closed);
    fail(&b);
    assert_eq!(b.try_acquire().unwrap_err().retry_after, secs(10));
}

#[test]
fn jitter_shortens_within_ratio() {
    let cfg = BreakerConfig {
        jitter_ratio: 0.5,
        ..BreakerConfig::with_defaults(1, 100)
    };
    let (_clock, b) = setup(cfg);
    let mut seen = Vec::new();
    for _ in 0..20 {
        fail(&b);
        let wait = b.try_acquire().unwrap_err().retry_after;
        assert!(wait >= secs(50) && wait <= secs(100), "{wait:?}");
        seen.push(wait);
        b.close();
    }
    seen.dedup();
    assert!(seen.len() > 1, "jitter actually varies");
}

#[test]
fn failure_rate_rule_needs_minimum_calls() {
    let cfg = BreakerConfig {
        failure_rate_threshold: Some(50.0),
        window_size: 10,
        minimum_calls: 6,
        ..BreakerConfig::with_defaults(100, 10)
    };
    let (_clock, b) = setup(cfg);
    for f in [true, false, true, false, true] {
        if f {
            fail(&b)
        } else {
            ok(&b)
        }
    }
    assert_eq!(b.state(), BreakerState::Closed, "60% but only 5 calls");
    assert!((b.snapshot().failure_rate - 0.6).abs() < 1e-9);
    ok(&b);
    assert_eq!(b.state(), BreakerState::Closed, "only failures trip");
    fail(&b);
    assert_eq!(b.state(), BreakerState::Open, "4 of 7 = 57%");
    let ev = &b.events().recent(1)[0];
    assert!(ev.reason.starts_with("failure rate 57.1%"), "{}", ev.reason);
    // Without the rule, the same pattern never trips.
    let (_clock, b) = setup(BreakerConfig::with_defaults(100, 10));
    for i in 0..50 {
        if i % 2 == 0 {
            fail(&b)
        } else {
            ok(&b)
        }
    }
    assert_eq!(b.state(), BreakerState::Closed);
    assert!((b.snapshot().failure_rate - 0.5).abs() < 1e-9);
}

#[test]
fn dropped_half_open_permit_does_not_wedge() {
    let (clock, b) = setup(BreakerConfig::with_defaults(1, 10));
    let closed_permit = b.try_acquire().unwrap();
    drop(closed_permit);
    let snap = b.snapshot();
    assert_eq!(
        (snap.abandoned, snap.failures, snap.state),
        (1, 0, BreakerState::Closed)
    );
    fail(&b);
    clock.advance(secs(10));
    let trial = b.try_acquire().unwrap();
    assert!(trial.is_trial());
    drop(trial); // e.g. the request future was cancelled
    let snap = b.snapshot();
    assert_eq!(snap.state, BreakerState::Open, "counted as a failed trial");
    assert_eq!((snap.abandoned, snap.failures), (2, 2));
    assert!(snap.last_failure_reason.unwrap().contains("abandoned"));
    clock.advance(secs(10));
    ok(&b);
    assert_eq!(b.state(), BreakerState::Closed);
}

#[test]
fn stale_permits_do_not_move_the_new_state() {
    let (clock, b) = setup(BreakerConfig::with_defaults(1, 10));
    let slow = b.try_acquire().unwrap(); // closed-state permit, finishes late
    fail(&b);
    slow.success(MS);
    assert_eq!(b.state(), BreakerState::Open, "late success cannot close");
    clock.advance(secs(10));
    let trial = b.try_acquire().unwrap();
    b.close();
    fail(&b); // opens a new period
    trial.success(MS); // belongs to the old half-open period
    assert_eq!(b.state(), BreakerState::Open);
}
