//! The download service end to end against the testkit's fake qBittorrent WebUI: journal
//! first, breaker-aware sending, idempotency, dead-lettering, replay order and tracking.

use std::sync::Arc;
use std::time::{Duration, Instant};

use reelarr_testkit::qbit_fake::{self as fake, Fake};

use crate::breaker::{BreakerConfig, BreakerState, CircuitBreaker, SystemClock};
use crate::clients::http::shared_client;
use crate::clients::qbittorrent::{AddSource, QbitClient};
use crate::config::Secret;
use crate::journal::{Journal, OpState, FILE_NAME};
use crate::services::downloads::{DownloadSettings, DownloadState, Downloads, Grab, SubmitOutcome};

const PW: &str = "pw";

fn magnet(i: usize) -> (String, Grab) {
    let hash = format!("{i:040x}");
    let g = Grab::new(AddSource::Magnet(format!(
        "magnet:?xt=urn:btih:{hash}&dn=m{i}"
    )));
    (hash, g)
}

struct Rig {
    _dir: tempfile::TempDir,
    dl: Downloads,
    breaker: Arc<CircuitBreaker>,
    journal: Journal,
}

async fn rig(fake: &Fake, password: &str, threshold: u32, settings: DownloadSettings) -> Rig {
    let dir = tempfile::tempdir().unwrap();
    let journal = Journal::open(dir.path().join(FILE_NAME)).await.unwrap();
    let mut cfg = BreakerConfig::with_defaults(threshold, 1);
    cfg.call_timeout_ms = 2_000;
    let breaker = Arc::new(CircuitBreaker::new(
        "qbittorrent",
        cfg,
        Arc::new(SystemClock::new()),
    ));
    let client = QbitClient::new(
        shared_client(),
        fake.base_url(),
        "admin",
        Secret::new(password),
        Duration::from_secs(2),
    );
    let dl = Downloads::new(client, breaker.clone(), journal.clone(), settings);
    Rig {
        _dir: dir,
        dl,
        breaker,
        journal,
    }
}

fn fast() -> DownloadSettings {
    DownloadSettings {
        base_backoff: Duration::from_millis(20),
        max_backoff: Duration::from_millis(100),
        poll_interval: Duration::from_millis(50),
        max_attempts: 3,
        ..Default::default()
    }
}

