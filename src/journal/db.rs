//! The journal's SQL, synchronous; called on the blocking pool by `Journal`.

use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

use rusqlite::{params, params_from_iter, Connection, OptionalExtension, Row, TransactionBehavior};

use crate::sqlite::{self, Synchronous};

use super::{
    from_ms, Enqueued, JournalEntry, JournalError, JournalResult, NewOperation, OpKind, OpState,
    TorrentBytes,
};

/// A SQLite failure as a [`JournalError`]: a full disk (`SQLITE_FULL`, or an I/O error that says
/// "No space left on device") is [`JournalError::DiskFull`] so a grab can answer 507.
pub(super) fn classify(e: rusqlite::Error) -> JournalError {
    let text = e.to_string();
    let full = match &e {
        rusqlite::Error::SqliteFailure(f, msg) => {
            f.code == rusqlite::ErrorCode::DiskFull
                || (f.code == rusqlite::ErrorCode::SystemIoFailure
                    && msg
                        .as_deref()
                        .is_some_and(|m| m.contains("No space left on device")))
        }
        _ => false,
    };
    if full {
        JournalError::DiskFull(text)
    } else {
        JournalError::Sqlite(text)
    }
}

/// Opens the file with the pragmas a durable queue needs: WAL, `synchronous=FULL` (a commit
/// survives power loss), a real busy timeout.
pub(super) fn connect(path: &Path) -> JournalResult<Connection> {
    Ok(sqlite::connect(
        path,
        Duration::from_secs(5),
        Synchronous::Full,
    )?)
}

pub(super) const COLS: &str = "id, kind, info_hash, payload, torrent, state, attempts, \
                    next_attempt_at, last_error, created_at, updated_at, sent_at, seen_at, \
                    awaiting, resends, endpoint";
pub(super) const COLS_NO_BLOB: &str = "id, kind, info_hash, payload, NULL, state, attempts, \
                            next_attempt_at, last_error, created_at, updated_at, sent_at, \
                            seen_at, awaiting, resends, endpoint";

fn entry(r: &Row<'_>) -> rusqlite::Result<JournalResult<JournalEntry>> {
    let kind: String = r.get(1)?;
    let payload: String = r.get(3)?;
    let state: String = r.get(5)?;
    let torrent: Option<Vec<u8>> = r.get(4)?;
    let id: i64 = r.get(0)?;
    let (info_hash, attempts, next, last_error, created, updated) = (
        r.get(2)?,
        r.get::<_, i64>(6)?,
        r.get(7)?,
        r.get(8)?,
        r.get(9)?,
        r.get(10)?,
    );
    let (sent, seen, awaiting, resends): (Option<i64>, Option<i64>, i64, i64) =
        (r.get(11)?, r.get(12)?, r.get(13)?, r.get(14)?);
    let endpoint: Option<i64> = r.get(15)?;
    Ok((|| {
        let kind = match kind.as_str() {
            "add" => OpKind::Add,
            other => {
                return Err(JournalError::Corrupt(format!(
                    "#{id}: unknown kind {other}"
                )))
            }
        };
        let state = OpState::parse(&state)
            .ok_or_else(|| JournalError::Corrupt(format!("#{id}: unknown state {state}")))?;
        let payload = serde_json::from_str(&payload)
            .map_err(|e| JournalError::Corrupt(format!("#{id}: payload: {e}")))?;
        Ok(JournalEntry {
            id,
            kind,
            info_hash,
            payload,
            torrent: torrent.map(TorrentBytes),
            state,
            attempts: attempts.clamp(0, i64::from(u32::MAX)) as u32,
            next_attempt_at: from_ms(next),
            last_error,
            created_at: from_ms(created),
            updated_at: from_ms(updated),
            sent_at: sent.map(from_ms),
            seen_at: seen.map(from_ms),
            awaiting: awaiting != 0,
            resends: resends.clamp(0, i64::from(u32::MAX)) as u32,
            endpoint,
        })
    })())
}

pub(super) fn query(
    c: &Connection,
    sql: &str,
    args: impl rusqlite::Params,
) -> JournalResult<Vec<JournalEntry>> {
    let mut stmt = c.prepare_cached(sql)?;
    let rows = stmt.query_map(args, entry)?;
    let mut out = Vec::new();
    for row in rows {
        out.push(row??);
    }
    Ok(out)
}

pub(super) fn get(c: &Connection, id: i64) -> JournalResult<Option<JournalEntry>> {
    Ok(query(
        c,
        &format!("SELECT {COLS} FROM operations WHERE id = ?1"),
        [id],
    )?
    .into_iter()
    .next())
}

/// Records `op` unless the same torrent is pending, in flight, or sent and not yet seen in
/// qBittorrent (sent at or after `awaiting_since`; older ones stop waiting here). One IMMEDIATE
/// transaction on the journal's single connection, backed by the partial UNIQUE index, so
/// concurrent identical grabs get one row.
pub(super) fn enqueue(
    c: &mut Connection,
    op: &NewOperation,
    now: i64,
    awaiting_since: i64,
) -> JournalResult<Enqueued> {
    let hash = op.info_hash.to_ascii_lowercase();
    let payload = serde_json::to_string(&op.payload)
        .map_err(|e| JournalError::Corrupt(format!("payload: {e}")))?;
    let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
    tx.execute(
        "UPDATE operations SET awaiting = 0 WHERE kind = ?1 AND info_hash = ?2 \
         AND state = 'done' AND awaiting = 1 AND sent_at < ?3",
        params![op.kind.as_str(), hash, awaiting_since],
    )?;
    let existing: Option<i64> = tx
        .query_row(
            "SELECT id FROM operations WHERE kind = ?1 AND info_hash = ?2 \
             AND (state IN ('pending', 'in_flight') OR (state = 'done' AND awaiting = 1))",
            params![op.kind.as_str(), hash],
            |r| r.get(0),
        )
        .optional()?;
    let (id, created) = match existing {
        Some(id) => (id, false),
        None => {
            tx.execute(
                "INSERT INTO operations (kind, info_hash, payload, torrent, state, attempts, \
                 next_attempt_at, created_at, updated_at) \
                 VALUES (?1, ?2, ?3, ?4, 'pending', 0, ?5, ?5, ?5)",
                params![
                    op.kind.as_str(),
                    hash,
                    payload,
                    op.torrent.as_ref().map(|t| &t.0),
                    now
                ],
            )?;
            (tx.last_insert_rowid(), true)
        }
    };
    let entry = get(&tx, id)?.ok_or_else(|| JournalError::Corrupt(format!("#{id} vanished")))?;
    tx.commit()?;
    Ok(Enqueued { entry, created })
}

