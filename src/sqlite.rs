//! The one way reelarr opens an embedded SQLite file, shared by the store and the retry journal
//! so neither imports the other: WAL, a real busy timeout, the caller's `synchronous` level,
//! foreign keys on, and ordered embedded migrations, each in its own transaction, refusing a
//! file written by a newer reelarr instead of silently misreading it.

use std::path::Path;
use std::time::Duration;

use rusqlite::Connection;

/// Why opening or migrating failed; the store and the journal each map it onto their own error.
#[derive(Debug)]
pub enum OpenError {
    /// SQLite itself reported an error.
    Sqlite(rusqlite::Error),
    /// The file would not switch to WAL mode; the message names the file and the mode it kept.
    NotWal(String),
    /// A migration's SQL failed: "migration VERSION (NAME) failed: ERROR".
    Migration(String),
    /// The file is at a schema version newer than this build knows.
    TooNew { found: i64, supported: i64 },
}

impl From<rusqlite::Error> for OpenError {
    fn from(e: rusqlite::Error) -> Self {
        OpenError::Sqlite(e)
    }
}

/// How hard a commit is pushed to disk: the journal's grabs must survive power loss (`Full`);
/// the store trades the last commits for speed (`Normal`, safe against corruption under WAL).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Synchronous {
    Normal,
    Full,
}

/// Opens one connection with the pragmas every connection must have. An in-memory database
/// (`:memory:`) cannot use WAL and is let through in its own mode.
pub fn connect(
    path: &Path,
    busy_timeout: Duration,
    synchronous: Synchronous,
) -> Result<Connection, OpenError> {
    make_private(path);
    let conn = Connection::open(path)?;
    conn.busy_timeout(busy_timeout)?;
    // journal_mode returns a row, so it is read rather than executed.
    let mode: String = conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") && path.to_str() != Some(":memory:") {
        return Err(OpenError::NotWal(format!(
            "could not switch {} to WAL mode (got {mode})",
            path.display()
        )));
    }
    let sync = match synchronous {
        Synchronous::Normal => "NORMAL",
        Synchronous::Full => "FULL",
    };
    conn.execute_batch(&format!(
        "PRAGMA foreign_keys=ON; PRAGMA synchronous={sync};"
    ))?;
    Ok(conn)
}

/// Makes an embedded database owner-only (0600): creates the file with that mode when it is
/// missing and tightens an existing one, with its `-wal` and `-shm` companions (SQLite gives new
/// companions the database file's mode). Every such file holds something private: the library
/// and its local copy hold password and session hashes, the journal the grabs' torrents. Left to
/// SQLite they would be 0644. A failure is logged; SQLite's own open then says what is wrong.
pub fn make_private(path: &Path) {
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    if path.as_os_str().is_empty() || path.to_str() == Some(":memory:") {
        return;
    }
    // Created here (empty, which SQLite takes as a new database) so it is never world-readable.
    // Only a missing file (`create_new`): opening and closing one SQLite already has open would
    // drop the process's POSIX locks on it, letting another process reset the WAL under it.
    let _ = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path);
    for suffix in ["", "-wal", "-shm"] {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        let file = Path::new(&name);
        let Ok(meta) = std::fs::metadata(file) else {
            continue;
        };
        if meta.permissions().mode() & 0o077 != 0 {
            let private = std::fs::Permissions::from_mode(0o600);
            if let Err(e) = std::fs::set_permissions(file, private) {
                tracing::warn!(file = %file.display(), error = %e, "could not make the file owner-only (0600)");
            }
        }
    }
}

/// First line of a migration that rebuilds tables: it runs with foreign keys off (so dropping the
/// old table neither cascades nor fails), and `PRAGMA foreign_key_check` must come back empty
/// before it commits — SQLite's documented procedure for changing a table's definition.
pub const FOREIGN_KEYS_OFF: &str = "-- reelarr: foreign_keys=off";

/// An embedded, append-only migration list and the table that records which versions ran.
pub struct Migrations {
    /// Bookkeeping table (`version`, `name`, `applied_at`).
    pub table: &'static str,
    /// (version, name, SQL) in order. Append only: never edit a released migration.
    pub list: &'static [(i64, &'static str, &'static str)],
    /// What the log line calls these migrations ("database", "retry-journal").
    pub label: &'static str,
}

impl Migrations {
    /// The version a fully migrated file has.
    pub const fn latest(&self) -> i64 {
        match self.list.last() {
            Some(m) => m.0,
            None => 0,
        }
    }

    /// The highest applied version, 0 for a fresh file.
    pub fn current(&self, conn: &Connection) -> Result<i64, OpenError> {
        let sql = format!("SELECT COALESCE(MAX(version), 0) FROM {}", self.table);
        Ok(conn.query_row(&sql, [], |r| r.get(0))?)
    }

