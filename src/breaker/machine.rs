//! The circuit breaker itself: admission, outcome recording and the transition machinery.
//!
//! Concurrency design: the live state is one packed `AtomicU64` (see `state.rs`). The closed
//! fast path is a single atomic load to admit and a handful of relaxed atomic adds to record.
//! Every state *transition* is serialized by a small mutex (slow path only) which re-checks the
//! word, writes the side data (open time, back-off level) and publishes the new word with a CAS;
//! half-open trial slots are taken lock-free with a CAS on the same word, so exactly
//! `half_open_max_calls` racing callers win. Listeners run after the mutex is released.

use std::sync::atomic::Ordering::{AcqRel, Acquire, Relaxed};
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64};
use std::sync::Arc;
use std::time::Duration;

use arc_swap::ArcSwap;
use chrono::{DateTime, Utc};
use parking_lot::Mutex;

use super::adaptive::Adaptive;
use super::clock::Clock;
use super::config::BreakerConfig;
use super::events::EventHub;
use super::outcome::Rejected;
use super::permit::Permit;
use super::state::{epoch_of, inflight_of, is_closed, pack, state_of, BreakerState, ONE_INFLIGHT};
use super::stats::{Counters, Histogram, Padded, SuccessStats, Window};

/// What the admission path reads on every call; kept on its own cache lines so the counters
/// written by other threads do not evict it.
pub(crate) struct Hot {
    pub(crate) word: AtomicU64,
    pub(crate) config: ArcSwap<BreakerConfig>,
    /// Copies of the two config values every success needs (`slow_call_ms` in nanos, 0 = off,
    /// and the window size), refreshed by every config store. They spare the success path an
    /// `ArcSwap` load; every other decision reads the `ArcSwap` itself.
    pub(crate) slow_call_nanos: AtomicU64,
    pub(crate) window_size: AtomicU32,
}

impl Hot {
    fn new(config: BreakerConfig) -> Self {
        let hot = Self {
            word: AtomicU64::new(pack(BreakerState::Closed, 0, 0, 0)),
            config: ArcSwap::from_pointee(config),
            slow_call_nanos: AtomicU64::new(0),
            window_size: AtomicU32::new(1),
        };
        let cfg = hot.config.load();
        hot.refresh_mirror(&cfg, cfg.slow_call().map_or(0, nanos));
        drop(cfg);
        hot
    }

    /// Refreshes the success path's copies: `slow_nanos` is the slow-call bar in effect (the
    /// configured one, or the adaptive one — see [`Adaptive::slow_call_nanos`]).
    pub(crate) fn refresh_mirror(&self, config: &BreakerConfig, slow_nanos: u64) {
        self.slow_call_nanos.store(slow_nanos, Relaxed);
        self.window_size.store(config.window(), Relaxed);
    }
}

/// When the current open period started and how it is stretched.
#[derive(Default)]
pub(crate) struct OpenTiming {
    pub(crate) opened_nanos: AtomicU64,
    pub(crate) level: AtomicU32,
    pub(crate) jitter_draw: AtomicU64,
    pub(crate) min_until_nanos: AtomicU64,
}

/// Failure details written only on the failure / misconfigured paths.
#[derive(Default, Clone)]
pub(crate) struct Details {
    pub(crate) last_failure_reason: Option<String>,
    pub(crate) last_failure_at: Option<DateTime<Utc>>,
    pub(crate) misconfigured_reason: Option<String>,
}

/// One protected dependency (TMDB, an indexer, qBittorrent, the database). Exists so a failing
/// service is cut off quickly, probed carefully, and reported precisely; share it as
/// `Arc<CircuitBreaker>` (usually obtained from the [`crate::breaker::Registry`]).
pub struct CircuitBreaker {
    pub(crate) hot: Padded<Hot>,
    pub(crate) counters: Padded<Counters>,
    pub(crate) successes: SuccessStats,
    pub(crate) failure_latency: Padded<Histogram>,
    pub(crate) window: Padded<Window>,
    pub(crate) open: OpenTiming,
    pub(crate) adaptive: Adaptive,
    pub(crate) misconfigured: AtomicBool,
    pub(crate) name: Arc<str>,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) hub: Arc<EventHub>,
    /// Serializes transitions; guards `opened_at` (wall time of the current open period).
    pub(crate) transition_lock: Mutex<Option<DateTime<Utc>>>,
    pub(crate) details: Mutex<Details>,
}

impl std::fmt::Debug for CircuitBreaker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CircuitBreaker")
            .field("name", &self.name)
            .field("state", &self.state())
            .finish_non_exhaustive()
    }
}

pub(crate) fn nanos(d: Duration) -> u64 {
    d.as_nanos().min(u64::MAX as u128) as u64
}

impl CircuitBreaker {
    /// A standalone breaker with its own event hub (tests, tools); the app uses
    /// [`crate::breaker::Registry::register`] so all events land in one ring.
    pub fn new(name: impl Into<Arc<str>>, config: BreakerConfig, clock: Arc<dyn Clock>) -> Self {
        Self::with_hub(name, config, clock, Arc::new(EventHub::default()))
    }

