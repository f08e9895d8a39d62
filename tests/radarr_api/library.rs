//! History, wanted, calendar, disk space and movie deletion through the real binary. Rows the
//! API cannot create yet (history events, imported files, release dates) are written straight
//! into the server's SQLite database, which is what the grab/import services will do.

use super::{add_root_folder, doc_or_skip, send};
use reelarr_testkit::app::*;
use reelarr_testkit::openapi::check;
use reqwest::Method;
use serde_json::{json, Value};
use std::path::Path;

pub(super) fn db(dir: &Path) -> rusqlite::Connection {
    let c = rusqlite::Connection::open(dir.join("reelarr.db")).unwrap();
    c.busy_timeout(std::time::Duration::from_secs(10)).unwrap();
    c
}

fn history_row(
    c: &rusqlite::Connection,
    movie_id: Option<i64>,
    event: &str,
    title: &str,
    quality: &Value,
    download_id: Option<&str>,
) {
    c.execute(
        "INSERT INTO history (movie_id, event_type, source_title, quality, download_id, date, data)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        rusqlite::params![
            movie_id,
            event,
            title,
            quality.to_string(),
            download_id,
            chrono::Utc::now().to_rfc3339(),
            json!({"indexer": "HDBits", "size": 123}).to_string()
        ],
    )
    .unwrap();
}

fn set_file(c: &rusqlite::Connection, movie_id: i64, name: &str, quality_id: u32) {
    c.execute(
        "INSERT INTO movie_files (movie_id, relative_path, size, quality, date_added)
         VALUES (?1, ?2, 1000, ?3, ?4)",
        rusqlite::params![
            movie_id,
            name,
            json!({"quality": {"id": quality_id}, "revision": {"version": 1, "real": 0, "isRepack": false}})
                .to_string(),
            chrono::Utc::now().to_rfc3339()
        ],
    )
    .unwrap();
}

pub(super) fn set_date(c: &rusqlite::Connection, movie_id: i64, field: &str, date: &str) {
    c.execute(
        &format!("UPDATE movies SET metadata = json_set(metadata, '$.{field}', ?1) WHERE id = ?2"),
        rusqlite::params![date, movie_id],
    )
    .unwrap();
}

async fn profile_id(s: &Server, name: &str) -> i64 {
    let (_, profiles) = send(s, Method::GET, "/api/v3/qualityprofile", None).await;
    profiles
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == name)
        .unwrap()["id"]
        .as_i64()
        .unwrap()
}

/// Adds a movie (TMDB is not configured, so the body's title and year are used).
pub(super) async fn add_movie(
    s: &Server,
    tmdb_id: i64,
    title: &str,
    root: &str,
    monitored: bool,
) -> i64 {
    let body = json!({
        "tmdbId": tmdb_id, "title": title, "year": 1999,
        "qualityProfileId": profile_id(s, "HD-1080p").await,
        "rootFolderPath": root, "monitored": monitored,
        "addOptions": {"searchForMovie": false},
    });
    let (st, m) = send(s, Method::POST, "/api/v3/movie", Some(body)).await;
    assert_eq!(st, 201, "{m}");
    m["id"].as_i64().unwrap()
}

/// Asserts a 400 `invalid_parameter` naming `param` for a GET.
pub(super) async fn expect_bad(s: &Server, path: &str, param: &str) {
    expect_bad_with(s, Method::GET, path, param).await;
}

async fn expect_bad_with(s: &Server, method: Method, path: &str, param: &str) {
    let (st, e) = send(s, method, path, None).await;
    assert_eq!(st, 400, "{path}: {e}");
    assert_eq!(e["error"], "invalid_parameter", "{path}: {e}");
    assert_eq!(e["parameter"], param, "{path}: {e}");
    assert!(
        e["message"].as_str().unwrap().contains(param),
        "{path}: {e}"
    );
}

