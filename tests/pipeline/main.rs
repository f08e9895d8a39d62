//! Issue 6 acceptance, end to end through the binary: fake TMDB and Torznab on 127.0.0.1, the
//! real qbittorrent-nox. Add a movie, run `MoviesSearch`, the expected release goes to
//! qBittorrent in our category; the payload is already on disk so qBittorrent checks it to
//! 100 %; reelarr imports it (hardlink: same inode) under the configured name, and history shows
//! grabbed and imported. A second test covers a failed import (root folder missing) that is
//! retried once the cause is fixed, with hardlinks off (verified copy).

mod torrent;

use reelarr_testkit::app::*;
use reelarr_testkit::openapi::{check, radarr_doc};
use reelarr_testkit::qbittorrent::{self, QbitPeer};
use reelarr_testkit::routes;
use reelarr_testkit::torznab::{self, Release};
use reqwest::Method;
use serde_json::{json, Value};
use std::os::unix::fs::MetadataExt;
use std::path::PathBuf;
use std::time::Duration;

const MOVIE: &str = include_str!("../fixtures/tmdb.movie.603.json");
const CONFIGURATION: &str = include_str!("../fixtures/tmdb.configuration.json");
const GOOD: &str = "The.Matrix.1999.1080p.BluRay.x264-GRP";

/// The Torznab fake answering three releases for The Matrix, only one of them acceptable for
/// HD-1080p (`GOOD`, served as `torrent`): more seeders but 2160p, and a camera recording.
async fn matrix_feed(torrent: Vec<u8>, hash: &str) -> String {
    torznab::start(vec![
        Release::new(
            "The.Matrix.1999.2160p.UHD.BluRay.x265-BIG",
            "uhd",
            60_000_000_000,
            90,
            &"b".repeat(40),
        ),
        Release::new(
            "The.Matrix.1999.CAM.x264-BAD",
            "cam",
            1_500_000_000,
            50,
            &"c".repeat(40),
        ),
        Release::new(GOOD, "good", 8_000_000_000, 12, hash).with_torrent(torrent),
    ])
    .await
}

/// reelarr with a fake TMDB and the Torznab fake configured, pointed at qBittorrent `qbit`
/// (url, user, password); `extra` is appended to the config file. Returns the TMDB fake too,
/// so a test can make it fail.
async fn start_reelarr(
    tz: &str,
    qbit: (&str, &str, &str),
    extra: &str,
) -> (Server, tempfile::TempDir, routes::Routes) {
    let tmdb = routes::Routes::start(vec![
        ("/3/movie/", MOVIE),
        ("/3/configuration", CONFIGURATION),
    ])
    .await;
    let dir = tempfile::tempdir().unwrap();
    write_config(
        dir.path(),
        &format!(
            "[[indexers.torznab]]\nname = \"prowlarr\"\nurl = \"{tz}\"\napi_key = \"tz-key\"\n{extra}"
        ),
    );
    let s = Server::start(
        dir.path(),
        &[
            ("TMDB_API_KEY", "test-key"),
            ("TMDB_API_URL", &format!("{}/3", tmdb.url())),
            ("QBITTORRENT_URL", qbit.0),
            ("QBITTORRENT_USERNAME", qbit.1),
            ("QBITTORRENT_PASSWORD", qbit.2),
            ("HEALTH_CHECK_INTERVAL_SECONDS", "3600"),
        ],
    );
    (s, dir, tmdb)
}

struct Setup {
    peer: QbitPeer,
    s: Server,
    _dir: tempfile::TempDir,
    library: tempfile::TempDir,
    payload_main: PathBuf,
    hash: String,
    movie_id: i64,
}

async fn send(s: &Server, m: Method, path: &str, body: Option<Value>) -> (u16, Value) {
    let mut r = client()
        .request(m, s.url(path))
        .header("X-Api-Key", s.api_key());
    if let Some(b) = body {
        r = r.json(&b);
    }
    let r = r.send().await.unwrap();
    let st = r.status().as_u16();
    (st, r.json().await.unwrap_or(Value::Null))
}

