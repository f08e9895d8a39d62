//! Torznab client against a fake Prowlarr that asserts method, path, query and apikey; plus
//! parser unit tests and never-panic property tests.

use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Arc;
use std::time::Duration;

use proptest::prelude::*;

use super::*;
use crate::breaker::{Classify, FailureClass, FailureKind};
use reelarr_testkit::http_fake::{dead_url, expect, http, Fake, Reply, Seen, OVERSIZED};

const KEY: &str = "torznabkey123";
const CAPS: &str = include_str!("../../../tests/fixtures/torznab.caps.xml");
const CAPS_NO_IMDB: &str = include_str!("../../../tests/fixtures/torznab.caps.noimdb.xml");
const MOVIE: &str = include_str!("../../../tests/fixtures/torznab.movie.xml");
const EMPTY: &str = include_str!("../../../tests/fixtures/torznab.empty.xml");
const ERROR_100: &str = include_str!("../../../tests/fixtures/torznab.error100.xml");
const ERROR_201: &str = include_str!("../../../tests/fixtures/torznab.error201.xml");

/// Checks what every Torznab request must carry.
fn check(s: &Seen) -> Result<(), String> {
    expect(s.method == "GET", || format!("method {}", s.method))?;
    expect(s.path == "/prowlarr/1/api", || format!("path {}", s.path))?;
    expect(s.q("apikey") == KEY, || "missing/wrong apikey".into())
}

/// A fake answering caps with `caps` and searches with `search(seen)`.
fn fake(
    caps: &'static str,
    search: impl Fn(&Seen) -> Result<Reply, String> + Send + Sync + 'static,
) -> Fake {
    Fake::start(move |s| {
        check(s)?;
        match s.q("t") {
            "caps" => Ok(Reply::xml(caps)),
            "movie" | "search" => {
                expect(s.q("cat") == "2000" && s.q("extended") == "1", || {
                    format!("cat/extended {:?}", s.query)
                })?;
                search(s)
            }
            t => Err(format!("unexpected t={t}")),
        }
    })
}

fn client(f: &Fake) -> TorznabClient {
    client_at(f.url("/prowlarr/1/"))
}

fn client_at(base: String) -> TorznabClient {
    TorznabClient::new(
        http(),
        "prowlarr",
        base,
        Secret::new(KEY),
        Duration::from_millis(300),
    )
}

fn no_key(e: &HttpError) {
    let shown = format!("{e} {e:?}");
    assert!(!shown.contains(KEY), "apikey leaked: {shown}");
    assert!(
        shown.contains("torznab:prowlarr"),
        "service not named: {shown}"
    );
}

#[tokio::test]
async fn imdb_movie_search_when_caps_allow_it() {
    let f = fake(CAPS, |s| {
        expect(s.q("t") == "movie", || "not t=movie".into())?;
        expect(s.q("imdbid") == "0133093", || {
            format!("imdbid {:?}", s.q("imdbid"))
        })?;
        expect(s.q("limit") == "100", || "limit".into())?;
        expect(!s.query.contains_key("q"), || "q sent".into())?;
        Ok(Reply::xml(MOVIE))
    });
    let c = client(&f);
    let releases = c
        .search_movie(Some("tt0133093"), "The Matrix", Some(1999))
        .await
        .expect("search");
    f.assert_clean();
    assert_eq!(releases.len(), 3);
    let r = &releases[0];
    assert_eq!(r.title, "The.Matrix.1999.1080p.BluRay.DTS.x264-GRP");
    assert_eq!(r.indexer, "prowlarr");
    assert_eq!(r.guid, "https://tracker.example/torrents/77001");
    assert_eq!(r.size, 1_718_009_717);
    assert_eq!((r.seeders, r.leechers), (Some(12), Some(3)));
    assert_eq!(
        r.info_hash.as_deref(),
        Some("eabc6a8f3c2d4b1e9f0a7c5d3b2e1f4a6c8d0e2f")
    );
    assert_eq!(r.imdb_id.as_deref(), Some("tt0133093"));
    assert_eq!(r.categories, [2000, 2040]);
    assert_eq!(r.parsed.quality.name, "Bluray-1080p");
    assert_eq!(
        r.publish_date.map(|d| d.to_rfc3339()).as_deref(),
        Some("2015-04-04T20:30:46+00:00")
    );
    assert!(r
        .download_url
        .as_ref()
        .is_some_and(|u| u.expose().contains(KEY)));
    assert!(!r.freeleech);
    let m = &releases[1];
    assert_eq!(
        m.title, "The Matrix 1999 1080p WEB-DL DD5.1 H.264-FGT",
        "CDATA title"
    );
    assert!(m
        .magnet
        .as_deref()
        .is_some_and(|u| u.starts_with("magnet:?xt")));
    assert_eq!(
        m.info_hash.as_deref(),
        Some("5ff5a8b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f6"),
        "hash taken from the magnet"
    );
    assert!(m.download_url.is_none() && m.freeleech);
    let u = &releases[2];
    assert_eq!(u.size, 21_474_836_480, "size attr");
    assert_eq!((u.download_volume_factor, u.leechers), (0.5, Some(0)));
    assert_eq!(u.imdb_id.as_deref(), Some("tt0133093"));
    let json = serde_json::to_string(&releases).unwrap_or_default();
    assert!(json.contains("77001") && !json.contains(KEY), "{json}");
    assert!(!format!("{releases:?}").contains(KEY));

    // caps are cached: a second search asks only for results
    c.search_movie(Some("tt0133093"), "The Matrix", Some(1999))
        .await
        .expect("again");
    let caps_hits = f.seen().iter().filter(|s| s.q("t") == "caps").count();
    assert_eq!((caps_hits, f.hits()), (1, 3));
}

