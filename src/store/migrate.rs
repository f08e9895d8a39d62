//! Ordered, embedded SQL migrations tracked by version. Each runs in its own transaction; a database
//! from a newer reelarr is refused instead of being silently misread.

use super::{StoreError, StoreResult};
use rusqlite::Connection;

/// (version, name, SQL) in order. Append only: never edit a released migration.
pub const MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        1,
        "initial",
        include_str!("../../migrations/sqlite/0001_initial.sql"),
    ),
    (
        2,
        "breaker_events",
        include_str!("../../migrations/sqlite/0002_breaker_events.sql"),
    ),
    (
        3,
        "library",
        include_str!("../../migrations/sqlite/0003_library.sql"),
    ),
];

/// The version a fully migrated database has.
pub fn latest_version() -> i64 {
    MIGRATIONS.last().map(|m| m.0).unwrap_or(0)
}

/// Brings the database up to `target` (normally [`latest_version`]); returns the versions applied.
pub(crate) fn migrate(conn: &mut Connection, target: i64) -> StoreResult<Vec<i64>> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
            version INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            applied_at TEXT NOT NULL
        )",
    )?;
    let current = current_version(conn)?;
    if current > latest_version() {
        return Err(StoreError::TooNew {
            found: current,
            supported: latest_version(),
        });
    }
    let mut applied = Vec::new();
    for (version, name, sql) in MIGRATIONS.iter().filter(|m| m.0 > current && m.0 <= target) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)
            .map_err(|e| StoreError::Other(format!("migration {version} ({name}) failed: {e}")))?;
        tx.execute(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?1, ?2, ?3)",
            rusqlite::params![version, name, chrono::Utc::now().to_rfc3339()],
        )?;
        tx.commit()?;
        tracing::info!(version, name, "applied database migration");
        applied.push(*version);
    }
    Ok(applied)
}

/// The highest applied version, 0 for a fresh database.
pub(crate) fn current_version(conn: &Connection) -> StoreResult<i64> {
    Ok(conn.query_row(
        "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
        [],
        |r| r.get(0),
    )?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fresh_then_idempotent() {
        let mut c = Connection::open_in_memory().unwrap();
        assert_eq!(
            migrate(&mut c, latest_version()).unwrap().len(),
            MIGRATIONS.len()
        );
        assert!(migrate(&mut c, latest_version()).unwrap().is_empty());
        assert_eq!(current_version(&c).unwrap(), latest_version());
    }

    #[test]
    fn older_database_upgrades() {
        let mut c = Connection::open_in_memory().unwrap();
        migrate(&mut c, 1).unwrap();
        assert_eq!(current_version(&c).unwrap(), 1);
        assert_eq!(migrate(&mut c, latest_version()).unwrap(), vec![2, 3]);
    }

    #[test]
    fn newer_database_is_refused() {
        let mut c = Connection::open_in_memory().unwrap();
        migrate(&mut c, latest_version()).unwrap();
        c.execute(
            "INSERT INTO schema_migrations VALUES (9999, 'future', 'x')",
            [],
        )
        .unwrap();
        let err = migrate(&mut c, latest_version()).unwrap_err();
        assert!(
            matches!(err, StoreError::TooNew { found: 9999, .. }),
            "{err}"
        );
        assert!(err.to_string().contains("newer than this reelarr supports"));
    }
}
