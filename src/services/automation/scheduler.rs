//! The scheduler: runs `RefreshMovie`, `MissingMoviesSearch` and `RefreshMonitoredDownloads` as
//! `scheduled` commands at the intervals of `[automation]` (read live, 0 = off), and keeps each
//! task's last run, duration and outcome for `GET /api/v3/system/task`.

use super::commands::CommandName;
use super::Automation;
use crate::config::AutomationConfig;
use crate::services::chains::{Chains, Hold};
use chrono::{DateTime, Utc};
use parking_lot::Mutex;
use serde::Serialize;
use serde_json::json;
use std::time::Duration;

/// One scheduled task as the API shows it.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskStatus {
    pub id: i64,
    pub name: &'static str,
    pub task_name: &'static str,
    /// Minutes between runs (0 = off).
    pub interval: u64,
    pub last_execution: Option<DateTime<Utc>>,
    pub last_start_time: Option<DateTime<Utc>>,
    pub next_execution: Option<DateTime<Utc>>,
    /// Radarr's "hh:mm:ss.fffffff".
    pub last_duration: String,
    /// `completed`, `failed`, or `skipped` when a breaker chain held it (reelarr extra).
    pub last_outcome: Option<&'static str>,
    pub last_message: Option<String>,
}

const TASKS: [(CommandName, &str); 3] = [
    (
        CommandName::RefreshMonitoredDownloads,
        "Refresh Monitored Downloads",
    ),
    (CommandName::MissingMoviesSearch, "Missing Movies Search"),
    (CommandName::RefreshMovie, "Refresh Movie"),
];

fn interval(cmd: CommandName, cfg: &AutomationConfig) -> Duration {
    match cmd {
        CommandName::RefreshMonitoredDownloads => {
            Duration::from_secs(cfg.download_check_interval_seconds)
        }
        CommandName::MissingMoviesSearch => {
            Duration::from_secs(cfg.missing_search_interval_hours * 3600)
        }
        CommandName::RefreshMovie => Duration::from_secs(cfg.refresh_interval_hours * 3600),
        _ => Duration::ZERO,
    }
}

struct Slot {
    cmd: CommandName,
    name: &'static str,
    next: DateTime<Utc>,
    last_start: Option<DateTime<Utc>>,
    last_end: Option<DateTime<Utc>>,
    last_duration: Duration,
    last_outcome: Option<&'static str>,
    last_message: Option<String>,
}

/// Task bookkeeping shared by the scheduler loop and command runs.
pub(super) struct Tasks {
    slots: Mutex<Vec<Slot>>,
}

fn span(d: Duration) -> String {
    let s = d.as_secs();
    format!(
        "{:02}:{:02}:{:02}.{:07}",
        s / 3600,
        s / 60 % 60,
        s % 60,
        d.subsec_nanos() / 100
    )
}

impl Tasks {
    pub(super) fn new(cfg: &AutomationConfig) -> Self {
        let now = Utc::now();
        let slots = TASKS
            .iter()
            .map(|(cmd, name)| Slot {
                cmd: *cmd,
                name,
                next: now + chrono::Duration::from_std(interval(*cmd, cfg)).unwrap_or_default(),
                // As Radarr: a task that never ran counts as run when the scheduler started
                // (lastOutcome stays empty until it really runs).
                last_start: Some(now),
                last_end: Some(now),
                last_duration: Duration::ZERO,
                last_outcome: None,
                last_message: None,
            })
            .collect();
        Tasks {
            slots: Mutex::new(slots),
        }
    }

    /// Notes a finished run of `cmd` (manual or scheduled); a manual run also resets the timer.
    pub(super) fn record(
        &self,
        cmd: CommandName,
        started: DateTime<Utc>,
        took: Duration,
        outcome: &'static str,
        message: &str,
    ) {
        if let Some(s) = self.slots.lock().iter_mut().find(|s| s.cmd == cmd) {
            s.last_start = Some(started);
            s.last_end = Some(Utc::now());
            s.last_duration = took;
            s.last_outcome = Some(outcome);
            s.last_message = Some(message.to_string());
        }
    }

    /// Tasks due now under `cfg`; their next run is pushed one interval ahead.
    fn take_due(&self, cfg: &AutomationConfig, now: DateTime<Utc>) -> Vec<CommandName> {
        let mut due = Vec::new();
        for s in self.slots.lock().iter_mut() {
            let every = interval(s.cmd, cfg);
            if every.is_zero() {
                continue;
            }
            let every = chrono::Duration::from_std(every).unwrap_or_default();
            // A shortened interval applies at once instead of after the old, longer wait.
            if s.next > now + every {
                s.next = now + every;
            }
            if s.next <= now {
                due.push(s.cmd);
                s.next = now + every;
            }
        }
        due
    }

