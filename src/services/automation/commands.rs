//! Radarr's commands (`POST /api/v3/command`): validated, recorded as `queued`, run in the
//! background (`started` → `completed`/`failed`, with a message and timings). The scheduler
//! submits the same commands with trigger `scheduled`.

mod keyed_lock;

use super::{availability, Automation, AutomationError};
use crate::domain::movie::CommandRecord;
use crate::domain::profile::QualityProfile;
use crate::domain::quality::QualityModel;
use crate::journal::OpState;
use crate::store::StoreError;
use chrono::Utc;
use keyed_lock::KeyedLocks;
use parking_lot::Mutex;
use serde_json::{json, Value};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// The commands reelarr runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CommandName {
    MoviesSearch,
    RefreshMovie,
    MissingMoviesSearch,
    RefreshMonitoredDownloads,
    DownloadedMoviesScan,
}

impl CommandName {
    pub const ALL: [CommandName; 5] = [
        CommandName::MoviesSearch,
        CommandName::RefreshMovie,
        CommandName::MissingMoviesSearch,
        CommandName::RefreshMonitoredDownloads,
        CommandName::DownloadedMoviesScan,
    ];

    /// Radarr's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            CommandName::MoviesSearch => "MoviesSearch",
            CommandName::RefreshMovie => "RefreshMovie",
            CommandName::MissingMoviesSearch => "MissingMoviesSearch",
            CommandName::RefreshMonitoredDownloads => "RefreshMonitoredDownloads",
            CommandName::DownloadedMoviesScan => "DownloadedMoviesScan",
        }
    }

    /// Case-insensitive, as Radarr matches command names.
    pub fn parse(name: &str) -> Option<CommandName> {
        Self::ALL
            .into_iter()
            .find(|c| c.as_str().eq_ignore_ascii_case(name.trim()))
    }
}

/// Why a command could not be queued or read.
#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    #[error("unknown command {0:?}; known: MoviesSearch, RefreshMovie, MissingMoviesSearch, RefreshMonitoredDownloads, DownloadedMoviesScan")]
    Unknown(String),
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Commands in progress and the latest state of recent ones (kept in memory too, so their
/// status stays readable while the database is read-only).
pub(super) struct Runner {
    recent: Mutex<HashMap<i64, CommandRecord>>,
    /// (name, body) of queued/started commands → id: a repeat returns the running one.
    active: Mutex<HashMap<String, i64>>,
    /// One lock per (name, body) being submitted: the "already running?" check and the insert
    /// happen under it, so concurrent identical submissions create one command, not several.
    submitting: KeyedLocks,
    /// Runs at most two commands at once (a search must not starve download checks).
    slots: Arc<tokio::sync::Semaphore>,
}

impl Default for Runner {
    fn default() -> Self {
        Runner {
            recent: Mutex::default(),
            active: Mutex::default(),
            submitting: KeyedLocks::default(),
            slots: Arc::new(tokio::sync::Semaphore::new(2)),
        }
    }
}

fn movie_ids(body: &Value, required: bool) -> Result<Vec<i64>, CommandError> {
    let ids = match body.get("movieIds").or_else(|| body.get("movieId")) {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(a)) => a
            .iter()
            .map(|v| {
                v.as_i64().filter(|i| *i > 0).ok_or_else(|| {
                    CommandError::Invalid(format!("movieIds must hold positive integers, got {v}"))
                })
            })
            .collect::<Result<_, _>>()?,
        Some(Value::Number(n)) => vec![n
            .as_i64()
            .filter(|i| *i > 0)
            .ok_or_else(|| CommandError::Invalid(format!("movieId must be positive, got {n}")))?],
        Some(v) => {
            return Err(CommandError::Invalid(format!(
                "movieIds must be an array of integers, got {v}"
            )))
        }
    };
    if required && ids.is_empty() {
        return Err(CommandError::Invalid(
            "MoviesSearch needs movieIds (a non-empty array of movie ids)".into(),
        ));
    }
    Ok(ids)
}

/// Outcome of running a command: completed with a message, or failed with one.
type RunResult = Result<String, String>;