pub(super) fn due(c: &Connection, now: i64, limit: usize) -> JournalResult<Vec<JournalEntry>> {
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    query(
        c,
        &format!(
            "SELECT {COLS} FROM operations WHERE state = 'pending' AND next_attempt_at <= ?1 \
             ORDER BY id LIMIT ?2"
        ),
        params![now, limit],
    )
}

pub(super) fn next_due(c: &Connection) -> JournalResult<Option<i64>> {
    Ok(c.query_row(
        "SELECT MIN(next_attempt_at) FROM operations WHERE state = 'pending'",
        [],
        |r| r.get(0),
    )?)
}

#[allow(clippy::too_many_arguments)]
pub(super) fn transition(
    c: &Connection,
    id: i64,
    from: &[OpState],
    to: OpState,
    error: Option<&str>,
    next: Option<i64>,
    count_attempt: bool,
    now: i64,
) -> JournalResult<bool> {
    let states = from
        .iter()
        .map(|s| format!("'{}'", s.as_str()))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "UPDATE operations SET state = ?2, last_error = COALESCE(?3, last_error), \
         next_attempt_at = COALESCE(?4, next_attempt_at), attempts = attempts + ?5, \
         updated_at = ?6 WHERE id = ?1 AND state IN ({states})"
    );
    let n = c.execute(
        &sql,
        params![id, to.as_str(), error, next, i64::from(count_attempt), now],
    )?;
    Ok(n == 1)
}

/// Crash recovery: an `in_flight` operation's outcome is unknown, so it is pending again (the
/// replay checks qBittorrent first, so a torrent that did arrive is not added twice).
pub(super) fn recover(c: &Connection, now: i64) -> JournalResult<usize> {
    Ok(c.execute(
        "UPDATE operations SET state = 'pending', updated_at = ?1 WHERE state = 'in_flight'",
        [now],
    )?)
}

pub(super) fn list(c: &mut Connection) -> JournalResult<Vec<JournalEntry>> {
    query(
        c,
        &format!("SELECT {COLS_NO_BLOB} FROM operations WHERE state != 'done' ORDER BY id"),
        [],
    )
}

pub(super) fn retry_now(
    c: &mut Connection,
    id: i64,
    now: i64,
) -> JournalResult<Option<JournalEntry>> {
    let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let Some(e) = get(&tx, id)? else {
        return Ok(None);
    };
    let attempts = match e.state {
        OpState::Pending => i64::from(e.attempts),
        OpState::Dead => 0,
        OpState::InFlight => {
            return Err(JournalError::Conflict(format!(
                "#{id} is being sent right now"
            )))
        }
        OpState::Done => return Ok(None),
    };
    let updated = tx.execute(
        "UPDATE operations SET state = 'pending', attempts = ?2, next_attempt_at = ?3, \
         updated_at = ?3 WHERE id = ?1",
        params![id, attempts, now],
    );
    match updated {
        Err(rusqlite::Error::SqliteFailure(f, _))
            if f.code == rusqlite::ErrorCode::ConstraintViolation =>
        {
            return Err(JournalError::Conflict(format!(
                "another operation for torrent {} is already queued",
                e.info_hash
            )))
        }
        other => other?,
    };
    let e = get(&tx, id)?;
    tx.commit()?;
    Ok(e)
}

pub(super) fn delete(c: &mut Connection, id: i64) -> JournalResult<bool> {
    Ok(c.execute("DELETE FROM operations WHERE id = ?1", [id])? == 1)
}

pub(super) fn count(c: &mut Connection, filter: &str) -> JournalResult<u64> {
    let n: i64 = c.query_row(
        &format!("SELECT COUNT(*) FROM operations WHERE {filter}"),
        [],
        |r| r.get(0),
    )?;
    Ok(n.max(0) as u64)
}

pub(super) fn movie_ids(
    c: &mut Connection,
    hashes: &[String],
) -> JournalResult<HashMap<String, i64>> {
    let mut out = HashMap::new();
    for chunk in hashes.chunks(500) {
        let marks = vec!["?"; chunk.len()].join(", ");
        let sql = format!(
            "SELECT info_hash, json_extract(payload, '$.movie_id') FROM operations \
             WHERE info_hash IN ({marks}) AND json_extract(payload, '$.movie_id') IS NOT NULL \
             ORDER BY id"
        );
        let mut stmt = c.prepare(&sql)?;
        let rows = stmt.query_map(params_from_iter(chunk.iter()), |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
        })?;
        for row in rows {
            let (hash, movie) = row?;
            out.insert(hash, movie);
        }
    }
    Ok(out)
}

pub(super) fn purge_done(c: &mut Connection, before: i64) -> JournalResult<usize> {
    Ok(c.execute(
        "DELETE FROM operations WHERE state = 'done' AND updated_at < ?1",
        [before],
    )?)
}
