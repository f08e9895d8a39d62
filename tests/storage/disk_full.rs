//! A full disk (issue 12), for real: the data directory is a 16 MiB tmpfs that the test fills
//! to the last byte while reelarr runs. Grabs (journal writes) and library writes (store writes)
//! must then answer `507 insufficient_storage` naming what is full, never `500`. Needs root to
//! mount; skipped loudly otherwise, and a failure when `REELARR_REQUIRE_REAL_SERVICES=1`.

use reelarr_testkit::app::*;
use reelarr_testkit::tmpfs::{fill, Tmpfs};
use reqwest::Method;
use serde_json::{json, Value};

async fn send(s: &Server, method: Method, path: &str, body: Value) -> (u16, Value) {
    let r = client()
        .request(method, s.url(path))
        .header("X-Api-Key", s.api_key())
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

/// Sends distinct writes (`body(i)`) until one is refused; returns that answer. A write may
/// still fit in space SQLite already holds (WAL pages), so a few may pass first.
async fn first_refusal(
    s: &Server,
    path: &str,
    ok: &[u16],
    body: impl Fn(usize) -> Value,
) -> (u16, Value) {
    for i in 0..300 {
        let (st, v) = send(s, Method::POST, path, body(i)).await;
        if !ok.contains(&st) {
            return (st, v);
        }
    }
    panic!(
        "300 writes to {path} on a full disk all succeeded\n{}",
        s.log()
    );
}

fn assert_507(answer: &(u16, Value), what: &str, s: &Server) {
    let (st, v) = answer;
    assert_eq!(*st, 507, "{v}\n{}", s.log());
    assert_eq!(v["error"], "insufficient_storage", "{v}");
    assert_eq!(
        v["message"],
        format!("the disk holding {what} is full; free space and retry"),
        "{v}"
    );
}

#[tokio::test]
async fn a_full_disk_answers_507_for_grabs_and_library_writes() {
    let test = "a_full_disk_answers_507_for_grabs_and_library_writes";
    let Some(fs) = Tmpfs::mount(test, "16M") else {
        return;
    };
    let data = fs.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    write_config(&data, "");
    let s = Server::start(&data, &[("HEALTH_CHECK_INTERVAL_SECONDS", "3600")]);
    // Both writes work while there is room.
    let (st, v) = send(&s, Method::POST, "/api/v3/tag", json!({"label": "before"})).await;
    assert_eq!(st, 201, "{v}");
    let magnet = |i: usize| json!({"magnet": format!("magnet:?xt=urn:btih:{i:040x}"), "title": format!("Grab {i} {}", "x".repeat(2000))});
    let (st, v) = send(&s, Method::POST, "/api/v1/downloads", magnet(100_000)).await;
    assert!(matches!(st, 200..=202), "{st} {v}");

    let filler = fill(fs.path());
    let grab = first_refusal(&s, "/api/v1/downloads", &[200, 201, 202], magnet).await;
    assert_507(&grab, "the qBittorrent retry journal", &s);
    let tag = first_refusal(
        &s,
        "/api/v3/tag",
        &[201],
        |i| json!({"label": format!("full-{i}-{}", "t".repeat(80))}),
    )
    .await;
    assert_507(&tag, "the database", &s);
    // Reads still work on a full disk, and the breaker stayed closed (not an outage).
    let r = client()
        .get(s.url("/api/v3/tag"))
        .header("X-Api-Key", s.api_key())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);

    // Space freed: writes work again.
    std::fs::remove_file(filler).unwrap();
    let (st, v) = send(&s, Method::POST, "/api/v3/tag", json!({"label": "after"})).await;
    assert_eq!(st, 201, "{v}\n{}", s.log());
    let (st, v) = send(&s, Method::POST, "/api/v1/downloads", magnet(200_000)).await;
    assert!(matches!(st, 200..=202), "{st} {v}");
    drop(s);
}
