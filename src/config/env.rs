//! The environment layer: which variables map to which config keys, typed parsing that names the
//! variable on error, `*_FILE` secrets, and the optional env file re-read on SIGHUP.

use std::collections::BTreeMap;
use std::path::Path;

/// How an environment value is parsed before it is placed into the config tree.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Kind {
    Int,
    /// `true`/`false` (also `1`/`0`, `yes`/`no`, `on`/`off`).
    Bool,
    Str,
    /// A credential: also accepted from `<NAME>_FILE`, never echoed in errors.
    Secret,
}

/// One documented variable: its name, the dotted config key it sets, and its type.
pub(crate) struct Mapping {
    pub var: String,
    pub key: Vec<String>,
    pub kind: Kind,
}

fn m(var: &str, key: &str, kind: Kind) -> Mapping {
    Mapping {
        var: var.to_string(),
        key: key.split('.').map(str::to_string).collect(),
        kind,
    }
}

/// Every variable of INTERFACE.md that feeds the config tree (paths and data dir are handled apart).
pub(crate) fn mappings() -> Vec<Mapping> {
    let mut out = Vec::new();
    for svc in [
        "tmdb",
        "hdbits",
        "qbittorrent",
        "database",
        "images",
        "torznab",
        "notification",
    ] {
        let up = svc.to_uppercase();
        out.push(m(
            &format!("CIRCUIT_BREAKER_{up}_THRESHOLD"),
            &format!("circuit_breakers.{svc}.failure_threshold"),
            Kind::Int,
        ));
        out.push(m(
            &format!("CIRCUIT_BREAKER_{up}_TIMEOUT_SECONDS"),
            &format!("circuit_breakers.{svc}.recovery_timeout_seconds"),
            Kind::Int,
        ));
        out.push(m(
            &format!("CIRCUIT_BREAKER_{up}_ADAPTIVE"),
            &format!("circuit_breakers.{svc}.adaptive"),
            Kind::Bool,
        ));
    }
    out.extend([
        m(
            "HEALTH_CHECK_INTERVAL_SECONDS",
            "health.check_interval_seconds",
            Kind::Int,
        ),
        m(
            "DETAILED_HEALTH_CACHE_SECONDS",
            "health.detailed_cache_seconds",
            Kind::Int,
        ),
        m("REELARR_BIND", "server.bind", Kind::Str),
        m("REELARR_DATABASE_URL", "database.url", Kind::Secret),
        m("REELARR_API_KEY", "server.api_key", Kind::Secret),
        m("REELARR_LOG", "log.level", Kind::Str),
        m("REELARR_LOG_FORMAT", "log.format", Kind::Str),
        m("TMDB_API_KEY", "tmdb.api_key", Kind::Secret),
        m("TMDB_API_URL", "tmdb.api_url", Kind::Str),
        m("TMDB_IMAGE_URL", "tmdb.image_url", Kind::Str),
        m("HDBITS_USERNAME", "hdbits.username", Kind::Str),
        m("HDBITS_PASSKEY", "hdbits.passkey", Kind::Secret),
        m("HDBITS_API_URL", "hdbits.api_url", Kind::Str),
        m("QBITTORRENT_URL", "qbittorrent.url", Kind::Str),
        m("QBITTORRENT_USERNAME", "qbittorrent.username", Kind::Str),
        m("QBITTORRENT_PASSWORD", "qbittorrent.password", Kind::Secret),
    ]);
    out
}

/// Variables with our prefixes that are not config keys but are still expected.
const OTHER_KNOWN: &[&str] = &[
    "REELARR_DATA_DIR",
    "REELARR_CONFIG",
    "REELARR_ENV_FILE",
    "REELARR_REQUIRE_REAL_SERVICES",
];

const PREFIXES: &[&str] = &[
    "REELARR_",
    "CIRCUIT_BREAKER_",
    "TMDB_",
    "HDBITS_",
    "QBITTORRENT_",
];

/// The process environment overlaid with the env file, if any. The file wins so that editing it
/// and sending SIGHUP changes a running server (the process environment itself cannot change).
pub(crate) fn snapshot(
    base: Option<&BTreeMap<String, String>>,
    env_file: Option<&Path>,
) -> Result<BTreeMap<String, String>, String> {
    let mut vars: BTreeMap<String, String> = match base {
        Some(b) => b.clone(),
        None => std::env::vars().collect(),
    };
    if let Some(path) = env_file {
        if path.exists() {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("env file {}: {e}", path.display()))?;
            for (n, line) in text.lines().enumerate() {
                let line = line.trim();
                if line.is_empty() || line.starts_with('#') {
                    continue;
                }
                let line = line.strip_prefix("export ").unwrap_or(line);
                let Some((k, v)) = line.split_once('=') else {
                    return Err(format!(
                        "env file {} line {}: expected NAME=value",
                        path.display(),
                        n + 1
                    ));
                };
                let v = v.trim().trim_matches('"').trim_matches('\'');
                vars.insert(k.trim().to_string(), v.to_string());
            }
        }
    }
    Ok(vars)
}

