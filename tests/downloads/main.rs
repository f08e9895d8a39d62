//! Issue 5 acceptance through the real binary and Debian's real qbittorrent-nox: seed scenario 2
//! (peer killed, grabs queued, replayed on recovery), kill -9 of reelarr with pending grabs, and a
//! wrong password shown as misconfigured. Issue 12: grabs qBittorrent forgot after a SIGKILL are
//! re-sent (reconciliation), and 20 identical concurrent grabs make one operation and one add.

use reelarr_testkit::app::*;
use reelarr_testkit::qbittorrent::{self, QbitPeer};
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::time::{Duration, Instant};

mod failover;

fn hash(i: usize) -> String {
    format!("{:040x}", 0xbeef_0000 + i)
}

fn magnet(i: usize) -> String {
    format!("magnet:?xt=urn:btih:{}&dn=reelarr-test-{i}", hash(i))
}

/// Hashes of the torrents in the peer's `reelarr` category.
async fn present(peer: &QbitPeer) -> Vec<String> {
    peer.torrents("reelarr")
        .await
        .iter()
        .map(|t| t["hash"].as_str().unwrap().to_string())
        .collect()
}

fn start_reelarr(dir: &std::path::Path, peer: &QbitPeer, password: &str) -> Server {
    start_reelarr_with(dir, peer, password, &[])
}

fn start_reelarr_with(
    dir: &std::path::Path,
    peer: &QbitPeer,
    password: &str,
    extra: &[(&str, &str)],
) -> Server {
    if !dir.join("config.toml").exists() {
        write_config(
            dir,
            "[circuit_breakers.qbittorrent]\nfailure_threshold = 3\nrecovery_timeout_seconds = 3\ncall_timeout_ms = 10000\nslow_call_ms = 0\n[qbittorrent]\ntimeout_seconds = 10\n",
        );
    }
    let url = peer.base_url();
    let mut envs = vec![
        ("QBITTORRENT_URL", url.as_str()),
        ("QBITTORRENT_USERNAME", qbittorrent::USERNAME),
        ("QBITTORRENT_PASSWORD", password),
        ("HEALTH_CHECK_INTERVAL_SECONDS", "1"),
    ];
    envs.extend_from_slice(extra);
    Server::start(dir, &envs)
}

async fn grab(s: &Server, i: usize) -> (u16, Value, Duration) {
    let t = Instant::now();
    let r = client()
        .post(s.url("/api/v1/downloads"))
        .header("X-Api-Key", s.api_key())
        .json(
            &json!({"magnet": magnet(i), "title": format!("Test {i} 1999 1080p BluRay x264-GRP")}),
        )
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    let v: Value = r.json().await.unwrap();
    (status, v, t.elapsed())
}

async fn wait_breaker(s: &Server, want: &str, within: Duration) {
    let ok = eventually(within, || async move {
        (get_json(s, "/api/v1/circuit-breakers/qbittorrent").await["state"] == want).then_some(())
    })
    .await;
    assert!(ok.is_some(), "qbittorrent breaker never became {want}");
}

async fn pending(s: &Server) -> u64 {
    get_json(s, "/api/v1/retry-queue").await["pending"]
        .as_u64()
        .unwrap()
}

