//! Against a fake dependency on 127.0.0.1 that refuses, hangs or answers 500: the breaker opens
//! after the threshold, stops reaching the peer, lets a trial through after the recovery timeout,
//! and success closes it. Driven by the background prober (a Torznab indexer's `t=caps`).

use reelarr_testkit::app::*;
use reelarr_testkit::routes::{dead_port, Fake, HANG};
use serde_json::Value;
use std::time::Duration;

async fn state_of(s: &Server) -> Value {
    get_json(s, "/api/v1/circuit-breakers/torznab:fake").await
}

async fn wait_state(s: &Server, want: &str, within: Duration) -> Value {
    eventually(within, || async move {
        let v = state_of(s).await;
        (v["state"] == want).then_some(v)
    })
    .await
    .unwrap_or_else(|| panic!("torznab:fake breaker never became {want}"))
}

fn start_against(dir: &std::path::Path, url: &str) -> Server {
    write_config(
        dir,
        &format!(
            "[[indexers.torznab]]\nname = \"fake\"\nurl = \"{url}\"\napi_key = \"k\"\n\
             [circuit_breakers.torznab]\nfailure_threshold = 3\nrecovery_timeout_seconds = 2\ncall_timeout_ms = 300\nslow_call_ms = 0\n"
        ),
    );
    Server::start(dir, &[("HEALTH_CHECK_INTERVAL_SECONDS", "1")])
}

async fn opens_then_recovers(fake: &Fake, dir: &std::path::Path, url: &str) {
    let s = start_against(dir, url);
    let v = wait_state(&s, "open", Duration::from_secs(15)).await;
    assert_eq!(v["failure_count"], 3);
    // While open the peer is not called (the prober's calls are refused by the breaker).
    let hits_when_open = fake.hits();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(fake.hits() <= hits_when_open + 1, "peer reached while open");
    let h = get_json(&s, "/health/detailed").await;
    assert_eq!(h["torznab"]["fake"]["circuit_breaker"], "open");
    assert_eq!(h["status"], "degraded");
    // The peer heals: the next trial after the recovery timeout closes the breaker.
    fake.set_status(200);
    wait_state(&s, "closed", Duration::from_secs(10)).await;
    let ev = get_json(&s, "/api/v1/circuit-breakers/events").await;
    let seq: Vec<String> = ev
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["service"] == "torznab:fake")
        .map(|e| {
            format!(
                "{}>{}",
                e["from"].as_str().unwrap(),
                e["to"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        seq.first().map(String::as_str),
        Some("half_open>closed"),
        "{seq:?}"
    );
    assert!(seq.contains(&"closed>open".to_string()), "{seq:?}");
    s.stop();
}

#[tokio::test]
async fn peer_answering_500() {
    let fake = Fake::start_fixed(500, "boom").await;
    let dir = tempfile::tempdir().unwrap();
    opens_then_recovers(&fake, dir.path(), &fake.url()).await;
}

#[tokio::test]
async fn peer_that_hangs() {
    let fake = Fake::start_fixed(HANG, "").await;
    let dir = tempfile::tempdir().unwrap();
    opens_then_recovers(&fake, dir.path(), &fake.url()).await;
}

#[tokio::test]
async fn peer_that_refuses() {
    let dir = tempfile::tempdir().unwrap();
    let s = start_against(dir.path(), &format!("http://127.0.0.1:{}", dead_port()));
    let v = wait_state(&s, "open", Duration::from_secs(15)).await;
    assert!(
        v["last_failure_reason"]
            .as_str()
            .unwrap_or("")
            .contains("connect"),
        "{v}"
    );
    let v3 = get_json(&s, "/api/v3/health").await;
    assert!(
        v3.as_array()
            .unwrap()
            .iter()
            .any(|e| e["message"] == "Indexers unavailable due to failures: fake"),
        "{v3}"
    );
    s.stop();
}