/// A typed value taken from the environment, or a problem naming the variable.
pub(crate) fn value_for(
    mapping: &Mapping,
    vars: &BTreeMap<String, String>,
) -> Result<Option<toml::Value>, String> {
    let var = &mapping.var;
    let raw = match (vars.get(var), mapping.kind) {
        (Some(v), _) => v.clone(),
        (None, Kind::Secret) => match vars.get(&format!("{var}_FILE")) {
            Some(path) => std::fs::read_to_string(path)
                .map_err(|e| format!("{var}_FILE: cannot read {path}: {e}"))?
                .trim()
                .to_string(),
            None => return Ok(None),
        },
        (None, _) => return Ok(None),
    };
    match mapping.kind {
        Kind::Int => raw
            .trim()
            .parse::<i64>()
            .map(|n| Some(toml::Value::Integer(n)))
            .map_err(|_| format!("{var}: expected a whole number, got {raw:?}")),
        Kind::Bool => match raw.trim().to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" | "on" => Ok(Some(toml::Value::Boolean(true))),
            "false" | "0" | "no" | "off" => Ok(Some(toml::Value::Boolean(false))),
            _ => Err(format!("{var}: expected true or false, got {raw:?}")),
        },
        Kind::Str | Kind::Secret => Ok(Some(toml::Value::String(raw))),
    }
}

/// Names of variables with one of our prefixes that reelarr does not know: likely typos.
pub(crate) fn unknown_vars(vars: &BTreeMap<String, String>) -> Vec<String> {
    let known = mappings();
    vars.keys()
        .filter(|k| PREFIXES.iter().any(|p| k.starts_with(p)))
        .filter(|k| !OTHER_KNOWN.contains(&k.as_str()))
        .filter(|k| {
            !known.iter().any(|m| {
                m.var == **k || (m.kind == Kind::Secret && format!("{}_FILE", m.var) == **k)
            })
        })
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn int_errors_name_the_variable() {
        let map = mappings();
        let tmdb = map
            .iter()
            .find(|m| m.var == "CIRCUIT_BREAKER_TMDB_THRESHOLD")
            .unwrap();
        let err = value_for(tmdb, &vars(&[("CIRCUIT_BREAKER_TMDB_THRESHOLD", "abc")])).unwrap_err();
        assert!(err.starts_with("CIRCUIT_BREAKER_TMDB_THRESHOLD:"), "{err}");
    }

    #[test]
    fn adaptive_is_a_boolean_per_breaker() {
        let map = mappings();
        let m = map
            .iter()
            .find(|m| m.var == "CIRCUIT_BREAKER_QBITTORRENT_ADAPTIVE")
            .unwrap();
        assert_eq!(m.key, ["circuit_breakers", "qbittorrent", "adaptive"]);
        for (raw, want) in [("true", true), ("ON", true), ("1", true), ("no", false)] {
            let v = value_for(m, &vars(&[(m.var.as_str(), raw)])).unwrap();
            assert_eq!(v, Some(toml::Value::Boolean(want)), "{raw}");
        }
        let err = value_for(m, &vars(&[(m.var.as_str(), "maybe")])).unwrap_err();
        assert!(
            err.starts_with("CIRCUIT_BREAKER_QBITTORRENT_ADAPTIVE:"),
            "{err}"
        );
    }

    #[test]
    fn secret_file_variant() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("key");
        std::fs::write(&p, "s3cret\n").unwrap();
        let map = mappings();
        let m = map.iter().find(|m| m.var == "TMDB_API_KEY").unwrap();
        let v = value_for(m, &vars(&[("TMDB_API_KEY_FILE", p.to_str().unwrap())])).unwrap();
        assert_eq!(v, Some(toml::Value::String("s3cret".into())));
    }

    #[test]
    fn unknown_prefixed_vars_are_reported() {
        let u = unknown_vars(&vars(&[
            ("CIRCUIT_BREAKER_TMDB_TRESHOLD", "1"),
            ("TMDB_API_KEY_FILE", "/x"),
            ("PATH", "/bin"),
        ]));
        assert_eq!(u, vec!["CIRCUIT_BREAKER_TMDB_TRESHOLD".to_string()]);
    }

    #[test]
    fn env_file_overrides_and_parses() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("env");
        std::fs::write(&p, "# c\nexport FOO_RE_TEST=\"1\"\nBAR_RE_TEST=2\n").unwrap();
        let v = snapshot(None, Some(&p)).unwrap();
        assert_eq!(v["FOO_RE_TEST"], "1");
        assert_eq!(v["BAR_RE_TEST"], "2");
        std::fs::write(&p, "garbage\n").unwrap();
        assert!(snapshot(None, Some(&p)).unwrap_err().contains("line 1"));
    }
}
