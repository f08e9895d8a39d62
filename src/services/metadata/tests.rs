//! Metadata service against a fake TMDB: caching, single-flight, stale fallback, negative
//! caching and error mapping.

use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Arc;
use std::time::Duration;

use super::*;
use crate::breaker::{BreakerConfig, BreakerState, SystemClock};
use crate::config::Secret;
use reelarr_testkit::http_fake::{expect, http, Fake, Reply};

const KEY: &str = "0123456789abcdef0123456789abcdef";
const SEARCH: &str = include_str!("../../../tests/fixtures/tmdb.search.json");
const SEARCH_EMPTY: &str = include_str!("../../../tests/fixtures/tmdb.search.empty.json");
const MOVIE: &str = include_str!("../../../tests/fixtures/tmdb.movie.603.json");
const FIND: &str = include_str!("../../../tests/fixtures/tmdb.find.json");
const FIND_EMPTY: &str = include_str!("../../../tests/fixtures/tmdb.find.empty.json");
const NOT_FOUND: &str = include_str!("../../../tests/fixtures/tmdb.404.json");
const UNAUTHORIZED: &str = include_str!("../../../tests/fixtures/tmdb.401.json");

const OK: u8 = 0;
const FAIL_500: u8 = 1;
const FAIL_401: u8 = 2;

/// A fake TMDB whose behaviour follows `mode`; answers slowly (`delay`) when asked.
fn tmdb(mode: Arc<AtomicU8>, delay: Duration) -> Fake {
    Fake::start(move |s| {
        expect(s.method == "GET" && s.q("api_key") == KEY, || {
            format!("bad request {} {:?}", s.method, s.query)
        })?;
        let reply = match mode.load(Ordering::SeqCst) {
            FAIL_500 => return Ok(Reply::status_json(500, "{}")),
            FAIL_401 => return Ok(Reply::status_json(401, UNAUTHORIZED)),
            _ => match s.path.as_str() {
                "/3/movie/603" => Reply::json(MOVIE),
                "/3/search/movie" => match (s.q("query"), s.q("year")) {
                    ("the matrix", "1999" | "") => Reply::json(SEARCH),
                    ("blade runner 2049", "") => Reply::json(SEARCH),
                    _ => Reply::json(SEARCH_EMPTY),
                },
                "/3/find/tt0133093" => Reply::json(FIND),
                p if p.starts_with("/3/find/") => Reply::json(FIND_EMPTY),
                p if p.starts_with("/3/movie/") => Reply::status_json(404, NOT_FOUND),
                p => return Err(format!("unexpected path {p}")),
            },
        };
        Ok(if delay.is_zero() {
            reply
        } else {
            Reply::After(delay, Box::new(reply))
        })
    })
}

struct Setup {
    fake: Fake,
    mode: Arc<AtomicU8>,
    svc: MetadataService,
    breaker: Arc<CircuitBreaker>,
}

fn setup(ttl: Duration, negative_ttl: Duration, delay: Duration, threshold: u32) -> Setup {
    let mode = Arc::new(AtomicU8::new(OK));
    let fake = tmdb(mode.clone(), delay);
    let client = TmdbClient::new(
        http(),
        fake.url("/3"),
        Secret::new(KEY),
        Duration::from_secs(2),
    );
    let breaker = Arc::new(CircuitBreaker::new(
        "tmdb",
        BreakerConfig::with_defaults(threshold, 60),
        Arc::new(SystemClock::new()),
    ));
    let svc = MetadataService::new(client, breaker.clone(), ttl, negative_ttl);
    Setup {
        fake,
        mode,
        svc,
        breaker,
    }
}

fn default_setup() -> Setup {
    setup(
        Duration::from_secs(60),
        Duration::from_secs(10),
        Duration::ZERO,
        5,
    )
}

