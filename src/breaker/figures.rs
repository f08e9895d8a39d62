//! The seed's figures per service (issue 17): recovery time (how long each outage lasted, from
//! leaving closed to closed again: the last one and a histogram) and availability (the share of
//! observed time the breaker was closed over 1 h / 24 h / 7 d).
//!
//! Why here and like this: they are fed by the registry's transition events, never by calls, so
//! the closed path pays nothing; a listener only updates memory. The app saves them to a small
//! JSON file in the data dir from a background task (at most every few seconds, and on
//! shutdown), so a restart keeps them. Time the process was not running is not observed and
//! counts neither way; an outage still open when the process stopped ends at the last save.
//!
//! Available means closed or disabled (forced closed). Open, half-open and forced open are not:
//! the service's calls are refused or rationed, whoever decided it. So an operator's forced open
//! lowers availability, and its end (close, reset or disable) is a recovery like any other.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use parking_lot::Mutex;
use serde::{Deserialize, Serialize};

use super::clock::Clock;
use super::events::BreakerEvent;
use super::machine::CircuitBreaker;
use super::state::BreakerState;

/// File name of the saved figures inside the data dir.
pub const FIGURES_FILE: &str = "breaker-figures.json";
/// The availability windows: label (API keys, the `window` metric label) and length in seconds.
pub const AVAILABILITY_WINDOWS: [(&str, i64); 3] = [("1h", 3600), ("24h", 86_400), ("7d", 604_800)];
/// Upper bounds (seconds) of the recovery-time histogram: from a quick probe to a day-long outage.
pub const RECOVERY_BUCKETS_SECONDS: [f64; 12] = [
    1.0, 5.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0, 3600.0, 21_600.0, 86_400.0,
];
/// A change is saved within this (the background task's tick).
pub const SAVE_EVERY: Duration = Duration::from_secs(5);
/// With no change, the file is still rewritten this often, so the end of the observed time (and
/// of an outage open at a crash) is known to within it.
pub const HEARTBEAT: Duration = Duration::from_secs(60);

const WEEK_MS: i64 = 604_800_000;
/// Most outages kept per service (a week of one a few minutes), so a breaker flapping all week
/// keeps a small file. Past it the two oldest merge into one: the gap between them then counts as
/// down, so the longer windows err low, never high.
pub const MAX_OUTAGES: usize = 2000;

/// One service's record: outages of the last 7 days (`[start, end]`, unix ms; `end` none while
/// ongoing) and every recovery time seen.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
struct ServiceRecord {
    outages: Vec<(i64, Option<i64>)>,
    last_recovery_seconds: Option<f64>,
    last_recovery_at: Option<i64>,
    /// Recoveries per bucket of [`RECOVERY_BUCKETS_SECONDS`] (not cumulative), then one more
    /// past the largest bound.
    buckets: Vec<u64>,
    sum_seconds: f64,
    count: u64,
}

/// The file's content.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Saved {
    /// The histogram bounds the buckets were counted with (a change moves old counts to +Inf).
    bounds: Vec<f64>,
    /// The spans (unix ms) a process observed the breakers; availability counts only these.
    runs: Vec<(i64, i64)>,
    services: BTreeMap<String, ServiceRecord>,
}

struct Inner {
    saved: Saved,
    /// Changed since the last save.
    dirty: bool,
    /// Monotonic time of the last save (or of the load).
    saved_at: Duration,
}

/// A service's recovery figures as the APIs show them.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct RecoveryFigures {
    /// Outages recovered from (open → closed), ever.
    pub count: u64,
    /// Length of the last one.
    pub last_seconds: Option<f64>,
    /// When it ended.
    pub last_at: Option<DateTime<Utc>>,
    /// Total length of all of them (the histogram's `_sum`).
    pub sum_seconds: f64,
    /// Cumulative counts per [`RECOVERY_BUCKETS_SECONDS`] bound (the last one, +Inf, is `count`).
    #[serde(skip)]
    pub cumulative: Vec<u64>,
}

/// A service's figures: availability per window (`1h`, `24h`, `7d`, each 0..1) and recoveries.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ServiceFigures {
    pub availability: BTreeMap<&'static str, f64>,
    pub recovery: RecoveryFigures,
}

/// Every service's figures; shared by the event listener, the saving task, health, the API and
/// `/metrics`.
pub struct Figures {
    clock: Arc<dyn Clock>,
    path: Option<PathBuf>,
    inner: Mutex<Inner>,
    /// Held while the file is written, so the shutdown save and a late periodic one never
    /// write the temporary file at once.
    writing: Mutex<()>,
}

impl std::fmt::Debug for Figures {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Figures").field("path", &self.path).finish()
    }
}

