//! The embedded SQLite backend: one writer connection and a small read pool, every connection in
//! WAL mode with a real busy timeout, all work on the blocking thread pool.

use super::migrate::{current_version, latest_version, migrate};
use super::{PoolStatus, Session, Store, StoreError, StoreResult, StoredEvent, User};
use crate::sqlite::Synchronous;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use parking_lot::Mutex;
use rusqlite::{params, Connection, OptionalExtension};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// SQLite store. Cloning shares the same connections.
#[derive(Clone)]
pub struct SqliteStore {
    inner: Arc<Inner>,
}

struct Inner {
    writer: Mutex<Connection>,
    readers: Vec<Mutex<Connection>>,
    next_reader: AtomicUsize,
    active: AtomicU32,
    /// `busy_timeout` also bounds the wait for our own connection mutexes, so a queue of calls
    /// behind a locked database fails as `Busy` instead of piling up on the blocking pool.
    busy: Duration,
}

/// Opens one connection with the pragmas every store connection must have.
fn connect(path: &Path, busy_timeout_ms: u64) -> StoreResult<Connection> {
    let busy = Duration::from_millis(busy_timeout_ms);
    let conn = crate::sqlite::connect(path, busy, Synchronous::Normal)?;
    super::sqlite_library::add_now(&conn)?;
    Ok(conn)
}

impl SqliteStore {
    /// Opens (creating if needed) and migrates the database at `path`.
    pub async fn open(path: PathBuf, busy_timeout_ms: u64, readers: u32) -> StoreResult<Self> {
        tokio::task::spawn_blocking(move || Self::open_blocking(path, busy_timeout_ms, readers))
            .await
            .map_err(|e| StoreError::Other(format!("open task failed: {e}")))?
    }

    /// Synchronous open, for the CLI commands that run without a server.
    pub fn open_blocking(path: PathBuf, busy_timeout_ms: u64, readers: u32) -> StoreResult<Self> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|e| StoreError::from_io(&dir.display().to_string(), &e))?;
        }
        let mut writer = connect(&path, busy_timeout_ms)?;
        migrate(&mut writer, latest_version())?;
        let readers = (0..readers.max(1))
            .map(|_| connect(&path, busy_timeout_ms).map(Mutex::new))
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(SqliteStore {
            inner: Arc::new(Inner {
                writer: Mutex::new(writer),
                readers,
                next_reader: AtomicUsize::new(0),
                active: AtomicU32::new(0),
                busy: Duration::from_millis(busy_timeout_ms),
            }),
        })
    }

    /// Runs `f` on a read connection on the blocking pool.
    pub(super) async fn read<T: Send + 'static, E: Into<StoreError>>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, E> + Send + 'static,
    ) -> StoreResult<T> {
        let inner = self.inner.clone();
        run_blocking(move |gone| {
            let i = inner.next_reader.fetch_add(1, Ordering::Relaxed) % inner.readers.len();
            let conn = inner.readers[i]
                .try_lock_for(inner.busy)
                .ok_or(StoreError::Busy)?;
            gone.check()?;
            let _active = ActiveGuard::new(&inner.active);
            f(&conn).map_err(Into::into)
        })
        .await
    }

    /// Runs `f` on the single writer connection on the blocking pool.
    pub(super) async fn write<T: Send + 'static, E: Into<StoreError>>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<T, E> + Send + 'static,
    ) -> StoreResult<T> {
        let inner = self.inner.clone();
        run_blocking(move |gone| {
            let mut conn = inner
                .writer
                .try_lock_for(inner.busy)
                .ok_or(StoreError::Busy)?;
            // A caller that gave up (the breaker's call timeout) was told the write failed: it
            // must not happen later behind its back.
            gone.check()?;
            let _active = ActiveGuard::new(&inner.active);
            f(&mut conn).map_err(Into::into)
        })
        .await
    }
}

