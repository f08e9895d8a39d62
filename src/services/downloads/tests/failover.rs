//! Failover endpoints (issue 17) against two fake qBittorrent WebUIs: the endpoint choice,
//! return to the first once it admits again, removal on the endpoint that has the torrent, and
//! the no-double-send rule for an add whose outcome is unknown.

use std::sync::Arc;
use std::time::{Duration, Instant};

use reelarr_testkit::qbit_fake::{self as fake, Fake};

use crate::breaker::{BreakerConfig, CircuitBreaker, SystemClock};
use crate::clients::http::shared_client;
use crate::clients::qbittorrent::{AddSource, QbitClient};
use crate::config::Secret;
use crate::journal::{Journal, OpState, FILE_NAME};
use crate::services::downloads::{
    ClientChoice, DownloadSettings, Downloads, Endpoint, Grab, SubmitOutcome,
};

const PW: &str = "pw";

fn magnet(i: usize) -> (String, Grab) {
    let hash = format!("{:040x}", 0xf00 + i);
    let g = Grab::new(AddSource::Magnet(format!(
        "magnet:?xt=urn:btih:{hash}&dn=f{i}"
    )));
    (hash, g)
}

fn endpoint(fake: &Fake, id: i64, index: usize, threshold: u32) -> Endpoint {
    let name = format!("client{id}");
    let mut cfg = BreakerConfig::with_defaults(threshold, 1);
    cfg.call_timeout_ms = 1_000;
    cfg.slow_call_ms = 0;
    Endpoint {
        id,
        breaker: Arc::new(CircuitBreaker::new(
            Endpoint::breaker_name(index, &name),
            cfg,
            Arc::new(SystemClock::new()),
        )),
        name,
        choice: Arc::new(ClientChoice {
            client: QbitClient::new(
                shared_client(),
                fake.base_url(),
                "admin",
                Secret::new(PW),
                Duration::from_secs(5),
            ),
            category: format!("cat{id}"),
            configured: true,
            start_paused: false,
        }),
    }
}

struct Rig {
    _dir: tempfile::TempDir,
    dl: Downloads,
    journal: Journal,
    one: Endpoint,
    two: Endpoint,
}

async fn rig(a: &Fake, b: &Fake, threshold: u32) -> Rig {
    let dir = tempfile::tempdir().unwrap();
    let journal = Journal::open(dir.path().join(FILE_NAME)).await.unwrap();
    let (one, two) = (endpoint(a, 1, 0, threshold), endpoint(b, 2, 1, threshold));
    let settings = DownloadSettings {
        base_backoff: Duration::from_millis(20),
        max_backoff: Duration::from_millis(100),
        poll_interval: Duration::from_millis(50),
        ..Default::default()
    };
    let dl = Downloads::new(
        one.choice.client.clone(),
        one.breaker.clone(),
        journal.clone(),
        settings,
    );
    dl.set_endpoints(vec![one.clone(), two.clone()]);
    Rig {
        _dir: dir,
        dl,
        journal,
        one,
        two,
    }
}

async fn sent_to(r: &Rig, out: SubmitOutcome) -> Option<i64> {
    let SubmitOutcome::Sent { id } = out else {
        panic!("{out:?}")
    };
    let e = r.journal.get(id).await.unwrap().unwrap();
    assert_eq!(e.state, OpState::Done);
    e.endpoint
}

