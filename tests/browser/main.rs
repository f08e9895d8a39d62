//! Issue 15 acceptance in real headless Chromium: the real binary with a fake TMDB, a fake
//! Torznab indexer serving a real .torrent and the real qbittorrent-nox, driven by the Node
//! scripts in `tests/browser/js/` (playwright-core pinned in `tests/browser/package-lock.json`,
//! installed by `npm ci --prefix tests/browser`) against Debian's `/usr/bin/chromium`. Each
//! script fails on any console error or failed request of the pages it visits, and saves
//! screenshots at 1280×800 and 390×844 into `<target>/ui-screenshots/`.
//!
//! Without chromium, node or the npm packages the test says SKIPPED loudly, unless
//! `REELARR_REQUIRE_REAL_SERVICES=1` (CI) makes that a failure.

#[path = "../pipeline/torrent.rs"]
mod torrent;

use reelarr_testkit::app::*;
use reelarr_testkit::qbittorrent::{self, QbitPeer};
use reelarr_testkit::routes::Routes;
use reelarr_testkit::torznab::{self, Release};
use serde_json::json;
use std::path::{Path, PathBuf};
use std::time::Duration;
use warp::Filter;

const SEARCH: &str = include_str!("../fixtures/tmdb.search.json");
const MOVIE: &str = include_str!("../fixtures/tmdb.movie.603.json");
const CONFIGURATION: &str = include_str!("../fixtures/tmdb.configuration.json");
const GOOD: &str = "The.Matrix.1999.1080p.BluRay.x264-GRP";
const NEW_PASSWORD: &str = "a-better-password-15";
/// What the fake image host answers for every poster (a 200×300 PNG).
const POSTER: &[u8] = include_bytes!("../fixtures/poster.png");

fn browser_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser")
}

/// `<target>/ui-screenshots`: the test's temporary directory is `<target>/tmp`.
fn screenshot_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("target dir")
        .join("ui-screenshots")
}

/// What the scripts need on the machine.
struct Tools {
    node: PathBuf,
    chromium: PathBuf,
}

