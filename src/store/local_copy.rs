//! The database breaker's read-only snapshot kept on disk, beside the retry journal, for a
//! PostgreSQL library: a start while PostgreSQL is down loads it and serves the last known
//! library read-only instead of exiting. One small SQLite file (`library-copy.db`), one row per
//! part of the snapshot as JSON, rewritten in one transaction whenever the snapshot changed.
//! Owner-only (0600), like the library itself: it holds the users' password and session hashes.

use super::guarded::GuardedStore;
use super::snapshot::SnapshotData;
use super::{StoreError, StoreResult};
use crate::sqlite::Synchronous;
use rusqlite::{params, Connection, OptionalExtension};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// File name of the on-disk copy inside the data dir.
pub const LIBRARY_COPY_FILE: &str = "library-copy.db";

/// How often the keeper looks for changes: a change reaches the disk within this.
const KEEP_EVERY: Duration = Duration::from_secs(1);

fn open(path: &Path) -> StoreResult<Connection> {
    let c = crate::sqlite::connect(path, Duration::from_secs(5), Synchronous::Normal)?;
    c.execute_batch(
        "CREATE TABLE IF NOT EXISTS library_copy (part TEXT PRIMARY KEY, json TEXT NOT NULL)",
    )?;
    Ok(c)
}

/// Reads the copy; `None` when there is none (never written, or unreadable: logged).
pub fn load(path: &Path) -> Option<SnapshotData> {
    if !path.exists() {
        return None;
    }
    let read = || -> StoreResult<Option<SnapshotData>> {
        let c = open(path)?;
        let json: Option<String> = c
            .query_row(
                "SELECT json FROM library_copy WHERE part = 'snapshot'",
                [],
                |r| r.get(0),
            )
            .optional()?;
        json.map(|j| serde_json::from_str(&j).map_err(|e| StoreError::Other(e.to_string())))
            .transpose()
    };
    match read() {
        Ok(d) => d,
        Err(e) => {
            tracing::warn!(file = %path.display(), error = %e, "could not read the local copy of the library");
            None
        }
    }
}

/// Writes the copy in one transaction (readers never see half of it).
pub fn save(path: &Path, data: &SnapshotData) -> StoreResult<()> {
    let json = serde_json::to_string(data).map_err(|e| StoreError::Other(e.to_string()))?;
    let mut c = open(path)?;
    let tx = c.transaction()?;
    tx.execute(
        "INSERT INTO library_copy (part, json) VALUES ('snapshot', ?1)
         ON CONFLICT(part) DO UPDATE SET json = excluded.json",
        params![json],
    )?;
    tx.commit()?;
    Ok(())
}

impl GuardedStore {
    /// Loads the on-disk copy into the snapshot; whether there was one.
    pub fn load_local_copy(&self, path: &Path) -> bool {
        match load(path) {
            Some(d) => {
                self.snapshot.import(d);
                true
            }
            None => false,
        }
    }

    /// Keeps the on-disk copy current: every [`KEEP_EVERY`], when the snapshot changed (which
    /// only a successful database call does), it is written out off the async threads.
    pub fn spawn_copy_keeper(self: &Arc<Self>, path: PathBuf) -> tokio::task::JoinHandle<()> {
        let store = self.clone();
        tokio::spawn(async move {
            let mut saved = store.snapshot.version();
            let mut tick = tokio::time::interval(KEEP_EVERY);
            loop {
                tick.tick().await;
                let now = store.snapshot.version();
                if now == saved || !store.snapshot.is_ready() {
                    continue;
                }
                let data = store.snapshot.export();
                let p = path.clone();
                match tokio::task::spawn_blocking(move || save(&p, &data)).await {
                    Ok(Ok(())) => saved = now,
                    Ok(Err(e)) => {
                        tracing::warn!(file = %path.display(), error = %e, "could not update the local copy of the library")
                    }
                    Err(e) => tracing::warn!(error = %e, "local copy task failed"),
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::movie::Tag;

    #[test]
    fn a_saved_copy_reads_back_whole_and_a_missing_one_is_none() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(LIBRARY_COPY_FILE);
        assert_eq!(load(&path), None);
        let mut data = SnapshotData {
            tags: Some(vec![Tag {
                id: 3,
                label: "4k".into(),
            }]),
            movies: Some(vec![]),
            ..SnapshotData::default()
        };
        save(&path, &data).unwrap();
        assert_eq!(load(&path).as_ref(), Some(&data));
        data.tags = None;
        save(&path, &data).unwrap();
        assert_eq!(load(&path), Some(data));
    }

    #[test]
    fn the_copy_is_owner_only_even_where_an_older_one_was_world_readable() {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(LIBRARY_COPY_FILE);
        save(&path, &SnapshotData::default()).unwrap();
        assert_eq!(mode(&path), 0o600);
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert!(load(&path).is_some());
        assert_eq!(mode(&path), 0o600, "tightened when read");
    }
}
