//! Unit tests of the features around the state machine: registry, events, config, stats.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::transitions::{fail, ok, open_breaker, secs, setup};
use crate::breaker::*;

#[test]
fn misconfigured_shows_until_next_success_and_never_trips() {
    let (_clock, b) = setup(BreakerConfig::with_defaults(1, 10));
    for _ in 0..5 {
        b.try_acquire()
            .unwrap()
            .misconfigured("401 from svc: bad API key");
    }
    let snap = b.snapshot();
    assert_eq!(snap.state, BreakerState::Closed);
    assert!(snap.misconfigured);
    assert_eq!(
        snap.misconfigured_reason.as_deref(),
        Some("401 from svc: bad API key")
    );
    assert_eq!((snap.misconfigured_calls, snap.total_calls), (5, 5));
    b.try_acquire().unwrap().ignored();
    assert!(b.snapshot().misconfigured, "ignored does not clear it");
    ok(&b);
    let snap = b.snapshot();
    assert!(!snap.misconfigured);
    assert_eq!(snap.misconfigured_reason, None);
    assert_eq!(snap.ignored, 1);
}

#[test]
fn reset_zeroes_everything() {
    let reg = Registry::new(Arc::new(ManualClock::new()));
    let b = reg.register("svc", BreakerConfig::with_defaults(2, 10));
    ok(&b);
    b.try_acquire().unwrap().misconfigured("403");
    open_breaker(&b);
    assert!(b.try_acquire().is_err());
    b.reset();
    let snap = b.snapshot();
    assert_eq!(snap.state, BreakerState::Closed);
    let zeros = [
        snap.failure_count,
        snap.success_count,
        snap.total_calls,
        snap.failures,
        snap.rejected,
        snap.misconfigured_calls,
        snap.transitions,
        snap.window_calls.into(),
    ];
    assert_eq!(zeros, [0; 8]);
    assert_eq!(snap.avg_response_time_ms, 0.0);
    assert_eq!(snap.failure_rate, 0.0);
    assert!(!snap.misconfigured);
    assert_eq!(snap.last_failure_reason, None);
    assert_eq!(b.latency_histogram().count, 0);
    assert_eq!(reg.transitions_total("svc"), 2, "lifetime total survives");
}

#[test]
fn events_ring_is_newest_first_and_listeners_may_reenter() {
    let reg = Arc::new(Registry::with_event_capacity(
        Arc::new(ManualClock::new()),
        3,
    ));
    let seen: Arc<Mutex<Vec<(String, BreakerState)>>> = Arc::default();
    let (seen2, reg2) = (seen.clone(), Arc::downgrade(&reg));
    reg.add_listener(Arc::new(move |ev: &BreakerEvent| {
        // Re-entering the registry and the breaker must not deadlock.
        let reg = reg2.upgrade().unwrap();
        let snap = reg.get(&ev.service).unwrap().snapshot();
        assert_eq!(snap.state, ev.to);
        assert_eq!(reg.events(1)[0], *ev);
        seen2.lock().unwrap().push((ev.service.clone(), ev.to));
    }));
    let a = reg.register("tmdb", BreakerConfig::with_defaults(1, 10));
    let q = reg.register("qbittorrent", BreakerConfig::with_defaults(1, 10));
    fail(&a);
    a.close();
    q.force_open();
    q.close();
    a.disable();
    let events = reg.events(10);
    assert_eq!(events.len(), 3, "bounded ring");
    let got: Vec<_> = events.iter().map(|e| (e.service.as_str(), e.to)).collect();
    use BreakerState::*;
    assert_eq!(
        got,
        vec![
            ("tmdb", Disabled),
            ("qbittorrent", Closed),
            ("qbittorrent", ForcedOpen)
        ]
    );
    assert_eq!(seen.lock().unwrap().len(), 5);
    assert_eq!(reg.transitions_total("tmdb"), 3);
    assert_eq!(reg.transitions_total("qbittorrent"), 2);
    let json = serde_json::to_value(&events[0]).unwrap();
    assert_eq!(json["to"], "disabled");
    assert!(json["at"]
        .as_str()
        .unwrap()
        .starts_with("2024-01-01T00:00:00"));
}

#[test]
fn simulate_failures_opens_then_recovers_normally() {
    let clock = Arc::new(ManualClock::new());
    let reg = Registry::new(clock.clone());
    let tmdb = reg.register("tmdb", BreakerConfig::seed("tmdb").unwrap());
    let snap = tmdb.simulate_failures();
    assert_eq!(snap.state, BreakerState::Open);
    assert_eq!(snap.failure_count, 5);
    assert_eq!(
        snap.last_failure_reason.as_deref(),
        Some("simulated failure")
    );
    let json = serde_json::to_value(&snap).unwrap();
    assert_eq!(json["service"], "tmdb");
    assert_eq!(json["state"], "open");
    assert_eq!(json["next_attempt_at"], "2024-01-01T00:01:00Z");
    assert_eq!(json["config"]["failure_threshold"], 5);
    clock.advance(secs(60));
    ok(&tmdb);
    assert_eq!(tmdb.state(), BreakerState::Closed);
    tmdb.disable();
    assert_eq!(tmdb.simulate_failures().state, BreakerState::Disabled);
}

