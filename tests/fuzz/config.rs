//! The TOML config and the environment: any file text and any values for our variables load to a
//! config or to problems naming keys; loading never panics.

use proptest::prelude::*;
use reelarr::config::{config_template, load, Sources};
use std::collections::BTreeMap;

fn sources(dir: &std::path::Path, env: BTreeMap<String, String>) -> Sources {
    Sources {
        data_dir: dir.to_path_buf(),
        config_path: dir.join("config.toml"),
        env_file: None,
        cli_bind: None,
        env: Some(env),
    }
}

/// Keys the config knows, and a few it does not.
const KEYS: &[&str] = &[
    "server.bind",
    "server.max_body_bytes",
    "server.max_connections",
    "server.api_key",
    "log.level",
    "log.format",
    "database.url",
    "database.read_pool_size",
    "auth.login_max_failures",
    "circuit_breakers.tmdb.failure_threshold",
    "circuit_breakers.tmdb.recovery_timeout_seconds",
    "circuit_breakers.qbittorrent.half_open_max_calls",
    "tmdb.timeout_seconds",
    "qbittorrent.url",
    "indexers.torznab",
    "health.check_interval_seconds",
    "nonsense.key",
    "server",
];

fn toml_value() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<i64>().prop_map(|i| i.to_string()),
        any::<f64>().prop_map(|f| format!("{f:?}")),
        any::<bool>().prop_map(|b| b.to_string()),
        "[ -~]{0,20}".prop_map(|s| format!("{s:?}")),
        Just("[]".to_string()),
        Just("{}".to_string()),
        Just("[{name = \"x\", url = \"http://127.0.0.1:1\", api_key = \"k\"}]".to_string()),
    ]
}

const VARS: &[&str] = &[
    "REELARR_BIND",
    "REELARR_LOG",
    "REELARR_DATABASE_URL",
    "CIRCUIT_BREAKER_TMDB_THRESHOLD",
    "CIRCUIT_BREAKER_DATABASE_TIMEOUT_SECONDS",
    "HEALTH_CHECK_INTERVAL_SECONDS",
    "TMDB_API_KEY",
    "QBITTORRENT_URL",
    "REELARR_UNKNOWN",
    "HDBITS_PASSKEY_FILE",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(super::cases(300)))]

    #[test]
    fn any_file_text_loads_or_names_problems(text in "[ -~\n\t]{0,300}") {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("config.toml"), &text).unwrap();
        let _ = load(&sources(dir.path(), BTreeMap::new()));
    }

    #[test]
    fn any_key_and_value_loads_or_names_the_key(
        pairs in proptest::collection::vec((proptest::sample::select(KEYS), toml_value()), 1..6),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let text: String = pairs.iter().map(|(k, v)| format!("{k} = {v}\n")).collect();
        std::fs::write(dir.path().join("config.toml"), &text).unwrap();
        if let Err(e) = load(&sources(dir.path(), BTreeMap::new())) {
            let msg = e.to_string();
            prop_assert!(!msg.is_empty());
        }
    }

    #[test]
    fn any_environment_loads_or_names_the_variable(
        vars in proptest::collection::btree_map(proptest::sample::select(VARS), "[ -~]{0,24}", 0..5),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let env = vars.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
        let _ = load(&sources(dir.path(), env));
    }
}

#[test]
fn the_template_loads() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("config.toml"),
        config_template().replace("@API_KEY@", &"a".repeat(32)),
    )
    .unwrap();
    assert!(load(&sources(dir.path(), BTreeMap::new())).is_ok());
}