#[tokio::test]
async fn history_is_paged_filtered_and_radarr_shaped() {
    let dir = tempfile::tempdir().unwrap();
    let s = Server::start(dir.path(), &[]);
    let doc = doc_or_skip();
    let root = tempfile::tempdir().unwrap();
    let root_path = root.path().to_str().unwrap();
    let matrix = add_movie(&s, 603, "The Matrix", root_path, true).await;
    let other = add_movie(&s, 604, "The Matrix Reloaded", root_path, true).await;
    {
        let c = db(dir.path());
        let bluray = json!({"quality": {"id": 7, "name": "Bluray-1080p"}, "revision": {"version": 1, "real": 0, "isRepack": false}});
        for i in 0..12 {
            let title = format!("The.Matrix.1999.720p.HDTV.x264-G{i}");
            history_row(
                &c,
                Some(matrix),
                "grabbed",
                &title,
                &json!({}),
                Some(&format!("HASH{i}")),
            );
        }
        history_row(
            &c,
            Some(matrix),
            "downloadFolderImported",
            "The.Matrix.1999.1080p.BluRay.x264-GRP",
            &bluray,
            Some("HASH11"),
        );
        history_row(
            &c,
            Some(other),
            "download_failed",
            "The.Matrix.Reloaded.2003.1080p.WEB-DL-X",
            &json!({}),
            Some("HASHX"),
        );
        history_row(
            &c,
            None,
            "importFailed",
            "Orphan.2001.DVDRip",
            &json!({}),
            None,
        );
    }

    let h = get_json(&s, "/api/v3/history").await;
    assert_eq!(
        (
            &h["page"],
            &h["pageSize"],
            &h["sortKey"],
            &h["sortDirection"],
            &h["totalRecords"]
        ),
        (
            &json!(1),
            &json!(10),
            &json!("date"),
            &json!("descending"),
            &json!(15)
        ),
        "{h}"
    );
    let recs = h["records"].as_array().unwrap();
    assert_eq!(recs.len(), 10);
    assert_eq!(recs[0]["sourceTitle"], "Orphan.2001.DVDRip", "newest first");
    assert_eq!(recs[0]["eventType"], "unknown");
    assert_eq!(recs[0]["data"]["reelarrEventType"], "importFailed");
    assert_eq!(
        recs[1]["eventType"], "downloadFailed",
        "stored snake_case, shown as Radarr names it"
    );
    assert_eq!(recs[2]["eventType"], "downloadFolderImported");
    assert_eq!(recs[2]["quality"]["quality"]["name"], "Bluray-1080p");
    assert_eq!(recs[2]["qualityCutoffNotMet"], false);
    assert_eq!(
        recs[3]["quality"]["quality"]["name"], "HDTV-720p",
        "parsed from the title"
    );
    assert_eq!(
        recs[3]["qualityCutoffNotMet"], true,
        "HD-1080p wants more than HDTV-720p"
    );
    assert_eq!(recs[3]["data"]["size"], "123", "data is a string map");
    assert_eq!(recs[3]["movieId"], matrix);
    assert!(recs[3].get("movie").is_none());
    if let Some(doc) = &doc {
        let problems = check(doc, "HistoryResourcePagingResource", &h, false);
        assert!(problems.is_empty(), "{problems:#?}");
    }

    let p2 = get_json(&s, "/api/v3/history?page=2&pageSize=10").await;
    assert_eq!(p2["records"].as_array().unwrap().len(), 5);
    let asc = get_json(
        &s,
        "/api/v3/history?sortKey=date&sortDirection=ascending&pageSize=1",
    )
    .await;
    assert_eq!(
        asc["records"][0]["sourceTitle"],
        "The.Matrix.1999.720p.HDTV.x264-G0"
    );
    assert_eq!(asc["sortDirection"], "ascending");
    // Radarr's numbers and names both filter; lists repeat or use commas.
    let imported = get_json(&s, "/api/v3/history?eventType=3").await;
    assert_eq!(imported["totalRecords"], 1);
    let failed = get_json(&s, "/api/v3/history?eventType=downloadFailed").await;
    assert_eq!(failed["totalRecords"], 1);
    assert_eq!(failed["records"][0]["movieId"], other);
    let both = get_json(&s, "/api/v3/history?eventType=3&eventType=4").await;
    assert_eq!(both["totalRecords"], 2);
    let mine = get_json(&s, &format!("/api/v3/history?movieId={matrix}")).await;
    assert_eq!(mine["totalRecords"], 13);
    let two = get_json(
        &s,
        &format!("/api/v3/history?movieIds={matrix},{other}&pageSize=100"),
    )
    .await;
    assert_eq!(two["totalRecords"], 14);
    let dl = get_json(&s, "/api/v3/history?downloadId=HASH11").await;
    assert_eq!(dl["totalRecords"], 2, "grab and import of one download");
    let big = get_json(&s, "/api/v3/history?pageSize=10000").await;
    assert_eq!(big["records"].as_array().unwrap().len(), 15);

    let with_movie = get_json(
        &s,
        "/api/v3/history?includeMovie=true&eventType=1&pageSize=1",
    )
    .await;
    let m = &with_movie["records"][0]["movie"];
    assert_eq!(
        (&m["id"], &m["title"]),
        (&json!(matrix), &json!("The Matrix"))
    );
    if let Some(doc) = &doc {
        let problems = check(doc, "HistoryResourcePagingResource", &with_movie, false);
        assert!(problems.is_empty(), "{problems:#?}");
    }

    // history/movie: the whole list, newest first; unknown movie 404; movieId required.
    let (st, list) = send(
        &s,
        Method::GET,
        &format!("/api/v3/history/movie?movieId={matrix}"),
        None,
    )
    .await;
    assert_eq!(st, 200);
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 13);
    assert_eq!(list[0]["eventType"], "downloadFolderImported");
    if let Some(doc) = &doc {
        for r in list {
            let problems = check(doc, "HistoryResource", r, false);
            assert!(problems.is_empty(), "{problems:#?}");
        }
    }
    let grabs = get_json(
        &s,
        &format!("/api/v3/history/movie?movieId={matrix}&eventType=grabbed&includeMovie=true"),
    )
    .await;
    assert_eq!(grabs.as_array().unwrap().len(), 12);
    assert_eq!(grabs[0]["movie"]["tmdbId"], 603);
    let (st, e) = send(
        &s,
        Method::GET,
        "/api/v3/history/movie?movieId=424242",
        None,
    )
    .await;
    assert_eq!((st, &e["error"]), (404, &json!("not_found")), "{e}");
    expect_bad(&s, "/api/v3/history/movie", "movieId").await;
    expect_bad(&s, "/api/v3/history/movie?movieId=x", "movieId").await;

    for (q, param) in [
        ("page=0", "page"),
        ("page=-1", "page"),
        ("pageSize=-1", "pageSize"),
        ("pageSize=0", "pageSize"),
        ("pageSize=10001", "pageSize"),
        ("pageSize=99999999999999999999", "pageSize"),
        ("pageSize=abc", "pageSize"),
        ("sortDirection=sideways", "sortDirection"),
        ("eventType=banana", "eventType"),
        ("eventType=2", "eventType"),
        ("movieId=abc", "movieId"),
        ("movieIds=1,x", "movieIds"),
        ("includeMovie=perhaps", "includeMovie"),
    ] {
        expect_bad(&s, &format!("/api/v3/history?{q}"), param).await;
    }
    let (status, log) = s.stop();
    assert!(status.success());
    assert!(!log.contains("panicked"), "{log}");
}