/// The first endpoint down: grabs go to the second (its category), none to the first; back
/// up, new grabs go to the first again; removal asks the endpoint that has the torrent.
#[tokio::test]
async fn grabs_fail_over_in_priority_order_and_return() {
    let (a, b) = (fake::start(PW).await, fake::start(PW).await);
    let r = rig(&a, &b, 1).await;
    a.state.lock().fail_status = Some(503);

    let (h1, g1) = magnet(1);
    let out = r.dl.submit(g1).await.unwrap();
    assert_eq!(sent_to(&r, out).await, Some(2));
    assert!(r.one.breaker.state().is_open());
    let (_, g2) = magnet(2);
    let out = r.dl.submit(g2).await.unwrap();
    assert_eq!(
        sent_to(&r, out).await,
        Some(2),
        "open first endpoint passed over"
    );
    assert!(
        a.seen("/torrents/add").is_empty(),
        "nothing added to the first"
    );
    let adds = b.seen("/torrents/add");
    assert_eq!(adds.len(), 2);
    assert_eq!(
        adds[0].fields["category"], "cat2",
        "the second's own category"
    );

    // The first is back and its breaker closed: new grabs return to it.
    a.state.lock().fail_status = None;
    r.one.breaker.reset();
    let (_, g3) = magnet(3);
    let out = r.dl.submit(g3).await.unwrap();
    assert_eq!(sent_to(&r, out).await, Some(1));
    assert_eq!(a.seen("/torrents/add").len(), 1);
    assert_eq!(b.seen("/torrents/add").len(), 2, "none sent twice");

    // Removal of a grab the second took goes to the second.
    r.dl.remove(std::slice::from_ref(&h1), true).await.unwrap();
    let deletes = b.seen("/torrents/delete");
    assert_eq!(deletes.len(), 1);
    assert_eq!(deletes[0].fields["hashes"], h1);
    assert!(a.seen("/torrents/delete").is_empty());

    // Polls ask both, each for its own category.
    b.state
        .lock()
        .torrents
        .push(serde_json::json!({"hash": magnet(2).0, "name": "x", "category": "cat2"}));
    let polls = r.dl.poll_each().await;
    assert_eq!(polls.len(), 2);
    let listed: Vec<_> = polls[1]
        .result
        .as_ref()
        .unwrap()
        .iter()
        .map(|s| s.hash.clone())
        .collect();
    assert_eq!(listed, [magnet(2).0]);
    let _ = &r.two;
}

/// An add that timed out on the first endpoint may have arrived there: the grab stays pinned
/// to it (held, not sent to the second, while other grabs fail over) and is settled on it.
#[tokio::test]
async fn a_send_of_unknown_outcome_never_goes_to_a_second_endpoint() {
    let (a, b) = (fake::start(PW).await, fake::start(PW).await);
    let r = rig(&a, &b, 5).await;
    a.state.lock().add_delay = Duration::from_secs(3);
    let (h1, g1) = magnet(1);
    let out = r.dl.submit(g1).await.unwrap();
    let SubmitOutcome::Queued { id, reason } = out else {
        panic!("{out:?}")
    };
    assert!(reason.contains("timed out"), "{reason}");
    let e = r.journal.get(id).await.unwrap().unwrap();
    assert_eq!((e.state, e.endpoint), (OpState::Pending, Some(1)));

    // The first goes down for good: the pinned grab waits; a new one fails over.
    r.one.breaker.force_open();
    let (_, g2) = magnet(2);
    let out = r.dl.submit(g2).await.unwrap();
    assert_eq!(sent_to(&r, out).await, Some(2));
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let replayer = r.dl.spawn_replayer(async move {
        let _ = stop_rx.await;
    });
    tokio::time::sleep(Duration::from_millis(400)).await;
    let e = r.journal.get(id).await.unwrap().unwrap();
    assert_eq!(e.state, OpState::Pending, "held for the first");
    assert!(e.last_error.unwrap_or_default().contains("unknown outcome"));
    assert_eq!(
        b.seen("/torrents/add").len(),
        1,
        "only the new grab reached the second"
    );

    // The first comes back and had it after all: done there, never added again anywhere.
    a.state.lock().add_delay = Duration::ZERO;
    a.state
        .lock()
        .torrents
        .push(serde_json::json!({"hash": h1, "name": "x", "category": "cat1"}));
    r.one.breaker.reset();
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let e = r.journal.get(id).await.unwrap().unwrap();
        if e.state == OpState::Done {
            assert_eq!(e.endpoint, Some(1));
            break;
        }
        assert!(Instant::now() < deadline, "never settled: {e:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(
        a.state.lock().adds_received,
        1,
        "only the one timed-out add"
    );
    assert_eq!(b.state.lock().adds_received, 1);
    let _ = stop_tx.send(());
    replayer.await.unwrap();
}
