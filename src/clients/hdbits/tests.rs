//! HDBits client against a fake HDBits that asserts method, path and the JSON credentials;
//! plus never-panic property tests of the response parser.

use std::time::Duration;

use proptest::prelude::*;

use super::*;
use crate::breaker::FailureKind;
use crate::domain::parser::Codec;
use reelarr_testkit::http_fake::{dead_url, expect, http, Fake, Reply, Seen, OVERSIZED};

const USER: &str = "neo";
const PASSKEY: &str = "c0ffee0123456789deadbeef0123456789abcdef";
const TORRENTS: &str = include_str!("../../../tests/fixtures/hdbits.torrents.json");
const EMPTY: &str = include_str!("../../../tests/fixtures/hdbits.empty.json");
const AUTH_FAILED: &str = include_str!("../../../tests/fixtures/hdbits.auth_failed.json");
const INVALID: &str = include_str!("../../../tests/fixtures/hdbits.invalid_parameter.json");

/// Checks what every HDBits request must carry.
fn check(s: &Seen) -> Result<serde_json::Value, String> {
    expect(s.method == "POST", || format!("method {}", s.method))?;
    expect(s.path == "/api/torrents", || format!("path {}", s.path))?;
    expect(
        s.header("content-type").starts_with("application/json"),
        || "not JSON".into(),
    )?;
    let body = s.json();
    expect(
        body["username"] == USER && body["passkey"] == PASSKEY,
        || "missing/wrong credentials".into(),
    )?;
    expect(body["category"] == serde_json::json!([1]), || {
        "category".into()
    })?;
    expect(body["limit"] == 100, || "limit".into())?;
    Ok(body)
}

fn fake(reply: impl Fn(&serde_json::Value) -> Reply + Send + Sync + 'static) -> Fake {
    Fake::start(move |s| check(s).map(|body| reply(&body)))
}

fn client_at(base: String, per_hour: u32) -> HdbitsClient {
    HdbitsClient::new(
        http(),
        base,
        USER.to_string(),
        Secret::new(PASSKEY),
        Duration::from_millis(300),
        per_hour,
    )
}

fn client(f: &Fake) -> HdbitsClient {
    client_at(f.url("/api"), 150)
}

fn no_passkey(e: &HdbitsError) {
    let shown = format!("{e} {e:?}");
    assert!(!shown.contains(PASSKEY), "passkey leaked: {shown}");
    assert!(shown.contains("hdbits"), "service not named: {shown}");
}

fn http_err(e: HdbitsError) -> HttpError {
    match e {
        HdbitsError::Http(e) => e,
        other => panic!("expected an HTTP error, got {other:?}"),
    }
}

#[tokio::test]
async fn imdb_search_maps_torrents_to_releases() {
    let f = fake(|body| {
        if body["imdb"]["id"] == 133093 {
            Reply::json(TORRENTS)
        } else {
            Reply::json(EMPTY)
        }
    });
    let releases = client(&f).search_imdb(133093).await.expect("search");
    f.assert_clean();
    assert_eq!(releases.len(), 3);
    let r = &releases[0];
    assert_eq!(r.guid, "HDBits-257142");
    assert_eq!(r.indexer, "HDBits");
    assert_eq!(
        r.info_hash.as_deref(),
        Some("eabc6a8f3c2d4b1e9f0a7c5d3b2e1f4a6c8d0e2f")
    );
    assert_eq!(
        (r.seeders, r.leechers, r.size),
        (Some(46), Some(1), 1_718_009_717)
    );
    assert_eq!(r.imdb_id.as_deref(), Some("tt0133093"));
    assert_eq!(
        r.publish_date.map(|d| d.to_rfc3339()).as_deref(),
        Some("2015-04-04T20:30:46+00:00")
    );
    assert_eq!(r.parsed.quality.name, "Bluray-1080p");
    assert_eq!(
        r.info_url.as_deref(),
        Some(f.url("/details.php?id=257142").as_str())
    );
    let url = r.download_url.as_ref().map(|u| u.expose().to_string());
    assert_eq!(
        url,
        Some(f.url(&format!("/download.php?id=257142&passkey={PASSKEY}")))
    );
    assert!(!r
        .download_url_redacted()
        .unwrap_or_default()
        .contains(PASSKEY));
    // string id, HDBits' hints win over the name
    let remux = &releases[1];
    assert_eq!(remux.guid, "HDBits-311204");
    assert_eq!(remux.parsed.quality.name, "Remux-2160p");
    assert_eq!(remux.parsed.codec, Some(Codec::H265));
    assert!(remux.freeleech && remux.download_volume_factor == 0.0);
    let json = serde_json::to_string(&releases).unwrap_or_default();
    assert!(json.contains("HDBits-257142") && !json.contains(PASSKEY));
    assert!(!format!("{releases:?} {:?}", client(&f)).contains(PASSKEY));
}

#[tokio::test]
async fn title_search_and_empty_result() {
    let f = fake(|body| {
        if body["search"] == "The Matrix" && body.get("imdb").is_none() {
            Reply::json(EMPTY)
        } else {
            Reply::status_json(400, "{}")
        }
    });
    let found = client(&f)
        .search_title(" The Matrix ")
        .await
        .expect("search");
    assert!(found.is_empty());
    f.assert_clean();
}

#[tokio::test]
async fn api_status_codes_inside_a_200() {
    let f = fake(|_| Reply::json(AUTH_FAILED));
    let e = client(&f).search_imdb(1).await.expect_err("auth failed");
    no_passkey(&e);
    let e = http_err(e);
    assert!(matches!(e, HttpError::Api { auth: true, .. }), "{e:?}");
    assert!(
        matches!(e.classify(), FailureClass::Misconfigured(m) if m.contains("Authorization failed"))
    );
    let f = fake(|_| Reply::json(INVALID));
    let e = http_err(client(&f).search_imdb(1).await.expect_err("invalid"));
    assert!(matches!(e, HttpError::Api { auth: false, .. }), "{e:?}");
    assert_eq!(e.classify(), FailureClass::Failure(FailureKind::Other));
}

