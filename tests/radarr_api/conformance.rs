//! The gaps fault injection found in Radarr's contract (issue 12): root folders and tags by id,
//! calendar dates with `+0000` offsets, `/api/v1` query parameters whose bad values answered 404
//! or named nothing, and search warnings shaped as reelarr's own document says.

use super::library::{add_movie, db, expect_bad, set_date};
use super::{add_root_folder, doc_or_skip, send};
use reelarr_testkit::app::*;
use reelarr_testkit::openapi::check;
use reqwest::Method;
use serde_json::{json, Value};

/// Asserts a 404 `not_found` (a handler's answer, not the router's `no_such_route`).
async fn expect_not_found(s: &Server, method: Method, path: &str, body: Option<Value>) {
    let (st, e) = send(s, method.clone(), path, body).await;
    assert_eq!(
        (st, &e["error"]),
        (404, &json!("not_found")),
        "{method} {path}: {e}"
    );
}

#[tokio::test]
async fn root_folders_and_tags_by_id_as_radarr_answers_them() {
    let dir = tempfile::tempdir().unwrap();
    let s = Server::start(dir.path(), &[]);
    let doc = doc_or_skip();
    let movies = tempfile::tempdir().unwrap();
    let path = movies.path().to_str().unwrap();
    let root = add_root_folder(&s, path).await;
    let (st, one) = send(
        &s,
        Method::GET,
        &format!("/api/v3/rootfolder/{}", root["id"]),
        None,
    )
    .await;
    assert_eq!(st, 200, "{one}");
    assert_eq!(
        (&one["id"], &one["path"], &one["accessible"]),
        (&root["id"], &json!(path), &json!(true))
    );
    assert!(one["freeSpace"].as_u64().unwrap() > 0);
    if let Some(doc) = &doc {
        let problems = check(doc, "RootFolderResource", &one, false);
        assert!(problems.is_empty(), "{problems:#?}");
    }
    expect_not_found(&s, Method::GET, "/api/v3/rootfolder/999999", None).await;

    let (_, t) = send(
        &s,
        Method::POST,
        "/api/v3/tag",
        Some(json!({"label": "4K"})),
    )
    .await;
    let url = format!("/api/v3/tag/{}", t["id"]);
    let (st, got) = send(&s, Method::GET, &url, None).await;
    assert_eq!((st, &got), (200, &t));
    if let Some(doc) = &doc {
        let problems = check(doc, "TagResource", &got, false);
        assert!(problems.is_empty(), "{problems:#?}");
    }
    expect_not_found(&s, Method::GET, "/api/v3/tag/999999", None).await;

    // Rename (202, lower-cased as Radarr stores labels); a label taken by another tag is a 409.
    let body = json!({"id": t["id"], "label": "UHD"});
    let (st, renamed) = send(&s, Method::PUT, &url, Some(body)).await;
    assert_eq!(
        (st, &renamed),
        (202, &json!({"id": t["id"], "label": "uhd"}))
    );
    if let Some(doc) = &doc {
        let problems = check(doc, "TagResource", &renamed, false);
        assert!(problems.is_empty(), "{problems:#?}");
    }
    let (_, got) = send(&s, Method::GET, &url, None).await;
    assert_eq!(got["label"], "uhd");
    send(
        &s,
        Method::POST,
        "/api/v3/tag",
        Some(json!({"label": "hdr"})),
    )
    .await;
    let (st, e) = send(&s, Method::PUT, &url, Some(json!({"label": "HDR"}))).await;
    assert_eq!((st, &e["error"]), (409, &json!("tag_exists")), "{e}");
    let (st, e) = send(&s, Method::PUT, &url, Some(json!({"label": "  "}))).await;
    assert_eq!((st, &e["error"]), (400, &json!("invalid_label")), "{e}");
    expect_not_found(
        &s,
        Method::PUT,
        "/api/v3/tag/999999",
        Some(json!({"label": "x"})),
    )
    .await;

    // A tag a movie carries is not deleted (Radarr: "cannot be deleted since it's still in
    // use"); once no movie carries it, it goes.
    let id = add_movie(&s, 603, "The Matrix", path, true).await;
    let murl = format!("/api/v3/movie/{id}");
    let (_, mut movie) = send(&s, Method::GET, &murl, None).await;
    movie["tags"] = json!([t["id"]]);
    let (st, m) = send(&s, Method::PUT, &murl, Some(movie.clone())).await;
    assert_eq!((st, &m["tags"]), (202, &json!([t["id"]])), "{m}");
    let (st, e) = send(&s, Method::DELETE, &url, None).await;
    assert_eq!((st, &e["error"]), (409, &json!("tag_in_use")), "{e}");
    assert_eq!(send(&s, Method::GET, &url, None).await.0, 200);
    movie["tags"] = json!([]);
    assert_eq!(send(&s, Method::PUT, &murl, Some(movie)).await.0, 202);
    let (st, done) = send(&s, Method::DELETE, &url, None).await;
    assert_eq!((st, &done), (200, &json!({})));
    expect_not_found(&s, Method::GET, &url, None).await;
    expect_not_found(&s, Method::DELETE, &url, None).await;
    let (_, tags) = send(&s, Method::GET, "/api/v3/tag", None).await;
    assert_eq!(
        tags,
        json!([{"id": t["id"].as_i64().unwrap() + 1, "label": "hdr"}])
    );
    s.stop();
}

