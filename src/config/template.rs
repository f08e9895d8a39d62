//! The config file written on first start: every default, with a comment saying what it does.
//! A unit test keeps it equal to `Config::default()`; the breaker tables come from the breaker
//! module's defaults table.

use std::io::Write;
use std::path::Path;

use crate::breaker::{BreakerConfig, SERVICE_DEFAULTS};

/// The commented defaults before the breaker tables.
const HEAD: &str = r#"# reelarr configuration. Written with the defaults on first start; edit freely.
# Precedence: command-line flag > environment variable > this file > built-in default.
# Changes to thresholds and timeouts are picked up within 5 seconds (or at once on SIGHUP);
# an invalid edit is rejected whole and the running configuration stays.

[server]
# Address and port of the web UI and API (env REELARR_BIND).
bind = "0.0.0.0:7878"
# Reported to Radarr clients as urlBase.
url_base = ""
# API key for Radarr clients (Overseerr, Homepage, pyarr): X-Api-Key header, ?apikey= or Bearer.
api_key = "@API_KEY@"
# Largest accepted request body, in bytes.
max_body_bytes = 1048576
# How long a shutdown waits for requests in flight.
shutdown_grace_seconds = 30
# Seconds a client may take to send a request's headers; idle keep-alive connections close after it.
header_read_timeout_seconds = 10
# Open connections beyond this are answered 503 and closed (the .deb's unit allows 65536 files).
max_connections = 512

[log]
# trace, debug, info, warn, error, or a filter such as "info,reelarr=debug" (env REELARR_LOG).
level = "info"
# "text" for people, "json" for machines (env REELARR_LOG_FORMAT).
format = "text"

[database]
# Empty: SQLite at <data-dir>/reelarr.db. Or postgres://user:pass@host:5432/db (env REELARR_DATABASE_URL).
url = ""
read_pool_size = 4
busy_timeout_ms = 5000

[health]
# Background probe of every configured service (env HEALTH_CHECK_INTERVAL_SECONDS).
check_interval_seconds = 30
# How long /health/detailed answers from cache (env DETAILED_HEALTH_CACHE_SECONDS).
detailed_cache_seconds = 10
# Serve /health/detailed without authentication.
detailed_public = false

[metrics]
# Serve /metrics without authentication (for a Prometheus scraper without the API key).
public = false

[auth]
session_ttl_hours = 720
# Failed logins allowed per client address within the window before it must wait.
login_max_failures = 5
login_window_seconds = 60
# Failed logins from all addresses together within the window before everyone must wait.
login_max_failures_global = 30

# Circuit breakers: failure_threshold consecutive failures open the breaker; after
# recovery_timeout_seconds one trial call is let through (half-open); success closes it again.
# env CIRCUIT_BREAKER_<SERVICE>_THRESHOLD, CIRCUIT_BREAKER_<SERVICE>_TIMEOUT_SECONDS and
# CIRCUIT_BREAKER_<SERVICE>_ADAPTIVE.
"#;

/// The commented default configuration; `@API_KEY@` is replaced by the generated key. The
/// breaker tables are written from [`SERVICE_DEFAULTS`], so they cannot drift from the defaults.
pub fn config_template() -> String {
    let mut text = HEAD.to_string();
    for (i, d) in SERVICE_DEFAULTS.iter().enumerate() {
        if d.service == "torznab" {
            text.push_str(TORZNAB_NOTE);
        }
        if d.service == "notification" {
            text.push_str(NOTIFICATION_NOTE);
        }
        text.push_str(&breaker_table(d.service, &d.config(), i == 0));
        text.push('\n');
    }
    text + TAIL
}

/// Heads the `torznab` table, which no single indexer's breaker is named after.
const TORZNAB_NOTE: &str = "# Defaults for every torznab:<name> breaker \
                            (per-indexer tables go in [circuit_breakers.torznab_overrides.<name>]).\n";

/// Heads the `notification` table, shared by every webhook target's breaker.
const NOTIFICATION_NOTE: &str =
    "# Every notification:<name> breaker (one per webhook in /api/v3/notification).\n";