impl Automation {
    /// Validates and queues a command; it runs in the background. A command identical to one
    /// still queued or running is not queued twice: the running one is returned.
    pub async fn submit_command(
        &self,
        name: &str,
        body: Value,
        trigger: &str,
    ) -> Result<CommandRecord, CommandError> {
        let cmd = CommandName::parse(name).ok_or_else(|| CommandError::Unknown(name.into()))?;
        let ids = movie_ids(&body, cmd == CommandName::MoviesSearch)?;
        let mut body = match body {
            Value::Object(m) => Value::Object(m),
            Value::Null => json!({}),
            other => {
                return Err(CommandError::Invalid(format!(
                    "the command body must be a JSON object, got {other}"
                )))
            }
        };
        body["name"] = json!(cmd.as_str());
        if !ids.is_empty() {
            body["movieIds"] = json!(ids);
        }
        let runner = &self.inner.commands;
        let key = format!("{}:{:?}", cmd.as_str(), ids);
        // Held until the new command is in `active`: an identical request waiting here then
        // finds it and returns it instead of inserting a second one.
        let _submitting = runner.submitting.lock(&key).await;
        if let Some(id) = runner.active.lock().get(&key).copied() {
            if let Some(rec) = runner.recent.lock().get(&id).cloned() {
                return Ok(rec);
            }
        }
        let rec = self
            .store()
            .add_command(cmd.as_str(), &body, trigger)
            .await?;
        runner.recent.lock().insert(rec.id, rec.clone());
        runner.active.lock().insert(key.clone(), rec.id);
        let me = self.clone();
        let queued = rec.clone();
        tokio::spawn(async move {
            me.run_command(cmd, ids, queued, key).await;
        });
        Ok(rec)
    }

    /// A command by id: the in-memory copy when recent, else the store's.
    pub async fn command(&self, id: i64) -> Result<Option<CommandRecord>, CommandError> {
        if let Some(r) = self.inner.commands.recent.lock().get(&id).cloned() {
            return Ok(Some(r));
        }
        Ok(self.store().command(id).await?)
    }

    /// Recent commands, newest first.
    pub async fn commands(&self, limit: u32) -> Result<Vec<CommandRecord>, CommandError> {
        let mut stored = match self.store().commands(limit).await {
            Ok(s) => s,
            Err(e) if e.is_outage() || matches!(e, StoreError::Unavailable { .. }) => Vec::new(),
            Err(e) => return Err(e.into()),
        };
        let recent = self.inner.commands.recent.lock().clone();
        let seen: HashSet<i64> = stored.iter().map(|c| c.id).collect();
        for c in stored.iter_mut() {
            if let Some(r) = recent.get(&c.id) {
                *c = r.clone();
            }
        }
        stored.extend(recent.into_values().filter(|c| !seen.contains(&c.id)));
        stored.sort_by_key(|c| std::cmp::Reverse(c.id));
        stored.truncate(limit as usize);
        Ok(stored)
    }

    async fn save_command(&self, rec: &CommandRecord) {
        self.inner
            .commands
            .recent
            .lock()
            .insert(rec.id, rec.clone());
        if let Err(e) = self.store().update_command(rec).await {
            tracing::warn!(command = %rec.name, id = rec.id, error = %e, "command state not saved");
        }
    }

    async fn run_command(
        &self,
        cmd: CommandName,
        ids: Vec<i64>,
        mut rec: CommandRecord,
        key: String,
    ) {
        let slots = self.inner.commands.slots.clone();
        let _permit = slots.acquire_owned().await;
        let start = std::time::Instant::now();
        rec.status = "started".into();
        rec.started_at = Some(Utc::now());
        self.save_command(&rec).await;
        let result = self.execute(cmd, &ids).await;
        let elapsed = start.elapsed();
        rec.ended_at = Some(Utc::now());
        let (status, message) = match &result {
            Ok(m) => ("completed", m.clone()),
            Err(m) => ("failed", m.clone()),
        };
        rec.status = status.into();
        rec.message = Some(message.clone());
        self.inner.tasks.record(
            cmd,
            rec.started_at.unwrap_or_else(Utc::now),
            elapsed,
            status,
            &message,
        );
        tracing::info!(command = cmd.as_str(), id = rec.id, status, %message, ms = elapsed.as_millis() as u64, "command finished");
        self.inner.commands.active.lock().remove(&key);
        self.save_command(&rec).await;
        self.trim_recent();
    }

    fn trim_recent(&self) {
        let mut recent = self.inner.commands.recent.lock();
        if recent.len() > 200 {
            let mut ids: Vec<i64> = recent.keys().copied().collect();
            ids.sort_unstable();
            for id in &ids[..ids.len() - 200] {
                recent.remove(id);
            }
        }
    }

