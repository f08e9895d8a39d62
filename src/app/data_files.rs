//! Guards against silent resets of the data directory. A library database that went missing or
//! empty (a failed disk, a bad restore, a wrong mount) must not quietly become a new, empty library
//! with a new admin password; a retry journal that did must not quietly drop the grabs waiting in
//! it. The data dir remembers which files it has held (`.reelarr-files`); start-up compares.

use super::StartError;
use std::path::{Path, PathBuf};

/// The list of data files this data dir has held, one path per line.
const MARKER: &str = ".reelarr-files";

/// Set to `1` to start a new, empty library in place of a missing one.
pub const ALLOW_NEW_ENV: &str = "REELARR_ALLOW_NEW_DATABASE";

fn known(data_dir: &Path) -> Vec<PathBuf> {
    std::fs::read_to_string(data_dir.join(MARKER))
        .map(|t| {
            t.lines()
                .filter(|l| !l.is_empty())
                .map(PathBuf::from)
                .collect()
        })
        .unwrap_or_default()
}

/// `None` when the file is there with content; otherwise what is wrong with it.
fn problem(path: &Path) -> Option<&'static str> {
    match std::fs::metadata(path) {
        Ok(m) if m.len() > 0 => None,
        Ok(_) => Some("empty (0 bytes)"),
        Err(_) => Some("missing"),
    }
}

/// Before the store opens: refuses to start over a SQLite library this data dir once held that is
/// now missing or empty (an empty file is refused even without the record), unless asked.
pub fn check_database(data_dir: &Path, db: &Path, allow_new: bool) -> Result<(), StartError> {
    let Some(what) = problem(db) else {
        return Ok(());
    };
    let had_it = known(data_dir).iter().any(|p| p == db);
    if !(had_it || what.starts_with("empty")) || allow_new {
        if had_it {
            tracing::warn!(file = %db.display(), "database {what}: starting a new, empty library as asked");
        }
        return Ok(());
    }
    Err(StartError::Other(format!(
        "database {} is {what}, but this data dir held a library there: refusing to create a new, \
         empty one over it. Restore the file from a backup, or start once with {ALLOW_NEW_ENV}=1 \
         to begin a new library",
        db.display()
    )))
}

/// Before the journal opens: a journal this data dir held that is now missing or empty lost the
/// grabs waiting in it. That is said loudly (naming the file), an empty file is kept aside for
/// inspection, and a new journal is started so downloads keep working. Returns the message.
pub fn check_journal(data_dir: &Path, journal: &Path) -> Option<String> {
    let what = problem(journal)?;
    let had_it = known(data_dir).iter().any(|p| p == journal);
    if !had_it && what == "missing" {
        return None;
    }
    let mut msg = format!(
        "qBittorrent retry journal {} was {what}: grabs that were waiting in it are lost; \
         check the disk, then search again for movies still missing",
        journal.display()
    );
    if what.starts_with("empty") {
        let aside = journal.with_extension(format!("db.broken-{}", chrono::Utc::now().timestamp()));
        if std::fs::rename(journal, &aside).is_ok() {
            msg.push_str(&format!(
                " (the empty file was moved to {})",
                aside.display()
            ));
        }
    }
    tracing::error!("{msg}");
    Some(msg)
}

/// After both opened: records them, so a later start can tell a lost file from a first start.
pub fn remember(data_dir: &Path, files: &[&Path]) {
    let mut all = known(data_dir);
    for f in files {
        if !all.iter().any(|p| p == f) {
            all.push(f.to_path_buf());
        }
    }
    let text: String = all.iter().map(|p| format!("{}\n", p.display())).collect();
    if let Err(e) = std::fs::write(data_dir.join(MARKER), text) {
        tracing::warn!(error = %e, "could not record the data files in {}", data_dir.display());
    }
}
