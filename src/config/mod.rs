//! The merged configuration: types, defaults, and the layering/validation/reload machinery.
//!
//! Precedence (INTERFACE.md): CLI flag > environment variable > config file > built-in default.

mod env;
mod layer;
mod library;
mod live;
mod secret;
mod template;
mod validate;

pub use layer::{load, ConfigError, Loaded, Sources};
pub use library::{AutomationConfig, LibraryConfig, TOKENS as NAMING_TOKENS};
pub use live::{spawn_reloader, LiveConfig, ReloadOutcome};
pub use secret::Secret;
pub use template::{config_template, write_initial_file, write_private as write_secret_file};

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// The whole configuration, as merged from every layer and validated. Passed explicitly (through an
/// `ArcSwap` in [`LiveConfig`]) rather than held in a global, so tests can run many servers at once.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct Config {
    pub server: ServerConfig,
    pub log: LogConfig,
    pub database: DatabaseConfig,
    pub health: HealthConfig,
    pub metrics: MetricsConfig,
    pub auth: AuthConfig,
    pub circuit_breakers: BreakersConfig,
    pub tmdb: TmdbConfig,
    pub hdbits: HdbitsConfig,
    pub qbittorrent: QbittorrentConfig,
    pub indexers: IndexersConfig,
    pub alerts: AlertsConfig,
    pub library: LibraryConfig,
    pub automation: AutomationConfig,
    /// Where data lives; set from CLI/env, never from the file itself.
    #[serde(skip)]
    pub data_dir: PathBuf,
    /// The file this config was read from (and where `PUT /api/v1/circuit-breakers` persists).
    #[serde(skip)]
    pub config_path: PathBuf,
}

/// `[server]`: where and how the HTTP server listens.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct ServerConfig {
    pub bind: String,
    /// Radarr's URL base, reported by `system/status`; reelarr itself serves at the root.
    pub url_base: String,
    /// The API key clients (Overseerr, Homepage, pyarr) use; generated on first start.
    pub api_key: Secret,
    /// The largest request body accepted, in bytes.
    pub max_body_bytes: u64,
    /// How long graceful shutdown waits for in-flight requests before giving up.
    pub shutdown_grace_seconds: u64,
    /// How long a client may take to send a request's headers, and how long an idle keep-alive
    /// connection is kept: slow or silent connections are closed after it (slowloris).
    pub header_read_timeout_seconds: u64,
    /// Open connections beyond this are answered 503 and closed, so idle clients cannot starve
    /// `/health` and the UI of file descriptors.
    pub max_connections: usize,
}

/// `[log]`: verbosity and format of the log output.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct LogConfig {
    pub level: String,
    pub format: String,
}

/// `[database]`: which store to use.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct DatabaseConfig {
    /// `sqlite://PATH` or `postgres://...`; empty means `sqlite://<data-dir>/reelarr.db`.
    pub url: Secret,
    /// Read connections kept open next to the single writer.
    pub read_pool_size: u32,
    /// How long SQLite waits on a lock before reporting "busy" (Radarr's 100 ms is a top complaint).
    pub busy_timeout_ms: u64,
}

/// `[health]`: the background prober and `/health/detailed`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct HealthConfig {
    pub check_interval_seconds: u64,
    pub detailed_cache_seconds: u64,
    pub detailed_public: bool,
}

/// `[metrics]`: the Prometheus endpoint.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[serde(default)]
pub struct MetricsConfig {
    pub public: bool,
}

/// `[auth]`: sessions and login throttling.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct AuthConfig {
    pub session_ttl_hours: u64,
    pub login_max_failures: u32,
    pub login_window_seconds: u64,
    /// Failed logins from all addresses together within the window before every address waits.
    pub login_max_failures_global: u32,
}

/// One breaker's tunables (`[circuit_breakers.<service>]`): the breaker module's own config type,
/// so what the file says is exactly what the state machine reads.
pub type BreakerSettings = crate::breaker::BreakerConfig;

/// `[circuit_breakers]`: one table per built-in service, plus defaults for Torznab indexers.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct BreakersConfig {
    pub tmdb: BreakerSettings,
    pub hdbits: BreakerSettings,
    pub qbittorrent: BreakerSettings,
    pub database: BreakerSettings,
    /// TMDB's image host, behind the poster proxy (`/MediaCover`).
    pub images: BreakerSettings,
    /// Applied to every `torznab:<name>` breaker unless `torznab_overrides` names it.
    pub torznab: BreakerSettings,
    /// Per-indexer overrides keyed by indexer name, written by `PUT /api/v1/circuit-breakers/torznab:<name>`.
    pub torznab_overrides: BTreeMap<String, BreakerSettings>,
    /// Shared by every `notification:<name>` breaker (one per webhook target).
    pub notification: BreakerSettings,
}

