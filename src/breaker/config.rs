//! Breaker configuration: the thresholds an operator may change at runtime.
//!
//! A [`BreakerConfig`] is held in an `ArcSwap` inside each breaker and read at every
//! decision, so a `PUT /api/v1/circuit-breakers/{service}`, a SIGHUP or a config-file edit
//! takes effect on the next call without touching state or counters.

use std::time::Duration;

use serde::{Deserialize, Deserializer, Serialize};

/// Largest failure-rate window: the window is a fixed bitset so the hot path never allocates.
pub const MAX_WINDOW_SIZE: u32 = 1024;

/// Largest number of simultaneous half-open trials (and success threshold); both live in
/// 16-bit fields of the packed state word, and more trials than this defeats the purpose.
pub const MAX_HALF_OPEN_CALLS: u32 = 1000;

/// The built-in defaults of every breaker, in registry order: the design card's four services,
/// then the template every `torznab:<name>` breaker starts from, then the one every
/// `notification:<name>` breaker (a webhook target) shares. The one table that
/// [`BreakerConfig::seed`], the config defaults and the written config file all read.
pub const SERVICE_DEFAULTS: [ServiceDefaults; 7] = [
    ServiceDefaults::new("tmdb", 5, 60, 10_000),
    ServiceDefaults::new("hdbits", 3, 90, 10_000),
    ServiceDefaults::new("qbittorrent", 3, 30, 10_000),
    // A local database that needs 5 s for one call is sick: fail it sooner.
    ServiceDefaults::new("database", 2, 15, 5_000),
    // TMDB's image host for the poster proxy: a page must never wait on a poster, so calls are
    // cut short and the fallback (a placeholder) is instant.
    ServiceDefaults::new("images", 3, 60, 3_000),
    ServiceDefaults::new("torznab", 3, 90, 10_000),
    // A webhook receiver has 5 s per attempt: a hung one must not hold the delivery queue.
    ServiceDefaults::new("notification", 3, 60, 5_000),
];

/// Seed defaults `(service, failure_threshold, recovery_timeout_seconds)` of the design card's
/// four services, read from [`SERVICE_DEFAULTS`], for callers that only need the two knobs.
pub const SEED_DEFAULTS: [(&str, u32, u64); 4] = {
    let mut out = [("", 0, 0); 4];
    let mut i = 0;
    while i < out.len() {
        let d = &SERVICE_DEFAULTS[i];
        out[i] = (d.service, d.failure_threshold, d.recovery_timeout_seconds);
        i += 1;
    }
    out
};

/// One row of [`SERVICE_DEFAULTS`]: what differs between the built-in breakers (everything
/// else is [`BreakerConfig::with_defaults`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ServiceDefaults {
    pub service: &'static str,
    pub failure_threshold: u32,
    pub recovery_timeout_seconds: u64,
    pub call_timeout_ms: u64,
}

impl ServiceDefaults {
    const fn new(service: &'static str, threshold: u32, timeout: u64, call_ms: u64) -> Self {
        ServiceDefaults {
            service,
            failure_threshold: threshold,
            recovery_timeout_seconds: timeout,
            call_timeout_ms: call_ms,
        }
    }

    /// The full breaker configuration this row stands for.
    pub fn config(&self) -> BreakerConfig {
        BreakerConfig {
            call_timeout_ms: self.call_timeout_ms,
            ..BreakerConfig::with_defaults(self.failure_threshold, self.recovery_timeout_seconds)
        }
    }
}

