//! What a protected call can end with, and the errors the breaker hands back.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use super::state::BreakerState;

/// Why a call failed; kept so health and logs can say what went wrong and so a 429's
/// Retry-After can stretch the open period.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FailureKind {
    /// Could not connect (refused, DNS, TLS handshake).
    Connect,
    /// No answer within the deadline.
    Timeout,
    /// The service answered 5xx.
    ServerError,
    /// The service answered 429; its Retry-After, when given, is a minimum open time
    /// should the breaker open (now or later while that instant is still ahead).
    RateLimited {
        /// The parsed `Retry-After`, if the response carried one.
        retry_after: Option<Duration>,
    },
    /// Transport error after connecting (reset, truncated body).
    Io,
    /// A success that took longer than `slow_call_ms`; produced by the breaker itself.
    SlowCall,
    /// Anything else the caller considers the service's fault.
    Other,
}

impl fmt::Display for FailureKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FailureKind::Connect => f.write_str("connect error"),
            FailureKind::Timeout => f.write_str("timeout"),
            FailureKind::ServerError => f.write_str("server error"),
            FailureKind::RateLimited {
                retry_after: Some(d),
            } => write!(f, "rate limited (retry after {}s)", d.as_secs()),
            FailureKind::RateLimited { retry_after: None } => f.write_str("rate limited"),
            FailureKind::Io => f.write_str("i/o error"),
            FailureKind::SlowCall => f.write_str("slow call"),
            FailureKind::Other => f.write_str("failure"),
        }
    }
}

/// How a permit ends; exists so sync code (or code with its own timeout) can report results
/// without going through [`crate::breaker::CircuitBreaker::call`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The call worked; `elapsed` feeds latency stats and the slow-call rule.
    Success {
        /// How long the call took.
        elapsed: Duration,
    },
    /// The call failed in a way that is the service's fault.
    Failure {
        /// How long the call took.
        elapsed: Duration,
        /// What went wrong.
        kind: FailureKind,
    },
    /// Neither success nor failure for the state machine (404, 400): counted in stats only.
    Ignored,
    /// The service rejected our credentials (401/403): does not trip the breaker, but the
    /// snapshot shows `misconfigured` with this reason until the next success.
    Misconfigured {
        /// Short human-readable cause, e.g. "401 from tmdb: invalid API key".
        reason: String,
    },
}

/// The breaker's verdict on an error value, produced by [`Classify`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FailureClass {
    /// Counts as a failure of this kind.
    Failure(FailureKind),
    /// Not the service's health problem (e.g. 404); counted as ignored.
    Ignored,
    /// Our configuration is wrong (e.g. 401); shown in health, does not trip.
    Misconfigured(String),
}

/// Lets [`crate::breaker::CircuitBreaker::call`] decide what an error means for the
/// breaker; each client error type implements it once.
pub trait Classify {
    /// How this error should be recorded.
    fn classify(&self) -> FailureClass;
}

impl Classify for FailureClass {
    fn classify(&self) -> FailureClass {
        self.clone()
    }
}

impl Classify for std::io::Error {
    fn classify(&self) -> FailureClass {
        use std::io::ErrorKind as K;
        FailureClass::Failure(match self.kind() {
            K::ConnectionRefused | K::AddrNotAvailable | K::NotConnected => FailureKind::Connect,
            K::TimedOut | K::WouldBlock => FailureKind::Timeout,
            _ => FailureKind::Io,
        })
    }
}

/// A call refused without running; carries what a 503 + `Retry-After` needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rejected {
    /// The breaker's name (`tmdb`, `torznab:<name>`, ...).
    pub service: Arc<str>,
    /// The state that refused the call.
    pub state: BreakerState,
    /// How long until a call may be admitted again (a hint for forced-open and full half-open).
    pub retry_after: Duration,
}

impl Rejected {
    /// `retry_after` rounded up to whole seconds (at least 1), ready for a `Retry-After` header.
    pub fn retry_after_seconds(&self) -> u64 {
        let secs = self.retry_after.as_secs() + u64::from(self.retry_after.subsec_nanos() > 0);
        secs.max(1)
    }
}

impl fmt::Display for Rejected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "circuit breaker for {} is {}; retry after {}s",
            self.service,
            self.state,
            self.retry_after_seconds()
        )
    }
}

impl std::error::Error for Rejected {}

/// The error of [`crate::breaker::CircuitBreaker::call`]: the breaker refused, the deadline
/// passed, or the wrapped operation failed with its own error.
#[derive(Debug)]
pub enum CallError<E> {
    /// Not attempted: the breaker is open (or half-open and full).
    Open(Rejected),
    /// Attempted but exceeded `call_timeout_ms`; recorded as a timeout failure.
    Timeout,
    /// The operation's own error, already classified and recorded.
    Inner(E),
}

impl<E: fmt::Display> fmt::Display for CallError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CallError::Open(r) => r.fmt(f),
            CallError::Timeout => f.write_str("call timed out"),
            CallError::Inner(e) => e.fmt(f),
        }
    }
}

impl<E: fmt::Debug + fmt::Display> std::error::Error for CallError<E> {}
