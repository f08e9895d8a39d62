//! Download tracking: polls qBittorrent for our category on an interval (through its breaker)
//! and keeps the last answer, so the queue API answers instantly and still shows the last known
//! state, marked as such, while qBittorrent is unreachable. Every successful poll also
//! reconciles the journal's sent grabs with the list (see `downloads::reconcile`): a grab
//! qBittorrent forgot is re-sent, with a WARN log, a history event and a counter.
//!
//! With failover endpoints (issue 17) every download client is polled through its own breaker;
//! the queue shows each one's last known list (one that cannot be reached keeps its last answer)
//! and each is reconciled on its own run of successful polls.

use super::downloads::{DownloadStatus, Downloads, LostGrab};
use crate::domain::history::HistoryEventType;
use crate::store::{HistoryQuery, NewHistory, Store};
use chrono::{DateTime, Utc};
use parking_lot::Mutex;
use serde_json::json;
use std::collections::{HashMap, HashSet, VecDeque};
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

/// One endpoint's last listed torrents and the start times of its latest successful polls.
type EndpointTrack = (Vec<DownloadStatus>, VecDeque<DateTime<Utc>>);

/// Holds the latest snapshot; cheap to share.
#[derive(Default)]
pub struct Tracker {
    latest: Mutex<Snapshot>,
    /// Per endpoint (download-client id): its last listed torrents, and the start times of its
    /// last two successful polls in an unbroken run (a failed poll clears them):
    /// reconciliation's grace.
    endpoints: Mutex<HashMap<i64, EndpointTrack>>,
    /// Where re-sent grabs are recorded; `None` records nothing (tests without a library).
    history: Option<Arc<dyn Store>>,
    /// Info-hashes (lower case) removed from the queue without removing them from qBittorrent
    /// (Radarr's `removeFromClient=false`): no longer tracked, shown or imported. Loaded from
    /// history's `downloadIgnored` events at the first poll (`None` until then).
    ignored: Mutex<Option<HashSet<String>>>,
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
        let gone = |i: &DownloadStatus| hashes.iter().any(|h| h.eq_ignore_ascii_case(&i.hash));
        self.latest.lock().items.retain(|i| !gone(i));
        for t in self.endpoints.lock().values_mut() {
            t.0.retain(|i| !gone(i));
        }
    }

    /// Stops tracking `hashes` (Radarr's `removeFromClient=false`): they leave the queue now
    /// and are left out of every later poll. The caller records `downloadIgnored` in history,
    /// which is what keeps them ignored after a restart.
    pub fn ignore(&self, hashes: &[String]) {
        self.ignored
            .lock()
            .get_or_insert_with(HashSet::new)
            .extend(hashes.iter().map(|h| h.to_ascii_lowercase()));
        self.forget(hashes);
    }

    /// The ignored hashes, read from history the first time (a failed read is tried again at
    /// the next poll; meanwhile only this run's are known).
    async fn ignored(&self) -> HashSet<String> {
        if let Some(set) = self.ignored.lock().clone() {
            return set;
        }
        let Some(store) = &self.history else {
            return HashSet::new();
        };
        let query = HistoryQuery {
            movie_ids: vec![],
            event_types: vec![HistoryEventType::DownloadIgnored.as_str().into()],
            download_id: None,
            ascending: false,
            page: 1,
            page_size: crate::domain::history::MAX_PAGE_SIZE,
        };
        match store.history_query(&query).await {
            Ok(page) => {
                let found = page
                    .records
                    .iter()
                    .filter_map(|h| h.download_id.as_ref().map(|d| d.to_ascii_lowercase()));
                let mut slot = self.ignored.lock();
                let set = slot.get_or_insert_with(HashSet::new);
                set.extend(found);
                set.clone()
            }
            Err(e) => {
                tracing::warn!(error = %e, "ignored downloads not read from history; retried at the next poll");
                HashSet::new()
            }
        }
    }

    /// Polls every endpoint once, records the outcome and reconciles the journal's sent grabs
    /// with each endpoint's list.
    pub async fn poll_once(&self, downloads: &Downloads) {
        let started = Utc::now();
        let polls = downloads.poll_each().await;
        let order: Vec<i64> = polls.iter().map(|p| p.endpoint.id).collect();
        let mut errors = Vec::new();
        let mut answered = Vec::new();
        for p in polls {
            match p.result {
                Ok(items) => answered.push((p.endpoint, items)),
                Err(e) => {
                    if let Some(t) = self.endpoints.lock().get_mut(&p.endpoint.id) {
                        t.1.clear();
                    }
                    errors.push(e.to_string());
                }
            }
        }
        let ignored = if answered.is_empty() {
            HashSet::new()
        } else {
            self.ignored().await
        };
        let mut work = Vec::new();
        {
            let mut eps = self.endpoints.lock();
            eps.retain(|id, _| order.contains(id));
            for (ep, items) in answered {
                // Reconciliation sees every torrent (an ignored grab is not a lost one).
                let hashes: Vec<String> = items.iter().map(|i| i.hash.clone()).collect();
                let t = eps.entry(ep.id).or_default();
                t.0 = items;
                t.0.retain(|i| !ignored.contains(&i.hash.to_ascii_lowercase()));
                t.1.push_back(started);
                while t.1.len() > 2 {
                    t.1.pop_front();
                }
                let grace_since = t.1.front().copied().filter(|_| t.1.len() == 2);
                work.push((ep, hashes, grace_since));
            }
            let mut latest = self.latest.lock();
            if !work.is_empty() {
                latest.at = Some(Utc::now());
            }
            latest.items = order
                .iter()
                .filter_map(|id| eps.get(id))
                .flat_map(|t| t.0.iter().cloned())
                .collect();
            latest.error = (!errors.is_empty()).then(|| errors.join("; "));
        }
        for (ep, hashes, grace_since) in work {
            match downloads
                .reconcile_on(&ep, hashes, started, grace_since)
                .await
            {
                Ok(lost) => self.record(&lost).await,
                Err(e) => {
                    tracing::warn!(error = %e, client = %ep.name, "could not reconcile sent grabs with qBittorrent")
                }
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