#[tokio::test]
async fn calendar_takes_every_date_form_radarr_clients_send() {
    let dir = tempfile::tempdir().unwrap();
    let s = Server::start(dir.path(), &[]);
    let root = tempfile::tempdir().unwrap();
    let root_path = root.path().to_str().unwrap();
    add_root_folder(&s, root_path).await;
    let id = add_movie(&s, 11, "Star Wars", root_path, true).await;
    set_date(&db(dir.path()), id, "inCinemas", "2026-12-07T12:00:00Z");
    // `+` unencoded (a space once decoded, as curl and most clients send it) and encoded.
    for (start, end) in [
        ("2026-12-07T00:00:00+0000", "2026-12-08T00:00:00+0000"),
        ("2026-12-07T00:00:00%2B0000", "2026-12-08T00:00:00%2B0000"),
        ("2026-12-07T00:00:00+00:00", "2026-12-08T00:00:00+00:00"),
        ("2026-12-07T00:00:00.000Z", "2026-12-08T00:00:00.000Z"),
        ("2026-12-07T00:00:00Z", "2026-12-08T00:00:00Z"),
        ("2026-12-07", "2026-12-08"),
        ("2026-12-06T19:00:00-0500", "2026-12-07T19:00:00-0500"),
    ] {
        let path = format!("/api/v3/calendar?start={start}&end={end}");
        let (st, list) = send(&s, Method::GET, &path, None).await;
        assert_eq!(st, 200, "{path}: {list}");
        assert_eq!(list.as_array().map(Vec::len), Some(1), "{path}: {list}");
        assert_eq!(list[0]["id"], id, "{path}");
    }
    // The offset is honoured, not dropped: 13:00+02:00 to 14:30+02:00 holds 12:00Z, while
    // 13:00Z to 14:30Z would not.
    let (_, list) = send(
        &s,
        Method::GET,
        "/api/v3/calendar?start=2026-12-07T13:00:00+0200&end=2026-12-07T14:30:00+0200",
        None,
    )
    .await;
    assert_eq!(list.as_array().map(Vec::len), Some(1), "{list}");
    expect_bad(&s, "/api/v3/calendar?start=2026-12-07T00:00:00+99", "start").await;
    expect_bad(&s, "/api/v3/calendar?end=07/12/2026", "end").await;
    s.stop();
}

#[tokio::test]
async fn v1_query_parameters_name_what_was_wrong() {
    let dir = tempfile::tempdir().unwrap();
    let s = Server::start(dir.path(), &[]);
    for q in ["limit=abc", "limit=0", "limit=1001", "limit=-1"] {
        expect_bad(&s, &format!("/api/v1/circuit-breakers/events?{q}"), "limit").await;
    }
    let (st, v) = send(
        &s,
        Method::GET,
        "/api/v1/circuit-breakers/events?limit=1000",
        None,
    )
    .await;
    assert!(st == 200 && v.is_array(), "{v}");
    for q in ["year=abc", "year=0", "year=99999"] {
        expect_bad(&s, &format!("/api/v1/search?title=Alien&{q}"), "year").await;
    }
    let r = client()
        .post(s.url("/api/v1/downloads?movieId=abc"))
        .header("X-Api-Key", s.api_key())
        .header("content-type", "application/x-bittorrent")
        .body("d4:infod4:name1:xee")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let e: Value = r.json().await.unwrap();
    assert_eq!(
        (&e["error"], &e["parameter"]),
        (&json!("invalid_parameter"), &json!("movieId")),
        "{e}"
    );
    s.stop();
}

#[tokio::test]
async fn search_warnings_are_the_objects_the_document_describes() {
    let ours: Value = serde_json::from_str(include_str!("../../src/http/openapi.json")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let s = Server::start(
        dir.path(),
        &[
            ("HDBITS_USERNAME", "user"),
            ("HDBITS_PASSKEY", "secret-passkey-123"),
            ("HDBITS_API_URL", "http://127.0.0.1:9/api"),
            ("HEALTH_CHECK_INTERVAL_SECONDS", "3600"),
        ],
    );
    let (st, _) = send(
        &s,
        Method::POST,
        "/api/v1/circuit-breakers/hdbits/open",
        None,
    )
    .await;
    assert_eq!(st, 200);
    let v = get_json(&s, "/api/v1/search?title=Alien&year=1979").await;
    let warnings = v["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 1, "{v}");
    assert_eq!(warnings[0]["code"], "circuit_open", "{v}");
    let problems = check(&ours, "SearchResult", &v, false);
    assert!(problems.is_empty(), "{problems:#?}");
    let schema = &ours["components"]["schemas"]["IndexerWarning"];
    for field in schema["required"].as_array().unwrap() {
        let field = field.as_str().unwrap();
        assert!(warnings[0].get(field).is_some(), "{field} missing: {v}");
    }
    s.stop();
}
