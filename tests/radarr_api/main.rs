//! Contract tests of the `/api/v3` subset against Radarr's own OpenAPI document.

mod concurrency;
mod conformance;
mod library;
mod log;
mod media_cover;
mod methods_and_params;
mod movie_list;
mod openapi_sync;
mod replays;
mod schemathesis;

use reelarr_testkit::app::*;
use reelarr_testkit::openapi::{check, radarr_doc};
use serde_json::{json, Value};

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

/// `/api/v3/parse` fills Radarr's movieTitles (split on AKA and ` / `), releaseHash (an
/// anime-style `[ABCD1234]` CRC), languages and edition from the parser.
#[tokio::test]
async fn parse_answers_alternative_titles_hash_languages_and_edition() {
    let dir = tempfile::tempdir().unwrap();
    let s = Server::start(dir.path(), &[]);
    let parse = |title: &'static str| {
        let s = &s;
        async move {
            let r = client()
                .get(s.url("/api/v3/parse"))
                .query(&[("title", title)])
                .header("X-Api-Key", s.api_key())
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 200);
            r.json::<Value>().await.unwrap()["parsedMovieInfo"].clone()
        }
    };
    let p =
        parse("Kimi no Na wa AKA Your Name 2016 Directors Cut GERMAN 1080p BluRay x264-GRP").await;
    assert_eq!(
        p["movieTitles"],
        json!(["Kimi no Na wa", "Your Name"]),
        "{p}"
    );
    assert_eq!(p["movieTitle"], "Kimi no Na wa");
    assert_eq!(p["edition"], "Directors Cut");
    assert_eq!(p["languages"], json!([{"id": 4, "name": "German"}]));
    assert_eq!(p["releaseHash"], "");
    let p = parse("[SubsPlease] Hoshi no Ko / Star Child (2023) (1080p) [1A2B3C4D].mkv").await;
    assert_eq!(
        p["movieTitles"],
        json!(["Hoshi no Ko", "Star Child"]),
        "{p}"
    );
    assert_eq!(p["releaseHash"], "1A2B3C4D");
    assert_eq!(p["releaseGroup"], "SubsPlease");
    assert_eq!(p["year"], 2023);
    s.stop();
}

async fn send(
    s: &Server,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut r = client()
        .request(method, s.url(path))
        .header("X-Api-Key", s.api_key());
    if let Some(b) = body {
        r = r.json(&b);
    }
    let r = r.send().await.unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

/// Registers `path` as a root folder (asserting Radarr's 201) and returns the resource.
async fn add_root_folder(s: &Server, path: &str) -> Value {
    let (st, root) = send(
        s,
        reqwest::Method::POST,
        "/api/v3/rootfolder",
        Some(json!({"path": path})),
    )
    .await;
    assert_eq!(st, 201, "{root}");
    root
}

#[tokio::test]
async fn quality_profiles_root_folders_and_tags() {
    use reqwest::Method;
    let dir = tempfile::tempdir().unwrap();
    let s = Server::start(dir.path(), &[]);
    let doc = doc_or_skip();

    let (st, profiles) = send(&s, Method::GET, "/api/v3/qualityprofile", None).await;
    assert_eq!(st, 200);
    let names: Vec<&str> = profiles
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"Any") && names.contains(&"HD-1080p") && names.contains(&"Ultra-HD"),
        "{names:?}"
    );
    if let Some(doc) = &doc {
        for p in profiles.as_array().unwrap() {
            let problems = check(doc, "QualityProfileResource", p, false);
            assert!(problems.is_empty(), "{problems:#?}");
        }
    }
    let hd = profiles
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "HD-1080p")
        .unwrap()
        .clone();
    let (st, one) = send(
        &s,
        Method::GET,
        &format!("/api/v3/qualityprofile/{}", hd["id"]),
        None,
    )
    .await;
    assert_eq!((st, &one["name"]), (200, &hd["name"]));

    // Create (201), update (202), delete (200), and validation errors (400).
    let mut mine = hd.clone();
    mine.as_object_mut().unwrap().remove("id");
    mine["name"] = "Mine".into();
    let (st, created) = send(
        &s,
        Method::POST,
        "/api/v3/qualityprofile",
        Some(mine.clone()),
    )
    .await;
    assert_eq!(st, 201, "{created}");
    let id = created["id"].as_i64().unwrap();
    mine["upgradeAllowed"] = true.into();
    let (st, updated) = send(
        &s,
        Method::PUT,
        &format!("/api/v3/qualityprofile/{id}"),
        Some(mine.clone()),
    )
    .await;
    assert_eq!(st, 202, "{updated}");
    assert_eq!(updated["upgradeAllowed"], true);
    let (st, e) = send(
        &s,
        Method::POST,
        "/api/v3/qualityprofile",
        Some(mine.clone()),
    )
    .await;
    assert_eq!(st, 409, "duplicate name: {e}");
    let mut bad = mine.clone();
    bad["name"] = "".into();
    let (st, e) = send(&s, Method::POST, "/api/v3/qualityprofile", Some(bad)).await;
    assert_eq!(st, 400, "{e}");
    let (st, _) = send(
        &s,
        Method::DELETE,
        &format!("/api/v3/qualityprofile/{id}"),
        None,
    )
    .await;
    assert_eq!(st, 200);
    let (st, _) = send(
        &s,
        Method::GET,
        &format!("/api/v3/qualityprofile/{id}"),
        None,
    )
    .await;
    assert_eq!(st, 404);

    let movies = tempfile::tempdir().unwrap();
    let path = movies.path().to_str().unwrap().to_string();
    let root = add_root_folder(&s, &path).await;
    assert_eq!(root["accessible"], true);
    assert!(root["freeSpace"].as_u64().unwrap() > 0);
    let (st, _) = send(
        &s,
        Method::POST,
        "/api/v3/rootfolder",
        Some(json!({"path": path})),
    )
    .await;
    assert_eq!(st, 400);
    let (st, _) = send(
        &s,
        Method::POST,
        "/api/v3/rootfolder",
        Some(json!({"path": "relative/dir"})),
    )
    .await;
    assert_eq!(st, 400);
    let (st, _) = send(
        &s,
        Method::POST,
        "/api/v3/rootfolder",
        Some(json!({"path": "/no/such/folder/here"})),
    )
    .await;
    assert_eq!(st, 400);
    let (_, roots) = send(&s, Method::GET, "/api/v3/rootfolder", None).await;
    assert_eq!(roots.as_array().unwrap().len(), 1);
    if let Some(doc) = &doc {
        let problems = check(doc, "RootFolderResource", &roots[0], false);
        assert!(problems.is_empty(), "{problems:#?}");
    }
    let (st, _) = send(
        &s,
        Method::DELETE,
        &format!("/api/v3/rootfolder/{}", root["id"]),
        None,
    )
    .await;
    assert_eq!(st, 200);
    let (st, _) = send(
        &s,
        Method::DELETE,
        &format!("/api/v3/rootfolder/{}", root["id"]),
        None,
    )
    .await;
    assert_eq!(st, 404);

    let (st, t) = send(
        &s,
        Method::POST,
        "/api/v3/tag",
        Some(json!({"label": "4K"})),
    )
    .await;
    assert_eq!(st, 201);
    assert_eq!(t["label"], "4k");
    let (_, again) = send(
        &s,
        Method::POST,
        "/api/v3/tag",
        Some(json!({"label": "4k"})),
    )
    .await;
    assert_eq!(again["id"], t["id"]);
    let (_, tags) = send(&s, Method::GET, "/api/v3/tag", None).await;
    assert_eq!(tags.as_array().unwrap().len(), 1);
    if let Some(doc) = &doc {
        assert!(check(doc, "TagResource", &tags[0], false).is_empty());
    }
    s.stop();
}