async fn wait_for<F: std::future::Future<Output = bool>>(
    what: &str,
    limit: Duration,
    mut cond: impl FnMut() -> F,
) {
    let deadline = Instant::now() + limit;
    while !cond().await {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn sends_at_once_when_the_peer_is_up() {
    let fake = fake::start(PW).await;
    let r = rig(&fake, PW, 3, fast()).await;
    let (_, g) = magnet(1);
    let out = r.dl.submit(g).await.unwrap();
    let SubmitOutcome::Sent { id } = out else {
        panic!("{out:?}")
    };
    assert_eq!(
        r.journal.get(id).await.unwrap().unwrap().state,
        OpState::Done
    );
    assert_eq!(fake.seen("/torrents/add")[0].fields["category"], "reelarr");
    assert_eq!(
        fake.seen("/torrents/info").len(),
        1,
        "checked for presence first"
    );
}

#[tokio::test]
async fn open_breaker_queues_immediately_and_dedupes() {
    let fake = fake::start(PW).await;
    let r = rig(&fake, PW, 1, fast()).await;
    fake.state.lock().fail_status = Some(503);
    assert!(r.dl.poll().await.is_err());
    assert_eq!(r.breaker.state(), BreakerState::Open);
    let requests_before = fake.state.lock().seen.len();
    let (_, g) = magnet(1);
    let t = Instant::now();
    let out = r.dl.submit(g.clone()).await.unwrap();
    assert!(
        t.elapsed() < Duration::from_millis(500),
        "{:?}",
        t.elapsed()
    );
    let SubmitOutcome::Queued { id, reason } = out else {
        panic!("{out:?}")
    };
    assert!(reason.contains("open"), "{reason}");
    assert_eq!(
        r.dl.submit(g).await.unwrap(),
        SubmitOutcome::Duplicate { id }
    );
    assert_eq!(
        fake.state.lock().seen.len(),
        requests_before,
        "nothing sent"
    );
    assert_eq!(r.journal.depth().await.unwrap(), 1);
    let e = r.journal.get(id).await.unwrap().unwrap();
    assert_eq!((e.state, e.attempts), (OpState::Pending, 0));
}

#[tokio::test]
async fn already_present_is_done_without_adding() {
    let fake = fake::start(PW).await;
    let r = rig(&fake, PW, 3, fast()).await;
    let (hash, g) = magnet(2);
    fake.state
        .lock()
        .torrents
        .push(serde_json::json!({"hash": hash}));
    assert!(matches!(
        r.dl.submit(g).await.unwrap(),
        SubmitOutcome::Sent { .. }
    ));
    assert!(fake.seen("/torrents/add").is_empty());
}

#[tokio::test]
async fn fails_for_a_torrent_that_is_present_counts_as_success() {
    let fake = fake::start(PW).await;
    let r = rig(&fake, PW, 3, fast()).await;
    let (hash, g) = magnet(3);
    fake.state.lock().add_answer = (200, "Fails.");
    fake.state.lock().add_inserts = Some(hash);
    assert!(matches!(
        r.dl.submit(g).await.unwrap(),
        SubmitOutcome::Sent { .. }
    ));
    assert_eq!(
        fake.seen("/torrents/info").len(),
        2,
        "checked before and after"
    );
}

#[tokio::test]
async fn invalid_torrent_is_dead_lettered_at_once() {
    let fake = fake::start(PW).await;
    let r = rig(&fake, PW, 3, fast()).await;
    fake.state.lock().add_answer = (415, "Torrent file is not valid.");
    let grab = Grab::new(AddSource::TorrentFile {
        name: "bad.torrent".into(),
        bytes: b"d4:infod4:name1:xee".to_vec(),
    });
    let out = r.dl.submit(grab).await.unwrap();
    let SubmitOutcome::Rejected { id, reason } = out else {
        panic!("{out:?}")
    };
    assert!(reason.contains("415"), "{reason}");
    let stop = r.dl.spawn_replayer(std::future::pending());
    tokio::time::sleep(Duration::from_millis(300)).await;
    stop.abort();
    assert_eq!(fake.seen("/torrents/add").len(), 1, "never retried");
    let e = r.journal.get(id).await.unwrap().unwrap();
    assert_eq!((e.state, e.attempts), (OpState::Dead, 1));
    assert_eq!(r.breaker.state(), BreakerState::Closed);
}

#[tokio::test]
async fn dead_letters_after_max_attempts_with_back_off() {
    let fake = fake::start(PW).await;
    let r = rig(&fake, PW, 100, fast()).await;
    fake.state.lock().add_answer = (500, "boom");
    let (_, g) = magnet(4);
    let SubmitOutcome::Queued { id, .. } = r.dl.submit(g).await.unwrap() else {
        panic!()
    };
    let stop = r.dl.spawn_replayer(std::future::pending());
    let j = &r.journal;
    wait_for("dead letter", Duration::from_secs(5), || async {
        j.get(id).await.unwrap().unwrap().state == OpState::Dead
    })
    .await;
    stop.abort();
    let e = r.journal.get(id).await.unwrap().unwrap();
    assert_eq!(e.attempts, 3);
    let why = e.last_error.unwrap();
    assert!(
        why.contains("gave up after 3 attempts") && why.contains("500"),
        "{why}"
    );
    assert_eq!(fake.seen("/torrents/add").len(), 3);
    assert_eq!(r.journal.depth().await.unwrap(), 0);
}

#[tokio::test]
async fn outage_and_bad_credentials_do_not_use_up_attempts() {
    let fake = fake::start(PW).await;
    let r = rig(&fake, PW, 1, fast()).await;
    fake.state.lock().fail_status = Some(503);
    let (_, g) = magnet(5);
    let SubmitOutcome::Queued { id, .. } = r.dl.submit(g).await.unwrap() else {
        panic!()
    };
    assert_eq!(r.breaker.state(), BreakerState::Open);
    assert_eq!(r.journal.get(id).await.unwrap().unwrap().attempts, 0);

    let fake2 = fake::start(PW).await;
    let r2 = rig(&fake2, "wrong", 3, fast()).await;
    let (_, g) = magnet(6);
    let out = r2.dl.submit(g).await.unwrap();
    let SubmitOutcome::Queued { id, reason } = out else {
        panic!("{out:?}")
    };
    assert!(reason.contains("wrong username or password"), "{reason}");
    let e = r2.journal.get(id).await.unwrap().unwrap();
    assert_eq!((e.state, e.attempts), (OpState::Pending, 0));
    assert!(r2.breaker.snapshot().misconfigured);
}

#[tokio::test]
async fn replays_in_fifo_order_when_the_breaker_closes() {
    let fake = fake::start(PW).await;
    let r = rig(&fake, PW, 1, fast()).await;
    fake.state.lock().fail_status = Some(503);
    assert!(r.dl.poll().await.is_err());
    let mut hashes = Vec::new();
    for i in 10..16 {
        let (h, g) = magnet(i);
        hashes.push(h);
        assert!(matches!(
            r.dl.submit(g).await.unwrap(),
            SubmitOutcome::Queued { .. }
        ));
    }
    let stop = r.dl.spawn_replayer(std::future::pending());
    fake.state.lock().fail_status = None;
    let j = &r.journal;
    wait_for("queue drained", Duration::from_secs(4), || async {
        j.depth().await.unwrap() == 0
    })
    .await;
    stop.abort();
    let sent: Vec<String> = fake
        .seen("/torrents/add")
        .iter()
        .map(|s| s.fields["urls"][20..60].to_string())
        .collect();
    assert_eq!(sent, hashes, "replayed once each, in submission order");
}

#[tokio::test]
async fn poll_maps_our_torrents_with_their_movies() {
    let fake = fake::start(PW).await;
    let r = rig(&fake, PW, 3, fast()).await;
    let (hash, mut g) = magnet(7);
    g.movie_id = Some(42);
    r.dl.submit(g).await.unwrap();
    fake.state.lock().torrents = vec![
        serde_json::json!({"hash": hash, "name": "Movie", "category": "reelarr", "state": "stalledUP",
            "progress": 1.0, "size": 100, "amount_left": 0, "eta": 8640000,
            "save_path": "/d", "content_path": "/d/Movie"}),
        serde_json::json!({"hash": "b".repeat(40), "name": "Other", "category": "reelarr",
            "state": "downloading", "progress": 0.25, "size": 400, "amount_left": 300, "eta": 60}),
        serde_json::json!({"hash": "c".repeat(40), "category": "tv", "state": "uploading"}),
    ];
    let list = r.dl.poll().await.unwrap();
    assert_eq!(list.len(), 2, "only our category");
    let m = list.iter().find(|d| d.hash == hash).unwrap();
    assert_eq!(
        (m.state, m.movie_id, m.sizeleft, m.eta_seconds),
        (DownloadState::Completed, Some(42), 0, None)
    );
    let o = list.iter().find(|d| d.name == "Other").unwrap();
    assert_eq!(
        (o.state, o.sizeleft, o.eta_seconds),
        (DownloadState::Downloading, 300, Some(60))
    );
}
