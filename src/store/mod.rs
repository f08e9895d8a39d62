//! Storage: the only place with SQL. A backend-neutral trait, the SQLite and PostgreSQL
//! implementations, and their embedded migrations. The library statements and their row
//! mapping are written once (`library_sql.rs`, `library_rows.rs`); a backend file only runs
//! them. Tests of module `x` live in `x/tests.rs`, cross-module ones in `tests/`.

pub mod copy;
mod formats;
mod guarded;
mod guarded_library;
mod library;
mod library_rows;
mod library_sql;
mod local_copy;
mod migrate;
mod postgres;
mod postgres_library;
mod postgres_migrate;
mod providers;
mod snapshot;
mod sqlite;
mod sqlite_library;
#[cfg(test)]
mod tests;

pub use formats::{FormatStore, StoredDefinition, StoredFormat};
pub use guarded::GuardedStore;
pub use library::{
    HistoryPage, HistoryQuery, LibraryStore, NewHistory, NewMovieFile, MAX_PAGE_SIZE,
};
pub use local_copy::LIBRARY_COPY_FILE;
pub use migrate::{latest_version, MIGRATIONS};
pub use postgres::{redacted_url, PostgresStore};
pub use providers::{ProviderStore, StoredProvider};
pub use snapshot::{list_order, MovieList};
pub use sqlite::SqliteStore;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::Serialize;

/// A storage failure, classified so the database breaker can tell outages from bad requests.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database stayed locked past `busy_timeout`: counts as a breaker failure.
    #[error("database is busy (locked past the busy timeout)")]
    Busy,
    /// A call took longer than the database breaker's call timeout.
    #[error("database call timed out")]
    Timeout,
    /// The database breaker is open: failing fast instead of waiting on a sick database.
    #[error(
        "the database is unavailable (circuit breaker open); retry in {retry_after_seconds} s"
    )]
    Unavailable { retry_after_seconds: u64 },
    /// Disk or connection trouble: counts as a breaker failure.
    #[error("database I/O error: {0}")]
    Io(String),
    /// The file was written by a newer reelarr; refusing protects it from a downgrade.
    #[error("database schema version {found} is newer than this reelarr supports ({supported}); upgrade reelarr or restore a backup")]
    TooNew { found: i64, supported: i64 },
    /// The disk holding the database is full (SQLite `SQLITE_FULL`, `ENOSPC`, PostgreSQL
    /// `53100 disk_full`): writes fail until space is freed, reads still work, so it answers
    /// 507 and does not trip the breaker.
    #[error("the disk holding the database is full: {0}")]
    DiskFull(String),
    /// A uniqueness or foreign-key rule was broken: the caller's fault, not an outage.
    #[error("constraint violated: {0}")]
    Constraint(String),
    #[error("database error: {0}")]
    Other(String),
}

impl StoreError {
    /// Whether this error means the database itself is unwell (trips the database breaker).
    pub fn is_outage(&self) -> bool {
        matches!(
            self,
            StoreError::Busy
                | StoreError::Io(_)
                | StoreError::Timeout
                | StoreError::Unavailable { .. }
        )
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode as C;
        match &e {
            rusqlite::Error::SqliteFailure(f, msg) => match f.code {
                C::DatabaseBusy | C::DatabaseLocked => StoreError::Busy,
                C::DiskFull => StoreError::DiskFull(msg.clone().unwrap_or_else(|| e.to_string())),
                C::SystemIoFailure | C::CannotOpen if is_disk_full_text(msg.as_deref()) => {
                    StoreError::DiskFull(msg.clone().unwrap_or_else(|| e.to_string()))
                }
                C::SystemIoFailure
                | C::CannotOpen
                | C::DatabaseCorrupt
                | C::NotADatabase
                | C::ReadOnly => StoreError::Io(msg.clone().unwrap_or_else(|| e.to_string())),
                C::ConstraintViolation => {
                    StoreError::Constraint(msg.clone().unwrap_or_else(|| e.to_string()))
                }
                _ => StoreError::Other(e.to_string()),
            },
            _ => StoreError::Other(e.to_string()),
        }
    }
}

/// Whether an error text says the disk is full (SQLite's "database or disk is full", the OS's
/// "No space left on device", PostgreSQL's "could not extend file").
pub(crate) fn is_disk_full_text(text: Option<&str>) -> bool {
    let t = text.unwrap_or_default().to_ascii_lowercase();
    [
        "disk is full",
        "no space left on device",
        "could not extend file",
    ]
    .iter()
    .any(|needle| t.contains(needle))
}

