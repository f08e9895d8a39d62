//! Journal tests on a real, migrated SQLite file: the state machine, FIFO order, dedupe by
//! info-hash, dead-lettering, crash recovery and the durability pragmas.

use chrono::{Duration as Span, Utc};

use super::*;
use crate::config::Secret;

fn op(hash: &str) -> NewOperation {
    NewOperation {
        kind: OpKind::Add,
        info_hash: hash.into(),
        payload: AddPayload {
            source: PayloadSource::Magnet {
                uri: format!("magnet:?xt=urn:btih:{hash}"),
            },
            category: Some("reelarr".into()),
            tags: vec!["t".into()],
            save_path: None,
            paused: false,
            movie_id: Some(7),
            title: Some("Demo".into()),
        },
        torrent: None,
    }
}

fn hash(i: usize) -> String {
    format!("{i:040x}")
}

async fn fresh() -> (tempfile::TempDir, Journal) {
    let dir = tempfile::tempdir().unwrap();
    let j = Journal::open(dir.path().join(FILE_NAME)).await.unwrap();
    (dir, j)
}

#[tokio::test]
async fn opens_with_wal_and_full_sync() {
    let (_d, j) = fresh().await;
    let c = j.conn.lock();
    let mode: String = c
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    let sync: i64 = c.query_row("PRAGMA synchronous", [], |r| r.get(0)).unwrap();
    assert_eq!((mode.as_str(), sync), ("wal", 2), "WAL + synchronous=FULL");
}

#[tokio::test]
async fn full_life_cycle_and_fifo_order() {
    let (_d, j) = fresh().await;
    let mut ids = Vec::new();
    for i in 0..5 {
        let e = j.enqueue(op(&hash(i))).await.unwrap();
        assert!(e.created);
        assert_eq!((e.entry.state, e.entry.attempts), (OpState::Pending, 0));
        ids.push(e.entry.id);
    }
    let due = j.due(Utc::now(), 10).await.unwrap();
    assert_eq!(due.iter().map(|e| e.id).collect::<Vec<_>>(), ids, "FIFO");
    assert_eq!(due[0].payload.movie_id, Some(7));
    assert_eq!(j.due(Utc::now(), 2).await.unwrap().len(), 2);
    assert_eq!(j.depth().await.unwrap(), 5);

    assert!(j.mark_in_flight(ids[0]).await.unwrap());
    assert!(
        !j.mark_in_flight(ids[0]).await.unwrap(),
        "only one claimant"
    );
    assert_eq!(j.due(Utc::now(), 10).await.unwrap()[0].id, ids[1]);
    assert!(j.mark_done(ids[0]).await.unwrap());
    assert!(!j.mark_in_flight(ids[0]).await.unwrap(), "done is final");

    // Back-off: a retried op is not due until its time, and its attempt is counted.
    assert!(j.mark_in_flight(ids[1]).await.unwrap());
    let later = Utc::now() + Span::seconds(60);
    assert!(j.mark_retry(ids[1], "HTTP 500", later).await.unwrap());
    let due: Vec<i64> = j
        .due(Utc::now(), 10)
        .await
        .unwrap()
        .iter()
        .map(|e| e.id)
        .collect();
    assert_eq!(due, ids[2..].to_vec());
    let e = j.get(ids[1]).await.unwrap().unwrap();
    assert_eq!((e.attempts, e.last_error.as_deref()), (1, Some("HTTP 500")));
    assert_eq!(
        j.due(later, 10).await.unwrap()[0].id,
        ids[1],
        "FIFO among due ones"
    );
    let next = j.next_due_at().await.unwrap().unwrap();
    assert!(next <= Utc::now(), "others are due now");

    // release: back to pending without counting.
    assert!(j.mark_in_flight(ids[2]).await.unwrap());
    assert!(j
        .release(ids[2], Some("breaker open".into()), Utc::now())
        .await
        .unwrap());
    assert_eq!(j.get(ids[2]).await.unwrap().unwrap().attempts, 0);

    assert!(j.mark_in_flight(ids[3]).await.unwrap());
    assert!(j
        .mark_dead(ids[3], "HTTP 415: invalid torrent")
        .await
        .unwrap());
    let listed = j.list().await.unwrap();
    assert_eq!(
        listed.iter().map(|e| e.id).collect::<Vec<_>>(),
        ids[1..].to_vec()
    );
    let dead = listed.iter().find(|e| e.id == ids[3]).unwrap();
    assert_eq!(
        (dead.state, dead.last_error.as_deref()),
        (OpState::Dead, Some("HTTP 415: invalid torrent"))
    );
    assert_eq!(j.depth().await.unwrap(), 3);
    assert_eq!(j.dead_count().await.unwrap(), 1);

    // retry_now revives a dead op with a fresh attempt budget; delete removes.
    let revived = j.retry_now(ids[3]).await.unwrap().unwrap();
    assert_eq!((revived.state, revived.attempts), (OpState::Pending, 0));
    assert!(
        j.retry_now(ids[0]).await.unwrap().is_none(),
        "done ops are not revived"
    );
    assert!(j.retry_now(9999).await.unwrap().is_none());
    assert!(j.delete(ids[3]).await.unwrap());
    assert!(!j.delete(ids[3]).await.unwrap());
    assert_eq!(
        j.movie_ids(vec![hash(0), hash(9)])
            .await
            .unwrap()
            .get(&hash(0)),
        Some(&7)
    );
}

