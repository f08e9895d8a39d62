//! Login and session handling: one login at a time, re-login on 403 by the caller, and the
//! back-off after a refused login that prevents a login storm (and an IP ban).

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use reqwest::header::SET_COOKIE;

use super::{api_error, LoginFailure, QbitClient, SERVICE};
use crate::clients::http::{read_capped, HttpError};
use crate::config::Secret;

impl QbitClient {
    /// Forgets `used` if it is still the current session (another task may have renewed it).
    pub(super) fn invalidate(&self, used: &Secret) {
        let mut sid = self.inner.sid.write();
        if sid.as_ref() == Some(used) {
            *sid = None;
        }
    }

    /// The current session, logging in if there is none (one login at a time; none during
    /// the back-off after a failed one).
    pub(super) async fn session(&self) -> Result<Secret, HttpError> {
        if let Some(sid) = self.inner.sid.read().clone() {
            return Ok(sid);
        }
        let mut failure = self.inner.login.lock().await;
        if let Some(sid) = self.inner.sid.read().clone() {
            return Ok(sid);
        }
        let backoff = Duration::from_millis(self.inner.login_backoff_ms.load(Ordering::Relaxed));
        if let Some(f) = failure.as_ref() {
            let since = f.at.elapsed();
            if since < backoff {
                let wait = (backoff - since).as_secs() + 1;
                return Err(api_error(
                    format!("{} (next login attempt in {wait} s)", f.reason),
                    true,
                ));
            }
        }
        match self.do_login().await {
            Ok(sid) => {
                *failure = None;
                *self.inner.last_failure.write() = None;
                *self.inner.sid.write() = Some(sid.clone());
                Ok(sid)
            }
            Err(LoginError::Refused(reason)) => {
                tracing::warn!(service = SERVICE, %reason, "qBittorrent login failed");
                *self.inner.last_failure.write() = Some(reason.clone());
                *failure = Some(LoginFailure {
                    at: Instant::now(),
                    reason: reason.clone(),
                });
                Err(api_error(reason, true))
            }
            Err(LoginError::Http(e)) => Err(e),
        }
    }

    async fn do_login(&self) -> Result<Secret, LoginError> {
        self.inner.login_attempts.fetch_add(1, Ordering::Relaxed);
        let form = [
            ("username", self.inner.username.as_str()),
            ("password", self.inner.password.expose()),
        ];
        let req = self.inner.http.post(self.url("auth/login")).form(&form);
        let resp = self.dispatch(req, &Secret::default()).await?;
        let status = resp.status();
        let sid = resp
            .headers()
            .get_all(SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|v| {
                let first = v.split(';').next()?.trim();
                first.strip_prefix("SID=").map(Secret::new)
            });
        let err_status = (!status.is_success()).then(|| HttpError::from_status(SERVICE, &resp));
        let body = read_capped(SERVICE, resp).await?;
        let text = String::from_utf8_lossy(&body).trim().to_string();
        match status.as_u16() {
            200 if text == "Ok." => Ok(sid.unwrap_or_default()),
            200 if text == "Fails." => Err(LoginError::Refused(
                "login failed: wrong username or password".into(),
            )),
            200 => Err(LoginError::Http(HttpError::Decode {
                service: SERVICE.into(),
                detail: format!("unexpected login answer: {:.80}", text),
            })),
            403 => Err(LoginError::Refused(format!(
                "login refused (HTTP 403): {:.200}",
                if text.is_empty() { "banned" } else { &text }
            ))),
            401 => Err(LoginError::Refused(
                "login refused (HTTP 401): qBittorrent rejected the Origin/Referer/Host; \
                 check that the URL is the one qBittorrent serves"
                    .into(),
            )),
            _ => Err(LoginError::Http(err_status.expect("non-success status"))),
        }
    }
}

enum LoginError {
    /// Credentials or access refused: back off and report misconfigured.
    Refused(String),
    /// Transport / server trouble: the breaker's business, no back-off.
    Http(HttpError),
}

impl From<HttpError> for LoginError {
    fn from(e: HttpError) -> Self {
        LoginError::Http(e)
    }
}
