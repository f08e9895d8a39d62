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
