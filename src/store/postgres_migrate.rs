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
    (
        4,
        "never_reuse_ids",
        include_str!("../../migrations/postgres/0004_never_reuse_ids.sql"),
    ),
    (
        5,
        "providers",
        include_str!("../../migrations/postgres/0005_providers.sql"),
    ),
    (
        6,
        "formats",
        include_str!("../../migrations/postgres/0006_formats.sql"),
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
        // Re-read under the lock: another process may have applied it meanwhile. Each listed
        // version not recorded yet runs (not only those above the highest), so a version merged
        // in below an applied one (0005 after 0006) is still applied.
        let current = pg_current_version(&tx).await?;
        check_not_too_new(current)?;
        let done = tx
            .query_opt(
                "SELECT 1 FROM schema_migrations WHERE version = $1",
                &[version],
            )
            .await
            .map_err(map_pg)?
            .is_some();
        if done {
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
mod tests;