#[tokio::test]
async fn seed_scenario_2_peer_killed_then_back() {
    if !qbittorrent::available_or_skip("seed_scenario_2_peer_killed_then_back") {
        return;
    }
    let mut peer = QbitPeer::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let s = start_reelarr(dir.path(), &peer, qbittorrent::PASSWORD);
    let (st, v, _) = grab(&s, 0).await;
    assert_eq!(st, 201, "{v}");
    assert_eq!(v["status"], "sent");
    assert_eq!(present(&peer).await, vec![hash(0)]);

    // SIGKILL: qBittorrent may lose torrents it had not saved yet (its own resume data), so the
    // check below is about the 20 grabs made while it was down.
    peer.kill();
    // The prober's calls fail: 3 failures open the breaker.
    wait_breaker(&s, "open", Duration::from_secs(20)).await;
    let mut latencies = Vec::new();
    for i in 1..=20 {
        let (st, v, took) = grab(&s, i).await;
        assert_eq!(st, 202, "grab {i}: {v}");
        assert_eq!(v["status"], "queued");
        assert!(
            took < Duration::from_secs(1),
            "grab {i} waited {took:?} on a dead peer"
        );
        latencies.push(took);
    }
    latencies.sort();
    eprintln!(
        "queued grabs with qBittorrent down: median {:?}, max {:?}",
        latencies[10], latencies[19]
    );
    assert_eq!(pending(&s).await, 20);
    let q = get_json(&s, "/api/v1/retry-queue").await;
    assert_eq!(q["operations"].as_array().unwrap().len(), 20);
    let h = get_json(&s, "/health/detailed").await;
    assert_eq!(h["retry_queue_depth"], 20);
    // Radarr's queue shows the waiting grabs as queued, with a message.
    let q = get_json(&s, "/api/v3/queue?pageSize=50").await;
    let waiting: Vec<&Value> = q["records"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["status"] == "queued")
        .collect();
    assert_eq!(waiting.len(), 20, "{q}");
    assert!(waiting[0]["errorMessage"]
        .as_str()
        .unwrap()
        .contains("waiting for qBittorrent"));
    assert_eq!(
        get_json(&s, "/api/v3/queue").await["records"]
            .as_array()
            .unwrap()
            .len(),
        10,
        "default pageSize 10"
    );
    let st = get_json(&s, "/api/v3/queue/status").await;
    assert!(st["totalCount"].as_u64().unwrap() >= 20);
    assert_eq!(st["warnings"], true);
    if let Some(doc) = reelarr_testkit::openapi::radarr_doc() {
        let problems =
            reelarr_testkit::openapi::check(&doc, "QueueResourcePagingResource", &q, false);
        assert!(problems.is_empty(), "{problems:#?}");
    }

    peer.restart().unwrap();
    let t = Instant::now();
    let drained = eventually(Duration::from_secs(20), || {
        let s = &s;
        async move { (pending(s).await == 0).then_some(()) }
    })
    .await;
    assert!(drained.is_some(), "queue never drained");
    eprintln!(
        "queue drained {:?} after qBittorrent came back",
        t.elapsed()
    );
    let got = present(&peer).await;
    let unique: BTreeSet<String> = got.iter().cloned().collect();
    assert_eq!(got.len(), unique.len(), "a torrent was added twice");
    for i in 1..=20 {
        assert!(
            unique.contains(&hash(i)),
            "grab {i} missing after the replay: {got:?}"
        );
    }
    wait_breaker(&s, "closed", Duration::from_secs(5)).await;
    // Tracked: the torrents now show as downloads of the qBittorrent client.
    let tracked = eventually(Duration::from_secs(15), || {
        let s = &s;
        async move {
            let q = get_json(s, "/api/v3/queue/details").await;
            let n = q
                .as_array()
                .unwrap()
                .iter()
                .filter(|r| {
                    r["downloadClient"] == "qBittorrent"
                        && r["status"] != "queued"
                        && r["trackedDownloadStatus"] == "ok"
                })
                .count();
            (n >= 20).then_some(q)
        }
    })
    .await
    .expect("tracked downloads in the queue");
    let one = tracked
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["downloadId"] == hash(1).to_uppercase())
        .unwrap();
    assert_eq!(one["protocol"], "torrent");
    s.stop();
}

