//! Closed-state overhead per protected call: reelarr's breaker (fixed thresholds, and with
//! `adaptive = true`, whose latency learning rides on the same path) vs `failsafe` and
//! `recloser`, uncontended and with a second thread hammering the same breaker.
//!
//! Run: `cargo bench --bench breaker -- --warm-up-time 1 --measurement-time 3`

use std::hint::black_box;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion};
use failsafe::CircuitBreaker as _;
use reelarr::breaker::{BreakerConfig, CircuitBreaker, SystemClock};

const ELAPSED: Duration = Duration::from_micros(800);

/// Times `iters` calls of `op` on this thread while another thread runs `op` in a loop
/// against the same breaker, so the measured thread sees real cache-line contention.
fn contended<F>(iters: u64, op: F) -> Duration
where
    F: Fn() + Sync,
{
    let stop = AtomicBool::new(false);
    let started = AtomicBool::new(false);
    std::thread::scope(|s| {
        s.spawn(|| {
            started.store(true, Ordering::Release);
            while !stop.load(Ordering::Relaxed) {
                for _ in 0..64 {
                    op();
                }
            }
        });
        while !started.load(Ordering::Acquire) {
            std::hint::spin_loop();
        }
        let start = Instant::now();
        for _ in 0..iters {
            op();
        }
        let elapsed = start.elapsed();
        stop.store(true, Ordering::Relaxed);
        elapsed
    })
}

fn reelarr_breaker() -> CircuitBreaker {
    CircuitBreaker::new(
        "bench",
        BreakerConfig::with_defaults(5, 60),
        Arc::new(SystemClock::new()),
    )
}

/// The same breaker with adaptive thresholds on (latency learned while the bench runs).
fn reelarr_adaptive_breaker() -> CircuitBreaker {
    let config = BreakerConfig {
        adaptive: true,
        ..BreakerConfig::with_defaults(5, 60)
    };
    CircuitBreaker::new("bench", config, Arc::new(SystemClock::new()))
}

fn reelarr_call(b: &CircuitBreaker) {
    let permit = b.try_acquire().expect("closed");
    permit.success(black_box(ELAPSED));
}

fn bench_uncontended(c: &mut Criterion) {
    let mut g = c.benchmark_group("closed_uncontended");
    let reelarr = reelarr_breaker();
    g.bench_function("reelarr", |b| b.iter(|| reelarr_call(&reelarr)));
    let adaptive = reelarr_adaptive_breaker();
    g.bench_function("reelarr_adaptive", |b| b.iter(|| reelarr_call(&adaptive)));

    let failsafe = failsafe::Config::new().build();
    g.bench_function("failsafe", |b| {
        b.iter(|| black_box(failsafe.call(|| Ok::<_, ()>(()))).is_ok())
    });

    let recloser = recloser::Recloser::default();
    g.bench_function("recloser", |b| {
        b.iter(|| black_box(recloser.call(|| Ok::<(), ()>(()))).is_ok())
    });
    g.finish();
}

fn bench_contended(c: &mut Criterion) {
    let mut g = c.benchmark_group("closed_contended_2_threads");
    let reelarr = reelarr_breaker();
    g.bench_function("reelarr", |b| {
        b.iter_custom(|iters| contended(iters, || reelarr_call(&reelarr)))
    });
    let adaptive = reelarr_adaptive_breaker();
    g.bench_function("reelarr_adaptive", |b| {
        b.iter_custom(|iters| contended(iters, || reelarr_call(&adaptive)))
    });

    let failsafe = failsafe::Config::new().build();
    g.bench_function("failsafe", |b| {
        b.iter_custom(|iters| {
            contended(iters, || {
                black_box(failsafe.call(|| Ok::<_, ()>(()))).ok();
            })
        })
    });

    let recloser = recloser::Recloser::default();
    g.bench_function("recloser", |b| {
        b.iter_custom(|iters| {
            contended(iters, || {
                black_box(recloser.call(|| Ok::<(), ()>(()))).ok();
            })
        })
    });
    g.finish();
}

criterion_group!(benches, bench_uncontended, bench_contended);
criterion_main!(benches);
