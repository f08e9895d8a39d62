//! Replays of the real call sequences, read from the clients' sources:
//!
//! * unpackerr, through golift/starr's `radarr/queue.go`: `GetQueue` pages through
//!   `GET /api/v3/queue?page=&pageSize=&sortKey=timeleft&includeUnknownMovieItems=true`, and
//!   `DeleteQueue` sends `DELETE /api/v3/queue/{id}` with `QueueDeleteOpts.Values()`:
//!   `removeFromClient=true` (its default) plus `blocklist`, `skipRedownload`, `changeCategory`.
//! * LunaSea (`lib/api/radarr/commands`): `getQueue` sends `page`, `pageSize=20`,
//!   `sortDirection`, `sortKey`, `includeUnknownMovieItems=false`; `deleteQueue` sends
//!   `removeFromClient` and Radarr 3's `blacklist`; `getMovieFile` sends `moviefile?movieId=`;
//!   `deleteMovieFile` sends `DELETE moviefile/{id}`.
//!
//! qBittorrent is down here, so the grabs wait in the retry journal: removing one of those needs
//! no qBittorrent call, and it must leave the journal too.

use super::{add_movie, add_root, assert_schema, give_file, send};
use reelarr_testkit::app::*;
use reelarr_testkit::routes::dead_port;
use reqwest::Method;
use serde_json::{json, Value};

const TITLE: &str = "The.Matrix.1999.1080p.BluRay.x264-GRP";

fn start(dir: &std::path::Path) -> Server {
    let qbit = format!("http://127.0.0.1:{}", dead_port());
    Server::start(
        dir,
        &[
            ("QBITTORRENT_URL", &qbit),
            ("QBITTORRENT_USERNAME", "admin"),
            ("QBITTORRENT_PASSWORD", "secret"),
            ("HEALTH_CHECK_INTERVAL_SECONDS", "3600"),
        ],
    )
}

/// A grab of `hash` for `movie` that waits in the retry journal (qBittorrent is down).
async fn grab(s: &Server, hash: &str, movie: i64) {
    let (st, v) = send(
        s,
        Method::POST,
        "/api/v1/downloads",
        Some(
            json!({"magnet": format!("magnet:?xt=urn:btih:{hash}&dn={TITLE}"),
                    "title": TITLE, "movieId": movie}),
        ),
    )
    .await;
    assert!((200..300).contains(&st), "{v}");
}

async fn retry_queue_len(s: &Server) -> usize {
    let (st, v) = send(s, Method::GET, "/api/v1/retry-queue", None).await;
    assert_eq!(st, 200, "{v}");
    v.get("operations")
        .or(v.get("items"))
        .and_then(Value::as_array)
        .or(v.as_array())
        .map(Vec::len)
        .unwrap_or_else(|| panic!("retry queue shape: {v}"))
}

