//! Builds the service clients from the configuration, each paired with its breaker. Credentials
//! and URLs are read once at start (thresholds stay live through the registry).

use super::StartError;
use crate::breaker::Registry;
use crate::clients::hdbits::HdbitsClient;
use crate::clients::qbittorrent::QbitClient;
use crate::clients::tmdb::TmdbClient;
use crate::clients::torznab::TorznabClient;
use crate::config::Config;
use crate::journal::Journal;
use crate::services::downloads::{DownloadSettings, Downloads};
use crate::services::metadata::MetadataService;
use crate::services::search::{Indexer, SearchService};
use crate::services::Services;
use std::time::Duration;

/// File name of the qBittorrent retry journal inside the data dir (always SQLite).
pub const JOURNAL_FILE: &str = "qbittorrent-journal.db";

fn breaker(
    reg: &Registry,
    name: &str,
) -> Result<std::sync::Arc<crate::breaker::CircuitBreaker>, StartError> {
    reg.get(name)
        .ok_or_else(|| StartError::Other(format!("no circuit breaker named {name}")))
}

/// Creates every client and service; opens (and recovers) the retry journal.
pub async fn build(
    cfg: &Config,
    reg: &Registry,
    http: &reqwest::Client,
) -> Result<Services, StartError> {
    let tmdb = TmdbClient::new(
        http.clone(),
        cfg.tmdb.api_url.clone(),
        cfg.tmdb.api_key.clone(),
        Duration::from_secs(cfg.tmdb.timeout_seconds),
    );
    let metadata = MetadataService::new(
        tmdb.clone(),
        breaker(reg, "tmdb")?,
        Duration::from_secs(cfg.tmdb.cache_ttl_seconds),
        Duration::from_secs(cfg.tmdb.negative_cache_ttl_seconds),
    );

    let mut indexers = Vec::new();
    if !cfg.hdbits.username.is_empty() && !cfg.hdbits.passkey.is_empty() {
        let client = HdbitsClient::new(
            http.clone(),
            cfg.hdbits.api_url.clone(),
            cfg.hdbits.username.clone(),
            cfg.hdbits.passkey.clone(),
            Duration::from_secs(cfg.hdbits.timeout_seconds),
            cfg.hdbits.requests_per_hour,
        );
        indexers.push(Indexer::hdbits(client, breaker(reg, "hdbits")?));
    }
    for ix in cfg.indexers.torznab.iter().filter(|i| i.enabled) {
        let client = TorznabClient::new(
            http.clone(),
            ix.name.clone(),
            ix.url.clone(),
            ix.api_key.clone(),
            Duration::from_secs(ix.timeout_seconds),
        );
        indexers.push(Indexer::torznab(
            client,
            breaker(reg, &format!("torznab:{}", ix.name))?,
        ));
    }
    let search = SearchService::new(indexers);

    let q = &cfg.qbittorrent;
    let client = QbitClient::new(
        http.clone(),
        q.url.clone(),
        q.username.clone(),
        q.password.clone(),
        Duration::from_secs(q.timeout_seconds),
    );
    let journal = Journal::open(cfg.data_dir.join(JOURNAL_FILE))
        .await
        .map_err(|e| {
            StartError::Other(format!(
                "qBittorrent retry journal {}: {e}",
                cfg.data_dir.join(JOURNAL_FILE).display()
            ))
        })?;
    if journal.recovered_at_open() > 0 {
        tracing::warn!(
            operations = journal.recovered_at_open(),
            "replaying qBittorrent operations left in flight by an earlier crash"
        );
    }
    let settings = DownloadSettings {
        category: q.category.clone(),
        ..DownloadSettings::default()
    };
    let downloads = Downloads::new(client, breaker(reg, "qbittorrent")?, journal, settings);
    Ok(Services {
        tmdb,
        metadata,
        search,
        downloads,
    })
}