/// Set when the async caller of a blocking database call stops waiting (its future was
/// dropped, e.g. by the breaker's call timeout), so queued work is skipped instead of run late.
#[derive(Clone, Default)]
struct Abandoned(Arc<AtomicBool>);

impl Abandoned {
    fn check(&self) -> StoreResult<()> {
        if self.0.load(Ordering::Acquire) {
            Err(StoreError::Timeout)
        } else {
            Ok(())
        }
    }
}

/// Marks the call abandoned when dropped; dropped after completion too, which is harmless.
struct AbandonOnDrop(Abandoned);

impl Drop for AbandonOnDrop {
    fn drop(&mut self) {
        (self.0).0.store(true, Ordering::Release);
    }
}

async fn run_blocking<T: Send + 'static>(
    f: impl FnOnce(Abandoned) -> StoreResult<T> + Send + 'static,
) -> StoreResult<T> {
    let gone = Abandoned::default();
    let _guard = AbandonOnDrop(gone.clone());
    tokio::task::spawn_blocking(move || f(gone))
        .await
        .map_err(|e| StoreError::Other(format!("database task failed: {e}")))?
}

/// Counts a connection as active for as long as it is held.
struct ActiveGuard<'a>(&'a AtomicU32);

impl<'a> ActiveGuard<'a> {
    fn new(counter: &'a AtomicU32) -> Self {
        counter.fetch_add(1, Ordering::Relaxed);
        ActiveGuard(counter)
    }
}

impl Drop for ActiveGuard<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

fn user_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<User> {
    Ok(User {
        id: r.get(0)?,
        username: r.get(1)?,
        password_hash: r.get(2)?,
        must_change_password: r.get::<_, i64>(3)? != 0,
    })
}

const USER_COLS: &str = "id, username, password_hash, must_change_password";

#[async_trait]
impl Store for SqliteStore {
    /// Checks the write path, not just `SELECT 1`: in WAL mode a read succeeds while another
    /// process holds the write lock, so a read-only probe would close the database breaker on its
    /// half-open trial although every write still fails. Taking and releasing the write lock
    /// (`BEGIN IMMEDIATE; ROLLBACK`, bounded by `busy_timeout`) writes nothing.
    async fn ping(&self) -> StoreResult<()> {
        self.write(|c| {
            c.execute_batch("BEGIN IMMEDIATE")?;
            c.execute_batch("ROLLBACK")
        })
        .await
    }

    async fn integrity_check(&self) -> StoreResult<String> {
        self.read(|c| c.query_row("PRAGMA integrity_check", [], |r| r.get(0)))
            .await
    }

    async fn schema_version(&self) -> StoreResult<i64> {
        let inner = self.inner.clone();
        run_blocking(move |_| {
            let conn = inner.readers[0]
                .try_lock_for(inner.busy)
                .ok_or(StoreError::Busy)?;
            current_version(&conn)
        })
        .await
    }

    fn pool_status(&self) -> PoolStatus {
        let total = self.inner.readers.len() as u32 + 1;
        let active = self.inner.active.load(Ordering::Relaxed).min(total);
        PoolStatus {
            active,
            idle: total - active,
        }
    }

    async fn user_count(&self) -> StoreResult<u64> {
        self.read(|c| c.query_row("SELECT COUNT(*) FROM users", [], |r| r.get::<_, i64>(0)))
            .await
            .map(|n| n as u64)
    }

    async fn user_by_name(&self, username: &str) -> StoreResult<Option<User>> {
        let username = username.to_string();
        self.read(move |c| {
            c.query_row(
                &format!("SELECT {USER_COLS} FROM users WHERE username = ?1"),
                [username],
                user_from_row,
            )
            .optional()
        })
        .await
    }

    async fn user_by_id(&self, id: i64) -> StoreResult<Option<User>> {
        self.read(move |c| {
            c.query_row(
                &format!("SELECT {USER_COLS} FROM users WHERE id = ?1"),
                [id],
                user_from_row,
            )
            .optional()
        })
        .await
    }

