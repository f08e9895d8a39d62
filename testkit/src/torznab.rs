//! A fake Torznab indexer (Prowlarr/Jackett) on 127.0.0.1:0: `t=caps` answers the caps fixture,
//! every search answers the same releases, and `/dl/<guid>.torrent` serves each release's
//! .torrent. The pipeline, cleanup and browser tests share it, so the feed's shape is written once.

use std::collections::HashMap;
use std::sync::Arc;
use warp::Filter;

/// The API key the tests configure for the indexer; it is in every download link, so a test can
/// check it never leaks into reelarr's answers.
pub const API_KEY: &str = "tz-key";

const CAPS: &str = include_str!("../../tests/fixtures/torznab.caps.xml");

/// One release of the feed (a movie release with an IMDb id of The Matrix by default).
#[derive(Clone, Debug)]
pub struct Release {
    pub title: String,
    /// Unique per release; also the download's file name.
    pub guid: String,
    pub size: u64,
    pub seeders: u32,
    /// Lowercase hex info-hash.
    pub hash: String,
    /// The .torrent served at the download link; None answers 404 there.
    pub torrent: Option<Vec<u8>>,
}

impl Release {
    /// A release without a downloadable .torrent.
    pub fn new(title: &str, guid: &str, size: u64, seeders: u32, hash: &str) -> Release {
        Release {
            title: title.into(),
            guid: guid.into(),
            size,
            seeders,
            hash: hash.into(),
            torrent: None,
        }
    }

    /// The same release with `bytes` served as its .torrent.
    pub fn with_torrent(mut self, bytes: Vec<u8>) -> Release {
        self.torrent = Some(bytes);
        self
    }
}

fn item(r: &Release, base: &str) -> String {
    let (title, guid, size, seeders, hash) = (&r.title, &r.guid, r.size, r.seeders, &r.hash);
    let link = format!("{base}/dl/{guid}.torrent?apikey={API_KEY}");
    format!(
        r#"<item><title>{title}</title><guid>{guid}</guid><pubDate>Sat, 04 Apr 2015 20:30:46 +0000</pubDate>
<size>{size}</size><link>{link}</link><enclosure url="{link}" length="{size}" type="application/x-bittorrent" />
<torznab:attr name="category" value="2040" /><torznab:attr name="imdb" value="0133093" />
<torznab:attr name="seeders" value="{seeders}" /><torznab:attr name="peers" value="{seeders}" />
<torznab:attr name="infohash" value="{hash}" /></item>"#
    )
}

/// Starts the indexer on a runtime task and returns its base URL (configure it as the indexer's
/// `url`, with `api_key = API_KEY`).
pub async fn start(releases: Vec<Release>) -> String {
    // Bound before the routes are built: the feed's links need the port.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let items: String = releases.iter().map(|r| item(r, &base)).collect();
    let rss = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:torznab="http://torznab.com/schemas/2015/feed"><channel><title>fake</title>{items}</channel></rss>"#
    );
    let rss: &'static str = Box::leak(rss.into_boxed_str());
    let torrents: Arc<HashMap<String, Vec<u8>>> = Arc::new(
        releases
            .into_iter()
            .filter_map(|r| Some((format!("{}.torrent", r.guid), r.torrent?)))
            .collect(),
    );
    let api = warp::path("api")
        .and(warp::query::<HashMap<String, String>>())
        .map(move |q: HashMap<String, String>| {
            let body = if q.get("t").map(String::as_str) == Some("caps") {
                CAPS
            } else {
                rss
            };
            warp::reply::with_header(body, "content-type", "application/xml")
        });
    let dl = warp::path!("dl" / String).and_then(move |file: String| {
        let torrents = torrents.clone();
        async move {
            match torrents.get(&file) {
                Some(bytes) => Ok(warp::reply::with_header(
                    bytes.clone(),
                    "content-type",
                    "application/x-bittorrent",
                )),
                None => Err(warp::reject::not_found()),
            }
        }
    });
    let incoming = futures_util::stream::unfold(listener, |l| async move {
        let conn = l.accept().await.map(|(stream, _)| stream);
        Some((conn, l))
    });
    tokio::spawn(warp::serve(api.or(dl)).run_incoming(incoming));
    base
}