/// Whether a state counts as available (see the module comment).
fn up(s: BreakerState) -> bool {
    matches!(s, BreakerState::Closed | BreakerState::Disabled)
}

fn bucket_of(secs: f64) -> usize {
    RECOVERY_BUCKETS_SECONDS
        .iter()
        .position(|b| secs <= *b)
        .unwrap_or(RECOVERY_BUCKETS_SECONDS.len())
}

/// Milliseconds of `[a, b)` inside `[from, to)`.
fn overlap(a: i64, b: i64, from: i64, to: i64) -> i64 {
    (b.min(to) - a.max(from)).max(0)
}

impl ServiceRecord {
    fn open_outage(&self) -> bool {
        self.outages.last().is_some_and(|o| o.1.is_none())
    }

    /// Starts an outage at `at` unless one is open (events and reconciling may both see it).
    fn went_down(&mut self, at: i64) {
        if !self.open_outage() {
            self.outages.push((at, None));
        }
        if self.outages.len() > MAX_OUTAGES {
            let second = self.outages.remove(1);
            self.outages[0].1 = second.1;
        }
    }

    /// Ends the open outage at `at`; `recovered` records its length as a recovery time (not so
    /// when the breaker went away).
    fn came_up(&mut self, at: i64, recovered: bool) {
        let Some(o) = self.outages.last_mut().filter(|o| o.1.is_none()) else {
            return;
        };
        let end = at.max(o.0);
        o.1 = Some(end);
        if !recovered {
            return;
        }
        let secs = (end - o.0) as f64 / 1000.0;
        self.last_recovery_seconds = Some(secs);
        self.last_recovery_at = Some(end);
        self.buckets.resize(RECOVERY_BUCKETS_SECONDS.len() + 1, 0);
        self.buckets[bucket_of(secs)] += 1;
        self.sum_seconds += secs;
        self.count += 1;
    }
}

impl Saved {
    /// Drops what no window can see any more (ended outages and runs older than 7 days).
    fn prune(&mut self, now_ms: i64) {
        let week_ago = now_ms - WEEK_MS;
        // The current run (the last) stays whatever its last save says.
        let current = self.runs.pop();
        self.runs.retain(|r| r.1 >= week_ago);
        self.runs.extend(current);
        for s in self.services.values_mut() {
            s.outages
                .retain(|o| !matches!(o.1, Some(end) if end < week_ago));
        }
    }
}

impl Figures {
    /// Loads the figures saved at `path` (none, unreadable or absent: start empty, logged when
    /// unreadable) and starts a new observed run now. An outage a stop left open ends where its
    /// run ended, the last save.
    pub fn load(path: Option<PathBuf>, clock: Arc<dyn Clock>) -> Figures {
        let now = clock.wall().timestamp_millis();
        let mut saved: Saved = match path.as_ref().map(std::fs::read) {
            Some(Ok(bytes)) => serde_json::from_slice(&bytes).unwrap_or_else(|e| {
                tracing::warn!(error = %e, "breaker figures unreadable; starting them afresh");
                Saved::default()
            }),
            _ => Saved::default(),
        };
        let last_end = saved.runs.last().map_or(now, |r| r.1.min(now));
        for s in saved.services.values_mut() {
            if let Some(o) = s.outages.last_mut().filter(|o| o.1.is_none()) {
                o.1 = Some(last_end.max(o.0));
            }
        }
        if saved.bounds != RECOVERY_BUCKETS_SECONDS {
            // Counted against other bounds: keep count and sum, place them all past the last bound.
            for s in saved.services.values_mut() {
                s.buckets = vec![0; RECOVERY_BUCKETS_SECONDS.len() + 1];
                s.buckets[RECOVERY_BUCKETS_SECONDS.len()] = s.count;
            }
            saved.bounds = RECOVERY_BUCKETS_SECONDS.to_vec();
        }
        saved.runs.push((now, now));
        saved.prune(now);
        Figures {
            path,
            inner: Mutex::new(Inner {
                saved,
                dirty: true,
                saved_at: clock.now(),
            }),
            writing: Mutex::new(()),
            clock,
        }
    }

    /// Notes one transition (a registry listener): leaving the available states starts an
    /// outage, coming back ends it and records its length. Memory only; saving is
    /// [`Figures::save_if_due`]'s.
    pub fn on_event(&self, ev: &BreakerEvent) {
        let at = ev.at.timestamp_millis();
        let mut g = self.inner.lock();
        let s = g.saved.services.entry(ev.service.clone()).or_default();
        match (up(ev.from), up(ev.to)) {
            (true, false) => s.went_down(at),
            (false, true) => s.came_up(at, true),
            _ => return,
        }
        g.saved.prune(at);
        g.dirty = true;
    }