/// Tunables of one circuit breaker; exists so every rule of the state machine is data that can
/// be validated, persisted to TOML/JSON and swapped live.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
/// Unknown keys are tolerated here (the config layer warns about them by name).
#[serde(default)]
pub struct BreakerConfig {
    /// Consecutive failures that open a closed breaker (the seed's rule).
    pub failure_threshold: u32,
    /// How long an opened breaker rejects calls before admitting half-open trials.
    pub recovery_timeout_seconds: u64,
    /// How many trial calls may be in flight at once while half-open.
    pub half_open_max_calls: u32,
    /// Successful trials needed to close a half-open breaker.
    pub success_threshold: u32,
    /// Deadline applied by [`crate::breaker::CircuitBreaker::call`]; a timeout is a failure.
    pub call_timeout_ms: u64,
    /// A successful call slower than this counts as a failure (0 disables the rule).
    pub slow_call_ms: u64,
    /// Optional second trip rule: failure percentage (0–100] over the sliding window.
    pub failure_rate_threshold: Option<f64>,
    /// Number of most recent calls in the count-based sliding window.
    pub window_size: u32,
    /// Calls the window must hold before the failure-rate rule may trip.
    pub minimum_calls: u32,
    /// Growth of the open period per consecutive re-open (1.0 = constant).
    pub backoff_multiplier: f64,
    /// Cap of the grown open period (never below `recovery_timeout_seconds`).
    pub max_recovery_timeout_seconds: u64,
    /// Fraction in [0, 1) by which a random draw may shorten each open period (0 = off);
    /// spreads the recovery of several instances so they do not probe in lockstep.
    pub jitter_ratio: f64,
    /// Learn the open period from past outages and the slow-call bar from healthy latency
    /// (see `adaptive.rs`); off keeps every rule above exactly as configured.
    pub adaptive: bool,
    /// Floor of the learned open period, in seconds.
    pub adaptive_min_open_seconds: u64,
    /// Ceiling of the learned open period, also of its growth across failed probes.
    pub adaptive_max_open_seconds: u64,
    /// Floor of the learned slow-call bar, in ms.
    pub adaptive_min_slow_call_ms: u64,
    /// Ceiling of the learned slow-call bar, in ms.
    pub adaptive_max_slow_call_ms: u64,
}

impl Default for BreakerConfig {
    fn default() -> Self {
        Self::with_defaults(5, 60)
    }
}

impl BreakerConfig {
    /// Builds a config from the two knobs the environment exposes
    /// (`CIRCUIT_BREAKER_<SVC>_THRESHOLD` / `_TIMEOUT_SECONDS`), everything else defaulted.
    pub fn with_defaults(failure_threshold: u32, recovery_timeout_seconds: u64) -> Self {
        Self {
            failure_threshold,
            recovery_timeout_seconds,
            half_open_max_calls: 1,
            success_threshold: 1,
            call_timeout_ms: 10_000,
            slow_call_ms: 5_000,
            failure_rate_threshold: None,
            window_size: 20,
            minimum_calls: 10,
            backoff_multiplier: 1.0,
            max_recovery_timeout_seconds: 600,
            jitter_ratio: 0.0,
            adaptive: false,
            adaptive_min_open_seconds: 2,
            adaptive_max_open_seconds: 300,
            adaptive_min_slow_call_ms: 1_000,
            adaptive_max_slow_call_ms: 10_000,
        }
    }

    /// The built-in default of a service in [`SERVICE_DEFAULTS`] (`torznab` for the indexer
    /// breakers), so callers need not repeat the table.
    pub fn seed(service: &str) -> Option<Self> {
        SERVICE_DEFAULTS
            .iter()
            .find(|d| d.service == service)
            .map(ServiceDefaults::config)
    }