    /// Brings the file up to `target` (normally [`Migrations::latest`]), each migration in its
    /// own transaction; returns the versions applied.
    pub fn apply(&self, conn: &mut Connection, target: i64) -> Result<Vec<i64>, OpenError> {
        conn.execute_batch(&format!(
            "CREATE TABLE IF NOT EXISTS {} (
                version INTEGER PRIMARY KEY,
                name TEXT NOT NULL,
                applied_at TEXT NOT NULL
            )",
            self.table
        ))?;
        let current = self.current(conn)?;
        if current > self.latest() {
            return Err(OpenError::TooNew {
                found: current,
                supported: self.latest(),
            });
        }
        let insert = format!(
            "INSERT INTO {} (version, name, applied_at) VALUES (?1, ?2, ?3)",
            self.table
        );
        // Each listed version not recorded yet runs, not only those above the highest: a list
        // merged from branches may gain a lower version later (0005 after 0006), and a
        // database that already has 0006 must still get it.
        let done: std::collections::HashSet<i64> = {
            let mut st = conn.prepare(&format!("SELECT version FROM {}", self.table))?;
            let rows = st.query_map([], |r| r.get::<_, i64>(0))?;
            rows.collect::<Result<_, _>>()?
        };
        let mut applied = Vec::new();
        for (version, name, sql) in self
            .list
            .iter()
            .filter(|m| !done.contains(&m.0) && m.0 <= target)
        {
            let rebuild = sql.starts_with(FOREIGN_KEYS_OFF);
            if rebuild {
                // A no-op inside a transaction, so it is set before this one begins.
                conn.execute_batch("PRAGMA foreign_keys=OFF")?;
            }
            let result = (|| {
                let failed = |e: rusqlite::Error| {
                    OpenError::Migration(format!("migration {version} ({name}) failed: {e}"))
                };
                let tx = conn.transaction()?;
                tx.execute_batch(sql).map_err(failed)?;
                if rebuild {
                    let broken: i64 = tx
                        .query_row("SELECT COUNT(*) FROM pragma_foreign_key_check", [], |r| {
                            r.get(0)
                        })
                        .map_err(failed)?;
                    if broken > 0 {
                        return Err(OpenError::Migration(format!(
                            "migration {version} ({name}) failed: {broken} rows break a foreign key"
                        )));
                    }
                }
                tx.execute(
                    &insert,
                    rusqlite::params![version, name, chrono::Utc::now().to_rfc3339()],
                )?;
                tx.commit()?;
                Ok(())
            })();
            if rebuild {
                conn.execute_batch("PRAGMA foreign_keys=ON")?;
            }
            result?;
            tracing::info!(version, name, "applied {} migration", self.label);
            applied.push(*version);
        }
        Ok(applied)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(p: &Path) -> u32 {
        std::fs::metadata(p).unwrap().permissions().mode() & 0o777
    }

    /// SQLite's POSIX locks belong to the process: closing any other descriptor of the file
    /// drops them all. Opening a second connection must not do that to the first (it did when
    /// the 0600 step opened the existing file): another process, seeing no lock, would
    /// checkpoint and reset the WAL under our connections.
    #[test]
    fn a_second_connection_keeps_the_locks_of_the_first() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("locks.db");
        let a = connect(&path, Duration::from_secs(1), Synchronous::Normal).unwrap();
        a.execute_batch("CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1);")
            .unwrap();
        let ino = std::fs::metadata(&path).unwrap().ino();
        let pid = std::process::id();
        let held = || {
            std::fs::read_to_string("/proc/locks")
                .unwrap()
                .lines()
                .any(|l| {
                    let f: Vec<&str> = l.split_whitespace().collect();
                    f.iter().any(|w| *w == pid.to_string())
                        && f.iter().any(|w| w.ends_with(&format!(":{ino}")))
                })
        };
        assert!(held(), "the first connection holds a lock on the file");
        let b = connect(&path, Duration::from_secs(1), Synchronous::Normal).unwrap();
        let n: i64 = b
            .query_row("SELECT count(*) FROM t", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 1);
        assert!(held(), "still held after a second connection was opened");
        drop((a, b));
    }

    #[test]
    fn a_new_database_and_its_companions_are_owner_only_and_an_old_one_is_tightened() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("new.db");
        let c = connect(&path, Duration::from_secs(1), Synchronous::Normal).unwrap();
        c.execute_batch("CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1);")
            .unwrap();
        for f in ["new.db", "new.db-wal", "new.db-shm"] {
            assert_eq!(mode(&dir.path().join(f)), 0o600, "{f}");
        }
        drop(c);

        // A file an older reelarr left world-readable, with its WAL.
        let old = dir.path().join("old.db");
        let c = Connection::open(&old).unwrap();
        c.execute_batch("PRAGMA journal_mode=WAL; CREATE TABLE t (x INTEGER);")
            .unwrap();
        let wal = dir.path().join("old.db-wal");
        for f in [&old, &wal] {
            std::fs::set_permissions(f, std::fs::Permissions::from_mode(0o644)).unwrap();
        }
        let again = connect(&old, Duration::from_secs(1), Synchronous::Normal).unwrap();
        assert_eq!(mode(&old), 0o600);
        assert_eq!(mode(&wal), 0o600);
        drop((c, again));
        // In-memory databases are left alone (no file named ":memory:" appears).
        connect(
            Path::new(":memory:"),
            Duration::from_secs(1),
            Synchronous::Normal,
        )
        .unwrap();
        assert!(!Path::new(":memory:").exists());
    }
}
