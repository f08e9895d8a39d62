//! Issue 4 acceptance through the HTTP API: seed scenario 1 (TMDB outage) and an indexer outage
//! during a release search, against fake TMDB/HDBits/Torznab servers on 127.0.0.1.

use reelarr_testkit::app::*;
use reelarr_testkit::routes::{dead_port, Routes};
use serde_json::Value;
use std::time::{Duration, Instant};

mod mirrors;

const SEARCH: &str = include_str!("../fixtures/tmdb.search.json");
const MOVIE: &str = include_str!("../fixtures/tmdb.movie.603.json");
const CONFIGURATION: &str = include_str!("../fixtures/tmdb.configuration.json");
const HDBITS: &str = include_str!("../fixtures/hdbits.torrents.json");
const CAPS: &str = include_str!("../fixtures/torznab.caps.xml");
const RSS: &str = include_str!("../fixtures/torznab.movie.xml");

async fn lookup(s: &Server, term: &str) -> reqwest::Response {
    client()
        .get(s.url("/api/v3/movie/lookup"))
        .query(&[("term", term)])
        .header("X-Api-Key", s.api_key())
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn seed_scenario_1_tmdb_outage() {
    let tmdb = Routes::start(vec![
        ("/3/search/movie", SEARCH),
        ("/3/movie/", MOVIE),
        ("/3/configuration", CONFIGURATION),
    ])
    .await;
    let dir = tempfile::tempdir().unwrap();
    write_config(
        dir.path(),
        "[tmdb]\ncache_ttl_seconds = 1\n[circuit_breakers.tmdb]\nfailure_threshold = 5\nrecovery_timeout_seconds = 2\n",
    );
    let s = Server::start(
        dir.path(),
        &[
            ("TMDB_API_KEY", "test-key"),
            ("TMDB_API_URL", &format!("{}/3", tmdb.url())),
            ("HEALTH_CHECK_INTERVAL_SECONDS", "3600"),
        ],
    );
    // Normal: a lookup reaches TMDB and answers in Radarr's shape.
    let r = lookup(&s, "The Matrix 1999").await;
    assert_eq!(r.status(), 200);
    assert!(r.headers().get("x-reelarr-stale").is_none());
    let v: Value = r.json().await.unwrap();
    assert_eq!(v[0]["tmdbId"], 603, "{v}");
    assert_eq!(v[0]["title"], "The Matrix");
    let r = lookup(&s, "tmdb:603").await;
    assert_eq!(r.status(), 200);

    // TMDB fails: each uncached lookup is a clear 503; after 5 failures the breaker opens.
    tmdb.set_status(500);
    for i in 0..5 {
        let r = lookup(&s, &format!("uncached title {i}")).await;
        assert_eq!(r.status(), 503, "lookup {i}");
        assert!(r.headers().contains_key("retry-after"));
        let e: Value = r.json().await.unwrap();
        assert_eq!(e["error"], "tmdb_unavailable");
        assert_eq!(e["service"], "tmdb");
    }
    let b = get_json(&s, "/api/v1/circuit-breakers/tmdb").await;
    assert_eq!(b["state"], "open", "{b}");
    let hits_at_open = tmdb.hits();

    // Open: cached lookups are served fast and marked stale, without reaching TMDB...
    tokio::time::sleep(Duration::from_millis(1100)).await; // past the fresh TTL
    let t = Instant::now();
    let r = lookup(&s, "The Matrix 1999").await;
    let elapsed = t.elapsed();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["x-reelarr-stale"], "true");
    assert!(r.headers()["warning"].to_str().unwrap().starts_with("110"));
    let v: Value = r.json().await.unwrap();
    assert_eq!(v[0]["tmdbId"], 603);
    assert!(
        elapsed < Duration::from_millis(500),
        "stale answer took {elapsed:?}"
    );
    // ...and uncached ones get a 503 with Retry-After, also without reaching TMDB.
    let r = lookup(&s, "never seen before").await;
    assert_eq!(r.status(), 503);
    let retry: u64 = r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=2).contains(&retry), "Retry-After {retry}");
    assert_eq!(
        tmdb.hits(),
        hits_at_open,
        "TMDB was called while the breaker was open"
    );
    let h = get_json(&s, "/health/detailed").await;
    assert_eq!(h["services"]["tmdb"]["circuit_breaker"], "open");

    // TMDB is back: after the recovery timeout a trial succeeds and service is normal again.
    tmdb.set_status(200);
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let r = lookup(&s, "The Matrix 1999").await;
    assert_eq!(r.status(), 200);
    assert!(
        r.headers().get("x-reelarr-stale").is_none(),
        "fresh after recovery"
    );
    let b = get_json(&s, "/api/v1/circuit-breakers/tmdb").await;
    assert_eq!(b["state"], "closed", "{b}");
    let r = lookup(&s, "imdb:tt0133093").await;
    assert_eq!(r.status(), 200);
    s.stop();
}

