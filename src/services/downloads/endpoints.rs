//! Failover endpoints (issue 17): every enabled qBittorrent download client is an endpoint, in
//! priority order, each behind its own breaker (`qbittorrent` for the first, as before;
//! `qbittorrent:<client name>` for the others). A send goes to the first endpoint whose breaker
//! admits; status polls ask every endpoint; removal asks the one that has the torrent.

use std::sync::Arc;

use chrono::Utc;

use super::{ClientChoice, Downloads};
use crate::breaker::{BreakerState, CircuitBreaker};
use crate::clients::qbittorrent::QbitClient;

/// The id the config file's `[qbittorrent]` client has (the providers' `CONFIG_ID_BASE`), and
/// the one a journal entry written before failover existed is taken to belong to.
pub const PRIMARY_ID: i64 = crate::services::providers::CONFIG_ID_BASE;

/// Breaker of the first endpoint, and prefix of the others' (`qbittorrent:<client name>`).
pub const PRIMARY_BREAKER: &str = "qbittorrent";

/// One download client in use: its id (what the journal records), its name, how to reach it
/// and the breaker its calls go through.
#[derive(Clone)]
pub struct Endpoint {
    /// The download client's id (`/api/v3/downloadclient/{id}`; [`PRIMARY_ID`] for the config
    /// file's).
    pub id: i64,
    /// The client's name, for logs and health.
    pub name: String,
    /// Client, category and add options.
    pub choice: Arc<ClientChoice>,
    /// `qbittorrent` for the first endpoint, `qbittorrent:<name>` for the others.
    pub breaker: Arc<CircuitBreaker>,
}

impl Endpoint {
    /// The breaker name the endpoint at `index` (0 = primary) of client `name` gets.
    pub fn breaker_name(index: usize, name: &str) -> String {
        if index == 0 {
            PRIMARY_BREAKER.to_string()
        } else {
            format!("{PRIMARY_BREAKER}:{name}")
        }
    }

    /// Why this endpoint takes no call right now (its breaker is open or forced open), judged
    /// without taking a permit; `None` when it admits.
    pub fn blocked(&self) -> Option<String> {
        let b = &self.breaker;
        match b.state() {
            BreakerState::ForcedOpen => {
                Some(format!("{} circuit breaker is forced open", b.name()))
            }
            BreakerState::Open => {
                let until = b.snapshot().next_attempt_at?;
                (until > Utc::now()).then(|| {
                    format!(
                        "{} circuit breaker is open until {}",
                        b.name(),
                        until.to_rfc3339()
                    )
                })
            }
            _ => None,
        }
    }
}

/// The first endpoint, in priority order, whose breaker admits a call (the endpoint choice).
pub fn first_admitting(endpoints: &[Endpoint]) -> Option<&Endpoint> {
    endpoints.iter().find(|e| e.blocked().is_none())
}

impl Downloads {
    /// Every endpoint in priority order (never empty).
    pub fn endpoints(&self) -> Arc<Vec<Endpoint>> {
        self.inner.endpoints.load_full()
    }

    /// The first endpoint (breaker `qbittorrent`).
    pub(super) fn primary(&self) -> Endpoint {
        self.inner.endpoints.load()[0].clone()
    }

    /// The endpoint with download-client id `id`.
    pub(super) fn endpoint(&self, id: i64) -> Option<Endpoint> {
        self.inner
            .endpoints
            .load()
            .iter()
            .find(|e| e.id == id)
            .cloned()
    }

    /// The client behind breaker `breaker` (`qbittorrent` or `qbittorrent:<name>`), for the
    /// health probe; `None` when no endpoint has that breaker.
    pub fn client_for(&self, breaker: &str) -> Option<QbitClient> {
        self.inner
            .endpoints
            .load()
            .iter()
            .find(|e| e.breaker.name() == breaker)
            .map(|e| e.choice.client.clone())
    }

    /// Whether the endpoint behind breaker `breaker` was set up by the user.
    pub fn is_configured_for(&self, breaker: &str) -> bool {
        self.inner
            .endpoints
            .load()
            .iter()
            .any(|e| e.breaker.name() == breaker && e.choice.configured)
    }

    /// Replaces the endpoints (priority order; an empty list is ignored) for every clone; the
    /// journal and each breaker's state stay. Wakes the replayer so waiting grabs go out.
    pub fn set_endpoints(&self, endpoints: Vec<Endpoint>) {
        if endpoints.is_empty() {
            return;
        }
        self.inner.endpoints.store(Arc::new(endpoints));
        self.inner.wake.notify_one();
    }

    /// Why no call can be made right now: every endpoint refuses (judged without a permit).
    pub(super) fn blocked(&self) -> Option<String> {
        let eps = self.endpoints();
        let mut reasons = Vec::new();
        for e in eps.iter() {
            reasons.push(e.blocked()?);
        }
        Some(reasons.join("; "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::breaker::{BreakerConfig, SystemClock};
    use crate::config::Secret;
    use std::time::Duration;

    fn endpoint(id: i64, name: &str, index: usize) -> Endpoint {
        let client = QbitClient::new(
            reqwest::Client::new(),
            "http://127.0.0.1:9",
            "admin",
            Secret::new("pw"),
            Duration::from_secs(1),
        );
        Endpoint {
            id,
            name: name.into(),
            choice: Arc::new(ClientChoice {
                client,
                category: "reelarr".into(),
                configured: true,
                start_paused: false,
            }),
            breaker: Arc::new(CircuitBreaker::new(
                Endpoint::breaker_name(index, name),
                BreakerConfig::default(),
                Arc::new(SystemClock::new()),
            )),
        }
    }

    /// The first admitting endpoint in priority order takes a call; an open or forced-open
    /// breaker is passed over, and a recovered one is first again.
    #[test]
    fn the_first_admitting_endpoint_is_chosen() {
        let eps = vec![
            endpoint(7, "one", 0),
            endpoint(3, "two", 1),
            endpoint(9, "three", 2),
        ];
        assert_eq!(eps[0].breaker.name(), "qbittorrent");
        assert_eq!(eps[1].breaker.name(), "qbittorrent:two");
        assert_eq!(first_admitting(&eps).map(|e| e.id), Some(7));
        eps[0].breaker.force_open();
        assert!(eps[0]
            .blocked()
            .unwrap()
            .contains("qbittorrent circuit breaker is forced open"));
        assert_eq!(first_admitting(&eps).map(|e| e.id), Some(3));
        eps[1].breaker.force_open();
        assert_eq!(first_admitting(&eps).map(|e| e.id), Some(9));
        eps[2].breaker.force_open();
        assert_eq!(first_admitting(&eps).map(|e| e.id), None);
        eps[0].breaker.reset();
        assert_eq!(first_admitting(&eps).map(|e| e.id), Some(7));
    }
}