#[test]
fn registry_keeps_order_and_updates_in_place() {
    let reg = Registry::new(Arc::new(ManualClock::new()));
    for (name, threshold, timeout) in SEED_DEFAULTS {
        reg.register(name, BreakerConfig::with_defaults(threshold, timeout));
    }
    reg.register("torznab:jackett", BreakerConfig::default());
    let names: Vec<String> = reg.all().iter().map(|b| b.name().to_string()).collect();
    assert_eq!(
        names,
        [
            "tmdb",
            "hdbits",
            "qbittorrent",
            "database",
            "torznab:jackett"
        ]
    );
    let db = reg.get("database").unwrap();
    fail(&db);
    assert_eq!(
        reg.update_config("nope", BreakerConfig::default()),
        Err(RegistryError::UnknownService("nope".into()))
    );
    let bad = BreakerConfig::with_defaults(2, 0);
    assert!(matches!(
        reg.update_config("database", bad),
        Err(RegistryError::InvalidConfig(m)) if m.starts_with("recovery_timeout_seconds")
    ));
    reg.update_config("database", BreakerConfig::with_defaults(4, 15))
        .unwrap();
    let again = reg.register("database", BreakerConfig::with_defaults(3, 15));
    assert!(Arc::ptr_eq(&db, &again));
    assert_eq!(db.snapshot().failure_count, 1);
    assert_eq!(db.config().failure_threshold, 3);
    assert!(reg.remove("torznab:jackett").is_some());
    assert!(reg.get("torznab:jackett").is_none());
    assert_eq!(reg.snapshots().len(), 4);
}

#[test]
fn config_validation_names_the_field() {
    let base = BreakerConfig::with_defaults(5, 60);
    assert_eq!(base.validate(), Ok(()));
    for (_, t, s) in SEED_DEFAULTS {
        assert_eq!(BreakerConfig::with_defaults(t, s).validate(), Ok(()));
    }
    let cases: Vec<(BreakerConfig, &str)> = vec![
        (
            BreakerConfig {
                failure_threshold: 0,
                ..base.clone()
            },
            "failure_threshold",
        ),
        (
            BreakerConfig {
                recovery_timeout_seconds: 0,
                ..base.clone()
            },
            "recovery_timeout_seconds",
        ),
        (
            BreakerConfig {
                half_open_max_calls: 0,
                ..base.clone()
            },
            "half_open_max_calls",
        ),
        (
            BreakerConfig {
                success_threshold: 0,
                ..base.clone()
            },
            "success_threshold",
        ),
        (
            BreakerConfig {
                call_timeout_ms: 0,
                ..base.clone()
            },
            "call_timeout_ms",
        ),
        (
            BreakerConfig {
                failure_rate_threshold: Some(0.0),
                ..base.clone()
            },
            "failure_rate_threshold",
        ),
        (
            BreakerConfig {
                failure_rate_threshold: Some(f64::NAN),
                ..base.clone()
            },
            "failure_rate_threshold",
        ),
        (
            BreakerConfig {
                window_size: 5000,
                ..base.clone()
            },
            "window_size",
        ),
        (
            BreakerConfig {
                minimum_calls: 21,
                ..base.clone()
            },
            "minimum_calls",
        ),
        (
            BreakerConfig {
                backoff_multiplier: 0.5,
                ..base.clone()
            },
            "backoff_multiplier",
        ),
        (
            BreakerConfig {
                max_recovery_timeout_seconds: 0,
                ..base.clone()
            },
            "max_recovery_timeout_seconds",
        ),
        (
            BreakerConfig {
                jitter_ratio: 1.0,
                ..base.clone()
            },
            "jitter_ratio",
        ),
    ];
    for (cfg, field) in cases {
        let err = cfg.validate().unwrap_err();
        assert!(err.starts_with(field), "{field}: {err}");
    }
}

#[test]
fn config_patch_and_serde() {
    let base = BreakerConfig::seed("hdbits").unwrap();
    assert_eq!(
        (base.failure_threshold, base.recovery_timeout_seconds),
        (3, 90)
    );
    let patch: BreakerConfigPatch =
        serde_json::from_str(r#"{"failure_threshold": 7, "failure_rate_threshold": 25.0}"#)
            .unwrap();
    let next = patch.apply(&base);
    assert_eq!(next.failure_threshold, 7);
    assert_eq!(next.failure_rate_threshold, Some(25.0));
    assert_eq!(next.recovery_timeout_seconds, 90);
    let off: BreakerConfigPatch =
        serde_json::from_str(r#"{"failure_rate_threshold": null}"#).unwrap();
    assert_eq!(off.apply(&next).failure_rate_threshold, None);
    assert!(serde_json::from_str::<BreakerConfigPatch>(r#"{"bogus": 1}"#).is_err());
    let partial: BreakerConfig =
        serde_json::from_str(r#"{"failure_threshold": 2, "recovery_timeout_seconds": 15}"#)
            .unwrap();
    assert_eq!(partial, BreakerConfig::with_defaults(2, 15));
    let round: BreakerConfig =
        serde_json::from_str(&serde_json::to_string(&next).unwrap()).unwrap();
    assert_eq!(round, next);
}

#[test]
fn latency_stats_in_snapshot() {
    let (_clock, b) = setup(BreakerConfig::with_defaults(100, 10));
    for _ in 0..18 {
        b.try_acquire().unwrap().success(Duration::from_millis(2));
    }
    for _ in 0..2 {
        b.try_acquire()
            .unwrap()
            .failure(Duration::from_millis(400), FailureKind::Timeout);
    }
    let snap = b.snapshot();
    assert_eq!(snap.total_calls, 20);
    assert!(
        (snap.avg_response_time_ms - 41.8).abs() < 1e-6,
        "{}",
        snap.avg_response_time_ms
    );
    // 19th of 20 values falls halfway into the (0.25, 0.5] bucket.
    assert!(
        (snap.p95_response_time_ms - 375.0).abs() < 1e-6,
        "{}",
        snap.p95_response_time_ms
    );
    let h = b.latency_histogram();
    assert_eq!(h.bounds_seconds, &LATENCY_BUCKETS_SECONDS);
    assert_eq!((h.cumulative[0], h.cumulative[6], h.count), (18, 20, 20));
}
