//! Seed scenario 3 for real: the same flow against SQLite (write lock held by another process)
//! and PostgreSQL (the server stopped with `pg_ctl stop -m fast`, then started again).

use reelarr_testkit::app::*;
use reelarr_testkit::postgres::{self, PrivateServer};
use reelarr_testkit::routes;
use reqwest::Method;
use serde_json::{json, Value};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Far beyond every bound the server sets (busy timeout, pool timeouts, breaker call timeout):
/// a request still unanswered after this is a hang, which is a failure.
pub(crate) const HANG: Duration = Duration::from_secs(20);

/// How the database is made to fail and heal.
trait Fault {
    fn inject(&mut self);
    fn heal(&mut self);
}

/// Another process holds SQLite's write lock. The test process is that other process: it opens
/// the server's database file with its own connection and keeps `BEGIN EXCLUSIVE` open.
struct WriteLock {
    path: PathBuf,
    conn: Option<rusqlite::Connection>,
}

impl Fault for WriteLock {
    fn inject(&mut self) {
        let c = rusqlite::Connection::open(&self.path).unwrap();
        c.execute_batch("BEGIN EXCLUSIVE").unwrap();
        self.conn = Some(c);
    }
    fn heal(&mut self) {
        let c = self.conn.take().expect("lock held");
        c.execute_batch("COMMIT").unwrap();
        drop(c);
    }
}

/// The private PostgreSQL server is down (fast shutdown: open connections are cut).
struct Stopped(PrivateServer);

impl Fault for Stopped {
    fn inject(&mut self) {
        self.0.stop();
    }
    fn heal(&mut self) {
        self.0.restart();
    }
}

/// Sends one authenticated request; panics (naming it) if it does not come back within [`HANG`].
pub(crate) async fn send(
    s: &Server,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> (u16, reqwest::header::HeaderMap, Value) {
    let c = reqwest::Client::builder().timeout(HANG).build().unwrap();
    let mut req = c
        .request(method.clone(), s.url(path))
        .header("X-Api-Key", s.api_key());
    if let Some(b) = body {
        req = req.json(&b);
    }
    let started = Instant::now();
    let r = req.send().await.unwrap_or_else(|e| {
        panic!(
            "{method} {path} did not answer ({e}) after {:?}:\n{}",
            started.elapsed(),
            s.log()
        )
    });
    let status = r.status().as_u16();
    let headers = r.headers().clone();
    let v = r.json().await.unwrap_or(Value::Null);
    (status, headers, v)
}

pub(crate) fn say(line: String) {
    // Straight to the handle: libtest only captures the print macros.
    let _ = writeln!(std::io::stderr(), "{line}");
}

pub(crate) fn envs<'a>(qbit: &'a str, extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut v = vec![
        ("CIRCUIT_BREAKER_DATABASE_THRESHOLD", "2"),
        ("CIRCUIT_BREAKER_DATABASE_TIMEOUT_SECONDS", "2"),
        ("HEALTH_CHECK_INTERVAL_SECONDS", "1"),
        ("DETAILED_HEALTH_CACHE_SECONDS", "1"),
        // A dead qBittorrent with credentials: grabs are journaled and answered 202.
        ("QBITTORRENT_URL", qbit),
        ("QBITTORRENT_USERNAME", "admin"),
        ("QBITTORRENT_PASSWORD", "adminadmin"),
    ];
    v.extend_from_slice(extra);
    v
}

pub(crate) async fn database_breaker(s: &Server) -> Value {
    let (_, _, list) = send(s, Method::GET, "/api/v1/circuit-breakers", None).await;
    list.as_array()
        .unwrap()
        .iter()
        .find(|b| b["service"] == "database")
        .cloned()
        .expect("a database breaker")
}

/// `(connection_pool_active, connection_pool_idle)` from `/health/detailed`, once fresh.
async fn pool(s: &Server) -> (u64, u64) {
    let (st, _, h) = send(s, Method::GET, "/health/detailed", None).await;
    assert_eq!(st, 200, "{h}");
    let db = &h["services"]["database"];
    (
        db["connection_pool_active"].as_u64().expect("active count"),
        db["connection_pool_idle"].as_u64().expect("idle count"),
    )
}

pub(crate) fn assert_unavailable(what: &str, st: u16, h: &reqwest::header::HeaderMap, v: &Value) {
    assert_eq!(st, 503, "{what}: {v}");
    assert_eq!(v["error"], "database_unavailable", "{what}: {v}");
    let retry: u64 = h
        .get("retry-after")
        .unwrap_or_else(|| panic!("{what}: no Retry-After"))
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry >= 1, "{what}: Retry-After {retry}");
}

