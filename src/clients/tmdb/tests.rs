//! TMDB client against a fake TMDB that asserts method, path, query and auth.

use std::time::Duration;

use super::*;
use crate::breaker::{Classify, FailureClass, FailureKind};
use reelarr_testkit::http_fake::{dead_url, expect, http, Fake, Reply, Seen, OVERSIZED};

const KEY: &str = "0123456789abcdef0123456789abcdef";
const JWT: &str = "eyJhbGciOiJIUzI1NiJ9.eyJhdWQiOiIwMTIzNDU2Nzg5YWJjZGVmIiwic3ViIjoiNjE2MTYxIn0.c2lnbmF0dXJlLXNpZ25hdHVyZS1zaWduYXR1cmU";
const SEARCH: &str = include_str!("../../../tests/fixtures/tmdb.search.json");
const SEARCH_EMPTY: &str = include_str!("../../../tests/fixtures/tmdb.search.empty.json");
const MOVIE: &str = include_str!("../../../tests/fixtures/tmdb.movie.603.json");
const FIND: &str = include_str!("../../../tests/fixtures/tmdb.find.json");
const FIND_EMPTY: &str = include_str!("../../../tests/fixtures/tmdb.find.empty.json");
const NOT_FOUND: &str = include_str!("../../../tests/fixtures/tmdb.404.json");
const UNAUTHORIZED: &str = include_str!("../../../tests/fixtures/tmdb.401.json");
const CONFIGURATION: &str = include_str!("../../../tests/fixtures/tmdb.configuration.json");

/// Checks the v3 auth style (`?api_key=`, no Authorization header) and GET.
fn check_v3(s: &Seen) -> Result<(), String> {
    expect(s.method == "GET", || format!("method {}", s.method))?;
    expect(s.q("api_key") == KEY, || "missing/wrong api_key".into())?;
    expect(s.header("authorization").is_empty(), || {
        "unexpected Authorization header".into()
    })
}

/// A fake that checks v3 auth, then answers with `reply`.
fn fake(reply: impl Fn(&Seen) -> Result<Reply, String> + Send + Sync + 'static) -> Fake {
    Fake::start(move |s| {
        check_v3(s)?;
        reply(s)
    })
}

fn client(fake: &Fake) -> TmdbClient {
    client_at(fake.url("/3"), KEY)
}

fn client_at(base: String, key: &str) -> TmdbClient {
    TmdbClient::new(http(), base, Secret::new(key), Duration::from_millis(300))
}

/// The key must never show in an error's Display or Debug.
fn no_key(e: &HttpError) {
    let shown = format!("{e} {e:?}");
    assert!(!shown.contains(KEY), "key leaked: {shown}");
    assert!(shown.contains("tmdb"), "service not named: {shown}");
}

#[tokio::test]
async fn search_sends_query_year_page_and_parses_results() {
    let f = fake(|s| {
        expect(s.path == "/3/search/movie", || format!("path {}", s.path))?;
        expect(s.q("query") == "the matrix", || {
            format!("query {:?}", s.query)
        })?;
        expect(s.q("year") == "1999" && s.q("page") == "2", || {
            format!("year/page {:?}", s.query)
        })?;
        Ok(Reply::json(SEARCH))
    });
    let page = client(&f)
        .search("the matrix", Some(1999), 2)
        .await
        .expect("search works");
    f.assert_clean();
    assert_eq!(page.total_results, 3);
    assert_eq!(page.results.len(), 3);
    let m = &page.results[0];
    assert_eq!(
        (m.id, m.title.as_str(), m.year()),
        (603, "The Matrix", Some(1999))
    );
    assert_eq!(
        m.poster_path.as_deref(),
        Some("/f89U3ADr1oiB1s9GkdPOEpXUk5H.jpg")
    );
    assert_eq!(
        page.results[2].year(),
        None,
        "empty release_date has no year"
    );
    assert_eq!(f.hits(), 1);
}

#[tokio::test]
async fn search_without_year_omits_it_and_empty_result_is_ok() {
    let f = fake(|s| {
        expect(!s.query.contains_key("year"), || "year sent".into())?;
        Ok(Reply::json(SEARCH_EMPTY))
    });
    let page = client(&f).search("zzzz", None, 1).await.expect("ok");
    f.assert_clean();
    assert!(page.results.is_empty());
}

#[tokio::test]
async fn movie_details_append_everything_radarr_needs() {
    let f = fake(|s| {
        expect(s.path == "/3/movie/603", || format!("path {}", s.path))?;
        expect(
            s.q("append_to_response") == "external_ids,release_dates,alternative_titles",
            || format!("append {:?}", s.query),
        )?;
        Ok(Reply::json(MOVIE))
    });
    let m = client(&f).movie(603).await.expect("details");
    f.assert_clean();
    assert_eq!(m.summary.id, 603);
    assert_eq!(m.imdb_id(), Some("tt0133093"));
    assert_eq!(m.runtime, Some(136));
    assert_eq!(m.status, "Released");
    let genres: Vec<&str> = m.genres.iter().map(|g| g.name.as_str()).collect();
    assert_eq!(genres, ["Action", "Science Fiction"]);
    let day = |d: Option<chrono::DateTime<chrono::Utc>>| d.map(|d| d.format("%F").to_string());
    assert_eq!(day(m.in_cinemas()).as_deref(), Some("1999-03-31"));
    assert_eq!(day(m.physical_release()).as_deref(), Some("1999-09-21"));
    assert_eq!(day(m.digital_release()).as_deref(), Some("2007-05-01"));
    assert_eq!(m.certification(), Some("R"));
    assert_eq!(m.alternative_titles().len(), 4);
    assert_eq!(m.production_companies[0].name, "Village Roadshow Pictures");
}

