//! Issue 17, item 1: PostgreSQL down at start. reelarr starts read-only from the local copy of
//! the library (`library-copy.db`, kept current while PostgreSQL was up), refuses writes with
//! Retry-After, and recovers when PostgreSQL comes back, without a restart.

use super::outage::{assert_unavailable, database_breaker, envs, say, send, titles};
use reelarr_testkit::app::*;
use reelarr_testkit::postgres::{self, PrivateServer};
use reelarr_testkit::routes;
use reqwest::Method;
use serde_json::json;
use std::time::{Duration, Instant};

/// Whether the local copy beside the journal already holds `title`.
fn copy_holds(dir: &std::path::Path, title: &str) -> bool {
    let Ok(c) = rusqlite::Connection::open(dir.join("library-copy.db")) else {
        return false;
    };
    c.query_row(
        "SELECT json FROM library_copy WHERE part = 'snapshot'",
        [],
        |r| r.get::<_, String>(0),
    )
    .is_ok_and(|j| j.contains(title))
}

#[tokio::test]
async fn postgres_down_at_start_serves_the_local_copy_and_recovers_without_restart() {
    let mut server = match PrivateServer::start() {
        Ok(p) => p,
        Err(why) => return postgres::skip(&why),
    };
    let url = server.url("postgres");
    let dir = tempfile::tempdir().unwrap();
    let movies = tempfile::tempdir().unwrap();
    let root = movies.path().to_str().unwrap();
    write_config(dir.path(), "");
    let qbit = format!("http://127.0.0.1:{}", routes::dead_port());
    let env = envs(&qbit, &[("REELARR_DATABASE_URL", &url)]);

    // A first run while PostgreSQL is up builds the library (and, beside it, the local copy).
    let s = Server::start(dir.path(), &env);
    let (st, _, _) = send(
        &s,
        Method::POST,
        "/api/v3/rootfolder",
        Some(json!({"path": root})),
    )
    .await;
    assert_eq!(st, 201);
    let (_, _, profiles) = send(&s, Method::GET, "/api/v3/qualityprofile", None).await;
    let profile = profiles[0]["id"].as_i64().unwrap();
    let movie = json!({"tmdbId": 603, "title": "The Matrix", "year": 1999,
        "qualityProfileId": profile, "rootFolderPath": root, "monitored": true});
    let (st, _, added) = send(&s, Method::POST, "/api/v3/movie", Some(movie)).await;
    assert_eq!(st, 201, "{added}");
    let kept = eventually(Duration::from_secs(10), || async {
        copy_holds(dir.path(), "The Matrix").then_some(())
    })
    .await;
    assert!(
        kept.is_some(),
        "the local copy never held the movie:\n{}",
        s.log()
    );
    let (st, log) = s.stop();
    assert!(st.success(), "{log}");

    // PostgreSQL is down at start: reelarr starts anyway (it used to exit) ...
    server.stop();
    let started = Instant::now();
    let s = Server::try_start(dir.path(), &env)
        .unwrap_or_else(|log| panic!("reelarr did not start with PostgreSQL down:\n{log}"));
    say(format!(
        "postgres down at start: listening after {:.2} s",
        started.elapsed().as_secs_f64()
    ));
    assert!(
        s.log().contains("starting read-only from the local copy"),
        "{}",
        s.log()
    );
    // ... serves the last known library read-only ...
    let (st, _, list) = send(&s, Method::GET, "/api/v3/movie", None).await;
    assert_eq!(st, 200, "{list}");
    assert_eq!(titles(&list), [(603, "The Matrix".to_string())]);
    let (st, _, roots) = send(&s, Method::GET, "/api/v3/rootfolder", None).await;
    assert_eq!((st, roots[0]["path"].as_str()), (200, Some(root)));
    let (st, _, profiles2) = send(&s, Method::GET, "/api/v3/qualityprofile", None).await;
    assert_eq!((st, profiles2[0]["id"].as_i64()), (200, Some(profile)));
    let (st, _, h) = send(&s, Method::GET, "/health", None).await;
    assert_eq!((st, h["status"].as_str()), (200, Some("degraded")), "{h}");
    assert_eq!(database_breaker(&s).await["state"], "open");
    // ... and refuses writes with Retry-After instead of losing them.
    let (st, hd, v) = send(
        &s,
        Method::POST,
        "/api/v3/tag",
        Some(json!({"label": "down"})),
    )
    .await;
    assert_unavailable("write with PostgreSQL down at start", st, &hd, &v);

    // PostgreSQL returns: the same process migrates, closes the breaker and takes writes.
    server.restart();
    let back = Instant::now();
    let wrote = eventually(Duration::from_secs(30), || async {
        let (st, _, v) = send(
            &s,
            Method::POST,
            "/api/v3/tag",
            Some(json!({"label": "back"})),
        )
        .await;
        (st == 201).then_some(v)
    })
    .await;
    assert!(wrote.is_some(), "writes never came back:\n{}", s.log());
    say(format!(
        "postgres back: writes accepted after {:.2} s",
        back.elapsed().as_secs_f64()
    ));
    assert_eq!(database_breaker(&s).await["state"], "closed");
    let (st, _, list) = send(&s, Method::GET, "/api/v3/movie", None).await;
    assert_eq!(
        (st, titles(&list)),
        (200, vec![(603, "The Matrix".to_string())])
    );
    let (st, log) = s.stop();
    assert!(st.success(), "{log}");
    assert!(!log.contains("panicked"), "{log}");
}

#[tokio::test]
async fn postgres_down_at_the_first_start_without_a_local_copy_still_refuses_to_start() {
    let mut server = match PrivateServer::start() {
        Ok(p) => p,
        Err(why) => return postgres::skip(&why),
    };
    let url = server.url("postgres");
    server.stop();
    let dir = tempfile::tempdir().unwrap();
    write_config(dir.path(), "");
    let qbit = format!("http://127.0.0.1:{}", routes::dead_port());
    let log = match Server::try_start(dir.path(), &envs(&qbit, &[("REELARR_DATABASE_URL", &url)])) {
        Ok(s) => panic!("started with nothing to serve:\n{}", s.stop().1),
        Err(log) => log,
    };
    assert!(log.contains("no local copy of the library"), "{log}");
}
