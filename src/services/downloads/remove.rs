//! Removing torrents from qBittorrent (Radarr's `DELETE /queue/{id}?removeFromClient=true`).
//!
//! Why here: the delete goes to the endpoint that has the torrent (failover), through its
//! breaker with its timeout like every other call, and the journal must forget the removed torrents, or reconciliation would take a
//! removed-before-seen grab for one qBittorrent lost and send it again.

use chrono::Utc;

use super::{DownloadError, Downloads};

impl Downloads {
    /// Deletes `hashes` from qBittorrent (with their data when `delete_files`), then stops the
    /// journal from re-sending them. Nothing is changed in the journal when qBittorrent could
    /// not be asked (the error says why: breaker open, timeout, refusal).
    pub async fn remove(&self, hashes: &[String], delete_files: bool) -> Result<(), DownloadError> {
        if hashes.is_empty() {
            return Ok(());
        }
        // Each torrent is deleted on the endpoint that has it.
        for (ep, group) in self.owners(hashes).await? {
            let client = ep.choice.client.clone();
            ep.breaker.call(client.delete(&group, delete_files)).await?;
            self.forget(&group).await?;
        }
        Ok(())
    }

    /// Drops every journal operation for `hashes`: waiting and dead ones are deleted, sent ones
    /// stop awaiting their first sighting (their absence now means "removed on purpose").
    pub async fn forget(&self, hashes: &[String]) -> Result<(), DownloadError> {
        let j = &self.inner.journal;
        let lower: Vec<String> = hashes.iter().map(|h| h.to_ascii_lowercase()).collect();
        j.mark_seen(lower.clone(), Utc::now() + chrono::Duration::days(1))
            .await?;
        for e in j.list().await? {
            if lower.contains(&e.info_hash.to_ascii_lowercase()) {
                j.delete(e.id).await?;
            }
        }
        Ok(())
    }
}
