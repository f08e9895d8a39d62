//! Download tracking: polls qBittorrent for our category on an interval (through its breaker)
//! and keeps the last answer, so the queue API answers instantly and still shows the last known
//! state, marked as such, while qBittorrent is unreachable.

use super::downloads::{DownloadStatus, Downloads};
use chrono::{DateTime, Utc};
use parking_lot::Mutex;
use std::sync::Arc;
use std::time::Duration;

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
}

impl Tracker {
    /// The latest known state.
    pub fn snapshot(&self) -> Snapshot {
        self.latest.lock().clone()
    }

    /// Polls once and records the outcome.
    pub async fn poll_once(&self, downloads: &Downloads) {
        match downloads.poll().await {
            Ok(items) => {
                *self.latest.lock() = Snapshot {
                    at: Some(Utc::now()),
                    items,
                    error: None,
                };
            }
            Err(e) => self.latest.lock().error = Some(e.to_string()),
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
                me.poll_once(&downloads).await;
                tokio::time::sleep(interval).await;
            }
        })
    }
}