#[tokio::test]
async fn find_by_imdb_id() {
    let f = fake(|s| {
        expect(s.q("external_source") == "imdb_id", || {
            "external_source".into()
        })?;
        match s.path.as_str() {
            "/3/find/tt0133093" => Ok(Reply::json(FIND)),
            "/3/find/tt9999999" => Ok(Reply::json(FIND_EMPTY)),
            p => Err(format!("path {p}")),
        }
    });
    let c = client(&f);
    let found = c.find_imdb("tt0133093").await.expect("find");
    assert_eq!(found.map(|m| m.id), Some(603));
    let none = c.find_imdb("tt9999999").await.expect("find empty");
    assert!(none.is_none());
    f.assert_clean();
}

#[tokio::test]
async fn v4_token_goes_in_bearer_header_not_query() {
    let f = Fake::start(|s| {
        expect(s.header("authorization") == format!("Bearer {JWT}"), || {
            "no bearer".into()
        })?;
        expect(!s.query.contains_key("api_key"), || {
            "api_key in query".into()
        })?;
        expect(s.path == "/3/configuration", || format!("path {}", s.path))?;
        Ok(Reply::json(CONFIGURATION))
    });
    client_at(f.url("/3/"), JWT)
        .configuration()
        .await
        .expect("probe ok");
    f.assert_clean();
    assert_eq!(f.hits(), 1);
}

#[tokio::test]
async fn not_found_is_a_neutral_status() {
    let f = fake(|_| Ok(Reply::status_json(404, NOT_FOUND)));
    let e = client(&f).movie(1).await.expect_err("404");
    no_key(&e);
    assert!(matches!(e, HttpError::Status { status: 404, .. }), "{e:?}");
    assert_eq!(e.classify(), FailureClass::Ignored);
}

#[tokio::test]
async fn unauthorized_is_misconfigured() {
    let f = fake(|_| Ok(Reply::status_json(401, UNAUTHORIZED)));
    let e = client(&f).search("x", None, 1).await.expect_err("401");
    no_key(&e);
    assert!(
        matches!(e.classify(), FailureClass::Misconfigured(_)),
        "{e:?}"
    );
}

#[tokio::test]
async fn rate_limit_carries_retry_after() {
    let f = fake(|_| Ok(Reply::too_many(7)));
    let e = client(&f).movie(603).await.expect_err("429");
    no_key(&e);
    assert_eq!(
        e.classify(),
        FailureClass::Failure(FailureKind::RateLimited {
            retry_after: Some(Duration::from_secs(7))
        })
    );
}

#[tokio::test]
async fn server_error_is_a_failure() {
    let f = fake(|_| Ok(Reply::status_json(500, "{}")));
    let e = client(&f).movie(603).await.expect_err("500");
    no_key(&e);
    assert_eq!(
        e.classify(),
        FailureClass::Failure(FailureKind::ServerError)
    );
}

#[tokio::test]
async fn connection_refused_is_a_connect_failure() {
    let e = client_at(dead_url(), KEY)
        .movie(603)
        .await
        .expect_err("refused");
    no_key(&e);
    assert!(matches!(e, HttpError::Connect { .. }), "{e:?}");
}

#[tokio::test]
async fn hang_past_the_timeout_is_a_timeout() {
    let f = fake(|_| Ok(Reply::Hang));
    let started = std::time::Instant::now();
    let e = client(&f).movie(603).await.expect_err("timeout");
    no_key(&e);
    assert!(matches!(e, HttpError::Timeout { .. }), "{e:?}");
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[tokio::test]
async fn malformed_json_is_a_decode_error() {
    let f = fake(|_| Ok(Reply::json(r#"{"page":1,"results":[{"id":"#)));
    let e = client(&f).search("x", None, 1).await.expect_err("bad json");
    no_key(&e);
    assert!(matches!(e, HttpError::Decode { .. }), "{e:?}");
    let f = fake(|_| Ok(Reply::json(r#"{"results":"nope"}"#)));
    let e = client(&f)
        .search("x", None, 1)
        .await
        .expect_err("bad shape");
    assert!(matches!(e, HttpError::Decode { .. }), "{e:?}");
}

#[tokio::test]
async fn oversized_body_is_a_decode_error() {
    let f = fake(|_| Ok(Reply::Stream(OVERSIZED)));
    let c = TmdbClient::new(
        http(),
        f.url("/3"),
        Secret::new(KEY),
        Duration::from_secs(10),
    );
    let e = c.movie(603).await.expect_err("too big");
    no_key(&e);
    match e {
        HttpError::Decode { detail, .. } => assert!(detail.contains("larger"), "{detail}"),
        other => panic!("expected decode error, got {other:?}"),
    }
}

#[test]
fn jwt_detection() {
    assert!(looks_like_jwt(JWT));
    assert!(!looks_like_jwt(KEY));
    assert!(!looks_like_jwt("a.b.c"));
}

#[test]
fn lenient_decoding_of_nulls() {
    let m: TmdbMovie = decode(
        br#"{"id":5,"title":null,"runtime":null,"genres":null,"release_dates":null,"popularity":3}"#,
    )
    .expect("nulls tolerated");
    assert_eq!((m.summary.id, m.runtime, m.in_cinemas()), (5, None, None));
    assert_eq!(m.summary.popularity, 3.0);
}
