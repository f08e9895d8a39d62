//! The figures with an injected clock: windows, the histogram, forced states, reconciling with
//! live breakers, saving on time, and what a restart (clean or not) keeps.

use super::*;
use crate::breaker::{BreakerConfig, ManualClock, Registry};
use BreakerState::*;

struct Rig {
    clock: Arc<ManualClock>,
    figures: Figures,
}

impl Rig {
    fn new(path: Option<PathBuf>) -> Rig {
        let clock = Arc::new(ManualClock::new());
        let figures = Figures::load(path, clock.clone());
        Rig { clock, figures }
    }

    /// Moves the clock on by `secs` seconds.
    fn wait(&self, secs: u64) {
        self.clock.advance(Duration::from_secs(secs));
    }

    /// A transition of `service` now.
    fn ev(&self, service: &str, from: BreakerState, to: BreakerState) {
        self.figures.on_event(&BreakerEvent {
            service: service.into(),
            from,
            to,
            at: self.clock.wall(),
            reason: String::new(),
        });
    }
}

fn close_to(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

#[test]
fn windows_and_histogram_follow_outages_and_recoveries() {
    let r = Rig::new(None);
    r.wait(600);
    // Down 30 s: open, half-open, closed.
    r.ev("tmdb", Closed, Open);
    r.wait(20);
    r.ev("tmdb", Open, HalfOpen);
    r.wait(10);
    r.ev("tmdb", HalfOpen, Closed);
    // Down 6 min, with a failed trial in between (still one outage).
    r.wait(570);
    r.ev("tmdb", Closed, Open);
    r.wait(100);
    r.ev("tmdb", Open, HalfOpen);
    r.ev("tmdb", HalfOpen, Open);
    r.wait(260);
    r.ev("tmdb", Open, Closed);
    r.wait(2040); // now 3600 s after the start
    let f = r.figures.service("tmdb");
    assert_eq!(f.recovery.count, 2);
    assert_eq!(f.recovery.last_seconds, Some(360.0));
    assert_eq!(f.recovery.sum_seconds, 390.0);
    assert_eq!(
        f.recovery.last_at,
        Some(r.clock.wall() - chrono::Duration::seconds(2040))
    );
    // 30 s ≤ 30, 360 s ≤ 600; cumulative, +Inf last.
    assert_eq!(
        f.recovery.cumulative,
        [0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2]
    );
    assert!(close_to(f.availability["1h"], 1.0 - 390.0 / 3600.0));
    // Only one hour observed so far: the longer windows see the same hour.
    assert_eq!(f.availability["24h"], f.availability["1h"]);
    assert_eq!(f.availability["7d"], f.availability["1h"]);
    // Another service never went down.
    let other = r.figures.service("hdbits");
    assert_eq!(other.availability["7d"], 1.0);
    assert_eq!(
        (other.recovery.count, other.recovery.last_seconds),
        (0, None)
    );

    // Two hours on: the outages left the 1 h window, not the 24 h one.
    r.wait(7200);
    let f = r.figures.service("tmdb");
    assert_eq!(f.availability["1h"], 1.0);
    assert!(close_to(f.availability["24h"], 1.0 - 390.0 / 10_800.0));
    // An outage still going counts up to now.
    r.ev("tmdb", Closed, Open);
    r.wait(900);
    let f = r.figures.service("tmdb");
    assert!(close_to(f.availability["1h"], 1.0 - 900.0 / 3600.0));
    assert_eq!(f.recovery.count, 2, "not a recovery yet");
    // Eight days on, the week window forgot the first two outages; the histogram did not.
    r.ev("tmdb", Open, Closed);
    r.wait(8 * 86_400);
    let f = r.figures.service("tmdb");
    assert_eq!(f.availability["7d"], 1.0);
    assert_eq!(f.recovery.count, 3);
    r.ev("hdbits", Closed, Open); // any event drops what no window sees any more
    assert!(r.figures.inner.lock().saved.services["tmdb"]
        .outages
        .is_empty());
}

#[test]
fn forced_open_is_unavailable_and_forced_closed_is_available() {
    let r = Rig::new(None);
    r.wait(100);
    r.ev("qbittorrent", Closed, ForcedOpen);
    r.wait(50);
    r.ev("qbittorrent", ForcedOpen, Disabled);
    r.wait(50);
    // Disabled → closed is no change; closed → disabled neither.
    r.ev("qbittorrent", Disabled, Closed);
    r.ev("qbittorrent", Closed, Disabled);
    r.wait(100);
    let f = r.figures.service("qbittorrent");
    assert!(close_to(f.availability["1h"], 1.0 - 50.0 / 300.0));
    assert_eq!(f.recovery.count, 1);
    assert_eq!(f.recovery.last_seconds, Some(50.0));
}

#[test]
fn real_breaker_events_and_reconciling_with_live_states() {
    let clock = Arc::new(ManualClock::new());
    let registry = Arc::new(Registry::new(clock.clone()));
    let tmdb = registry.register("tmdb", BreakerConfig::with_defaults(5, 60));
    let db = registry.register("database", BreakerConfig::with_defaults(5, 60));
    // The database tripped before anyone listened.
    db.force_open();
    let figures = Arc::new(Figures::load(None, clock.clone()));
    let f2 = figures.clone();
    registry.add_listener(Arc::new(move |ev| f2.on_event(ev)));
    clock.advance(Duration::from_secs(10));
    tmdb.force_open();
    clock.advance(Duration::from_secs(40));
    tmdb.reset();
    assert_eq!(figures.service("tmdb").recovery.last_seconds, Some(40.0));
    assert_eq!(
        figures.service("database").availability["1h"],
        1.0,
        "unseen yet"
    );
    figures.reconcile(&registry.all());
    clock.advance(Duration::from_secs(50));
    db.close();
    let d = figures.service("database");
    assert_eq!(d.recovery.last_seconds, Some(50.0));
    assert!(close_to(d.availability["1h"], 0.5));
    // Reconciling again changes nothing: events and states agree.
    figures.reconcile(&registry.all());
    assert_eq!(figures.service("database").recovery.count, 1);
    // A breaker removed while open: its outage ends, and that is no recovery.
    let idx = registry.register("torznab:x", BreakerConfig::with_defaults(5, 60));
    idx.force_open();
    clock.advance(Duration::from_secs(100));
    registry.remove("torznab:x");
    figures.reconcile(&registry.all());
    clock.advance(Duration::from_secs(100));
    let x = figures.service("torznab:x");
    assert_eq!(x.recovery.count, 0);
    assert!(close_to(x.availability["1h"], 1.0 - 100.0 / 300.0));
}

#[test]
fn saves_on_time_and_a_restart_keeps_the_figures() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(FIGURES_FILE);
    let r = Rig::new(Some(path.clone()));
    assert!(!r.figures.save_if_due(), "a change waits SAVE_EVERY");
    r.wait(5);
    assert!(r.figures.save_if_due());
    assert!(path.exists());
    r.wait(30);
    assert!(
        !r.figures.save_if_due(),
        "nothing changed, no heartbeat due"
    );
    r.wait(30);
    assert!(r.figures.save_if_due(), "heartbeat");
    // Down 65 s, back, then a clean stop at 200 s.
    r.wait(5);
    r.ev("tmdb", Closed, Open);
    r.wait(65);
    r.ev("tmdb", Open, Closed);
    r.wait(65);
    r.figures.save().unwrap();
    let before = r.figures.service("tmdb");

    // Started again on the same file, an hour later: same figures, and the hour reelarr was not
    // running counts neither way.
    r.wait(3600);
    let again = Figures::load(Some(path.clone()), r.clock.clone());
    let after = again.service("tmdb");
    assert_eq!(after.recovery, before.recovery);
    assert!(close_to(after.availability["24h"], 1.0 - 65.0 / 200.0));
    assert_eq!(
        after.availability["1h"], 1.0,
        "the 1 h window saw no running time"
    );
    r.wait(100);
    let after = again.service("tmdb");
    assert!(close_to(after.availability["24h"], 1.0 - 65.0 / 300.0));
}

