//! Download tracking: polls qBittorrent for our category on an interval (through its breaker)
//! and keeps the last answer, so the queue API answers instantly and still shows the last known
//! state, marked as such, while qBittorrent is unreachable. Every successful poll also
//! reconciles the journal's sent grabs with the list (see `downloads::reconcile`): a grab
//! qBittorrent forgot is re-sent, with a WARN log, a history event and a counter.

use super::downloads::{DownloadStatus, Downloads, LostGrab};
use crate::domain::history::HistoryEventType;
use crate::store::{NewHistory, Store};
use chrono::{DateTime, Utc};
use parking_lot::Mutex;
use serde_json::json;
use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

/// reelarr's own history event type for a grab re-sent after qBittorrent forgot it (shown by
/// `/api/v3/history` as Radarr's `unknown` with `data.reelarrEventType`).
pub const GRAB_RESENT: &str = "grabResent";

/// The latest view of our torrents.
#[derive(Clone, Debug, Default)]
pub struct Snapshot {
    /// When qBittorrent last answered.
    pub at: Option<DateTime<Utc>>,
    pub items: Vec<DownloadStatus>,
    /// Why the latest poll failed (breaker open, timeout, ...); `None` when it succeeded.
    pub error: Option<String>,
}

/// Holds the latest snapshot; cheap to share.
#[derive(Default)]
pub struct Tracker {
    latest: Mutex<Snapshot>,
    /// Start times of the last two successful polls in an unbroken run (a failed poll clears
    /// it): reconciliation's grace.
    streak: Mutex<VecDeque<DateTime<Utc>>>,
    /// Where re-sent grabs are recorded; `None` records nothing (tests without a library).
    history: Option<Arc<dyn Store>>,
}

impl Tracker {
    /// A tracker that records re-sent grabs in the library's history.
    pub fn with_history(store: Arc<dyn Store>) -> Self {
        Tracker {
            history: Some(store),
            ..Tracker::default()
        }
    }

    /// The latest known state.
    pub fn snapshot(&self) -> Snapshot {
        self.latest.lock().clone()
    }

    /// Drops `hashes` from the latest snapshot: they were just removed from qBittorrent, so the
    /// queue must not show them until the next poll.
    pub fn forget(&self, hashes: &[String]) {
        self.latest
            .lock()
            .items
            .retain(|i| !hashes.iter().any(|h| h.eq_ignore_ascii_case(&i.hash)));
    }

    /// Polls once, records the outcome and reconciles the journal's sent grabs with it.
    pub async fn poll_once(&self, downloads: &Downloads) {
        let started = Utc::now();
        match downloads.poll().await {
            Ok(items) => {
                let hashes = items.iter().map(|i| i.hash.clone()).collect();
                *self.latest.lock() = Snapshot {
                    at: Some(Utc::now()),
                    items,
                    error: None,
                };
                let grace_since = {
                    let mut s = self.streak.lock();
                    s.push_back(started);
                    while s.len() > 2 {
                        s.pop_front();
                    }
                    s.front().copied().filter(|_| s.len() == 2)
                };
                match downloads.reconcile(hashes, started, grace_since).await {
                    Ok(lost) => self.record(&lost).await,
                    Err(e) => {
                        tracing::warn!(error = %e, "could not reconcile sent grabs with qBittorrent")
                    }
                }
            }
            Err(e) => {
                self.streak.lock().clear();
                self.latest.lock().error = Some(e.to_string());
            }
        }
    }

    /// A history event per lost grab of a movie: `grabResent`, or `downloadFailed` when it was
    /// dead-lettered. A database outage only costs the event (the journal has the grab).
    async fn record(&self, lost: &[LostGrab]) {
        let Some(store) = &self.history else { return };
        for l in lost {
            let Some(movie_id) = l.movie_id else { continue };
            let (event_type, message) = match &l.gave_up {
                Some(reason) => (HistoryEventType::DownloadFailed.as_str(), reason.clone()),
                None => (
                    GRAB_RESENT,
                    format!(
                        "qBittorrent forgot the torrent after accepting it; re-sent (re-send {})",
                        l.resends
                    ),
                ),
            };
            let entry = NewHistory {
                movie_id: Some(movie_id),
                event_type: event_type.into(),
                source_title: l.title.clone().unwrap_or_else(|| l.info_hash.clone()),
                quality: json!({}),
                download_id: Some(l.info_hash.to_uppercase()),
                data: json!({
                    "downloadClient": "qBittorrent",
                    "protocol": "torrent",
                    "journalId": l.id.to_string(),
                    "resends": l.resends.to_string(),
                    "message": message,
                }),
            };
            if let Err(e) = store.add_history(&entry).await {
                tracing::warn!(movie_id, error = %e, "grab re-sent but its history was not recorded");
            }
        }
    }

    /// Polls every `interval` until the runtime stops.
    pub fn spawn(
        self: &Arc<Self>,
        downloads: Downloads,
        interval: Duration,
    ) -> tokio::task::JoinHandle<()> {
        let me = self.clone();
        tokio::spawn(async move {
            loop {
                // A download client added through the API later starts being tracked at once.
                if downloads.is_configured() {
                    me.poll_once(&downloads).await;
                }
                tokio::time::sleep(interval).await;
            }
        })
    }
}
