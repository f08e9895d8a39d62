//! PostgreSQL's own embedded migrations: the same versions and meaning as the SQLite ones
//! (`migrations/postgres/`), tracked in `schema_migrations`. Each migration runs in its own
//! transaction under an advisory lock, so two reelarr processes starting at once cannot apply the
//! same migration twice; a database from a newer reelarr is refused with `TooNew`.

use super::postgres::map_pg;
use super::{StoreError, StoreResult};
use tokio_postgres::Client;

/// (version, name, SQL) in order, mirroring [`super::MIGRATIONS`]. Append only.
pub const PG_MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        1,
        "initial",
        include_str!("../../migrations/postgres/0001_initial.sql"),
    ),
    (
        2,
        "breaker_events",
        include_str!("../../migrations/postgres/0002_breaker_events.sql"),
    ),
    (
        3,
        "library",
        include_str!("../../migrations/postgres/0003_library.sql"),
    ),
];

/// The advisory-lock key that serialises migrations across processes ("reelarr" in ASCII).
const MIGRATION_LOCK: i64 = 0x0072_6565_6c61_7272;

/// The version a fully migrated PostgreSQL database has.
pub fn pg_latest_version() -> i64 {
    PG_MIGRATIONS.last().map(|m| m.0).unwrap_or(0)
}

/// Brings the database up to `target` (normally [`pg_latest_version`]); returns the versions
/// applied. Refuses a database whose version is newer than this build knows.
pub(crate) async fn pg_migrate(client: &mut Client, target: i64) -> StoreResult<Vec<i64>> {
    {
        let tx = client.transaction().await.map_err(map_pg)?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
            .await
            .map_err(map_pg)?;
        tx.batch_execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (
                version BIGINT PRIMARY KEY,
                name TEXT NOT NULL,
                applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
            )",
        )
        .await
        .map_err(map_pg)?;
        let current = pg_current_version(&tx).await?;
        check_not_too_new(current)?;
        tx.commit().await.map_err(map_pg)?;
    }
    let mut applied = Vec::new();
    for (version, name, sql) in PG_MIGRATIONS.iter().filter(|m| m.0 <= target) {
        let tx = client.transaction().await.map_err(map_pg)?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
            .await
            .map_err(map_pg)?;
        // Re-read under the lock: another process may have applied it meanwhile.
        let current = pg_current_version(&tx).await?;
        check_not_too_new(current)?;
        if current >= *version {
            tx.commit().await.map_err(map_pg)?;
            continue;
        }
        tx.batch_execute(sql).await.map_err(|e| match map_pg(e) {
            outage if outage.is_outage() => outage,
            e => StoreError::Other(format!("migration {version} ({name}) failed: {e}")),
        })?;
        tx.execute(
            "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
            &[version, name],
        )
        .await
        .map_err(map_pg)?;
        tx.commit().await.map_err(map_pg)?;
        tracing::info!(version, name, "applied PostgreSQL migration");
        applied.push(*version);
    }
    Ok(applied)
}

/// The highest applied version, 0 for a fresh database.
pub(crate) async fn pg_current_version(
    client: &impl tokio_postgres::GenericClient,
) -> StoreResult<i64> {
    let row = client
        .query_one(
            "SELECT COALESCE(MAX(version), 0)::BIGINT FROM schema_migrations",
            &[],
        )
        .await
        .map_err(map_pg)?;
    Ok(row.get(0))
}

fn check_not_too_new(current: i64) -> StoreResult<()> {
    if current > pg_latest_version() {
        return Err(StoreError::TooNew {
            found: current,
            supported: pg_latest_version(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
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
            vec![2, 3]
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
        assert_eq!(all, vec![1, 2, 3], "each migration applied exactly once");
        drop((a, b));
        db.drop_db().await;
    }
}
