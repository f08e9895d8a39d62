use super::*;
use crate::store::LibraryStore;
use reelarr_testkit::postgres as pg_harness;
use std::time::Instant;

#[tokio::test]
async fn library_conformance() {
    let Some(db) = pg_harness::fresh_db().await else {
        return;
    };
    let s = PostgresStore::open(&db.url, 4).await.unwrap();
    crate::store::tests::conformance::library_suite(&s).await;
    drop(s);
    db.drop_db().await;
}

#[tokio::test]
async fn providers_conformance() {
    let Some(db) = pg_harness::fresh_db().await else {
        return;
    };
    let s = PostgresStore::open(&db.url, 2).await.unwrap();
    crate::store::tests::conformance::providers_suite(&s).await;
    drop(s);
    db.drop_db().await;
}

#[tokio::test]
async fn users_sessions_and_events() {
    let Some(db) = pg_harness::fresh_db().await else {
        return;
    };
    let s = PostgresStore::open(&db.url, 2).await.unwrap();
    crate::store::tests::conformance::accounts_suite(&s, pg_latest_version()).await;
    drop(s);
    db.drop_db().await;
}

#[tokio::test]
async fn breaker_events_stay_bounded() {
    let Some(db) = pg_harness::fresh_db().await else {
        return;
    };
    let s = PostgresStore::open(&db.url, 2).await.unwrap();
    let ev = |to: &str| StoredEvent {
        service: "db".into(),
        from: "closed".into(),
        to: to.into(),
        reason: "r".into(),
        at: "t".into(),
    };
    s.append_breaker_event(&ev("old")).await.unwrap();
    // Jump the id sequence as if 10,000 more transitions had happened.
    s.execute("SELECT setval('breaker_events_id_seq', 10001)", &[])
        .await
        .unwrap();
    s.append_breaker_event(&ev("new")).await.unwrap();
    let all = s.breaker_events(100).await.unwrap();
    assert_eq!(
        all.iter().map(|e| e.to.as_str()).collect::<Vec<_>>(),
        ["new"]
    );
    drop(s);
    db.drop_db().await;
}

#[tokio::test]
async fn pool_status_counts_checked_out_connections() {
    let Some(db) = pg_harness::fresh_db().await else {
        return;
    };
    let s = PostgresStore::open(&db.url, 3).await.unwrap();
    let (a, b) = (s.client().await.unwrap(), s.client().await.unwrap());
    let st = s.pool_status();
    assert_eq!(st.active, 2, "{st:?}");
    drop((a, b));
    let st = s.pool_status();
    assert_eq!((st.active, st.idle), (0, 2), "{st:?}");
    drop(s);
    db.drop_db().await;
}

#[tokio::test]
async fn statement_timeout_is_timeout() {
    let Some(db) = pg_harness::fresh_db().await else {
        return;
    };
    let s = PostgresStore::open(&db.url, 1).await.unwrap();
    let c = s.client().await.unwrap();
    c.batch_execute("SET statement_timeout = 50").await.unwrap();
    let err = c.batch_execute("SELECT pg_sleep(2)").await.unwrap_err();
    assert!(matches!(map_pg(err), StoreError::Timeout));
    c.batch_execute("RESET statement_timeout").await.unwrap();
    drop(c);
    drop(s);
    db.drop_db().await;
}

#[tokio::test]
async fn unreachable_server_is_io_quickly_and_hides_the_password() {
    // A closed port on loopback: nothing listens there once the listener is dropped.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("postgres://reelarr:s3cr3t-pw@127.0.0.1:{port}/reelarr");
    let started = Instant::now();
    let err = PostgresStore::open(&url, 2).await.err().expect("must fail");
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(matches!(err, StoreError::Io(_)), "{err:?}");
    assert!(err.is_outage());
    assert!(!format!("{err} {err:?}").contains("s3cr3t"), "{err:?}");
    let bad = PostgresStore::open("postgres://u:s3cr3t@127.0.0.1:notaport/x", 1)
        .await
        .err()
        .expect("must fail");
    assert!(!format!("{bad} {bad:?}").contains("s3cr3t"), "{bad:?}");
}

#[test]
fn redacted_url_drops_the_password() {
    assert_eq!(
        redacted_url("postgres://me:pw@db:5432/reel?sslmode=disable"),
        "postgres://me@db:5432/reel"
    );
    assert_eq!(redacted_url("postgresql://db/reel"), "postgresql://db/reel");
    assert_eq!(redacted_url("nonsense"), "<unparsable URL>");
    // Unencoded special characters in the password never leak a part of it.
    assert_eq!(redacted_url("postgres://u:pa/ss@h/db"), "postgres://u@h/db");
    assert_eq!(
        redacted_url("postgres://u:p?s#s@w:1@h:1/db?x=1"),
        "postgres://u@h:1/db"
    );
}

#[tokio::test]
async fn stopped_server_fails_fast_with_io_then_recovers() {
    let mut server = match pg_harness::PrivateServer::start() {
        Ok(s) => s,
        Err(why) => return pg_harness::skip(&why),
    };
    let url = server.url("postgres");
    let s = PostgresStore::open(&url, 2).await.unwrap();
    s.ping().await.unwrap();
    let st = s.pool_status();
    assert_eq!((st.active, st.idle), (0, 1), "{st:?}");
    server.stop();
    // The connections the server closed are not counted as idle ones any more.
    let mut st = s.pool_status();
    for _ in 0..50 {
        if st.idle == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
        st = s.pool_status();
    }
    assert_eq!((st.active, st.idle), (0, 0), "{st:?}");
    let started = Instant::now();
    for _ in 0..2 {
        let err = s.ping().await.unwrap_err();
        assert!(matches!(err, StoreError::Io(_)), "{err:?}");
    }
    let err = s.movies().await.unwrap_err();
    assert!(err.is_outage(), "{err:?}");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "took {:?}",
        started.elapsed()
    );
    // The same data directory comes back on the same port: the pool reconnects by itself.
    server.restart();
    s.ping().await.unwrap();
    assert!(s.movies().await.unwrap().is_empty());
    let st = s.pool_status();
    assert_eq!((st.active, st.idle), (0, 1), "{st:?}");
}
