//! Issue 17 item 2 (Torznab mirror URLs) through the real binary: an indexer whose own URL is
//! down answers through its mirror (its own breaker, `torznab:<name>#2`), from the config file
//! and through the indexer API (`mirrorUrls`).

use super::*;
use reelarr_testkit::torznab::{self, Release};
use serde_json::json;

fn feed() -> Vec<Release> {
    vec![Release::new(
        "The.Matrix.1999.1080p.BluRay.x264-GRP",
        "mirror-1",
        8_000_000_000,
        50,
        &"c".repeat(40),
    )]
}

async fn breaker_names(s: &Server) -> Vec<String> {
    get_json(s, "/api/v1/circuit-breakers")
        .await
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["service"].as_str().unwrap().to_string())
        .collect()
}

/// Every search finds the mirror's releases with no warning, however often the own URL fails.
async fn searches_answer_from_the_mirror(s: &Server, own: &str) {
    for i in 0..3 {
        let v = search(s).await;
        let releases = v["releases"].as_array().unwrap();
        assert_eq!(releases.len(), 1, "search {i}: {v}");
        assert_eq!(releases[0]["infoHash"], "c".repeat(40), "{v}");
        assert_eq!(v["warnings"], json!([]), "search {i}: {v}");
    }
    let b = get_json(s, &format!("/api/v1/circuit-breakers/{own}")).await;
    assert_eq!(b["state"], "open", "the own URL's breaker: {b}");
    let b = get_json(s, &format!("/api/v1/circuit-breakers/{own}%232")).await;
    assert_eq!(b["state"], "closed", "the mirror's breaker: {b}");
}

#[tokio::test]
async fn a_down_indexer_is_searched_through_its_mirror() {
    let mirror = torznab::start(feed()).await;
    let dir = tempfile::tempdir().unwrap();
    write_config(
        dir.path(),
        &format!(
            "[[indexers.torznab]]\nname = \"prowlarr\"\nurl = \"http://127.0.0.1:{}\"\n\
             api_key = \"{}\"\nmirror_urls = [\"{mirror}\"]\n\
             [circuit_breakers.torznab]\nfailure_threshold = 2\nrecovery_timeout_seconds = 60\n",
            dead_port(),
            torznab::API_KEY
        ),
    );
    let s = Server::start(dir.path(), &[("HEALTH_CHECK_INTERVAL_SECONDS", "3600")]);
    let names = breaker_names(&s).await;
    assert!(names.contains(&"torznab:prowlarr".to_string()), "{names:?}");
    assert!(
        names.contains(&"torznab:prowlarr#2".to_string()),
        "{names:?}"
    );
    searches_answer_from_the_mirror(&s, "torznab:prowlarr").await;
    let h = get_json(&s, "/health/detailed").await;
    assert!(h["torznab"]["prowlarr#2"].is_object(), "{h}");
    s.stop();
}

#[tokio::test]
async fn mirror_urls_through_the_indexer_api() {
    let mirror = torznab::start(feed()).await;
    let dir = tempfile::tempdir().unwrap();
    write_config(
        dir.path(),
        "[circuit_breakers.torznab]\nfailure_threshold = 2\nrecovery_timeout_seconds = 60\n",
    );
    let s = Server::start(dir.path(), &[("HEALTH_CHECK_INTERVAL_SECONDS", "3600")]);
    let body = |mirrors: Value| {
        json!({"name": "tracker", "implementation": "Torznab", "configContract": "TorznabSettings",
            "enableRss": true, "enableAutomaticSearch": true, "enableInteractiveSearch": true,
            "priority": 25, "tags": [],
            "fields": [
                {"name": "baseUrl", "value": format!("http://127.0.0.1:{}", dead_port())},
                {"name": "apiPath", "value": "/api"},
                {"name": "apiKey", "value": torznab::API_KEY},
                {"name": "mirrorUrls", "value": mirrors}]})
    };
    let post = |b: Value| {
        client()
            .post(s.url("/api/v3/indexer?forceSave=true"))
            .header("X-Api-Key", s.api_key())
            .json(&b)
            .send()
    };
    let r = post(body(json!(["ftp://mirror"]))).await.unwrap();
    assert_eq!(r.status(), 400);
    let v: Value = r.json().await.unwrap();
    assert!(v.to_string().contains("mirrorUrls"), "{v}");
    let r = post(body(json!([mirror]))).await.unwrap();
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    let names = breaker_names(&s).await;
    assert!(
        names.contains(&"torznab:tracker#2".to_string()),
        "{names:?}"
    );
    searches_answer_from_the_mirror(&s, "torznab:tracker").await;
    s.stop();
}

/// TMDB's alternative base URL (`[tmdb] fallback_base_url`, breaker `tmdb:alt`): with TMDB's own
/// URL down, lookups are answered fresh (not stale) through the alternative.
#[tokio::test]
async fn tmdb_answers_through_its_alternative_base_url() {
    let alt = Routes::start(vec![
        ("/3/search/movie", SEARCH),
        ("/3/movie/", MOVIE),
        ("/3/configuration", CONFIGURATION),
    ])
    .await;
    let dir = tempfile::tempdir().unwrap();
    write_config(
        dir.path(),
        &format!(
            "[tmdb]\nfallback_base_url = \"{}/3\"\n\
             [circuit_breakers.tmdb]\nfailure_threshold = 2\nrecovery_timeout_seconds = 60\n",
            alt.url()
        ),
    );
    let s = Server::start(
        dir.path(),
        &[
            ("TMDB_API_KEY", "test-key"),
            (
                "TMDB_API_URL",
                &format!("http://127.0.0.1:{}/3", dead_port()),
            ),
            ("HEALTH_CHECK_INTERVAL_SECONDS", "3600"),
        ],
    );
    assert!(breaker_names(&s).await.contains(&"tmdb:alt".to_string()));
    for term in ["The Matrix 1999", "tmdb:603", "The Matrix"] {
        let r = lookup(&s, term).await;
        assert_eq!(r.status(), 200, "{term}");
        assert!(
            r.headers().get("x-reelarr-stale").is_none(),
            "{term}: fresh"
        );
        let v: Value = r.json().await.unwrap();
        assert_eq!(v[0]["tmdbId"], 603, "{term}: {v}");
    }
    let b = get_json(&s, "/api/v1/circuit-breakers/tmdb").await;
    assert_eq!(b["state"], "open", "{b}");
    let b = get_json(&s, "/api/v1/circuit-breakers/tmdb%3Aalt").await;
    assert_eq!(b["state"], "closed", "{b}");
    s.stop();
}
