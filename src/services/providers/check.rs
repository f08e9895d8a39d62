//! `test` / `testall`: one real call per provider (Torznab caps, an HDBits search, qBittorrent's
//! version after a login), through the service's breaker and its call timeout, answered as
//! Radarr's validation failures naming the field to fix.

use std::future::Future;
use std::time::Duration;

use serde::Serialize;

use super::apply::breaker_name;
use super::config_view::{hdbits_api_url, qbittorrent_url, torznab_url};
use super::model::{Provider, Source};
use super::spec::ProviderKind;
use super::Providers;
use crate::breaker::CallError;
use crate::clients::hdbits::HdbitsError;
use crate::clients::http::HttpError;
use crate::config::Secret;

/// One of Radarr's `ValidationFailure`s.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Failure {
    pub is_warning: bool,
    /// The field to fix (`baseUrl`, `apiKey`, `host`, `password`), as in `fields[].name`.
    pub property_name: String,
    pub error_message: String,
    /// `error` (Radarr's severity).
    pub severity: &'static str,
}

impl Failure {
    /// An error about `field`.
    pub fn error(field: &str, message: impl Into<String>) -> Self {
        Failure {
            is_warning: false,
            property_name: field.to_string(),
            error_message: message.into(),
            severity: "error",
        }
    }
}

/// The failure an HTTP error means: bad credentials name `auth_field`, the rest `url_field`.
fn http_failure(e: &HttpError, url_field: &str, auth_field: &str, what: &str) -> Failure {
    match e {
        HttpError::Api {
            auth: true,
            message,
            ..
        } => Failure::error(
            auth_field,
            format!("{what} refused the credentials: {message}"),
        ),
        HttpError::Status {
            status: 401 | 403, ..
        } => Failure::error(auth_field, format!("{what} refused the credentials ({e})")),
        HttpError::Connect { .. } | HttpError::Timeout { .. } | HttpError::Transport { .. } => {
            Failure::error(url_field, format!("Unable to connect to {what}: {e}"))
        }
        _ => Failure::error(url_field, format!("{what} answered with an error: {e}")),
    }
}

fn call_failure<E>(
    r: Result<(), CallError<E>>,
    on_inner: impl FnOnce(E) -> Failure,
    url_field: &str,
    what: &str,
) -> Option<Failure> {
    match r {
        Ok(()) => None,
        Err(CallError::Inner(e)) => Some(on_inner(e)),
        Err(CallError::Open(r)) => Some(Failure::error(
            url_field,
            format!(
                "{what} is unavailable: circuit breaker open, retry in {} s",
                r.retry_after_seconds()
            ),
        )),
        Err(CallError::Timeout) => Some(Failure::error(
            url_field,
            format!("Unable to connect to {what}: no answer within the call timeout"),
        )),
    }
}

impl Providers {
    /// Runs `fut` through breaker `name` when `in_use` (the saved provider as it runs), else
    /// only bounded by that breaker's call timeout: a trial of new settings must not count
    /// against (or be refused by) the breaker of the provider in use.
    async fn guarded<E, F>(&self, name: &str, in_use: bool, fut: F) -> Result<(), CallError<E>>
    where
        F: Future<Output = Result<(), E>>,
        E: crate::breaker::Classify,
    {
        let breaker = self.inner.registry.get(name);
        if let (true, Some(b)) = (in_use, &breaker) {
            return b.call(fut).await;
        }
        if let Some(b) = breaker {
            let limit = Duration::from_millis(b.config().call_timeout_ms.max(1));
            return match tokio::time::timeout(limit, fut).await {
                Ok(r) => r.map_err(CallError::Inner),
                Err(_) => Err(CallError::Timeout),
            };
        }
        let cfg = self.inner.config.get();
        let base = if name.starts_with("torznab:") {
            &cfg.circuit_breakers.torznab
        } else {
            &cfg.circuit_breakers.qbittorrent
        };
        let limit = Duration::from_millis(base.call_timeout_ms.max(1));
        match tokio::time::timeout(limit, fut).await {
            Ok(r) => r.map_err(CallError::Inner),
            Err(_) => Err(CallError::Timeout),
        }
    }

    /// Tests `p` with one real call; no failures means it works. `in_use`: `p` is a saved
    /// provider unchanged, so the call goes through its breaker.
    pub(super) async fn check(
        &self,
        kind: ProviderKind,
        p: &Provider,
        in_use: bool,
    ) -> Vec<Failure> {
        let cfg = self.inner.config.get();
        let f = &self.inner.factory;
        let failure = match (kind, p.implementation.as_str()) {
            (ProviderKind::Indexer, "Torznab") => {
                let url = match p.source {
                    Source::Config => p.text("baseUrl"),
                    Source::Database => torznab_url(p),
                };
                let timeout = Duration::from_secs(15);
                let client = f.torznab(&p.name, &url, Secret::new(p.text("apiKey")), timeout);
                let r = self
                    .guarded(&breaker_name(p), in_use, client.fetch_caps())
                    .await;
                let on = |e: HttpError| http_failure(&e, "baseUrl", "apiKey", "the indexer");
                call_failure(r, on, "baseUrl", "the indexer")
            }
            (ProviderKind::Indexer, "HDBits") => {
                let h = &cfg.hdbits;
                let client = f.hdbits(
                    &hdbits_api_url(p),
                    &p.text("username"),
                    Secret::new(p.text("apiKey")),
                    Duration::from_secs(h.timeout_seconds),
                    h.requests_per_hour,
                );
                let fut = async { client.search_title("").await.map(|_| ()) };
                let r = self.guarded("hdbits", in_use, fut).await;
                let on = |e: HdbitsError| match e {
                    HdbitsError::Http(e) => http_failure(&e, "baseUrl", "apiKey", "HDBits"),
                    other => Failure::error("apiKey", other.to_string()),
                };
                call_failure(r, on, "baseUrl", "HDBits")
            }
            (ProviderKind::DownloadClient, _) => {
                let client = f.qbittorrent(
                    &qbittorrent_url(p),
                    &p.text("username"),
                    Secret::new(p.text("password")),
                    Duration::from_secs(cfg.qbittorrent.timeout_seconds),
                );
                let fut = async { client.version().await.map(|_| ()) };
                let r = self.guarded("qbittorrent", in_use, fut).await;
                let on = |e: HttpError| http_failure(&e, "host", "password", "qBittorrent");
                call_failure(r, on, "host", "qBittorrent")
            }
            (ProviderKind::Notification, _) => self.check_notification(p, in_use).await,
            _ => Some(Failure::error("implementation", "cannot be tested")),
        };
        failure.into_iter().collect()
    }
}
