//! Removing items from the download queue (Radarr's `DELETE /queue/{id}` and `/queue/bulk`),
//! what unpackerr and the mobile apps call to clean up stuck downloads.
//!
//! Order, so nothing is half-done when qBittorrent is down: every id is resolved first (one
//! unknown id refuses the whole request); then the torrents are deleted from qBittorrent through
//! its breaker (a refusal or timeout is a 503 naming `qbittorrent`, and nothing else happens);
//! then waiting grabs leave the retry journal; only then are the releases blocklisted, each with
//! Radarr's `downloadFailed` history event. A database failure after a successful removal is
//! answered as such, and the message says the torrents are already gone. With
//! `removeFromClient=false` qBittorrent is not called: reelarr stops tracking the torrent (it
//! leaves the queue and is never imported) and records Radarr's `downloadIgnored`, which keeps
//! it ignored after a restart.

use super::{LibraryService, Result, ServiceError};
use crate::domain::history::HistoryEventType;
use crate::domain::movie::BlocklistEntry;
use crate::domain::parser::parse_title;
use crate::services::downloads::DownloadError;
use crate::store::NewHistory;
use chrono::Utc;
use serde_json::json;

/// What a queue removal does besides taking the item off the queue.
#[derive(Clone, Copy, Debug)]
pub struct QueueRemoval {
    /// Delete the torrent (and its data) from qBittorrent; Radarr's default is `true`.
    pub remove_from_client: bool,
    /// Never grab this release again; Radarr's default is `false`.
    pub blocklist: bool,
}

/// The message a manual blocklisting carries (Radarr's wording).
const MANUAL: &str = "Manually marked as failed";

/// A tracked torrent's queue id: the first 48 bits of its info-hash, so it is stable across
/// polls and restarts and never collides with a journal id (small numbers).
pub fn queue_id(hash: &str) -> i64 {
    i64::from_str_radix(hash.get(..12).unwrap_or("0"), 16).unwrap_or(0)
}

/// One resolved queue item.
struct Item {
    hash: String,
    title: String,
    movie_id: Option<i64>,
    /// `true` when qBittorrent has it, `false` for a grab still in the journal.
    in_client: bool,
}

/// A qBittorrent failure as the library reports it: unavailable (503) unless it is the
/// journal's own problem.
pub(super) fn client_error(e: DownloadError) -> ServiceError {
    match e {
        DownloadError::Unavailable(r) => ServiceError::Unavailable {
            service: "qbittorrent",
            retry_after_seconds: r.retry_after.as_secs().max(1),
            detail: format!("{} breaker is {:?}", r.service, r.state),
        },
        DownloadError::DiskFull(j) => ServiceError::DiskFull {
            what: "the qBittorrent retry journal",
            detail: j.to_string(),
        },
        DownloadError::Journal(j) => ServiceError::Internal {
            context: "using the qBittorrent retry journal",
            detail: j.to_string(),
        },
        other => ServiceError::Unavailable {
            service: "qbittorrent",
            retry_after_seconds: 5,
            detail: other.to_string(),
        },
    }
}

/// Radarr's `downloadIgnored` event: the item left the queue but not the download client.
fn ignored_event(i: &Item, movie_id: Option<i64>) -> NewHistory {
    NewHistory {
        movie_id,
        event_type: HistoryEventType::DownloadIgnored.as_str().into(),
        source_title: i.title.clone(),
        quality: serde_json::to_value(parse_title(&i.title).quality_model()).unwrap_or_default(),
        download_id: Some(i.hash.to_uppercase()),
        data: json!({"downloadClient": "qBittorrent", "message": "Removed from the queue; left in qBittorrent"}),
    }
}

impl LibraryService {
    /// Removes queue items `ids` (see the module doc for the order); returns how many.
    pub async fn remove_from_queue(&self, ids: &[i64], how: QueueRemoval) -> Result<usize> {
        let view = self.queue().await?;
        let mut items = Vec::new();
        for &id in ids {
            let item = if let Some(t) = view.tracked.iter().find(|t| queue_id(&t.status.hash) == id)
            {
                Item {
                    hash: t.status.hash.clone(),
                    title: t.status.name.clone(),
                    movie_id: t.status.movie_id,
                    in_client: true,
                }
            } else if let Some(e) = view.waiting.iter().find(|e| e.id == id) {
                Item {
                    hash: e.info_hash.clone(),
                    title: e
                        .payload
                        .title
                        .clone()
                        .unwrap_or_else(|| e.payload.summary()),
                    movie_id: e.payload.movie_id,
                    in_client: false,
                }
            } else {
                return Err(ServiceError::NotFound(format!("no queue item {id}")));
            };
            if !items.iter().any(|i: &Item| i.hash == item.hash) {
                items.push(item);
            }
        }
        let hashes = |in_client: bool| -> Vec<String> {
            items
                .iter()
                .filter(|i| i.in_client == in_client)
                .map(|i| i.hash.clone())
                .collect()
        };
        if how.remove_from_client {
            let torrents = hashes(true);
            self.downloads
                .remove(&torrents, true)
                .await
                .map_err(client_error)?;
            self.tracker.forget(&torrents);
        } else {
            // Radarr's "stop tracking": the torrent stays in qBittorrent, untouched.
            self.tracker.ignore(&hashes(true));
            for i in items.iter().filter(|i| i.in_client) {
                let movie_id = match i.movie_id {
                    Some(id) => self.store.movie(id).await?.map(|m| m.id),
                    None => None,
                };
                self.store.add_history(&ignored_event(i, movie_id)).await?;
            }
        }
        self.downloads
            .forget(&hashes(false))
            .await
            .map_err(client_error)?;
        if how.blocklist {
            for i in &items {
                self.blocklist_item(i).await?;
            }
        }
        Ok(items.len())
    }

    /// Blocklists one removed item and records Radarr's `downloadFailed` event. A grab whose
    /// movie has been deleted since is blocklisted without one (no dangling reference).
    async fn blocklist_item(&self, i: &Item) -> Result<()> {
        let movie_id = match i.movie_id {
            Some(id) => self.store.movie(id).await?.map(|m| m.id),
            None => None,
        };
        let quality = serde_json::to_value(parse_title(&i.title).quality_model())
            .unwrap_or_else(|_| json!({}));
        self.store
            .add_blocklist(&BlocklistEntry {
                id: 0,
                movie_id,
                source_title: i.title.clone(),
                guid: None,
                info_hash: Some(i.hash.to_ascii_lowercase()),
                reason: MANUAL.into(),
                date: Utc::now(),
            })
            .await?;
        self.store
            .add_history(&NewHistory {
                movie_id,
                event_type: HistoryEventType::DownloadFailed.as_str().into(),
                source_title: i.title.clone(),
                quality,
                download_id: Some(i.hash.to_uppercase()),
                data: json!({
                    "downloadClient": "qBittorrent",
                    "protocol": "torrent",
                    "message": MANUAL,
                    "reason": "Manual",
                }),
            })
            .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn queue_ids_come_from_the_hash() {
        assert_eq!(super::queue_id("00000000000a1234"), 10);
        assert_eq!(super::queue_id("short"), 0);
        assert_eq!(super::queue_id("ffffffffffff"), 0xffff_ffff_ffff);
    }
}
