//! Issue 17, item 5: the seed's figures through the real binary. A fake Torznab indexer answers
//! 500 until its breaker opens, then heals; the outage shows as a recovery (count, last length,
//! histogram) and as availability under 1 in `/api/v1/circuit-breakers`, `/health/detailed` and
//! `/metrics`, and all of it is still there after a restart on the same data dir.

use crate::torznab_outage::failing_torznab;
use reelarr_testkit::app::*;
use serde_json::Value;
use std::time::Duration;

const NAME: &str = "torznab:fake";

/// The indexer's entry in the breaker list (where the figures are).
async fn listed(s: &Server) -> Value {
    let list = get_json(s, "/api/v1/circuit-breakers").await;
    list.as_array()
        .unwrap()
        .iter()
        .find(|b| b["service"] == NAME)
        .cloned()
        .unwrap_or_else(|| panic!("{NAME} not listed: {list}"))
}

async fn wait_state(s: &Server, want: &str) -> Value {
    eventually(Duration::from_secs(20), || async move {
        let v = listed(s).await;
        (v["state"] == want).then_some(v)
    })
    .await
    .unwrap_or_else(|| panic!("{NAME} never became {want}"))
}

fn start(dir: &std::path::Path) -> Server {
    Server::start(dir, &[("HEALTH_CHECK_INTERVAL_SECONDS", "1")])
}

fn in_metrics(text: &str, needle: &str) {
    assert!(text.contains(needle), "missing {needle}:\n{text}");
}

#[tokio::test]
async fn an_outage_shows_as_recovery_and_availability_and_survives_a_restart() {
    let (fake, dir) = failing_torznab(
        "failure_threshold = 3\nrecovery_timeout_seconds = 2\ncall_timeout_ms = 300\nslow_call_ms = 0\n",
    )
    .await;
    let s = start(dir.path());
    wait_state(&s, "open").await;
    fake.set_status(200);
    let b = wait_state(&s, "closed").await;

    let rec = &b["recovery"];
    assert_eq!(rec["count"], 1, "{b}");
    let last = rec["last_seconds"].as_f64().unwrap();
    // Open for at least the recovery timeout, then a trial closes it.
    assert!((2.0..20.0).contains(&last), "{b}");
    assert!(rec["last_at"].is_string(), "{b}");
    let hour = b["availability"]["1h"].as_f64().unwrap();
    assert!(hour > 0.0 && hour < 1.0, "{b}");
    assert_eq!(b["availability"]["7d"], b["availability"]["1h"], "{b}");
    let db = get_json(&s, "/api/v1/circuit-breakers")
        .await
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["service"] == "database")
        .cloned()
        .unwrap();
    assert_eq!(db["availability"]["24h"], 1.0, "{db}");
    assert_eq!(db["recovery"]["count"], 0, "{db}");

    let h = get_json(&s, "/health/detailed").await;
    let fake_health = &h["torznab"]["fake"];
    assert_eq!(fake_health["recovery"]["count"], 1, "{h}");
    assert!(
        fake_health["availability"]["24h"].as_f64().unwrap() < 1.0,
        "{h}"
    );
    assert_eq!(h["services"]["tmdb"]["availability"]["1h"], 1.0, "{h}");

    let d = get_json(&s, "/api/v1/dashboard").await;
    let dash_hour = d["availability"]["torznab:fake"]["1h"].as_f64().unwrap();
    assert!(dash_hour > 0.0 && dash_hour < 1.0, "{d}");
    assert_eq!(
        d["recovery_times"]["torznab:fake_last_seconds"].as_f64(),
        Some(last),
        "{d}"
    );
    assert!(
        d["recovery_times"].get("tmdb_last_seconds").is_none(),
        "{d}"
    );

    let text = get_text(&s, "/metrics").await;
    for needle in [
        "# TYPE reelarr_circuit_breaker_recovery_seconds histogram",
        "reelarr_circuit_breaker_recovery_seconds_count{service=\"torznab:fake\"} 1\n",
        "reelarr_circuit_breaker_recovery_seconds_bucket{service=\"torznab:fake\",le=\"+Inf\"} 1\n",
        "reelarr_circuit_breaker_recovery_seconds_bucket{service=\"torznab:fake\",le=\"1\"} 0\n",
        "reelarr_circuit_breaker_recovery_seconds_bucket{service=\"torznab:fake\",le=\"60\"} 1\n",
        "reelarr_circuit_breaker_recovery_seconds_count{service=\"tmdb\"} 0\n",
        "reelarr_circuit_breaker_last_recovery_seconds{service=\"torznab:fake\"} ",
        "reelarr_circuit_breaker_availability_ratio{service=\"torznab:fake\",window=\"1h\"} 0.",
        "reelarr_circuit_breaker_availability_ratio{service=\"database\",window=\"7d\"} 1\n",
    ] {
        in_metrics(&text, needle);
    }
    let (st, log) = s.stop();
    assert!(st.success(), "{log}");
    assert!(dir.path().join("breaker-figures.json").exists());

    // Started again on the same data dir: the recovery and the lower availability are kept.
    let s = start(dir.path());
    let b = listed(&s).await;
    assert_eq!(b["state"], "closed", "{b}");
    assert_eq!(b["recovery"]["count"], 1, "{b}");
    assert_eq!(b["recovery"]["last_seconds"].as_f64(), Some(last), "{b}");
    let hour = b["availability"]["1h"].as_f64().unwrap();
    assert!(hour > 0.0 && hour < 1.0, "{b}");
    let h = get_json(&s, "/health/detailed").await;
    assert_eq!(h["torznab"]["fake"]["recovery"]["count"], 1, "{h}");
    let text = get_text(&s, "/metrics").await;
    in_metrics(
        &text,
        "reelarr_circuit_breaker_recovery_seconds_count{service=\"torznab:fake\"} 1\n",
    );
    let (st, log) = s.stop();
    assert!(st.success(), "{log}");
}