#[tokio::test]
async fn dedupes_live_operations_by_info_hash() {
    let (_d, j) = fresh().await;
    let first = j.enqueue(op(&hash(1))).await.unwrap();
    let upper = j.enqueue(op(&hash(1).to_uppercase())).await.unwrap();
    assert!(!upper.created, "same torrent, case-insensitively");
    assert_eq!(upper.entry.id, first.entry.id);
    j.mark_in_flight(first.entry.id).await.unwrap();
    assert!(
        !j.enqueue(op(&hash(1))).await.unwrap().created,
        "in flight still counts"
    );
    j.mark_dead(first.entry.id, "x").await.unwrap();
    let again = j.enqueue(op(&hash(1))).await.unwrap();
    assert!(again.created, "a dead op does not block a new grab");
    let err = j.retry_now(first.entry.id).await.unwrap_err();
    assert!(matches!(err, JournalError::Conflict(_)), "{err}");
    assert_eq!(j.depth().await.unwrap(), 1);
}

#[tokio::test]
async fn concurrent_enqueues_of_one_hash_record_one_op() {
    let (_d, j) = fresh().await;
    let tasks = (0..10).map(|_| {
        let j = j.clone();
        tokio::spawn(async move { j.enqueue(op(&hash(3))).await.unwrap().created })
    });
    let created = futures_util::future::join_all(tasks)
        .await
        .into_iter()
        .filter(|r| *r.as_ref().unwrap())
        .count();
    assert_eq!(created, 1);
    assert_eq!(j.depth().await.unwrap(), 1);
}

#[tokio::test]
async fn crash_leaves_in_flight_which_reopen_makes_pending() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(FILE_NAME);
    let ids = {
        let j = Journal::open(&path).await.unwrap();
        let mut ids = Vec::new();
        for i in 0..3 {
            ids.push(j.enqueue(op(&hash(i))).await.unwrap().entry.id);
        }
        j.mark_in_flight(ids[0]).await.unwrap();
        j.mark_in_flight(ids[1]).await.unwrap();
        j.mark_done(ids[1]).await.unwrap();
        ids
        // dropped without any shutdown step, as a kill -9 would
    };
    let j = Journal::open(&path).await.unwrap();
    assert_eq!(j.recovered_at_open(), 1);
    let due: Vec<i64> = j
        .due(Utc::now(), 10)
        .await
        .unwrap()
        .iter()
        .map(|e| e.id)
        .collect();
    assert_eq!(due, vec![ids[0], ids[2]]);
    assert_eq!(
        j.get(ids[0]).await.unwrap().unwrap().state,
        OpState::Pending
    );
}