    async fn set_password(
        &self,
        username: &str,
        password_hash: &str,
        must_change: bool,
    ) -> StoreResult<()> {
        let (u, h) = (username.to_string(), password_hash.to_string());
        self.write(move |c| {
            let now = Utc::now().to_rfc3339();
            let tx = c.transaction()?;
            tx.execute(
                "INSERT INTO users (username, password_hash, must_change_password, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?4)
                 ON CONFLICT(username) DO UPDATE SET password_hash = excluded.password_hash,
                   must_change_password = excluded.must_change_password, updated_at = excluded.updated_at",
                params![u, h, must_change as i64, now],
            )?;
            // A new password ends every existing session of that user.
            tx.execute(
                "DELETE FROM sessions WHERE user_id = (SELECT id FROM users WHERE username = ?1)",
                [&u],
            )?;
            tx.commit()
        })
        .await
    }

    async fn create_session(&self, s: &Session) -> StoreResult<()> {
        let s = s.clone();
        self.write(move |c| {
            c.execute(
                "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?1, ?2, ?3, ?4)",
                params![s.token_hash, s.user_id, Utc::now().to_rfc3339(), s.expires_at.to_rfc3339()],
            )
            .map(|_| ())
        })
        .await
    }

    async fn session(&self, token_hash: &str) -> StoreResult<Option<Session>> {
        let t = token_hash.to_string();
        self.read(move |c| {
            c.query_row(
                "SELECT token_hash, user_id, expires_at FROM sessions WHERE token_hash = ?1",
                [t],
                |r| {
                    let exp: String = r.get(2)?;
                    Ok(Session {
                        token_hash: r.get(0)?,
                        user_id: r.get(1)?,
                        expires_at: DateTime::parse_from_rfc3339(&exp)
                            .map(|d| d.with_timezone(&Utc))
                            .unwrap_or_default(),
                    })
                },
            )
            .optional()
        })
        .await
    }

    async fn delete_session(&self, token_hash: &str) -> StoreResult<()> {
        let t = token_hash.to_string();
        self.write(move |c| {
            c.execute("DELETE FROM sessions WHERE token_hash = ?1", [t])
                .map(|_| ())
        })
        .await
    }

    async fn purge_expired_sessions(&self, now: DateTime<Utc>) -> StoreResult<u64> {
        self.write(move |c| {
            c.execute(
                "DELETE FROM sessions WHERE expires_at < ?1",
                [now.to_rfc3339()],
            )
            .map(|n| n as u64)
        })
        .await
    }

    async fn append_breaker_event(&self, e: &StoredEvent) -> StoreResult<()> {
        let e = e.clone();
        self.write(move |c| {
            c.execute(
                "INSERT INTO breaker_events (service, from_state, to_state, reason, at) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![e.service, e.from, e.to, e.reason, e.at],
            )?;
            // Keep the table bounded: the newest 10,000 transitions are plenty of history.
            c.execute(
                "DELETE FROM breaker_events WHERE id <= (SELECT MAX(id) FROM breaker_events) - 10000",
                [],
            )
            .map(|_| ())
        })
        .await
    }

    async fn breaker_events(&self, limit: u32) -> StoreResult<Vec<StoredEvent>> {
        self.read(move |c| {
            let mut st = c.prepare(
                "SELECT service, from_state, to_state, reason, at FROM breaker_events ORDER BY id DESC LIMIT ?1",
            )?;
            let rows = st.query_map([limit], |r| {
                Ok(StoredEvent {
                    service: r.get(0)?,
                    from: r.get(1)?,
                    to: r.get(2)?,
                    reason: r.get(3)?,
                    at: r.get(4)?,
                })
            })?;
            rows.collect()
        })
        .await
    }
}

#[cfg(test)]
mod tests;