#[tokio::test]
async fn text_search_when_caps_lack_imdbid_or_no_id_is_known() {
    let f = fake(CAPS_NO_IMDB, |s| {
        expect(s.q("t") == "search", || "not t=search".into())?;
        expect(s.q("q") == "The Matrix 1999", || {
            format!("q {:?}", s.q("q"))
        })?;
        expect(s.q("limit") == "50", || "limit from caps".into())?;
        Ok(Reply::xml(EMPTY))
    });
    let found = client(&f)
        .search_movie(Some("tt0133093"), "The Matrix", Some(1999))
        .await
        .expect("search");
    assert!(found.is_empty());
    f.assert_clean();
    let f = fake(CAPS, |s| {
        expect(s.q("t") == "search" && s.q("q") == "The Matrix", || {
            format!("{:?}", s.query)
        })?;
        Ok(Reply::xml(EMPTY))
    });
    client(&f)
        .search_movie(None, "The Matrix", None)
        .await
        .expect("search");
    f.assert_clean();
}

#[tokio::test]
async fn error_code_100_inside_a_200_is_misconfigured() {
    let f = fake(CAPS, |_| Ok(Reply::xml(ERROR_100)));
    let e = client(&f)
        .search_movie(Some("tt0133093"), "x", None)
        .await
        .expect_err("api error");
    no_key(&e);
    assert!(matches!(e, HttpError::Api { auth: true, .. }), "{e:?}");
    assert!(
        matches!(e.classify(), FailureClass::Misconfigured(m) if m.contains("Invalid API Key"))
    );
    let f = fake(CAPS, |_| Ok(Reply::xml(ERROR_201)));
    let e = client(&f)
        .search_movie(None, "x", None)
        .await
        .expect_err("api error");
    assert!(matches!(e, HttpError::Api { auth: false, .. }), "{e:?}");
    // errors on caps too
    let f = Fake::start(|_| Ok(Reply::xml(ERROR_100)));
    let e = client(&f).caps().await.expect_err("caps error");
    assert!(matches!(e, HttpError::Api { auth: true, .. }), "{e:?}");
}

#[tokio::test]
async fn http_statuses_are_mapped() {
    let mode = Arc::new(AtomicU8::new(0));
    let m = mode.clone();
    let f = fake(CAPS, move |_| {
        Ok(match m.load(Ordering::SeqCst) {
            0 => Reply::status_json(404, "not found"),
            1 => Reply::status_json(401, "unauthorized"),
            2 => Reply::too_many(42),
            _ => Reply::status_json(500, "boom"),
        })
    });
    let c = client(&f);
    let expected = [
        FailureClass::Ignored,
        FailureClass::Misconfigured("HTTP 401: check the credentials".into()),
        FailureClass::Failure(FailureKind::RateLimited {
            retry_after: Some(Duration::from_secs(42)),
        }),
        FailureClass::Failure(FailureKind::ServerError),
    ];
    for (i, want) in expected.into_iter().enumerate() {
        mode.store(i as u8, Ordering::SeqCst);
        let e = c.search_movie(None, "x", None).await.expect_err("status");
        no_key(&e);
        assert_eq!(e.classify(), want, "case {i}: {e:?}");
    }
    f.assert_clean();
}

