//! The store's ordered, embedded SQL migrations, run by the shared [`crate::sqlite::Migrations`]:
//! each in its own transaction; a database from a newer reelarr is refused.

use super::{StoreError, StoreResult};
use crate::sqlite::{Migrations, OpenError};
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
    (
        4,
        "never_reuse_ids",
        include_str!("../../migrations/sqlite/0004_never_reuse_ids.sql"),
    ),
    (
        5,
        "providers",
        include_str!("../../migrations/sqlite/0005_providers.sql"),
    ),
    (
        6,
        "formats",
        include_str!("../../migrations/sqlite/0006_formats.sql"),
    ),
];

/// The store's migrations, recorded in `schema_migrations`.
const SCHEMA: Migrations = Migrations {
    table: "schema_migrations",
    list: MIGRATIONS,
    label: "database",
};

/// The version a fully migrated database has.
pub fn latest_version() -> i64 {
    SCHEMA.latest()
}

/// Brings the database up to `target` (normally [`latest_version`]); returns the versions applied.
pub(crate) fn migrate(conn: &mut Connection, target: i64) -> StoreResult<Vec<i64>> {
    Ok(SCHEMA.apply(conn, target)?)
}

/// The highest applied version, 0 for a fresh database.
pub(crate) fn current_version(conn: &Connection) -> StoreResult<i64> {
    Ok(SCHEMA.current(conn)?)
}

impl From<OpenError> for StoreError {
    /// WAL refusal is disk trouble (an outage); a failed migration is a bug, not an outage.
    fn from(e: OpenError) -> Self {
        match e {
            OpenError::Sqlite(e) => e.into(),
            OpenError::NotWal(msg) => StoreError::Io(msg),
            OpenError::Migration(msg) => StoreError::Other(msg),
            OpenError::TooNew { found, supported } => StoreError::TooNew { found, supported },
        }
    }
}

#[cfg(test)]
mod tests;
