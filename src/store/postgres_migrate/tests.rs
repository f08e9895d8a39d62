use super::*;
use reelarr_testkit::postgres as pg_harness;

#[test]
fn versions_mirror_the_sqlite_migrations() {
    let pg: Vec<_> = PG_MIGRATIONS.iter().map(|m| (m.0, m.1)).collect();
    let lite: Vec<_> = crate::store::MIGRATIONS
        .iter()
        .map(|m| (m.0, m.1))
        .collect();
    assert_eq!(pg, lite);
    assert_eq!(pg_latest_version(), crate::store::latest_version());
}

/// The listed versions from `first` on (the list may have a gap while a branch's migration is
/// not merged yet).
fn versions_from(first: i64) -> Vec<i64> {
    PG_MIGRATIONS
        .iter()
        .map(|m| m.0)
        .filter(|v| *v >= first)
        .collect()
}

#[tokio::test]
async fn fresh_then_idempotent_then_upgrade_and_refuse_newer() {
    let Some(db) = pg_harness::fresh_db().await else {
        return;
    };
    let mut c = db.connect().await;
    assert_eq!(pg_migrate(&mut c, 1).await.unwrap(), vec![1]);
    assert_eq!(pg_current_version(&c).await.unwrap(), 1);
    assert_eq!(
        pg_migrate(&mut c, pg_latest_version()).await.unwrap(),
        versions_from(2)
    );
    assert!(pg_migrate(&mut c, pg_latest_version())
        .await
        .unwrap()
        .is_empty());
    assert_eq!(pg_current_version(&c).await.unwrap(), pg_latest_version());

    c.execute(
        "INSERT INTO schema_migrations (version, name) VALUES (9999, 'future')",
        &[],
    )
    .await
    .unwrap();
    let err = pg_migrate(&mut c, pg_latest_version()).await.unwrap_err();
    assert!(
        matches!(err, StoreError::TooNew { found: 9999, .. }),
        "{err}"
    );
    // Opening the whole store refuses it too.
    let err = crate::store::postgres::PostgresStore::open(&db.url, 2)
        .await
        .err()
        .expect("a newer schema must be refused");
    assert!(matches!(err, StoreError::TooNew { found: 9999, .. }));
    drop(c);
    db.drop_db().await;
}

#[tokio::test]
async fn concurrent_opens_migrate_once() {
    let Some(db) = pg_harness::fresh_db().await else {
        return;
    };
    let (a, b) = tokio::join!(db.connect(), db.connect());
    let (mut a, mut b) = (a, b);
    let (ra, rb) = tokio::join!(
        pg_migrate(&mut a, pg_latest_version()),
        pg_migrate(&mut b, pg_latest_version())
    );
    let mut all = ra.unwrap();
    all.extend(rb.unwrap());
    all.sort();
    assert_eq!(all, versions_from(1), "each migration applied exactly once");
    drop((a, b));
    db.drop_db().await;
}
