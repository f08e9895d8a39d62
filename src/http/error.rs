//! The one place errors become HTTP: every rejection and every service error turns into
//! `{"error": "<code>", "message": "<sentence>", ...}` with the right status.

use crate::auth::AuthError;
use crate::services::downloads::DownloadError;
use crate::services::metadata::MetadataError;
use crate::services::ServiceError;
use serde_json::{json, Map, Value};
use std::convert::Infallible;
use warp::http::{header, StatusCode};
use warp::{Rejection, Reply};

/// What a full disk answer names when the retry journal could not be written.
const JOURNAL: &str = "the qBittorrent retry journal";

/// An error answer: status, stable snake_case code, human message, and optional helpful fields.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub extra: Map<String, Value>,
    /// Sent as `Retry-After` (seconds) and as `retry_after_seconds` in the body.
    pub retry_after: Option<u64>,
}

impl warp::reject::Reject for ApiError {}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
            extra: Map::new(),
            retry_after: None,
        }
    }

    /// Adds a field to the JSON body (e.g. `service`).
    pub fn with(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.extra.insert(key.to_string(), value.into());
        self
    }

    pub fn retry_after(mut self, seconds: u64) -> Self {
        self.retry_after = Some(seconds.max(1));
        self
    }

    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }

    pub fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "authentication required: send the API key (X-Api-Key header, ?apikey= or Authorization: Bearer) or log in",
        )
    }

    pub fn not_found(what: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", what)
    }

    pub fn payload_too_large(limit: u64) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            format!("the request body is larger than the limit of {limit} bytes"),
        )
        .with("limit_bytes", limit)
    }

    /// A browser request that did not come from this server's own pages (CSRF defence): `what`
    /// says which header was missing or what it named.
    pub fn cross_site(what: impl std::fmt::Display) -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "cross_site_request",
            format!(
                "refused: {what}; changes made with the session cookie must come from this \
                 server's own pages (scripts should send the API key instead)"
            ),
        )
    }

    /// A session whose user still has the generated first password may only change it.
    pub fn password_change_required() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "password_change_required",
            "change the generated password first (POST /api/v1/user/password); until then this \
             session may only read /api/v1/session, change the password or log out",
        )
    }

    /// A body in a format the endpoint does not read; `expected` names the content type(s).
    pub fn unsupported_media_type(expected: &str, got: Option<&str>) -> Self {
        let got = match got {
            Some(t) if !t.is_empty() => format!("got {t:?}"),
            _ => "the request has none".to_string(),
        };
        Self::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            format!("expected Content-Type: {expected}, {got}"),
        )
        .with("expected", expected)
    }

    /// Something went wrong on our side; the message is generic so internals never leak.
    pub fn internal(context: &str) -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_error",
            format!("internal error while {context}; see the server log"),
        )
    }

    /// 507: the disk holding `what` is full; the detail goes to the log only.
    pub fn disk_full(what: &str, detail: &str) -> Self {
        tracing::error!(error = %detail, "the disk holding {what} is full");
        Self::new(
            StatusCode::INSUFFICIENT_STORAGE,
            "insufficient_storage",
            format!("the disk holding {what} is full; free space and retry"),
        )
    }

    /// Turns this error into a rejection for use inside filters.
    pub fn reject(self) -> Rejection {
        warp::reject::custom(self)
    }

    /// The JSON response.
    pub fn into_response(self) -> warp::reply::Response {
        let mut body = Map::new();
        body.insert("error".into(), json!(self.code));
        body.insert("message".into(), json!(self.message));
        if let Some(s) = self.retry_after {
            body.insert("retry_after_seconds".into(), json!(s));
        }
        body.extend(self.extra);
        let mut resp =
            warp::reply::with_status(warp::reply::json(&Value::Object(body)), self.status)
                .into_response();
        if let Some(s) = self.retry_after {
            resp.headers_mut()
                .insert(header::RETRY_AFTER, header::HeaderValue::from(s));
        }
        resp
    }
}

