//! The download service's public types: settings, grabs, outcomes, errors, tracked status.

use std::time::Duration;

use serde::Serialize;

use crate::breaker::{CallError, Rejected};
use crate::clients::http::HttpError;
use crate::clients::qbittorrent::{AddSource, TorrentInfo};
use crate::journal::JournalError;

/// Tunables of the download service; defaults suit production, tests shrink the times.
#[derive(Clone, Debug)]
pub struct DownloadSettings {
    /// qBittorrent category for our torrents (how tracking finds them).
    pub category: String,
    /// Counted failures after which an operation is dead-lettered.
    pub max_attempts: u32,
    /// Back-off after the first counted failure; doubles per failure.
    pub base_backoff: Duration,
    /// Cap of the per-operation back-off.
    pub max_backoff: Duration,
    /// How often the replayer re-checks a breaker that refuses calls.
    pub poll_interval: Duration,
    /// Longest replayer sleep when nothing is due (a safety net; enqueues wake it anyway).
    pub idle_interval: Duration,
    /// Operations read from the journal per drain round.
    pub batch_size: usize,
    /// Re-sends of a grab qBittorrent forgot after accepting it, before it is dead-lettered.
    pub max_resends: u32,
    /// How long after a send a listing in qBittorrent first counts as "seen" (qBittorrent has
    /// saved it by then) and an absence as "lost"; two successful polls are needed as well.
    pub reconcile_grace: Duration,
    /// How long a sent grab waits to be seen before reconciliation stops watching it.
    pub verify_window: Duration,
}

impl Default for DownloadSettings {
    fn default() -> Self {
        Self {
            category: "reelarr".into(),
            max_attempts: 10,
            base_backoff: Duration::from_secs(5),
            max_backoff: Duration::from_secs(600),
            poll_interval: Duration::from_millis(500),
            idle_interval: Duration::from_secs(30),
            batch_size: 50,
            max_resends: 3,
            reconcile_grace: Duration::from_secs(10),
            verify_window: crate::journal::DEFAULT_VERIFY_WINDOW,
        }
    }
}

/// One release to send to qBittorrent, as the grab step hands it over.
#[derive(Clone, Debug)]
pub struct Grab {
    /// Magnet, URL or file.
    pub source: AddSource,
    /// The info-hash when known from the indexer; required to make URL grabs idempotent
    /// (magnets and files have theirs computed).
    pub info_hash: Option<String>,
    /// Release title, for the queue listing.
    pub title: Option<String>,
    /// The movie the grab is for.
    pub movie_id: Option<i64>,
    /// Extra qBittorrent tags.
    pub tags: Vec<String>,
    /// Save path override.
    pub save_path: Option<String>,
    /// Add paused.
    pub paused: bool,
}

impl Grab {
    /// A grab with default options for `source`.
    pub fn new(source: AddSource) -> Self {
        Grab {
            source,
            info_hash: None,
            title: None,
            movie_id: None,
            tags: Vec::new(),
            save_path: None,
            paused: false,
        }
    }

    /// A grab of a `magnet:?` link.
    pub fn magnet(link: String) -> Self {
        Self::new(AddSource::Magnet(link))
    }

    /// A grab of a .torrent URL (kept secret: indexer URLs carry passkeys).
    pub fn url(url: String) -> Self {
        Self::new(AddSource::Url(crate::config::Secret::new(url)))
    }

    /// A grab of an uploaded .torrent file.
    pub fn torrent_file(name: String, bytes: Vec<u8>) -> Self {
        Self::new(AddSource::TorrentFile { name, bytes })
    }
}

/// What became of a submitted grab; the API maps `Sent` to 201 and `Queued` to 202.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SubmitOutcome {
    /// qBittorrent has it (just added, already there, or sent moments ago by an earlier grab
    /// of the same torrent: that operation's id, nothing sent again).
    Sent {
        /// Journal id.
        id: i64,
    },
    /// Journaled; the replayer will send it (breaker open, or the attempt failed).
    Queued {
        /// Journal id (`/api/v1/retry-queue/{id}`).
        id: i64,
        /// Why it was not sent now.
        reason: String,
    },
    /// The same torrent is already queued; nothing new was recorded.
    Duplicate {
        /// The existing journal id.
        id: i64,
    },
    /// qBittorrent refused it for good (e.g. invalid .torrent); dead-lettered.
    Rejected {
        /// Journal id.
        id: i64,
        /// qBittorrent's reason.
        reason: String,
    },
}

/// Why a grab or a poll could not be handled.
#[derive(Debug, thiserror::Error)]
pub enum DownloadError {
    /// The grab itself is malformed (magnet without btih, broken .torrent); a 400.
    #[error("invalid grab: {0}")]
    Invalid(String),
    /// The journal could not record it; nothing was sent.
    #[error(transparent)]
    Journal(JournalError),
    /// The disk holding the journal is full: nothing was recorded or sent (a 507).
    #[error(transparent)]
    DiskFull(JournalError),
    /// The breaker refused the call.
    #[error(transparent)]
    Unavailable(Rejected),
    /// The call exceeded the breaker's deadline.
    #[error("qbittorrent: call timed out")]
    Timeout,
    /// qBittorrent failed.
    #[error(transparent)]
    Client(HttpError),
}

