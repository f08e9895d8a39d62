//! The journal's own ordered migrations, tracked by version in `journal_migrations`, each in
//! its own transaction; a file from a newer reelarr is refused rather than misread.

use rusqlite::Connection;

use super::{JournalError, JournalResult};

/// (version, name, SQL) in order. Append only: never edit a released migration.
const MIGRATIONS: &[(i64, &str, &str)] = &[(
    1,
    "operations",
    include_str!("../../migrations/journal/0001_operations.sql"),
)];

/// The version a fully migrated journal has.
pub fn latest_version() -> i64 {
    MIGRATIONS.last().map(|m| m.0).unwrap_or(0)
}

/// Applies the missing migrations; returns the versions applied.
pub(super) fn migrate(conn: &mut Connection) -> JournalResult<Vec<i64>> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS journal_migrations (
            version INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            applied_at TEXT NOT NULL
        )",
    )?;
    let current: i64 = conn.query_row(
        "SELECT COALESCE(MAX(version), 0) FROM journal_migrations",
        [],
        |r| r.get(0),
    )?;
    if current > latest_version() {
        return Err(JournalError::TooNew {
            found: current,
            supported: latest_version(),
        });
    }
    let mut applied = Vec::new();
    for (version, name, sql) in MIGRATIONS.iter().filter(|m| m.0 > current) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql).map_err(|e| {
            JournalError::Sqlite(format!("migration {version} ({name}) failed: {e}"))
        })?;
        tx.execute(
            "INSERT INTO journal_migrations (version, name, applied_at) VALUES (?1, ?2, ?3)",
            rusqlite::params![version, name, chrono::Utc::now().to_rfc3339()],
        )?;
        tx.commit()?;
        tracing::info!(version, name, "applied retry-journal migration");
        applied.push(*version);
    }
    Ok(applied)
}
