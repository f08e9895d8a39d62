//! The API's JSON bodies, through the real binary: any JSON (shaped like Radarr's fields or not) sent
//! to any endpoint that reads a body gets a 2xx, or a 4xx/503 in our error shape — never a 500, a
//! panic or a hang — and the server keeps answering.

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use reelarr_testkit::app::{client, Server};
use serde_json::{json, Map, Value};

/// (method, path) of every route that reads a JSON body.
const ENDPOINTS: &[(&str, &str)] = &[
    ("POST", "/api/v3/movie"),
    ("PUT", "/api/v3/movie"),
    ("PUT", "/api/v3/movie/1"),
    ("POST", "/api/v3/tag"),
    ("POST", "/api/v3/rootfolder"),
    ("POST", "/api/v3/qualityprofile"),
    ("PUT", "/api/v3/qualityprofile/1"),
    ("POST", "/api/v3/command"),
    ("POST", "/api/v3/release"),
    ("POST", "/api/v3/indexer?forceSave=true"),
    ("PUT", "/api/v3/indexer/1?forceSave=true"),
    ("POST", "/api/v3/indexer/test"),
    ("POST", "/api/v3/downloadclient?forceSave=true"),
    ("PUT", "/api/v3/downloadclient/1?forceSave=true"),
    ("POST", "/api/v3/downloadclient/test"),
    ("PUT", "/api/v1/settings/tmdb"),
    ("POST", "/api/v1/downloads"),
    ("PUT", "/api/v1/circuit-breakers/tmdb"),
    ("POST", "/api/v1/user/password"),
    ("POST", "/login"),
];

/// Field names the endpoints read, so random bodies reach past the first check.
const FIELDS: &[&str] = &[
    "id",
    "tmdbId",
    "title",
    "year",
    "qualityProfileId",
    "rootFolderPath",
    "path",
    "monitored",
    "minimumAvailability",
    "tags",
    "addOptions",
    "searchForMovie",
    "name",
    "movieIds",
    "label",
    "guid",
    "indexerId",
    "magnet",
    "url",
    "movieId",
    "items",
    "cutoff",
    "upgradeAllowed",
    "failure_threshold",
    "recovery_timeout_seconds",
    "half_open_max_calls",
    "username",
    "password",
    "currentPassword",
    "newPassword",
    "quality",
    "allowed",
    "implementation",
    "fields",
    "value",
    "priority",
    "enable",
    "enableRss",
    "apiKey",
];

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        prop_oneof![
            Just(0i64),
            Just(1),
            Just(-1),
            Just(603),
            Just(i64::MAX),
            Just(u32::MAX as i64 + 1)
        ]
        .prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        "[ -~]{0,16}".prop_map(Value::from),
        prop_oneof![
            Just("MoviesSearch"),
            Just("RefreshMovie"),
            Just("magnet:?xt=urn:btih:"),
            Just("/"),
            Just("../../etc"),
            Just("released"),
            Just("\u{0}"),
            Just("🎬"),
        ]
        .prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            proptest::collection::vec((proptest::sample::select(FIELDS), inner), 0..7).prop_map(
                |kv| Value::Object(
                    kv.into_iter()
                        .map(|(k, v)| (k.to_string(), v))
                        .collect::<Map<_, _>>()
                )
            ),
        ]
    })
}

#[test]
fn any_json_body_gets_a_4xx_or_success_never_a_500() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), &[]);
    let key = server.api_key();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let http = client();
    let mut runner = TestRunner::new(Config {
        cases: super::cases(300),
        failure_persistence: None,
        ..Config::default()
    });
    let strategy = (
        proptest::sample::select(ENDPOINTS),
        json_value(),
        any::<bool>(),
    );
    let result = runner.run(&strategy, |((method, path), body, raw_text)| {
        let (status, text) = rt.block_on(async {
            let method: reqwest::Method = method.parse().unwrap();
            let mut req = http
                .request(method, server.url(path))
                .header("X-Api-Key", &key)
                .header("Content-Type", "application/json");
            // Sometimes the JSON bytes cut short (even inside a UTF-8 sequence), as a broken
            // client would send them.
            let mut bytes = body.to_string().into_bytes();
            if raw_text {
                bytes.truncate(bytes.len() / 2);
            }
            req = req.body(bytes);
            let r = req.send().await.expect("the server answers");
            (r.status().as_u16(), r.text().await.unwrap_or_default())
        });
        prop_assert!(
            status < 500 || status == 503,
            "{method} {path} answered {status}: {text}\nbody: {body}"
        );
        if status >= 400 {
            let v: Value = serde_json::from_str(&text).unwrap_or(json!(null));
            prop_assert!(
                v["error"].is_string(),
                "{method} {path} {status} not our error shape: {text}"
            );
        }
        Ok(())
    });
    let alive = rt.block_on(async { http.get(server.url("/health")).send().await.is_ok() });
    let (_, log) = server.stop();
    assert!(!log.contains("panicked"), "the server panicked:\n{log}");
    assert!(alive, "the server stopped answering");
    result.unwrap();
}
