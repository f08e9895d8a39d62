//! `PUT`/`DELETE /api/v3/movie/editor`: bulk changes, all-or-nothing validation naming the
//! field, folders moved with `moveFiles`, movies removed with their folders.

use super::{add_movie, add_root, assert_schema, profile_id, send};
use reelarr_testkit::app::*;
use reqwest::Method;
use serde_json::{json, Value};

async fn movie(s: &Server, id: i64) -> Value {
    let (st, m) = send(s, Method::GET, &format!("/api/v3/movie/{id}"), None).await;
    assert_eq!(st, 200, "{m}");
    m
}

/// A PUT the editor refuses: 400 naming `field`, and no movie changed.
async fn refused(s: &Server, body: Value, field: &str, ids: &[i64]) {
    let before: Vec<Value> = futures_all(s, ids).await;
    let (st, e) = send(s, Method::PUT, "/api/v3/movie/editor", Some(body.clone())).await;
    assert_eq!(st, 400, "{body}: {e}");
    assert!(
        e["message"].as_str().unwrap().contains(field),
        "{body}: {e}"
    );
    assert_eq!(
        futures_all(s, ids).await,
        before,
        "nothing saved for {body}"
    );
}

async fn futures_all(s: &Server, ids: &[i64]) -> Vec<Value> {
    let mut out = Vec::new();
    for id in ids {
        out.push(movie(s, *id).await);
    }
    out
}

#[tokio::test]
async fn the_editor_changes_many_movies_at_once_or_none() {
    let dir = tempfile::tempdir().unwrap();
    let s = Server::start(dir.path(), &[]);
    let library = tempfile::tempdir().unwrap();
    let (root, other_root) = (library.path().join("movies"), library.path().join("more"));
    add_root(&s, &root).await;
    add_root(&s, &other_root).await;
    let a = add_movie(&s, 603, "The Matrix", &root).await;
    let b = add_movie(&s, 604, "The Matrix Reloaded", &root).await;
    let ids = [a["id"].as_i64().unwrap(), b["id"].as_i64().unwrap()];
    let (_, t1) = send(
        &s,
        Method::POST,
        "/api/v3/tag",
        Some(json!({"label": "kids"})),
    )
    .await;
    let (_, t2) = send(
        &s,
        Method::POST,
        "/api/v3/tag",
        Some(json!({"label": "4k"})),
    )
    .await;
    let uhd = profile_id(&s, "Ultra-HD").await;

    // Validation first: nothing is saved when one thing is wrong.
    refused(
        &s,
        json!({"movieIds": [ids[0], 9999], "monitored": false}),
        "movieIds",
        &ids,
    )
    .await;
    refused(
        &s,
        json!({"movieIds": ids, "qualityProfileId": 9999}),
        "qualityProfileId",
        &ids,
    )
    .await;
    refused(
        &s,
        json!({"movieIds": ids, "rootFolderPath": "/not/a/root"}),
        "rootFolderPath",
        &ids,
    )
    .await;
    refused(&s, json!({"movieIds": ids, "tags": [9999]}), "tags", &ids).await;
    refused(
        &s,
        json!({"movieIds": ids, "minimumAvailability": "soon"}),
        "minimumAvailability",
        &ids,
    )
    .await;
    refused(
        &s,
        json!({"movieIds": ids, "applyTags": "sideways"}),
        "applyTags",
        &ids,
    )
    .await;
    refused(
        &s,
        json!({"movieIds": [], "monitored": false}),
        "movieIds",
        &ids,
    )
    .await;
    refused(
        &s,
        json!({"movieIds": [0], "monitored": false}),
        "movieIds",
        &ids,
    )
    .await;

    let (st, saved) = send(
        &s,
        Method::PUT,
        "/api/v3/movie/editor",
        Some(
            json!({"movieIds": ids, "monitored": false, "qualityProfileId": uhd,
                    "minimumAvailability": "inCinemas", "tags": [t1["id"], t2["id"]],
                    "applyTags": "add", "moveFiles": false}),
        ),
    )
    .await;
    assert_eq!(st, 202, "{saved}");
    assert_eq!(saved.as_array().unwrap().len(), 2);
    for m in saved.as_array().unwrap() {
        assert_schema("MovieResource", m);
    }
    for id in ids {
        let m = movie(&s, id).await;
        assert_eq!(m["monitored"], false);
        assert_eq!(m["qualityProfileId"], uhd);
        assert_eq!(m["minimumAvailability"], "inCinemas");
        assert_eq!(m["tags"], json!([t1["id"], t2["id"]]));
    }
    // Tags: remove one, then replace.
    send(
        &s,
        Method::PUT,
        "/api/v3/movie/editor",
        Some(json!({"movieIds": [ids[0]], "tags": [t1["id"]], "applyTags": "remove"})),
    )
    .await;
    assert_eq!(movie(&s, ids[0]).await["tags"], json!([t2["id"]]));
    assert_eq!(movie(&s, ids[1]).await["tags"], json!([t1["id"], t2["id"]]));
    send(
        &s,
        Method::PUT,
        "/api/v3/movie/editor",
        Some(json!({"movieIds": ids, "tags": [t1["id"]], "applyTags": "replace"})),
    )
    .await;
    assert_eq!(movie(&s, ids[1]).await["tags"], json!([t1["id"]]));

    // A new root folder with moveFiles: the folder moves and keeps its name.
    let old = std::path::PathBuf::from(a["path"].as_str().unwrap());
    std::fs::create_dir_all(&old).unwrap();
    std::fs::write(old.join("m.mkv"), b"x").unwrap();
    let (st, v) = send(
        &s,
        Method::PUT,
        "/api/v3/movie/editor",
        Some(json!({"movieIds": [ids[0]], "rootFolderPath": other_root, "moveFiles": true})),
    )
    .await;
    assert_eq!(st, 202, "{v}");
    let moved = other_root.join(old.file_name().unwrap());
    assert!(moved.join("m.mkv").exists() && !old.exists());
    let m = movie(&s, ids[0]).await;
    assert_eq!(m["path"], moved.to_str().unwrap());
    assert_eq!(m["rootFolderPath"], other_root.to_str().unwrap());

    // DELETE: an unknown id refuses all; then both go, with their folders.
    let (st, e) = send(
        &s,
        Method::DELETE,
        "/api/v3/movie/editor",
        Some(json!({"movieIds": [ids[0], 9999], "deleteFiles": true})),
    )
    .await;
    assert_eq!(st, 400, "{e}");
    assert!(moved.exists());
    let (st, v) = send(
        &s,
        Method::DELETE,
        "/api/v3/movie/editor",
        Some(json!({"movieIds": ids, "deleteFiles": true, "addImportExclusion": false})),
    )
    .await;
    assert_eq!(st, 200, "{v}");
    assert!(!moved.exists(), "folder deleted");
    assert!(other_root.exists(), "the root folder stays");
    let (_, all) = send(&s, Method::GET, "/api/v3/movie", None).await;
    assert_eq!(all, json!([]));
}
