use super::*;

async fn store() -> (tempfile::TempDir, SqliteStore) {
    let dir = tempfile::tempdir().unwrap();
    let s = SqliteStore::open(dir.path().join("t.db"), 1000, 2)
        .await
        .unwrap();
    (dir, s)
}

#[tokio::test]
async fn pragmas_are_set_on_every_connection() {
    let (_d, s) = store().await;
    let check = |c: &Connection| {
        let mode: String = c
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        let fk: i64 = c
            .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
            .unwrap();
        let sync: i64 = c.query_row("PRAGMA synchronous", [], |r| r.get(0)).unwrap();
        let busy: i64 = c
            .query_row("PRAGMA busy_timeout", [], |r| r.get(0))
            .unwrap();
        assert_eq!((mode.as_str(), fk, sync, busy), ("wal", 1, 1, 1000));
    };
    check(&s.inner.writer.lock());
    for r in &s.inner.readers {
        check(&r.lock());
    }
}

#[tokio::test]
async fn ping_checks_the_write_path_while_reads_go_on() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    let s = SqliteStore::open(path.clone(), 100, 2).await.unwrap();
    s.ping().await.unwrap();
    // Another process (here: another connection) holds the write lock.
    let other = Connection::open(&path).unwrap();
    other.execute_batch("BEGIN EXCLUSIVE").unwrap();
    assert!(matches!(s.ping().await, Err(StoreError::Busy)));
    assert!(matches!(
        crate::store::LibraryStore::add_tag(&s, "x").await,
        Err(StoreError::Busy)
    ));
    // WAL: readers are not blocked behind the foreign writer.
    assert!(crate::store::LibraryStore::tags(&s)
        .await
        .unwrap()
        .is_empty());
    other.execute_batch("COMMIT").unwrap();
    s.ping().await.unwrap();
}

#[tokio::test]
// Holding the writer across awaits is the point: it stands for a long write in progress.
#[allow(clippy::await_holding_lock)]
async fn a_queued_call_is_bounded_by_the_busy_timeout_and_never_runs_late() {
    use crate::store::LibraryStore;
    let dir = tempfile::tempdir().unwrap();
    let s = SqliteStore::open(dir.path().join("t.db"), 100, 1)
        .await
        .unwrap();
    let held = s.inner.writer.lock();
    // Waiting for our own writer connection is bounded too: Busy, not a hang.
    assert!(matches!(s.add_tag("busy").await, Err(StoreError::Busy)));
    // A caller that gives up first (the breaker's call timeout) ...
    let gave_up = tokio::time::timeout(Duration::from_millis(20), s.add_tag("late")).await;
    assert!(gave_up.is_err());
    drop(held);
    tokio::time::sleep(Duration::from_millis(300)).await;
    // ... was told it failed, so the write must not have happened behind its back.
    assert!(s.tags().await.unwrap().is_empty());
    s.add_tag("now").await.unwrap();
}

#[tokio::test]
async fn library_conformance() {
    let (_d, s) = store().await;
    crate::store::tests::conformance::library_suite(&s).await;
}

#[tokio::test]
async fn providers_conformance() {
    let (_d, s) = store().await;
    crate::store::tests::conformance::providers_suite(&s).await;
}

#[tokio::test]
async fn users_sessions_and_events() {
    let (_d, s) = store().await;
    crate::store::tests::conformance::accounts_suite(&s, latest_version()).await;
}

/// A database that cannot grow (SQLite's own `max_page_count` limit answers `SQLITE_FULL`,
/// exactly as a full disk does) is `DiskFull`, which is not an outage: the breaker stays out of
/// it and the API answers 507.
#[tokio::test]
async fn a_database_that_cannot_grow_is_disk_full_not_an_outage() {
    use crate::store::LibraryStore;
    let (_d, s) = store().await;
    {
        let c = s.inner.writer.lock();
        let pages: i64 = c.query_row("PRAGMA page_count", [], |r| r.get(0)).unwrap();
        c.execute_batch(&format!("PRAGMA max_page_count = {pages}"))
            .unwrap();
    }
    let mut refused = None;
    for i in 0..2000 {
        if let Err(e) = s.add_tag(&format!("tag-{i}-{}", "x".repeat(90))).await {
            refused = Some(e);
            break;
        }
    }
    let e = refused.expect("the database stops growing at max_page_count");
    assert!(matches!(e, StoreError::DiskFull(_)), "{e:?}");
    assert!(!e.is_outage(), "{e:?}");
    // The OS's "no space left" while creating the database's folder is the same.
    let io = std::io::Error::from_raw_os_error(libc::ENOSPC);
    assert!(matches!(
        StoreError::from_io("/data", &io),
        StoreError::DiskFull(_)
    ));
    let io = std::io::Error::from_raw_os_error(libc::EACCES);
    assert!(matches!(
        StoreError::from_io("/data", &io),
        StoreError::Io(_)
    ));
}
