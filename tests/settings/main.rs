//! Issue 13, items 1–3 and 6, through the real binary: indexers and download clients added, changed and
//! removed through `/api/v3/indexer` and `/api/v3/downloadclient` take effect at once (the next
//! search, the next grab), survive a restart, never echo a secret, refuse bad input naming the
//! field, and answer Radarr's shapes (checked against Radarr's OpenAPI document). Fakes on
//! 127.0.0.1; the real qbittorrent-nox where it is installed.

mod indexers;
mod notifications;
mod prowlarr;
mod qbittorrent;
mod tmdb;

use reelarr_testkit::app::*;
use reelarr_testkit::http_fake::{Fake, Reply};
use reelarr_testkit::openapi::assert_schema;
use reqwest::Method;
use serde_json::{json, Value};
use std::path::Path;

const CAPS: &str = include_str!("../fixtures/torznab.caps.xml");
const RSS: &str = include_str!("../fixtures/torznab.movie.xml");
const ERROR100: &str = include_str!("../fixtures/torznab.error100.xml");

/// A Torznab indexer (Prowlarr-like) accepting only `key`; a wrong key gets Torznab's error 100.
fn torznab(key: &'static str) -> Fake {
    Fake::start(move |s| {
        if s.q("apikey") != key {
            return Ok(Reply::xml(ERROR100));
        }
        Ok(Reply::xml(if s.q("t") == "caps" { CAPS } else { RSS }))
    })
}

/// The fake's searches (not caps), with the key each used.
fn searches(f: &Fake) -> Vec<String> {
    f.seen()
        .iter()
        .filter(|s| s.q("t") != "caps")
        .map(|s| s.q("apikey").to_string())
        .collect()
}

/// A reelarr with nothing configured but what `envs` say.
fn start(dir: &Path, envs: &[(&str, &str)]) -> Server {
    let mut all = vec![("HEALTH_CHECK_INTERVAL_SECONDS", "3600")];
    all.extend_from_slice(envs);
    Server::start(dir, &all)
}

async fn send(s: &Server, m: Method, path: &str, body: Option<Value>) -> (u16, Value) {
    let mut r = client()
        .request(m, s.url(path))
        .header("X-Api-Key", s.api_key());
    if let Some(b) = body {
        r = r.json(&b);
    }
    let r = r.send().await.unwrap();
    let st = r.status().as_u16();
    (st, r.json().await.unwrap_or(Value::Null))
}

async fn get(s: &Server, path: &str) -> Value {
    let (st, v) = send(s, Method::GET, path, None).await;
    assert_eq!(st, 200, "GET {path}: {v}");
    v
}

/// A Torznab indexer resource as Prowlarr sends it.
fn torznab_body(name: &str, base_url: &str, key: &str) -> Value {
    json!({
        "name": name,
        "implementation": "Torznab",
        "configContract": "TorznabSettings",
        "enableRss": true,
        "enableAutomaticSearch": true,
        "enableInteractiveSearch": true,
        "priority": 25,
        "tags": [],
        "fields": [
            {"name": "baseUrl", "value": base_url},
            {"name": "apiPath", "value": "/api"},
            {"name": "apiKey", "value": key},
            {"name": "categories", "value": [2000, 2040]},
            {"name": "minimumSeeders", "value": 1}
        ]
    })
}

/// A field's value in a provider resource.
fn field<'a>(resource: &'a Value, name: &str) -> &'a Value {
    resource["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == name)
        .map(|f| &f["value"])
        .unwrap_or_else(|| panic!("no field {name} in {resource}"))
}

/// Breaker names listed by `/api/v1/circuit-breakers`.
async fn breakers(s: &Server) -> Vec<String> {
    let v = get(s, "/api/v1/circuit-breakers").await;
    v.as_array()
        .unwrap()
        .iter()
        .filter_map(|b| b["service"].as_str().map(str::to_string))
        .collect()
}

/// Adds The Matrix (title and year only: no TMDB here) and returns its id.
async fn add_movie(s: &Server, root: &Path) -> i64 {
    let (st, v) = send(
        s,
        Method::POST,
        "/api/v3/rootfolder",
        Some(json!({"path": root})),
    )
    .await;
    assert_eq!(st, 201, "{v}");
    let profiles = get(s, "/api/v3/qualityprofile").await;
    let profile = profiles[0]["id"].clone();
    let (st, movie) = send(
        s,
        Method::POST,
        "/api/v3/movie",
        Some(json!({"tmdbId": 603, "title": "The Matrix", "year": 1999,
            "qualityProfileId": profile, "rootFolderPath": root, "monitored": true})),
    )
    .await;
    assert_eq!(st, 201, "{movie}");
    movie["id"].as_i64().unwrap()
}

/// The 400 answer's `field`.
fn field_of(v: &Value) -> &str {
    v["field"]
        .as_str()
        .unwrap_or_else(|| panic!("no field named in {v}"))
}