impl BreakersConfig {
    /// The settings for a breaker by its registry name (`tmdb`, `torznab:prowlarr`, ...).
    pub fn get(&self, service: &str) -> Option<&BreakerSettings> {
        match service {
            // TMDB's alternative base URL shares the `tmdb` table.
            "tmdb" | TMDB_ALT => Some(&self.tmdb),
            "hdbits" => Some(&self.hdbits),
            "qbittorrent" => Some(&self.qbittorrent),
            "database" => Some(&self.database),
            "images" => Some(&self.images),
            other if other.starts_with("notification:") => Some(&self.notification),
            // Every failover qBittorrent endpoint shares the `qbittorrent` table.
            other if other.starts_with("qbittorrent:") => Some(&self.qbittorrent),
            other => other
                .strip_prefix("torznab:")
                .map(|name| self.torznab_overrides.get(name).unwrap_or(&self.torznab)),
        }
    }

    /// Mutable access used by the live-update endpoint; a Torznab indexer gets its own override table.
    pub fn get_mut(&mut self, service: &str) -> Option<&mut BreakerSettings> {
        match service {
            "tmdb" | TMDB_ALT => Some(&mut self.tmdb),
            "hdbits" => Some(&mut self.hdbits),
            "qbittorrent" => Some(&mut self.qbittorrent),
            "database" => Some(&mut self.database),
            "images" => Some(&mut self.images),
            other if other.starts_with("notification:") => Some(&mut self.notification),
            other if other.starts_with("qbittorrent:") => Some(&mut self.qbittorrent),
            other => {
                let name = other.strip_prefix("torznab:")?;
                let base = self.torznab.clone();
                Some(
                    self.torznab_overrides
                        .entry(name.to_string())
                        .or_insert(base),
                )
            }
        }
    }
}

impl Default for BreakersConfig {
    /// Every table from the breaker module's one [`crate::breaker::SERVICE_DEFAULTS`].
    fn default() -> Self {
        let seed = |service| BreakerSettings::seed(service).expect("a built-in breaker");
        BreakersConfig {
            tmdb: seed("tmdb"),
            hdbits: seed("hdbits"),
            qbittorrent: seed("qbittorrent"),
            database: seed("database"),
            images: seed("images"),
            torznab: seed("torznab"),
            torznab_overrides: BTreeMap::new(),
            notification: seed("notification"),
        }
    }
}

/// `[tmdb]`: the metadata source.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct TmdbConfig {
    pub api_key: Secret,
    pub api_url: String,
    pub timeout_seconds: u64,
    pub cache_ttl_seconds: u64,
    pub negative_cache_ttl_seconds: u64,
    /// TMDB's image host (sizes such as `w500` are appended), fetched by the poster proxy.
    pub image_url: String,
    /// Cap of the on-disk poster cache (`<data-dir>/MediaCover`); the oldest files go first.
    pub image_cache_mb: u64,
    /// Failover endpoint (issue 17): an alternative TMDB API base URL (a mirror or caching
    /// proxy), asked when `api_url` fails or its breaker is open; its breaker is `tmdb:alt`.
    /// Empty: none. Read at start.
    pub fallback_base_url: String,
}

/// `[hdbits]`: the private tracker's JSON API.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct HdbitsConfig {
    pub username: String,
    pub passkey: Secret,
    pub api_url: String,
    pub timeout_seconds: u64,
    /// Client-side quota; HDBits documents about 150 requests per hour per user.
    pub requests_per_hour: u32,
}

/// `[qbittorrent]`: the download client.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct QbittorrentConfig {
    pub url: String,
    pub username: String,
    pub password: Secret,
    pub category: String,
    pub timeout_seconds: u64,
}

/// `[indexers]`: Torznab endpoints (Prowlarr, Jackett).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[serde(default)]
pub struct IndexersConfig {
    pub torznab: Vec<TorznabIndexer>,
}

/// One `[[indexers.torznab]]` table; its breaker is `torznab:<name>`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct TorznabIndexer {
    pub name: String,
    pub url: String,
    pub api_key: Secret,
    pub enabled: bool,
    pub timeout_seconds: u64,
    /// Failover endpoints (issue 17): alternative base URLs of the same indexer, tried in order
    /// when `url` fails or its breaker is open; the `n`th has the breaker `torznab:<name>#<n+1>`.
    pub mirror_urls: Vec<String>,
}