/// Everything up to an added movie; `extra` goes into the config file; `root_exists` decides
/// whether the library root folder is there at import time.
async fn setup(test: &str, extra: &str) -> Option<Setup> {
    if !qbittorrent::available_or_skip(test) {
        return None;
    }
    let peer = QbitPeer::start().expect("qbittorrent-nox starts");
    let main_bytes = torrent::payload(300_000, 1);
    let payload_main = peer
        .download_dir()
        .join(GOOD)
        .join("the.matrix.1999.1080p.bluray.x264-grp.mkv");
    let (tor, hash) = torrent::make(
        &peer.download_dir(),
        GOOD,
        &[
            ("the.matrix.1999.1080p.bluray.x264-grp.mkv", main_bytes),
            (
                "Sample/the.matrix.1999.1080p.bluray.x264-grp-sample.mkv",
                torrent::payload(40_000, 2),
            ),
            ("the.matrix.nfo", b"nfo".to_vec()),
        ],
    );
    let tz = matrix_feed(tor, &hash).await;
    let (s, dir, _tmdb) = start_reelarr(
        &tz,
        (
            &peer.base_url(),
            qbittorrent::USERNAME,
            qbittorrent::PASSWORD,
        ),
        extra,
    )
    .await;
    // The library on the same filesystem as qBittorrent's downloads (both under the temp dir).
    let library = tempfile::tempdir().unwrap();
    let root = library.path().join("movies");
    std::fs::create_dir_all(&root).unwrap();
    let (st, _) = send(
        &s,
        Method::POST,
        "/api/v3/rootfolder",
        Some(json!({"path": root})),
    )
    .await;
    assert_eq!(st, 201);
    let (_, profiles) = send(&s, Method::GET, "/api/v3/qualityprofile", None).await;
    let hd = profiles
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "HD-1080p")
        .expect("HD-1080p profile")["id"]
        .clone();
    let (st, movie) = send(
        &s,
        Method::POST,
        "/api/v3/movie",
        Some(
            json!({"tmdbId": 603, "title": "The Matrix", "year": 1999, "qualityProfileId": hd,
                     "rootFolderPath": root, "monitored": true, "minimumAvailability": "released"}),
        ),
    )
    .await;
    assert_eq!(st, 201, "{movie}");
    Some(Setup {
        peer,
        s,
        _dir: dir,
        movie_id: movie["id"].as_i64().unwrap(),
        library,
        payload_main,
        hash,
    })
}

/// Radarr's OpenAPI document (required in CI, where `../shared` is present).
fn doc() -> Option<Value> {
    let d = radarr_doc();
    if d.is_none() {
        assert!(
            !require_real_services(),
            "../shared/reference/radarr-openapi.json is required in CI"
        );
        eprintln!(
            "*** SKIPPED schema validation: ../shared/reference/radarr-openapi.json not found ***"
        );
    }
    d
}

fn assert_schema(schema: &str, v: &Value) {
    if let Some(d) = doc() {
        // `movieIds` belongs to MoviesSearchCommand, a subclass the document cannot express.
        let mut v = v.clone();
        if let Some(body) = v.get_mut("body").and_then(Value::as_object_mut) {
            body.remove("movieIds");
        }
        let problems = check(&d, schema, &v, false);
        assert!(problems.is_empty(), "{schema}: {problems:?}\n{v}");
    }
}

/// Posts a command and waits for its end state; returns the final CommandResource.
async fn run_command(s: &Server, body: Value) -> Value {
    let (st, c) = send(s, Method::POST, "/api/v3/command", Some(body)).await;
    assert_eq!(st, 201, "{c}");
    assert_schema("CommandResource", &c);
    assert!(
        matches!(c["status"].as_str(), Some("queued" | "started")),
        "{c}"
    );
    let id = c["id"].as_i64().unwrap();
    let done = eventually(Duration::from_secs(60), || async move {
        let (_, c) = send(s, Method::GET, &format!("/api/v3/command/{id}"), None).await;
        matches!(c["status"].as_str(), Some("completed" | "failed")).then_some(c)
    })
    .await
    .expect("command finishes");
    assert_schema("CommandResource", &done);
    done
}

async fn history(s: &Server, movie_id: i64) -> Vec<Value> {
    let (st, h) = send(
        s,
        Method::GET,
        &format!("/api/v3/history/movie?movieId={movie_id}"),
        None,
    )
    .await;
    assert_eq!(st, 200, "{h}");
    h.as_array().cloned().unwrap_or_default()
}