    /// A breaker reporting its transitions to `hub`.
    pub fn with_hub(
        name: impl Into<Arc<str>>,
        config: BreakerConfig,
        clock: Arc<dyn Clock>,
        hub: Arc<EventHub>,
    ) -> Self {
        Self {
            hot: Padded(Hot::new(config)),
            counters: Padded::default(),
            successes: SuccessStats::default(),
            failure_latency: Padded::default(),
            window: Padded::default(),
            open: OpenTiming::default(),
            adaptive: Adaptive::default(),
            misconfigured: AtomicBool::new(false),
            name: name.into(),
            clock,
            hub,
            transition_lock: Mutex::new(None),
            details: Mutex::new(Details::default()),
        }
    }

    /// The service name this breaker protects.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The current state (a racy read, as any state read is).
    pub fn state(&self) -> BreakerState {
        state_of(self.hot.word.load(Acquire))
    }

    /// The live configuration.
    pub fn config(&self) -> Arc<BreakerConfig> {
        self.hot.config.load_full()
    }

    /// The hub this breaker reports to (events ring and listeners).
    pub fn events(&self) -> &Arc<EventHub> {
        &self.hub
    }

    /// Replaces the configuration after validating it; never resets state or counters, so a
    /// runtime tweak cannot hide an outage. The next decision uses the new values.
    pub fn update_config(&self, config: BreakerConfig) -> Result<(), String> {
        config.validate()?;
        tracing::info!(service = %self.name, ?config, "circuit breaker config updated");
        self.store_config(config);
        Ok(())
    }

    /// Swaps the live config (never touching state or counters) and the success path's copies
    /// of it, serialized with adaptive latency rounds so neither overwrites the other's bar.
    pub(crate) fn store_config(&self, config: BreakerConfig) {
        let config = Arc::new(config);
        let _rounds = self.adaptive.latency.lock();
        self.hot
            .refresh_mirror(&config, self.adaptive.slow_call_nanos(&config));
        self.hot.config.store(config);
    }

    /// Asks to make one call. `Ok` carries a [`Permit`] that must be completed with the
    /// outcome; `Err` says why not and when to retry. Closed state: one atomic load.
    #[inline]
    pub fn try_acquire(&self) -> Result<Permit<'_>, Rejected> {
        let word = self.hot.word.load(Acquire);
        if is_closed(word) {
            return Ok(Permit::normal(self));
        }
        self.try_acquire_slow(word)
    }

    #[inline(never)]
    fn try_acquire_slow(&self, mut word: u64) -> Result<Permit<'_>, Rejected> {
        loop {
            let cfg = self.hot.config.load();
            match state_of(word) {
                BreakerState::Closed | BreakerState::Disabled => return Ok(Permit::normal(self)),
                BreakerState::ForcedOpen => {
                    return Err(self.reject(BreakerState::ForcedOpen, cfg.open_duration(0, 0.0)))
                }
                BreakerState::Open => {
                    let now = self.clock.now();
                    let until = self.open_until(&cfg);
                    if now < until {
                        return Err(self.reject(BreakerState::Open, until - now));
                    }
                    let seen = word;
                    let opened = Duration::from_nanos(self.open.opened_nanos.load(Relaxed));
                    let why = || {
                        format!(
                            "recovery timeout elapsed after {:.1}s open",
                            now.saturating_sub(opened).as_secs_f64()
                        )
                    };
                    // The caller that moves the breaker to half-open holds its first trial slot.
                    if let Some(new) = self.transition(BreakerState::HalfOpen, |c| c == seen, why) {
                        return Ok(Permit::trial(self, epoch_of(new)));
                    }
                    word = self.hot.word.load(Acquire);
                }
                BreakerState::HalfOpen => {
                    if inflight_of(word) >= cfg.max_trials() {
                        return Err(self.reject(BreakerState::HalfOpen, cfg.call_timeout()));
                    }
                    match self.hot.word.compare_exchange_weak(
                        word,
                        word + ONE_INFLIGHT,
                        AcqRel,
                        Acquire,
                    ) {
                        Ok(_) => return Ok(Permit::trial(self, epoch_of(word))),
                        Err(actual) => word = actual,
                    }
                }
            }
        }
    }

    fn reject(&self, state: BreakerState, retry_after: Duration) -> Rejected {
        self.counters.rejected.fetch_add(1, Relaxed);
        Rejected {
            service: self.name.clone(),
            state,
            retry_after,
        }
    }

    /// End of the current open period on the monotonic clock, from the live config.
    pub(crate) fn open_until(&self, cfg: &BreakerConfig) -> Duration {
        let opened = Duration::from_nanos(self.open.opened_nanos.load(Relaxed));
        let draw = f64::from_bits(self.open.jitter_draw.load(Relaxed));
        let level = self.open.level.load(Relaxed);
        let until = opened
            + if cfg.adaptive {
                self.adaptive.open_duration(cfg, level, draw)
            } else {
                cfg.open_duration(level, draw)
            };
        until.max(Duration::from_nanos(
            self.open.min_until_nanos.load(Relaxed),
        ))
    }
}