#[tokio::test]
async fn transport_failures() {
    let e = client_at(dead_url()).caps().await.expect_err("refused");
    no_key(&e);
    assert!(matches!(e, HttpError::Connect { .. }), "{e:?}");

    let f = fake(CAPS, |_| Ok(Reply::Hang));
    let e = client(&f)
        .search_movie(None, "x", None)
        .await
        .expect_err("hang");
    no_key(&e);
    assert!(matches!(e, HttpError::Timeout { .. }), "{e:?}");

    let f = fake(CAPS, |_| {
        Ok(Reply::xml("<rss><channel><item><title>x</tit></item>"))
    });
    let e = client(&f)
        .search_movie(None, "x", None)
        .await
        .expect_err("bad xml");
    no_key(&e);
    assert!(matches!(e, HttpError::Decode { .. }), "{e:?}");

    let f = fake(CAPS, |_| Ok(Reply::Stream(OVERSIZED)));
    let c = TorznabClient::new(
        http(),
        "prowlarr",
        f.url("/prowlarr/1/api"),
        Secret::new(KEY),
        Duration::from_secs(10),
    );
    let e = c.search_movie(None, "x", None).await.expect_err("too big");
    no_key(&e);
    assert!(
        matches!(e, HttpError::Decode { ref detail, .. } if detail.contains("larger")),
        "{e:?}"
    );
}

#[test]
fn parser_rejects_what_is_not_a_feed() {
    let bad = |s: &str| matches!(parse_rss(s.as_bytes()), Err(FeedError::Malformed(_)));
    assert!(bad(""));
    assert!(bad("not xml at all"));
    assert!(bad("{\"json\":true}"));
    assert!(bad("<html><body>Login</body></html>"));
    assert!(bad("<rss><channel><item><title>x</title>"), "truncated");
    assert!(
        bad("<rss><channel></item></channel></rss>"),
        "mismatched end"
    );
    assert_eq!(
        parse_rss(ERROR_100.as_bytes()),
        Err(FeedError::Api {
            code: 100,
            description: "Invalid API Key".into()
        })
    );
    assert_eq!(parse_rss(EMPTY.as_bytes()), Ok(vec![]));
    assert!(matches!(
        parse_caps(b"<rss/>"),
        Err(FeedError::Malformed(_))
    ));
}

#[test]
fn caps_are_understood() {
    let caps = parse_caps(CAPS.as_bytes()).expect("caps");
    assert!(caps.supports_imdb_movie_search());
    assert_eq!(caps.limit_max, Some(100));
    assert!(caps.categories.contains(&2045));
    let caps = parse_caps(CAPS_NO_IMDB.as_bytes()).expect("caps");
    assert!(!caps.supports_imdb_movie_search() && caps.search_available);
}

#[test]
fn guid_carrying_the_apikey_is_scrubbed() {
    let item = TorznabItem {
        title: "Movie.2020.1080p.WEB-DL-GRP".into(),
        guid: Some(format!("http://jackett/dl?jackett_apikey={KEY}&path=1")),
        ..TorznabItem::default()
    };
    let r = item_to_release(item, "jackett", &Secret::new(KEY)).expect("release");
    assert!(!r.guid.contains(KEY), "{}", r.guid);
    assert!(item_to_release(TorznabItem::default(), "x", &Secret::new(KEY)).is_none());
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
    fn parsers_never_panic_on_arbitrary_input(s in ".{0,400}", bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let _ = parse_rss(s.as_bytes());
        let _ = parse_caps(s.as_bytes());
        let _ = parse_rss(&bytes);
        let _ = parse_caps(&bytes);
    }

    #[test]
    fn parsers_never_panic_on_mutated_fixtures(
        cuts in proptest::collection::vec((0usize..6000, 0usize..40, "[<>/=\"'&;:a-z0-9 \\]\\[!-]{0,12}"), 1..6)
    ) {
        for base in [MOVIE, CAPS, ERROR_100] {
            let doc = mutate(base, &cuts);
            if let Ok(items) = parse_rss(doc.as_bytes()) {
                for it in items {
                    let _ = item_to_release(it, "x", &Secret::new(KEY));
                }
            }
            let _ = parse_caps(doc.as_bytes());
        }
    }
}