#[tokio::test]
async fn wanted_calendar_and_diskspace() {
    let dir = tempfile::tempdir().unwrap();
    let s = Server::start(dir.path(), &[]);
    let doc = doc_or_skip();
    let root = tempfile::tempdir().unwrap();
    let root_path = root.path().to_str().unwrap();
    add_root_folder(&s, root_path).await;
    let missing = add_movie(&s, 11, "Star Wars", root_path, true).await;
    let low = add_movie(&s, 12, "Alien", root_path, true).await;
    let good = add_movie(&s, 13, "Blade Runner", root_path, true).await;
    let unmonitored = add_movie(&s, 14, "Zardoz", root_path, false).await;
    let tomorrow = (chrono::Utc::now().date_naive() + chrono::Duration::days(1))
        .and_hms_opt(0, 0, 0)
        .unwrap()
        .and_utc()
        .to_rfc3339();
    {
        let c = db(dir.path());
        set_file(&c, low, "Alien (1979) SDTV.avi", 1);
        set_file(&c, good, "Blade Runner (1982) Bluray-1080p.mkv", 7);
        set_date(&c, missing, "inCinemas", &tomorrow);
        set_date(&c, unmonitored, "physicalRelease", &tomorrow);
        set_date(&c, low, "digitalRelease", "2024-05-31T00:00:00Z");
        set_date(&c, good, "inCinemas", "2024-05-01T00:00:00Z");
    }

    let w = get_json(&s, "/api/v3/wanted/missing").await;
    assert_eq!(
        (&w["totalRecords"], &w["sortKey"], &w["sortDirection"]),
        (
            &json!(1),
            &json!("movieMetadata.sortTitle"),
            &json!("ascending")
        ),
        "{w}"
    );
    assert_eq!(w["records"][0]["id"], missing);
    assert_eq!(w["records"][0]["hasFile"], false);
    if let Some(doc) = &doc {
        let problems = check(doc, "MovieResourcePagingResource", &w, false);
        assert!(problems.is_empty(), "{problems:#?}");
    }
    let w = get_json(&s, "/api/v3/wanted/missing?monitored=false").await;
    assert_eq!(w["records"][0]["id"], unmonitored);
    let c = get_json(&s, "/api/v3/wanted/cutoff").await;
    assert_eq!(c["totalRecords"], 1, "{c}");
    assert_eq!(
        (&c["records"][0]["id"], &c["records"][0]["hasFile"]),
        (&json!(low), &json!(true))
    );
    if let Some(doc) = &doc {
        let problems = check(doc, "MovieResourcePagingResource", &c, false);
        assert!(problems.is_empty(), "{problems:#?}");
    }
    let sorted = get_json(&s, "/api/v3/wanted/missing?monitored=true&sortKey=movieMetadata.year&sortDirection=descending&pageSize=1&page=1").await;
    assert_eq!(sorted["records"].as_array().unwrap().len(), 1);
    for (q, param) in [
        ("page=0", "page"),
        ("pageSize=-1", "pageSize"),
        ("sortDirection=up", "sortDirection"),
        ("monitored=2", "monitored"),
    ] {
        expect_bad(&s, &format!("/api/v3/wanted/missing?{q}"), param).await;
        expect_bad(&s, &format!("/api/v3/wanted/cutoff?{q}"), param).await;
    }

    // Calendar: default range is today .. today + 2 days, monitored only.
    let cal = get_json(&s, "/api/v3/calendar").await;
    let ids: Vec<i64> = cal
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, vec![missing], "{cal}");
    let cal = get_json(&s, "/api/v3/calendar?unmonitored=true").await;
    assert_eq!(cal.as_array().unwrap().len(), 2);
    // Homepage sends plain dates; any of the three release dates counts; ordered by inCinemas.
    let cal = get_json(
        &s,
        "/api/v3/calendar?start=2024-04-01&end=2024-06-30&unmonitored=false",
    )
    .await;
    let ids: Vec<i64> = cal
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, vec![low, good], "{cal}");
    assert_eq!(cal[0]["digitalRelease"], "2024-05-31T00:00:00Z");
    if let Some(doc) = &doc {
        for m in cal.as_array().unwrap() {
            let problems = check(doc, "MovieResource", m, false);
            assert!(problems.is_empty(), "{problems:#?}");
        }
    }
    let cal = get_json(
        &s,
        "/api/v3/calendar?start=2024-05-31T00:00:00Z&end=2024-05-31T00:00:00Z",
    )
    .await;
    assert_eq!(cal.as_array().unwrap().len(), 1, "the range is inclusive");
    expect_bad(&s, "/api/v3/calendar?start=garbage", "start").await;
    expect_bad(&s, "/api/v3/calendar?end=2024-13-45", "end").await;
    expect_bad(
        &s,
        "/api/v3/calendar?start=2024-06-01&end=2024-05-01",
        "end",
    )
    .await;
    expect_bad(&s, "/api/v3/calendar?unmonitored=yes", "unmonitored").await;
    expect_bad(&s, "/api/v3/calendar?tags=nosuchtag", "tags").await;

    // Disk space: one entry per filesystem, covering the root folder.
    let (st, disks) = send(&s, Method::GET, "/api/v3/diskspace", None).await;
    assert_eq!(st, 200);
    let disks = disks.as_array().unwrap();
    assert!(!disks.is_empty());
    assert!(
        disks
            .iter()
            .any(|d| root.path().starts_with(d["path"].as_str().unwrap())),
        "{disks:?}"
    );
    for d in disks {
        assert!(d["totalSpace"].as_u64().unwrap() >= d["freeSpace"].as_u64().unwrap());
        if let Some(doc) = &doc {
            let problems = check(doc, "DiskSpaceResource", d, false);
            assert!(problems.is_empty(), "{problems:#?}");
        }
    }
    s.stop();
}