    /// Checks every field and names the first bad one, so an invalid update is rejected whole
    /// (the running config stays) with a message the API can return.
    pub fn validate(&self) -> Result<(), String> {
        fn err(field: &str, msg: &str) -> Result<(), String> {
            Err(format!("{field}: {msg}"))
        }
        if self.failure_threshold < 1 {
            return err("failure_threshold", "must be at least 1");
        }
        if self.recovery_timeout_seconds < 1 {
            return err("recovery_timeout_seconds", "must be at least 1 second");
        }
        if self.recovery_timeout_seconds > 86_400 {
            return err(
                "recovery_timeout_seconds",
                "must be at most 86400 (one day)",
            );
        }
        if !(1..=MAX_HALF_OPEN_CALLS).contains(&self.half_open_max_calls) {
            return err("half_open_max_calls", "must be between 1 and 1000");
        }
        if !(1..=MAX_HALF_OPEN_CALLS).contains(&self.success_threshold) {
            return err("success_threshold", "must be between 1 and 1000");
        }
        if !(1..=3_600_000).contains(&self.call_timeout_ms) {
            return err("call_timeout_ms", "must be between 1 and 3600000 ms");
        }
        if let Some(rate) = self.failure_rate_threshold {
            if !rate.is_finite() || rate <= 0.0 || rate > 100.0 {
                return err("failure_rate_threshold", "must be a percentage in (0, 100]");
            }
        }
        if !(1..=MAX_WINDOW_SIZE).contains(&self.window_size) {
            return err("window_size", "must be between 1 and 1024");
        }
        if self.minimum_calls < 1 || self.minimum_calls > self.window_size {
            return err("minimum_calls", "must be between 1 and window_size");
        }
        if !self.backoff_multiplier.is_finite() || !(1.0..=100.0).contains(&self.backoff_multiplier)
        {
            return err("backoff_multiplier", "must be between 1.0 and 100.0");
        }
        if !(1..=86_400).contains(&self.max_recovery_timeout_seconds) {
            return err(
                "max_recovery_timeout_seconds",
                "must be between 1 and 86400",
            );
        }
        if !self.jitter_ratio.is_finite() || !(0.0..1.0).contains(&self.jitter_ratio) {
            return err("jitter_ratio", "must be in [0, 1)");
        }
        self.validate_adaptive()
    }

    /// The adaptive bounds: each within the range of the fixed value it replaces, min <= max.
    fn validate_adaptive(&self) -> Result<(), String> {
        let open = (
            self.adaptive_min_open_seconds,
            self.adaptive_max_open_seconds,
        );
        if !(1..=86_400).contains(&open.0) {
            return Err("adaptive_min_open_seconds: must be between 1 and 86400".into());
        }
        if !(open.0..=86_400).contains(&open.1) {
            return Err(
                "adaptive_max_open_seconds: must be between adaptive_min_open_seconds and 86400"
                    .into(),
            );
        }
        let slow = (
            self.adaptive_min_slow_call_ms,
            self.adaptive_max_slow_call_ms,
        );
        if !(1..=3_600_000).contains(&slow.0) {
            return Err("adaptive_min_slow_call_ms: must be between 1 and 3600000".into());
        }
        if !(slow.0..=3_600_000).contains(&slow.1) {
            return Err(
                "adaptive_max_slow_call_ms: must be between adaptive_min_slow_call_ms and 3600000"
                    .into(),
            );
        }
        Ok(())
    }

    /// The per-call deadline as a `Duration`.
    pub fn call_timeout(&self) -> Duration {
        Duration::from_millis(self.call_timeout_ms.max(1))
    }

    /// The slow-call threshold, `None` when the rule is off.
    pub fn slow_call(&self) -> Option<Duration> {
        (self.slow_call_ms > 0).then(|| Duration::from_millis(self.slow_call_ms))
    }

    /// How long the breaker stays open after its `level`-th consecutive re-open (0 = first
    /// open), given a uniform draw `jitter_draw` in [0, 1) taken when it opened. Computed from
    /// the live config at every check, so a changed timeout applies to the current open period.
    pub fn open_duration(&self, level: u32, jitter_draw: f64) -> Duration {
        let base = self.recovery_timeout_seconds.max(1) as f64;
        let cap = self
            .max_recovery_timeout_seconds
            .max(self.recovery_timeout_seconds) as f64;
        let grown = if self.backoff_multiplier > 1.0 {
            (base * self.backoff_multiplier.powi(level.min(64) as i32)).min(cap)
        } else {
            base
        };
        let jitter = self.jitter_ratio.clamp(0.0, 0.999) * jitter_draw.clamp(0.0, 1.0);
        Duration::from_secs_f64((grown * (1.0 - jitter)).max(0.001))
    }

