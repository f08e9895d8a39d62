//! `/api/v3/moviefile`: listed by movie and by id, deleted from disk only inside a root folder
//! (the movie then shows `hasFile: false` and history `movieFileDeleted`).

use super::{add_movie, add_root, assert_schema, give_file, history_types, send};
use reelarr_testkit::app::*;
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn a_movie_file_is_listed_and_deleted_and_the_movie_becomes_missing() {
    let dir = tempfile::tempdir().unwrap();
    let s = Server::start(dir.path(), &[]);
    let library = tempfile::tempdir().unwrap();
    let root = library.path().join("movies");
    add_root(&s, &root).await;
    let movie = add_movie(&s, 603, "The Matrix", &root).await;
    let id = movie["id"].as_i64().unwrap();
    let file = give_file(dir.path(), &movie, "The Matrix (1999) [Bluray-1080p].mkv");

    // LunaSea's getMovieFile: GET moviefile?movieId=.
    let (st, list) = send(
        &s,
        Method::GET,
        &format!("/api/v3/moviefile?movieId={id}"),
        None,
    )
    .await;
    assert_eq!(st, 200, "{list}");
    assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
    assert_schema("MovieFileResource", &list[0]);
    let file_id = list[0]["id"].as_i64().unwrap();
    assert_eq!(list[0]["movieId"], id);
    assert_eq!(list[0]["path"], file.to_str().unwrap());
    let (_, by_ids) = send(
        &s,
        Method::GET,
        &format!("/api/v3/moviefile?movieFileIds={file_id}"),
        None,
    )
    .await;
    assert_eq!(by_ids, list);
    let (st, one) = send(
        &s,
        Method::GET,
        &format!("/api/v3/moviefile/{file_id}"),
        None,
    )
    .await;
    assert_eq!(st, 200, "{one}");
    assert_eq!(one, list[0]);
    let (_, m) = send(&s, Method::GET, &format!("/api/v3/movie/{id}"), None).await;
    assert_eq!(m["hasFile"], true);

    // An unknown id in a bulk delete refuses all of it.
    let (st, e) = send(
        &s,
        Method::DELETE,
        "/api/v3/moviefile/bulk",
        Some(json!({"movieFileIds": [file_id, 9999]})),
    )
    .await;
    assert_eq!(st, 404, "{e}");
    assert!(file.exists(), "nothing deleted");

    let (st, v) = send(
        &s,
        Method::DELETE,
        &format!("/api/v3/moviefile/{file_id}"),
        None,
    )
    .await;
    assert_eq!(st, 200, "{v}");
    assert!(!file.exists(), "deleted from disk");
    assert!(file.parent().unwrap().exists(), "the movie folder stays");
    let (_, m) = send(&s, Method::GET, &format!("/api/v3/movie/{id}"), None).await;
    assert_eq!(m["hasFile"], false, "{m}");
    assert!(history_types(&s, id)
        .await
        .contains(&"movieFileDeleted".to_string()));
    let (st, _) = send(
        &s,
        Method::GET,
        &format!("/api/v3/moviefile/{file_id}"),
        None,
    )
    .await;
    assert_eq!(st, 404);
    let (_, list) = send(
        &s,
        Method::GET,
        &format!("/api/v3/moviefile?movieId={id}"),
        None,
    )
    .await;
    assert_eq!(list, json!([]));
}

#[tokio::test]
async fn a_file_outside_every_root_folder_is_never_deleted() {
    let dir = tempfile::tempdir().unwrap();
    let s = Server::start(dir.path(), &[]);
    let library = tempfile::tempdir().unwrap();
    let root = library.path().join("movies");
    add_root(&s, &root).await;
    let outside = tempfile::tempdir().unwrap();
    let mut movie = add_movie(&s, 604, "Elsewhere", &root).await;
    // The movie's path points outside the root folder (edited by hand, say).
    let id = movie["id"].as_i64().unwrap();
    let elsewhere = outside.path().join("Elsewhere (1999)");
    let (st, v) = send(
        &s,
        Method::PUT,
        &format!("/api/v3/movie/{id}"),
        Some(json!({"path": elsewhere})),
    )
    .await;
    assert_eq!(st, 202, "{v}");
    movie["path"] = json!(elsewhere);
    let file = give_file(dir.path(), &movie, "Elsewhere.mkv");
    let (_, list) = send(
        &s,
        Method::GET,
        &format!("/api/v3/moviefile?movieId={id}"),
        None,
    )
    .await;
    let file_id = list[0]["id"].as_i64().unwrap();
    let (st, e) = send(
        &s,
        Method::DELETE,
        "/api/v3/moviefile/bulk",
        Some(json!({"movieFileIds": [file_id]})),
    )
    .await;
    assert_eq!(st, 409, "{e}");
    assert_eq!(e["error"], "unsafe_path", "{e}");
    assert!(file.exists(), "the file stays");
    let (_, m) = send(&s, Method::GET, &format!("/api/v3/movie/{id}"), None).await;
    assert_eq!(m["hasFile"], true, "the record stays too");
}