#[tokio::test]
async fn add_search_grab_download_import_by_hardlink() {
    let Some(t) = setup("add_search_grab_download_import_by_hardlink", "").await else {
        return;
    };
    let s = &t.s;
    // MoviesSearch (name matched case-insensitively) picks the 1080p release over the 2160p and
    // CAM ones that have more seeders.
    let c = run_command(s, json!({"name": "moviesSearch", "movieIds": [t.movie_id]})).await;
    assert_eq!(c["status"], "completed", "{c}");
    assert_eq!(c["result"], "successful");
    assert!(c["message"].as_str().unwrap().contains(GOOD), "{c}");
    assert!(c["started"].is_string() && c["ended"].is_string(), "{c}");

    // It is in qBittorrent, in our category, and qBittorrent checks the payload to 100 %.
    let done = eventually(Duration::from_secs(60), || async {
        let list = t.peer.torrents("reelarr").await;
        list.into_iter()
            .find(|x| x["hash"] == t.hash.as_str())
            .filter(|x| x["progress"].as_f64() == Some(1.0))
    })
    .await
    .unwrap_or_else(|| panic!("torrent complete in qBittorrent\n{}", t.peer.log_tail()));
    assert_eq!(done["category"], "reelarr");

    // Import: DownloadedMoviesScan (the scheduler would do it within a minute).
    let movie = eventually(Duration::from_secs(60), || async {
        run_command(s, json!({"name": "DownloadedMoviesScan"})).await;
        let (_, m) = send(
            s,
            Method::GET,
            &format!("/api/v3/movie/{}", t.movie_id),
            None,
        )
        .await;
        (m["hasFile"] == true).then_some(m)
    })
    .await
    .expect("movie imported");
    let folder = t.library.path().join("movies").join("The Matrix (1999)");
    let file = folder.join("The Matrix (1999) [Bluray-1080p].mkv");
    let (a, b) = (
        std::fs::metadata(&t.payload_main).unwrap(),
        std::fs::metadata(&file)
            .unwrap_or_else(|e| panic!("{}: {e}; movie {movie}", file.display())),
    );
    assert_eq!(
        (a.dev(), a.ino()),
        (b.dev(), b.ino()),
        "hardlinked, same inode"
    );
    assert_eq!(
        std::fs::read_dir(&folder).unwrap().count(),
        1,
        "only the main video, no sample or nfo"
    );
    assert_eq!(
        movie["movieFile"]["relativePath"],
        "The Matrix (1999) [Bluray-1080p].mkv"
    );
    assert_eq!(
        movie["movieFile"]["quality"]["quality"]["name"],
        "Bluray-1080p"
    );

    let events: Vec<String> = history(s, t.movie_id)
        .await
        .iter()
        .map(|h| h["eventType"].as_str().unwrap_or("").to_string())
        .collect();
    assert!(events.contains(&"grabbed".to_string()), "{events:?}");
    assert!(
        events.contains(&"downloadFolderImported".to_string()),
        "{events:?}"
    );

    // Seeding goes on: the torrent's own file is untouched and qBittorrent still has it.
    assert!(t.payload_main.exists());
    assert!(t
        .peer
        .torrents("reelarr")
        .await
        .iter()
        .any(|x| x["hash"] == t.hash.as_str()));
    // A second scan does not import twice.
    run_command(s, json!({"name": "DownloadedMoviesScan"})).await;
    let imported = history(s, t.movie_id)
        .await
        .iter()
        .filter(|h| h["eventType"] == "downloadFolderImported")
        .count();
    assert_eq!(imported, 1);
    // The scheduled tasks are listed with their last run; running the command counts as a run.
    let c = run_command(s, json!({"name": "RefreshMonitoredDownloads"})).await;
    assert_eq!(c["status"], "completed", "{c}");
    let (_, tasks) = send(s, Method::GET, "/api/v3/system/task", None).await;
    let scan = tasks
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["taskName"] == "RefreshMonitoredDownloads")
        .cloned()
        .unwrap();
    assert!(scan["interval"].as_u64().unwrap() >= 1, "{scan}");
    assert_eq!(scan["lastOutcome"], "completed", "{scan}");
    // lastOutcome and lastMessage are reelarr's additions; the rest is Radarr's TaskResource.
    let mut radarr_part = scan.clone();
    for extra in ["lastOutcome", "lastMessage"] {
        radarr_part.as_object_mut().unwrap().remove(extra);
    }
    assert_schema("TaskResource", &radarr_part);
}

