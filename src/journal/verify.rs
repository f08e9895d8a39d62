//! Reconciliation bookkeeping: a sent grab (`done`) stays "awaiting" until download tracking sees
//! qBittorrent list it; one that never shows up is put back to `pending` (a re-send) or, after too
//! many re-sends, dead-lettered. Why here: qBittorrent killed right after acknowledging an add
//! forgets it, and only the journal still knows what was sent and how to send it again.

use chrono::{DateTime, Utc};
use rusqlite::{params, params_from_iter, Connection};

use super::db::{query, COLS_NO_BLOB};
use super::{now_ms, Journal, JournalEntry, JournalResult};

/// A 40-hex info-hash is what qBittorrent lists; URL grabs keyed `url:<sha256>` cannot be checked.
const CHECKABLE: &str = "length(info_hash) = 40 AND info_hash NOT GLOB '*[^0-9a-f]*'";

pub(super) fn mark_sent(c: &Connection, id: i64, now: i64) -> JournalResult<bool> {
    let sql = format!(
        "UPDATE operations SET state = 'done', sent_at = ?2, seen_at = NULL, \
         awaiting = CASE WHEN {CHECKABLE} THEN 1 ELSE 0 END, updated_at = ?2 \
         WHERE id = ?1 AND state IN ('in_flight', 'pending')"
    );
    Ok(c.execute(&sql, params![id, now])? == 1)
}

fn mark_seen(
    c: &mut Connection,
    hashes: &[String],
    sent_before: i64,
    now: i64,
) -> JournalResult<usize> {
    let tx = c.transaction()?;
    let mut n = 0;
    for chunk in hashes.chunks(500) {
        let marks = vec!["?"; chunk.len()].join(", ");
        let sql = format!(
            "UPDATE operations SET awaiting = 0, seen_at = {now} WHERE state = 'done' \
             AND awaiting = 1 AND sent_at <= {sent_before} AND info_hash IN ({marks})"
        );
        n += tx.execute(&sql, params_from_iter(chunk.iter()))?;
    }
    tx.commit()?;
    Ok(n)
}

fn awaiting(c: &Connection, sent_before: i64) -> JournalResult<Vec<JournalEntry>> {
    query(
        c,
        &format!(
            "SELECT {COLS_NO_BLOB} FROM operations WHERE state = 'done' AND awaiting = 1 \
             AND sent_at < ?1 ORDER BY id"
        ),
        [sent_before],
    )
}

impl Journal {
    /// qBittorrent has the torrent: the operation is finished, and awaits being seen listed.
    pub async fn mark_done(&self, id: i64) -> JournalResult<bool> {
        self.run(move |c| mark_sent(c, id, now_ms())).await
    }

    /// Tracking saw these torrents in qBittorrent: operations sent at or before `sent_before`
    /// stop awaiting (from now on their absence means the user removed them). Returns how many.
    pub async fn mark_seen(
        &self,
        hashes: Vec<String>,
        sent_before: DateTime<Utc>,
    ) -> JournalResult<usize> {
        let before = sent_before.timestamp_millis();
        let hashes: Vec<String> = hashes.iter().map(|h| h.to_ascii_lowercase()).collect();
        self.run(move |c| mark_seen(c, &hashes, before, now_ms()))
            .await
    }

    /// Sent operations never seen in qBittorrent, sent before `sent_before`, oldest first, with
    /// their file bytes (a re-send needs them).
    pub async fn awaiting(&self, sent_before: DateTime<Utc>) -> JournalResult<Vec<JournalEntry>> {
        let before = sent_before.timestamp_millis();
        self.run(move |c| awaiting(c, before)).await
    }

    /// Stops waiting for operations sent before `before` (the bounded verification window);
    /// returns how many. They are neither re-sent nor block a new grab of the same torrent.
    pub async fn expire_awaiting(&self, before: DateTime<Utc>) -> JournalResult<usize> {
        let before = before.timestamp_millis();
        self.run(move |c| {
            Ok(c.execute(
                "UPDATE operations SET awaiting = 0 WHERE state = 'done' AND awaiting = 1 \
                 AND sent_at < ?1",
                [before],
            )?)
        })
        .await
    }

    /// qBittorrent forgot an awaiting operation: pending again, due now, one more re-send
    /// counted, with a fresh attempt budget, free to go to any client (the one it was sent to
    /// was just seen without it). False if it is no longer awaiting.
    pub async fn requeue_lost(&self, id: i64, note: String) -> JournalResult<bool> {
        self.run(move |c| {
            Ok(c.execute(
                "UPDATE operations SET state = 'pending', awaiting = 0, resends = resends + 1, \
                 attempts = 0, next_attempt_at = ?3, last_error = ?2, updated_at = ?3, \
                 endpoint = NULL \
                 WHERE id = ?1 AND state = 'done' AND awaiting = 1",
                params![id, note, now_ms()],
            )? == 1)
        })
        .await
    }

    /// qBittorrent forgot an awaiting operation once too often: dead-lettered with `reason`.
    pub async fn give_up_lost(&self, id: i64, reason: String) -> JournalResult<bool> {
        self.run(move |c| {
            Ok(c.execute(
                "UPDATE operations SET state = 'dead', awaiting = 0, last_error = ?2, \
                 updated_at = ?3 WHERE id = ?1 AND state = 'done' AND awaiting = 1",
                params![id, reason, now_ms()],
            )? == 1)
        })
        .await
    }

    /// Re-sends recorded over the journal's kept operations (`retry_queue_resent` in health).
    pub async fn resent_total(&self) -> JournalResult<u64> {
        self.run(|c| {
            let n: i64 = c.query_row(
                "SELECT COALESCE(SUM(resends), 0) FROM operations",
                [],
                |r| r.get(0),
            )?;
            Ok(n.max(0) as u64)
        })
        .await
    }
}