#[tokio::test]
async fn http_statuses_are_mapped() {
    let cases = [
        (Reply::status_json(404, "{}"), FailureClass::Ignored),
        (
            Reply::status_json(401, "{}"),
            FailureClass::Misconfigured("HTTP 401: check the credentials".into()),
        ),
        (
            Reply::too_many(120),
            FailureClass::Failure(FailureKind::RateLimited {
                retry_after: Some(Duration::from_secs(120)),
            }),
        ),
        (
            Reply::status_json(500, "{}"),
            FailureClass::Failure(FailureKind::ServerError),
        ),
    ];
    for (reply, want) in cases {
        let reply = std::sync::Mutex::new(Some(reply));
        let f = Fake::start(move |s| {
            check(s)?;
            reply
                .lock()
                .ok()
                .and_then(|mut r| r.take())
                .ok_or_else(|| "called twice".to_string())
        });
        let e = client(&f).search_imdb(133093).await.expect_err("status");
        no_passkey(&e);
        assert_eq!(e.classify(), want, "{e:?}");
        f.assert_clean();
    }
}

#[tokio::test]
async fn transport_failures() {
    let e = client_at(format!("{}/api", dead_url()), 150)
        .search_imdb(1)
        .await
        .expect_err("refused");
    no_passkey(&e);
    assert!(matches!(http_err(e), HttpError::Connect { .. }));

    let f = fake(|_| Reply::Hang);
    let e = client(&f).search_imdb(1).await.expect_err("hang");
    no_passkey(&e);
    assert!(matches!(http_err(e), HttpError::Timeout { .. }));

    let f = fake(|_| Reply::json(r#"{"status":0,"data":[{"id":1,"name":"x""#));
    let e = client(&f).search_imdb(1).await.expect_err("malformed");
    no_passkey(&e);
    assert!(matches!(http_err(e), HttpError::Decode { .. }));

    let f = fake(|_| Reply::Stream(OVERSIZED));
    let c = HdbitsClient::new(
        http(),
        f.url("/api"),
        USER.into(),
        Secret::new(PASSKEY),
        Duration::from_secs(10),
        150,
    );
    let e = c.search_imdb(1).await.expect_err("too big");
    no_passkey(&e);
    assert!(
        matches!(http_err(e), HttpError::Decode { ref detail, .. } if detail.contains("larger"))
    );
}

#[tokio::test]
async fn spent_quota_refuses_without_calling() {
    let f = fake(|_| Reply::json(EMPTY));
    let c = client_at(f.url("/api"), 2);
    c.search_imdb(1).await.expect("first");
    c.search_title("x").await.expect("second");
    let e = c.search_imdb(1).await.expect_err("third is over quota");
    assert!(
        matches!(e, HdbitsError::QuotaExhausted { retry_after } if retry_after > Duration::from_secs(3500))
    );
    assert_eq!(e.classify(), FailureClass::Ignored);
    assert_eq!(f.hits(), 2, "no request over quota");
    assert_eq!(c.quota().remaining(), 0);
    f.assert_clean();
}

#[test]
fn parser_edge_cases() {
    let bad = |s: &str| matches!(parse_response(s.as_bytes()), Err(HttpError::Decode { .. }));
    assert!(bad(""));
    assert!(bad("[]"));
    assert!(bad("{\"data\":[]}"), "no status");
    assert!(bad("{\"status\":0,\"data\":{}}"));
    assert!(parse_response(br#"{"status":0,"data":null}"#).is_ok_and(|v| v.is_empty()));
    let skipped = parse_response(br#"{"status":"0","data":[{"id":null,"name":"x"},{"id":"7","name":"Movie 2020 1080p","seeders":"3"},42]}"#)
        .expect("lenient");
    assert_eq!(skipped.len(), 1);
    assert_eq!((skipped[0].id.as_str(), skipped[0].seeders), ("7", Some(3)));
    let t = HdbitsTorrent {
        id: "1&passkey=x".into(),
        name: "n".into(),
        ..HdbitsTorrent::default()
    };
    assert!(t
        .into_release("https://hdbits.org", &Secret::new(PASSKEY))
        .is_none());
}

fn mutate(base: &str, cuts: &[(usize, usize, String)]) -> String {
    let mut s = base.to_string();
    for (at, len, ins) in cuts {
        let at = at % (s.len() + 1);
        let end = (at + len).min(s.len());
        if s.is_char_boundary(at) && s.is_char_boundary(end) {
            s.replace_range(at..end, ins);
        }
    }
    s
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(crate::clients::http::fuzz_cases(256)))]

    #[test]
    fn parser_never_panics_on_arbitrary_input(s in ".{0,400}", bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let _ = parse_response(s.as_bytes());
        let _ = parse_response(&bytes);
    }

    #[test]
    fn parser_never_panics_on_mutated_fixtures(
        cuts in proptest::collection::vec((0usize..4000, 0usize..30, "[\\[\\]{}:,\"0-9a-z. -]{0,12}"), 1..6)
    ) {
        let doc = mutate(TORRENTS, &cuts);
        if let Ok(torrents) = parse_response(doc.as_bytes()) {
            for t in torrents {
                if let Some(r) = t.into_release("https://hdbits.org", &Secret::new(PASSKEY)) {
                    prop_assert!(!serde_json::to_string(&r).unwrap_or_default().contains(PASSKEY));
                }
            }
        }
    }
}