#[test]
fn lookup_terms_are_parsed_like_radarr() {
    let text = |q: &str, y| Term::Text {
        query: q.into(),
        year: y,
    };
    assert_eq!(parse_term("tmdb:603"), Ok(Term::Tmdb(603)));
    assert_eq!(parse_term(" TMDB: 603 "), Ok(Term::Tmdb(603)));
    assert_eq!(
        parse_term("imdb:tt0133093"),
        Ok(Term::Imdb("tt0133093".into()))
    );
    assert_eq!(parse_term("TT0133093"), Ok(Term::Imdb("tt0133093".into())));
    assert_eq!(
        parse_term("The Matrix 1999"),
        Ok(text("The Matrix", Some(1999)))
    );
    assert_eq!(
        parse_term("The  Matrix (1999)"),
        Ok(text("The Matrix", Some(1999)))
    );
    assert_eq!(parse_term("The Matrix"), Ok(text("The Matrix", None)));
    assert_eq!(parse_term("1917"), Ok(text("1917", None)));
    for bad in [
        "tmdb:abc", "tmdb:", "tmdb:0", "imdb:xyz", "imdb:tt", "", "   ",
    ] {
        assert!(
            matches!(parse_term(bad), Err(MetadataError::BadTerm(_))),
            "{bad:?}"
        );
    }
}

#[tokio::test]
async fn text_lookup_maps_search_results() {
    let s = default_setup();
    let found = s.svc.lookup("The Matrix 1999").await.expect("lookup");
    s.fake.assert_clean();
    assert!(!found.stale);
    assert_eq!(found.value.len(), 3);
    let m = &found.value[0];
    assert_eq!(
        (m.tmdb_id, m.title.as_str(), m.year),
        (603, "The Matrix", Some(1999))
    );
    assert_eq!(m.sort_title, "matrix");
    assert_eq!(m.status, MovieStatus::Released);
    assert_eq!(
        m.images[0].remote_url,
        "https://image.tmdb.org/t/p/original/f89U3ADr1oiB1s9GkdPOEpXUk5H.jpg"
    );
    assert_eq!(m.images[1].cover_type, "fanart");
    assert_eq!(s.fake.seen()[0].q("year"), "1999");
}

#[tokio::test]
async fn a_trailing_number_that_is_part_of_the_title_is_retried_without_year() {
    let s = default_setup();
    let found = s.svc.lookup("Blade Runner 2049").await.expect("lookup");
    assert_eq!(found.value.len(), 3);
    assert_eq!(s.fake.hits(), 2, "year search, then full-text search");
    s.fake.assert_clean();
}

#[tokio::test]
async fn tmdb_lookup_returns_full_details_and_is_cached() {
    let s = default_setup();
    let found = s.svc.lookup("tmdb:603").await.expect("lookup");
    let m = &found.value[0];
    assert_eq!(m.imdb_id.as_deref(), Some("tt0133093"));
    assert_eq!(m.runtime, Some(136));
    assert_eq!(m.certification.as_deref(), Some("R"));
    assert_eq!(m.studio.as_deref(), Some("Village Roadshow Pictures"));
    assert_eq!(m.genres, ["Action", "Science Fiction"]);
    assert!(m
        .alternative_titles
        .iter()
        .any(|t| t.title == "マトリックス"));
    let json = serde_json::to_value(m).unwrap_or_default();
    assert_eq!(json["tmdbId"], 603);
    assert_eq!(json["status"], "released");
    assert_eq!(json["ratings"]["tmdb"]["type"], "user");
    assert!(json["inCinemas"]
        .as_str()
        .unwrap_or("")
        .starts_with("1999-03-31"));
    s.svc.movie(603).await.expect("cached");
    assert_eq!(s.fake.hits(), 1);
}

#[tokio::test]
async fn imdb_lookup_finds_then_fetches_details_once() {
    let s = default_setup();
    for term in ["imdb:tt0133093", "tt0133093", "tmdb:603"] {
        let found = s.svc.lookup(term).await.expect("lookup");
        assert_eq!(found.value[0].tmdb_id, 603);
    }
    assert_eq!(s.fake.hits(), 2, "one find, one details request");
    let unknown = s.svc.lookup("imdb:tt9999999").await.expect("lookup");
    assert!(unknown.value.is_empty());
    s.fake.assert_clean();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hundred_concurrent_identical_lookups_make_one_upstream_call() {
    let s = setup(
        Duration::from_secs(60),
        Duration::from_secs(10),
        Duration::from_millis(200),
        5,
    );
    let tasks: Vec<_> = (0..100)
        .map(|_| {
            let svc = s.svc.clone();
            tokio::spawn(async move { svc.movie(603).await })
        })
        .collect();
    for t in futures_util::future::join_all(tasks).await {
        let found = t.expect("task").expect("movie");
        assert_eq!(found.value.tmdb_id, 603);
    }
    assert_eq!(s.fake.hits(), 1);
    s.fake.assert_clean();
}

#[tokio::test]
async fn stale_value_is_served_while_the_breaker_is_open() {
    let s = setup(
        Duration::from_millis(100),
        Duration::from_millis(100),
        Duration::ZERO,
        5,
    );
    let fresh = s.svc.movie(603).await.expect("movie");
    assert!(!fresh.stale);
    tokio::time::sleep(Duration::from_millis(200)).await;
    s.breaker.force_open();
    let stale = s.svc.movie(603).await.expect("stale fallback");
    assert!(stale.stale);
    assert_eq!(stale.value, fresh.value);
    let err = s.svc.movie(604).await.expect_err("nothing cached");
    match err {
        MetadataError::Unavailable {
            retry_after_seconds,
            ..
        } => assert_eq!(retry_after_seconds, 60),
        other => panic!("expected Unavailable, got {other:?}"),
    }
    assert_eq!(
        err_code(&s.svc.lookup("tmdb:604").await),
        "tmdb_unavailable"
    );
    assert_eq!(s.fake.hits(), 1, "an open breaker makes no upstream call");
}

fn err_code<T>(r: &Result<T, MetadataError>) -> &'static str {
    r.as_ref().err().map_or("ok", MetadataError::code)
}

