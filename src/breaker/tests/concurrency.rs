//! Races on the half-open slots, and the async `call` helper.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Barrier};
use std::time::Duration;

use crate::breaker::*;

const MS: Duration = Duration::from_millis(1);
const CALLERS: usize = 1000;

/// 1,000 threads released at once against an open breaker whose recovery timeout has elapsed:
/// exactly `max_calls` of them get a trial permit, whatever the interleaving.
fn race_half_open(max_calls: u32) {
    let clock = Arc::new(ManualClock::new());
    let cfg = BreakerConfig {
        half_open_max_calls: max_calls,
        ..BreakerConfig::with_defaults(1, 1)
    };
    let breaker = CircuitBreaker::new("race", cfg, clock.clone());
    breaker
        .try_acquire()
        .unwrap()
        .failure(MS, FailureKind::Connect);
    assert_eq!(breaker.state(), BreakerState::Open);
    clock.advance(Duration::from_secs(1));

    let barrier = Barrier::new(CALLERS);
    let permits: Vec<Permit<'_>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..CALLERS)
            .map(|_| {
                std::thread::Builder::new()
                    .stack_size(64 * 1024)
                    .spawn_scoped(s, || {
                        barrier.wait();
                        breaker.try_acquire().ok()
                    })
                    .expect("spawn")
            })
            .collect();
        handles
            .into_iter()
            .filter_map(|h| h.join().unwrap())
            .collect()
    });
    assert_eq!(permits.len(), max_calls as usize, "max_calls={max_calls}");
    assert!(permits.iter().all(Permit::is_trial));
    let snap = breaker.snapshot();
    assert_eq!(snap.state, BreakerState::HalfOpen);
    assert_eq!(snap.half_open_in_flight, max_calls);
    assert_eq!(snap.rejected, (CALLERS - max_calls as usize) as u64);
    for p in permits {
        p.success(MS);
    }
    assert_eq!(breaker.state(), BreakerState::Closed);
    let kinds: Vec<_> = breaker
        .events()
        .recent(10)
        .iter()
        .map(|e| (e.from, e.to))
        .collect();
    use BreakerState::*;
    assert_eq!(
        kinds,
        vec![(HalfOpen, Closed), (Open, HalfOpen), (Closed, Open)]
    );
}

#[test]
fn half_open_admits_exactly_one_of_1000_racers() {
    race_half_open(1);
}

#[test]
fn half_open_admits_exactly_three_of_1000_racers() {
    race_half_open(3);
}

/// Many threads hammering a half-open breaker with slot-returning outcomes: the number of
/// trials in flight at once never exceeds the limit.
#[test]
fn trials_in_flight_never_exceed_limit() {
    let clock = Arc::new(ManualClock::new());
    let cfg = BreakerConfig {
        half_open_max_calls: 2,
        ..BreakerConfig::with_defaults(1, 1)
    };
    let breaker = CircuitBreaker::new("stress", cfg, clock.clone());
    breaker.try_acquire().unwrap().failure(MS, FailureKind::Io);
    clock.advance(Duration::from_secs(1));
    let in_flight = AtomicU32::new(0);
    let max_seen = AtomicU32::new(0);
    std::thread::scope(|s| {
        for t in 0..4 {
            let (b, in_flight, max_seen) = (&breaker, &in_flight, &max_seen);
            s.spawn(move || {
                for i in 0..5_000 {
                    if let Ok(p) = b.try_acquire() {
                        let now = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
                        max_seen.fetch_max(now, Ordering::SeqCst);
                        std::hint::spin_loop();
                        in_flight.fetch_sub(1, Ordering::SeqCst);
                        if (i + t) % 2 == 0 {
                            p.ignored()
                        } else {
                            p.misconfigured("403")
                        }
                    }
                }
            });
        }
    });
    assert!(max_seen.load(Ordering::SeqCst) <= 2);
    assert_eq!(breaker.state(), BreakerState::HalfOpen);
    assert_eq!(
        breaker.snapshot().half_open_in_flight,
        0,
        "every slot returned"
    );
}