    /// Brings the record in line with the breakers' live states, for what no event said: a
    /// breaker that tripped before the listener was added, or one removed while open (its
    /// outage ends, not as a recovery). States are read under the lock, so a transition whose
    /// event is still on its way is either seen here or applied after, never both.
    pub fn reconcile(&self, breakers: &[Arc<CircuitBreaker>]) {
        let now = self.clock.wall().timestamp_millis();
        let mut g = self.inner.lock();
        let mut changed = false;
        for b in breakers {
            let s = g.saved.services.entry(b.name().to_string()).or_default();
            match (up(b.state()), s.open_outage()) {
                (false, false) => s.went_down(now),
                (true, true) => s.came_up(now, true),
                _ => continue,
            }
            changed = true;
        }
        for (name, s) in g.saved.services.iter_mut() {
            if s.open_outage() && !breakers.iter().any(|b| b.name() == name) {
                s.came_up(now, false);
                changed = true;
            }
        }
        g.dirty |= changed;
    }

    /// Saves when something changed and [`SAVE_EVERY`] has passed since the last save, or
    /// [`HEARTBEAT`] has; returns whether it wrote. Blocking file I/O: call it off the async
    /// threads.
    pub fn save_if_due(&self) -> bool {
        {
            let g = self.inner.lock();
            let since = self.clock.now().saturating_sub(g.saved_at);
            if !(g.dirty && since >= SAVE_EVERY || since >= HEARTBEAT) {
                return false;
            }
        }
        self.save().is_ok()
    }

    /// Writes the file now (on shutdown, and from [`Figures::save_if_due`]): the current run ends
    /// at this save. Written to a temporary file, synced and renamed over the old one, so a crash
    /// leaves either the old figures or the new ones. Failures are logged and returned.
    pub fn save(&self) -> std::io::Result<()> {
        let Some(path) = &self.path else {
            return Ok(());
        };
        let _writing = self.writing.lock();
        let now = self.clock.wall().timestamp_millis();
        let bytes = {
            let mut g = self.inner.lock();
            if let Some(run) = g.saved.runs.last_mut() {
                run.1 = now.max(run.0);
            }
            g.saved.prune(now);
            g.dirty = false;
            g.saved_at = self.clock.now();
            serde_json::to_vec(&g.saved).map_err(std::io::Error::other)?
        };
        let tmp = path.with_extension("json.tmp");
        let write = || -> std::io::Result<()> {
            use std::io::Write;
            let mut f = std::fs::File::create(&tmp)?;
            f.write_all(&bytes)?;
            f.sync_all()?;
            std::fs::rename(&tmp, path)
        };
        write().inspect_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            self.inner.lock().dirty = true;
            tracing::warn!(file = %path.display(), error = %e, "could not save the breaker figures");
        })
    }

    /// Service `name`'s figures now (a service never seen: fully available, no recoveries).
    pub fn service(&self, name: &str) -> ServiceFigures {
        let now = self.clock.wall().timestamp_millis();
        let g = self.inner.lock();
        let empty = ServiceRecord::default();
        let s = g.saved.services.get(name).unwrap_or(&empty);
        let last_run = g.saved.runs.len().saturating_sub(1);
        let availability = AVAILABILITY_WINDOWS
            .iter()
            .map(|(label, secs)| {
                let from = now - secs * 1000;
                let observed: i64 = g
                    .saved
                    .runs
                    .iter()
                    .enumerate()
                    .map(|(i, r)| overlap(r.0, if i == last_run { now } else { r.1 }, from, now))
                    .sum();
                let down: i64 = s
                    .outages
                    .iter()
                    .map(|o| overlap(o.0, o.1.unwrap_or(now), from, now))
                    .sum();
                let share = if observed <= 0 {
                    1.0
                } else {
                    (1.0 - down as f64 / observed as f64).clamp(0.0, 1.0)
                };
                (*label, share)
            })
            .collect();
        let mut cumulative = Vec::with_capacity(RECOVERY_BUCKETS_SECONDS.len() + 1);
        let mut total = 0;
        for i in 0..=RECOVERY_BUCKETS_SECONDS.len() {
            total += s.buckets.get(i).copied().unwrap_or(0);
            cumulative.push(total);
        }
        ServiceFigures {
            availability,
            recovery: RecoveryFigures {
                count: s.count,
                last_seconds: s.last_recovery_seconds,
                last_at: s.last_recovery_at.and_then(DateTime::from_timestamp_millis),
                sum_seconds: s.sum_seconds,
                cumulative,
            },
        }
    }
}

#[cfg(test)]
mod tests;
