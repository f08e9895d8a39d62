//! Import of finished downloads: the main video file is placed in the movie's folder under the
//! configured name (hardlink, else verified copy), the movie gets its file, and history says
//! `downloadFolderImported`. A failed import is kept with its reason (shown in the queue and as
//! an `importFailed` history event) and tried again later or on `DownloadedMoviesScan`.

use super::files::{self, NameParts, Placement};
use super::Automation;
use crate::domain::history::HistoryEventType;
use crate::domain::movie::{Movie, MovieFile};
use crate::domain::parser::parse_title;
use crate::services::downloads::{DownloadState, DownloadStatus};
use crate::services::notify::payload;
use crate::store::{HistoryQuery, NewHistory, NewMovieFile};
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::json;
use std::path::{Path, PathBuf};

/// A successful import.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportOutcome {
    pub movie_id: i64,
    pub download_id: String,
    pub path: String,
    pub placement: Placement,
}

/// An import that did not happen, and why.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportFailure {
    pub movie_id: Option<i64>,
    pub title: String,
    pub reason: String,
    pub attempts: u32,
    pub last_attempt: DateTime<Utc>,
}

/// What one import pass did.
#[derive(Clone, Debug, Default, Serialize)]
pub struct ImportPass {
    pub imported: Vec<ImportOutcome>,
    pub failed: usize,
}

impl Automation {
    /// Imports every completed download of ours that is not in the library yet. Failed ones are
    /// retried after `automation.import_retry_seconds`, or at once when `force`.
    pub async fn import_completed(&self, force: bool) -> ImportPass {
        let _one_at_a_time = self.inner.import_lock.lock().await;
        let retry = chrono::Duration::seconds(
            self.inner.config.get().automation.import_retry_seconds as i64,
        );
        let mut pass = ImportPass::default();
        let snapshot = self.inner.tracker.snapshot();
        for d in snapshot
            .items
            .iter()
            .filter(|d| d.state == DownloadState::Completed)
        {
            if self.inner.imported.lock().contains(&d.hash) {
                continue;
            }
            let waiting = self
                .inner
                .failures
                .lock()
                .get(&d.hash)
                .is_some_and(|f| !force && Utc::now() - f.last_attempt < retry);
            if waiting {
                pass.failed += 1;
                continue;
            }
            match self.import_one(d).await {
                Ok(Some(done)) => {
                    self.inner.failures.lock().remove(&d.hash);
                    self.inner.imported.lock().insert(d.hash.clone());
                    pass.imported.push(done);
                }
                Ok(None) => {
                    self.inner.failures.lock().remove(&d.hash);
                    self.inner.imported.lock().insert(d.hash.clone());
                }
                Err(reason) => {
                    pass.failed += 1;
                    self.record_failure(d, reason).await;
                }
            }
        }
        pass
    }

    async fn record_failure(&self, d: &DownloadStatus, reason: String) {
        let changed = {
            let mut failures = self.inner.failures.lock();
            let entry = failures
                .entry(d.hash.clone())
                .or_insert_with(|| ImportFailure {
                    movie_id: d.movie_id,
                    title: d.name.clone(),
                    reason: String::new(),
                    attempts: 0,
                    last_attempt: Utc::now(),
                });
            entry.attempts += 1;
            entry.last_attempt = Utc::now();
            let changed = entry.reason != reason;
            entry.reason = reason.clone();
            changed
        };
        tracing::warn!(download = %d.name, %reason, "import failed");
        if changed {
            let entry = NewHistory {
                movie_id: d.movie_id,
                event_type: "importFailed".into(),
                source_title: d.name.clone(),
                quality: serde_json::to_value(parse_title(&d.name).quality_model())
                    .unwrap_or_default(),
                download_id: Some(d.hash.to_uppercase()),
                data: json!({"reason": reason, "droppedPath": d.content_path}),
            };
            if let Err(e) = self.store().add_history(&entry).await {
                tracing::warn!(error = %e, "import failure not recorded in history");
            }
        }
    }

    /// Whether history already shows this download imported (survives restarts).
    async fn already_imported(&self, movie_id: i64, hash: &str) -> Result<bool, String> {
        let query = HistoryQuery {
            movie_ids: vec![movie_id],
            event_types: vec![HistoryEventType::DownloadFolderImported.as_str().into()],
            download_id: Some(hash.to_uppercase()),
            ascending: false,
            page: 1,
            page_size: 1,
        };
        let page = self
            .store()
            .history_query(&query)
            .await
            .map_err(|e| format!("library unavailable: {e}"))?;
        Ok(page.total > 0)
    }

    /// Imports one download. `Ok(None)`: nothing to do (not ours to import, or done before).
    async fn import_one(&self, d: &DownloadStatus) -> Result<Option<ImportOutcome>, String> {
        let Some(movie_id) = d.movie_id else {
            // Added to our category by hand: Radarr would ask for a manual import; we leave it.
            return Ok(None);
        };
        let movie = self
            .store()
            .movie(movie_id)
            .await
            .map_err(|e| format!("library unavailable: {e}"))?
            .ok_or_else(|| format!("movie {movie_id} is no longer in the library"))?;
        if self.already_imported(movie_id, &d.hash).await? {
            return Ok(None);
        }
        let content = if d.content_path.is_empty() {
            Path::new(&d.save_path).join(&d.name)
        } else {
            PathBuf::from(&d.content_path)
        };
        let cfg = self.inner.config.get();
        let (format, hardlink) = (
            cfg.library.movie_file_format.clone(),
            cfg.library.use_hardlinks,
        );
        let name = d.name.clone();
        let folder = PathBuf::from(&movie.path);
        let m = movie.clone();
        let placed = tokio::task::spawn_blocking(move || {
            place_movie(&m, &content, &name, &folder, &format, hardlink)
        })
        .await
        .map_err(|e| format!("import task failed: {e}"))??;
        self.finish_import(&movie, d, placed).await.map(Some)
    }