pub(crate) fn titles(list: &Value) -> Vec<(i64, String)> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["tmdbId"].as_i64().unwrap(),
                m["title"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// Seed scenario 3 against whatever store the server runs on. `pool_total` is the SQLite
/// connection count (writer + readers), or None for PostgreSQL, whose pool grows and shrinks.
async fn scenario_3(
    backend: &str,
    s: &Server,
    fault: &mut dyn Fault,
    movies_dir: &Path,
    pool_total: Option<u64>,
) {
    let root = movies_dir.to_str().unwrap();
    let (st, _, _) = send(
        s,
        Method::POST,
        "/api/v3/rootfolder",
        Some(json!({"path": root})),
    )
    .await;
    assert_eq!(st, 201);
    let (_, _, profiles) = send(s, Method::GET, "/api/v3/qualityprofile", None).await;
    let profile = profiles[0]["id"].as_i64().unwrap();
    let movie = |tmdb: i64, title: &str, year: i64| {
        json!({"tmdbId": tmdb, "title": title, "year": year, "qualityProfileId": profile,
               "rootFolderPath": root, "monitored": true})
    };
    let (st, _, added) = send(
        s,
        Method::POST,
        "/api/v3/movie",
        Some(movie(603, "The Matrix", 1999)),
    )
    .await;
    assert_eq!(st, 201, "{added}");
    let movie_id = added["id"].as_i64().unwrap();

    // The pool counts are real: nothing is checked out between requests.
    let (active, idle) = pool(s).await;
    match pool_total {
        Some(total) => assert_eq!(active + idle, total, "SQLite writer + readers"),
        None => assert!(idle >= 1, "PostgreSQL pool holds the connections just used"),
    }

    // The fault. Writes fail (after the busy timeout, or at once for a stopped server) and the
    // database breaker opens after 2 failures (the prober's write-path probe may be one of them).
    fault.inject();
    let injected = Instant::now();
    for i in 0..2 {
        let (st, h, v) = send(
            s,
            Method::POST,
            "/api/v3/tag",
            Some(json!({"label": format!("during-{i}")})),
        )
        .await;
        assert_unavailable("write during the outage", st, &h, &v);
    }
    let opened = eventually(Duration::from_secs(10), || async {
        (database_breaker(s).await["state"] == "open").then_some(())
    })
    .await;
    assert!(
        opened.is_some(),
        "database breaker never opened:\n{}",
        s.log()
    );
    say(format!(
        "{backend}: database breaker open {:.2} s after the fault",
        injected.elapsed().as_secs_f64()
    ));

    // Read-only mode: reads answer (from the snapshot while the breaker is open) ...
    let (st, _, list) = send(s, Method::GET, "/api/v3/movie", None).await;
    assert_eq!(st, 200, "{list}");
    assert_eq!(titles(&list), [(603, "The Matrix".to_string())]);
    let (st, _, one) = send(s, Method::GET, &format!("/api/v3/movie/{movie_id}"), None).await;
    assert_eq!((st, one["title"].as_str()), (200, Some("The Matrix")));
    let (st, _, roots) = send(s, Method::GET, "/api/v3/rootfolder", None).await;
    assert_eq!((st, roots[0]["path"].as_str()), (200, Some(root)));
    // ... writes are refused with Retry-After, nothing half-done ...
    let (st, h, v) = send(
        s,
        Method::POST,
        "/api/v3/movie",
        Some(movie(604, "The Matrix Reloaded", 2003)),
    )
    .await;
    assert_unavailable("add movie", st, &h, &v);
    let (st, h, v) = send(
        s,
        Method::POST,
        "/api/v3/tag",
        Some(json!({"label": "during-2"})),
    )
    .await;
    assert_unavailable("add tag", st, &h, &v);
    // ... and a grab is journaled (the retry journal is local SQLite, not the main store).
    let hash = "c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00";
    let grab = json!({"magnet": format!("magnet:?xt=urn:btih:{hash}&dn=The.Matrix.1999.1080p"),
                      "title": "The.Matrix.1999.1080p.BluRay.x264-GRP", "movieId": movie_id});
    let (st, _, queued) = send(s, Method::POST, "/api/v1/downloads", Some(grab)).await;
    assert_eq!(
        (st, queued["status"].as_str()),
        (202, Some("queued")),
        "{queued}"
    );
    let (_, _, h) = send(s, Method::GET, "/health", None).await;
    assert_eq!(h["status"], "degraded", "{h}");
    if pool_total.is_none() {
        // Connections the stopped server closed are not reported as idle.
        let gone = eventually(Duration::from_secs(10), || async {
            (pool(s).await == (0, 0)).then_some(())
        })
        .await;
        assert!(
            gone.is_some(),
            "pool still reports dead connections: {:?}",
            pool(s).await
        );
    }

    // Heal, and writes succeed again within recovery timeout + probe interval (no timed assert:
    // the time is reported).
    let healing = Instant::now();
    fault.heal();
    let healed = Instant::now();
    say(format!(
        "{backend}: healing the fault took {:.2} s",
        (healed - healing).as_secs_f64()
    ));
    let back = eventually(Duration::from_secs(60), || async {
        let (st, _, v) = send(
            s,
            Method::POST,
            "/api/v3/tag",
            Some(json!({"label": "after"})),
        )
        .await;
        match st {
            201 => Some(healed.elapsed()),
            503 => None,
            _ => panic!("unexpected answer while recovering: {st} {v}"),
        }
    })
    .await
    .unwrap_or_else(|| panic!("writes never came back:\n{}", s.log()));
    say(format!(
        "{backend}: first successful write {:.2} s after the fault was healed",
        back.as_secs_f64()
    ));
    assert_eq!(database_breaker(s).await["state"], "closed");

    // Nothing lost: the movie, the root folder, the journaled grab; nothing refused was written.
    let (st, _, added) = send(
        s,
        Method::POST,
        "/api/v3/movie",
        Some(movie(604, "The Matrix Reloaded", 2003)),
    )
    .await;
    assert_eq!(st, 201, "{added}");
    let (_, _, list) = send(s, Method::GET, "/api/v3/movie", None).await;
    assert_eq!(
        titles(&list),
        [
            (603, "The Matrix".to_string()),
            (604, "The Matrix Reloaded".to_string())
        ]
    );
    let (_, _, tags) = send(s, Method::GET, "/api/v3/tag", None).await;
    let labels: Vec<&str> = tags
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["label"].as_str().unwrap())
        .collect();
    assert_eq!(
        labels,
        ["after"],
        "refused writes must not have happened later"
    );
    let (_, _, queue) = send(s, Method::GET, "/api/v1/retry-queue", None).await;
    assert!(
        queue["operations"]
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o["infoHash"] == hash),
        "{queue}"
    );
    let (active, idle) = pool(s).await;
    match pool_total {
        Some(total) => assert_eq!(active + idle, total),
        // A live connection may be busy (another request, the prober) at the instant of the
        // reading: reconnected means at least one pooled connection, idle or in use.
        None => assert!(
            active + idle >= 1,
            "the pool reconnected after the restart ({active} active, {idle} idle)"
        ),
    }
}