#[test]
fn an_outage_open_at_a_crash_ends_no_later_than_the_last_save() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(FIGURES_FILE);
    let r = Rig::new(Some(path.clone()));
    r.wait(100);
    r.ev("qbittorrent", Closed, Open);
    r.wait(10);
    assert!(r.figures.save_if_due());
    // Killed 40 s later without a save; started again 10 min after that.
    r.wait(40 + 600);
    let Rig { clock, figures } = r;
    drop(figures);
    let again = Figures::load(Some(path), clock.clone());
    let f = again.service("qbittorrent");
    assert_eq!(f.recovery.count, 0, "nobody saw it recover");
    // Observed: 110 s before the crash; down: the 10 s up to the last save.
    assert!(close_to(f.availability["24h"], 1.0 - 10.0 / 110.0));
    // It is not open any more: a new outage starts afresh.
    let g = again.inner.lock();
    assert!(!g.saved.services["qbittorrent"].open_outage());
}

#[test]
fn an_unreadable_file_or_other_bounds_do_not_lose_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(FIGURES_FILE);
    std::fs::write(&path, b"{ not json").unwrap();
    let r = Rig::new(Some(path.clone()));
    r.wait(1);
    r.ev("tmdb", Closed, Open);
    r.wait(2);
    r.ev("tmdb", Open, Closed);
    r.figures.save().unwrap();
    // A file counted with other bounds: count and sum kept, all past the last bound.
    let mut v: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    v["bounds"] = serde_json::json!([10.0]);
    std::fs::write(&path, v.to_string()).unwrap();
    let again = Figures::load(Some(path), r.clock.clone());
    let f = again.service("tmdb");
    assert_eq!((f.recovery.count, f.recovery.sum_seconds), (1, 2.0));
    assert_eq!(f.recovery.cumulative[0], 0);
    assert_eq!(f.recovery.cumulative.last(), Some(&1));
}

#[test]
fn a_flapping_breaker_keeps_a_bounded_record_that_errs_low() {
    let r = Rig::new(None);
    // 100 more outages than are kept: 1 s each, one every 10 s.
    let n = MAX_OUTAGES + 100;
    for _ in 0..n {
        r.wait(9);
        r.ev("tmdb", Closed, Open);
        r.wait(1);
        r.ev("tmdb", Open, Closed);
    }
    assert_eq!(
        r.figures.inner.lock().saved.services["tmdb"].outages.len(),
        MAX_OUTAGES
    );
    let f = r.figures.service("tmdb");
    assert_eq!(f.recovery.count, n as u64, "every recovery is counted");
    assert!(
        close_to(f.availability["1h"], 0.9),
        "recent outages are exact"
    );
    // The truth is 90 %; the 100 merges count their 9 s gaps as down, and nothing more.
    let week = f.availability["7d"];
    let observed = 10.0 * n as f64;
    assert!(week <= 0.9 + 1e-9, "{week}");
    assert!(week >= 0.9 - 100.0 * 9.0 / observed - 1e-9, "{week}");
}