#[tokio::test]
async fn stale_value_is_served_when_upstream_fails_until_the_breaker_opens() {
    let s = setup(
        Duration::from_millis(100),
        Duration::from_millis(100),
        Duration::ZERO,
        2,
    );
    let search = s.svc.lookup("the matrix").await.expect("search");
    s.svc.movie(603).await.expect("movie");
    tokio::time::sleep(Duration::from_millis(200)).await;
    s.mode.store(FAIL_500, Ordering::SeqCst);
    let stale = s.svc.lookup("The Matrix").await.expect("stale search");
    assert!(stale.stale);
    assert_eq!(stale.value, search.value);
    assert!(s.svc.movie(603).await.expect("stale movie").stale);
    assert_eq!(s.fake.hits(), 4, "both expired entries were re-fetched");
    assert_eq!(s.breaker.state(), BreakerState::Open);
    let err = s.svc.movie(700).await.expect_err("uncached");
    assert!(
        matches!(err, MetadataError::Unavailable { retry_after_seconds, .. } if retry_after_seconds > 0 && retry_after_seconds <= 60),
        "{err:?}"
    );
    assert_eq!(s.fake.hits(), 4, "open breaker: no call");
}

#[tokio::test]
async fn an_uncached_failure_is_unavailable_with_the_recovery_timeout() {
    let s = default_setup();
    s.mode.store(FAIL_500, Ordering::SeqCst);
    let err = s.svc.movie(603).await.expect_err("500");
    assert_eq!(
        err,
        MetadataError::Unavailable {
            retry_after_seconds: 60,
            reason: "tmdb: HTTP 500".into()
        }
    );
    assert!(!err.to_string().contains(KEY));
    assert_eq!(
        s.breaker.state(),
        BreakerState::Closed,
        "one failure of five"
    );
}

#[tokio::test]
async fn not_found_is_cached_for_the_negative_ttl() {
    let s = setup(
        Duration::from_secs(60),
        Duration::from_millis(150),
        Duration::ZERO,
        5,
    );
    assert_eq!(s.svc.movie(999).await, Err(MetadataError::NotFound));
    assert_eq!(s.svc.movie(999).await, Err(MetadataError::NotFound));
    let listed = s.svc.lookup("tmdb:999").await.expect("empty list");
    assert!(listed.value.is_empty());
    assert_eq!(s.fake.hits(), 1, "negative entry cached");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(s.svc.movie(999).await, Err(MetadataError::NotFound));
    assert_eq!(s.fake.hits(), 2, "negative entry expired");
    assert_eq!(s.breaker.state(), BreakerState::Closed);
    s.fake.assert_clean();
}

#[tokio::test]
async fn rejected_key_is_misconfigured_and_does_not_trip() {
    let s = setup(
        Duration::from_secs(60),
        Duration::from_secs(1),
        Duration::ZERO,
        1,
    );
    s.mode.store(FAIL_401, Ordering::SeqCst);
    for _ in 0..3 {
        let err = s.svc.movie(603).await.expect_err("401");
        assert!(matches!(err, MetadataError::Misconfigured(_)), "{err:?}");
    }
    assert_eq!(s.breaker.state(), BreakerState::Closed);
    assert_eq!(err_code(&s.svc.lookup("tmdb:abc").await), "bad_lookup_term");
}
