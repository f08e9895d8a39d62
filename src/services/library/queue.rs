//! The download queue as Radarr shows it: torrents tracked in qBittorrent (with the reason a
//! finished one could not be imported) plus grabs still waiting in the retry journal, or
//! dead-lettered there.

use super::{LibraryService, Result, ServiceError};
use crate::services::downloads::{DownloadStatus, JournalEntry};
use std::collections::HashSet;

/// A torrent qBittorrent has, and why its import failed when it did.
#[derive(Clone, Debug)]
pub struct TrackedDownload {
    pub status: DownloadStatus,
    pub import_error: Option<String>,
}

/// Everything in the queue, tracked torrents first.
#[derive(Clone, Debug, Default)]
pub struct QueueView {
    /// Set when qBittorrent could not be asked: what failed and how old the shown state is.
    pub stale_note: Option<String>,
    pub tracked: Vec<TrackedDownload>,
    /// Journal operations for torrents qBittorrent does not (yet) have.
    pub waiting: Vec<JournalEntry>,
}

impl LibraryService {
    /// The queue: the tracker's last snapshot plus the journal's waiting and dead operations.
    pub async fn queue(&self) -> Result<QueueView> {
        let snap = self.tracker.snapshot();
        let stale_note = snap.error.as_ref().map(|e| {
            format!(
                "qBittorrent unreachable ({e}); showing the state from {}",
                snap.at
                    .map(|t| t.to_rfc3339())
                    .unwrap_or_else(|| "never".into())
            )
        });
        let failures = self.automation.import_failures();
        let known: HashSet<&str> = snap.items.iter().map(|d| d.hash.as_str()).collect();
        let entries = self.downloads.operations().await.map_err(|e| {
            tracing::error!(error = %e, "retry journal unreadable");
            ServiceError::Internal {
                context: "reading the retry journal",
                detail: e.to_string(),
            }
        })?;
        let waiting = entries
            .into_iter()
            .filter(|e| !known.contains(e.info_hash.as_str()))
            .collect();
        let tracked = snap
            .items
            .iter()
            .map(|d| TrackedDownload {
                status: d.clone(),
                import_error: failures.get(&d.hash).map(|f| f.reason.clone()),
            })
            .collect();
        Ok(QueueView {
            stale_note,
            tracked,
            waiting,
        })
    }
}
