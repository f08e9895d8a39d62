//! `DELETE /api/v3/queue/{id}` against the real qbittorrent-nox: the torrent goes, the release
//! is blocklisted and the next search rejects it; with qBittorrent down the answer is a 503
//! naming it and nothing is blocklisted.

use super::{add_movie, add_root, assert_schema, history_types, send, torrent};
use reelarr_testkit::app::*;
use reelarr_testkit::qbittorrent::{self, QbitPeer};
use reelarr_testkit::routes::Routes;
use reelarr_testkit::torznab::{self, Release};
use reqwest::Method;
use serde_json::{json, Value};
use std::time::Duration;

const MOVIE: &str = include_str!("../fixtures/tmdb.movie.603.json");
const CONFIGURATION: &str = include_str!("../fixtures/tmdb.configuration.json");
pub(crate) const GOOD: &str = "The.Matrix.1999.1080p.BluRay.x264-GRP";

pub(crate) struct Grabbed {
    pub peer: QbitPeer,
    pub s: Server,
    pub _dirs: (
        tempfile::TempDir,
        tempfile::TempDir,
        tempfile::TempDir,
        Routes,
    ),
    pub hash: String,
    pub movie_id: i64,
    /// The queue record of the grabbed torrent.
    pub record: Value,
}

/// reelarr with the real qBittorrent, a movie, and its release grabbed and listed in the queue
/// (the payload is nowhere on disk, so the torrent never completes or gets imported).
pub(crate) async fn grabbed(test: &str) -> Option<Grabbed> {
    if !qbittorrent::available_or_skip(test) {
        return None;
    }
    let peer = QbitPeer::start().expect("qbittorrent-nox starts");
    let elsewhere = tempfile::tempdir().unwrap();
    let (tor, hash) = torrent::make(
        elsewhere.path(),
        GOOD,
        &[(
            "the.matrix.1999.1080p.bluray.x264-grp.mkv",
            torrent::payload(50_000, 1),
        )],
    );
    let tz = torznab::start(vec![
        Release::new(GOOD, "good", 8_000_000_000, 12, &hash).with_torrent(tor)
    ])
    .await;
    let tmdb = Routes::start(vec![
        ("/3/movie/", MOVIE),
        ("/3/configuration", CONFIGURATION),
    ])
    .await;
    let dir = tempfile::tempdir().unwrap();
    write_config(
        dir.path(),
        &format!(
            "[[indexers.torznab]]\nname = \"prowlarr\"\nurl = \"{tz}\"\napi_key = \"tz-key\"\n"
        ),
    );
    let s = Server::start(
        dir.path(),
        &[
            ("TMDB_API_KEY", "test-key"),
            ("TMDB_API_URL", &format!("{}/3", tmdb.url())),
            ("QBITTORRENT_URL", &peer.base_url()),
            ("QBITTORRENT_USERNAME", qbittorrent::USERNAME),
            ("QBITTORRENT_PASSWORD", qbittorrent::PASSWORD),
            ("HEALTH_CHECK_INTERVAL_SECONDS", "3600"),
        ],
    );
    let library = tempfile::tempdir().unwrap();
    let root = library.path().join("movies");
    add_root(&s, &root).await;
    let movie_id = add_movie(&s, 603, "The Matrix", &root).await["id"]
        .as_i64()
        .unwrap();
    let (st, c) = send(
        &s,
        Method::POST,
        "/api/v3/command",
        Some(json!({"name": "MoviesSearch", "movieIds": [movie_id]})),
    )
    .await;
    assert_eq!(st, 201, "{c}");
    let want = hash.to_uppercase();
    let record = eventually(Duration::from_secs(60), || {
        let (s, want) = (&s, want.clone());
        async move {
            // unpackerr's (golift/starr) queue request.
            let (_, q) = send(
                s,
                Method::GET,
                "/api/v3/queue?page=1&pageSize=100&sortKey=timeleft&includeUnknownMovieItems=true",
                None,
            )
            .await;
            q["records"]
                .as_array()?
                .iter()
                .find(|r| r["downloadId"] == want.as_str() && r["status"] != "queued")
                .cloned()
        }
    })
    .await
    .unwrap_or_else(|| panic!("grab listed in the queue\n{}\n{}", s.log(), peer.log_tail()));
    assert!(
        peer.torrents("reelarr")
            .await
            .iter()
            .any(|t| t["hash"] == hash.as_str()),
        "qBittorrent has it"
    );
    Some(Grabbed {
        peer,
        s,
        _dirs: (dir, library, elsewhere, tmdb),
        hash,
        movie_id,
        record,
    })
}

