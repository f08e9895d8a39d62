//! Circuit breakers for every external dependency (TMDB, HDBits, Torznab indexers,
//! qBittorrent, the database).
//!
//! Why: a dead or slow service must not drag the whole app down. Each dependency gets a
//! [`CircuitBreaker`] that stops calling it after repeated failures, probes it again after a
//! recovery timeout, and reports everything it does (snapshots, events, metrics).
//!
//! States: `closed` → `open` after `failure_threshold` consecutive failures (or, optionally,
//! a failure rate over a sliding window); `open` → `half_open` once the recovery timeout has
//! elapsed (checked lazily on the next call); `half_open` admits `half_open_max_calls` trials
//! at once, closes after `success_threshold` successes and re-opens on any trial failure.
//! Operators may force `forced_open` or `disabled` (forced closed).
//!
//! Usage:
//!
//! ```ignore
//! let registry = Registry::new(Arc::new(SystemClock::new()));
//! let tmdb = registry.register("tmdb", BreakerConfig::with_defaults(5, 60));
//! registry.add_listener(Arc::new(|ev: &BreakerEvent| { /* persist, webhook */ }));
//! // async: classify errors once via `Classify`
//! let movie = tmdb.call(client.movie(603)).await?;
//! // or sync / manual:
//! let permit = tmdb.try_acquire()?;
//! permit.success(elapsed);
//! ```

mod adaptive;
mod call;
mod clock;
mod config;
mod events;
mod figures;
mod machine;
mod outcome;
mod permit;
mod record;
mod registry;
mod snapshot;
mod state;
mod stats;
mod transition;

#[cfg(test)]
mod tests;

pub use adaptive::{
    AdaptiveSnapshot, MIN_LATENCY_SAMPLES, OPEN_GROWTH, RECOVERY_HISTORY, RECOVERY_QUANTILE,
    SLOW_CALL_FACTOR,
};
pub use clock::{Clock, ManualClock, SystemClock};
pub use config::{
    BreakerConfig, BreakerConfigPatch, ServiceDefaults, MAX_HALF_OPEN_CALLS, MAX_WINDOW_SIZE,
    SEED_DEFAULTS, SERVICE_DEFAULTS,
};
pub use events::{BreakerEvent, EventHub, Listener, DEFAULT_EVENT_CAPACITY};
pub use figures::{
    Figures, RecoveryFigures, ServiceFigures, AVAILABILITY_WINDOWS, FIGURES_FILE,
    RECOVERY_BUCKETS_SECONDS, SAVE_EVERY,
};
pub use machine::CircuitBreaker;
pub use outcome::{CallError, Classify, FailureClass, FailureKind, Outcome, Rejected};
pub use permit::Permit;
pub use registry::{Registry, RegistryError};
pub use snapshot::BreakerSnapshot;
pub use state::BreakerState;
pub use stats::{HistogramSnapshot, LATENCY_BUCKETS_SECONDS};
