//! Contract tests of the `/api/v3` subset against Radarr's own OpenAPI document.

#[path = "../common/mod.rs"]
mod common;

use common::openapi::{check, radarr_doc};
use common::*;
use serde_json::Value;

fn doc_or_skip() -> Option<Value> {
    match radarr_doc() {
        Some(d) => Some(d),
        None if require_real_services() => {
            panic!("../shared/reference/radarr-openapi.json is required in CI")
        }
        None => {
            eprintln!("*** SKIPPED schema validation: ../shared/reference/radarr-openapi.json not found ***");
            None
        }
    }
}

#[tokio::test]
async fn parse_system_status_and_health_match_radarr() {
    let dir = tempfile::tempdir().unwrap();
    let s = Server::start(dir.path(), &[]);
    let title = "The.Matrix.1999.REPACK.1080p.BluRay.DTS.x264-GRP";
    let p = get_json(&s, &format!("/api/v3/parse?title={title}")).await;
    let q = &p["parsedMovieInfo"]["quality"];
    assert_eq!(q["quality"]["source"], "bluray");
    assert_eq!(q["quality"]["resolution"], 1080);
    assert_eq!(q["quality"]["modifier"], "none");
    assert_eq!(q["quality"]["name"], "Bluray-1080p");
    assert_eq!(q["revision"]["version"], 2);
    assert_eq!(q["revision"]["isRepack"], true);
    assert_eq!(p["parsedMovieInfo"]["releaseGroup"], "GRP");
    assert_eq!(p["parsedMovieInfo"]["year"], 1999);
    assert_eq!(p["parsedMovieInfo"]["movieTitle"], "The Matrix");

    let r = client()
        .get(s.url("/api/v3/parse"))
        .header("X-Api-Key", s.api_key())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);

    let status = get_json(&s, "/api/v3/system/status").await;
    assert_eq!(status["isLinux"], true);
    assert!(status["version"].is_string() && status["startTime"].is_string());
    assert_eq!(status["authentication"], "forms");

    client()
        .post(s.url("/api/test/circuit-breaker/hdbits"))
        .header("X-Api-Key", s.api_key())
        .send()
        .await
        .unwrap();
    let health = get_json(&s, "/api/v3/health").await;
    let first = &health[0];
    assert_eq!(first["source"], "IndexerStatusCheck");
    assert_eq!(first["type"], "warning");
    assert_eq!(
        first["message"],
        "Indexers unavailable due to failures: HDBits"
    );

    if let Some(doc) = doc_or_skip() {
        let mut problems = check(&doc, "ParseResource", &p, false);
        // parsedMovieInfo.extraInfo is reelarr's addition (codec, HDR, audio).
        problems.retain(|x| !x.contains("extraInfo"));
        assert!(problems.is_empty(), "{problems:#?}");
        let problems = check(&doc, "SystemResource", &status, false);
        assert!(problems.is_empty(), "{problems:#?}");
        for e in health.as_array().unwrap() {
            let problems = check(&doc, "HealthResource", e, false);
            assert!(problems.is_empty(), "{problems:#?}");
        }
    }
    s.stop();
}
