//! The providers the config file and the environment define (`[hdbits]`/`HDBITS_*`,
//! `[[indexers.torznab]]`, `[qbittorrent]`/`QBITTORRENT_*`), shown through the API as read-only
//! providers with ids from [`CONFIG_ID_BASE`] up, so clients see every indexer in use.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::model::{Provider, Source};
use crate::config::{Config, QbittorrentConfig};

/// Ids of config-defined providers start here (the database's own ids stay far below).
pub const CONFIG_ID_BASE: i64 = 1_000_000;

/// The message such a provider carries in the API.
pub const CONFIG_MESSAGE: &str =
    "Set by the environment or the config file: read-only here; change it there";

fn provider(id: i64, name: &str, implementation: &str, on: bool, priority: i32) -> Provider {
    Provider {
        id,
        name: name.to_string(),
        implementation: implementation.to_string(),
        enable: on,
        enable_rss: on,
        enable_automatic_search: on,
        enable_interactive_search: on,
        priority,
        download_client_id: 0,
        tags: vec![],
        fields: BTreeMap::new(),
        triggers: Default::default(),
        source: Source::Config,
    }
}

fn set(p: &mut Provider, values: &[(&str, Value)]) {
    for (k, v) in values {
        p.fields.insert(k.to_string(), v.clone());
    }
}

/// HDBits (when username and passkey are set), then each `[[indexers.torznab]]` in file order.
pub fn indexers(cfg: &Config) -> Vec<Provider> {
    let mut out = Vec::new();
    let h = &cfg.hdbits;
    if !h.username.is_empty() && !h.passkey.is_empty() {
        let mut p = provider(CONFIG_ID_BASE, "HDBits", "HDBits", true, 25);
        let site = h.api_url.trim_end_matches('/');
        let site = site.strip_suffix("/api").unwrap_or(site);
        set(
            &mut p,
            &[
                ("username", json!(h.username)),
                ("apiKey", json!(h.passkey.expose())),
                ("baseUrl", json!(site)),
                ("minimumSeeders", json!(cfg.library.minimum_seeders)),
                ("seedCriteria.seedRatio", Value::Null),
                ("seedCriteria.seedTime", Value::Null),
            ],
        );
        out.push(p);
    }
    for (i, ix) in cfg.indexers.torznab.iter().enumerate() {
        let mut p = provider(
            CONFIG_ID_BASE + 1 + i as i64,
            &ix.name,
            "Torznab",
            ix.enabled,
            25,
        );
        set(
            &mut p,
            &[
                ("baseUrl", json!(ix.url)),
                ("apiPath", json!("")),
                ("apiKey", json!(ix.api_key.expose())),
                ("categories", json!([2000])),
                ("additionalParameters", json!("")),
                ("multiLanguages", json!([])),
                ("minimumSeeders", json!(cfg.library.minimum_seeders)),
                ("seedCriteria.seedRatio", Value::Null),
                ("seedCriteria.seedTime", Value::Null),
                ("requiredFlags", json!([])),
                ("mirrorUrls", json!(ix.mirror_urls)),
            ],
        );
        out.push(p);
    }
    out
}

/// Whether the user set `[qbittorrent]` at all (credentials, or a URL other than the default).
pub fn qbittorrent_is_set(q: &QbittorrentConfig) -> bool {
    !q.username.is_empty() || !q.password.is_empty() || q.url != QbittorrentConfig::default().url
}

/// `[qbittorrent]` as a download client, when it is set.
pub fn download_clients(cfg: &Config) -> Vec<Provider> {
    let q = &cfg.qbittorrent;
    if !qbittorrent_is_set(q) {
        return vec![];
    }
    let mut p = provider(CONFIG_ID_BASE, "qBittorrent", "QBittorrent", true, 1);
    let (ssl, host, port, base) = split_url(&q.url);
    set(
        &mut p,
        &[
            ("host", json!(host)),
            ("port", json!(port)),
            ("useSsl", json!(ssl)),
            ("urlBase", json!(base)),
            ("username", json!(q.username)),
            ("password", json!(q.password.expose())),
            ("movieCategory", json!(q.category)),
            ("movieImportedCategory", json!("")),
            ("recentMoviePriority", json!(0)),
            ("olderMoviePriority", json!(0)),
            ("initialState", json!(0)),
            ("sequentialOrder", json!(false)),
            ("firstAndLast", json!(false)),
            ("contentLayout", json!(0)),
        ],
    );
    vec![p]
}

/// `https://host:port/base` → (ssl, host, port, base); the port defaults by scheme.
pub fn split_url(url: &str) -> (bool, String, u16, String) {
    let ssl = url.starts_with("https://");
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .unwrap_or(url);
    let (authority, base) = rest.split_once('/').unwrap_or((rest, ""));
    let default_port = if ssl { 443 } else { 80 };
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) if !h.ends_with(']') || authority.starts_with('[') => match p.parse() {
            Ok(port) => (h.to_string(), port),
            Err(_) => (authority.to_string(), default_port),
        },
        _ => (authority.to_string(), default_port),
    };
    (ssl, host, port, base.trim_end_matches('/').to_string())
}

/// The WebUI URL a QBittorrent provider's fields describe.
pub fn qbittorrent_url(p: &Provider) -> String {
    let scheme = if p.flag("useSsl") { "https" } else { "http" };
    let port = p.int("port").unwrap_or(8080);
    let base = p.text("urlBase");
    let base = base.trim_matches('/');
    let mut url = format!("{scheme}://{}:{port}", p.text("host"));
    if !base.is_empty() {
        url.push('/');
        url.push_str(base);
    }
    url
}

/// The Torznab endpoint a provider's `baseUrl` and `apiPath` describe.
pub fn torznab_url(p: &Provider) -> String {
    torznab_url_at(&p.text("baseUrl"), p)
}

/// The Torznab endpoint at base URL `base` (the provider's own, or one of its `mirrorUrls`)
/// with the provider's `apiPath`.
pub fn torznab_url_at(base: &str, p: &Provider) -> String {
    let path = p.text("apiPath");
    let path = path.trim_matches('/');
    let base = base.trim_end_matches('/');
    if path.is_empty() {
        base.to_string()
    } else {
        format!("{base}/{path}")
    }
}

/// HDBits' API root from a provider's `baseUrl` (the site root, as Radarr has it).
pub fn hdbits_api_url(p: &Provider) -> String {
    let base = p.text("baseUrl");
    let base = base.trim_end_matches('/');
    if base.ends_with("/api") {
        base.to_string()
    } else {
        format!("{base}/api")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_split_and_join() {
        assert_eq!(
            split_url("http://127.0.0.1:8080"),
            (false, "127.0.0.1".into(), 8080, "".into())
        );
        assert_eq!(
            split_url("https://box/qbt/"),
            (true, "box".into(), 443, "qbt".into())
        );
        let mut p = provider(1, "q", "QBittorrent", true, 1);
        set(
            &mut p,
            &[
                ("host", json!("box")),
                ("port", json!(9090)),
                ("useSsl", json!(true)),
                ("urlBase", json!("/qbt/")),
            ],
        );
        assert_eq!(qbittorrent_url(&p), "https://box:9090/qbt");
        set(
            &mut p,
            &[
                ("baseUrl", json!("http://prowlarr:9696/1/")),
                ("apiPath", json!("/api")),
            ],
        );
        assert_eq!(torznab_url(&p), "http://prowlarr:9696/1/api");
        set(&mut p, &[("baseUrl", json!("https://hdbits.org"))]);
        assert_eq!(hdbits_api_url(&p), "https://hdbits.org/api");
    }
}
