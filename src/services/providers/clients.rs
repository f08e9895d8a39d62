//! The download clients in force (failover endpoints, issue 17): every enabled qBittorrent
//! client, config file's and API's, in priority order, each an endpoint of the download service
//! with its own breaker — `qbittorrent` for the first (so health, the INTERFACE contract and
//! every existing script keep their meaning), `qbittorrent:<client name>` for the others, added
//! and removed with the clients.

use std::sync::Arc;
use std::time::Duration;

use serde_json::json;

use super::apply::Built;
use super::config_view::{self, qbittorrent_url};
use super::model::{Provider, Source};
use super::Providers;
use crate::config::{Config, Secret};
use crate::services::downloads::{ClientChoice, Endpoint, PRIMARY_ID};

impl Providers {
    /// Every enabled download client, best (lowest) priority first; on a tie one added through
    /// the API comes before the config file's, then the older.
    pub(super) fn chosen_clients(&self, cfg: &Config) -> Vec<Provider> {
        let db = self.inner.db.read().clients.clone();
        let mut all: Vec<Provider> = db
            .into_iter()
            .chain(config_view::download_clients(cfg))
            .filter(|p| p.enable)
            .collect();
        all.sort_by_key(|p| (p.priority, p.source == Source::Config, p.id));
        all
    }

    /// The breakers of the endpoints after the first (`qbittorrent:<client name>`).
    pub(super) fn client_breakers(&self, cfg: &Config) -> Vec<String> {
        self.chosen_clients(cfg)
            .iter()
            .enumerate()
            .skip(1)
            .map(|(i, p)| Endpoint::breaker_name(i, &p.name))
            .collect()
    }

    /// Puts the enabled clients in force as the download service's endpoints, when they
    /// changed. Without any, the config's `[qbittorrent]` defaults (as before there was an API).
    pub(super) fn apply_client(&self, cfg: &Config, built: &mut Built) {
        let q = &cfg.qbittorrent;
        let chosen = self.chosen_clients(cfg);
        let clients: Vec<_> = chosen
            .iter()
            .map(|p| json!([p.id, p.name, p.source == Source::Database, p.fields]))
            .collect();
        let print = json!([
            clients,
            q.url,
            q.username,
            q.password.expose(),
            q.category,
            q.timeout_seconds
        ])
        .to_string();
        if print == built.client {
            return;
        }
        let first = built.client.is_empty();
        built.client = print;
        // At start the client built from the config is already in place.
        if first && chosen.iter().all(|p| p.source == Source::Config) {
            return;
        }
        let timeout = Duration::from_secs(q.timeout_seconds);
        let mut endpoints = Vec::new();
        for (i, p) in chosen.iter().enumerate() {
            let name = Endpoint::breaker_name(i, &p.name);
            let Some(breaker) = self.inner.registry.get(&name) else {
                tracing::error!(client = %p.name, "no circuit breaker for download client; left out");
                continue;
            };
            endpoints.push(Endpoint {
                id: p.id,
                name: p.name.clone(),
                choice: Arc::new(self.choice(cfg, Some(p), timeout)),
                breaker,
            });
        }
        if endpoints.is_empty() {
            let Some(breaker) = self.inner.registry.get(&Endpoint::breaker_name(0, "")) else {
                return;
            };
            endpoints.push(Endpoint {
                id: PRIMARY_ID,
                name: "qBittorrent".into(),
                choice: Arc::new(self.choice(cfg, None, timeout)),
                breaker,
            });
        }
        let urls: Vec<String> = endpoints
            .iter()
            .map(|e| format!("{} ({})", e.choice.client.base_url(), e.breaker.name()))
            .collect();
        tracing::info!(clients = %urls.join(", "), "download clients in use changed");
        self.inner.downloads.set_endpoints(endpoints);
    }

    /// How to reach and use client `p` (`None` or a config one: `[qbittorrent]`).
    fn choice(&self, cfg: &Config, p: Option<&Provider>, timeout: Duration) -> ClientChoice {
        let q = &cfg.qbittorrent;
        let f = &self.inner.factory;
        match p.filter(|p| p.source == Source::Database) {
            Some(p) => {
                let category = Some(p.text("movieCategory"))
                    .filter(|c| !c.trim().is_empty())
                    .unwrap_or_else(|| q.category.clone());
                ClientChoice {
                    client: f.qbittorrent(
                        &qbittorrent_url(p),
                        &p.text("username"),
                        Secret::new(p.text("password")),
                        timeout,
                    ),
                    category,
                    configured: true,
                    start_paused: p.int("initialState") == Some(2),
                }
            }
            None => ClientChoice {
                client: f.qbittorrent(&q.url, &q.username, q.password.clone(), timeout),
                category: q.category.clone(),
                configured: !q.username.is_empty(),
                start_paused: false,
            },
        }
    }
}