#[tokio::test]
async fn seed_scenario_3_sqlite_locked_by_another_process() {
    let dir = tempfile::tempdir().unwrap();
    let movies = tempfile::tempdir().unwrap();
    write_config(
        dir.path(),
        "[database]\nbusy_timeout_ms = 300\nread_pool_size = 2\n",
    );
    let qbit = format!("http://127.0.0.1:{}", routes::dead_port());
    let s = Server::start(dir.path(), &envs(&qbit, &[]));
    let mut lock = WriteLock {
        path: dir.path().join("reelarr.db"),
        conn: None,
    };
    scenario_3("sqlite", &s, &mut lock, movies.path(), Some(3)).await;
    let (st, log) = s.stop();
    assert!(st.success(), "{log}");
    assert!(!log.contains("panicked"), "{log}");
}

#[tokio::test]
async fn seed_scenario_3_postgres_stopped_and_restarted() {
    let server = match PrivateServer::start() {
        Ok(p) => p,
        Err(why) => return postgres::skip(&why),
    };
    let url = server.url("postgres");
    let dir = tempfile::tempdir().unwrap();
    let movies = tempfile::tempdir().unwrap();
    write_config(dir.path(), "");
    let qbit = format!("http://127.0.0.1:{}", routes::dead_port());
    let s = Server::start(dir.path(), &envs(&qbit, &[("REELARR_DATABASE_URL", &url)]));
    let mut fault = Stopped(server);
    scenario_3("postgres", &s, &mut fault, movies.path(), None).await;
    let (st, log) = s.stop();
    assert!(st.success(), "{log}");
    assert!(!log.contains("panicked"), "{log}");
}