#[tokio::test]
async fn delete_with_files_only_inside_the_root_folder() {
    let dir = tempfile::tempdir().unwrap();
    let s = Server::start(dir.path(), &[]);
    let root = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    let root_path = root.path().to_str().unwrap();
    std::fs::write(outside.path().join("keep.mkv"), b"precious").unwrap();
    add_root_folder(&s, root_path).await;

    // A movie with a folder, a file and a symlink inside pointing out of the root.
    let m = add_movie(&s, 603, "The Matrix", root_path, true).await;
    let (_, movie) = send(&s, Method::GET, &format!("/api/v3/movie/{m}"), None).await;
    let folder = std::path::PathBuf::from(movie["path"].as_str().unwrap());
    assert!(folder.starts_with(root.path()));
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("The Matrix (1999).mkv"), b"movie").unwrap();
    std::os::unix::fs::symlink(outside.path(), folder.join("extras")).unwrap();
    set_file(&db(dir.path()), m, "The Matrix (1999).mkv", 7);

    // A movie moved (by PUT) to a path outside the root, and one whose folder is a symlink out.
    let escaped = add_movie(&s, 604, "Elsewhere", root_path, true).await;
    let (st, _) = send(
        &s,
        Method::PUT,
        &format!("/api/v3/movie/{escaped}"),
        Some(json!({"path": outside.path().to_str().unwrap()})),
    )
    .await;
    assert_eq!(st, 202);
    let linked = add_movie(&s, 605, "Linked", root_path, true).await;
    let (_, lm) = send(&s, Method::GET, &format!("/api/v3/movie/{linked}"), None).await;
    std::os::unix::fs::symlink(outside.path(), lm["path"].as_str().unwrap()).unwrap();
    for id in [escaped, linked] {
        let (st, e) = send(
            &s,
            Method::DELETE,
            &format!("/api/v3/movie/{id}?deleteFiles=true"),
            None,
        )
        .await;
        assert_eq!((st, &e["error"]), (409, &json!("unsafe_path")), "{e}");
        let (st, _) = send(&s, Method::GET, &format!("/api/v3/movie/{id}"), None).await;
        assert_eq!(st, 200, "a refused delete keeps the movie");
    }
    assert!(outside.path().join("keep.mkv").exists());

    let bad = format!("/api/v3/movie/{m}?deleteFiles=maybe");
    expect_bad_with(&s, Method::DELETE, &bad, "deleteFiles").await;
    let (st, e) = send(
        &s,
        Method::DELETE,
        "/api/v3/movie/424242?deleteFiles=true",
        None,
    )
    .await;
    assert_eq!((st, &e["error"]), (404, &json!("not_found")));
    let (st, e) = send(
        &s,
        Method::DELETE,
        &format!("/api/v3/movie/{m}?deleteFiles=true&addImportExclusion=false"),
        None,
    )
    .await;
    assert_eq!(st, 200, "{e}");
    assert!(!folder.exists(), "the movie folder is gone");
    assert!(root.path().exists(), "the root folder stays");
    assert!(
        outside.path().join("keep.mkv").exists(),
        "links inside were not followed"
    );
    let (st, _) = send(&s, Method::GET, &format!("/api/v3/movie/{m}"), None).await;
    assert_eq!(st, 404);
    let h = get_json(&s, "/api/v3/history?eventType=movieFileDeleted").await;
    assert_eq!(h["totalRecords"], 1, "{h}");
    let ev = &h["records"][0];
    assert_eq!(ev["eventType"], "movieFileDeleted");
    assert_eq!(ev["sourceTitle"], "The Matrix (1999).mkv");
    assert_eq!(ev["data"]["reason"], "Manual");
    assert_eq!(ev["quality"]["quality"]["name"], "Bluray-1080p");

    // Without deleteFiles nothing on disk is touched, even for the movie pointing outside.
    let (st, _) = send(
        &s,
        Method::DELETE,
        &format!("/api/v3/movie/{escaped}"),
        None,
    )
    .await;
    assert_eq!(st, 200);
    assert!(outside.path().join("keep.mkv").exists());
    s.stop();
}

