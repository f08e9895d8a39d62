//! Semantic checks on a parsed config. Each problem is `(dotted key, message)` so the caller can
//! name the key (and the variable that set it).

use super::{BreakerSettings, Config};
use std::collections::BTreeSet;

/// Every problem found; empty means the config can be used.
pub(crate) fn validate(c: &Config) -> Vec<(String, String)> {
    let mut p = Vec::new();
    let mut err = |key: &str, msg: String| p.push((key.to_string(), msg));

    if c.server.bind.parse::<std::net::SocketAddr>().is_err() {
        err(
            "server.bind",
            format!(
                "expected ADDRESS:PORT such as 0.0.0.0:7878, got {:?}",
                c.server.bind
            ),
        );
    }
    if c.server.max_body_bytes < 1024 {
        err(
            "server.max_body_bytes",
            format!("must be at least 1024, got {}", c.server.max_body_bytes),
        );
    }
    if c.server.header_read_timeout_seconds == 0 {
        err(
            "server.header_read_timeout_seconds",
            "must be at least 1 (0 would let silent connections stay open forever)".into(),
        );
    }
    if c.server.max_connections < 16 {
        err(
            "server.max_connections",
            format!("must be at least 16, got {}", c.server.max_connections),
        );
    }
    if !matches!(c.log.format.as_str(), "text" | "json") {
        err(
            "log.format",
            format!("must be \"text\" or \"json\", got {:?}", c.log.format),
        );
    }
    if tracing_subscriber::EnvFilter::try_new(&c.log.level).is_err() {
        err(
            "log.level",
            format!(
                "not a valid level or filter (e.g. info, debug, reelarr=trace): {:?}",
                c.log.level
            ),
        );
    }
    let db = c.database.url.expose();
    if !db.is_empty()
        && !["sqlite://", "postgres://", "postgresql://"]
            .iter()
            .any(|s| db.starts_with(s))
    {
        // Never echo the URL: it may carry a password.
        err(
            "database.url",
            "must start with sqlite:// or postgres://".into(),
        );
    }
    if c.database.read_pool_size == 0 || c.database.read_pool_size > 64 {
        err(
            "database.read_pool_size",
            format!("must be 1..=64, got {}", c.database.read_pool_size),
        );
    }
    positive(
        &mut err,
        "health.check_interval_seconds",
        c.health.check_interval_seconds,
    );
    positive(
        &mut err,
        "health.detailed_cache_seconds",
        c.health.detailed_cache_seconds,
    );
    positive(&mut err, "auth.session_ttl_hours", c.auth.session_ttl_hours);
    positive(
        &mut err,
        "auth.login_max_failures",
        c.auth.login_max_failures as u64,
    );
    positive(
        &mut err,
        "auth.login_window_seconds",
        c.auth.login_window_seconds,
    );
    positive(
        &mut err,
        "auth.login_max_failures_global",
        c.auth.login_max_failures_global as u64,
    );

    let b = &c.circuit_breakers;
    for (name, s) in [
        ("tmdb", &b.tmdb),
        ("hdbits", &b.hdbits),
        ("qbittorrent", &b.qbittorrent),
        ("database", &b.database),
        ("images", &b.images),
        ("torznab", &b.torznab),
        ("notification", &b.notification),
    ] {
        breaker(&mut err, &format!("circuit_breakers.{name}"), s);
    }
    for (name, s) in &b.torznab_overrides {
        breaker(
            &mut err,
            &format!("circuit_breakers.torznab_overrides.{name}"),
            s,
        );
    }

    url(&mut err, "tmdb.api_url", &c.tmdb.api_url);
    url(&mut err, "tmdb.image_url", &c.tmdb.image_url);
    if !c.tmdb.fallback_base_url.is_empty() {
        url(
            &mut err,
            "tmdb.fallback_base_url",
            &c.tmdb.fallback_base_url,
        );
    }
    positive(&mut err, "tmdb.timeout_seconds", c.tmdb.timeout_seconds);
    url(&mut err, "hdbits.api_url", &c.hdbits.api_url);
    positive(&mut err, "hdbits.timeout_seconds", c.hdbits.timeout_seconds);
    url(&mut err, "qbittorrent.url", &c.qbittorrent.url);
    positive(
        &mut err,
        "qbittorrent.timeout_seconds",
        c.qbittorrent.timeout_seconds,
    );
    if c.qbittorrent.category.trim().is_empty() {
        err("qbittorrent.category", "must not be empty".into());
    }

    let mut names = BTreeSet::new();
    for (i, ix) in c.indexers.torznab.iter().enumerate() {
        let key = format!("indexers.torznab[{i}]");
        let ok_name = !ix.name.is_empty()
            && ix.name.len() <= 64
            && ix
                .name
                .chars()
                .all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '_');
        if !ok_name {
            err(
                &format!("{key}.name"),
                format!(
                    "must be 1-64 letters, digits, '-' or '_', got {:?}",
                    ix.name
                ),
            );
        } else if !names.insert(ix.name.clone()) {
            err(
                &format!("{key}.name"),
                format!("duplicate indexer name {:?}", ix.name),
            );
        }
        url(&mut err, &format!("{key}.url"), &ix.url);
        for (j, m) in ix.mirror_urls.iter().enumerate() {
            url(&mut err, &format!("{key}.mirror_urls[{j}]"), m);
        }
        positive(
            &mut err,
            &format!("{key}.timeout_seconds"),
            ix.timeout_seconds,
        );
    }
    for (i, hook) in c.alerts.webhooks.iter().enumerate() {
        url(&mut err, &format!("alerts.webhooks[{i}]"), hook);
    }
    positive(&mut err, "alerts.timeout_seconds", c.alerts.timeout_seconds);
    super::library::validate(&c.library, &c.automation, &mut err);
    p
}

fn positive(err: &mut impl FnMut(&str, String), key: &str, v: u64) {
    if v == 0 {
        err(key, "must be at least 1, got 0".into());
    }
}

fn url(err: &mut impl FnMut(&str, String), key: &str, v: &str) {
    match reqwest::Url::parse(v) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host_str().is_some() => {}
        _ => err(
            key,
            format!("expected an http:// or https:// URL, got {v:?}"),
        ),
    }
}

/// The breaker module owns the rules; this only prefixes the field with its table.
fn breaker(err: &mut impl FnMut(&str, String), prefix: &str, s: &BreakerSettings) {
    if let Err(msg) = s.validate() {
        match msg.split_once(": ") {
            Some((field, why)) => err(&format!("{prefix}.{field}"), why.to_string()),
            None => err(prefix, msg),
        }
    }
}