#[tokio::test]
async fn failed_import_is_visible_and_retried_when_fixed_with_a_verified_copy() {
    let Some(t) = setup(
        "failed_import_is_visible_and_retried_when_fixed_with_a_verified_copy",
        "[library]\nuse_hardlinks = false\n",
    )
    .await
    else {
        return;
    };
    let s = &t.s;
    // The library share "unmounts" before the download finishes.
    let root = t.library.path().join("movies");
    let parked = t.library.path().join("parked");
    std::fs::rename(&root, &parked).unwrap();
    let c = run_command(s, json!({"name": "MoviesSearch", "movieIds": [t.movie_id]})).await;
    assert_eq!(c["status"], "completed", "{c}");
    eventually(Duration::from_secs(60), || async {
        t.peer
            .torrents("reelarr")
            .await
            .into_iter()
            .find(|x| x["hash"] == t.hash.as_str() && x["progress"].as_f64() == Some(1.0))
    })
    .await
    .expect("torrent complete");
    let c = run_command(s, json!({"name": "DownloadedMoviesScan"})).await;
    assert_eq!(c["status"], "failed", "{c}");
    assert!(
        !root.exists(),
        "the missing root folder is never created by the import"
    );
    // Visible: the queue says why, history has the failure.
    let (_, q) = send(s, Method::GET, "/api/v3/queue", None).await;
    let rec = q["records"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["downloadId"] == t.hash.to_uppercase())
        .cloned()
        .unwrap_or_else(|| panic!("{q}"));
    assert_eq!(rec["trackedDownloadState"], "importBlocked", "{rec}");
    assert!(
        rec["statusMessages"].to_string().contains("missing"),
        "{rec}"
    );
    assert!(history(s, t.movie_id)
        .await
        .iter()
        .any(|h| h["data"].to_string().contains("missing")));

    // The cause is fixed: the next scan imports, by copy (hardlinks off), size verified.
    std::fs::rename(&parked, &root).unwrap();
    let c = run_command(s, json!({"name": "DownloadedMoviesScan"})).await;
    assert_eq!(c["status"], "completed", "{c}");
    let file = root
        .join("The Matrix (1999)")
        .join("The Matrix (1999) [Bluray-1080p].mkv");
    let (a, b) = (
        std::fs::metadata(&t.payload_main).unwrap(),
        std::fs::metadata(&file).unwrap(),
    );
    assert_ne!(a.ino(), b.ino(), "a copy, not a link");
    assert_eq!(a.len(), b.len());
    assert_eq!(
        std::fs::read(&file).unwrap(),
        std::fs::read(&t.payload_main).unwrap()
    );
    let (_, m) = send(
        s,
        Method::GET,
        &format!("/api/v3/movie/{}", t.movie_id),
        None,
    )
    .await;
    assert_eq!(m["hasFile"], true);
}

#[tokio::test]
async fn commands_reject_unknown_names_and_bad_bodies() {
    let dir = tempfile::tempdir().unwrap();
    let s = Server::start(dir.path(), &[]);
    let (st, e) = send(
        &s,
        Method::POST,
        "/api/v3/command",
        Some(json!({"name": "FooBar"})),
    )
    .await;
    assert_eq!(st, 400);
    assert_eq!(e["error"], "unknown_command");
    assert!(e["message"].as_str().unwrap().contains("FooBar"));
    let (st, e) = send(
        &s,
        Method::POST,
        "/api/v3/command",
        Some(json!({"name": "MoviesSearch"})),
    )
    .await;
    assert_eq!(st, 400, "{e}");
    let (st, _) = send(
        &s,
        Method::POST,
        "/api/v3/command",
        Some(json!({"name": "MoviesSearch", "movieIds": "x"})),
    )
    .await;
    assert_eq!(st, 400);
    let (st, _) = send(&s, Method::POST, "/api/v3/command", Some(json!({}))).await;
    assert_eq!(st, 400);
    let (st, _) = send(&s, Method::GET, "/api/v3/command/abc", None).await;
    assert_eq!(st, 400);
    let (st, _) = send(&s, Method::GET, "/api/v3/command/999", None).await;
    assert_eq!(st, 404);
    // A search for an unknown movie fails with a message, not a crash.
    let c = run_command(&s, json!({"name": "MoviesSearch", "movieIds": [424242]})).await;
    assert_eq!(c["status"], "failed");
    assert!(c["message"].as_str().unwrap().contains("424242"), "{c}");
    let (st, list) = send(&s, Method::GET, "/api/v3/command", None).await;
    assert_eq!(st, 200);
    assert!(list.as_array().unwrap().iter().any(|x| x["id"] == c["id"]));
    let (st, _) = send(&s, Method::GET, "/api/v3/release", None).await;
    assert_eq!(st, 400);
    let (st, _) = send(&s, Method::GET, "/api/v3/release?movieId=77", None).await;
    assert_eq!(st, 404);
    let (st, _) = send(
        &s,
        Method::POST,
        "/api/v3/release",
        Some(json!({"guid": "nope"})),
    )
    .await;
    assert_eq!(st, 404);
    s.stop();
}

