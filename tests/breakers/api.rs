//! Health, test endpoint, manual control, events, dashboard, metrics, alerts.

use reelarr_testkit::app::*;
use reelarr_testkit::routes::Fake;
use serde_json::{json, Value};
use std::time::Duration;

async fn post(s: &Server, path: &str, body: Option<Value>) -> reqwest::Response {
    let mut r = client().post(s.url(path)).header("X-Api-Key", s.api_key());
    if let Some(b) = body {
        r = r.json(&b);
    }
    r.send().await.unwrap()
}

#[tokio::test]
async fn detailed_health_has_the_seed_shape_and_is_cached() {
    let dir = tempfile::tempdir().unwrap();
    let s = Server::start(dir.path(), &[("DETAILED_HEALTH_CACHE_SECONDS", "30")]);
    // Not public by default.
    let r = client()
        .get(s.url("/health/detailed"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let v = get_json(&s, "/health/detailed").await;
    assert_eq!(v["status"], "healthy");
    for svc in ["tmdb", "hdbits", "qbittorrent", "database"] {
        let x = &v["services"][svc];
        for key in [
            "status",
            "circuit_breaker",
            "last_check",
            "failure_count",
            "response_time_ms",
        ] {
            assert!(x.get(key).is_some(), "{svc}.{key} missing: {x}");
        }
        assert_eq!(x["circuit_breaker"], "closed");
    }
    assert_eq!(v["services"]["tmdb"]["status"], "unconfigured");
    assert_eq!(v["services"]["database"]["status"], "healthy");
    assert!(v["services"]["database"]["connection_pool_active"].is_u64());
    assert!(
        v["services"]["database"]["connection_pool_idle"]
            .as_u64()
            .unwrap()
            >= 1
    );
    for key in [
        "memory_usage_mb",
        "cpu_usage_percent",
        "uptime_seconds",
        "active_connections",
    ] {
        assert!(v["system"][key].is_number(), "system.{key}: {v}");
    }
    assert!(v["system"]["memory_usage_mb"].as_f64().unwrap() > 1.0);
    // Cached: the same document within DETAILED_HEALTH_CACHE_SECONDS.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let again = get_json(&s, "/health/detailed").await;
    assert_eq!(again["timestamp"], v["timestamp"]);
    s.stop();
}

#[tokio::test]
async fn test_endpoint_opens_and_restores_and_health_follows() {
    let dir = tempfile::tempdir().unwrap();
    let s = Server::start(dir.path(), &[]);
    let r = post(&s, "/api/test/circuit-breaker/tmdb", None).await;
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["service"], "tmdb");
    assert_eq!(v["state"], "open");
    assert_eq!(v["failure_count"], 5, "the seed's TMDB threshold is 5");
    assert!(v["next_attempt_at"].is_string());

    let h: Value = client()
        .get(s.url("/health"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(h["status"], "degraded");
    let d = get_json(&s, "/api/v1/dashboard").await;
    assert_eq!(d["circuit_breakers"]["tmdb_state"], "open");
    assert_eq!(d["failure_rates"]["tmdb"], "100.0%");
    assert!(d["response_times"]["tmdb_avg_ms"].is_u64());
    let v3 = get_json(&s, "/api/v3/health").await;
    assert!(
        v3.as_array()
            .unwrap()
            .iter()
            .any(|e| e["source"] == "MetadataSourceCheck"),
        "{v3}"
    );

    let r = post(
        &s,
        "/api/test/circuit-breaker/tmdb",
        Some(json!({"action": "close"})),
    )
    .await;
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["state"], "closed");
    let h: Value = client()
        .get(s.url("/health"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(h["status"], "healthy");

    // The database breaker open: reads come from the snapshot, so degraded, not unhealthy.
    let v: Value = post(&s, "/api/test/circuit-breaker/database", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["state"], "open");
    assert_eq!(v["failure_count"], 2);
    let r = client().get(s.url("/health")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let h: Value = r.json().await.unwrap();
    assert_eq!(h["status"], "degraded");
    let r = post(
        &s,
        "/api/test/circuit-breaker/database",
        Some(json!({"action": "reset"})),
    )
    .await;
    assert_eq!(r.status(), 200);
    assert_eq!(
        client()
            .get(s.url("/health"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );

    let r = post(&s, "/api/test/circuit-breaker/nonsense", None).await;
    assert_eq!(r.status(), 404);
    let r = post(
        &s,
        "/api/test/circuit-breaker/tmdb",
        Some(json!({"action": "explode"})),
    )
    .await;
    assert_eq!(r.status(), 400);
    s.stop();
}

#[tokio::test]
async fn manual_control_events_survive_restart() {
    let dir = tempfile::tempdir().unwrap();
    let s = Server::start(dir.path(), &[]);
    for (action, state) in [
        ("open", "forced_open"),
        ("close", "closed"),
        ("disable", "disabled"),
        ("reset", "closed"),
    ] {
        let v: Value = post(
            &s,
            &format!("/api/v1/circuit-breakers/hdbits/{action}"),
            None,
        )
        .await
        .json()
        .await
        .unwrap();
        assert_eq!(v["state"], state, "{action}");
    }
    let r = post(&s, "/api/v1/circuit-breakers/hdbits/explode", None).await;
    assert_eq!(r.status(), 400);
    let ev = get_json(&s, "/api/v1/circuit-breakers/events").await;
    let ev = ev.as_array().unwrap();
    assert!(ev.len() >= 4, "{ev:?}");
    assert_eq!(ev[0]["to"], "closed", "newest first: {ev:?}");
    assert_eq!(ev[ev.len() - 1]["to"], "forced_open");
    let list = get_json(&s, "/api/v1/circuit-breakers").await;
    let hd = list
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["service"] == "hdbits")
        .unwrap()
        .clone();
    for key in [
        "state",
        "failure_rate",
        "avg_response_time_ms",
        "p95_response_time_ms",
        "opened_at",
        "next_attempt_at",
        "config",
    ] {
        assert!(hd.get(key).is_some(), "{key}");
    }
    assert_eq!(hd["config"]["failure_threshold"], 3);
    s.stop();

    // History survives a restart (persisted in the database).
    let s = Server::start(dir.path(), &[]);
    let ev = get_json(&s, "/api/v1/circuit-breakers/events").await;
    assert!(ev.as_array().unwrap().len() >= 4, "{ev}");
    assert_eq!(ev[0]["service"], "hdbits");
    s.stop();
}

#[tokio::test]
async fn alerts_reach_webhooks_without_blocking() {
    let hook = Fake::start_fixed(200, "ok").await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("config.toml"),
        format!(
            "[alerts]\nwebhooks = [\"{}/hook\"]\ntimeout_seconds = 2\n[server]\napi_key = \"{}\"\n",
            hook.url(),
            "a".repeat(32)
        ),
    )
    .unwrap();
    let s = Server::start(dir.path(), &[]);
    post(&s, "/api/test/circuit-breaker/qbittorrent", None).await;
    post(
        &s,
        "/api/test/circuit-breaker/qbittorrent",
        Some(json!({"action": "close"})),
    )
    .await;
    let got = eventually(Duration::from_secs(10), || {
        let hook = hook.clone();
        async move { (hook.hits() >= 2).then(|| hook.bodies.lock().unwrap().clone()) }
    })
    .await
    .expect("two webhook POSTs");
    let first: Value = serde_json::from_str(&got[0]).unwrap();
    assert_eq!(first["alert"], "breaker_opened");
    assert_eq!(first["service"], "qbittorrent");
    let second: Value = serde_json::from_str(&got[1]).unwrap();
    assert_eq!(second["alert"], "recovered");

    // A webhook that hangs never delays the API.
    hook.set_status(reelarr_testkit::routes::HANG);
    let t = std::time::Instant::now();
    post(&s, "/api/test/circuit-breaker/hdbits", None).await;
    assert!(t.elapsed() < Duration::from_secs(2));
    s.stop();
}

#[tokio::test]
async fn metrics_pass_promtool() {
    let dir = tempfile::tempdir().unwrap();
    let s = Server::start(dir.path(), &[]);
    post(&s, "/api/test/circuit-breaker/tmdb", None).await;
    client()
        .get(s.url("/api/v3/movie/12"))
        .send()
        .await
        .unwrap();
    let r = client().get(s.url("/metrics")).send().await.unwrap();
    assert_eq!(r.status(), 401, "metrics are private by default");
    let text = get_text(&s, "/metrics").await;
    for needle in [
        "reelarr_circuit_breaker_state{service=\"tmdb\",state=\"open\"} 1",
        "reelarr_circuit_breaker_transitions_total{service=\"tmdb\"} 1",
        "reelarr_external_requests_total{service=\"tmdb\",outcome=\"failure\"} 5",
        "reelarr_external_request_duration_seconds_bucket{service=\"database\",le=\"+Inf\"}",
        "reelarr_retry_queue_depth 0",
        "reelarr_http_requests_total{route=\"/api/v3/movie/{id}\",status=\"401\"} 1",
        "process_resident_memory_bytes ",
        "reelarr_uptime_seconds ",
    ] {
        assert!(text.contains(needle), "missing {needle}:\n{text}");
    }
    s.stop();
    let Some(promtool) = tool_or_skip("promtool", "prometheus") else {
        return;
    };
    let mut child = std::process::Command::new(promtool)
        .args(["check", "metrics"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let complaints =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && complaints.trim().is_empty(),
        "promtool: {complaints}"
    );
}
