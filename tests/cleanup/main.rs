//! Issue 13 item 5, through the real binary: the cleanup endpoints unpackerr and the mobile apps
//! (nzb360, LunaSea, Ruddarr) call — removing queue items from the real qbittorrent-nox with
//! `removeFromClient`/`blocklist`, the blocklist, movie files and the movie editor — and
//! replays of unpackerr's and LunaSea's call sequences.

mod editor;
mod files;
mod queue;
mod replays;
#[path = "../pipeline/torrent.rs"]
mod torrent;

use reelarr_testkit::app::*;
pub(crate) use reelarr_testkit::openapi::assert_schema;
use reqwest::Method;
use serde_json::{json, Value};
use std::path::Path;

/// One API call with the key; the status and the JSON body (`null` when there is none).
pub(crate) async fn send(s: &Server, m: Method, path: &str, body: Option<Value>) -> (u16, Value) {
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

/// The id of quality profile `name`.
pub(crate) async fn profile_id(s: &Server, name: &str) -> i64 {
    let (_, profiles) = send(s, Method::GET, "/api/v3/qualityprofile", None).await;
    profiles
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == name)
        .unwrap_or_else(|| panic!("profile {name}: {profiles}"))["id"]
        .as_i64()
        .unwrap()
}

/// Registers `path` (created first) as a root folder.
pub(crate) async fn add_root(s: &Server, path: &Path) {
    std::fs::create_dir_all(path).unwrap();
    let (st, v) = send(
        s,
        Method::POST,
        "/api/v3/rootfolder",
        Some(json!({"path": path})),
    )
    .await;
    assert_eq!(st, 201, "{v}");
}

/// Adds a movie in `root` (TMDB is not needed: the title and year are the body's).
pub(crate) async fn add_movie(s: &Server, tmdb_id: i64, title: &str, root: &Path) -> Value {
    let body = json!({
        "tmdbId": tmdb_id, "title": title, "year": 1999,
        "qualityProfileId": profile_id(s, "HD-1080p").await,
        "rootFolderPath": root, "monitored": true, "minimumAvailability": "released",
        "addOptions": {"searchForMovie": false},
    });
    let (st, m) = send(s, Method::POST, "/api/v3/movie", Some(body)).await;
    assert_eq!(st, 201, "{m}");
    m
}

/// Gives movie `movie` a file: `name` written in its folder and recorded the way the import
/// step records it (straight into the server's SQLite database: no endpoint creates files).
pub(crate) fn give_file(dir: &Path, movie: &Value, name: &str) -> std::path::PathBuf {
    let folder = Path::new(movie["path"].as_str().unwrap()).to_path_buf();
    std::fs::create_dir_all(&folder).unwrap();
    let file = folder.join(name);
    std::fs::write(&file, b"movie bytes").unwrap();
    let c = rusqlite::Connection::open(dir.join("reelarr.db")).unwrap();
    c.busy_timeout(std::time::Duration::from_secs(10)).unwrap();
    c.execute(
        "INSERT INTO movie_files (movie_id, relative_path, size, quality, date_added)
         VALUES (?1, ?2, 11, ?3, ?4)",
        rusqlite::params![
            movie["id"].as_i64().unwrap(),
            name,
            json!({"quality": {"id": 7, "name": "Bluray-1080p", "source": "bluray", "resolution": 1080, "modifier": "none"},
                   "revision": {"version": 1, "real": 0, "isRepack": false}})
            .to_string(),
            chrono::Utc::now().to_rfc3339()
        ],
    )
    .unwrap();
    file
}

/// History event types of movie `id`, newest first.
pub(crate) async fn history_types(s: &Server, id: i64) -> Vec<String> {
    let (st, h) = send(
        s,
        Method::GET,
        &format!("/api/v3/history/movie?movieId={id}"),
        None,
    )
    .await;
    assert_eq!(st, 200, "{h}");
    h.as_array()
        .unwrap()
        .iter()
        .map(|e| e["eventType"].as_str().unwrap_or_default().to_string())
        .collect()
}