    // Values the hot path uses, clamped so even an unvalidated config cannot divide by zero
    // or overflow the packed state word.
    pub(crate) fn window(&self) -> u32 {
        self.window_size.clamp(1, MAX_WINDOW_SIZE)
    }

    pub(crate) fn max_trials(&self) -> u32 {
        self.half_open_max_calls.clamp(1, MAX_HALF_OPEN_CALLS)
    }

    pub(crate) fn successes_needed(&self) -> u32 {
        self.success_threshold.clamp(1, MAX_HALF_OPEN_CALLS)
    }
}

/// A partial update as sent to `PUT /api/v1/circuit-breakers/{service}`: only the fields
/// present change. Exists so the API layer need not merge JSON by hand.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BreakerConfigPatch {
    /// See [`BreakerConfig::failure_threshold`].
    pub failure_threshold: Option<u32>,
    /// See [`BreakerConfig::recovery_timeout_seconds`].
    pub recovery_timeout_seconds: Option<u64>,
    /// See [`BreakerConfig::half_open_max_calls`].
    pub half_open_max_calls: Option<u32>,
    /// See [`BreakerConfig::success_threshold`].
    pub success_threshold: Option<u32>,
    /// See [`BreakerConfig::call_timeout_ms`].
    pub call_timeout_ms: Option<u64>,
    /// See [`BreakerConfig::slow_call_ms`].
    pub slow_call_ms: Option<u64>,
    /// `null` switches the failure-rate rule off; absent leaves it unchanged.
    #[serde(default, deserialize_with = "present")]
    pub failure_rate_threshold: Option<Option<f64>>,
    /// See [`BreakerConfig::window_size`].
    pub window_size: Option<u32>,
    /// See [`BreakerConfig::minimum_calls`].
    pub minimum_calls: Option<u32>,
    /// See [`BreakerConfig::backoff_multiplier`].
    pub backoff_multiplier: Option<f64>,
    /// See [`BreakerConfig::max_recovery_timeout_seconds`].
    pub max_recovery_timeout_seconds: Option<u64>,
    /// See [`BreakerConfig::jitter_ratio`].
    pub jitter_ratio: Option<f64>,
    /// See [`BreakerConfig::adaptive`].
    pub adaptive: Option<bool>,
    /// See [`BreakerConfig::adaptive_min_open_seconds`].
    pub adaptive_min_open_seconds: Option<u64>,
    /// See [`BreakerConfig::adaptive_max_open_seconds`].
    pub adaptive_max_open_seconds: Option<u64>,
    /// See [`BreakerConfig::adaptive_min_slow_call_ms`].
    pub adaptive_min_slow_call_ms: Option<u64>,
    /// See [`BreakerConfig::adaptive_max_slow_call_ms`].
    pub adaptive_max_slow_call_ms: Option<u64>,
}

/// Distinguishes an explicit `null` (Some(None)) from an absent field (None).
fn present<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

impl BreakerConfigPatch {
    /// Returns `base` with the present fields replaced; validate the result before applying it.
    pub fn apply(&self, base: &BreakerConfig) -> BreakerConfig {
        let mut c = base.clone();
        macro_rules! set {
            ($($f:ident),*) => { $( if let Some(v) = self.$f { c.$f = v; } )* };
        }
        set!(
            failure_threshold,
            recovery_timeout_seconds,
            half_open_max_calls,
            success_threshold,
            call_timeout_ms,
            slow_call_ms,
            failure_rate_threshold,
            window_size,
            minimum_calls,
            backoff_multiplier,
            max_recovery_timeout_seconds,
            jitter_ratio,
            adaptive,
            adaptive_min_open_seconds,
            adaptive_max_open_seconds,
            adaptive_min_slow_call_ms,
            adaptive_max_slow_call_ms
        );
        c
    }
}
