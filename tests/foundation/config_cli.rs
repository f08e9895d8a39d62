//! `check-config`, `healthcheck`, and configuration precedence.

use reelarr_testkit::app::*;

fn check(dir: &std::path::Path, envs: &[(&str, &str)]) -> (i32, String) {
    let out = command(dir, envs).arg("check-config").output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr),
    )
}

#[test]
fn check_config_names_the_bad_key() {
    let dir = tempfile::tempdir().unwrap();
    let (code, out) = check(dir.path(), &[]);
    assert_eq!(code, 0, "{out}");

    let (code, out) = check(dir.path(), &[("CIRCUIT_BREAKER_TMDB_THRESHOLD", "abc")]);
    assert_eq!(code, 2, "{out}");
    assert!(
        out.lines()
            .any(|l| l.contains("CIRCUIT_BREAKER_TMDB_THRESHOLD")),
        "{out}"
    );

    let (code, out) = check(dir.path(), &[("CIRCUIT_BREAKER_TMDB_THRESHOLD", "0")]);
    assert_eq!(code, 2, "{out}");
    let line = out
        .lines()
        .find(|l| l.contains("CIRCUIT_BREAKER_TMDB_THRESHOLD"))
        .expect(&out);
    assert!(
        line.contains("circuit_breakers.tmdb.failure_threshold"),
        "{line}"
    );

    // Two problems: one line each.
    let (code, out) = check(
        dir.path(),
        &[
            ("CIRCUIT_BREAKER_HDBITS_TIMEOUT_SECONDS", "0"),
            ("REELARR_BIND", "nonsense"),
        ],
    );
    assert_eq!(code, 2);
    assert!(out.contains("CIRCUIT_BREAKER_HDBITS_TIMEOUT_SECONDS"));
    assert!(out.contains("REELARR_BIND"));

    // A wrong type in the file names the key; an unknown key is only a warning.
    let cfg = dir.path().join("config.toml");
    std::fs::write(
        &cfg,
        "[circuit_breakers.qbittorrent]\nfailure_threshold = \"many\"\n",
    )
    .unwrap();
    let (code, out) = check(dir.path(), &[]);
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains("circuit_breakers.qbittorrent.failure_threshold"),
        "{out}"
    );
    std::fs::write(&cfg, "[server]\nbnid = \"x\"\n").unwrap();
    let (code, out) = check(dir.path(), &[("REELARR_TYPO", "1")]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("server.bnid") && out.contains("REELARR_TYPO"),
        "{out}"
    );
}

#[test]
fn secrets_file_variant_and_no_leak() {
    let dir = tempfile::tempdir().unwrap();
    let secret = dir.path().join("tmdb.key");
    std::fs::write(&secret, "tmdb-secret-value\n").unwrap();
    let (code, out) = check(
        dir.path(),
        &[
            ("TMDB_API_KEY_FILE", secret.to_str().unwrap()),
            ("TMDB_API_URL", "not a url"),
        ],
    );
    assert_eq!(code, 2);
    assert!(out.contains("TMDB_API_URL"));
    assert!(!out.contains("tmdb-secret-value"));
}

#[tokio::test]
async fn healthcheck_command() {
    let dir = tempfile::tempdir().unwrap();
    let s = Server::start(dir.path(), &[]);
    let out = command(dir.path(), &[])
        .args(["healthcheck", "--url", &s.base])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "healthy");
    s.stop();
    let out = command(dir.path(), &[])
        .args(["healthcheck", "--url", "http://127.0.0.1:1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
}