/// Node, Chromium (`REELARR_CHROMIUM` or Debian's `/usr/bin/chromium`) and the npm packages; a
/// loud skip when one is missing, a failure under `REELARR_REQUIRE_REAL_SERVICES=1`.
fn tools_or_skip() -> Option<Tools> {
    let chromium = std::env::var_os("REELARR_CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    let node = find_tool("node", &[]);
    let modules = browser_dir().join("node_modules/playwright-core/package.json");
    let mut missing = Vec::new();
    if !chromium.is_file() {
        missing.push(format!("{} (apt-get install chromium)", chromium.display()));
    }
    if node.is_none() {
        missing.push("node (apt-get install nodejs npm)".to_string());
    }
    if !modules.is_file() {
        missing.push("playwright-core (npm ci --prefix tests/browser)".to_string());
    }
    if missing.is_empty() {
        return Some(Tools {
            node: node.expect("checked"),
            chromium,
        });
    }
    let what = missing.join(", ");
    if require_real_services() {
        panic!("browser tests need {what} (REELARR_REQUIRE_REAL_SERVICES=1)");
    }
    use std::io::Write;
    let _ = writeln!(
        std::io::stderr(),
        "\n*** SKIPPED: browser tests need {what}; set REELARR_REQUIRE_REAL_SERVICES=1 to make this a failure ***\n"
    );
    None
}

/// Runs one flow script against the server; panics with its output (and the server's log
/// tail) when it fails.
async fn flow(tools: &Tools, s: &Server, script: &str, env: &[(&str, &str)]) {
    let started = std::time::Instant::now();
    let mut cmd = tokio::process::Command::new(&tools.node);
    cmd.arg(browser_dir().join("js").join(script))
        .current_dir(browser_dir())
        .env("REELARR_URL", &s.base)
        .env("CHROMIUM", &tools.chromium)
        .env("SCREENSHOTS", screenshot_dir())
        .env("NEW_PASSWORD", NEW_PASSWORD)
        .kill_on_drop(true);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = tokio::time::timeout(Duration::from_secs(120), cmd.output())
        .await
        .unwrap_or_else(|_| panic!("{script} did not finish within 120 s"))
        .expect("node runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    if !out.status.success() {
        let log = s.log();
        let tail: Vec<&str> = log.lines().rev().take(40).collect();
        panic!(
            "{script} failed ({:?}):\n{text}\n--- reelarr log (last lines) ---\n{}",
            out.status,
            tail.into_iter().rev().collect::<Vec<_>>().join("\n")
        );
    }
    eprintln!("{} ({:.1} s)", text.trim(), started.elapsed().as_secs_f64());
}

/// The world of the flows: the real qBittorrent, a Torznab fake whose one acceptable release
/// is a real .torrent, the TMDB fake, and reelarr pointed at all three with a root folder.
struct World {
    peer: QbitPeer,
    tmdb: Routes,
    s: Server,
    _dirs: (tempfile::TempDir, tempfile::TempDir, tempfile::TempDir),
}

async fn world() -> World {
    let peer = QbitPeer::start().expect("qbittorrent-nox starts");
    let payload = tempfile::tempdir().unwrap();
    let (tor, hash) = torrent::make(
        payload.path(),
        GOOD,
        &[(
            "the.matrix.1999.1080p.bluray.x264-grp.mkv",
            torrent::payload(50_000, 1),
        )],
    );
    let tz = torznab::start(vec![
        Release::new(
            "The.Matrix.1999.CAM.x264-BAD",
            "cam",
            1_500_000_000,
            50,
            &"c".repeat(40),
        ),
        Release::new(GOOD, "good", 8_000_000_000, 12, &hash).with_torrent(tor),
    ])
    .await;
    let tmdb = Routes::start(vec![
        ("/3/search/movie", SEARCH),
        ("/3/movie/", MOVIE),
        ("/3/configuration", CONFIGURATION),
    ])
    .await;
    // TMDB's image host, for the poster proxy.
    let images = warp::path!("t" / "p" / String / String)
        .map(|_: String, _: String| warp::reply::with_header(POSTER, "content-type", "image/png"));
    let (images, server) = warp::serve(images).bind_ephemeral(([127, 0, 0, 1], 0));
    tokio::spawn(server);
    let dir = tempfile::tempdir().unwrap();
    write_config(
        dir.path(),
        &format!(
            // A one-second lookup cache, so the search during the outage asks TMDB (and gets the
            // stale answer) instead of being served fresh from the cache.
            "[tmdb]\ncache_ttl_seconds = 1\n[[indexers.torznab]]\nname = \"prowlarr\"\nurl = \"{tz}\"\napi_key = \"{}\"\n",
            torznab::API_KEY
        ),
    );
    let s = Server::start(
        dir.path(),
        &[
            ("TMDB_API_KEY", "test-key"),
            ("TMDB_API_URL", &format!("{}/3", tmdb.url())),
            ("TMDB_IMAGE_URL", &format!("http://{images}/t/p")),
            ("QBITTORRENT_URL", &peer.base_url()),
            ("QBITTORRENT_USERNAME", qbittorrent::USERNAME),
            ("QBITTORRENT_PASSWORD", qbittorrent::PASSWORD),
        ],
    );
    let library = tempfile::tempdir().unwrap();
    let r = client()
        .post(s.url("/api/v3/rootfolder"))
        .header("X-Api-Key", s.api_key())
        .json(&json!({"path": library.path()}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    World {
        peer,
        tmdb,
        s,
        _dirs: (dir, payload, library),
    }
}

/// The generated first password, from the file the server wrote.
fn generated_password(s: &Server) -> String {
    std::fs::read_to_string(s.data_dir.join("initial-admin-password"))
        .expect("the first start wrote the password")
        .trim()
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_ui_in_real_chromium() {
    let Some(tools) = tools_or_skip() else { return };
    if !qbittorrent::available_or_skip("the_ui_in_real_chromium") {
        return;
    }
    let w = world().await;
    let s = &w.s;
    let _ = std::fs::remove_dir_all(screenshot_dir());

    // Log in with the generated password and change it.
    let password = generated_password(s);
    flow(&tools, s, "login.mjs", &[("PASSWORD", &password)]).await;
    let r = client()
        .post(s.url("/login"))
        .header("Origin", &s.base)
        .json(&json!({"username": "admin", "password": password}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401, "the generated password no longer works");

    // Add a movie from the fake TMDB.
    flow(&tools, s, "add.mjs", &[]).await;

    // Interactive search against the fake Torznab indexer, grab into the real qbittorrent-nox.
    flow(&tools, s, "grab.mjs", &[("RELEASE", GOOD)]).await;
    let in_qbit = eventually(Duration::from_secs(20), || async {
        let list = w.peer.torrents("reelarr").await;
        list.iter()
            .any(|t| t["name"].as_str() == Some(GOOD))
            .then_some(())
    })
    .await;
    assert!(
        in_qbit.is_some(),
        "the grab reached qBittorrent in our category"
    );

    // See it in Activity (and History, Blocklist, Wanted).
    flow(&tools, s, "activity.mjs", &[("RELEASE", GOOD)]).await;

    // The breaker dashboard: force open and see the badge change without reload; save a
    // threshold and find it in the API.
    flow(&tools, s, "system.mjs", &[]).await;
    let tmdb = get_json(s, "/api/v1/circuit-breakers/tmdb").await;
    assert_eq!(tmdb["config"]["failure_threshold"], 7, "{tmdb}");
    assert_eq!(tmdb["state"], "closed", "{tmdb}");

    // TMDB goes down: Add movie shows the cached results, marked as such.
    w.tmdb.set_status(503);
    flow(&tools, s, "outage.mjs", &[]).await;
}
