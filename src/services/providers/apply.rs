//! Puts the providers in force: the breaker registry follows them (a new Torznab indexer gets
//! `torznab:<name>`, a removed one's breaker goes), the search service gets the indexers, the
//! download service every enabled client in priority order (`clients.rs`), and TMDB its key. Runs after every
//! change through the API and every config reload; clients whose settings did not change are
//! kept (with their caps cache and HDBits quota), so nothing is lost.

use std::collections::HashMap;
use std::time::Duration;

use serde_json::json;

use super::config_view::{self, hdbits_api_url, torznab_url, torznab_url_at};
use super::model::{Provider, Source};
use super::Providers;
use crate::breaker::Registry;
use crate::config::{mirror_breaker, Config, Secret, TorznabIndexer};
use crate::services::search::{Indexer, Mirror};

/// What the last apply built, so an unchanged provider keeps its client.
#[derive(Default)]
pub(super) struct Built {
    /// Breaker name → (settings fingerprint, indexer).
    indexers: HashMap<String, (String, Indexer)>,
    /// Fingerprint of the download clients in use.
    pub(super) client: String,
}

/// Pushes the config's thresholds into the breakers (never touching state or counters),
/// registers breakers for configured Torznab indexers and `extra` ones (added through the API),
/// and drops a removed indexer's breaker so it no longer shows in health.
pub fn sync_registry(registry: &Registry, cfg: &Config, extra: &[String]) {
    let mut wanted = cfg.breaker_names();
    wanted.extend(extra.iter().cloned());
    for name in &wanted {
        let Some(settings) = cfg.circuit_breakers.get(name) else {
            continue;
        };
        if registry.get(name).is_some() {
            if let Err(e) = registry.update_config(name, settings.clone()) {
                tracing::error!(service = %name, error = %e, "breaker config not applied");
            }
        } else {
            registry.register(name, settings.clone());
        }
    }
    for b in registry.all() {
        let dynamic = b.name().starts_with("torznab:")
            || b.name().starts_with("notification:")
            || b.name().starts_with("qbittorrent:");
        if !wanted.iter().any(|w| w == b.name()) && dynamic {
            registry.remove(b.name());
        }
    }
}

/// A Torznab provider's mirror URLs (`mirrorUrls`), in order.
fn mirror_urls(p: &Provider) -> Vec<String> {
    match p.fields.get("mirrorUrls") {
        Some(serde_json::Value::Array(a)) => a
            .iter()
            .filter_map(|u| u.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    }
}

/// The breaker an indexer provider is called through.
pub fn breaker_name(p: &Provider) -> String {
    if p.implementation == "HDBits" {
        "hdbits".into()
    } else {
        format!("torznab:{}", p.name)
    }
}

impl Providers {
    /// Breakers of the Torznab indexers stored in the database, and of their mirrors.
    fn extra_breakers(&self) -> Vec<String> {
        let db = self.inner.db.read();
        db.indexers
            .iter()
            .filter(|p| p.implementation == "Torznab")
            .flat_map(|p| {
                let mirrors = (0..mirror_urls(p).len()).map(|k| mirror_breaker(&p.name, k));
                std::iter::once(breaker_name(p)).chain(mirrors)
            })
            .collect()
    }

    /// Brings breakers, search, downloads and TMDB in line with `cfg` and the stored providers.
    pub(super) fn apply(&self, cfg: &Config) {
        let mut built = self.inner.built.lock();
        let mut extra = self.extra_breakers();
        extra.extend(self.notification_breakers());
        extra.extend(self.client_breakers(cfg));
        sync_registry(&self.inner.registry, cfg, &extra);
        self.apply_notifications();
        self.apply_indexers(cfg, &mut built);
        self.apply_client(cfg, &mut built);
        self.apply_tmdb(cfg);
    }

    fn apply_indexers(&self, cfg: &Config, built: &mut Built) {
        let db = self.inner.db.read().indexers.clone();
        let mut next = HashMap::new();
        let mut list = Vec::new();
        for p in config_view::indexers(cfg).into_iter().chain(db) {
            if !p.searches() {
                continue;
            }
            let name = breaker_name(&p);
            let print = json!([
                p.implementation,
                p.fields,
                cfg.hdbits.timeout_seconds,
                cfg.hdbits.requests_per_hour,
                p.name
            ])
            .to_string();
            let indexer = match built.indexers.get(&name) {
                Some((old, ix)) if *old == print => ix.clone(),
                _ => match self.build_indexer(cfg, &p, &name) {
                    Some(ix) => ix,
                    None => continue,
                },
            };
            next.insert(name, (print, indexer.clone()));
            list.push(indexer);
        }
        built.indexers = next;
        self.inner.search.set_indexers(list);
    }

    fn build_indexer(&self, cfg: &Config, p: &Provider, name: &str) -> Option<Indexer> {
        let Some(breaker) = self.inner.registry.get(name) else {
            tracing::error!(indexer = %p.name, "no circuit breaker for indexer; left out");
            return None;
        };
        let f = &self.inner.factory;
        let key = Secret::new(p.text("apiKey"));
        Some(
            if p.implementation == "HDBits" {
                let h = &cfg.hdbits;
                let client = f.hdbits(
                    &hdbits_api_url(p),
                    &p.text("username"),
                    key,
                    Duration::from_secs(h.timeout_seconds),
                    h.requests_per_hour,
                );
                Indexer::hdbits(client, breaker)
            } else {
                let timeout = match p.source {
                    Source::Config => cfg
                        .indexers
                        .torznab
                        .iter()
                        .find(|i| i.name == p.name)
                        .map(|i| i.timeout_seconds),
                    Source::Database => None,
                }
                .unwrap_or(TorznabIndexer::default().timeout_seconds);
                let url = match p.source {
                    Source::Config => p.text("baseUrl"),
                    Source::Database => torznab_url(p),
                };
                let cats: Vec<u32> = match p.fields.get("categories") {
                    Some(serde_json::Value::Array(a)) => a
                        .iter()
                        .filter_map(|c| c.as_u64().and_then(|c| u32::try_from(c).ok()))
                        .collect(),
                    _ => Vec::new(),
                };
                let timeout = Duration::from_secs(timeout);
                let mut mirrors = Vec::new();
                for (k, m) in mirror_urls(p).iter().enumerate() {
                    let Some(breaker) = self.inner.registry.get(&mirror_breaker(&p.name, k)) else {
                        continue;
                    };
                    let m = match p.source {
                        Source::Config => m.clone(),
                        Source::Database => torznab_url_at(m, p),
                    };
                    let client = f
                        .torznab(&p.name, &m, key.clone(), timeout)
                        .with_categories(cats.clone());
                    mirrors.push(Mirror { client, breaker });
                }
                let client = f.torznab(&p.name, &url, key, timeout).with_categories(cats);
                Indexer::torznab(client, breaker).with_mirrors(mirrors)
            }
            // Only an API provider's own minimum: the config file's follow `[library]`.
            .with_min_seeders(
                p.int("minimumSeeders")
                    .and_then(|n| u32::try_from(n).ok())
                    .filter(|_| p.source == Source::Database),
            ),
        )
    }

    fn apply_tmdb(&self, cfg: &Config) {
        let key = if cfg.tmdb.api_key.is_empty() {
            self.inner.db.read().tmdb_key.clone().unwrap_or_default()
        } else {
            cfg.tmdb.api_key.clone()
        };
        if self.inner.tmdb.api_key() != key {
            self.inner.tmdb.set_api_key(key);
        }
    }
}