    async fn execute(&self, cmd: CommandName, ids: &[i64]) -> RunResult {
        let text = |e: AutomationError| e.to_string();
        match cmd {
            CommandName::MoviesSearch => self.search_movies(ids).await,
            CommandName::MissingMoviesSearch => {
                let ids = self.missing_movie_ids().await.map_err(text)?;
                if ids.is_empty() {
                    return Ok("no monitored movie is missing".into());
                }
                self.search_movies(&ids).await
            }
            CommandName::RefreshMovie => {
                let r = self.refresh_movies(ids).await.map_err(text)?;
                let msg = format!("refreshed {} movies, kept {}", r.refreshed, r.kept);
                match r.first_error {
                    Some(e) if r.refreshed == 0 && r.kept > 0 => Err(format!("{msg}: {e}")),
                    Some(e) => Ok(format!("{msg} ({e})")),
                    None => Ok(msg),
                }
            }
            CommandName::RefreshMonitoredDownloads | CommandName::DownloadedMoviesScan => {
                if !self.inner.downloads.is_configured() {
                    return Ok("qBittorrent is not configured; nothing to check".into());
                }
                self.inner.tracker.poll_once(&self.inner.downloads).await;
                if let Some(e) = self.inner.tracker.snapshot().error {
                    return Err(format!("qBittorrent could not be checked: {e}"));
                }
                let force = cmd == CommandName::DownloadedMoviesScan;
                let pass = self.import_completed(force).await;
                let msg = format!("imported {}, {} failed", pass.imported.len(), pass.failed);
                if pass.failed > 0 && pass.imported.is_empty() {
                    Err(msg)
                } else {
                    Ok(msg)
                }
            }
        }
    }

    async fn search_movies(&self, ids: &[i64]) -> RunResult {
        let (mut grabbed, mut none, mut errors) = (0, 0, Vec::new());
        let mut last_message = String::new();
        for id in ids {
            match self.search_and_grab(*id).await {
                Ok(r) if r.grabbed.is_some() => {
                    grabbed += 1;
                    last_message = r.message;
                }
                Ok(r) => {
                    none += 1;
                    last_message = r.message;
                }
                Err(e) => errors.push(format!("movie {id}: {e}")),
            }
        }
        let msg = if ids.len() == 1 && errors.is_empty() {
            last_message
        } else {
            format!(
                "searched {} movies: {grabbed} grabbed, {none} without an acceptable release{}",
                ids.len(),
                if errors.is_empty() {
                    String::new()
                } else {
                    format!(", {} failed ({})", errors.len(), errors.join("; "))
                }
            )
        };
        if !errors.is_empty() && grabbed + none == 0 {
            Err(msg)
        } else {
            Ok(msg)
        }
    }

    /// Monitored, available movies without a file (or below their profile's cutoff when it
    /// allows upgrades) and without a download on the way.
    async fn missing_movie_ids(&self) -> Result<Vec<i64>, AutomationError> {
        let mut busy: HashSet<i64> = self
            .inner
            .tracker
            .snapshot()
            .items
            .iter()
            .filter_map(|d| d.movie_id)
            .collect();
        if let Ok(entries) = self.inner.downloads.journal().list().await {
            busy.extend(
                entries
                    .iter()
                    .filter(|e| matches!(e.state, OpState::Pending | OpState::InFlight))
                    .filter_map(|e| e.payload.movie_id),
            );
        }
        let now = Utc::now();
        let profiles: HashMap<i64, QualityProfile> = self
            .store()
            .profiles()
            .await?
            .into_iter()
            .filter_map(|p| Some((p.id, serde_json::from_value(p.data).ok()?)))
            .collect();
        let formats = crate::services::formats::load_formats(self.store()).await?;
        // Missing, or (when the profile allows upgrades) below the cutoff (quality or score).
        let wanted = |m: &crate::domain::movie::Movie| match &m.file {
            None => true,
            Some(f) => {
                let (Some(profile), Ok(have)) = (
                    profiles.get(&m.quality_profile_id),
                    serde_json::from_value::<QualityModel>(f.quality.clone()),
                ) else {
                    return false;
                };
                profile.upgrade_allowed
                    && crate::domain::decision::cutoff_unmet(profile, &formats, m, &have)
            }
        };
        Ok(self
            .store()
            .movies()
            .await?
            .into_iter()
            .filter(|m| m.monitored && !busy.contains(&m.id) && wanted(m))
            .filter(|m| availability::is_available(m, now))
            .map(|m| m.id)
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_case_insensitively() {
        assert_eq!(
            CommandName::parse("moviessearch"),
            Some(CommandName::MoviesSearch)
        );
        assert_eq!(
            CommandName::parse(" DownloadedMoviesScan"),
            Some(CommandName::DownloadedMoviesScan)
        );
        assert_eq!(CommandName::parse("RssSync"), None);
    }

    #[test]
    fn movie_ids_are_validated() {
        assert_eq!(
            movie_ids(&json!({"movieIds": [3, 4]}), true).unwrap(),
            vec![3, 4]
        );
        assert_eq!(movie_ids(&json!({"movieId": 7}), true).unwrap(), vec![7]);
        assert!(movie_ids(&json!({}), true).is_err());
        assert!(movie_ids(&json!({}), false).unwrap().is_empty());
        assert!(movie_ids(&json!({"movieIds": "1"}), false).is_err());
        assert!(movie_ids(&json!({"movieIds": [0]}), false).is_err());
        assert!(movie_ids(&json!({"movieIds": [1.5]}), false).is_err());
    }
}