/// No qBittorrent (dead port) and TMDB failing: the scheduled-style commands still do their
/// part. MissingMoviesSearch grabs into the journal (nothing lost), RefreshMovie keeps the old
/// metadata, and a second MissingMoviesSearch does not grab the same movie again.
#[tokio::test]
async fn missing_search_journals_grabs_and_refresh_keeps_metadata_when_services_fail() {
    let tz = matrix_feed(Vec::new(), &"a".repeat(40)).await;
    let dead = format!("http://127.0.0.1:{}", routes::dead_port());
    let (s, _dir, tmdb) = start_reelarr(
        &tz,
        (&dead, "admin", "pw"),
        "[circuit_breakers.qbittorrent]\nfailure_threshold = 1\nrecovery_timeout_seconds = 60\n",
    )
    .await;
    let library = tempfile::tempdir().unwrap();
    let (st, _) = send(
        &s,
        Method::POST,
        "/api/v3/rootfolder",
        Some(json!({"path": library.path()})),
    )
    .await;
    assert_eq!(st, 201);
    let (_, movie) = send(
        &s,
        Method::POST,
        "/api/v3/movie",
        Some(json!({"tmdbId": 603, "qualityProfileId": 4, "rootFolderPath": library.path(), "monitored": true})),
    )
    .await;
    let id = movie["id"].as_i64().unwrap();
    assert_eq!(movie["title"], "The Matrix");

    // Interactive search: every release with the engine's verdict, the acceptable one first.
    let (st, releases) = send(
        &s,
        Method::GET,
        &format!("/api/v3/release?movieId={id}"),
        None,
    )
    .await;
    assert_eq!(st, 200, "{releases}");
    let releases = releases.as_array().unwrap().clone();
    assert_eq!(releases.len(), 3);
    assert_eq!(
        (
            releases[0]["title"].as_str(),
            releases[0]["approved"].as_bool()
        ),
        (Some(GOOD), Some(true))
    );
    for r in &releases[1..] {
        assert_eq!(r["rejected"], true, "{r}");
        assert!(
            r["rejections"][0].as_str().unwrap().contains("not wanted"),
            "{r}"
        );
    }
    for r in &releases {
        assert_schema("ReleaseResource", r);
        assert!(!r.to_string().contains("tz-key"), "no apikey in {r}");
    }

    let c = run_command(&s, json!({"name": "MissingMoviesSearch"})).await;
    assert_eq!(c["status"], "completed", "{c}");
    assert_eq!(c["trigger"], "manual");
    let (_, rq) = send(&s, Method::GET, "/api/v1/retry-queue", None).await;
    let entries = rq
        .as_array()
        .cloned()
        .or_else(|| rq["operations"].as_array().cloned())
        .unwrap_or_default();
    assert!(
        entries
            .iter()
            .any(|e| e["movieId"] == id && e["title"] == GOOD),
        "grab journaled for the movie: {rq}"
    );
    let (_, q) = send(&s, Method::GET, "/api/v3/queue", None).await;
    assert!(
        q["records"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["movieId"] == id && r["status"] == "queued"),
        "{q}"
    );
    // Grabbing the same release by guid again records nothing new.
    let (st, g) = send(
        &s,
        Method::POST,
        "/api/v3/release",
        Some(json!({"guid": "good", "indexerId": 0})),
    )
    .await;
    assert_eq!(
        (st, g["grabOutcome"].as_str()),
        (200, Some("duplicate")),
        "{g}"
    );
    // The movie has a download on the way: not searched again.
    let c = run_command(&s, json!({"name": "missingmoviessearch"})).await;
    assert!(
        c["message"]
            .as_str()
            .unwrap()
            .contains("no monitored movie is missing"),
        "{c}"
    );

    // TMDB fails: the refresh keeps what the library had.
    tmdb.set_status(500);
    let c = run_command(&s, json!({"name": "RefreshMovie", "movieIds": [id]})).await;
    assert_eq!(c["status"], "failed", "{c}");
    let (_, m) = send(&s, Method::GET, &format!("/api/v3/movie/{id}"), None).await;
    assert_eq!(
        (m["title"].as_str(), m["runtime"].as_i64()),
        (Some("The Matrix"), Some(136)),
        "{m}"
    );
    tmdb.set_status(200);
    let c = run_command(&s, json!({"name": "RefreshMovie"})).await;
    assert_eq!(c["status"], "completed", "{c}");
    s.stop();
}
