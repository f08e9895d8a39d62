//! Chaos soak (issue 12): the real binary and Debian's real qbittorrent-nox, a fake TMDB that
//! refuses, hangs, fails and slows down at random, clients adding movies and grabbing in parallel,
//! random kill -9 / SIGSTOP of qBittorrent, kill -9 of reelarr, and a data disk (a 64 MiB
//! tmpfs, when root may mount one) filled to its last byte for a few seconds. At the end:
//! every accepted grab is in qBittorrent or dead-lettered with a reason, no 5xx except the
//! documented 503s and 507s (a full disk), no
//! panic, both SQLite files pass `integrity_check`, RSS stayed bounded. Prints a table.
//!
//! The test command runs a short soak (`CHAOS_SECONDS`, default 40). A long one:
//! `CHAOS_SECONDS=1800 cargo test --release --test chaos -- --nocapture`.

use rand::{Rng, SeedableRng};
use reelarr_testkit::app::{api_key_of, client, command, write_config};
use reelarr_testkit::http_fake::{Fake, Reply};
use reelarr_testkit::qbittorrent::{self, QbitPeer};
use reelarr_testkit::tmpfs::{fill, Tmpfs};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::process::{Child, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const MOVIE: &str = include_str!("../fixtures/tmdb.movie.603.json");
const CONFIGURATION: &str = include_str!("../fixtures/tmdb.configuration.json");

fn magnet(i: u64) -> (String, String) {
    let hash = format!("{:040x}", 0xc4a0_0000_u64 + i);
    (format!("magnet:?xt=urn:btih:{hash}&dn=chaos-{i}"), hash)
}

/// What the soak saw and did.
#[derive(Default)]
struct Tally {
    requests: AtomicU64,
    grabs_accepted: AtomicU64,
    movies_added: AtomicU64,
    answered_503: AtomicU64,
    answered_507: AtomicU64,
    connection_lost: AtomicU64,
    reelarr_kills: AtomicU64,
    qbit_kills: AtomicU64,
    qbit_stops: AtomicU64,
    disk_fills: AtomicU64,
    /// Any 5xx other than 503 and a full disk's 507, with what caused it.
    bad: Mutex<Vec<String>>,
    /// Info-hashes of grabs reelarr accepted (201/202/200).
    accepted: Mutex<BTreeSet<String>>,
}

/// reelarr on a fixed port (so clients keep their URL across restarts), log to a file.
struct Reelarr {
    child: Child,
}

impl Reelarr {
    fn start(
        dir: &std::path::Path,
        logs: &std::path::Path,
        port: u16,
        envs: &[(&str, String)],
        run: u32,
    ) -> Reelarr {
        let log = logs.join(format!("reelarr-{run}.log"));
        let envs: Vec<(&str, &str)> = envs.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let child = command(dir, &envs)
            .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .unwrap();
        Reelarr { child }
    }

    fn kill9(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    fn rss_mb(&self) -> u64 {
        std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .ok()
            .and_then(|s| {
                s.lines()
                    .find(|l| l.starts_with("VmRSS:"))
                    .and_then(|l| l.split_whitespace().nth(1))
                    .and_then(|kb| kb.parse::<u64>().ok())
            })
            .unwrap_or(0)
            / 1024
    }
}

impl Drop for Reelarr {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn wait_up(base: &str) -> bool {
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if let Ok(r) = client().get(format!("{base}/health")).send().await {
            if r.status().as_u16() < 500 || r.status() == 503 {
                return true;
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    false
}

/// One client request; classifies the answer into the tally.
async fn call(t: &Tally, req: reqwest::RequestBuilder, what: &str) -> Option<(u16, Value)> {
    t.requests.fetch_add(1, Ordering::Relaxed);
    match req.send().await {
        Err(_) => {
            t.connection_lost.fetch_add(1, Ordering::Relaxed);
            None
        }
        Ok(r) => {
            let status = r.status().as_u16();
            let v: Value = r.json().await.unwrap_or(Value::Null);
            if status == 503 {
                t.answered_503.fetch_add(1, Ordering::Relaxed);
            } else if status == 507 && v["error"] == "insufficient_storage" {
                t.answered_507.fetch_add(1, Ordering::Relaxed);
            } else if status >= 500 {
                t.bad.lock().unwrap().push(format!("{what}: {status} {v}"));
            }
            Some((status, v))
        }
    }
}

/// A client doing what Overseerr and a user would: add movies, grab, look at the queue.
async fn client_loop(id: u64, base: String, key: String, t: Arc<Tally>, stop: Arc<AtomicBool>) {
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap();
    let mut rng = rand::rngs::StdRng::seed_from_u64(id);
    let mut n = 0u64;
    while !stop.load(Ordering::Relaxed) {
        n += 1;
        match rng.gen_range(0..10) {
            0..=4 => {
                let i = id * 1_000_000 + n;
                let (magnet, hash) = magnet(i);
                let req = http
                    .post(format!("{base}/api/v1/downloads"))
                    .header("X-Api-Key", &key)
                    .json(&json!({"magnet": magnet, "title": format!("Chaos {i} 2001 1080p BluRay x264-GRP")}));
                if let Some((status, _)) = call(&t, req, "grab").await {
                    if (200..=202).contains(&status) {
                        t.grabs_accepted.fetch_add(1, Ordering::Relaxed);
                        t.accepted.lock().unwrap().insert(hash);
                    }
                }
            }
            5..=6 => {
                let tmdb = rng.gen_range(1..400);
                let req = http
                    .post(format!("{base}/api/v3/movie"))
                    .header("X-Api-Key", &key)
                    .json(
                        &json!({"tmdbId": tmdb, "title": format!("Chaos {tmdb}"), "year": 2001,
                        "qualityProfileId": 1, "rootFolderPath": "/srv/chaos", "monitored": true}),
                    );
                if let Some((201, _)) = call(&t, req, "add movie").await {
                    t.movies_added.fetch_add(1, Ordering::Relaxed);
                }
            }
            7 => {
                let req = http
                    .get(format!("{base}/api/v3/movie"))
                    .header("X-Api-Key", &key);
                call(&t, req, "list movies").await;
            }
            8 => {
                let req = http
                    .get(format!("{base}/api/v3/queue"))
                    .header("X-Api-Key", &key);
                call(&t, req, "queue").await;
            }
            _ => {
                let req = http
                    .get(format!(
                        "{base}/api/v3/movie/lookup?term=tmdb:{}",
                        rng.gen_range(1..50)
                    ))
                    .header("X-Api-Key", &key);
                call(&t, req, "lookup").await;
            }
        }
        tokio::time::sleep(Duration::from_millis(rng.gen_range(5..60))).await;
    }
}

/// A TMDB that answers right most of the time and otherwise fails in every way a real one does.
fn chaotic_tmdb() -> Fake {
    let n = Arc::new(AtomicU64::new(0));
    Fake::start(move |seen| {
        let k = n
            .fetch_add(1, Ordering::Relaxed)
            .wrapping_mul(2_654_435_761)
            % 20;
        Ok(match k {
            0 => Reply::status_json(500, "{}"),
            1 => Reply::too_many(1),
            2 => Reply::Hang,
            3 => Reply::After(Duration::from_millis(1500), Box::new(Reply::json(MOVIE))),
            _ if seen.path.ends_with("/configuration") => Reply::json(CONFIGURATION),
            _ => Reply::json(MOVIE),
        })
    })
}

fn integrity(path: &std::path::Path) -> String {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.query_row("PRAGMA integrity_check", [], |r| r.get::<_, String>(0))
        .unwrap_or_else(|e| e.to_string())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn chaos_soak_keeps_every_grab_and_never_fails_badly() {
    if !qbittorrent::available_or_skip("chaos_soak") {
        return;
    }
    let seconds: u64 = std::env::var("CHAOS_SECONDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(40);
    let mut peer = QbitPeer::start().unwrap();
    let tmdb = chaotic_tmdb();
    // The data directory on a small tmpfs that a fault fills; logs elsewhere, so a panic's
    // message is never lost to the full disk.
    let disk = Tmpfs::mount("chaos_soak", "64M");
    let logs = tempfile::tempdir().unwrap();
    let plain = tempfile::tempdir().unwrap();
    let dir = match &disk {
        Some(fs) => fs.path().join("data"),
        None => plain.path().to_path_buf(),
    };
    std::fs::create_dir_all(&dir).unwrap();
    write_config(
        &dir,
        "[circuit_breakers.qbittorrent]\nfailure_threshold = 3\nrecovery_timeout_seconds = 2\n\
         [circuit_breakers.tmdb]\nfailure_threshold = 3\nrecovery_timeout_seconds = 2\n\
         [tmdb]\ntimeout_seconds = 2\n[qbittorrent]\ntimeout_seconds = 5\n",
    );
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let base = format!("http://127.0.0.1:{port}");
    let envs = vec![
        ("QBITTORRENT_URL", peer.base_url()),
        ("QBITTORRENT_USERNAME", qbittorrent::USERNAME.to_string()),
        ("QBITTORRENT_PASSWORD", qbittorrent::PASSWORD.to_string()),
        ("TMDB_API_KEY", "chaos-key".to_string()),
        ("TMDB_API_URL", format!("{}/3", tmdb.url(""))),
        ("HEALTH_CHECK_INTERVAL_SECONDS", "1".to_string()),
    ];
    let mut run = 0;
    let mut reelarr = Reelarr::start(&dir, logs.path(), port, &envs, run);
    assert!(wait_up(&base).await, "reelarr did not start");
    let key = api_key_of(&dir);
    let tally = Arc::new(Tally::default());
    let stop = Arc::new(AtomicBool::new(false));
    let clients: Vec<_> = (1..=4)
        .map(|id| {
            tokio::spawn(client_loop(
                id,
                base.clone(),
                key.clone(),
                tally.clone(),
                stop.clone(),
            ))
        })
        .collect();

    let mut rng = rand::rngs::StdRng::seed_from_u64(42);
    let mut max_rss = 0;
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(seconds) {
        tokio::time::sleep(Duration::from_millis(rng.gen_range(1500..4000))).await;
        max_rss = max_rss.max(reelarr.rss_mb());
        let kinds = if disk.is_some() { 4 } else { 3 };
        match rng.gen_range(0..kinds) {
            0 => {
                reelarr.kill9();
                tally.reelarr_kills.fetch_add(1, Ordering::Relaxed);
                run += 1;
                reelarr = Reelarr::start(&dir, logs.path(), port, &envs, run);
                assert!(
                    wait_up(&base).await,
                    "reelarr did not come back after kill -9"
                );
            }
            1 => {
                peer.kill();
                tally.qbit_kills.fetch_add(1, Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(rng.gen_range(200..2000))).await;
                peer.restart().unwrap();
            }
            3 => {
                let fs = disk.as_ref().expect("only with a tmpfs");
                let filler = fill(fs.path());
                tally.disk_fills.fetch_add(1, Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(rng.gen_range(1000..3000))).await;
                std::fs::remove_file(filler).unwrap();
            }
            _ => {
                let _ = peer.stop_signal();
                tally.qbit_stops.fetch_add(1, Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(rng.gen_range(500..3000))).await;
                let _ = peer.cont_signal();
            }
        }
    }
    stop.store(true, Ordering::Relaxed);
    for c in clients {
        let _ = c.await;
    }

    // Calm: everything up; the journal drains and reconciliation has its chance.
    let settle = Instant::now();
    let accepted = tally.accepted.lock().unwrap().clone();
    let (mut present, mut dead) = (BTreeSet::new(), BTreeMap::new());
    while settle.elapsed() < Duration::from_secs(90) {
        present = peer
            .torrents("reelarr")
            .await
            .iter()
            .filter_map(|t| t["hash"].as_str().map(str::to_string))
            .collect();
        if let Ok(r) = client()
            .get(format!("{base}/api/v1/retry-queue"))
            .header("X-Api-Key", &key)
            .send()
            .await
        {
            let q: Value = r.json().await.unwrap_or(Value::Null);
            dead = q["operations"]
                .as_array()
                .map(|ops| {
                    ops.iter()
                        .filter(|o| o["state"] == "dead")
                        .filter_map(|o| {
                            Some((
                                o["infoHash"].as_str()?.to_string(),
                                o["lastError"].to_string(),
                            ))
                        })
                        .collect()
                })
                .unwrap_or_default();
        }
        if accepted
            .iter()
            .all(|h| present.contains(h) || dead.contains_key(h))
        {
            break;
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    max_rss = max_rss.max(reelarr.rss_mb());
    reelarr.kill9();
    let missing: Vec<&String> = accepted
        .iter()
        .filter(|h| !present.contains(*h) && !dead.contains_key(*h))
        .collect();
    let dead_without_reason = dead.values().filter(|r| r.len() <= 2).count();
    let panics: Vec<String> = (0..=run)
        .filter_map(|r| std::fs::read_to_string(logs.path().join(format!("reelarr-{r}.log"))).ok())
        .filter(|l| l.contains("panicked"))
        .collect();
    let db = integrity(&dir.join("reelarr.db"));
    let journal = integrity(&dir.join("qbittorrent-journal.db"));
    let bad = tally.bad.lock().unwrap().clone();

    let g = |a: &AtomicU64| a.load(Ordering::Relaxed);
    eprintln!("\nchaos soak, {seconds} s");
    eprintln!("| operations | count |\n|---|---|");
    eprintln!("| requests | {} |", g(&tally.requests));
    eprintln!("| grabs accepted | {} |", g(&tally.grabs_accepted));
    eprintln!("| movies added | {} |", g(&tally.movies_added));
    eprintln!("| answered 503 (documented) | {} |", g(&tally.answered_503));
    eprintln!(
        "| answered 507 (disk full, documented) | {} |",
        g(&tally.answered_507)
    );
    eprintln!(
        "| lost to a kill -9 of reelarr | {} |",
        g(&tally.connection_lost)
    );
    eprintln!("| faults injected | count |\n|---|---|");
    eprintln!("| kill -9 reelarr | {} |", g(&tally.reelarr_kills));
    eprintln!("| kill -9 qBittorrent | {} |", g(&tally.qbit_kills));
    eprintln!("| SIGSTOP qBittorrent | {} |", g(&tally.qbit_stops));
    match &disk {
        Some(_) => eprintln!(
            "| data disk filled to the last byte | {} |",
            g(&tally.disk_fills)
        ),
        None => eprintln!("| data disk filled | skipped: no tmpfs (not root) |"),
    }
    eprintln!("| TMDB 500/429/hang/slow | 1 in 5 calls |");
    eprintln!("| invariant | held |\n|---|---|");
    eprintln!("| accepted grabs in qBittorrent or dead-lettered with a reason | {} ({} in qBittorrent, {} dead, {} missing) |",
        missing.is_empty() && dead_without_reason == 0, present.intersection(&accepted).count(), dead.len(), missing.len());
    eprintln!("| no 5xx except 503 and 507 | {} |", bad.is_empty());
    eprintln!("| no panic | {} |", panics.is_empty());
    eprintln!("| integrity_check reelarr.db / journal | {db} / {journal} |");
    eprintln!("| max RSS | {max_rss} MB |");

    assert!(bad.is_empty(), "5xx answers: {bad:#?}");
    assert!(
        panics.is_empty(),
        "reelarr panicked:\n{}",
        panics.join("\n---\n")
    );
    assert_eq!(db, "ok");
    assert_eq!(journal, "ok");
    assert!(max_rss < 300, "RSS grew to {max_rss} MB");
    assert_eq!(
        dead_without_reason, 0,
        "dead-lettered without a reason: {dead:?}"
    );
    assert!(
        missing.is_empty(),
        "{} accepted grabs are neither in qBittorrent nor dead-lettered: {missing:?}\n{}",
        missing.len(),
        peer.log_tail()
    );
}