#[tokio::test]
async fn lookup_without_tmdb_or_term_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let s = Server::start(dir.path(), &[]);
    let r = lookup(&s, "anything").await;
    assert_eq!(r.status(), 503);
    let e: Value = r.json().await.unwrap();
    assert_eq!(e["error"], "tmdb_unconfigured");
    let r = lookup(&s, "").await;
    assert_eq!(r.status(), 400);
    s.stop();
}

async fn search(s: &Server) -> Value {
    get_json(
        s,
        "/api/v1/search?title=The%20Matrix&year=1999&imdbId=tt0133093",
    )
    .await
}

fn indexer_config(dir: &std::path::Path, torznab_url: &str) {
    write_config(
        dir,
        &format!(
            "[[indexers.torznab]]\nname = \"prowlarr\"\nurl = \"{torznab_url}\"\napi_key = \"tz-key\"\n\
             [circuit_breakers.hdbits]\nfailure_threshold = 3\n"
        ),
    );
}

#[tokio::test]
async fn hdbits_down_torznab_still_answers_and_the_other_way_round() {
    // A Torznab fake that answers caps and search by the `t=` parameter.
    let tz = TorznabFake::start().await;
    let dir = tempfile::tempdir().unwrap();
    indexer_config(dir.path(), &tz.url());
    let s = Server::start(
        dir.path(),
        &[
            ("HDBITS_USERNAME", "user"),
            ("HDBITS_PASSKEY", "secret-passkey-123"),
            (
                "HDBITS_API_URL",
                &format!("http://127.0.0.1:{}/api", dead_port()),
            ),
            ("HEALTH_CHECK_INTERVAL_SECONDS", "3600"),
        ],
    );
    let v = search(&s).await;
    let releases = v["releases"].as_array().unwrap();
    assert!(!releases.is_empty(), "{v}");
    assert!(
        releases
            .iter()
            .all(|r| r["indexer"].as_str().unwrap().contains("prowlarr")),
        "{v}"
    );
    let warnings = v["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 1, "{v}");
    assert!(
        warnings[0]["reason"].as_str().unwrap().contains("HDBits"),
        "{v}"
    );
    assert!(!v.to_string().contains("secret-passkey-123"));
    s.stop();

    // The other way round: HDBits answers, Torznab is down.
    let hd = Routes::start(vec![("/api/torrents", HDBITS)]).await;
    let dir = tempfile::tempdir().unwrap();
    indexer_config(dir.path(), &format!("http://127.0.0.1:{}", dead_port()));
    let s = Server::start(
        dir.path(),
        &[
            ("HDBITS_USERNAME", "user"),
            ("HDBITS_PASSKEY", "secret-passkey-123"),
            ("HDBITS_API_URL", &format!("{}/api", hd.url())),
            ("HEALTH_CHECK_INTERVAL_SECONDS", "3600"),
        ],
    );
    let v = search(&s).await;
    let releases = v["releases"].as_array().unwrap();
    assert!(!releases.is_empty(), "{v}");
    assert!(releases.iter().all(|r| r["indexer"] == "HDBits"), "{v}");
    let warnings = v["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 1, "{v}");
    assert!(
        warnings[0]["reason"].as_str().unwrap().contains("prowlarr"),
        "{v}"
    );
    assert!(
        !v.to_string().contains("secret-passkey-123"),
        "passkey leaked: {v}"
    );
    s.stop();
}

/// Torznab answers caps or a movie search depending on `t=`.
struct TorznabFake {
    addr: std::net::SocketAddr,
}

impl TorznabFake {
    async fn start() -> Self {
        use warp::Filter;
        let route = warp::path!("api")
            .and(warp::query::<std::collections::HashMap<String, String>>())
            .map(|q: std::collections::HashMap<String, String>| {
                assert_eq!(q.get("apikey").map(String::as_str), Some("tz-key"));
                match q.get("t").map(String::as_str) {
                    Some("caps") => CAPS,
                    _ => RSS,
                }
            });
        let (addr, server) = warp::serve(route).bind_ephemeral(([127, 0, 0, 1], 0));
        tokio::spawn(server);
        TorznabFake { addr }
    }

    fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

#[tokio::test]
async fn movies_are_added_even_while_tmdb_is_down() {
    let tmdb = Routes::start(vec![
        ("/3/search/movie", SEARCH),
        ("/3/movie/", MOVIE),
        ("/3/configuration", CONFIGURATION),
    ])
    .await;
    let dir = tempfile::tempdir().unwrap();
    let s = Server::start(
        dir.path(),
        &[
            ("TMDB_API_KEY", "test-key"),
            ("TMDB_API_URL", &format!("{}/3", tmdb.url())),
            ("HEALTH_CHECK_INTERVAL_SECONDS", "3600"),
        ],
    );
    let c = client();
    let key = s.api_key();
    let post = |body: Value| {
        c.post(s.url("/api/v3/movie"))
            .header("X-Api-Key", &key)
            .json(&body)
            .send()
    };
    let body = serde_json::json!({
        "title": "The Matrix", "tmdbId": 603, "year": 1999, "qualityProfileId": 4,
        "rootFolderPath": "/movies", "monitored": true, "minimumAvailability": "released",
        "addOptions": {"searchForMovie": false}
    });
    let r = post(body.clone()).await.unwrap();
    assert_eq!(r.status(), 201);
    let m: Value = r.json().await.unwrap();
    assert!(m["id"].as_i64().unwrap() > 0);
    assert_eq!(m["path"], "/movies/The Matrix (1999)");
    assert_eq!(m["imdbId"], "tt0133093");
    if let Some(doc) = reelarr_testkit::openapi::radarr_doc() {
        let problems = reelarr_testkit::openapi::check(&doc, "MovieResource", &m, false);
        assert!(problems.is_empty(), "{problems:#?}");
    }
    // Already there: 400, and lookups now carry the library id (as Radarr does for Overseerr).
    let r = post(body.clone()).await.unwrap();
    assert_eq!(r.status(), 400);
    let found = get_json(&s, "/api/v3/movie?tmdbId=603").await;
    assert_eq!(found.as_array().unwrap().len(), 1);
    let looked: Value = lookup(&s, "tmdb:603").await.json().await.unwrap();
    assert_eq!(looked[0]["id"], m["id"]);

    let id = m["id"].as_i64().unwrap();
    let r = c
        .put(s.url(&format!("/api/v3/movie/{id}")))
        .header("X-Api-Key", &key)
        .json(&serde_json::json!({"monitored": false}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 202);
    assert_eq!(
        get_json(&s, &format!("/api/v3/movie/{id}")).await["monitored"],
        false
    );

    // TMDB down and its breaker open: the request is still recorded with what the client sent.
    tmdb.set_status(500);
    c.post(s.url("/api/test/circuit-breaker/tmdb"))
        .header("X-Api-Key", &key)
        .send()
        .await
        .unwrap();
    let r = post(serde_json::json!({"title": "Heat", "tmdbId": 949, "year": 1995, "qualityProfileId": 4, "rootFolderPath": "/movies"}))
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let heat: Value = r.json().await.unwrap();
    assert_eq!(heat["title"], "Heat");
    assert_eq!(heat["path"], "/movies/Heat (1995)");
    // Bad input is a 400 that names the problem.
    let r = post(serde_json::json!({"tmdbId": 1, "qualityProfileId": 999, "rootFolderPath": "/m"}))
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let r = c
        .delete(s.url(&format!("/api/v3/movie/{id}")))
        .header("X-Api-Key", &key)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(
        get_json(&s, "/api/v3/movie")
            .await
            .as_array()
            .unwrap()
            .len(),
        1
    );
    s.stop();
}
