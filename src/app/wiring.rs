//! Builds the service clients from the configuration, each paired with its breaker. The
//! providers service (`services::providers`) then puts the indexers in force and keeps clients,
//! credentials and URLs in step with the API and config reloads.

use super::StartError;
use crate::breaker::Registry;
use crate::clients::images::ImageClient;
use crate::clients::qbittorrent::QbitClient;
use crate::clients::tmdb::TmdbClient;
use crate::config::Config;
use crate::journal::Journal;
use crate::services::downloads::{DownloadSettings, Downloads};
use crate::services::images::ImageService;
use crate::services::metadata::MetadataService;
use crate::services::search::SearchService;
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
    let mut metadata = MetadataService::new(
        tmdb.clone(),
        breaker(reg, "tmdb")?,
        Duration::from_secs(cfg.tmdb.cache_ttl_seconds),
        Duration::from_secs(cfg.tmdb.negative_cache_ttl_seconds),
    );
    // Failover endpoint (issue 17): TMDB's alternative base URL behind `tmdb:alt`.
    if !cfg.tmdb.fallback_base_url.is_empty() {
        let alt = tmdb.at(&cfg.tmdb.fallback_base_url);
        metadata = metadata.with_alternative(alt, breaker(reg, crate::config::TMDB_ALT)?);
    }

    // The indexers are put in force by the providers service (config and database ones).
    let search = SearchService::new(Vec::new());

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
    // The call timeout of the `images` breaker bounds each fetch; this only backs it up.
    let images = ImageService::new(
        ImageClient::new(http.clone(), &cfg.tmdb.image_url, Duration::from_secs(10)),
        breaker(reg, "images")?,
        cfg.data_dir.join("MediaCover"),
        cfg.tmdb.image_cache_mb.saturating_mul(1024 * 1024),
    );
    Ok(Services {
        tmdb,
        metadata,
        search,
        downloads,
        images,
    })
}
