//! Schemathesis (PyPI) against the served `/api/openapi.json`, authenticated, with every check:
//! no 5xx, no answer outside its documented schema, status or content type, 405s with `Allow`,
//! schema-invalid input refused and schema-valid input accepted (the few exceptions, each with
//! its reason, are in `schemathesis.toml`). TMDB is a fake with recorded answers, qBittorrent is
//! down (grabs queue for retry), so no documented 503 is expected either.
//!
//! Bounded: `SCHEMATHESIS_MAX_EXAMPLES` (default 10) examples per operation and a fixed seed
//! (`SCHEMATHESIS_SEED` to vary it); the run takes about 20 s. The tool is `REELARR_SCHEMATHESIS`,
//! else `st` or `schemathesis` on PATH (`.ci/run` installs it in a venv); without it the test skips
//! loudly, or fails under `REELARR_REQUIRE_REAL_SERVICES=1`.

use reelarr_testkit::app::*;
use reelarr_testkit::http_fake::dead_url;
use reelarr_testkit::routes::Routes;
use serde_json::json;
use std::path::PathBuf;
use std::time::Duration;

const MOVIE: &str = include_str!("../fixtures/tmdb.movie.603.json");
const SEARCH: &str = include_str!("../fixtures/tmdb.search.json");
const FIND: &str = include_str!("../fixtures/tmdb.find.json");
const CONFIGURATION: &str = include_str!("../fixtures/tmdb.configuration.json");

fn schemathesis() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("REELARR_SCHEMATHESIS") {
        return Some(PathBuf::from(p));
    }
    if let Some(p) = find_tool("st", &[]).or_else(|| find_tool("schemathesis", &[])) {
        return Some(p);
    }
    if require_real_services() {
        panic!("schemathesis is required (REELARR_REQUIRE_REAL_SERVICES=1): python3 -m venv /opt/st && /opt/st/bin/pip install schemathesis, then REELARR_SCHEMATHESIS=/opt/st/bin/st");
    }
    eprintln!("\n*** SKIPPED: schemathesis not installed (pip install schemathesis, or set REELARR_SCHEMATHESIS); set REELARR_REQUIRE_REAL_SERVICES=1 to make this a failure ***\n");
    None
}

#[tokio::test]
async fn schemathesis_finds_no_failure() {
    let Some(st) = schemathesis() else { return };
    let tmdb = Routes::start(vec![
        ("/3/movie/", MOVIE),
        ("/3/search/movie", SEARCH),
        ("/3/find/", FIND),
        ("/3/configuration", CONFIGURATION),
    ])
    .await;
    let dir = tempfile::tempdir().unwrap();
    let tmdb_url = format!("{}/3", tmdb.url());
    let qbit = dead_url();
    let s = Server::start(
        dir.path(),
        &[
            ("TMDB_API_KEY", "test-key"),
            ("TMDB_API_URL", &tmdb_url),
            // The poster proxy answers placeholders at once instead of trying TMDB's real host.
            ("TMDB_IMAGE_URL", &qbit),
            ("QBITTORRENT_URL", &qbit),
            ("QBITTORRENT_USERNAME", "admin"),
            ("QBITTORRENT_PASSWORD", "secret"),
            ("HEALTH_CHECK_INTERVAL_SECONDS", "3600"),
        ],
    );
    // A root folder and a movie, so that operations on existing records are reached too.
    let movies = dir.path().join("movies");
    std::fs::create_dir_all(&movies).unwrap();
    let key = s.api_key();
    let post = |path: &str, body: serde_json::Value| {
        client()
            .post(s.url(path))
            .header("X-Api-Key", &key)
            .json(&body)
            .send()
    };
    let r = post("/api/v3/rootfolder", json!({"path": movies}))
        .await
        .unwrap();
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    let r = post(
        "/api/v3/movie",
        json!({"tmdbId": 603, "qualityProfileId": 1, "rootFolderPath": movies, "monitored": true}),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());

    let config =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/radarr_api/schemathesis.toml");
    let examples = std::env::var("SCHEMATHESIS_MAX_EXAMPLES").unwrap_or_else(|_| "10".into());
    let seed = std::env::var("SCHEMATHESIS_SEED")
        .unwrap_or_else(|_| "148017449960001385715216436524221747218".into());
    let mut cmd = tokio::process::Command::new(&st);
    cmd.arg("--no-color")
        .arg("--config-file")
        .arg(&config)
        .arg("run")
        .arg(s.url("/api/openapi.json"))
        .args(["-H", &format!("X-Api-Key: {key}")])
        .args(["--max-examples", &examples, "--seed", &seed])
        .args(["--generation-deterministic", "--request-timeout", "20"])
        .current_dir(dir.path())
        .kill_on_drop(true);
    let out = tokio::time::timeout(Duration::from_secs(600), cmd.output())
        .await
        .expect("schemathesis finished within 10 minutes")
        .expect("schemathesis runs");
    let report = String::from_utf8_lossy(&out.stdout);
    let summary: String = report
        .lines()
        .skip_while(|l| !l.contains("SUMMARY"))
        .collect::<Vec<_>>()
        .join("\n");
    eprintln!("{summary}");
    assert!(
        out.status.success(),
        "schemathesis found failures ({}):\n{report}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let log = s.log();
    assert!(!log.contains("panicked"), "the server panicked:\n{log}");
}