#[tokio::test]
async fn kill_9_with_pending_grabs_replays_each_once() {
    if !qbittorrent::available_or_skip("kill_9_with_pending_grabs_replays_each_once") {
        return;
    }
    let mut peer = QbitPeer::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let s = start_reelarr(dir.path(), &peer, qbittorrent::PASSWORD);
    peer.kill();
    wait_breaker(&s, "open", Duration::from_secs(20)).await;
    for i in 100..120 {
        let (st, v, _) = grab(&s, i).await;
        assert_eq!(st, 202, "{v}");
    }
    assert_eq!(pending(&s).await, 20);
    s.signal("KILL");
    let (status, _) = s.stop_after_signal();
    assert!(!status.success());

    peer.restart().unwrap();
    let s = start_reelarr(dir.path(), &peer, qbittorrent::PASSWORD);
    let drained = eventually(Duration::from_secs(20), || {
        let s = &s;
        async move { (pending(s).await == 0).then_some(()) }
    })
    .await;
    assert!(drained.is_some(), "queue never drained after the restart");
    let got = present(&peer).await;
    let unique: BTreeSet<String> = got.iter().cloned().collect();
    assert_eq!(got.len(), unique.len(), "a torrent was added twice");
    assert_eq!(unique, (100..120).map(hash).collect::<BTreeSet<_>>());
    // The same grab again is recognised, not sent twice.
    let (st, v, _) = grab(&s, 100).await;
    assert!(st == 201 || st == 200, "{st} {v}");
    assert_eq!(present(&peer).await.len(), 20);
    s.stop();
}

#[tokio::test]
async fn wrong_password_shows_misconfigured() {
    if !qbittorrent::available_or_skip("wrong_password_shows_misconfigured") {
        return;
    }
    let peer = QbitPeer::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let s = start_reelarr(dir.path(), &peer, "definitely-wrong");
    let h = eventually(Duration::from_secs(15), || {
        let s = &s;
        async move {
            let h = get_json(s, "/health/detailed").await;
            (h["services"]["qbittorrent"]["status"] == "misconfigured").then_some(h)
        }
    })
    .await
    .expect("qbittorrent never shown as misconfigured");
    let q = &h["services"]["qbittorrent"];
    assert_eq!(
        q["circuit_breaker"], "closed",
        "a wrong password does not trip the breaker"
    );
    assert!(q["message"].as_str().unwrap_or("").len() > 5, "{q}");
    assert!(!h.to_string().contains("definitely-wrong"));
    let (_, log) = s.stop();
    assert!(!log.contains("definitely-wrong"), "password in the log");
}

#[tokio::test]
async fn kill_9_in_the_middle_of_grabs_loses_and_duplicates_nothing() {
    if !qbittorrent::available_or_skip("kill_9_in_the_middle_of_grabs_loses_and_duplicates_nothing")
    {
        return;
    }
    let peer = QbitPeer::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let s = start_reelarr(dir.path(), &peer, qbittorrent::PASSWORD);
    let (url, key) = (s.url("/api/v1/downloads"), s.api_key());
    // 20 grabs in flight at once; reelarr is killed while qBittorrent is accepting them, so some
    // die between qBittorrent's "Ok." and the journal's "done".
    let first_done = std::sync::Arc::new(tokio::sync::Notify::new());
    let tasks: Vec<_> = (200..220)
        .map(|i| {
            let (url, key, first_done) = (url.clone(), key.clone(), first_done.clone());
            tokio::spawn(async move {
                tokio::time::sleep(Duration::from_millis((i as u64 - 200) * 2)).await;
                let r = client()
                    .post(url)
                    .header("X-Api-Key", key)
                    .json(&json!({"magnet": magnet(i)}))
                    .send()
                    .await;
                let status = r.map(|r| r.status().as_u16()).unwrap_or(0);
                if status == 201 {
                    first_done.notify_one();
                }
                (i, status)
            })
        })
        .collect();
    // Kill the moment the first grab is confirmed: the others are in flight.
    tokio::time::timeout(Duration::from_secs(10), first_done.notified())
        .await
        .expect("no grab was ever confirmed");
    s.signal("KILL");
    let mut acknowledged = Vec::new();
    for t in tasks {
        let (i, status) = t.await.unwrap();
        if status == 201 || status == 202 {
            acknowledged.push(i);
        }
    }
    let _ = s.stop_after_signal();
    eprintln!(
        "{} of 20 grabs were acknowledged before the kill",
        acknowledged.len()
    );

    let s = start_reelarr(dir.path(), &peer, qbittorrent::PASSWORD);
    let drained = eventually(Duration::from_secs(20), || {
        let s = &s;
        async move { (pending(s).await == 0).then_some(()) }
    })
    .await;
    assert!(
        drained.is_some(),
        "operations left pending after the restart"
    );
    let q = get_json(&s, "/api/v1/retry-queue").await;
    assert_eq!(q["deadLettered"], 0, "{q}");
    let got = present(&peer).await;
    let unique: BTreeSet<String> = got.iter().cloned().collect();
    assert_eq!(got.len(), unique.len(), "a torrent was added twice");
    eprintln!(
        "after the restart qBittorrent holds {} torrents, once each",
        got.len()
    );
    for i in acknowledged {
        assert!(unique.contains(&hash(i)), "acknowledged grab {i} was lost");
    }
    s.stop();
}

