//! The journal's record types: what an operation is, where it is in its life, what it carries.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::config::Secret;

/// The kinds of operation the journal carries (only `add` today; deletes may follow).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OpKind {
    /// Add a torrent to qBittorrent.
    Add,
}

impl OpKind {
    /// The value stored in the `kind` column.
    pub fn as_str(self) -> &'static str {
        match self {
            OpKind::Add => "add",
        }
    }
}

/// Where an operation is in its life; serialized snake_case for the retry-queue API.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OpState {
    /// Waiting for its next attempt.
    Pending,
    /// Claimed by a sender right now (back to pending if reelarr crashes).
    InFlight,
    /// qBittorrent has it.
    Done,
    /// Given up on (permanent error or too many attempts); kept for the operator.
    Dead,
}

impl OpState {
    /// The value stored in the `state` column.
    pub fn as_str(self) -> &'static str {
        match self {
            OpState::Pending => "pending",
            OpState::InFlight => "in_flight",
            OpState::Done => "done",
            OpState::Dead => "dead",
        }
    }

    pub(super) fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "pending" => OpState::Pending,
            "in_flight" => OpState::InFlight,
            "done" => OpState::Done,
            "dead" => OpState::Dead,
            _ => return None,
        })
    }
}

/// How the torrent reaches qBittorrent, as stored (file bytes live in their own BLOB column).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum PayloadSource {
    /// A magnet link.
    Magnet {
        /// The full magnet URI.
        uri: String,
    },
    /// A .torrent URL (may embed a passkey; `Secret` keeps it out of logs).
    Url {
        /// The download URL.
        url: Secret,
    },
    /// An uploaded .torrent file; bytes in [`JournalEntry::torrent`].
    TorrentFile {
        /// The file name to upload under.
        name: String,
    },
}

/// Everything needed to replay an add exactly as it was requested.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddPayload {
    /// Magnet, URL or file.
    pub source: PayloadSource,
    /// qBittorrent category.
    #[serde(default)]
    pub category: Option<String>,
    /// qBittorrent tags.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Save path override.
    #[serde(default)]
    pub save_path: Option<String>,
    /// Add paused.
    #[serde(default)]
    pub paused: bool,
    /// The movie this grab is for, so tracking can map the torrent back.
    #[serde(default)]
    pub movie_id: Option<i64>,
    /// Release title, for humans reading the queue.
    #[serde(default)]
    pub title: Option<String>,
}

impl AddPayload {
    /// A one-line description safe to show in the API (no URL, no passkey).
    pub fn summary(&self) -> String {
        let what = match &self.source {
            PayloadSource::Magnet { .. } => "magnet".to_string(),
            PayloadSource::Url { .. } => "torrent URL".to_string(),
            PayloadSource::TorrentFile { name } => format!("torrent file {name}"),
        };
        match &self.title {
            Some(t) => format!("{t} ({what})"),
            None => what,
        }
    }
}

/// Raw .torrent bytes; its `Debug` prints only the length.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct TorrentBytes(pub Vec<u8>);

impl fmt::Debug for TorrentBytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<{} bytes>", self.0.len())
    }
}

/// An operation to record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewOperation {
    /// What to do.
    pub kind: OpKind,
    /// Lowercase hex info-hash (or another stable key when unknown, e.g. `url:<sha256>`).
    pub info_hash: String,
    /// How to do it.
    pub payload: AddPayload,
    /// File bytes for [`PayloadSource::TorrentFile`].
    pub torrent: Option<TorrentBytes>,
}

/// One stored operation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JournalEntry {
    /// Stable id (the retry-queue API's `{id}`); also the FIFO order.
    pub id: i64,
    /// What to do.
    pub kind: OpKind,
    /// The idempotency key.
    pub info_hash: String,
    /// How to do it.
    pub payload: AddPayload,
    /// File bytes (loaded by [`Journal::due`] and [`Journal::get`], not by [`Journal::list`]).
    pub torrent: Option<TorrentBytes>,
    /// Life-cycle state.
    pub state: OpState,
    /// Failed attempts so far.
    pub attempts: u32,
    /// Not attempted again before this instant.
    pub next_attempt_at: DateTime<Utc>,
    /// Why the last attempt failed (or why it is dead).
    pub last_error: Option<String>,
    /// When it was journaled.
    pub created_at: DateTime<Utc>,
    /// Last state change.
    pub updated_at: DateTime<Utc>,
    /// When qBittorrent last accepted it (`done`), for reconciliation.
    pub sent_at: Option<DateTime<Utc>>,
    /// When download tracking first saw qBittorrent list it after that send.
    pub seen_at: Option<DateTime<Utc>>,
    /// Sent, but not yet seen in qBittorrent: reconciliation may still re-send it.
    pub awaiting: bool,
    /// Times it was re-sent because qBittorrent forgot it after accepting it.
    pub resends: u32,
    /// The download client (its id) this operation was last sent to: the one that has it once
    /// `done`, the one a send of unknown outcome must be settled on while `pending`; `None`
    /// when never sent (or sent before failover endpoints existed: the primary's).
    pub endpoint: Option<i64>,
}

/// What [`Journal::enqueue`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Enqueued {
    /// The new entry, or the live one that already existed for the same torrent.
    pub entry: JournalEntry,
    /// False when an existing pending / in-flight entry was returned instead.
    pub created: bool,
}
