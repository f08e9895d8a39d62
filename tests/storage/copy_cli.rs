//! `reelarr db copy` through the binary: a library made by the real server on SQLite is copied
//! into PostgreSQL, and the server started on PostgreSQL serves the same library.

use reelarr_testkit::app::*;
use reelarr_testkit::postgres;
use serde_json::{json, Value};

/// The URL with a password in it (trust auth ignores it), and that password, which must never
/// be printed.
fn with_password(url: &str) -> (String, String) {
    let (scheme, rest) = url.split_once("://").unwrap();
    match rest.rsplit_once('@') {
        Some((userinfo, _)) if userinfo.contains(':') => {
            let pw = userinfo.split_once(':').unwrap().1.to_string();
            (url.to_string(), pw)
        }
        Some((user, host)) => {
            let pw = "s3cr3t-pw".to_string();
            (format!("{scheme}://{user}:{pw}@{host}"), pw)
        }
        None => panic!("test database URL without a user: cannot add a password"),
    }
}

async fn post(s: &Server, path: &str, body: Value) -> Value {
    let r = client()
        .post(s.url(path))
        .header("X-Api-Key", s.api_key())
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201, "POST {path}");
    r.json().await.unwrap()
}

/// The parts of the library that must survive the move (timestamps lose their nanoseconds).
async fn library(s: &Server) -> Value {
    let movies: Vec<Value> = get_json(s, "/api/v3/movie")
        .await
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            json!([
                m["id"],
                m["tmdbId"],
                m["title"],
                m["year"],
                m["path"],
                m["qualityProfileId"],
                m["tags"],
                m["monitored"]
            ])
        })
        .collect();
    let roots: Vec<Value> = get_json(s, "/api/v3/rootfolder")
        .await
        .as_array()
        .unwrap()
        .iter()
        .map(|r| json!([r["id"], r["path"]]))
        .collect();
    json!({"movies": movies, "roots": roots, "tags": get_json(s, "/api/v3/tag").await,
           "profiles": get_json(s, "/api/v3/qualityprofile").await})
}

fn run(dir: &std::path::Path, args: &[&str]) -> (i32, String, String) {
    let out = command(dir, &[]).args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

#[tokio::test]
async fn db_copy_moves_a_sqlite_library_into_postgres() {
    let Some(db) = postgres::fresh_db().await else {
        return;
    };
    let (url, password) = with_password(&db.url);
    let dir = tempfile::tempdir().unwrap();
    let movies = tempfile::tempdir().unwrap();
    let root = movies.path().to_str().unwrap();
    write_config(dir.path(), "");

    // A library made by the real server on SQLite.
    let s = Server::start(dir.path(), &[]);
    post(&s, "/api/v3/rootfolder", json!({"path": root})).await;
    let tag = post(&s, "/api/v3/tag", json!({"label": "4k"})).await;
    for (tmdb, title, year) in [
        (603, "The Matrix", 1999),
        (604, "The Matrix Reloaded", 2003),
    ] {
        post(
            &s,
            "/api/v3/movie",
            json!({"tmdbId": tmdb, "title": title, "year": year, "qualityProfileId": 1,
                   "rootFolderPath": root, "monitored": true, "tags": [tag["id"]]}),
        )
        .await;
    }
    let before = library(&s).await;
    let (st, _) = s.stop();
    assert!(st.success());

    // Wrong kinds of database are refused before anything happens.
    let (code, _, err) = run(dir.path(), &["db", "copy", "--to", "sqlite:///tmp/x.db"]);
    assert_eq!(code, 2, "{err}");
    let (code, _, err) = run(dir.path(), &["db", "copy", "--from", &url, "--to", &url]);
    assert_eq!(code, 2, "{err}");
    assert!(!err.contains(&password), "{err}");

    // The copy, with --from defaulting to <data-dir>/reelarr.db.
    let (code, out, err) = run(dir.path(), &["db", "copy", "--to", &url]);
    assert_eq!(code, 0, "stdout:\n{out}\nstderr:\n{err}");
    let count = |table: &str| -> u64 {
        out.lines()
            .find_map(|l| {
                let mut w = l.split_whitespace();
                (w.next() == Some(table)).then(|| w.next().unwrap().parse().unwrap())
            })
            .unwrap_or_else(|| panic!("no count for {table}:\n{out}"))
    };
    assert_eq!(
        (
            count("movies"),
            count("root_folders"),
            count("tags"),
            count("users")
        ),
        (2, 1, 1, 1)
    );
    assert_eq!(
        count("quality_profiles"),
        before["profiles"].as_array().unwrap().len() as u64
    );
    assert!(!format!("{out}{err}").contains(&password), "{out}{err}");
    let shown = url.replacen(&format!(":{password}@"), "@", 1);
    assert!(out.contains(&format!("into {shown}")), "{out}");

    // The server on PostgreSQL serves the same library, keeps the admin, and new rows get
    // fresh ids.
    let s = Server::start(dir.path(), &[("REELARR_DATABASE_URL", &url)]);
    assert_eq!(library(&s).await, before);
    assert!(
        !s.log().contains("generated password"),
        "the copied admin is kept"
    );
    let added = post(
        &s,
        "/api/v3/movie",
        json!({"tmdbId": 605, "title": "The Matrix Revolutions", "year": 2003,
               "qualityProfileId": 1, "rootFolderPath": root}),
    )
    .await;
    let top = before["movies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m[0].as_i64().unwrap())
        .max()
        .unwrap();
    assert!(added["id"].as_i64().unwrap() > top, "{added}");
    let (st, log) = s.stop();
    assert!(st.success(), "{log}");
    assert!(!log.contains(&password), "{log}");

    // A second copy into the now non-empty database is refused (exit 2) and changes nothing.
    let from = format!("sqlite://{}", dir.path().join("reelarr.db").display());
    let (code, out, err) = run(dir.path(), &["db", "copy", "--from", &from, "--to", &url]);
    assert_eq!(code, 2, "stdout:\n{out}\nstderr:\n{err}");
    assert!(err.contains("already holds data"), "{err}");
    assert!(err.contains("movies: 3"), "{err}");
    assert!(!format!("{out}{err}").contains(&password), "{out}{err}");
    db.drop_db().await;
}