/// One `[circuit_breakers.<service>]` table; the first one carries the comments for all.
fn breaker_table(service: &str, c: &BreakerConfig, commented: bool) -> String {
    let note = |text: &str| {
        if commented {
            text.to_string()
        } else {
            String::new()
        }
    };
    format!(
        "[circuit_breakers.{service}]\n\
         failure_threshold = {}\n\
         recovery_timeout_seconds = {}\n\
         {}half_open_max_calls = {}\n\
         success_threshold = {}\n\
         {}call_timeout_ms = {}\n\
         slow_call_ms = {}\n\
         {}window_size = {}\n\
         minimum_calls = {}\n\
         {}backoff_multiplier = {:?}\n\
         max_recovery_timeout_seconds = {}\n\
         jitter_ratio = {:?}\n\
         {}adaptive = {}\n\
         adaptive_min_open_seconds = {}\n\
         adaptive_max_open_seconds = {}\n\
         adaptive_min_slow_call_ms = {}\n\
         adaptive_max_slow_call_ms = {}\n",
        c.failure_threshold,
        c.recovery_timeout_seconds,
        note("# Trial calls admitted at once while half-open, and successes needed to close.\n"),
        c.half_open_max_calls,
        c.success_threshold,
        note("# Every call is abandoned after this long; a call slower than slow_call_ms counts as a failure.\n"),
        c.call_timeout_ms,
        c.slow_call_ms,
        note("# Optional: also open when more than this percentage of the last window_size calls failed\n\
              # (once minimum_calls were made). Uncomment to enable.\n\
              # failure_rate_threshold = 50.0\n"),
        c.window_size,
        c.minimum_calls,
        note("# Optional: grow the open period on each consecutive re-open (1.0 = off), capped, with jitter.\n"),
        c.backoff_multiplier,
        c.max_recovery_timeout_seconds,
        c.jitter_ratio,
        note("# Optional: learn the open period from past outages (75th percentile, doubled per failed\n\
              # trial) and the slow-call bar from healthy latency (4 x p95), within these bounds.\n"),
        c.adaptive,
        c.adaptive_min_open_seconds,
        c.adaptive_max_open_seconds,
        c.adaptive_min_slow_call_ms,
        c.adaptive_max_slow_call_ms,
    )
}

/// The commented defaults after the breaker tables.
const TAIL: &str = r#"[circuit_breakers.torznab_overrides]

[tmdb]
# env TMDB_API_KEY (or TMDB_API_KEY_FILE). Without it TMDB is "unconfigured".
api_key = ""
api_url = "https://api.themoviedb.org/3"
timeout_seconds = 10
cache_ttl_seconds = 86400
negative_cache_ttl_seconds = 300
# The poster proxy (/MediaCover) fetches from here (env TMDB_IMAGE_URL) and keeps at most
# image_cache_mb of images in <data-dir>/MediaCover.
image_url = "https://image.tmdb.org/t/p"
image_cache_mb = 200
# An alternative TMDB API base URL (mirror or caching proxy), asked when api_url fails; its
# breaker is tmdb:alt (thresholds of [circuit_breakers.tmdb]). Empty: none. Read at start.
fallback_base_url = ""

[hdbits]
# env HDBITS_USERNAME, HDBITS_PASSKEY (or HDBITS_PASSKEY_FILE).
username = ""
passkey = ""
api_url = "https://hdbits.org/api"
timeout_seconds = 15
requests_per_hour = 150

[qbittorrent]
# env QBITTORRENT_URL, QBITTORRENT_USERNAME, QBITTORRENT_PASSWORD (or QBITTORRENT_PASSWORD_FILE).
url = "http://127.0.0.1:8080"
username = ""
password = ""
category = "reelarr"
timeout_seconds = 10

[indexers]
# Torznab indexers (Prowlarr, Jackett), one table each:
# [[indexers.torznab]]
# name = "prowlarr"
# url = "http://127.0.0.1:9696/1"
# api_key = "..."
# mirror_urls = ["http://127.0.0.1:9697/1"]   # optional failover URLs (breakers torznab:<name>#2, #3, ...)
torznab = []

[alerts]
# URLs that receive a JSON POST when a breaker opens, stays open > 5 min, fails > 10 %, or recovers.
webhooks = []
timeout_seconds = 5

[library]
# Name of an imported file inside the movie's folder (the extension is kept). Tokens:
# {Movie Title} {Release Year} {Quality Title} {Quality Full} {Edition Tags} {Release Group}
movie_file_format = "{Movie Title} ({Release Year}) [{Quality Title}]"
# Hardlink when the download and the library are on one filesystem, else copy (never move:
# the torrent keeps seeding). false always copies.
use_hardlinks = true
# Torrents with fewer seeders are not grabbed.
minimum_seeders = 1

[automation]
# Scheduler intervals; 0 turns a task off (commands can still run it).
refresh_interval_hours = 24
missing_search_interval_hours = 6
# Check qBittorrent and import finished downloads.
download_check_interval_seconds = 60
# A failed import is tried again after this long (or at once by DownloadedMoviesScan).
import_retry_seconds = 300
"#;

/// Writes the commented defaults (with `api_key`) to `path` unless it exists; 0600 because the
/// file holds the API key. Returns whether it wrote the file.
pub fn write_initial_file(path: &Path, api_key: &str) -> std::io::Result<bool> {
    if path.exists() {
        return Ok(false);
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let text = config_template().replace("@API_KEY@", api_key);
    super::live::atomic_write(path, text.as_bytes())?;
    Ok(true)
}

/// Opens a file for writing with mode 0600 (owner only), for files that hold secrets.
pub(crate) fn create_private(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)
}

/// Writes `bytes` to a new private file and flushes it to disk.
pub fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut f = create_private(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    #[test]
    fn template_matches_defaults() {
        let text = config_template().replace("@API_KEY@", "");
        let parsed: Config = toml::from_str(&text).expect("template parses");
        assert_eq!(parsed, Config::default());
    }
}
