//! The journal's own ordered migrations, tracked by version in `journal_migrations` and run by
//! the shared [`crate::sqlite::Migrations`]: each in its own transaction; a newer file is refused.

use rusqlite::Connection;

use super::{JournalError, JournalResult};
use crate::sqlite::{Migrations, OpenError};

/// (version, name, SQL) in order. Append only: never edit a released migration.
const MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        1,
        "operations",
        include_str!("../../migrations/journal/0001_operations.sql"),
    ),
    (
        2,
        "reconcile",
        include_str!("../../migrations/journal/0002_reconcile.sql"),
    ),
    (
        3,
        "endpoint",
        include_str!("../../migrations/journal/0003_endpoint.sql"),
    ),
];

/// The journal's migrations, recorded in `journal_migrations`.
pub(super) const SCHEMA: Migrations = Migrations {
    table: "journal_migrations",
    list: MIGRATIONS,
    label: "retry-journal",
};

/// The version a fully migrated journal has.
pub fn latest_version() -> i64 {
    SCHEMA.latest()
}

/// Applies the missing migrations; returns the versions applied.
pub(super) fn migrate(conn: &mut Connection) -> JournalResult<Vec<i64>> {
    Ok(SCHEMA.apply(conn, SCHEMA.latest())?)
}

impl From<OpenError> for JournalError {
    fn from(e: OpenError) -> Self {
        match e {
            OpenError::Sqlite(e) => e.into(),
            OpenError::NotWal(msg) | OpenError::Migration(msg) => JournalError::Sqlite(msg),
            OpenError::TooNew { found, supported } => JournalError::TooNew { found, supported },
        }
    }
}
