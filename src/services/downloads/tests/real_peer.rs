//! The download service against the REAL qbittorrent-nox (Debian 4.5.2) started by the
//! testkit's harness: the happy path, seed scenario 2 with a killed and with a SIGSTOPped peer,
//! dead-lettering of an invalid torrent, the wrong-password lock-out and crash recovery without
//! duplicates.
//! Each test skips loudly when the binary is missing (fails with REELARR_REQUIRE_REAL_SERVICES=1).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use reelarr_testkit::qbittorrent::{available_or_skip, QbitPeer};

use crate::breaker::{BreakerConfig, BreakerState, CircuitBreaker, SystemClock};
use crate::clients::http::shared_client;
use crate::clients::qbittorrent::{torrent_info_hash, AddRequest, AddSource, QbitClient};
use crate::config::Secret;
use crate::journal::{Journal, OpState, FILE_NAME};
use crate::services::downloads::{DownloadSettings, Downloads, Grab, SubmitOutcome};

const CATEGORY: &str = "reelarr-test";

struct Rig {
    peer: QbitPeer,
    dir: tempfile::TempDir,
    client: QbitClient,
    breaker: Arc<CircuitBreaker>,
    journal: Journal,
    dl: Downloads,
}

async fn start_peer() -> QbitPeer {
    tokio::task::spawn_blocking(QbitPeer::start)
        .await
        .unwrap()
        .expect("qbittorrent-nox starts")
}

/// A peer plus the whole stack: client (timeout `timeout`), breaker (3 failures, `recovery`),
/// journal in a temp dir, download service.
async fn rig(timeout: Duration, recovery_s: u64, password: Option<&str>) -> Rig {
    let peer = start_peer().await;
    let dir = tempfile::tempdir().unwrap();
    let journal = Journal::open(dir.path().join(FILE_NAME)).await.unwrap();
    let mut cfg = BreakerConfig::with_defaults(3, recovery_s);
    cfg.call_timeout_ms = timeout.as_millis() as u64 + 500;
    cfg.slow_call_ms = 0;
    let breaker = Arc::new(CircuitBreaker::new(
        "qbittorrent",
        cfg,
        Arc::new(SystemClock::new()),
    ));
    let pw = password.unwrap_or(&peer.password);
    let client = QbitClient::new(
        shared_client(),
        peer.base_url(),
        &peer.username,
        Secret::new(pw),
        timeout,
    );
    let settings = DownloadSettings {
        category: CATEGORY.into(),
        base_backoff: Duration::from_millis(200),
        max_backoff: Duration::from_secs(1),
        poll_interval: Duration::from_millis(100),
        ..Default::default()
    };
    let dl = Downloads::new(client.clone(), breaker.clone(), journal.clone(), settings);
    Rig {
        peer,
        dir,
        client,
        breaker,
        journal,
        dl,
    }
}

fn magnet(tag: &str, i: usize) -> (String, Grab) {
    let hash = format!(
        "{:08x}{:032x}",
        tag.len() as u32 * 7919 + tag.as_bytes()[0] as u32,
        i + 1
    );
    let mut g = Grab::new(AddSource::Magnet(format!(
        "magnet:?xt=urn:btih:{hash}&dn={tag}-{i}"
    )));
    g.paused = true;
    g.tags = vec!["reelarr".into(), format!("{tag}-{i}")];
    (hash, g)
}

/// A minimal valid single-file .torrent (content need not exist; it is added paused).
fn torrent_file(name: &str) -> Vec<u8> {
    let mut t = b"d8:announce27:http://127.0.0.1:9/announce4:info".to_vec();
    t.extend_from_slice(
        format!(
            "d6:lengthi16384e4:name{}:{name}12:piece lengthi16384e6:pieces20:",
            name.len()
        )
        .as_bytes(),
    );
    t.extend_from_slice(b"ABCDEFGHIJKLMNOPQRSTee");
    t
}

/// Our category's torrents by hash, with how often each appears.
async fn present(client: &QbitClient) -> HashMap<String, usize> {
    let mut m = HashMap::new();
    for t in client
        .torrents(Some(CATEGORY), &[])
        .await
        .unwrap_or_default()
    {
        *m.entry(t.hash).or_insert(0) += 1;
    }
    m
}