#[tokio::test]
async fn torrent_bytes_round_trip_and_list_omits_them() {
    let (_d, j) = fresh().await;
    let mut o = op(&hash(5));
    o.payload.source = PayloadSource::TorrentFile {
        name: "a.torrent".into(),
    };
    o.torrent = Some(TorrentBytes(vec![0, 1, 2, 255]));
    let id = j.enqueue(o).await.unwrap().entry.id;
    assert_eq!(
        j.due(Utc::now(), 1).await.unwrap()[0].torrent,
        Some(TorrentBytes(vec![0, 1, 2, 255]))
    );
    assert_eq!(j.list().await.unwrap()[0].torrent, None);
    assert_eq!(
        j.get(id).await.unwrap().unwrap().payload.summary(),
        "Demo (torrent file a.torrent)"
    );
}

#[tokio::test]
async fn url_secrets_stay_out_of_debug_and_newer_schema_is_refused() {
    let (d, j) = fresh().await;
    let mut o = op("url:abc");
    o.payload.source = PayloadSource::Url {
        url: Secret::new("https://t/dl?passkey=PK999"),
    };
    let e = j.enqueue(o).await.unwrap().entry;
    assert!(!format!("{e:?}").contains("PK999"));
    assert!(!e.payload.summary().contains("PK999"));
    assert!(
        matches!(&e.payload.source, PayloadSource::Url { url } if url.expose().contains("PK999"))
    );
    j.conn
        .lock()
        .execute(
            "INSERT INTO journal_migrations VALUES (99, 'future', 'x')",
            [],
        )
        .unwrap();
    drop(j);
    let err = Journal::open(d.path().join(FILE_NAME)).await.unwrap_err();
    assert!(
        matches!(err, JournalError::TooNew { found: 99, .. }),
        "{err}"
    );
}

#[tokio::test]
async fn purge_done_removes_only_old_done_ops() {
    let (_d, j) = fresh().await;
    let a = j.enqueue(op(&hash(1))).await.unwrap().entry.id;
    j.enqueue(op(&hash(2))).await.unwrap();
    j.mark_done(a).await.unwrap();
    assert_eq!(
        j.purge_done(Utc::now() - Span::seconds(60)).await.unwrap(),
        0
    );
    assert_eq!(
        j.purge_done(Utc::now() + Span::seconds(1)).await.unwrap(),
        1
    );
    assert_eq!(j.depth().await.unwrap(), 1);
}

#[tokio::test]
async fn a_sent_grab_not_yet_seen_still_dedupes() {
    let (_d, j) = fresh().await;
    let first = j.enqueue(op(&hash(4))).await.unwrap().entry;
    j.mark_in_flight(first.id).await.unwrap();
    j.mark_done(first.id).await.unwrap();
    let done = j.get(first.id).await.unwrap().unwrap();
    assert!(done.awaiting && done.sent_at.is_some() && done.seen_at.is_none());
    let again = j.enqueue(op(&hash(4))).await.unwrap();
    assert!(!again.created, "sent but not yet seen: joins the first");
    assert_eq!(again.entry.id, first.id);

    // Seen in qBittorrent: a later grab of it is a new operation (the user may have removed it).
    assert_eq!(j.mark_seen(vec![hash(4)], Utc::now()).await.unwrap(), 1);
    let seen = j.get(first.id).await.unwrap().unwrap();
    assert!(!seen.awaiting && seen.seen_at.is_some());
    assert!(j.awaiting(Utc::now()).await.unwrap().is_empty());
    assert!(j.enqueue(op(&hash(4))).await.unwrap().created);
}

