//! Search across a fake HDBits and fake Torznab indexers: fallbacks, warnings, quota, dedup.

use std::time::Duration;

use super::*;
use crate::breaker::{BreakerConfig, BreakerState, SystemClock};
use crate::config::Secret;
use reelarr_testkit::http_fake::{dead_url, expect, http, Fake, Reply};

const PASSKEY: &str = "c0ffee0123456789deadbeef0123456789abcdef";
const APIKEY: &str = "torznabkey123";
const HDB_TORRENTS: &str = include_str!("../../../tests/fixtures/hdbits.torrents.json");
const CAPS: &str = include_str!("../../../tests/fixtures/torznab.caps.xml");
const MOVIE: &str = include_str!("../../../tests/fixtures/torznab.movie.xml");

fn breaker(name: &str) -> Arc<CircuitBreaker> {
    let mut cfg = BreakerConfig::with_defaults(3, 90);
    cfg.call_timeout_ms = 400;
    Arc::new(CircuitBreaker::new(name, cfg, Arc::new(SystemClock::new())))
}

fn hdbits_fake() -> Fake {
    Fake::start(|s| {
        expect(s.method == "POST" && s.path == "/api/torrents", || {
            format!("{} {}", s.method, s.path)
        })?;
        let body = s.json();
        expect(body["passkey"] == PASSKEY, || "passkey".into())?;
        expect(body["imdb"]["id"] == 133093, || format!("imdb {body}"))?;
        Ok(Reply::json(HDB_TORRENTS))
    })
}

fn torznab_fake(hang: bool) -> Fake {
    Fake::start(move |s| {
        expect(s.q("apikey") == APIKEY, || "apikey".into())?;
        match s.q("t") {
            "caps" => Ok(Reply::xml(CAPS)),
            "movie" => {
                expect(s.q("imdbid") == "0133093", || "imdbid".into())?;
                Ok(if hang { Reply::Hang } else { Reply::xml(MOVIE) })
            }
            t => Err(format!("t={t}")),
        }
    })
}

fn hdbits_at(base: String, per_hour: u32) -> Indexer {
    let client = HdbitsClient::new(
        http(),
        base,
        "neo".into(),
        Secret::new(PASSKEY),
        Duration::from_secs(2),
        per_hour,
    );
    Indexer::hdbits(client, breaker("hdbits"))
}

fn torznab_at(name: &str, base: String) -> Indexer {
    let client = TorznabClient::new(
        http(),
        name,
        base,
        Secret::new(APIKEY),
        Duration::from_secs(2),
    );
    Indexer::torznab(client, breaker(&format!("torznab:{name}")))
}

fn query() -> SearchQuery {
    SearchQuery {
        imdb_id: Some("tt0133093".into()),
        title: "The Matrix".into(),
        year: Some(1999),
    }
}

#[tokio::test]
async fn all_indexers_merge_and_dedup_by_info_hash() {
    let (h, t) = (hdbits_fake(), torznab_fake(false));
    let svc = SearchService::new(vec![
        hdbits_at(h.url("/api"), 150),
        torznab_at("prowlarr", t.url("/")),
    ]);
    let res = svc.search(&query()).await;
    h.assert_clean();
    t.assert_clean();
    assert!(res.warnings.is_empty(), "{:?}", res.warnings);
    assert_eq!(res.releases.len(), 5, "3 + 3 with one shared info-hash");
    let shared: Vec<&Release> = res
        .releases
        .iter()
        .filter(|r| r.info_hash.as_deref() == Some("eabc6a8f3c2d4b1e9f0a7c5d3b2e1f4a6c8d0e2f"))
        .collect();
    assert_eq!(shared.len(), 1);
    assert_eq!(
        (shared[0].indexer.as_str(), shared[0].seeders),
        ("HDBits", Some(46)),
        "the copy with more seeders wins"
    );
    let seeds: Vec<u32> = res
        .releases
        .iter()
        .map(|r| r.seeders.unwrap_or(0))
        .collect();
    assert!(seeds.windows(2).all(|w| w[0] >= w[1]), "{seeds:?}");
    let json = serde_json::to_string(&res).unwrap_or_default();
    assert!(!json.contains(PASSKEY) && !json.contains(APIKEY));
}

