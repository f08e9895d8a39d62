//! Thresholds change live through PUT, a file edit and SIGHUP (with the env file), without
//! resetting state; invalid changes are rejected whole.

use reelarr_testkit::app::*;
use serde_json::{json, Value};
use std::time::Duration;

async fn breaker(s: &Server, name: &str) -> Value {
    get_json(s, &format!("/api/v1/circuit-breakers/{name}")).await
}

async fn wait_threshold(s: &Server, name: &str, want: u64) -> bool {
    eventually(Duration::from_secs(6), || async move {
        (breaker(s, name).await["config"]["failure_threshold"] == want).then_some(())
    })
    .await
    .is_some()
}

#[tokio::test]
async fn put_changes_behaviour_and_persists_without_reset() {
    let dir = tempfile::tempdir().unwrap();
    let s = Server::start(dir.path(), &[]);
    let c = client();
    // Two failures recorded first; the change must keep them.
    let r = c
        .put(s.url("/api/v1/circuit-breakers/tmdb"))
        .header("X-Api-Key", s.api_key())
        .json(&json!({"failure_threshold": 2, "recovery_timeout_seconds": 7}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["config"]["failure_threshold"], 2);
    assert_eq!(v["config"]["recovery_timeout_seconds"], 7);
    let text = std::fs::read_to_string(dir.path().join("config.toml")).unwrap();
    assert!(text.contains("failure_threshold = 2"), "persisted:\n{text}");
    assert!(text.contains("# reelarr configuration"), "comments kept");

    // The next call behaves by the new threshold: two simulated failures open it.
    let v: Value = c
        .post(s.url("/api/test/circuit-breaker/tmdb"))
        .header("X-Api-Key", s.api_key())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["state"], "open");
    assert_eq!(v["failure_count"], 2);

    // A later change leaves the open state and counters alone.
    c.put(s.url("/api/v1/circuit-breakers/tmdb"))
        .header("X-Api-Key", s.api_key())
        .json(&json!({"failure_threshold": 9}))
        .send()
        .await
        .unwrap();
    let v = breaker(&s, "tmdb").await;
    assert_eq!(v["state"], "open");
    assert_eq!(v["failure_count"], 2);
    assert_eq!(v["config"]["failure_threshold"], 9);

    // Invalid: rejected whole with the reason, nothing changes.
    for bad in [
        json!({"failure_threshold": 0}),
        json!({"recovery_timeout_seconds": 0, "failure_threshold": 4}),
        json!({"threshold": 3}),
    ] {
        let r = c
            .put(s.url("/api/v1/circuit-breakers/tmdb"))
            .header("X-Api-Key", s.api_key())
            .json(&bad)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400, "{bad}");
        let e: Value = r.json().await.unwrap();
        assert!(
            e["message"].as_str().unwrap().contains("threshold")
                || e["message"].as_str().unwrap().contains("recovery"),
            "{e}"
        );
    }
    assert_eq!(breaker(&s, "tmdb").await["config"]["failure_threshold"], 9);
    let r = c
        .put(s.url("/api/v1/circuit-breakers/nope"))
        .header("X-Api-Key", s.api_key())
        .json(&json!({"failure_threshold": 3}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    s.stop();

    // Persisted across a restart.
    let s = Server::start(dir.path(), &[]);
    assert_eq!(breaker(&s, "tmdb").await["config"]["failure_threshold"], 9);
    s.stop();
}

#[tokio::test]
async fn file_edit_and_sighup_with_env_file_are_live() {
    let dir = tempfile::tempdir().unwrap();
    let env_file = dir.path().join("reelarr.env");
    std::fs::write(&env_file, "CIRCUIT_BREAKER_HDBITS_THRESHOLD=4\n").unwrap();
    let s = Server::start(
        dir.path(),
        &[("REELARR_ENV_FILE", env_file.to_str().unwrap())],
    );
    assert_eq!(
        breaker(&s, "hdbits").await["config"]["failure_threshold"],
        4
    );

    // A file edit is picked up within 5 s.
    let cfg = dir.path().join("config.toml");
    let text = std::fs::read_to_string(&cfg).unwrap();
    let edited = text.replacen(
        "[circuit_breakers.qbittorrent]\nfailure_threshold = 3",
        "[circuit_breakers.qbittorrent]\nfailure_threshold = 6",
        1,
    );
    assert_ne!(edited, text);
    std::fs::write(&cfg, &edited).unwrap();
    assert!(
        wait_threshold(&s, "qbittorrent", 6).await,
        "file edit not live"
    );

    // An invalid edit is rejected whole: the old value stays, the reason is logged.
    let broken = edited.replacen("failure_threshold = 6", "failure_threshold = 0", 1);
    std::fs::write(&cfg, &broken).unwrap();
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(
        breaker(&s, "qbittorrent").await["config"]["failure_threshold"],
        6
    );
    assert!(
        s.log()
            .contains("circuit_breakers.qbittorrent.failure_threshold"),
        "{}",
        s.log()
    );
    std::fs::write(&cfg, &edited).unwrap();

    // SIGHUP after an env change.
    std::fs::write(&env_file, "CIRCUIT_BREAKER_HDBITS_THRESHOLD=8\n").unwrap();
    s.signal("HUP");
    assert!(
        wait_threshold(&s, "hdbits", 8).await,
        "SIGHUP reload not live"
    );
    let (status, _) = s.stop();
    assert!(status.success());
}
