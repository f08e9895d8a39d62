//! The full movie list is streamed (chunked, never one materialised body) from per-movie JSON
//! rendered once: byte for byte what the one-piece answers give, in the database's order, and
//! current after every write.

use super::library::{add_movie, db, set_date};
use super::{add_root_folder, send};
use reelarr_testkit::app::*;
use reqwest::Method;
use serde_json::json;
use std::time::Duration;

async fn raw(s: &Server, path: &str) -> (reqwest::header::HeaderMap, Vec<u8>) {
    let r = client()
        .get(s.url(path))
        .header("X-Api-Key", s.api_key())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{path}");
    (r.headers().clone(), r.bytes().await.unwrap().to_vec())
}

/// `[` + each movie's `GET /api/v3/movie/{id}` body + `]`, in the order of `ids`.
async fn one_by_one(s: &Server, ids: &[i64]) -> Vec<u8> {
    let mut out = b"[".to_vec();
    for (i, id) in ids.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend(raw(s, &format!("/api/v3/movie/{id}")).await.1);
    }
    out.push(b']');
    out
}

#[tokio::test]
async fn the_streamed_list_is_byte_for_byte_the_one_piece_answers() {
    let dir = tempfile::tempdir().unwrap();
    let s = Server::start(dir.path(), &[]);
    let (_, empty) = raw(&s, "/api/v3/movie").await;
    assert_eq!(empty, b"[]");
    let root = tempfile::tempdir().unwrap();
    let root_path = root.path().to_str().unwrap();
    add_root_folder(&s, root_path).await;
    // Enough movies for several chunks; titles that need the stores' order (ASCII case folded,
    // non-ASCII after, equal titles by id).
    let titles = [
        "alien",
        "Alien",
        "\u{c9}cole",
        "zardoz",
        "Blade Runner",
        "alien",
    ];
    for i in 0..150 {
        let title = format!("{} {}", titles[i % titles.len()], i / 40);
        add_movie(&s, 1000 + i as i64, &title, root_path, i % 3 != 0).await;
    }

    let (headers, body) = raw(&s, "/api/v3/movie").await;
    assert!(
        body.len() > 64 * 1024,
        "more than one chunk: {} bytes",
        body.len()
    );
    assert_eq!(headers["content-type"], "application/json");
    assert!(
        headers.get("content-length").is_none() && headers["transfer-encoding"] == "chunked",
        "streamed, not one body: {headers:?}"
    );
    let ids: Vec<i64> = {
        let c = db(dir.path());
        let mut q = c
            .prepare("SELECT id FROM movies ORDER BY title COLLATE NOCASE, id")
            .unwrap();
        let rows = q.query_map([], |r| r.get(0)).unwrap();
        rows.map(Result::unwrap).collect()
    };
    assert_eq!(ids.len(), 150);
    assert_eq!(
        body,
        one_by_one(&s, &ids).await,
        "list = its movies, in order"
    );

    // A write through the API shows in the next list; so does a change made behind reelarr's
    // back (here straight into SQLite), within the in-memory copy's age bound.
    let (st, _) = send(
        &s,
        Method::PUT,
        &format!("/api/v3/movie/{}", ids[0]),
        Some(json!({"monitored": false, "tags": []})),
    )
    .await;
    assert_eq!(st, 202);
    let list = get_json(&s, "/api/v3/movie").await;
    assert_eq!(list[0]["monitored"], false);
    set_date(&db(dir.path()), ids[1], "inCinemas", "2031-01-01T00:00:00Z");
    let seen = eventually(Duration::from_secs(15), || async {
        let list = get_json(&s, "/api/v3/movie").await;
        (list[1]["inCinemas"] == "2031-01-01T00:00:00Z").then_some(())
    })
    .await;
    assert!(
        seen.is_some(),
        "an outside change shows once the copy is older than its bound"
    );
    let (_, body) = raw(&s, "/api/v3/movie").await;
    assert_eq!(body, one_by_one(&s, &ids).await);

    // `?tmdbId=` answers the same resources in one piece.
    let (st, _) = send(
        &s,
        Method::DELETE,
        &format!("/api/v3/movie/{}", ids[2]),
        None,
    )
    .await;
    assert_eq!(st, 200);
    let (_, list) = raw(&s, "/api/v3/movie").await;
    let left: Vec<i64> = ids.iter().copied().filter(|id| *id != ids[2]).collect();
    assert_eq!(list, one_by_one(&s, &left).await);
    let tmdb = get_json(&s, &format!("/api/v3/movie/{}", ids[3])).await["tmdbId"].clone();
    let (headers, one) = raw(&s, &format!("/api/v3/movie?tmdbId={tmdb}")).await;
    assert!(headers.get("content-length").is_some());
    assert_eq!(one, one_by_one(&s, &ids[3..4]).await);
}