#[tokio::test]
async fn unpackerr_pages_the_queue_and_deletes_an_item() {
    let dir = tempfile::tempdir().unwrap();
    let s = start(dir.path());
    let library = tempfile::tempdir().unwrap();
    let root = library.path().join("movies");
    add_root(&s, &root).await;
    let movie = add_movie(&s, 603, "The Matrix", &root).await["id"]
        .as_i64()
        .unwrap();
    grab(&s, &"ab".repeat(20), movie).await;
    grab(&s, &"cd".repeat(20), movie).await;
    assert_eq!(retry_queue_len(&s).await, 2);

    // starr.SetPerPage / GetQueuePageContext: pages of 1 until totalRecords is reached.
    let mut records = Vec::new();
    for page in 1.. {
        let (st, q) = send(
            &s,
            Method::GET,
            &format!("/api/v3/queue?page={page}&pageSize=1&sortKey=timeleft&includeUnknownMovieItems=true"),
            None,
        )
        .await;
        assert_eq!(st, 200, "{q}");
        assert_schema("QueueResourcePagingResource", &q);
        let got = q["records"].as_array().unwrap().clone();
        let done = got.is_empty()
            || records.len() + got.len() >= q["totalRecords"].as_u64().unwrap() as usize;
        records.extend(got);
        if done {
            break;
        }
    }
    assert_eq!(records.len(), 2);
    // DeleteQueue with starr's QueueDeleteOpts{BlockList: false}.
    let id = records[0]["id"].as_i64().unwrap();
    let (st, v) = send(
        &s,
        Method::DELETE,
        &format!("/api/v3/queue/{id}?removeFromClient=true&blocklist=false&skipRedownload=false&changeCategory=false"),
        None,
    )
    .await;
    assert_eq!(st, 200, "{v}");
    let (_, q) = send(
        &s,
        Method::GET,
        "/api/v3/queue?page=1&pageSize=10&includeUnknownMovieItems=true",
        None,
    )
    .await;
    assert_eq!(q["totalRecords"], 1, "{q}");
    assert_ne!(q["records"][0]["id"], id);
    assert_eq!(retry_queue_len(&s).await, 1, "the grab left the journal");
    let (_, b) = send(&s, Method::GET, "/api/v3/blocklist", None).await;
    assert_eq!(b["totalRecords"], 0, "blocklist=false: {b}");
    // The same item again is a 404, and so is an id that never existed.
    let (st, _) = send(&s, Method::DELETE, &format!("/api/v3/queue/{id}"), None).await;
    assert_eq!(st, 404);
    // The nil-opts form (only removeFromClient=true) removes the last one.
    let last = q["records"][0]["id"].as_i64().unwrap();
    let (st, _) = send(
        &s,
        Method::DELETE,
        &format!("/api/v3/queue/{last}?removeFromClient=true"),
        None,
    )
    .await;
    assert_eq!(st, 200);
    assert_eq!(retry_queue_len(&s).await, 0);
}

#[tokio::test]
async fn lunasea_blacklists_a_queue_item_and_deletes_a_movie_file() {
    let dir = tempfile::tempdir().unwrap();
    let s = start(dir.path());
    let library = tempfile::tempdir().unwrap();
    let root = library.path().join("movies");
    add_root(&s, &root).await;
    let movie = add_movie(&s, 603, "The Matrix", &root).await;
    let id = movie["id"].as_i64().unwrap();
    grab(&s, &"ef".repeat(20), id).await;

    // getQueue(): LunaSea's defaults.
    let (st, q) = send(
        &s,
        Method::GET,
        "/api/v3/queue?page=1&pageSize=20&sortDirection=descending&sortKey=progress&includeUnknownMovieItems=false",
        None,
    )
    .await;
    assert_eq!(st, 200, "{q}");
    let item = q["records"][0]["id"].as_i64().unwrap();
    // deleteQueue(removeFromClient: false, blacklist: true): Radarr 3's parameter name.
    let (st, v) = send(
        &s,
        Method::DELETE,
        &format!("/api/v3/queue/{item}?removeFromClient=false&blacklist=true"),
        None,
    )
    .await;
    assert_eq!(st, 200, "{v}");
    let (_, b) = send(
        &s,
        Method::GET,
        &format!("/api/v3/blocklist/movie?movieId={id}"),
        None,
    )
    .await;
    assert_eq!(b.as_array().unwrap().len(), 1, "{b}");
    assert_eq!(b[0]["sourceTitle"], TITLE);
    assert_eq!(retry_queue_len(&s).await, 0);

    // getMovieFile(movieId) then deleteMovieFile(movieFileId).
    let file = give_file(dir.path(), &movie, "The Matrix (1999).mkv");
    let (st, files) = send(
        &s,
        Method::GET,
        &format!("/api/v3/moviefile?movieId={id}"),
        None,
    )
    .await;
    assert_eq!(st, 200, "{files}");
    let file_id = files[0]["id"].as_i64().unwrap();
    let (st, _) = send(
        &s,
        Method::DELETE,
        &format!("/api/v3/moviefile/{file_id}"),
        None,
    )
    .await;
    assert_eq!(st, 200);
    assert!(!file.exists());
    // The blocklist page clears with a bulk delete.
    let (st, v) = send(
        &s,
        Method::DELETE,
        "/api/v3/blocklist/bulk",
        Some(json!({"ids": [b[0]["id"]]})),
    )
    .await;
    assert_eq!(st, 200, "{v}");
    let (_, page) = send(&s, Method::GET, "/api/v3/blocklist", None).await;
    assert_eq!(page["totalRecords"], 0);
}