#[tokio::test]
async fn a_lost_grab_is_requeued_then_given_up() {
    let (_d, j) = fresh().await;
    let id = j.enqueue(op(&hash(6))).await.unwrap().entry.id;
    j.mark_done(id).await.unwrap();
    // Not awaiting before its send: nothing to reconcile yet.
    assert!(j
        .awaiting(Utc::now() - Span::seconds(60))
        .await
        .unwrap()
        .is_empty());
    let lost = j.awaiting(Utc::now() + Span::seconds(1)).await.unwrap();
    assert_eq!(lost.iter().map(|e| e.id).collect::<Vec<_>>(), vec![id]);
    assert!(j.requeue_lost(id, "forgot".into()).await.unwrap());
    assert!(!j.requeue_lost(id, "forgot".into()).await.unwrap(), "once");
    let e = j.get(id).await.unwrap().unwrap();
    assert_eq!(
        (e.state, e.resends, e.awaiting),
        (OpState::Pending, 1, false)
    );
    assert_eq!(j.due(Utc::now(), 10).await.unwrap()[0].id, id);
    assert_eq!(j.resent_total().await.unwrap(), 1);
    j.mark_in_flight(id).await.unwrap();
    j.mark_done(id).await.unwrap();
    assert!(j.give_up_lost(id, "gave up".into()).await.unwrap());
    let e = j.get(id).await.unwrap().unwrap();
    assert_eq!(
        (e.state, e.last_error.as_deref()),
        (OpState::Dead, Some("gave up"))
    );
    assert!(
        j.enqueue(op(&hash(6))).await.unwrap().created,
        "dead blocks nothing"
    );
}

#[tokio::test]
async fn the_verification_window_is_bounded() {
    let (_d, j) = fresh().await;
    let id = j.enqueue(op(&hash(8))).await.unwrap().entry.id;
    j.mark_done(id).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let within = j
        .enqueue_within(op(&hash(8)), std::time::Duration::from_secs(60))
        .await
        .unwrap();
    assert!(!within.created);
    let after = j
        .enqueue_within(op(&hash(8)), std::time::Duration::from_millis(5))
        .await
        .unwrap();
    assert!(after.created, "older than the window: no longer awaited");
    assert!(!j.get(id).await.unwrap().unwrap().awaiting);
    let other = j.enqueue(op(&hash(9))).await.unwrap().entry.id;
    j.mark_done(other).await.unwrap();
    assert_eq!(
        j.expire_awaiting(Utc::now() + Span::seconds(1))
            .await
            .unwrap(),
        1
    );
    assert!(j
        .awaiting(Utc::now() + Span::seconds(1))
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn migration_2_leaves_earlier_done_grabs_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(FILE_NAME);
    {
        let mut c = db::connect(&path).unwrap();
        migrate::SCHEMA.apply(&mut c, 1).unwrap();
        for (i, state) in ["done", "done", "pending"].iter().enumerate() {
            c.execute(
                "INSERT INTO operations (kind, info_hash, payload, state, next_attempt_at, \
                 created_at, updated_at) VALUES ('add', ?1, ?2, ?3, 0, 5, 5)",
                rusqlite::params![
                    hash(1),
                    serde_json::to_string(&op(&hash(1)).payload).unwrap(),
                    state
                ],
            )
            .unwrap_or_else(|e| panic!("{i}: {e}"));
        }
    }
    let j = Journal::open(&path).await.unwrap();
    for id in [1, 2] {
        let e = j.get(id).await.unwrap().unwrap();
        assert_eq!((e.state, e.awaiting), (OpState::Done, false), "#{id}");
        assert_eq!(e.sent_at.map(|t| t.timestamp_millis()), Some(5));
    }
    assert!(j.awaiting(Utc::now()).await.unwrap().is_empty());
    let again = j.enqueue(op(&hash(1))).await.unwrap();
    assert_eq!(
        (again.created, again.entry.id),
        (false, 3),
        "the pending one"
    );
}
