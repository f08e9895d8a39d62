//! Which download client an operation went to (failover endpoints, issue 17). Why here: with
//! several qBittorrent instances the journal is what remembers, across restarts, which one has
//! a grab (so status, removal and reconciliation ask that one) and which one a send of unknown
//! outcome went to (so it is settled there and never also added to another).

use std::collections::HashMap;

use rusqlite::{params, params_from_iter};

use super::{now_ms, Journal, JournalResult};

impl Journal {
    /// Records (or, with `None`, clears) the client operation `id` was sent to. Committed before
    /// the add goes out, so a crash or timeout mid-send leaves it pinned to that client.
    pub async fn pin_endpoint(&self, id: i64, endpoint: Option<i64>) -> JournalResult<bool> {
        self.run(move |c| {
            Ok(c.execute(
                "UPDATE operations SET endpoint = ?2, updated_at = ?3 WHERE id = ?1",
                params![id, endpoint, now_ms()],
            )? == 1)
        })
        .await
    }

    /// The client each of `hashes` was last delivered to (`done` operations with a recorded
    /// client; the newest wins). Hashes without one are absent from the map.
    pub async fn endpoints_of(&self, hashes: Vec<String>) -> JournalResult<HashMap<String, i64>> {
        self.run(move |c| {
            let mut out = HashMap::new();
            for chunk in hashes.chunks(500) {
                let marks = vec!["?"; chunk.len()].join(", ");
                let sql = format!(
                    "SELECT info_hash, endpoint FROM operations WHERE state = 'done' \
                     AND endpoint IS NOT NULL AND info_hash IN ({marks}) ORDER BY id"
                );
                let mut stmt = c.prepare(&sql)?;
                let lower = chunk.iter().map(|h| h.to_ascii_lowercase());
                let rows = stmt.query_map(params_from_iter(lower), |r| {
                    Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
                })?;
                for row in rows {
                    let (hash, endpoint) = row?;
                    out.insert(hash, endpoint);
                }
            }
            Ok(out)
        })
        .await
    }
}
