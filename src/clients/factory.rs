//! Builds clients from settings without handing the shared reqwest client to the layers above:
//! the providers service creates and replaces indexers and download clients at runtime, and
//! services may not name reqwest types (DESIGN.md layers).

use std::time::Duration;

use super::hdbits::HdbitsClient;
use super::qbittorrent::QbitClient;
use super::torznab::TorznabClient;
use crate::config::Secret;

/// Makes clients that share one connection pool; cheap to clone.
#[derive(Clone)]
pub struct ClientFactory {
    http: reqwest::Client,
}

impl std::fmt::Debug for ClientFactory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ClientFactory")
    }
}

impl ClientFactory {
    /// A factory over the shared client (`clients::http::shared_client`).
    pub fn new(http: reqwest::Client) -> Self {
        ClientFactory { http }
    }

    /// A Torznab indexer named `name` (its breaker is `torznab:<name>`).
    pub fn torznab(&self, name: &str, url: &str, key: Secret, timeout: Duration) -> TorznabClient {
        TorznabClient::new(self.http.clone(), name, url, key, timeout)
    }

    /// HDBits at `api_url` with a fresh quota of `per_hour` requests.
    pub fn hdbits(
        &self,
        api_url: &str,
        username: &str,
        passkey: Secret,
        timeout: Duration,
        per_hour: u32,
    ) -> HdbitsClient {
        HdbitsClient::new(
            self.http.clone(),
            api_url,
            username.to_string(),
            passkey,
            timeout,
            per_hour,
        )
    }

    /// A qBittorrent WebUI client (nothing is sent until its first call).
    pub fn qbittorrent(
        &self,
        url: &str,
        username: &str,
        password: Secret,
        timeout: Duration,
    ) -> QbitClient {
        QbitClient::new(self.http.clone(), url, username, password, timeout)
    }
}
