//! Issue 17 item 2 through the real binary and two real qbittorrent-nox processes: a second
//! download client (priority 2) takes grabs while the first is down, grabs return to the first
//! once its breaker closes, every grab lands in exactly one instance, and status and removal of
//! a grab the second took go to the second, also after a restart of reelarr.

use super::*;

/// Detailed health recomputed every second.
const FRESH: &[(&str, &str)] = &[("DETAILED_HEALTH_CACHE_SECONDS", "1")];

/// The second client's name (its breaker is `qbittorrent:second`).
const SECOND: &str = "second";

/// A hash whose first 48 bits (its queue id) differ from every other grab's.
fn fhash(i: usize) -> String {
    format!("{:012x}{i:028x}", 0xfa11_0000_0000_u64 + i as u64)
}

/// Grabs magnet `i` through the API: (status, body, latency).
async fn fgrab(s: &Server, i: usize) -> (u16, Value, Duration) {
    let t = Instant::now();
    let magnet = format!("magnet:?xt=urn:btih:{}&dn=reelarr-failover-{i}", fhash(i));
    let r = client()
        .post(s.url("/api/v1/downloads"))
        .header("X-Api-Key", s.api_key())
        .json(
            &json!({"magnet": magnet, "title": format!("Failover {i} 1999 1080p BluRay x264-GRP")}),
        )
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap(), t.elapsed())
}

async fn add_second_client(s: &Server, peer: &QbitPeer) {
    let body = json!({"name": SECOND, "implementation": "QBittorrent", "priority": 2,
        "enable": true,
        "fields": [{"name": "host", "value": "127.0.0.1"}, {"name": "port", "value": peer.port},
                   {"name": "username", "value": qbittorrent::USERNAME},
                   {"name": "password", "value": qbittorrent::PASSWORD},
                   {"name": "movieCategory", "value": "reelarr"}]});
    let r = client()
        .post(s.url("/api/v3/downloadclient?forceSave=true"))
        .header("X-Api-Key", s.api_key())
        .json(&body)
        .send()
        .await
        .unwrap();
    let st = r.status().as_u16();
    assert_eq!(st, 201, "{}", r.text().await.unwrap());
}

async fn breaker_state(s: &Server, name: &str) -> String {
    let v = get_json(s, &format!("/api/v1/circuit-breakers/{name}")).await;
    v["state"].as_str().unwrap_or_default().to_string()
}

/// The queue record of `hash` (any movie), once tracking lists it.
async fn queue_record(s: &Server, hash: &str) -> Value {
    let want = hash.to_uppercase();
    eventually(Duration::from_secs(30), || {
        let want = want.clone();
        async move {
            let q = get_json(
                s,
                "/api/v3/queue?pageSize=100&includeUnknownMovieItems=true",
            )
            .await;
            q["records"]
                .as_array()?
                .iter()
                .find(|r| r["downloadId"] == want.as_str() && r["status"] != "queued")
                .cloned()
        }
    })
    .await
    .unwrap_or_else(|| panic!("{hash} never listed in the queue\n{}", s.log()))
}

async fn remove_from_client(s: &Server, record: &Value) {
    let id = record["id"].as_i64().unwrap();
    let r = client()
        .delete(s.url(&format!(
            "/api/v3/queue/{id}?removeFromClient=true&blocklist=false"
        )))
        .header("X-Api-Key", s.api_key())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200, "{}", r.text().await.unwrap());
}

async fn eventually_present(peer: &QbitPeer, want: &[String]) {
    let want: BTreeSet<String> = want.iter().cloned().collect();
    let got = eventually(Duration::from_secs(30), || {
        let want = want.clone();
        async move {
            let now: BTreeSet<String> = present(peer).await.into_iter().collect();
            (now == want).then_some(now)
        }
    })
    .await;
    assert!(
        got.is_some(),
        "wanted {want:?}, have {:?}",
        present(peer).await
    );
}