impl From<ServiceError> for ApiError {
    fn from(e: ServiceError) -> Self {
        match e {
            ServiceError::NotFound(m) => ApiError::not_found(m),
            ServiceError::Invalid {
                code,
                message,
                extra,
            } => {
                let mut a = ApiError::bad_request(code, message);
                a.extra = extra;
                a
            }
            ServiceError::Conflict { code, message } => {
                ApiError::new(StatusCode::CONFLICT, code, message)
            }
            ServiceError::DatabaseUnavailable {
                retry_after_seconds,
                detail,
            } => {
                tracing::warn!(error = %detail, "database unavailable");
                ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "database_unavailable",
                    "the database is unavailable right now; try again shortly",
                )
                .with("service", "database")
                .retry_after(retry_after_seconds)
            }
            ServiceError::Unavailable {
                service,
                retry_after_seconds,
                detail,
            } => {
                tracing::warn!(error = %detail, "{service} unavailable");
                ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "service_unavailable",
                    format!("{service} is unavailable right now; nothing was changed, try again shortly"),
                )
                .with("service", service)
                .retry_after(retry_after_seconds)
            }
            ServiceError::DiskFull { what, detail } => ApiError::disk_full(what, &detail),
            ServiceError::Database(detail) => {
                tracing::error!(error = %detail, "database error");
                ApiError::internal("using the database")
            }
            ServiceError::Internal { context, detail } => {
                tracing::error!(error = %detail, "internal error while {context}");
                ApiError::internal(context)
            }
        }
    }
}

impl From<MetadataError> for ApiError {
    fn from(e: MetadataError) -> Self {
        match e {
            MetadataError::NotFound => ApiError::not_found("movie not found on TMDB"),
            MetadataError::BadTerm(m) => ApiError::bad_request("bad_lookup_term", m),
            MetadataError::Misconfigured(m) => ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "tmdb_misconfigured",
                format!("TMDB rejected the API key: {m}"),
            )
            .with("service", "tmdb"),
            MetadataError::Unavailable {
                retry_after_seconds,
                reason,
            } => ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "tmdb_unavailable",
                format!("TMDB is unavailable ({reason}) and nothing is cached for this lookup"),
            )
            .with("service", "tmdb")
            .retry_after(retry_after_seconds),
        }
    }
}

/// The grab and retry-queue endpoints (`/api/v1/downloads`, `/api/v1/retry-queue`).
impl From<DownloadError> for ApiError {
    fn from(e: DownloadError) -> Self {
        match e {
            DownloadError::Invalid(m) => ApiError::bad_request("invalid_grab", m),
            DownloadError::DiskFull(j) => ApiError::disk_full(JOURNAL, &j.to_string()),
            DownloadError::Journal(j) => {
                tracing::error!(error = %j, "retry journal error");
                ApiError::internal("using the qBittorrent retry journal")
            }
            other => {
                tracing::error!(error = %other, "grab failed");
                ApiError::internal("sending the grab")
            }
        }
    }
}

impl From<AuthError> for ApiError {
    fn from(e: AuthError) -> Self {
        match e {
            AuthError::RateLimited { retry_after } => ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "too_many_login_attempts",
                e.to_string(),
            )
            .retry_after(retry_after.as_secs()),
            AuthError::InvalidCredentials => ApiError::new(
                StatusCode::UNAUTHORIZED,
                "invalid_credentials",
                e.to_string(),
            ),
            AuthError::WeakPassword(m) => ApiError::bad_request("weak_password", m),
            AuthError::Store(s) => ServiceError::from(s).into(),
        }
    }
}

/// warp's `recover`: every rejection becomes the JSON error shape; nothing is a bare 500.
pub async fn recover(rej: Rejection) -> Result<warp::reply::Response, Infallible> {
    let err = if let Some(e) = rej.find::<ApiError>() {
        e.clone()
    } else if rej.is_not_found() {
        // A code of its own, so clients (and the OpenAPI sync test) can tell "this route does
        // not exist" from a handler's "this movie does not exist" (`not_found`).
        ApiError::new(StatusCode::NOT_FOUND, "no_such_route", "no such route")
    } else if let Some(e) = rej.find::<warp::filters::body::BodyDeserializeError>() {
        ApiError::bad_request("invalid_json", format!("invalid JSON body: {e}"))
    } else if let Some(e) = rej.find::<warp::reject::InvalidQuery>() {
        ApiError::bad_request("invalid_query", format!("invalid query string: {e}"))
    } else if let Some(e) = rej.find::<warp::reject::MissingHeader>() {
        ApiError::bad_request("missing_header", e.to_string())
    } else if let Some(e) = rej.find::<warp::reject::InvalidHeader>() {
        ApiError::bad_request("invalid_header", e.to_string())
    } else if rej.find::<warp::reject::PayloadTooLarge>().is_some() {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            "the request body is too large",
        )
    } else if rej.find::<warp::reject::LengthRequired>().is_some() {
        ApiError::new(
            StatusCode::LENGTH_REQUIRED,
            "length_required",
            "a Content-Length header is required",
        )
    } else if let Some(e) = rej.find::<warp::reject::UnsupportedMediaType>() {
        ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            e.to_string(),
        )
    } else if rej.find::<warp::reject::MethodNotAllowed>().is_some() {
        ApiError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            "this route does not accept that HTTP method",
        )
    } else {
        tracing::error!(rejection = ?rej, "unhandled rejection");
        ApiError::internal("handling the request")
    };
    Ok(err.into_response())
}

