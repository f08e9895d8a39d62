//! Issue 15 item 4, through the binary: posters come through reelarr's caching image proxy
//! (`/MediaCover/{id}/poster.jpg`, `/MediaCoverProxy/{file}`), as Radarr serves them. A cached
//! poster still loads after TMDB's image host died; an uncached one is a placeholder at once
//! (and the `images` breaker opens); the disk cache stays under its cap; bad ids and names are
//! 4xx JSON.

use reelarr_testkit::app::*;
use reelarr_testkit::routes::Routes;
use serde_json::{json, Value};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use warp::Filter;

const MOVIE: &str = include_str!("../fixtures/tmdb.movie.603.json");
const CONFIGURATION: &str = include_str!("../fixtures/tmdb.configuration.json");

/// TMDB's image host: `/t/p/<size>/<file>` answers `size_bytes` of image/jpeg (the first byte
/// varies by file, so images differ); aborting the task kills it (connections are then refused).
struct ImageHost {
    url: String,
    hits: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

fn image_bytes(file: &str, size: usize) -> Vec<u8> {
    let mut v = vec![0xAB; size];
    v[0] = file.bytes().fold(0u8, |a, b| a.wrapping_add(b));
    v
}

fn image_host(size_bytes: usize) -> ImageHost {
    let hits = Arc::new(AtomicUsize::new(0));
    let h = hits.clone();
    let route = warp::path!("t" / "p" / String / String).map(move |_size: String, file: String| {
        h.fetch_add(1, Ordering::SeqCst);
        let reply =
            warp::reply::with_header(image_bytes(&file, size_bytes), "content-type", "image/jpeg");
        // No keep-alive: once aborted, the host is gone for pooled connections too.
        warp::reply::with_header(reply, "connection", "close")
    });
    let (addr, server) = warp::serve(route).bind_ephemeral(([127, 0, 0, 1], 0));
    ImageHost {
        url: format!("http://{addr}/t/p"),
        hits,
        task: tokio::spawn(server),
    }
}

async fn get(s: &Server, path: &str) -> reqwest::Response {
    client()
        .get(s.url(path))
        .header("X-Api-Key", s.api_key())
        .send()
        .await
        .unwrap()
}

fn header(r: &reqwest::Response, name: &str) -> String {
    r.headers()
        .get(name)
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default()
}

/// reelarr with the TMDB fake, the image host at `images`, and The Matrix in the library.
async fn start(images: &str, extra: &str) -> (Server, tempfile::TempDir, Routes, i64) {
    let tmdb = Routes::start(vec![
        ("/3/movie/", MOVIE),
        ("/3/configuration", CONFIGURATION),
    ])
    .await;
    let dir = tempfile::tempdir().unwrap();
    write_config(dir.path(), extra);
    let s = Server::start(
        dir.path(),
        &[
            ("TMDB_API_KEY", "test-key"),
            ("TMDB_API_URL", &format!("{}/3", tmdb.url())),
            ("TMDB_IMAGE_URL", images),
            ("HEALTH_CHECK_INTERVAL_SECONDS", "3600"),
        ],
    );
    let root = dir.path().join("movies");
    std::fs::create_dir_all(&root).unwrap();
    let c = client();
    let r = c
        .post(s.url("/api/v3/rootfolder"))
        .header("X-Api-Key", s.api_key())
        .json(&json!({"path": root}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let m: Value = c
        .post(s.url("/api/v3/movie"))
        .header("X-Api-Key", s.api_key())
        .json(
            &json!({"tmdbId": 603, "title": "The Matrix", "year": 1999, "qualityProfileId": 1,
                      "rootFolderPath": root, "monitored": true}),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = m["id"].as_i64().unwrap_or_else(|| panic!("added: {m}"));
    (s, dir, tmdb, id)
}

#[tokio::test]
async fn cached_posters_outlive_the_image_host_and_the_rest_are_placeholders() {
    let host = image_host(20_000);
    let (s, _dir, _tmdb, id) = start(&host.url, "").await;

    // The movie's images point at the proxy, like Radarr's; remoteUrl still names TMDB.
    let m = get(&s, &format!("/api/v3/movie/{id}")).await;
    let m: Value = m.json().await.unwrap();
    let poster = m["images"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["coverType"] == "poster")
        .expect("a poster");
    assert_eq!(poster["url"], format!("/MediaCover/{id}/poster.jpg"));
    assert!(poster["remoteUrl"]
        .as_str()
        .unwrap()
        .contains("f89U3ADr1oiB1s9GkdPOEpXUk5H.jpg"));

    let path = format!("/MediaCover/{id}/poster.jpg");
    let r = get(&s, &path).await;
    assert_eq!(r.status(), 200);
    assert_eq!(header(&r, "content-type"), "image/jpeg");
    assert_eq!(header(&r, "x-reelarr-image"), "upstream");
    let first = r.bytes().await.unwrap();
    assert_eq!(
        first.to_vec(),
        image_bytes("f89U3ADr1oiB1s9GkdPOEpXUk5H.jpg", 20_000)
    );
    let cached = s
        .data_dir
        .join("MediaCover/w500-f89U3ADr1oiB1s9GkdPOEpXUk5H.jpg");
    eventually(Duration::from_secs(5), || async {
        cached.is_file().then_some(())
    })
    .await
    .expect("the poster was written to the disk cache");

    // The host dies: the cached poster still loads, from the cache, without asking the host.
    host.task.abort();
    let _ = host.task.await;
    let hits = host.hits.load(Ordering::SeqCst);
    let r = get(&s, &path).await;
    assert_eq!(r.status(), 200);
    assert_eq!(header(&r, "x-reelarr-image"), "cache");
    assert_eq!(r.bytes().await.unwrap(), first);
    assert_eq!(host.hits.load(Ordering::SeqCst), hits);

    // An uncached image is a placeholder, at once and never kept by the browser; repeated
    // failures open the `images` breaker, and the placeholder then comes without any attempt.
    for _ in 0..4 {
        let started = Instant::now();
        let r = get(&s, &format!("/MediaCover/{id}/fanart.jpg")).await;
        assert_eq!(r.status(), 200);
        assert_eq!(header(&r, "content-type"), "image/svg+xml");
        assert_eq!(header(&r, "x-reelarr-image"), "placeholder");
        assert_eq!(header(&r, "cache-control"), "no-store");
        assert!(r.text().await.unwrap().starts_with("<svg"));
        assert!(
            started.elapsed() < Duration::from_secs(4),
            "the page never waits"
        );
    }
    let b = get_json(&s, "/api/v1/circuit-breakers/images").await;
    assert_eq!(b["state"], "open", "{b}");
    let r = get(&s, &path).await;
    assert_eq!(
        header(&r, "x-reelarr-image"),
        "cache",
        "the cache does not need the breaker"
    );
}

#[tokio::test]
async fn bad_ids_and_names_are_json_errors() {
    let host = image_host(100);
    let (s, _dir, _tmdb, id) = start(&host.url, "").await;
    for (path, status) in [
        ("/MediaCover/abc/poster.jpg".to_string(), 400),
        ("/MediaCover/999999/poster.jpg".to_string(), 404),
        (format!("/MediaCover/{id}/banner.jpg"), 404),
        ("/MediaCoverProxy/x.svg".to_string(), 400),
        ("/MediaCoverProxy/..%2Fconfig.toml".to_string(), 400),
    ] {
        let r = get(&s, &path).await;
        assert_eq!(r.status(), status, "{path}");
        assert!(
            header(&r, "content-type").starts_with("application/json"),
            "{path}"
        );
        let v: Value = r.json().await.unwrap();
        assert!(
            v["message"].is_string() || v["error"].is_string(),
            "{path}: {v}"
        );
    }
    let r = client()
        .get(s.url(&format!("/MediaCover/{id}/poster.jpg")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401, "covers need a session or the API key");
}

#[tokio::test]
async fn the_disk_cache_stays_under_its_cap() {
    let host = image_host(300_000);
    let (s, _dir, _tmdb, _id) = start(&host.url, "[tmdb]\nimage_cache_mb = 1\n").await;
    let dir = s.data_dir.join("MediaCover");
    for i in 0..8 {
        let r = get(&s, &format!("/MediaCoverProxy/poster{i}.jpg")).await;
        assert_eq!(header(&r, "x-reelarr-image"), "upstream");
        // Writes happen in the background; give each its turn so the order is by age.
        tokio::time::sleep(Duration::from_millis(150)).await;
        let used: u64 = std::fs::read_dir(&dir)
            .map(|d| d.map(|e| e.unwrap().metadata().unwrap().len()).sum())
            .unwrap_or(0);
        assert!(used <= 1024 * 1024, "after {i}: {used} bytes in the cache");
    }
    let r = get(&s, "/MediaCoverProxy/poster7.jpg").await;
    assert_eq!(header(&r, "x-reelarr-image"), "cache", "the newest stays");
    let r = get(&s, "/MediaCoverProxy/poster0.jpg").await;
    assert_eq!(header(&r, "x-reelarr-image"), "upstream", "the oldest went");
}
