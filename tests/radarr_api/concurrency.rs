//! Identical requests sent at once (issue 12, found by fault injection): 20 concurrent
//! `MoviesSearch` commands for one movie are one command, one search and one grab, and 20
//! concurrent adds of one movie are one 201 and nineteen Radarr-style 400 `movie_exists`.

use super::send;
use futures_util::future::join_all;
use reelarr_testkit::app::*;
use reelarr_testkit::qbit_fake;
use reqwest::Method;
use serde_json::{json, Value};
use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use warp::Filter;

const CAPS: &str = include_str!("../fixtures/torznab.caps.xml");
const RELEASE: &str = "The.Matrix.1999.1080p.BluRay.x264-GRP";
const HASH: &str = "0123456789abcdef0123456789abcdef01234567";

/// A Torznab indexer whose searches take `delay` (so a command stays running while the
/// identical ones arrive) and answer one acceptable release, as a magnet; counts searches.
async fn slow_torznab(delay: Duration) -> (String, Arc<AtomicUsize>) {
    let searches = Arc::new(AtomicUsize::new(0));
    let rss: &'static str = Box::leak(
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:torznab="http://torznab.com/schemas/2015/feed"><channel><title>slow</title>
<item><title>{RELEASE}</title><guid>good</guid><pubDate>Sat, 04 Apr 2015 20:30:46 +0000</pubDate><size>8000000000</size>
<link>magnet:?xt=urn:btih:{HASH}&amp;dn={RELEASE}</link>
<torznab:attr name="category" value="2040" /><torznab:attr name="seeders" value="12" /><torznab:attr name="peers" value="12" />
<torznab:attr name="infohash" value="{HASH}" /><torznab:attr name="magneturl" value="magnet:?xt=urn:btih:{HASH}&amp;dn={RELEASE}" /></item>
</channel></rss>"#
        )
        .into_boxed_str(),
    );
    let count = searches.clone();
    let api = warp::path("api")
        .and(warp::query::<HashMap<String, String>>())
        .then(move |q: HashMap<String, String>| {
            let count = count.clone();
            async move {
                let body = if q.get("t").map(String::as_str) == Some("caps") {
                    CAPS
                } else {
                    count.fetch_add(1, Ordering::SeqCst);
                    tokio::time::sleep(delay).await;
                    rss
                };
                warp::reply::with_header(body, "content-type", "application/xml")
            }
        });
    let (addr, server) = warp::serve(api).bind_ephemeral(([127, 0, 0, 1], 0));
    tokio::spawn(server);
    (format!("http://{addr}"), searches)
}

