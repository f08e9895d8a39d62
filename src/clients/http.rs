//! What every HTTP client shares: one tuned reqwest client and the classification of HTTP
//! outcomes into breaker failures (connect errors, timeouts, 5xx, 429) and non-failures (4xx).

use crate::breaker::{Classify, FailureClass, FailureKind};
use std::time::Duration;

/// Largest response body any client reads; a bigger one is a decode error, not an OOM.
pub const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

/// One shared client: rustls, connect timeout, capped redirects, no proxy surprises.
pub fn shared_client() -> reqwest::Client {
    reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(5))
        .redirect(reqwest::redirect::Policy::limited(5))
        .user_agent(concat!("reelarr/", env!("CARGO_PKG_VERSION")))
        .pool_idle_timeout(Duration::from_secs(60))
        .build()
        .expect("the HTTP client configuration is valid")
}

/// A failed call to an external service, naming the service; never includes credentials.
#[derive(Debug, Clone, thiserror::Error)]
pub enum HttpError {
    #[error("{service}: cannot connect: {detail}")]
    Connect { service: String, detail: String },
    #[error("{service}: no answer within the timeout")]
    Timeout { service: String },
    #[error("{service}: HTTP {status}{}", retry_after.map(|s| format!(" (retry after {s} s)")).unwrap_or_default())]
    Status {
        service: String,
        status: u16,
        retry_after: Option<u64>,
    },
    #[error("{service}: invalid response: {detail}")]
    Decode { service: String, detail: String },
    #[error("{service}: {message}")]
    Api {
        service: String,
        message: String,
        /// Whether this API error means our credentials are wrong (→ misconfigured).
        auth: bool,
    },
    #[error("{service}: {detail}")]
    Transport { service: String, detail: String },
}

impl HttpError {
    /// Maps a reqwest error without its URL (which may carry an API key in the query).
    pub fn from_reqwest(service: &str, e: reqwest::Error) -> Self {
        let service = service.to_string();
        let (timeout, connect, decode) =
            (e.is_timeout(), e.is_connect(), e.is_decode() || e.is_body());
        let detail = e.without_url().to_string();
        if timeout {
            HttpError::Timeout { service }
        } else if connect {
            HttpError::Connect { service, detail }
        } else if decode {
            HttpError::Decode { service, detail }
        } else {
            HttpError::Transport { service, detail }
        }
    }

    /// An HTTP status that is not a success.
    pub fn from_status(service: &str, resp: &reqwest::Response) -> Self {
        let retry_after = resp
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok());
        HttpError::Status {
            service: service.to_string(),
            status: resp.status().as_u16(),
            retry_after,
        }
    }
}

impl Classify for HttpError {
    fn classify(&self) -> FailureClass {
        match self {
            HttpError::Connect { .. } => FailureClass::Failure(FailureKind::Connect),
            HttpError::Timeout { .. } => FailureClass::Failure(FailureKind::Timeout),
            HttpError::Transport { .. } => FailureClass::Failure(FailureKind::Io),
            HttpError::Decode { .. } => FailureClass::Failure(FailureKind::Other),
            HttpError::Status {
                status,
                retry_after,
                ..
            } => match *status {
                429 => FailureClass::Failure(FailureKind::RateLimited {
                    retry_after: retry_after.map(Duration::from_secs),
                }),
                401 | 403 => {
                    FailureClass::Misconfigured(format!("HTTP {status}: check the credentials"))
                }
                s if s >= 500 => FailureClass::Failure(FailureKind::ServerError),
                _ => FailureClass::Ignored,
            },
            HttpError::Api {
                auth: true,
                message,
                ..
            } => FailureClass::Misconfigured(message.clone()),
            HttpError::Api { .. } => FailureClass::Failure(FailureKind::Other),
        }
    }
}

/// Reads a body up to [`MAX_BODY_BYTES`].
pub async fn read_capped(service: &str, mut resp: reqwest::Response) -> Result<Vec<u8>, HttpError> {
    let mut out = Vec::new();
    while let Some(chunk) = resp
        .chunk()
        .await
        .map_err(|e| HttpError::from_reqwest(service, e))?
    {
        if out.len() + chunk.len() > MAX_BODY_BYTES {
            return Err(HttpError::Decode {
                service: service.to_string(),
                detail: format!("response larger than {MAX_BODY_BYTES} bytes"),
            });
        }
        out.extend_from_slice(&chunk);
    }
    Ok(out)
}

/// Cases for the parsers' property tests: `PROPTEST_CASES` for a long run, else `short` (the
/// test command's pass). See README "Reliability and security" for the long-run command.
#[cfg(test)]
pub fn fuzz_cases(short: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(short)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classification_follows_the_breaker_rules() {
        let st = |status, retry_after| HttpError::Status {
            service: "x".into(),
            status,
            retry_after,
        };
        assert_eq!(
            st(500, None).classify(),
            FailureClass::Failure(FailureKind::ServerError)
        );
        assert_eq!(
            st(429, Some(7)).classify(),
            FailureClass::Failure(FailureKind::RateLimited {
                retry_after: Some(Duration::from_secs(7))
            })
        );
        assert!(matches!(
            st(401, None).classify(),
            FailureClass::Misconfigured(_)
        ));
        assert_eq!(st(404, None).classify(), FailureClass::Ignored);
        assert_eq!(
            HttpError::Timeout {
                service: "x".into()
            }
            .classify(),
            FailureClass::Failure(FailureKind::Timeout)
        );
    }

    /// The testkit's oversized fake body is a plain number (the testkit imports nothing from
    /// reelarr); the "body too large" tests only mean something while it exceeds our cap.
    #[test]
    fn the_testkits_oversized_body_exceeds_the_cap() {
        let (oversized, cap) = (reelarr_testkit::http_fake::OVERSIZED, MAX_BODY_BYTES);
        assert!(
            oversized > cap,
            "OVERSIZED ({oversized}) must exceed MAX_BODY_BYTES ({cap})"
        );
    }
}
