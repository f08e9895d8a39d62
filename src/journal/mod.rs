//! The durable qBittorrent retry journal: a local SQLite file (`<data-dir>/qbittorrent-journal.db`,
//! also when the main store is PostgreSQL) holding every download-client operation.
//!
//! Why: a grab must never be lost or sent twice — not while qBittorrent is down, not when
//! reelarr crashes. Every operation is committed here (WAL, `synchronous=FULL`) *before* any
//! network call; the replayer drains it in FIFO order; operations are keyed by info-hash so a
//! replay is idempotent. State machine:
//!
//! ```text
//! pending ──mark_in_flight──▶ in_flight ──mark_done──▶ done (awaiting) ──mark_seen──▶ done
//!    ▲  ▲                        │ │                    │ │
//!    │  └──mark_retry / release──┘ └──mark_dead──▶ dead │ └──give_up_lost──▶ dead
//!    └──────────────requeue_lost (qBittorrent forgot it)┘      dead ──retry_now──▶ pending
//! (open after a crash: in_flight ──▶ pending)
//! ```
//!
//! A sent operation *awaits* until download tracking sees qBittorrent list it (see `verify`);
//! while it awaits, a new grab of the same torrent joins it instead of sending it again.
//!
//! All SQLite work runs on the blocking pool; the API is async.

mod db;
mod endpoint;
mod migrate;
#[cfg(test)]
mod tests;
mod types;
mod verify;

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use parking_lot::Mutex;
use rusqlite::Connection;

pub use migrate::latest_version;
pub use types::{
    AddPayload, Enqueued, JournalEntry, NewOperation, OpKind, OpState, PayloadSource, TorrentBytes,
};

/// How long a sent operation waits to be seen in qBittorrent unless told otherwise (a day).
pub const DEFAULT_VERIFY_WINDOW: std::time::Duration = std::time::Duration::from_secs(24 * 3600);

/// The journal's file name inside the data directory.
pub const FILE_NAME: &str = "qbittorrent-journal.db";

/// Anything that went wrong with the journal file; the operation was not recorded.
#[derive(Debug, Clone, thiserror::Error)]
pub enum JournalError {
    /// SQLite reported an error.
    #[error("retry journal: {0}")]
    Sqlite(String),
    /// The disk holding the journal is full (`SQLITE_FULL`, `ENOSPC`); nothing was recorded.
    #[error("retry journal: the disk is full: {0}")]
    DiskFull(String),
    /// A stored row could not be decoded.
    #[error("retry journal: corrupt entry: {0}")]
    Corrupt(String),
    /// The file was written by a newer reelarr; refusing to guess its format.
    #[error("retry journal: schema version {found} is newer than supported {supported}")]
    TooNew {
        /// Version found in the file.
        found: i64,
        /// Newest version this build knows.
        supported: i64,
    },
    /// The request conflicts with the entry's state (e.g. retrying while another live
    /// operation for the same torrent exists).
    #[error("retry journal: {0}")]
    Conflict(String),
    /// The blocking task failed (panic or shutdown).
    #[error("retry journal: background task failed: {0}")]
    Task(String),
}

impl From<rusqlite::Error> for JournalError {
    fn from(e: rusqlite::Error) -> Self {
        db::classify(e)
    }
}

/// Result alias of the journal.
pub type JournalResult<T> = Result<T, JournalError>;

/// Handle on the journal file; clones share one connection (SQLite has one writer anyway).
#[derive(Clone)]
pub struct Journal {
    conn: Arc<Mutex<Connection>>,
    path: Arc<PathBuf>,
    recovered: usize,
}

impl fmt::Debug for Journal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Journal").field("path", &self.path).finish()
    }
}

impl Journal {
    /// Opens (creating and migrating) the journal at `path`, putting back to `pending` whatever
    /// a crash left `in_flight`.
    pub async fn open(path: impl Into<PathBuf>) -> JournalResult<Journal> {
        let path = path.into();
        tokio::task::spawn_blocking(move || Journal::open_blocking(&path))
            .await
            .map_err(|e| JournalError::Task(e.to_string()))?
    }