impl From<crate::services::automation::AutomationError> for ApiError {
    fn from(e: crate::services::automation::AutomationError) -> Self {
        use crate::services::automation::AutomationError as E;
        use crate::services::downloads::DownloadError as D;
        match e {
            E::NotFound(m) => ApiError::not_found(m),
            E::Invalid(m) => ApiError::bad_request("invalid_request", m),
            E::Store(s) => ServiceError::from(s).into(),
            E::Download(D::Invalid(m)) => ApiError::bad_request("invalid_grab", m),
            E::Download(D::DiskFull(j)) => ApiError::disk_full(JOURNAL, &j.to_string()),
            E::Download(other) => {
                tracing::error!(error = %other, "grab failed");
                ApiError::internal("sending the grab")
            }
        }
    }
}

impl From<crate::services::automation::CommandError> for ApiError {
    fn from(e: crate::services::automation::CommandError) -> Self {
        use crate::services::automation::CommandError as E;
        match e {
            E::Unknown(_) => ApiError::bad_request("unknown_command", e.to_string()),
            E::Invalid(m) => ApiError::bad_request("invalid_command", m),
            E::Store(s) => ServiceError::from(s).into(),
        }
    }
}

/// Lets handlers (which reject with `Rejection`) use `?` on the errors that have an answer here
/// (`ApiError` itself converts through warp's `Reject`).
macro_rules! reject_with_answer {
    ($($t:ty),*) => {$(
        impl From<$t> for Rejection {
            fn from(e: $t) -> Self {
                ApiError::from(e).reject()
            }
        }
    )*};
}
reject_with_answer!(ServiceError, MetadataError, DownloadError);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_errors_keep_their_answers() {
        let a = ApiError::from(ServiceError::DatabaseUnavailable {
            retry_after_seconds: 7,
            detail: "breaker open".into(),
        });
        assert_eq!(a.status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(a.code, "database_unavailable");
        assert_eq!(a.extra["service"], "database");
        assert_eq!(a.retry_after, Some(7));

        let a = ApiError::from(ServiceError::invalid("movie_exists", "added").with("tmdbId", 603));
        assert_eq!(
            (a.status, a.code),
            (StatusCode::BAD_REQUEST, "movie_exists")
        );
        assert_eq!(a.extra["tmdbId"], 603);

        let a = ApiError::from(ServiceError::Conflict {
            code: "unsafe_path",
            message: "no".into(),
        });
        assert_eq!(
            (a.status, a.code, a.message.as_str()),
            (StatusCode::CONFLICT, "unsafe_path", "no")
        );

        let a = ApiError::from(ServiceError::Database("disk I/O".into()));
        assert_eq!(a.status, StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(
            a.message,
            "internal error while using the database; see the server log"
        );

        let a = ApiError::from(ServiceError::NotFound("no movie 7".into()));
        assert_eq!((a.status, a.code), (StatusCode::NOT_FOUND, "not_found"));
    }

    /// A full disk is 507 `insufficient_storage` naming what is full, never a 500.
    #[test]
    fn a_full_disk_is_507_naming_what_is_full() {
        let a = ApiError::from(ServiceError::DiskFull {
            what: "the database",
            detail: "database or disk is full".into(),
        });
        assert_eq!(
            (a.status, a.code, a.message.as_str()),
            (
                StatusCode::INSUFFICIENT_STORAGE,
                "insufficient_storage",
                "the disk holding the database is full; free space and retry"
            )
        );
        let full = crate::journal::JournalError::DiskFull("database or disk is full".into());
        let a = ApiError::from(DownloadError::DiskFull(full));
        assert_eq!(
            (a.status, a.message.as_str()),
            (
                StatusCode::INSUFFICIENT_STORAGE,
                "the disk holding the qBittorrent retry journal is full; free space and retry"
            )
        );
    }
}