/// A full disk is told apart from other journal failures, so the API can say what to do.
impl From<JournalError> for DownloadError {
    fn from(e: JournalError) -> Self {
        match e {
            JournalError::DiskFull(_) => DownloadError::DiskFull(e),
            other => DownloadError::Journal(other),
        }
    }
}

impl From<CallError<HttpError>> for DownloadError {
    fn from(e: CallError<HttpError>) -> Self {
        match e {
            CallError::Open(r) => DownloadError::Unavailable(r),
            CallError::Timeout => DownloadError::Timeout,
            CallError::Inner(e) => DownloadError::Client(e),
        }
    }
}

/// A torrent's state as the Radarr queue shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DownloadState {
    /// Transferring (or fetching metadata, checking, moving).
    Downloading,
    /// All data present (seeding or stopped after completion).
    Completed,
    /// Paused before completion.
    Paused,
    /// Waiting in qBittorrent's queue.
    Queued,
    /// Error or missing files.
    Failed,
    /// No peers to download from.
    Stalled,
}

impl DownloadState {
    /// Maps qBittorrent's state string (unknown ones count as downloading).
    pub fn from_qbittorrent(state: &str) -> Self {
        match state {
            "uploading" | "stalledUP" | "pausedUP" | "queuedUP" | "forcedUP" | "checkingUP" => {
                DownloadState::Completed
            }
            "pausedDL" => DownloadState::Paused,
            "queuedDL" => DownloadState::Queued,
            "error" | "missingFiles" => DownloadState::Failed,
            "stalledDL" => DownloadState::Stalled,
            _ => DownloadState::Downloading,
        }
    }
}

/// One of our torrents as tracking sees it; feeds `/api/v3/queue` and the import step.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DownloadStatus {
    /// Info-hash (lowercase hex).
    pub hash: String,
    /// Torrent name.
    pub name: String,
    /// The movie it was grabbed for, from the journal.
    pub movie_id: Option<i64>,
    /// Mapped state.
    pub state: DownloadState,
    /// qBittorrent's own state string.
    pub client_state: String,
    /// 0..=1.
    pub progress: f64,
    /// Total bytes.
    pub size: i64,
    /// Bytes left.
    pub sizeleft: i64,
    /// Seconds left, when qBittorrent knows.
    pub eta_seconds: Option<u64>,
    /// Save directory.
    pub save_path: String,
    /// File or root folder of the content.
    pub content_path: String,
}

impl DownloadStatus {
    pub(super) fn from_info(t: TorrentInfo, movie_id: Option<i64>) -> Self {
        let mut state = DownloadState::from_qbittorrent(&t.state);
        if t.progress >= 1.0 && !matches!(state, DownloadState::Failed) {
            state = DownloadState::Completed;
        }
        DownloadStatus {
            movie_id,
            state,
            progress: t.progress.clamp(0.0, 1.0),
            size: t.size,
            sizeleft: t.amount_left.max(0),
            // 8640000 (100 days) is qBittorrent's "infinity".
            eta_seconds: (0..8_640_000).contains(&t.eta).then_some(t.eta as u64),
            client_state: t.state,
            hash: t.hash,
            name: t.name,
            save_path: t.save_path,
            content_path: t.content_path,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_map_like_radarr_expects() {
        use DownloadState::*;
        for (q, want) in [
            ("downloading", Downloading),
            ("metaDL", Downloading),
            ("stalledDL", Stalled),
            ("pausedDL", Paused),
            ("queuedDL", Queued),
            ("uploading", Completed),
            ("pausedUP", Completed),
            ("error", Failed),
            ("missingFiles", Failed),
        ] {
            assert_eq!(DownloadState::from_qbittorrent(q), want, "{q}");
        }
        let t = TorrentInfo {
            hash: "h".into(),
            state: "pausedDL".into(),
            progress: 1.0,
            eta: 8_640_000,
            ..Default::default()
        };
        let d = DownloadStatus::from_info(t, Some(3));
        assert_eq!(
            (d.state, d.eta_seconds, d.movie_id),
            (Completed, None, Some(3))
        );
    }

    /// SQLite's `SQLITE_FULL` from the journal is a `DiskFull` grab error (answered 507);
    /// other SQLite failures stay journal errors.
    #[test]
    fn a_full_journal_disk_is_told_apart() {
        let sqlite = |code, msg: &str| {
            rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(code), Some(msg.into()))
        };
        let full = JournalError::from(sqlite(
            rusqlite::ffi::SQLITE_FULL,
            "database or disk is full",
        ));
        assert!(matches!(full, JournalError::DiskFull(_)), "{full:?}");
        assert!(matches!(
            DownloadError::from(full),
            DownloadError::DiskFull(JournalError::DiskFull(_))
        ));
        let other = JournalError::from(sqlite(rusqlite::ffi::SQLITE_CORRUPT, "malformed"));
        assert!(matches!(
            DownloadError::from(other),
            DownloadError::Journal(JournalError::Sqlite(_))
        ));
    }
}