/// The release's rejections in an interactive search (`GET /api/v3/release?movieId=`).
async fn rejections(s: &Server, movie_id: i64) -> Vec<String> {
    let (st, list) = send(
        s,
        Method::GET,
        &format!("/api/v3/release?movieId={movie_id}"),
        None,
    )
    .await;
    assert_eq!(st, 200, "{list}");
    let good = list
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["title"] == GOOD)
        .unwrap_or_else(|| panic!("{GOOD} found: {list}"))
        .clone();
    good["rejections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn removing_with_blocklist_deletes_the_torrent_and_the_next_search_rejects_it() {
    let Some(g) =
        grabbed("removing_with_blocklist_deletes_the_torrent_and_the_next_search_rejects_it").await
    else {
        return;
    };
    let s = &g.s;
    assert!(
        rejections(s, g.movie_id).await.is_empty(),
        "acceptable before"
    );
    let id = g.record["id"].as_i64().unwrap();
    let (st, v) = send(
        s,
        Method::DELETE,
        &format!("/api/v3/queue/{id}?removeFromClient=true&blocklist=true"),
        None,
    )
    .await;
    assert_eq!(st, 200, "{v}");
    // Gone from qBittorrent, and from the queue at once (not only after the next poll).
    let torrents = g.peer.torrents("reelarr").await;
    assert!(
        !torrents.iter().any(|t| t["hash"] == g.hash.as_str()),
        "{torrents:?}"
    );
    let (_, q) = send(s, Method::GET, "/api/v3/queue", None).await;
    assert_eq!(q["totalRecords"], 0, "{q}");
    // Listed in the blocklist, Radarr-shaped.
    let (st, page) = send(s, Method::GET, "/api/v3/blocklist?page=1&pageSize=20", None).await;
    assert_eq!(st, 200, "{page}");
    assert_schema("BlocklistResourcePagingResource", &page);
    assert_eq!(page["totalRecords"], 1, "{page}");
    let entry = &page["records"][0];
    assert_eq!(entry["sourceTitle"], GOOD);
    assert_eq!(entry["movieId"], g.movie_id);
    assert_eq!(entry["protocol"], "torrent");
    assert_eq!(entry["quality"]["quality"]["name"], "Bluray-1080p");
    let (st, by_movie) = send(
        s,
        Method::GET,
        &format!("/api/v3/blocklist/movie?movieId={}", g.movie_id),
        None,
    )
    .await;
    assert_eq!(st, 200, "{by_movie}");
    for b in by_movie.as_array().unwrap() {
        assert_schema("BlocklistResource", b);
    }
    assert_eq!(by_movie[0]["id"], entry["id"]);
    assert!(history_types(s, g.movie_id)
        .await
        .contains(&"downloadFailed".to_string()));
    // The next search rejects it, saying why.
    let why = rejections(s, g.movie_id).await;
    assert!(why.iter().any(|r| r.contains("blocklisted")), "{why:?}");
    // Deleting the entry lets it be grabbed again.
    let (st, v) = send(
        s,
        Method::DELETE,
        &format!("/api/v3/blocklist/{}", entry["id"]),
        None,
    )
    .await;
    assert_eq!(st, 200, "{v}");
    let (st, _) = send(
        s,
        Method::DELETE,
        &format!("/api/v3/blocklist/{}", entry["id"]),
        None,
    )
    .await;
    assert_eq!(st, 404, "gone already");
    assert!(rejections(s, g.movie_id).await.is_empty());
}

#[tokio::test]
async fn qbittorrent_down_is_a_503_naming_it_and_nothing_is_blocklisted() {
    let Some(mut g) =
        grabbed("qbittorrent_down_is_a_503_naming_it_and_nothing_is_blocklisted").await
    else {
        return;
    };
    g.peer.kill();
    let id = g.record["id"].as_i64().unwrap();
    let (st, e) = send(
        &g.s,
        Method::DELETE,
        &format!("/api/v3/queue/{id}?removeFromClient=true&blocklist=true"),
        None,
    )
    .await;
    assert_eq!(st, 503, "{e}");
    assert_eq!(e["service"], "qbittorrent", "{e}");
    assert_eq!(e["error"], "service_unavailable", "{e}");
    let (_, page) = send(&g.s, Method::GET, "/api/v3/blocklist", None).await;
    assert_eq!(page["totalRecords"], 0, "nothing blocklisted: {page}");
    assert!(!history_types(&g.s, g.movie_id)
        .await
        .contains(&"downloadFailed".to_string()));
    // Bulk: one unknown id refuses the whole request before qBittorrent is asked.
    let (st, e) = send(
        &g.s,
        Method::DELETE,
        "/api/v3/queue/bulk?blocklist=true",
        Some(json!({"ids": [id, 424242]})),
    )
    .await;
    assert_eq!(st, 404, "{e}");
    assert!(e["message"].as_str().unwrap().contains("424242"), "{e}");
}

#[tokio::test]
async fn removing_without_remove_from_client_stops_tracking_and_leaves_qbittorrent_alone() {
    let Some(g) =
        grabbed("removing_without_remove_from_client_stops_tracking_and_leaves_qbittorrent_alone")
            .await
    else {
        return;
    };
    let s = &g.s;
    let id = g.record["id"].as_i64().unwrap();
    let (st, v) = send(
        s,
        Method::DELETE,
        &format!("/api/v3/queue/{id}?removeFromClient=false&blocklist=false"),
        None,
    )
    .await;
    assert_eq!(st, 200, "{v}");
    let want = g.hash.to_uppercase();
    let listed = |q: &Value| {
        q["records"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["downloadId"] == want.as_str())
    };
    let (_, q) = send(s, Method::GET, "/api/v3/queue", None).await;
    assert!(!listed(&q), "gone from the queue at once: {q}");
    // Still gone after the next polls (every 5 s) of a qBittorrent that still has it.
    tokio::time::sleep(Duration::from_secs(11)).await;
    let (_, q) = send(s, Method::GET, "/api/v3/queue", None).await;
    assert!(!listed(&q), "not tracked again: {q}");
    assert!(
        g.peer
            .torrents("reelarr")
            .await
            .iter()
            .any(|t| t["hash"] == g.hash.as_str()),
        "qBittorrent keeps the torrent"
    );
    assert_eq!(
        history_types(s, g.movie_id)
            .await
            .first()
            .map(String::as_str),
        Some("downloadIgnored")
    );
    let (_, b) = send(s, Method::GET, "/api/v3/blocklist", None).await;
    assert_eq!(b["totalRecords"], 0, "not blocklisted: {b}");
}
