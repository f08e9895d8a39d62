//! TMDB's key through `/api/v1/settings/tmdb`: set without a restart (the next lookup sends it),
//! never answered, kept across a restart; read-only when the environment sets it.

use super::*;
use reelarr_testkit::routes::Routes;

const SEARCH: &str = include_str!("../fixtures/tmdb.search.json");
const CONFIGURATION: &str = include_str!("../fixtures/tmdb.configuration.json");

#[tokio::test]
async fn tmdb_key_changes_live_and_survives_a_restart() {
    let tmdb = Routes::start(vec![
        ("/3/search/movie", SEARCH),
        ("/3/configuration", CONFIGURATION),
    ])
    .await;
    let dir = tempfile::tempdir().unwrap();
    let api_url = format!("{}/3", tmdb.url());
    let envs = [("TMDB_API_URL", api_url.as_str())];
    let s = start(dir.path(), &envs);
    let now = get(&s, "/api/v1/settings/tmdb").await;
    assert_eq!(
        (now["source"].as_str(), now["apiKey"].as_str()),
        (Some("unset"), Some(""))
    );
    let (st, _) = send(&s, Method::GET, "/api/v3/movie/lookup?term=matrix", None).await;
    assert_eq!(st, 503, "no key yet");

    let (st, set) = send(
        &s,
        Method::PUT,
        "/api/v1/settings/tmdb",
        Some(json!({"apiKey": "live-key"})),
    )
    .await;
    assert_eq!(st, 200, "{set}");
    assert_eq!(
        (set["source"].as_str(), set["apiKey"].as_str()),
        (Some("database"), Some("********"))
    );
    let (st, found) = send(&s, Method::GET, "/api/v3/movie/lookup?term=matrix", None).await;
    assert_eq!(st, 200, "{found}");
    let sent = tmdb.paths.lock().unwrap().clone();
    assert!(
        sent.iter().any(|p| p.contains("api_key=live-key")),
        "{sent:?}"
    );
    let (st, v) = send(
        &s,
        Method::PUT,
        "/api/v1/settings/tmdb",
        Some(json!({"apiKey": "has space"})),
    )
    .await;
    assert_eq!((st, field_of(&v)), (400, "apiKey"), "{v}");
    drop(s);

    let s = start(dir.path(), &envs);
    assert_eq!(get(&s, "/api/v1/settings/tmdb").await["source"], "database");
    let (st, _) = send(&s, Method::GET, "/api/v3/movie/lookup?term=matrix", None).await;
    assert_eq!(st, 200);
    drop(s);

    let envs = [
        ("TMDB_API_URL", api_url.as_str()),
        ("TMDB_API_KEY", "env-key"),
    ];
    let s = start(dir.path(), &envs);
    let now = get(&s, "/api/v1/settings/tmdb").await;
    assert_eq!(
        (now["source"].as_str(), now["readOnly"].as_bool()),
        (Some("environment"), Some(true))
    );
    let (st, v) = send(
        &s,
        Method::PUT,
        "/api/v1/settings/tmdb",
        Some(json!({"apiKey": "other"})),
    )
    .await;
    assert_eq!(
        (st, v["error"].as_str()),
        (409, Some("provider_read_only")),
        "{v}"
    );
    assert!(!get(&s, "/api/v1/settings/tmdb")
        .await
        .to_string()
        .contains("env-key"));
}