    /// Synchronous [`Journal::open`], for CLI tools and tests.
    pub fn open_blocking(path: &Path) -> JournalResult<Journal> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| JournalError::Sqlite(format!("{}: {e}", dir.display())))?;
        }
        let mut conn = db::connect(path)?;
        migrate::migrate(&mut conn)?;
        let recovered = db::recover(&conn, now_ms())?;
        if recovered > 0 {
            tracing::warn!(
                recovered,
                "retry journal: operations interrupted by a crash are pending again"
            );
        }
        Ok(Journal {
            conn: Arc::new(Mutex::new(conn)),
            path: Arc::new(path.to_path_buf()),
            recovered,
        })
    }

    /// Where the file lives.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// How many `in_flight` operations the open put back to `pending` (crash recovery).
    pub fn recovered_at_open(&self) -> usize {
        self.recovered
    }

    async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Connection) -> JournalResult<T> + Send + 'static,
    ) -> JournalResult<T> {
        let conn = self.conn.clone();
        tokio::task::spawn_blocking(move || f(&mut conn.lock()))
            .await
            .map_err(|e| JournalError::Task(e.to_string()))?
    }

    /// Records `op` durably (committed with a full sync before returning). If an operation of
    /// the same kind for the same info-hash is pending, in flight, or sent and not yet seen in
    /// qBittorrent, returns it instead (however many callers race).
    pub async fn enqueue(&self, op: NewOperation) -> JournalResult<Enqueued> {
        self.enqueue_within(op, DEFAULT_VERIFY_WINDOW).await
    }

    /// [`Journal::enqueue`] where a sent operation stops counting as "not yet seen" once it is
    /// older than `verify_window` (the download service's setting).
    pub async fn enqueue_within(
        &self,
        op: NewOperation,
        verify_window: std::time::Duration,
    ) -> JournalResult<Enqueued> {
        let now = now_ms();
        let window = i64::try_from(verify_window.as_millis()).unwrap_or(i64::MAX);
        self.run(move |c| db::enqueue(c, &op, now, now.saturating_sub(window)))
            .await
    }

    /// One entry by id, with its file bytes.
    pub async fn get(&self, id: i64) -> JournalResult<Option<JournalEntry>> {
        self.run(move |c| db::get(c, id)).await
    }

    /// Up to `limit` pending operations due at `now`, oldest first, with their file bytes.
    pub async fn due(&self, now: DateTime<Utc>, limit: usize) -> JournalResult<Vec<JournalEntry>> {
        let now = now.timestamp_millis();
        self.run(move |c| db::due(c, now, limit)).await
    }

    /// The earliest `next_attempt_at` among pending operations (when the replayer should wake).
    pub async fn next_due_at(&self) -> JournalResult<Option<DateTime<Utc>>> {
        self.run(|c| db::next_due(c).map(|o| o.map(from_ms))).await
    }

    /// Claims a pending operation for sending; false if it is not pending (someone else has it).
    pub async fn mark_in_flight(&self, id: i64) -> JournalResult<bool> {
        self.transition(
            id,
            &[OpState::Pending],
            OpState::InFlight,
            None,
            None,
            false,
        )
        .await
    }

    /// A failed attempt: counts it and schedules the next one.
    pub async fn mark_retry(
        &self,
        id: i64,
        error: impl Into<String>,
        next_attempt_at: DateTime<Utc>,
    ) -> JournalResult<bool> {
        let (e, next) = (error.into(), next_attempt_at.timestamp_millis());
        self.transition(
            id,
            &[OpState::InFlight, OpState::Pending],
            OpState::Pending,
            Some(e),
            Some(next),
            true,
        )
        .await
    }

    /// Puts a claimed operation back without counting an attempt (the breaker refused the
    /// call, or the failure was the service's outage rather than this operation's fault).
    pub async fn release(
        &self,
        id: i64,
        note: Option<String>,
        next_attempt_at: DateTime<Utc>,
    ) -> JournalResult<bool> {
        let next = next_attempt_at.timestamp_millis();
        self.transition(
            id,
            &[OpState::InFlight],
            OpState::Pending,
            note,
            Some(next),
            false,
        )
        .await
    }

    /// Gives up on an operation, keeping it (with `reason`) for the operator.
    pub async fn mark_dead(&self, id: i64, reason: impl Into<String>) -> JournalResult<bool> {
        let reason = reason.into();
        self.transition(
            id,
            &[OpState::InFlight, OpState::Pending],
            OpState::Dead,
            Some(reason),
            None,
            true,
        )
        .await
    }

    #[allow(clippy::too_many_arguments)]
    async fn transition(
        &self,
        id: i64,
        from: &'static [OpState],
        to: OpState,
        error: Option<String>,
        next: Option<i64>,
        count_attempt: bool,
    ) -> JournalResult<bool> {
        self.run(move |c| {
            db::transition(
                c,
                id,
                from,
                to,
                error.as_deref(),
                next,
                count_attempt,
                now_ms(),
            )
        })
        .await
    }

    /// Pending, in-flight and dead operations, oldest first, without file bytes; the
    /// `GET /api/v1/retry-queue` listing.
    pub async fn list(&self) -> JournalResult<Vec<JournalEntry>> {
        self.run(db::list).await
    }

    /// Makes a pending or dead operation due now (a dead one starts over with zero attempts).
    /// `None` when there is no such live or dead entry.
    pub async fn retry_now(&self, id: i64) -> JournalResult<Option<JournalEntry>> {
        self.run(move |c| db::retry_now(c, id, now_ms())).await
    }

    /// Removes an operation for good (the retry-queue API's DELETE); false if unknown.
    pub async fn delete(&self, id: i64) -> JournalResult<bool> {
        self.run(move |c| db::delete(c, id)).await
    }

    /// Operations not yet delivered (pending + in flight); the `reelarr_retry_queue_depth` gauge.
    pub async fn depth(&self) -> JournalResult<u64> {
        self.run(|c| db::count(c, "state IN ('pending', 'in_flight')"))
            .await
    }

    /// Dead-lettered operations waiting for an operator.
    pub async fn dead_count(&self) -> JournalResult<u64> {
        self.run(|c| db::count(c, "state = 'dead'")).await
    }

    /// Movie ids recorded with these info-hashes (any state), so download tracking can map
    /// qBittorrent's torrents back to movies.
    pub async fn movie_ids(&self, hashes: Vec<String>) -> JournalResult<HashMap<String, i64>> {
        self.run(move |c| db::movie_ids(c, &hashes)).await
    }

    /// Deletes `done` operations last changed before `before`; returns how many. Housekeeping.
    pub async fn purge_done(&self, before: DateTime<Utc>) -> JournalResult<usize> {
        let before = before.timestamp_millis();
        self.run(move |c| db::purge_done(c, before)).await
    }
}

fn now_ms() -> i64 {
    Utc::now().timestamp_millis()
}

fn from_ms(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}