    async fn finish_import(
        &self,
        movie: &Movie,
        d: &DownloadStatus,
        placed: Placed,
    ) -> Result<ImportOutcome, String> {
        let file = NewMovieFile {
            relative_path: placed.relative.clone(),
            size: placed.size as i64,
            quality: serde_json::to_value(placed.parsed.quality_model()).unwrap_or_default(),
            release_group: placed.parsed.release_group.clone(),
            edition: placed.parsed.edition.clone(),
        };
        let stored = self
            .store()
            .set_movie_file(movie.id, &file)
            .await
            .map_err(|e| format!("file placed but not recorded (will retry): {e}"))?;
        // An upgrade replaces the old file (only ever inside the movie's folder).
        if let Some(old) = &movie.file {
            if old.relative_path != placed.relative {
                let folder = Path::new(&movie.path);
                if let Err(e) = files::remove_inside(folder, &folder.join(&old.relative_path)) {
                    tracing::warn!(error = %e, file = %old.relative_path, "old file not removed after upgrade");
                }
            }
        }
        let path = placed.target.to_string_lossy().into_owned();
        let entry = NewHistory {
            movie_id: Some(movie.id),
            event_type: HistoryEventType::DownloadFolderImported.as_str().into(),
            source_title: d.name.clone(),
            quality: file.quality.clone(),
            download_id: Some(d.hash.to_uppercase()),
            data: json!({
                "droppedPath": placed.source.to_string_lossy(),
                "importedPath": path,
                "size": placed.size.to_string(),
                "downloadClient": "qBittorrent",
                "method": placed.placement,
            }),
        };
        self.store()
            .add_history(&entry)
            .await
            .map_err(|e| format!("file recorded but history not written (will retry): {e}"))?;
        tracing::info!(movie_id = movie.id, %path, placement = ?placed.placement, "imported");
        self.notify_import(movie, d, &stored).await;
        Ok(ImportOutcome {
            movie_id: movie.id,
            download_id: d.hash.to_uppercase(),
            path,
            placement: placed.placement,
        })
    }
}

impl Automation {
    /// Download (or, replacing a file, Upgrade plus the old file's MovieFileDelete) notifications.
    async fn notify_import(&self, movie: &Movie, d: &DownloadStatus, file: &MovieFile) {
        let tags = payload::tag_labels(self.store(), movie).await;
        let old = movie.file.as_deref();
        if let Some(old) = old {
            let e = payload::movie_file_delete(movie, &tags, old, "upgrade");
            self.inner.notifier.emit(e);
        }
        let hash = d.hash.to_uppercase();
        let e = payload::download(movie, &tags, file, &hash, &d.name, old);
        self.inner.notifier.emit(e);
    }
}

struct Placed {
    source: PathBuf,
    target: PathBuf,
    relative: String,
    size: u64,
    parsed: crate::domain::parser::ParsedRelease,
    placement: Placement,
}

/// The blocking part: find the video, name it, place it.
fn place_movie(
    movie: &Movie,
    content: &Path,
    torrent_name: &str,
    folder: &Path,
    format: &str,
    hardlink: bool,
) -> Result<Placed, String> {
    if movie.path.trim().is_empty() {
        return Err(format!("movie {} has no folder", movie.title));
    }
    // A missing root folder is usually an unmounted share: never create it on the local disk.
    let root = Path::new(&movie.root_folder_path);
    if !movie.root_folder_path.is_empty() && !root.is_dir() {
        return Err(format!(
            "root folder {} is missing (unmounted?); the import waits for it",
            root.display()
        ));
    }
    let source = files::main_video(content)?;
    let file_name = source
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    // The torrent's name usually carries the quality; fall back to the file's own name.
    let mut parsed = parse_title(torrent_name);
    if parsed.quality.id == 0 {
        parsed = parse_title(&file_name);
    }
    let q = parsed.quality_model();
    let mut full = q.quality.name.to_string();
    if parsed.proper {
        full.push_str(" Proper");
    } else if parsed.repack {
        full.push_str(" Repack");
    }
    let parts = NameParts {
        title: movie.title.clone(),
        year: movie.year,
        quality_title: q.quality.name.to_string(),
        quality_full: full,
        edition: parsed.edition.clone(),
        release_group: parsed.release_group.clone(),
    };
    let ext = source
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_else(|| "mkv".into());
    let relative = format!("{}.{ext}", files::render_name(format, &parts));
    let target = folder.join(&relative);
    let size = std::fs::metadata(&source)
        .map_err(|e| format!("{}: {e}", source.display()))?
        .len();
    let placement = files::place(&source, &target, hardlink).map_err(|e| {
        format!(
            "could not place {} at {}: {e}",
            source.display(),
            target.display()
        )
    })?;
    Ok(Placed {
        source,
        target,
        relative,
        size,
        parsed,
        placement,
    })
}