#[tokio::test]
async fn grabs_fail_over_to_the_second_client_and_return_to_the_first() {
    if !qbittorrent::available_or_skip("grabs_fail_over_to_the_second_client_and_return") {
        return;
    }
    let mut first = QbitPeer::start().unwrap();
    let second = QbitPeer::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let s = start_reelarr_with(dir.path(), &first, qbittorrent::PASSWORD, FRESH);
    add_second_client(&s, &second).await;

    // The second client's own breaker, in every view.
    let names: Vec<String> = get_json(&s, "/api/v1/circuit-breakers")
        .await
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["service"].as_str().unwrap().to_string())
        .collect();
    assert!(names.contains(&"qbittorrent".to_string()), "{names:?}");
    assert!(
        names.contains(&"qbittorrent:second".to_string()),
        "{names:?}"
    );
    let h = get_json(&s, "/health/detailed").await;
    assert_eq!(
        h["services"]["qbittorrent"]["circuit_breaker"], "closed",
        "{h}"
    );
    assert_eq!(
        h["qbittorrent_endpoints"][SECOND]["circuit_breaker"], "closed",
        "{h}"
    );
    let metrics = get_text(&s, "/metrics").await;
    assert!(
        metrics.contains("service=\"qbittorrent:second\""),
        "per-endpoint series"
    );

    let (st, v, _) = fgrab(&s, 1).await;
    assert_eq!((st, &v["status"]), (201, &json!("sent")), "{v}");
    eventually_present(&first, &[fhash(1)]).await;
    assert!(present(&second).await.is_empty());

    // The first is gone: grabs go to the second at once, sent (not queued).
    first.kill();
    for i in 2..=3 {
        let (st, v, took) = fgrab(&s, i).await;
        assert_eq!((st, &v["status"]), (201, &json!("sent")), "grab {i}: {v}");
        assert!(took < Duration::from_secs(5), "grab {i} took {took:?}");
    }
    eventually_present(&second, &[fhash(2), fhash(3)]).await;
    let opened = eventually(Duration::from_secs(20), || async {
        (breaker_state(&s, "qbittorrent").await == "open").then_some(())
    })
    .await;
    assert!(opened.is_some(), "the first client's breaker never opened");
    assert_eq!(breaker_state(&s, "qbittorrent:second").await, "closed");
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let h = get_json(&s, "/health/detailed").await;
    assert_eq!(
        h["services"]["qbittorrent"]["circuit_breaker"], "open",
        "{h}"
    );
    assert!(
        h["holds"]
            .as_array()
            .unwrap()
            .iter()
            .all(|x| x["what"] != "grabs"),
        "grabs are not held while the second client takes them: {h}"
    );
    let (st, v, _) = fgrab(&s, 4).await;
    assert_eq!((st, &v["status"]), (201, &json!("sent")), "{v}");

    // The first is back; once its breaker closes new grabs go to it again.
    first.restart().unwrap();
    let closed = eventually(Duration::from_secs(30), || async {
        (breaker_state(&s, "qbittorrent").await == "closed").then_some(())
    })
    .await;
    assert!(
        closed.is_some(),
        "the first client's breaker never closed\n{}",
        s.log()
    );
    let (st, v, _) = fgrab(&s, 5).await;
    assert_eq!((st, &v["status"]), (201, &json!("sent")), "{v}");

    // Every grab in exactly one instance. (SIGKILL may have cost the first its unsaved grab 1;
    // reconciliation re-sends it then, to whichever admits: still one instance.)
    let split = eventually(Duration::from_secs(30), || async {
        let a: BTreeSet<String> = present(&first).await.into_iter().collect();
        let b: BTreeSet<String> = present(&second).await.into_iter().collect();
        let all: BTreeSet<String> = (1..=5).map(fhash).collect();
        let union: BTreeSet<String> = a.union(&b).cloned().collect();
        (a.is_disjoint(&b) && union == all).then_some((a, b))
    })
    .await;
    let (a, b) = split.unwrap_or_else(|| panic!("a grab is missing or in both\n{}", s.log()));
    assert!(a.contains(&fhash(5)), "grab 5 went to the first: {a:?}");
    for i in 2..=4 {
        assert!(b.contains(&fhash(i)), "grab {i} went to the second: {b:?}");
    }
    let (a, mut b): (Vec<String>, Vec<String>) = (a.into_iter().collect(), b.into_iter().collect());

    // Status of a grab the second took comes from the second; removal goes there.
    let r2 = queue_record(&s, &fhash(2)).await;
    remove_from_client(&s, &r2).await;
    b.retain(|h| *h != fhash(2));
    eventually_present(&second, &b).await;
    eventually_present(&first, &a).await;

    // Across a restart of reelarr: still tracked on, and removed from, the second.
    drop(s);
    let s = start_reelarr_with(dir.path(), &first, qbittorrent::PASSWORD, FRESH);
    let r3 = queue_record(&s, &fhash(3)).await;
    remove_from_client(&s, &r3).await;
    b.retain(|h| *h != fhash(3));
    eventually_present(&second, &b).await;
    eventually_present(&first, &a).await;
    let ops = get_json(&s, "/api/v1/retry-queue").await;
    assert_eq!(ops["pending"], 0, "{ops}");
}
