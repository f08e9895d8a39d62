//! Issue 17 item 4: adaptive thresholds through the real binary. Switched on by the config file,
//! the environment and the live API; a fake Torznab peer that fails and heals twice shows the
//! open period learned from the first outage shortening the second.

use crate::torznab_outage::failing_torznab;
use reelarr_testkit::app::*;
use serde_json::{json, Value};
use std::time::Duration;

async fn breaker(s: &Server, name: &str) -> Value {
    get_json(s, &format!("/api/v1/circuit-breakers/{name}")).await
}

async fn wait_state(s: &Server, want: &str) -> Value {
    eventually(Duration::from_secs(20), || async move {
        let v = breaker(s, "torznab:fake").await;
        (v["state"] == want).then_some(v)
    })
    .await
    .unwrap_or_else(|| panic!("torznab:fake breaker never became {want}"))
}

/// Seconds between `opened_at` and `next_attempt_at` of an open snapshot.
fn planned_wait(v: &Value) -> f64 {
    let at = |k: &str| chrono::DateTime::parse_from_rfc3339(v[k].as_str().unwrap()).unwrap();
    (at("next_attempt_at") - at("opened_at")).num_milliseconds() as f64 / 1000.0
}

#[tokio::test]
async fn learned_open_period_shortens_the_next_outage() {
    let (fake, dir) = failing_torznab(
        "failure_threshold = 3\nrecovery_timeout_seconds = 4\ncall_timeout_ms = 300\n\
         slow_call_ms = 0\nadaptive = true\nadaptive_min_open_seconds = 1\n",
    )
    .await;
    let s = Server::start(
        dir.path(),
        &[
            ("HEALTH_CHECK_INTERVAL_SECONDS", "1"),
            ("CIRCUIT_BREAKER_TMDB_ADAPTIVE", "yes"),
        ],
    );
    // The environment switches TMDB's on; the others keep the fixed rules.
    let tmdb = breaker(&s, "tmdb").await;
    assert_eq!(tmdb["config"]["adaptive"], true);
    assert_eq!(
        tmdb["adaptive"],
        json!({"enabled": true, "open_seconds": 60.0, "slow_call_ms": 5000,
               "observed_recoveries": 0, "healthy_p95_ms": null})
    );
    assert_eq!(breaker(&s, "hdbits").await["adaptive"]["enabled"], false);

    // First outage: no history, so the fixed 4 s; the peer heals at once.
    let v = wait_state(&s, "open").await;
    assert_eq!(v["adaptive"]["open_seconds"], 4.0);
    assert!((planned_wait(&v) - 4.0).abs() < 0.25, "{v}");
    fake.set_status(200);
    let v = wait_state(&s, "closed").await;
    let learned = v["adaptive"]["open_seconds"].as_f64().unwrap();
    assert_eq!(v["adaptive"]["observed_recoveries"], 1, "{v}");
    assert!(
        (1.0..4.0).contains(&learned),
        "half the observed outage: {v}"
    );

    // Second outage: the first trial comes after the learned period.
    fake.set_status(500);
    let v = wait_state(&s, "open").await;
    assert!((planned_wait(&v) - learned).abs() < 0.25, "{v}");
    fake.set_status(200);
    let v = wait_state(&s, "closed").await;
    assert_eq!(v["adaptive"]["observed_recoveries"], 2, "{v}");
    s.stop();
}

/// The prober wakes when an open breaker's trial falls due, not only every
/// `HEALTH_CHECK_INTERVAL_SECONDS`: a quiet service (no user calls) gets its half-open trial after
/// its recovery timeout, so a short (e.g. learned) open period is not stretched to the interval.
#[tokio::test]
async fn a_quiet_service_gets_its_trial_when_due_not_at_the_next_probe_round() {
    let (fake, dir) = failing_torznab(
        "failure_threshold = 1\nrecovery_timeout_seconds = 2\ncall_timeout_ms = 300\nslow_call_ms = 0\n",
    )
    .await;
    let s = Server::start(dir.path(), &[("HEALTH_CHECK_INTERVAL_SECONDS", "60")]);
    // The prober's first round at start fails and opens the breaker.
    wait_state(&s, "open").await;
    fake.set_status(200);
    let healed = std::time::Instant::now();
    wait_state(&s, "closed").await;
    assert!(
        healed.elapsed() < Duration::from_secs(10),
        "closed {:?} after the peer healed: the trial waited for the 60 s round",
        healed.elapsed()
    );
    s.stop();
}

#[tokio::test]
async fn adaptive_is_set_live_validated_and_persisted() {
    let dir = tempfile::tempdir().unwrap();
    let s = Server::start(dir.path(), &[]);
    let c = client();
    let put = |body: Value| {
        c.put(s.url("/api/v1/circuit-breakers/hdbits"))
            .header("X-Api-Key", s.api_key())
            .json(&body)
            .send()
    };
    let r = put(json!({"adaptive": true, "adaptive_max_open_seconds": 120}))
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["adaptive"]["enabled"], true);
    assert_eq!(v["config"]["adaptive_max_open_seconds"], 120);
    let r = put(json!({"adaptive_min_open_seconds": 500}))
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let e: Value = r.json().await.unwrap();
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("adaptive_max_open_seconds"),
        "{e}"
    );
    let text = std::fs::read_to_string(dir.path().join("config.toml")).unwrap();
    assert!(text.contains("adaptive_max_open_seconds = 120"), "{text}");
    s.stop();

    let s = Server::start(dir.path(), &[]);
    let v = breaker(&s, "hdbits").await;
    assert_eq!(
        (
            &v["adaptive"]["enabled"],
            &v["config"]["adaptive_max_open_seconds"]
        ),
        (&json!(true), &json!(120))
    );
    s.stop();
}