#[tokio::test]
async fn hdbits_down_still_returns_torznab_results_with_a_warning() {
    let t = torznab_fake(false);
    let svc = SearchService::new(vec![
        hdbits_at(format!("{}/api", dead_url()), 150),
        torznab_at("prowlarr", t.url("/")),
    ]);
    let res = svc.search(&query()).await;
    assert_eq!(res.releases.len(), 3);
    assert!(res.releases.iter().all(|r| r.indexer == "prowlarr"));
    assert_eq!(res.warnings.len(), 1);
    let w = &res.warnings[0];
    assert_eq!(
        (w.indexer.as_str(), w.service.as_str()),
        ("HDBits", "hdbits")
    );
    assert_eq!(w.code, WarningCode::Failed);
    assert_eq!(w.reason, "HDBits skipped: cannot connect");
}

#[tokio::test]
async fn open_hdbits_breaker_is_skipped_without_a_request() {
    let (h, t) = (hdbits_fake(), torznab_fake(false));
    let hdb = hdbits_at(h.url("/api"), 150);
    hdb.breaker().force_open();
    let svc = SearchService::new(vec![hdb, torznab_at("prowlarr", t.url("/"))]);
    let res = svc.search(&query()).await;
    assert_eq!(res.releases.len(), 3);
    let w = &res.warnings[0];
    assert_eq!(w.code, WarningCode::CircuitOpen);
    assert_eq!(
        w.reason,
        "HDBits skipped: circuit breaker open, retry in 90 s"
    );
    assert_eq!(w.retry_after_seconds, Some(90));
    assert_eq!(h.hits(), 0);
}

#[tokio::test]
async fn torznab_timeout_still_returns_hdbits_results_with_a_warning() {
    let (h, t) = (hdbits_fake(), torznab_fake(true));
    let svc = SearchService::new(vec![
        hdbits_at(h.url("/api"), 150),
        torznab_at("prowlarr", t.url("/")),
    ]);
    let started = std::time::Instant::now();
    let res = svc.search(&query()).await;
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "bounded by the breaker timeout"
    );
    assert_eq!(res.releases.len(), 3);
    assert!(res.releases.iter().all(|r| r.indexer == "HDBits"));
    let w = &res.warnings[0];
    assert_eq!(
        (w.indexer.as_str(), w.service.as_str(), w.code),
        ("prowlarr", "torznab:prowlarr", WarningCode::Timeout)
    );
    assert_eq!(w.reason, "prowlarr skipped: timed out after 400 ms");
    let json = serde_json::to_value(w).unwrap_or_default();
    assert_eq!(json["code"], "timeout");
}

#[tokio::test]
async fn spent_quota_skips_hdbits_without_a_request_or_a_breaker_failure() {
    let (h, t) = (hdbits_fake(), torznab_fake(false));
    let hdb = hdbits_at(h.url("/api"), 0);
    let hdb_breaker = hdb.breaker().clone();
    let svc = SearchService::new(vec![hdb, torznab_at("prowlarr", t.url("/"))]);
    for _ in 0..4 {
        let res = svc.search(&query()).await;
        assert_eq!(res.releases.len(), 3);
        let w = &res.warnings[0];
        assert_eq!(w.code, WarningCode::QuotaExhausted);
        assert!(
            w.reason
                .starts_with("HDBits skipped: hourly API quota spent"),
            "{}",
            w.reason
        );
    }
    assert_eq!(h.hits(), 0);
    assert_eq!(hdb_breaker.state(), BreakerState::Closed);
    assert_eq!(hdb_breaker.snapshot().failure_count, 0);
}

#[tokio::test]
async fn duplicates_across_torznab_indexers_collapse_by_hash_then_guid() {
    let (a, b) = (torznab_fake(false), torznab_fake(false));
    let svc = SearchService::new(vec![
        torznab_at("prowlarr", a.url("/")),
        torznab_at("jackett", b.url("/api")),
    ]);
    let res = svc.search(&query()).await;
    assert!(res.warnings.is_empty());
    assert_eq!(res.releases.len(), 3, "same feed twice");
    assert!(
        res.releases.iter().any(|r| r.info_hash.is_none()),
        "guid dedup used"
    );
}

#[test]
fn imdb_numbers() {
    assert_eq!(imdb_number("tt0133093"), Some(133093));
    assert_eq!(imdb_number("TT0133093"), Some(133093));
    assert_eq!(imdb_number("0133093"), None);
    assert_eq!(imdb_number("tt"), None);
}