/// Scenario 2 after the fault: 3 failures open the breaker, 20 grabs queue fast, the fault
/// is healed, and all 20 arrive exactly once within the recovery timeout plus a few seconds.
async fn scenario_2(r: &mut Rig, label: &str, heal: impl FnOnce(&mut QbitPeer)) -> Vec<Duration> {
    let mut failures = Vec::new();
    for i in 0..3 {
        let t = Instant::now();
        assert!(r.dl.poll().await.is_err(), "call {i} must fail");
        failures.push(t.elapsed());
    }
    eprintln!("[{label}] the 3 failing calls took {failures:?}");
    assert_eq!(
        r.breaker.state(),
        BreakerState::Open,
        "3 failures open the breaker"
    );
    let mut hashes = Vec::new();
    let mut latencies = Vec::new();
    for i in 0..20 {
        let (h, g) = magnet(label, i);
        let t = Instant::now();
        let out = r.dl.submit(g).await.unwrap();
        latencies.push(t.elapsed());
        assert!(matches!(out, SubmitOutcome::Queued { .. }), "{out:?}");
        hashes.push(h);
    }
    let max = latencies.iter().max().unwrap();
    let mean = latencies.iter().sum::<Duration>() / latencies.len() as u32;
    eprintln!("[{label}] 20 queued submits: mean {mean:?}, max {max:?}, all {latencies:?}");
    assert!(
        *max < Duration::from_secs(1),
        "every submit answers in < 1 s"
    );
    assert_eq!(r.journal.depth().await.unwrap(), 20, "the journal holds 20");

    tokio::task::block_in_place(|| heal(&mut r.peer));
    let healed = Instant::now();
    let limit = Duration::from_secs(r.breaker.config().recovery_timeout_seconds + 6);
    loop {
        let depth = r.journal.depth().await.unwrap();
        let seen = present(&r.client).await;
        if depth == 0 && hashes.iter().all(|h| seen.contains_key(h)) {
            assert!(hashes.iter().all(|h| seen[h] == 1), "exactly once");
            break;
        }
        assert!(
            healed.elapsed() < limit,
            "[{label}] not drained after {limit:?}: depth {depth}, present {}",
            seen.len()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    eprintln!(
        "[{label}] queue drained {:?} after healing",
        healed.elapsed()
    );
    assert!(
        r.journal.list().await.unwrap().is_empty(),
        "nothing pending, nothing dead"
    );
    assert_eq!(r.breaker.state(), BreakerState::Closed);
    failures
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn real_happy_path_magnet_and_torrent_file() {
    if !available_or_skip("real_happy_path_magnet_and_torrent_file") {
        return;
    }
    let r = rig(Duration::from_secs(10), 2, None).await;
    assert_eq!(r.client.version().await.unwrap(), "v4.5.2");
    let (mhash, mut g) = magnet("happy", 0);
    g.save_path = Some(r.peer.download_dir().display().to_string());
    assert!(matches!(
        r.dl.submit(g).await.unwrap(),
        SubmitOutcome::Sent { .. }
    ));
    let bytes = torrent_file("reelarr-demo.bin");
    let fhash = torrent_info_hash(&bytes).unwrap();
    let mut g = Grab::new(AddSource::TorrentFile {
        name: "demo.torrent".into(),
        bytes,
    });
    g.paused = true;
    g.tags = vec!["reelarr".into(), "file".into()];
    assert!(matches!(
        r.dl.submit(g.clone()).await.unwrap(),
        SubmitOutcome::Sent { .. }
    ));
    // A second grab of the same file is idempotent: found present, not added again.
    assert!(matches!(
        r.dl.submit(g).await.unwrap(),
        SubmitOutcome::Sent { .. }
    ));

    // qBittorrent lists an add a moment after answering "Ok." (libtorrent adds asynchronously);
    // the second grab no longer asks it, so give the listing that moment.
    let t = Instant::now();
    let list = loop {
        let list = r.client.torrents(Some(CATEGORY), &[]).await.unwrap();
        if list.len() >= 2 || t.elapsed() > Duration::from_secs(10) {
            break list;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(list.len(), 2, "{list:?}");
    let m = list
        .iter()
        .find(|t| t.hash == mhash)
        .expect("magnet present");
    assert_eq!(m.category, CATEGORY);
    assert!(
        m.tags.contains(&"happy-0".to_string()) && m.tags.contains(&"reelarr".to_string()),
        "{:?}",
        m.tags
    );
    let f = list
        .iter()
        .find(|t| t.hash == fhash)
        .expect("qBittorrent's hash of our file equals ours");
    assert_eq!((f.name.as_str(), f.size), ("reelarr-demo.bin", 16384));
    assert!(f.tags.contains(&"file".to_string()));
    let polled = r.dl.poll().await.unwrap();
    assert_eq!(polled.len(), 2);

    r.client
        .delete(std::slice::from_ref(&mhash), false)
        .await
        .unwrap();
    assert!(r.client.torrents(None, &[mhash]).await.unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn real_scenario_2_killed_peer() {
    if !available_or_skip("real_scenario_2_killed_peer") {
        return;
    }
    let mut r = rig(Duration::from_secs(10), 2, None).await;
    let _replayer = r.dl.spawn_replayer(std::future::pending());
    r.dl.poll().await.unwrap();
    r.peer.kill();
    let failures = scenario_2(&mut r, "kill", |p| p.restart().expect("restart")).await;
    assert!(
        failures.iter().all(|d| *d < Duration::from_secs(1)),
        "a killed peer refuses at once: {failures:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn real_scenario_2_sigstopped_peer() {
    if !available_or_skip("real_scenario_2_sigstopped_peer") {
        return;
    }
    let timeout = Duration::from_millis(800);
    let mut r = rig(timeout, 2, None).await;
    let _replayer = r.dl.spawn_replayer(std::future::pending());
    r.dl.poll().await.unwrap();
    r.peer.stop_signal().unwrap();
    let failures = scenario_2(&mut r, "stop", |p| p.cont_signal().expect("SIGCONT")).await;
    for took in failures {
        assert!(
            took >= timeout && took < timeout * 3,
            "a hang times out at the configured timeout: {took:?}"
        );
    }
    let reason = r.breaker.snapshot().last_failure_reason.unwrap_or_default();
    assert!(
        reason.contains("timeout") || reason.contains("timed out"),
        "{reason}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn real_invalid_torrent_is_dead_lettered_at_once() {
    if !available_or_skip("real_invalid_torrent_is_dead_lettered_at_once") {
        return;
    }
    let r = rig(Duration::from_secs(10), 2, None).await;
    let g = Grab::new(AddSource::TorrentFile {
        name: "bad.torrent".into(),
        bytes: b"d4:infod4:name1:xee".to_vec(),
    });
    let out = r.dl.submit(g).await.unwrap();
    let SubmitOutcome::Rejected { id, reason } = out else {
        panic!("{out:?}")
    };
    eprintln!("invalid torrent: {reason}");
    assert!(reason.contains("415"), "{reason}");
    let e = r.journal.get(id).await.unwrap().unwrap();
    assert_eq!((e.state, e.attempts), (OpState::Dead, 1));
    assert_eq!(r.journal.depth().await.unwrap(), 0, "not retried");
    assert_eq!(r.breaker.state(), BreakerState::Closed);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn real_wrong_password_is_misconfigured_without_a_login_storm() {
    if !available_or_skip("real_wrong_password_is_misconfigured_without_a_login_storm") {
        return;
    }
    let r = rig(Duration::from_secs(10), 2, Some("not-the-password")).await;
    for i in 0..10 {
        let (_, g) = magnet("wrongpw", i);
        let out = r.dl.submit(g).await.unwrap();
        assert!(matches!(out, SubmitOutcome::Queued { .. }), "{out:?}");
        assert!(r.dl.poll().await.is_err());
    }
    assert!(
        r.client.login_attempts() <= 2,
        "{} login attempts",
        r.client.login_attempts()
    );
    let snap = r.breaker.snapshot();
    assert!(snap.misconfigured, "{snap:?}");
    let why = snap.misconfigured_reason.unwrap_or_default();
    assert!(why.contains("wrong username or password"), "{why}");
    assert_eq!(
        snap.state,
        BreakerState::Closed,
        "credentials do not trip the breaker"
    );
    assert_eq!(
        r.journal.depth().await.unwrap(),
        10,
        "kept for when the password is fixed"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn real_crash_recovery_replays_each_once() {
    if !available_or_skip("real_crash_recovery_replays_each_once") {
        return;
    }
    let r = rig(Duration::from_secs(10), 2, None).await;
    let path = r.dir.path().join(FILE_NAME);
    let mut hashes = Vec::new();
    for i in 0..20 {
        let (h, g) = magnet("crash", i);
        // Journal only (as if reelarr died right after the durable write) ...
        let op = crate::journal::NewOperation {
            kind: crate::journal::OpKind::Add,
            info_hash: h.clone(),
            payload: crate::journal::AddPayload {
                source: crate::journal::PayloadSource::Magnet {
                    uri: match &g.source {
                        AddSource::Magnet(m) => m.clone(),
                        _ => unreachable!(),
                    },
                },
                category: Some(CATEGORY.into()),
                tags: g.tags.clone(),
                save_path: None,
                paused: true,
                movie_id: Some(i as i64),
                title: None,
            },
            torrent: None,
        };
        let id = r.journal.enqueue(op).await.unwrap().entry.id;
        // ... and for a quarter, qBittorrent accepted the add but the journal never heard.
        if i % 4 == 0 {
            r.journal.mark_in_flight(id).await.unwrap();
            let g2 = g.clone();
            let req = AddRequest {
                source: g2.source,
                category: Some(CATEGORY.into()),
                tags: g2.tags,
                save_path: None,
                paused: true,
            };
            r.client.add(&req).await.unwrap();
        }
        hashes.push(h);
    }
    let Rig {
        peer,
        dir: _dir,
        client,
        ..
    } = r;
    // "Restart": a fresh journal handle, breaker and service on the same file.
    let journal = Journal::open(&path).await.unwrap();
    assert_eq!(journal.recovered_at_open(), 5);
    let breaker = Arc::new(CircuitBreaker::new(
        "qbittorrent",
        BreakerConfig::with_defaults(3, 2),
        Arc::new(SystemClock::new()),
    ));
    let settings = DownloadSettings {
        category: CATEGORY.into(),
        ..Default::default()
    };
    let dl = Downloads::new(client.clone(), breaker, journal.clone(), settings);
    let _replayer = dl.spawn_replayer(std::future::pending());
    let t = Instant::now();
    while journal.depth().await.unwrap() > 0 {
        assert!(
            t.elapsed() < Duration::from_secs(10),
            "replay did not finish"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    eprintln!("crash recovery: 20 replayed in {:?}", t.elapsed());
    let seen = present(&client).await;
    assert!(
        hashes.iter().all(|h| seen.get(h) == Some(&1)),
        "each exactly once: {seen:?}"
    );
    let polled = dl.poll().await.unwrap();
    assert!(
        polled.iter().all(|d| d.movie_id.is_some()),
        "mapped back to movies"
    );
    drop(peer);
}

/// Benchmarks for the README: durable enqueue rate (journal only, `synchronous=FULL`) and
/// replay rate against the real qbittorrent-nox.
/// Run: `cargo test bench_ -- --ignored --nocapture`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark"]
async fn bench_enqueue_and_replay_rates() {
    if !available_or_skip("bench_enqueue_and_replay_rates") {
        return;
    }
    let r = rig(Duration::from_secs(10), 2, None).await;
    r.breaker.force_open();
    const N: usize = 300;
    let t = Instant::now();
    for i in 0..N {
        let (_, g) = magnet("bench", i);
        assert!(matches!(
            r.dl.submit(g).await.unwrap(),
            SubmitOutcome::Queued { .. }
        ));
    }
    let enq = t.elapsed();
    eprintln!(
        "durable submit (journal write, breaker open): {N} in {enq:?} = {:.0} ops/s",
        N as f64 / enq.as_secs_f64()
    );
    r.breaker.reset();
    let _replayer = r.dl.spawn_replayer(std::future::pending());
    let t = Instant::now();
    while r.journal.depth().await.unwrap() > 0 {
        assert!(t.elapsed() < Duration::from_secs(60));
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let rep = t.elapsed();
    eprintln!(
        "replay against qbittorrent-nox: {N} in {rep:?} = {:.0} ops/s",
        N as f64 / rep.as_secs_f64()
    );
    assert_eq!(present(&r.client).await.len(), N);
}

/// Polls through `tracker` until `done` holds for the journal entry `id` (at most `polls`).
async fn poll_until(
    tracker: &crate::services::tracking::Tracker,
    dl: &Downloads,
    journal: &Journal,
    id: i64,
    polls: usize,
    done: impl Fn(&crate::journal::JournalEntry) -> bool,
) -> crate::journal::JournalEntry {
    for _ in 0..polls {
        tracker.poll_once(dl).await;
        let e = journal.get(id).await.unwrap().unwrap();
        if done(&e) {
            return e;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("#{id}: {:?}", journal.get(id).await.unwrap());
}

/// The journal id of a grab that was sent, or queued because a slow start made the call fail
/// (the replayer sends it then).
fn sent_or_queued(out: SubmitOutcome) -> i64 {
    match out {
        SubmitOutcome::Sent { id } | SubmitOutcome::Queued { id, .. } => id,
        other => panic!("{other:?}"),
    }
}

/// Waits until qBittorrent lists `hash` in our category (or stops listing it).
async fn wait_listed(client: &QbitClient, hash: &str, listed: bool) {
    let t = Instant::now();
    while present(client).await.contains_key(hash) != listed {
        assert!(
            t.elapsed() < Duration::from_secs(15),
            "{hash} listed != {listed}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn real_reconcile_resends_only_grabs_never_seen() {
    if !available_or_skip("real_reconcile_resends_only_grabs_never_seen") {
        return;
    }
    let r = rig(Duration::from_secs(10), 2, None).await;
    let settings = DownloadSettings {
        category: CATEGORY.into(),
        base_backoff: Duration::from_millis(200),
        max_backoff: Duration::from_secs(1),
        poll_interval: Duration::from_millis(100),
        reconcile_grace: Duration::ZERO,
        max_resends: 1,
        ..Default::default()
    };
    let dl = Downloads::new(
        r.client.clone(),
        r.breaker.clone(),
        r.journal.clone(),
        settings,
    );
    let replayer = dl.spawn_replayer(std::future::pending());
    let tracker = crate::services::tracking::Tracker::default();

    // Seen by a poll, then removed by the user in qBittorrent: it stays removed.
    let (seen_hash, g) = magnet("seen", 0);
    let seen_id = sent_or_queued(dl.submit(g).await.unwrap());
    wait_listed(&r.client, &seen_hash, true).await;
    let e = poll_until(&tracker, &dl, &r.journal, seen_id, 10, |e| !e.awaiting).await;
    assert!(e.seen_at.is_some());
    r.client
        .delete(std::slice::from_ref(&seen_hash), true)
        .await
        .unwrap();
    wait_listed(&r.client, &seen_hash, false).await;

    // Accepted, then gone before any poll saw it (as when qBittorrent is killed before it saves
    // its resume data): re-sent through the journal, once.
    let (lost_hash, g) = magnet("lost", 0);
    let lost_id = sent_or_queued(dl.submit(g).await.unwrap());
    wait_listed(&r.client, &lost_hash, true).await;
    r.client
        .delete(std::slice::from_ref(&lost_hash), true)
        .await
        .unwrap();
    wait_listed(&r.client, &lost_hash, false).await;
    let e = poll_until(&tracker, &dl, &r.journal, lost_id, 10, |e| e.resends == 1).await;
    assert!(e.last_error.unwrap().contains("forgot"));
    wait_listed(&r.client, &lost_hash, true).await;
    assert_eq!(present(&r.client).await[&lost_hash], 1, "exactly once");
    assert_eq!(dl.resent_total(), 1);
    let e = r.journal.get(seen_id).await.unwrap().unwrap();
    assert_eq!(
        (e.state, e.resends),
        (OpState::Done, 0),
        "removed by the user"
    );
    assert!(!present(&r.client).await.contains_key(&seen_hash));

    // Lost again after its one allowed re-send: dead-lettered with the reason.
    let t = Instant::now();
    while r.journal.get(lost_id).await.unwrap().unwrap().state != OpState::Done {
        assert!(t.elapsed() < Duration::from_secs(10));
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    r.client
        .delete(std::slice::from_ref(&lost_hash), true)
        .await
        .unwrap();
    wait_listed(&r.client, &lost_hash, false).await;
    let e = poll_until(&tracker, &dl, &r.journal, lost_id, 10, |e| {
        e.state == OpState::Dead
    })
    .await;
    assert!(e.last_error.unwrap().contains("not re-sent again"));
    assert_eq!(dl.resent_total(), 1);
    assert_eq!(r.journal.resent_total().await.unwrap(), 1);
    replayer.abort();
}
