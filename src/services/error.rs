//! The library's error: what went wrong, in terms the HTTP layer can answer without knowing
//! which storage, journal or filesystem call failed. `src/http/error.rs` maps each variant to one
//! HTTP answer; endpoints that answered differently before carry their code and message here.

use crate::store::StoreError;
use serde_json::{Map, Value};

/// Why a library request failed.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// No such record; the message names it ("no movie 7").
    #[error("{0}")]
    NotFound(String),
    /// The request is invalid. `code` is the stable machine code (`invalid_movie`, ...), `extra`
    /// holds fields that help the caller (`problems`, `tmdbId`).
    #[error("{message}")]
    Invalid {
        code: &'static str,
        message: String,
        extra: Map<String, Value>,
    },
    /// The request clashes with the library's state (duplicate, in use, unsafe path).
    #[error("{message}")]
    Conflict { code: &'static str, message: String },
    /// The database is unwell (breaker open, busy, I/O); retrying later can succeed.
    #[error("{detail}")]
    DatabaseUnavailable {
        retry_after_seconds: u64,
        detail: String,
    },
    /// An outside service the request needs (`qbittorrent`) cannot be reached right now
    /// (breaker open, timeout, refusal); nothing was changed. The detail is logged, never sent.
    #[error("{service} is unavailable: {detail}")]
    Unavailable {
        service: &'static str,
        retry_after_seconds: u64,
        detail: String,
    },
    /// The disk holding `what` ("the database") is full: writes fail until space is freed.
    /// The detail is logged, never sent.
    #[error("the disk holding {what} is full: {detail}")]
    DiskFull { what: &'static str, detail: String },
    /// Any other database failure; the detail is for the log, never for the caller.
    #[error("{0}")]
    Database(String),
    /// Something on our side failed while `context` ("reading disk space"); the detail is
    /// logged, never sent.
    #[error("internal error while {context}: {detail}")]
    Internal {
        context: &'static str,
        detail: String,
    },
}

impl ServiceError {
    /// A 400-style refusal with a code and no extra fields.
    pub fn invalid(code: &'static str, message: impl Into<String>) -> Self {
        ServiceError::Invalid {
            code,
            message: message.into(),
            extra: Map::new(),
        }
    }

    /// Adds a helpful field to an [`ServiceError::Invalid`] (no effect on other variants).
    pub fn with(mut self, key: &str, value: impl Into<Value>) -> Self {
        if let ServiceError::Invalid { extra, .. } = &mut self {
            extra.insert(key.to_string(), value.into());
        }
        self
    }

    /// Whether this is a broken uniqueness or reference rule (callers turn it into their own
    /// answer: "qualityProfileId does not exist", "already a root folder", ...).
    pub fn is_constraint(&self) -> bool {
        matches!(
            self,
            ServiceError::Conflict {
                code: CONSTRAINT,
                ..
            }
        )
    }
}

/// The code a violated database constraint answers with unless the caller says better.
const CONSTRAINT: &str = "conflict";

/// Storage errors, classified once: outage, constraint, or anything else.
impl From<StoreError> for ServiceError {
    fn from(e: StoreError) -> Self {
        if e.is_outage() {
            let retry_after_seconds = match e {
                StoreError::Unavailable {
                    retry_after_seconds,
                } => retry_after_seconds,
                _ => 5,
            };
            ServiceError::DatabaseUnavailable {
                retry_after_seconds,
                detail: e.to_string(),
            }
        } else if let StoreError::Constraint(m) = e {
            ServiceError::Conflict {
                code: CONSTRAINT,
                message: m,
            }
        } else if let StoreError::DiskFull(detail) = e {
            ServiceError::DiskFull {
                what: "the database",
                detail,
            }
        } else {
            ServiceError::Database(e.to_string())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn store_errors_are_classified_once() {
        let e = ServiceError::from(StoreError::Unavailable {
            retry_after_seconds: 9,
        });
        assert!(matches!(
            e,
            ServiceError::DatabaseUnavailable {
                retry_after_seconds: 9,
                ..
            }
        ));
        let e = ServiceError::from(StoreError::Busy);
        assert!(matches!(
            e,
            ServiceError::DatabaseUnavailable {
                retry_after_seconds: 5,
                ..
            }
        ));
        let e = ServiceError::from(StoreError::Constraint("UNIQUE".into()));
        assert!(e.is_constraint());
        assert_eq!(e.to_string(), "UNIQUE");
        assert!(matches!(
            ServiceError::from(StoreError::Other("x".into())),
            ServiceError::Database(_)
        ));
        assert!(matches!(
            ServiceError::from(StoreError::DiskFull("database or disk is full".into())),
            ServiceError::DiskFull {
                what: "the database",
                ..
            }
        ));
    }
}
