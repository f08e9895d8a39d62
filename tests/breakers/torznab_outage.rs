//! The set-up the tests that watch one breaker open and close share: a fake Torznab indexer
//! named `fake` answering 500 (heal it with `set_status(200)`), in a config whose `torznab`
//! breaker takes the given settings.

use reelarr_testkit::app::write_config;
use reelarr_testkit::routes::Fake;

/// The failing indexer and the data dir whose config points at it; `breaker` holds the
/// `[circuit_breakers.torznab]` lines (TOML, each ending in a newline).
pub async fn failing_torznab(breaker: &str) -> (Fake, tempfile::TempDir) {
    let fake = Fake::start_fixed(500, "boom").await;
    let dir = tempfile::tempdir().unwrap();
    write_config(
        dir.path(),
        &format!(
            "[[indexers.torznab]]\nname = \"fake\"\nurl = \"{}\"\napi_key = \"k\"\n\
             [circuit_breakers.torznab]\n{breaker}",
            fake.url()
        ),
    );
    (fake, dir)
}