async fn hd_profile(s: &Server) -> i64 {
    let (_, profiles) = send(s, Method::GET, "/api/v3/qualityprofile", None).await;
    profiles
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "HD-1080p")
        .expect("HD-1080p profile")["id"]
        .as_i64()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_identical_movies_searches_are_one_command_one_search_one_grab() {
    let qbit = qbit_fake::start("pw").await;
    let (tz, searches) = slow_torznab(Duration::from_millis(1500)).await;
    let dir = tempfile::tempdir().unwrap();
    write_config(
        dir.path(),
        &format!("[[indexers.torznab]]\nname = \"slow\"\nurl = \"{tz}\"\napi_key = \"k\"\n"),
    );
    let s = Server::start(
        dir.path(),
        &[
            ("QBITTORRENT_URL", &qbit.base_url()),
            ("QBITTORRENT_USERNAME", "admin"),
            ("QBITTORRENT_PASSWORD", "pw"),
            ("HEALTH_CHECK_INTERVAL_SECONDS", "3600"),
        ],
    );
    let root = dir.path().join("movies");
    std::fs::create_dir_all(&root).unwrap();
    let (st, m) = send(
        &s,
        Method::POST,
        "/api/v3/movie",
        Some(json!({
            "tmdbId": 603, "title": "The Matrix", "year": 1999,
            "qualityProfileId": hd_profile(&s).await, "rootFolderPath": root,
            // Unmonitored: no scheduled search may add to the counts below.
            "monitored": false, "addOptions": {"searchForMovie": false},
        })),
    )
    .await;
    assert_eq!(st, 201, "{m}");
    let movie_id = m["id"].as_i64().unwrap();

    // Another process holds the database's write lock while the 20 arrive, so each of them is
    // still inserting when the next one checks for a running twin: the widest race window, on
    // every machine, however fast.
    let lock = rusqlite::Connection::open(dir.path().join("reelarr.db")).unwrap();
    lock.busy_timeout(Duration::from_secs(5)).unwrap();
    lock.execute_batch("BEGIN EXCLUSIVE").unwrap();
    let body = json!({"name": "MoviesSearch", "movieIds": [movie_id]});
    let burst = join_all((0..20).map(|_| {
        let (s, body) = (&s, body.clone());
        async move { send(s, Method::POST, "/api/v3/command", Some(body)).await }
    }));
    let release = async {
        tokio::time::sleep(Duration::from_millis(700)).await;
        lock.execute_batch("COMMIT").unwrap();
    };
    let (answers, ()) = tokio::join!(burst, release);
    let mut ids = BTreeSet::new();
    for (st, c) in &answers {
        assert_eq!(*st, 201, "{c}");
        ids.insert(c["id"].as_i64().unwrap());
    }
    assert_eq!(
        ids.len(),
        1,
        "one command for 20 identical ones, got {ids:?}"
    );
    let id = *ids.first().unwrap();
    let done = eventually(Duration::from_secs(30), || {
        let s = &s;
        async move {
            let (_, c) = send(s, Method::GET, &format!("/api/v3/command/{id}"), None).await;
            matches!(c["status"].as_str(), Some("completed" | "failed")).then_some(c)
        }
    })
    .await
    .expect("the command finishes");
    assert_eq!(done["status"], "completed", "{done}");
    assert!(
        done["message"].as_str().unwrap().contains(RELEASE),
        "{done}"
    );

    let (_, list) = send(&s, Method::GET, "/api/v3/command", None).await;
    let searches_listed = list
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["name"] == "MoviesSearch")
        .count();
    assert_eq!(searches_listed, 1, "{list}");
    assert_eq!(searches.load(Ordering::SeqCst), 1, "one indexer search");
    assert_eq!(qbit.seen("/torrents/add").len(), 1, "one grab sent");
    let (st, h) = send(
        &s,
        Method::GET,
        &format!("/api/v3/history/movie?movieId={movie_id}"),
        None,
    )
    .await;
    assert_eq!(st, 200, "{h}");
    let grabbed = h
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["eventType"] == "grabbed")
        .count();
    assert_eq!(grabbed, 1, "one grabbed history entry: {h}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_identical_adds_are_one_201_and_nineteen_movie_exists() {
    let dir = tempfile::tempdir().unwrap();
    let s = Server::start(dir.path(), &[]);
    let root = dir.path().join("movies");
    std::fs::create_dir_all(&root).unwrap();
    let body = json!({
        "tmdbId": 680, "title": "Pulp Fiction", "year": 1994,
        "qualityProfileId": hd_profile(&s).await, "rootFolderPath": root,
        "monitored": false, "addOptions": {"searchForMovie": false},
    });
    let answers: Vec<(u16, Value)> = join_all((0..20).map(|_| {
        let (s, body) = (&s, body.clone());
        async move { send(s, Method::POST, "/api/v3/movie", Some(body)).await }
    }))
    .await;
    let created = answers.iter().filter(|(st, _)| *st == 201).count();
    assert_eq!(created, 1, "{answers:?}");
    for (st, e) in answers.iter().filter(|(st, _)| *st != 201) {
        assert_eq!(*st, 400, "{e}");
        assert_eq!(e["error"], "movie_exists", "{e}");
        assert_eq!(e["message"], "This movie has already been added", "{e}");
        assert_eq!(e["tmdbId"], 680, "{e}");
    }
    let (_, movies) = send(&s, Method::GET, "/api/v3/movie", None).await;
    assert_eq!(movies.as_array().unwrap().len(), 1, "{movies}");
}