#[tokio::test]
async fn v3_bad_input_is_400_unknown_is_404_and_paths_ignore_case() {
    let dir = tempfile::tempdir().unwrap();
    let s = Server::start(dir.path(), &[]);
    for (path, param) in [
        ("/api/v3/queue?page=0", "page"),
        ("/api/v3/queue?pageSize=-1", "pageSize"),
        ("/api/v3/queue?pageSize=1000000", "pageSize"),
        ("/api/v3/queue?pageSize=abc", "pageSize"),
        ("/api/v3/queue?sortDirection=sideways", "sortDirection"),
        ("/api/v3/exclusions/paged?pageSize=-2", "pageSize"),
        ("/api/v3/movie?tmdbId=abc", "tmdbId"),
    ] {
        expect_bad(&s, path, param).await;
    }
    // Jellyseerr's queue call and Overseerr's exclusion check (pageSize=-1 means "all" there).
    let q = get_json(&s, "/api/v3/queue?includeEpisode=true&pageSize=1000").await;
    assert_eq!(
        (&q["pageSize"], &q["sortKey"]),
        (&json!(1000), &json!("timeleft"))
    );
    let ex = get_json(&s, "/api/v3/exclusions/paged?page=1&pageSize=-1").await;
    assert_eq!(
        (&ex["totalRecords"], &ex["records"]),
        (&json!(0), &json!([]))
    );
    // Names of query parameters and paths are case-insensitive, as in Radarr (pyarr sends
    // ?tmdbid=, Overseerr asks for /qualityProfile).
    let (st, found) = send(&s, Method::GET, "/api/v3/movie?tmdbid=603", None).await;
    assert_eq!((st, found), (200, json!([])));
    let (st, p) = send(&s, Method::GET, "/api/v3/qualityProfile", None).await;
    assert_eq!(st, 200);
    assert!(p.as_array().unwrap().len() >= 6);
    let (st, _) = send(&s, Method::GET, "/API/V3/System/Status/", None).await;
    assert_eq!(st, 200);
    // Unknown records are 404 not_found; unknown routes 404 no_such_route; never a 500.
    for path in ["/api/v3/movie/999999", "/api/v3/qualityprofile/999999"] {
        let (st, e) = send(&s, Method::GET, path, None).await;
        assert_eq!((st, &e["error"]), (404, &json!("not_found")), "{path}");
    }
    for path in [
        "/api/v3/nothing",
        "/api/v3/movie/abc",
        "/api/v3/history/999",
    ] {
        let (st, e) = send(&s, Method::GET, path, None).await;
        assert_eq!((st, &e["error"]), (404, &json!("no_such_route")), "{path}");
    }
    let (st, e) = send(&s, Method::PATCH, "/api/v3/history", None).await;
    assert_eq!((st, &e["error"]), (405, &json!("method_not_allowed")));
    let (status, log) = s.stop();
    assert!(status.success());
    assert!(!log.contains("panicked"), "{log}");
}
