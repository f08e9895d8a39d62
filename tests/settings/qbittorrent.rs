//! A download client's password changed through `PUT /api/v3/downloadclient/{id}` is used by the
//! next call to the real qbittorrent-nox, with no restart: the grab the wrong password held in the
//! journal goes out, and the next grab is sent at once.

use super::*;
use reelarr_testkit::qbittorrent::{self, QbitPeer};
use std::time::Duration;

fn client_body(peer: &QbitPeer, password: &str) -> Value {
    let url = peer.base_url();
    let port = url
        .rsplit(':')
        .next()
        .unwrap()
        .trim_end_matches('/')
        .parse::<u16>()
        .unwrap();
    json!({
        "name": "qBittorrent",
        "implementation": "QBittorrent",
        "configContract": "QBittorrentSettings",
        "enable": true,
        "priority": 1,
        "tags": [],
        "fields": [
            {"name": "host", "value": "127.0.0.1"},
            {"name": "port", "value": port},
            {"name": "useSsl", "value": false},
            {"name": "username", "value": qbittorrent::USERNAME},
            {"name": "password", "value": password},
            {"name": "movieCategory", "value": "reelarr"}
        ]
    })
}

async fn grab(s: &Server, i: u32) -> (u16, Value) {
    let magnet = format!(
        "magnet:?xt=urn:btih:{:040x}&dn=settings-{i}",
        0xfeed_0000u64 + i as u64
    );
    send(
        s,
        Method::POST,
        "/api/v1/downloads",
        Some(json!({"magnet": magnet, "title": format!("Test {i} 1999 1080p BluRay x264-GRP")})),
    )
    .await
}

async fn in_peer(peer: &QbitPeer) -> usize {
    peer.torrents("reelarr").await.len()
}

#[tokio::test]
async fn new_password_is_used_by_the_next_grab_without_restart() {
    if !qbittorrent::available_or_skip("new_password_is_used_by_the_next_grab_without_restart") {
        return;
    }
    let peer = QbitPeer::start().expect("qbittorrent-nox starts");
    let dir = tempfile::tempdir().unwrap();
    let s = start(dir.path(), &[]);

    // The save's test logs in and names the password; forceSave keeps the wrong one anyway.
    let wrong = client_body(&peer, "wrong-password");
    let (st, v) = send(
        &s,
        Method::POST,
        "/api/v3/downloadclient",
        Some(wrong.clone()),
    )
    .await;
    assert_eq!((st, field_of(&v)), (400, "password"), "{v}");
    let (st, added) = send(
        &s,
        Method::POST,
        "/api/v3/downloadclient?forceSave=true",
        Some(wrong),
    )
    .await;
    assert_eq!(st, 201, "{added}");
    assert_schema("DownloadClientResource", &added);
    assert_eq!(field(&added, "password"), "********");
    let id = added["id"].as_i64().unwrap();

    let (st, v) = grab(&s, 1).await;
    assert_eq!(st, 202, "a refused login queues the grab: {v}");
    assert_eq!(in_peer(&peer).await, 0);

    let mut fixed = added.clone();
    fixed["fields"] = client_body(&peer, qbittorrent::PASSWORD)["fields"].clone();
    let (st, put) = send(
        &s,
        Method::PUT,
        &format!("/api/v3/downloadclient/{id}"),
        Some(fixed),
    )
    .await;
    assert_eq!(
        st, 202,
        "the save's test logs in with the new password: {put}"
    );

    // The grab the wrong password held goes out with the new one (the change wakes the
    // replayer), then the next grab is sent at once.
    let first = eventually(Duration::from_secs(20), || {
        let peer = &peer;
        async move { (in_peer(peer).await == 1).then_some(()) }
    })
    .await;
    assert!(
        first.is_some(),
        "the queued grab went out with the new password"
    );
    let (st, v) = grab(&s, 2).await;
    assert_eq!(st, 201, "the next grab logs in with the new password: {v}");
    let both = eventually(Duration::from_secs(20), || {
        let peer = &peer;
        async move { (in_peer(peer).await == 2).then_some(()) }
    })
    .await;
    assert!(
        both.is_some(),
        "both grabs are in qBittorrent: {:?}",
        peer.torrents("reelarr").await
    );
    let (_, log) = s.stop();
    assert!(!log.contains(qbittorrent::PASSWORD), "password in the log");
}