#[derive(Debug, PartialEq)]
enum FakeError {
    NotFound,
    Unauthorized,
    Bad,
}

impl Classify for FakeError {
    fn classify(&self) -> FailureClass {
        match self {
            FakeError::NotFound => FailureClass::Ignored,
            FakeError::Unauthorized => FailureClass::Misconfigured("401 bad key".into()),
            FakeError::Bad => FailureClass::Failure(FailureKind::ServerError),
        }
    }
}

fn async_breaker(clock: Arc<dyn Clock>) -> CircuitBreaker {
    let cfg = BreakerConfig {
        call_timeout_ms: 30,
        ..BreakerConfig::with_defaults(2, 5)
    };
    CircuitBreaker::new("async", cfg, clock)
}

// The crate's tokio lacks the `test-util` feature, so `time::pause` is unavailable; a 30 ms
// real timeout keeps this test fast instead.
#[tokio::test]
async fn call_times_out_a_hanging_future() {
    let b = async_breaker(Arc::new(SystemClock::new()));
    let started = std::time::Instant::now();
    let r = b
        .call(std::future::pending::<Result<(), FakeError>>())
        .await;
    assert!(matches!(r, Err(CallError::Timeout)));
    assert!(started.elapsed() >= Duration::from_millis(30));
    assert!(started.elapsed() < Duration::from_secs(2));
    let snap = b.snapshot();
    assert_eq!((snap.failures, snap.failure_count), (1, 1));
    assert_eq!(
        snap.last_failure_reason.as_deref(),
        Some("timed out after 30 ms")
    );
    assert!(snap.avg_response_time_ms >= 30.0);
    let r = b
        .call(std::future::pending::<Result<(), FakeError>>())
        .await;
    assert!(matches!(r, Err(CallError::Timeout)));
    let Err(CallError::Open(rejected)) = b.call(async { Ok::<_, FakeError>(()) }).await else {
        panic!("expected open");
    };
    assert_eq!(rejected.state, BreakerState::Open);
}

#[tokio::test]
async fn call_classifies_inner_errors() {
    let clock = Arc::new(ManualClock::new());
    let b = async_breaker(clock.clone());
    assert_eq!(b.call(async { Ok::<_, FakeError>(7) }).await.unwrap(), 7);
    let r = b.call(async { Err::<(), _>(FakeError::NotFound) }).await;
    assert!(matches!(r, Err(CallError::Inner(FakeError::NotFound))));
    let r = b
        .call(async { Err::<(), _>(FakeError::Unauthorized) })
        .await;
    assert!(matches!(r, Err(CallError::Inner(FakeError::Unauthorized))));
    let snap = b.snapshot();
    assert_eq!(
        (snap.success_count, snap.ignored, snap.misconfigured_calls),
        (1, 1, 1)
    );
    assert!(snap.misconfigured);
    assert_eq!(snap.state, BreakerState::Closed);
    let _ = b.call(async { Err::<(), _>(FakeError::Bad) }).await;
    let _ = b.call(async { Err::<(), _>(FakeError::Bad) }).await;
    assert_eq!(b.state(), BreakerState::Open);
    // A cancelled half-open call re-opens instead of leaving the slot taken.
    clock.advance(Duration::from_secs(5));
    let fut = b.call(std::future::pending::<Result<(), FakeError>>());
    let cancelled = tokio::time::timeout(Duration::from_millis(1), fut).await;
    assert!(cancelled.is_err());
    assert_eq!(b.state(), BreakerState::Open);
    assert_eq!(b.snapshot().abandoned, 1);
}

#[test]
fn call_future_is_send() {
    fn assert_send<T: Send>(_: T) {}
    let b = async_breaker(Arc::new(ManualClock::new()));
    assert_send(b.call(async { Ok::<_, FakeError>(()) }));
}
