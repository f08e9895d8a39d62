//! What Schemathesis found (issue 12): a 405 without `Allow`, HEAD refused, blank and repeated
//! query values read silently, a page number past 2^32 refused with a wrong message, a
//! malformed boolean ignored, and a grab URL qBittorrent could never fetch accepted.

use super::library::expect_bad;
use super::send;
use reelarr_testkit::app::*;
use reqwest::Method;
use serde_json::{json, Value};

#[tokio::test]
async fn a_refused_method_names_the_allowed_ones_and_head_is_get_without_a_body() {
    let dir = tempfile::tempdir().unwrap();
    let s = Server::start(dir.path(), &[]);
    let key = s.api_key();
    for (method, path, allow) in [
        ("TRACE", "/api/v3/tag/1", "GET, HEAD, PUT, DELETE"),
        ("DELETE", "/api/v3/movie/lookup", "GET, HEAD"),
        ("PATCH", "/api/v3/movie", "GET, HEAD, POST, PUT"),
        ("GET", "/logout", "POST"),
        ("TRACE", "/", "GET, HEAD"),
    ] {
        let r = client()
            .request(Method::from_bytes(method.as_bytes()).unwrap(), s.url(path))
            .header("X-Api-Key", &key)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 405, "{method} {path}");
        assert_eq!(r.headers()["allow"], allow, "{method} {path}");
        let e: Value = r.json().await.unwrap();
        assert_eq!(e["error"], "method_not_allowed");
    }
    // A method refused on a path no route has is the router's 404, not a 405.
    let r = client()
        .request(
            Method::from_bytes(b"TRACE").unwrap(),
            s.url("/api/v3/nothing"),
        )
        .header("X-Api-Key", &key)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    assert_eq!(r.json::<Value>().await.unwrap()["error"], "no_such_route");

    let get = client()
        .get(s.url("/api/v3/system/status"))
        .header("X-Api-Key", &key)
        .send()
        .await
        .unwrap();
    let head = client()
        .head(s.url("/api/v3/system/status"))
        .header("X-Api-Key", &key)
        .send()
        .await
        .unwrap();
    assert_eq!(head.status(), 200);
    assert_eq!(
        head.headers()["content-type"],
        get.headers()["content-type"]
    );
    assert!(head.bytes().await.unwrap().is_empty());
    assert!(!get.bytes().await.unwrap().is_empty());
    let ping = client().head(s.url("/ping")).send().await.unwrap();
    assert_eq!(ping.status(), 200);
    s.stop();
}

#[tokio::test]
async fn blank_repeated_and_out_of_range_parameters_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let s = Server::start(dir.path(), &[]);
    // An empty value is absent (as ASP.NET reads it); a blank one is a value, and a wrong one.
    let (st, v) = send(&s, Method::GET, "/api/v3/queue?sortDirection=", None).await;
    assert_eq!(st, 200, "{v}");
    expect_bad(
        &s,
        "/api/v3/exclusions/paged?sortDirection=%20",
        "sortDirection",
    )
    .await;
    expect_bad(&s, "/api/v3/movie?tmdbId=%20", "tmdbId").await;
    expect_bad(
        &s,
        "/api/v3/queue?includeUnknownMovieItems=null",
        "includeUnknownMovieItems",
    )
    .await;
    // Radarr's page is an int32: the largest one is an empty page, one more is a 400.
    let (st, v) = send(
        &s,
        Method::GET,
        "/api/v3/wanted/missing?page=2147483647",
        None,
    )
    .await;
    assert_eq!((st, &v["records"]), (200, &json!([])), "{v}");
    expect_bad(&s, "/api/v3/wanted/missing?page=2147483648", "page").await;

    // A parameter given twice with two values is refused, not half-read; one value twice is one.
    expect_bad(
        &s,
        "/api/v3/history?downloadId=a&downloadId=b",
        "downloadId",
    )
    .await;
    let (st, v) = send(
        &s,
        Method::GET,
        "/api/v3/history?pageSize=5&pageSize=5",
        None,
    )
    .await;
    assert_eq!((st, &v["pageSize"]), (200, &json!(5)), "{v}");

    // A .torrent upload names its title once; a JSON grab carries it in the body.
    let r = client()
        .post(s.url("/api/v1/downloads?title=a&title=b"))
        .header("X-Api-Key", s.api_key())
        .header("content-type", "application/x-bittorrent")
        .body("d4:infod4:name1:xee")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(r.json::<Value>().await.unwrap()["parameter"], "title");
    let (st, e) = send(
        &s,
        Method::POST,
        "/api/v1/downloads?movieId=3",
        Some(json!({"url": "https://tracker.example/1.torrent"})),
    )
    .await;
    assert_eq!((st, &e["parameter"]), (400, &json!("movieId")), "{e}");
    // A URL qBittorrent could never fetch is refused before it reaches the journal.
    let (st, e) = send(
        &s,
        Method::POST,
        "/api/v1/downloads",
        Some(json!({"url": "https://\u{10}\u{be}"})),
    )
    .await;
    assert_eq!((st, &e["error"]), (400, &json!("invalid_grab")), "{e}");
    // An optional JSON body is empty or JSON: blanks alone are neither.
    let r = client()
        .post(s.url("/api/test/circuit-breaker/hdbits"))
        .header("X-Api-Key", s.api_key())
        .header("content-type", "application/json")
        .body("\r")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(r.json::<Value>().await.unwrap()["error"], "invalid_json");
    let (st, q) = send(&s, Method::GET, "/api/v1/retry-queue", None).await;
    assert_eq!(st, 200);
    assert!(!q.to_string().contains("\\u0010"), "{q}");
    s.stop();
}