/// A movie in a fresh library (no TMDB: title and year only), for history to point at.
async fn add_movie(s: &Server, root: &std::path::Path) -> i64 {
    let c = client();
    let key = s.api_key();
    let r = c
        .post(s.url("/api/v3/rootfolder"))
        .header("X-Api-Key", &key)
        .json(&json!({"path": root}))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{}", r.text().await.unwrap());
    let profile = get_json(s, "/api/v3/qualityprofile").await[0]["id"].clone();
    let r = c
        .post(s.url("/api/v3/movie"))
        .header("X-Api-Key", &key)
        .json(&json!({
            "tmdbId": 4242, "title": "Lost Grab", "year": 1999, "qualityProfileId": profile,
            "rootFolderPath": root, "monitored": false,
            "addOptions": {"searchForMovie": false}
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    r.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn grabs_qbittorrent_forgot_after_sigkill_are_resent_once() {
    if !qbittorrent::available_or_skip("grabs_qbittorrent_forgot_after_sigkill_are_resent_once") {
        return;
    }
    let mut peer = QbitPeer::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let root = tempfile::tempdir().unwrap();
    let s = start_reelarr_with(
        dir.path(),
        &peer,
        qbittorrent::PASSWORD,
        &[("DETAILED_HEALTH_CACHE_SECONDS", "1")],
    );
    let movie = add_movie(&s, root.path()).await;
    let grabs: Vec<usize> = (400..410).collect();
    for &i in &grabs {
        let mut body = json!({"magnet": magnet(i), "title": format!("Lost Grab {i} 1999 1080p BluRay x264-GRP")});
        if i == 400 {
            body["movieId"] = json!(movie);
        }
        let r = client()
            .post(s.url("/api/v1/downloads"))
            .header("X-Api-Key", s.api_key())
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    }
    // SIGKILL right after the acknowledgements: qBittorrent forgets what it had not saved yet.
    peer.kill();
    // Make the loss certain whatever this run's timing: grab 400's resume data goes too, as if
    // qBittorrent had not written it yet.
    let backup = peer.profile_dir().join("qBittorrent/data/BT_backup");
    for ext in ["fastresume", "torrent"] {
        let _ = std::fs::remove_file(backup.join(format!("{}.{ext}", hash(400))));
    }
    peer.restart().unwrap();
    let kept = present(&peer).await;
    eprintln!(
        "qBittorrent kept {} of {} acknowledged grabs over the SIGKILL",
        kept.len(),
        grabs.len()
    );
    assert!(!kept.contains(&hash(400)), "its resume data was removed");

    let want: BTreeSet<String> = grabs.iter().map(|&i| hash(i)).collect();
    let all_back = eventually(Duration::from_secs(60), || {
        let (peer, want) = (&peer, &want);
        async move {
            let got: BTreeSet<String> = present(peer).await.into_iter().collect();
            (&got == want).then_some(())
        }
    })
    .await;
    assert!(
        all_back.is_some(),
        "forgotten grabs never re-sent: {:?}\n{}",
        present(&peer).await,
        s.log()
    );
    let got = present(&peer).await;
    assert_eq!(got.len(), want.len(), "each exactly once: {got:?}");
    assert_eq!(pending(&s).await, 0);
    assert_eq!(get_json(&s, "/api/v1/retry-queue").await["deadLettered"], 0);

    // Recorded: health, metrics, history and the log.
    let lost = want.len() - kept.len();
    let h = eventually(Duration::from_secs(5), || {
        let s = &s;
        async move {
            let h = get_json(s, "/health/detailed").await;
            (h["retry_queue_resent"].as_u64().unwrap() >= lost as u64).then_some(h)
        }
    })
    .await;
    assert!(h.is_some(), "{}", get_json(&s, "/health/detailed").await);
    let metrics = get_text(&s, "/metrics").await;
    let resent: u64 = metrics
        .lines()
        .find_map(|l| l.strip_prefix("reelarr_grabs_resent_total "))
        .expect("the counter is exported")
        .parse()
        .unwrap();
    assert!(resent >= lost as u64, "{resent} < {lost}");
    let history = get_json(&s, &format!("/api/v3/history/movie?movieId={movie}")).await;
    let event = history
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["data"]["reelarrEventType"] == "grabResent")
        .unwrap_or_else(|| panic!("no grabResent event: {history}"));
    assert_eq!(event["downloadId"], hash(400).to_uppercase());
    let (_, log) = s.stop();
    assert!(
        log.lines()
            .any(|l| l.contains("WARN") && l.contains("re-sending") && l.contains("Lost Grab 400")),
        "no WARN naming the torrent:\n{log}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_identical_concurrent_grabs_are_one_operation_and_one_add() {
    let fake = reelarr_testkit::qbit_fake::start("fake-pw").await;
    let dir = tempfile::tempdir().unwrap();
    let s = Server::start(
        dir.path(),
        &[
            ("QBITTORRENT_URL", &fake.base_url()),
            ("QBITTORRENT_USERNAME", "admin"),
            ("QBITTORRENT_PASSWORD", "fake-pw"),
        ],
    );
    let (url, key) = (s.url("/api/v1/downloads"), s.api_key());
    // Spread over ~300 ms so some arrive while the first is being sent and some after it was
    // sent (the fake, like qBittorrent right after an add, does not list the torrent yet).
    let tasks: Vec<_> = (0..20u64)
        .map(|i| {
            let (url, key) = (url.clone(), key.clone());
            tokio::spawn(async move {
                tokio::time::sleep(Duration::from_millis(i * 15)).await;
                let r = client()
                    .post(url)
                    .header("X-Api-Key", key)
                    .json(&json!({"magnet": magnet(500)}))
                    .send()
                    .await
                    .unwrap();
                let status = r.status().as_u16();
                (status, r.json::<Value>().await.unwrap())
            })
        })
        .collect();
    let mut answers = Vec::new();
    for t in tasks {
        answers.push(t.await.unwrap());
    }
    let ids: BTreeSet<i64> = answers
        .iter()
        .map(|(_, v)| v["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids.len(), 1, "one operation: {answers:?}");
    // 201 "sent" once it was sent (also for the later ones: qBittorrent has it), 200
    // "duplicate" while the first was still on its way.
    assert!(
        answers
            .iter()
            .all(|(st, v)| (*st == 201 && v["status"] == "sent")
                || (*st == 200 && v["status"] == "duplicate")),
        "{answers:?}"
    );
    assert_eq!(
        fake.seen("/torrents/add").len(),
        1,
        "one add sent to qBittorrent"
    );
    s.stop();
    let c = rusqlite::Connection::open(dir.path().join("qbittorrent-journal.db")).unwrap();
    let rows: i64 = c
        .query_row("SELECT COUNT(*) FROM operations", [], |r| r.get(0))
        .unwrap();
    assert_eq!(rows, 1, "one journal row");
}
