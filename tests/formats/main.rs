//! Issue 13, item 4, through the real binary: quality definitions, custom formats (a TRaSH-guide
//! JSON imports and exports unchanged), profile format scores honoured by the decision engine in
//! `/api/v3/release` (ranking, `minFormatScore` rejections, live size limits), Radarr's naming,
//! media-management and host settings, and a replay of recyclarr's sync.

mod customformat;
mod decisions;
mod recyclarr;
mod settings;

use reelarr_testkit::app::*;
use reelarr_testkit::http_fake::{Fake, Reply};
use reelarr_testkit::openapi::{check, radarr_doc};
use reelarr_testkit::routes::Routes;
use reqwest::Method;
use serde_json::{json, Value};

const MOVIE: &str = include_str!("../fixtures/tmdb.movie.603.json");
const CONFIGURATION: &str = include_str!("../fixtures/tmdb.configuration.json");
const CAPS: &str = include_str!("../fixtures/torznab.caps.xml");
/// A real TRaSH-guide custom format (docs/json/radarr/cf/dv-hdr10.json): lookaheads, negate,
/// required.
pub const TRASH_DV_HDR10: &str = include_str!("../fixtures/trash.radarr.cf.dv-hdr10.json");
/// Another (docs/json/radarr/cf/br-disk.json): lookbehinds inside a negative lookahead.
pub const TRASH_BR_DISK: &str = include_str!("../fixtures/trash.radarr.cf.br-disk.json");

/// A running reelarr with a fake TMDB and (optionally) a fake Torznab indexer.
pub struct App {
    pub s: Server,
    pub dir: tempfile::TempDir,
    pub library: tempfile::TempDir,
    _tmdb: Routes,
    _indexer: Option<Fake>,
    torznab: Option<String>,
}

/// One Torznab item for The Matrix.
fn item(title: &str, size: u64, seeders: u32) -> String {
    format!(
        r#"<item><title>{title}</title><guid>{title}</guid><pubDate>Sat, 04 Apr 2015 20:30:46 +0000</pubDate>
<size>{size}</size><link>magnet:?xt=urn:btih:{hash}</link>
<torznab:attr name="category" value="2040" /><torznab:attr name="imdb" value="0133093" />
<torznab:attr name="seeders" value="{seeders}" /><torznab:attr name="peers" value="{seeders}" />
<torznab:attr name="magneturl" value="magnet:?xt=urn:btih:{hash}" />
<torznab:attr name="infohash" value="{hash}" /></item>"#,
        hash = format!("{:040x}", title.len() as u128 * 7919 + size as u128)
    )
}

/// A Torznab indexer answering its caps and, for every search, `releases` (title, bytes,
/// seeders).
fn torznab(releases: &[(&str, u64, u32)]) -> Fake {
    let items: String = releases.iter().map(|(t, s, n)| item(t, *s, *n)).collect();
    let rss = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:torznab="http://torznab.com/schemas/2015/feed"><channel><title>fake</title>{items}</channel></rss>"#
    );
    Fake::start(move |seen| {
        if seen.q("t") == "caps" {
            Ok(Reply::xml(CAPS))
        } else {
            Ok(Reply::xml(rss.clone()))
        }
    })
}

impl App {
    /// reelarr with TMDB faked and, when `releases` is not empty, a Torznab indexer answering
    /// them.
    pub async fn start(releases: &[(&str, u64, u32)]) -> App {
        let dir = tempfile::tempdir().unwrap();
        let indexer = (!releases.is_empty()).then(|| torznab(releases));
        let torznab = indexer.as_ref().map(|f| f.url(""));
        Self::start_in(dir, torznab, indexer).await
    }

    async fn start_in(
        dir: tempfile::TempDir,
        torznab: Option<String>,
        indexer: Option<Fake>,
    ) -> App {
        let tmdb = Routes::start(vec![
            ("/3/movie/", MOVIE),
            ("/3/configuration", CONFIGURATION),
        ])
        .await;
        if !dir.path().join("config.toml").exists() {
            let cfg = match &torznab {
                Some(url) => format!(
                    "[[indexers.torznab]]\nname = \"prowlarr\"\nurl = \"{url}\"\napi_key = \"tz-key\"\n"
                ),
                None => String::new(),
            };
            write_config(dir.path(), &cfg);
        }
        let s = Server::start(
            dir.path(),
            &[
                ("TMDB_API_KEY", "test-key"),
                ("TMDB_API_URL", &format!("{}/3", tmdb.url())),
                ("HEALTH_CHECK_INTERVAL_SECONDS", "3600"),
            ],
        );
        App {
            s,
            dir,
            library: tempfile::tempdir().unwrap(),
            _tmdb: tmdb,
            _indexer: indexer,
            torznab,
        }
    }

    /// Stops the binary and starts it again on the same data directory (and config file).
    pub async fn restart(self) -> App {
        let App {
            s,
            dir,
            library,
            _indexer,
            torznab,
            ..
        } = self;
        drop(s.stop());
        let mut app = Self::start_in(dir, torznab, _indexer).await;
        app.library = library;
        app
    }

    pub async fn send(&self, m: Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let mut r = client()
            .request(m, self.s.url(path))
            .header("X-Api-Key", self.s.api_key());
        if let Some(b) = body {
            r = r.json(&b);
        }
        let r = r.send().await.unwrap();
        let st = r.status().as_u16();
        (st, r.json().await.unwrap_or(Value::Null))
    }

    pub async fn get(&self, path: &str) -> Value {
        let (st, v) = self.send(Method::GET, path, None).await;
        assert_eq!(st, 200, "GET {path}: {v}");
        v
    }

    /// The id of a quality profile by name.
    pub async fn profile(&self, name: &str) -> Value {
        self.get("/api/v3/qualityprofile")
            .await
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == name)
            .unwrap_or_else(|| panic!("profile {name}"))
            .clone()
    }

    /// Adds The Matrix (runtime 136) with profile `profile_id`; returns its id.
    pub async fn add_movie(&self, profile_id: &Value) -> i64 {
        let root = self.library.path().join("movies");
        std::fs::create_dir_all(&root).unwrap();
        let (st, r) = self
            .send(
                Method::POST,
                "/api/v3/rootfolder",
                Some(json!({"path": root})),
            )
            .await;
        assert_eq!(st, 201, "{r}");
        let (st, movie) = self
            .send(
                Method::POST,
                "/api/v3/movie",
                Some(json!({"tmdbId": 603, "title": "The Matrix", "year": 1999,
                    "qualityProfileId": profile_id, "rootFolderPath": root, "monitored": true,
                    "minimumAvailability": "released"})),
            )
            .await;
        assert_eq!(st, 201, "{movie}");
        movie["id"].as_i64().unwrap()
    }
}

/// Asserts `v` has Radarr's shape for `schema` (extra fields refused) when the reference
/// document is present (it is in CI).
pub fn assert_radarr_shape(schema: &str, v: &Value) {
    match radarr_doc() {
        Some(doc) => {
            let problems = check(&doc, schema, v, false);
            assert!(problems.is_empty(), "{schema}: {problems:?}\n{v}");
        }
        None => {
            assert!(
                !require_real_services(),
                "../shared/reference/radarr-openapi.json is required in CI"
            );
            eprintln!("*** SKIPPED schema validation of {schema}: reference not found ***");
        }
    }
}