impl StoreError {
    /// An OS error while touching the database's files (`what` names them): `ENOSPC` is
    /// [`StoreError::DiskFull`], anything else [`StoreError::Io`].
    pub fn from_io(what: &str, e: &std::io::Error) -> StoreError {
        if e.raw_os_error() == Some(libc::ENOSPC) {
            StoreError::DiskFull(format!("{what}: {e}"))
        } else {
            StoreError::Io(format!("{what}: {e}"))
        }
    }
}

/// Shorthand for store results.
pub type StoreResult<T> = Result<T, StoreError>;

/// A UI user (there is one admin today; the table allows more).
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub password_hash: String,
    pub must_change_password: bool,
}

/// A UI session, looked up by the SHA-256 of its cookie value.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct Session {
    pub token_hash: String,
    pub user_id: i64,
    pub expires_at: DateTime<Utc>,
}

/// A persisted circuit-breaker transition.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct StoredEvent {
    pub service: String,
    pub from: String,
    pub to: String,
    pub reason: String,
    pub at: String,
}

/// Connection usage for `/health/detailed` (`connection_pool_active` / `_idle`).
#[derive(Debug, Clone, Copy, Serialize, Default)]
pub struct PoolStatus {
    pub active: u32,
    pub idle: u32,
}

/// Everything the application asks of its database. Async so that a PostgreSQL backend can await
/// natively; the SQLite backend runs its blocking work on the blocking thread pool.
#[async_trait]
pub trait Store: LibraryStore + FormatStore + ProviderStore + Send + Sync + 'static {
    /// A trivial round trip for the health prober (`SELECT 1`).
    async fn ping(&self) -> StoreResult<()>;
    /// `PRAGMA integrity_check` or the backend's equivalent; "ok" when healthy.
    async fn integrity_check(&self) -> StoreResult<String>;
    /// The applied schema version.
    async fn schema_version(&self) -> StoreResult<i64>;
    fn pool_status(&self) -> PoolStatus;
    /// Whether reads can still be answered (from a snapshot) while the database is unavailable.
    fn has_read_fallback(&self) -> bool {
        false
    }

    async fn user_count(&self) -> StoreResult<u64>;
    async fn user_by_name(&self, username: &str) -> StoreResult<Option<User>>;
    async fn user_by_id(&self, id: i64) -> StoreResult<Option<User>>;
    /// Creates the user or replaces its password.
    async fn set_password(
        &self,
        username: &str,
        password_hash: &str,
        must_change: bool,
    ) -> StoreResult<()>;

    async fn create_session(&self, session: &Session) -> StoreResult<()>;
    async fn session(&self, token_hash: &str) -> StoreResult<Option<Session>>;
    async fn delete_session(&self, token_hash: &str) -> StoreResult<()>;
    async fn purge_expired_sessions(&self, now: DateTime<Utc>) -> StoreResult<u64>;

    async fn append_breaker_event(&self, event: &StoredEvent) -> StoreResult<()>;
    /// Newest first.
    async fn breaker_events(&self, limit: u32) -> StoreResult<Vec<StoredEvent>>;
}

/// Opens the store named by a database URL (`sqlite://PATH`, or `postgres://` / `postgresql://`
/// for PostgreSQL with a pool of `readers + 1` connections); migrates it to the latest version.
pub async fn open(
    url: &str,
    busy_timeout_ms: u64,
    readers: u32,
) -> StoreResult<std::sync::Arc<dyn Store>> {
    if let Some(path) = url.strip_prefix("sqlite://") {
        let store = SqliteStore::open(path.into(), busy_timeout_ms, readers).await?;
        Ok(std::sync::Arc::new(store))
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        let store = PostgresStore::open(url, readers.max(1) + 1).await?;
        Ok(std::sync::Arc::new(store))
    } else {
        Err(StoreError::Other(
            "unsupported database URL (use sqlite://PATH or postgres://...)".into(),
        ))
    }
}

/// Like [`open`], but a PostgreSQL server that is unreachable does not fail: the store comes
/// back with the outage error (it migrates once the server answers). SQLite opens as [`open`].
pub async fn open_deferred(
    url: &str,
    busy_timeout_ms: u64,
    readers: u32,
) -> StoreResult<(std::sync::Arc<dyn Store>, Option<StoreError>)> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        let (store, down) = PostgresStore::open_deferred(url, readers.max(1) + 1).await?;
        Ok((std::sync::Arc::new(store), down))
    } else {
        Ok((open(url, busy_timeout_ms, readers).await?, None))
    }
}
