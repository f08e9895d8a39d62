//! Reconciliation of sent grabs with what qBittorrent lists. Why: qBittorrent can answer "Ok."
//! to an add and then forget the torrent (killed before it saved its resume data); the journal
//! still holds the grab, so it is sent again instead of being lost without a trace.
//!
//! The rule: a grab qBittorrent accepted *awaits* until a poll of our category lists it at
//! least `reconcile_grace` after the send (then it is "seen"). An awaiting grab absent from two
//! successful polls in a row that both started after the send (a failed poll starts the count
//! again, so qBittorrent coming back from an outage gets the same grace), absent for at least
//! `reconcile_grace`, and not found by its hash in any category, was forgotten: it goes back
//! to `pending` and the replayer re-sends it, idempotently (presence is checked first, and
//! "already present" counts as success). After `max_resends` it is dead-lettered with the
//! reason. A grab seen once and gone later was removed on purpose (by the user or another
//! tool) and is never re-sent.
//!
//! With failover endpoints each endpoint is reconciled on its own polls, for the grabs the
//! journal says it took (those sent before the journal recorded endpoints are the primary's).

use std::collections::HashSet;
use std::sync::atomic::Ordering;

use chrono::{DateTime, Utc};

use super::{DownloadError, Downloads, Endpoint};

/// A grab qBittorrent forgot after accepting it, and what reconciliation did about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LostGrab {
    /// Journal id.
    pub id: i64,
    /// Info-hash (lowercase hex).
    pub info_hash: String,
    /// Release title, when the grab had one.
    pub title: Option<String>,
    /// The movie it was grabbed for.
    pub movie_id: Option<i64>,
    /// Re-sends including this one.
    pub resends: u32,
    /// `Some(reason)` when it was dead-lettered instead of re-sent.
    pub gave_up: Option<String>,
}

impl Downloads {
    /// One reconciliation round after a successful poll that started at `polled_at` and listed
    /// `listed` (our category's hashes). `grace_since` is the start of the older of the last
    /// two successful polls in an unbroken run, `None` while there are fewer than two.
    pub async fn reconcile(
        &self,
        listed: Vec<String>,
        polled_at: DateTime<Utc>,
        grace_since: Option<DateTime<Utc>>,
    ) -> Result<Vec<LostGrab>, DownloadError> {
        let primary = self.primary();
        self.reconcile_on(&primary, listed, polled_at, grace_since)
            .await
    }

    /// [`Downloads::reconcile`] for endpoint `ep`'s poll: only the grabs it took are judged,
    /// and only it is asked about them.
    pub async fn reconcile_on(
        &self,
        ep: &Endpoint,
        listed: Vec<String>,
        polled_at: DateTime<Utc>,
        grace_since: Option<DateTime<Utc>>,
    ) -> Result<Vec<LostGrab>, DownloadError> {
        let primary = self.primary().id;
        let (j, s) = (&self.inner.journal, &self.inner.settings);
        let grace = chrono::Duration::from_std(s.reconcile_grace).unwrap_or_default();
        let settled = polled_at - grace;
        j.mark_seen(listed.clone(), settled).await?;
        let cutoff = chrono::Duration::from_std(s.verify_window)
            .ok()
            .and_then(|w| Utc::now().checked_sub_signed(w));
        let expired = match cutoff {
            Some(before) => j.expire_awaiting(before).await?,
            None => 0,
        };
        if expired > 0 {
            tracing::info!(
                expired,
                "stopped waiting for sent grabs to show in qBittorrent (verification window over)"
            );
        }
        let Some(since) = grace_since else {
            return Ok(Vec::new());
        };
        let listed: HashSet<String> = listed.into_iter().map(|h| h.to_ascii_lowercase()).collect();
        let suspects: Vec<_> = j
            .awaiting(since.min(settled))
            .await?
            .into_iter()
            .filter(|e| !listed.contains(&e.info_hash))
            .filter(|e| e.endpoint.unwrap_or(primary) == ep.id)
            .collect();
        if suspects.is_empty() {
            return Ok(Vec::new());
        }
        // Another category (the user had it already) counts as present.
        let hashes: Vec<String> = suspects.iter().map(|e| e.info_hash.clone()).collect();
        let client = ep.choice.client.clone();
        let found: HashSet<String> = ep
            .breaker
            .call(client.torrents(None, &hashes))
            .await?
            .into_iter()
            .map(|t| t.hash.to_ascii_lowercase())
            .collect();
        j.mark_seen(found.iter().cloned().collect(), since.min(settled))
            .await?;
        let mut lost = Vec::new();
        for e in suspects
            .into_iter()
            .filter(|e| !found.contains(&e.info_hash))
        {
            let name = e
                .payload
                .title
                .clone()
                .unwrap_or_else(|| e.info_hash.clone());
            let mut n = e.resends + 1;
            let gave_up = if e.resends >= s.max_resends {
                n = e.resends;
                let reason = format!(
                    "qBittorrent forgot this torrent after accepting it {} times; not re-sent again",
                    n + 1
                );
                if !j.give_up_lost(e.id, reason.clone()).await? {
                    continue;
                }
                tracing::warn!(id = e.id, hash = %e.info_hash, torrent = %name, %reason, "dead-lettered a grab qBittorrent keeps forgetting");
                Some(reason)
            } else {
                let note = format!(
                    "qBittorrent forgot it after accepting it; re-send {n} of {}",
                    s.max_resends
                );
                if !j.requeue_lost(e.id, note).await? {
                    continue;
                }
                self.inner.resent.fetch_add(1, Ordering::Relaxed);
                tracing::warn!(id = e.id, hash = %e.info_hash, torrent = %name, resend = n, max = s.max_resends, "qBittorrent forgot a grab it had accepted; re-sending it");
                None
            };
            lost.push(LostGrab {
                id: e.id,
                info_hash: e.info_hash,
                title: e.payload.title,
                movie_id: e.payload.movie_id,
                resends: n,
                gave_up,
            });
        }
        if lost.iter().any(|l| l.gave_up.is_none()) {
            self.inner.wake.notify_one();
        }
        Ok(lost)
    }
}