impl Default for TorznabIndexer {
    fn default() -> Self {
        TorznabIndexer {
            name: String::new(),
            url: String::new(),
            api_key: Secret::default(),
            enabled: true,
            timeout_seconds: 15,
            mirror_urls: Vec::new(),
        }
    }
}

/// `[alerts]`: where breaker alerts are POSTed.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct AlertsConfig {
    pub webhooks: Vec<String>,
    pub timeout_seconds: u64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            server: ServerConfig::default(),
            log: LogConfig::default(),
            database: DatabaseConfig::default(),
            health: HealthConfig::default(),
            metrics: MetricsConfig::default(),
            auth: AuthConfig::default(),
            circuit_breakers: BreakersConfig::default(),
            tmdb: TmdbConfig::default(),
            hdbits: HdbitsConfig::default(),
            qbittorrent: QbittorrentConfig::default(),
            indexers: IndexersConfig::default(),
            alerts: AlertsConfig::default(),
            library: LibraryConfig::default(),
            automation: AutomationConfig::default(),
            data_dir: PathBuf::new(),
            config_path: PathBuf::new(),
        }
    }
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            bind: "0.0.0.0:7878".into(),
            url_base: String::new(),
            api_key: Secret::default(),
            max_body_bytes: 1024 * 1024,
            shutdown_grace_seconds: 30,
            header_read_timeout_seconds: 10,
            max_connections: 512,
        }
    }
}

impl Default for LogConfig {
    fn default() -> Self {
        LogConfig {
            level: "info".into(),
            format: "text".into(),
        }
    }
}

impl Default for DatabaseConfig {
    fn default() -> Self {
        DatabaseConfig {
            url: Secret::default(),
            read_pool_size: 4,
            busy_timeout_ms: 5_000,
        }
    }
}

impl Default for HealthConfig {
    fn default() -> Self {
        HealthConfig {
            check_interval_seconds: 30,
            detailed_cache_seconds: 10,
            detailed_public: false,
        }
    }
}

impl Default for AuthConfig {
    fn default() -> Self {
        AuthConfig {
            session_ttl_hours: 24 * 30,
            login_max_failures: 5,
            login_window_seconds: 60,
            login_max_failures_global: 30,
        }
    }
}

impl Default for TmdbConfig {
    fn default() -> Self {
        TmdbConfig {
            api_key: Secret::default(),
            api_url: "https://api.themoviedb.org/3".into(),
            timeout_seconds: 10,
            cache_ttl_seconds: 24 * 3600,
            negative_cache_ttl_seconds: 300,
            image_url: "https://image.tmdb.org/t/p".into(),
            image_cache_mb: 200,
            fallback_base_url: String::new(),
        }
    }
}

impl Default for HdbitsConfig {
    fn default() -> Self {
        HdbitsConfig {
            username: String::new(),
            passkey: Secret::default(),
            api_url: "https://hdbits.org/api".into(),
            timeout_seconds: 15,
            requests_per_hour: 150,
        }
    }
}

impl Default for QbittorrentConfig {
    fn default() -> Self {
        QbittorrentConfig {
            url: "http://127.0.0.1:8080".into(),
            username: String::new(),
            password: Secret::default(),
            category: "reelarr".into(),
            timeout_seconds: 10,
        }
    }
}

impl Default for AlertsConfig {
    fn default() -> Self {
        AlertsConfig {
            webhooks: Vec::new(),
            timeout_seconds: 5,
        }
    }
}

/// The breaker of TMDB's alternative base URL (`[tmdb] fallback_base_url`).
pub const TMDB_ALT: &str = "tmdb:alt";

/// The breaker of Torznab indexer `name`'s mirror number `k` (0-based): `torznab:<name>#<k+2>`
/// (the indexer's own URL being #1).
pub fn mirror_breaker(name: &str, k: usize) -> String {
    format!("torznab:{name}#{}", k + 2)
}

impl Config {
    /// The effective database URL: the configured one, or SQLite inside the data dir.
    pub fn database_url(&self) -> String {
        if self.database.url.is_empty() {
            format!("sqlite://{}", self.data_dir.join("reelarr.db").display())
        } else {
            self.database.url.expose().to_string()
        }
    }

    /// Every breaker name this configuration asks for, in a stable order.
    pub fn breaker_names(&self) -> Vec<String> {
        let mut names: Vec<String> = ["tmdb", "hdbits", "qbittorrent", "database", "images"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        if !self.tmdb.fallback_base_url.is_empty() {
            names.push(TMDB_ALT.to_string());
        }
        for i in &self.indexers.torznab {
            names.push(format!("torznab:{}", i.name));
            names.extend((0..i.mirror_urls.len()).map(|k| mirror_breaker(&i.name, k)));
        }
        names
    }
}