#[tokio::test]
async fn database_breaker_open_serves_reads_and_refuses_writes() {
    use reqwest::Method;
    let dir = tempfile::tempdir().unwrap();
    let s = Server::start(dir.path(), &[]);
    let movies = tempfile::tempdir().unwrap();
    let path = movies.path().to_str().unwrap().to_string();
    add_root_folder(&s, &path).await;
    let (_, roots_before) = send(&s, Method::GET, "/api/v3/rootfolder", None).await;
    // A UI session made while the database is up keeps working while it is down.
    let pw = std::fs::read_to_string(dir.path().join("initial-admin-password")).unwrap();
    let r = client()
        .post(s.url("/login"))
        .json(&json!({"username": "admin", "password": pw.trim()}))
        .send()
        .await
        .unwrap();
    let cookie = r.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    assert_eq!(
        client()
            .get(s.url("/api/v1/session"))
            .header("Cookie", &cookie)
            .send()
            .await
            .unwrap()
            .status(),
        200
    );

    // Seed scenario 3: the database fails, the breaker opens after 2 failures.
    let (_, b) = send(&s, Method::POST, "/api/test/circuit-breaker/database", None).await;
    assert_eq!(
        (b["state"].as_str(), b["failure_count"].as_u64()),
        (Some("open"), Some(2))
    );
    // Reads: served from the snapshot.
    let (st, profiles) = send(&s, Method::GET, "/api/v3/qualityprofile", None).await;
    assert_eq!(st, 200);
    assert_eq!(profiles.as_array().unwrap().len(), 6);
    let (st, roots) = send(&s, Method::GET, "/api/v3/rootfolder", None).await;
    assert_eq!(st, 200);
    assert_eq!(roots[0]["path"], roots_before[0]["path"]);
    let (st, list) = send(&s, Method::GET, "/api/v3/movie", None).await;
    assert_eq!((st, list.as_array().map(Vec::len)), (200, Some(0)));
    let r = client()
        .get(s.url("/api/v1/session"))
        .header("Cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "session from the snapshot");
    // Writes: 503 database_unavailable with Retry-After, nothing half-done.
    let r = client()
        .post(s.url("/api/v3/tag"))
        .header("X-Api-Key", s.api_key())
        .json(&json!({"label": "new"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 503);
    assert!(r.headers().contains_key("retry-after"));
    let e: Value = r.json().await.unwrap();
    assert_eq!(e["error"], "database_unavailable");
    let h = get_json(&s, "/health").await;
    assert_eq!(h["status"], "degraded");

    // Recovery: writes work again.
    send(
        &s,
        Method::POST,
        "/api/test/circuit-breaker/database",
        Some(json!({"action": "close"})),
    )
    .await;
    let (st, _) = send(
        &s,
        Method::POST,
        "/api/v3/tag",
        Some(json!({"label": "new"})),
    )
    .await;
    assert_eq!(st, 201);
    s.stop();
}