    fn list(&self, cfg: &AutomationConfig) -> Vec<TaskStatus> {
        self.slots
            .lock()
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let every = interval(s.cmd, cfg);
                TaskStatus {
                    id: i as i64 + 1,
                    name: s.name,
                    task_name: s.cmd.as_str(),
                    interval: every.as_secs() / 60,
                    last_execution: s.last_end,
                    last_start_time: s.last_start,
                    next_execution: (!every.is_zero()).then_some(s.next),
                    last_duration: span(s.last_duration),
                    last_outcome: s.last_outcome,
                    last_message: s.last_message.clone(),
                }
            })
            .collect()
    }
}

/// The hold that keeps scheduled task `cmd` from starting now: only searches are held (by the
/// database, or by every indexer being open); a skipped run is `skipped` with the reason.
fn held(cmd: CommandName, chains: &Chains) -> Option<Hold> {
    (cmd == CommandName::MissingMoviesSearch)
        .then(|| chains.searches())
        .flatten()
}

impl Automation {
    /// Scheduled tasks with their last run and next run.
    pub fn tasks(&self) -> Vec<TaskStatus> {
        self.inner.tasks.list(&self.inner.config.get().automation)
    }

    /// Runs due tasks until the runtime stops; checks once a second.
    pub fn spawn_scheduler(&self) -> tokio::task::JoinHandle<()> {
        let me = self.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(1));
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                let cfg = me.inner.config.get().automation.clone();
                for cmd in me.inner.tasks.take_due(&cfg, Utc::now()) {
                    if let Some(hold) = held(cmd, &me.inner.chains) {
                        tracing::info!(task = cmd.as_str(), held_by = %hold.held_by, "scheduled search skipped: {}", hold.message);
                        let now = Utc::now();
                        me.inner
                            .tasks
                            .record(cmd, now, Duration::ZERO, "skipped", &hold.message);
                        continue;
                    }
                    if let Err(e) = me
                        .submit_command(cmd.as_str(), json!({}), "scheduled")
                        .await
                    {
                        tracing::warn!(task = cmd.as_str(), error = %e, "scheduled task not started");
                    }
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn due_tasks_follow_the_live_intervals() {
        let mut cfg = AutomationConfig {
            download_check_interval_seconds: 60,
            missing_search_interval_hours: 0,
            refresh_interval_hours: 24,
            ..Default::default()
        };
        let tasks = Tasks::new(&cfg);
        let t0 = Utc::now();
        assert!(tasks.take_due(&cfg, t0).is_empty());
        // Shortening an interval takes effect without waiting out the old one.
        cfg.refresh_interval_hours = 1;
        let later = t0 + chrono::Duration::seconds(61);
        assert_eq!(
            tasks.take_due(&cfg, later),
            vec![CommandName::RefreshMonitoredDownloads]
        );
        assert!(tasks.take_due(&cfg, later).is_empty(), "pushed ahead");
        let soon = later + chrono::Duration::seconds(3601);
        assert!(tasks
            .take_due(&cfg, soon)
            .contains(&CommandName::RefreshMovie));
        let list = tasks.list(&cfg);
        assert_eq!(list[1].next_execution, None, "missing search is off");
        assert_eq!(list[2].interval, 60);
        assert_eq!(span(Duration::from_millis(1500)), "00:00:01.5000000");
    }

    #[test]
    fn only_searches_are_held_and_only_while_the_database_is_open() {
        use crate::breaker::{BreakerConfig, ManualClock, Registry};
        let reg = std::sync::Arc::new(Registry::new(std::sync::Arc::new(ManualClock::default())));
        let db = reg.register("database", BreakerConfig::default());
        let chains = Chains::new(reg, crate::services::search::SearchService::new(vec![]));
        assert_eq!(held(CommandName::MissingMoviesSearch, &chains), None);
        db.force_open();
        let hold = held(CommandName::MissingMoviesSearch, &chains).expect("held");
        assert_eq!(hold.held_by, "database");
        assert_eq!(held(CommandName::RefreshMonitoredDownloads, &chains), None);
        assert_eq!(held(CommandName::RefreshMovie, &chains), None);
    }
}
