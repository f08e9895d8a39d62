//! Issue 17, item 3: breaker chains through the real binary. The database open holds scheduled
//! searches, qBittorrent open holds grabs (journaled, "will be sent when qBittorrent is back");
//! each hold shows as "held by <service>" in `/health/detailed`, `/api/v1/circuit-breakers` and
//! `/api/v3/health`, and goes away when the service closes.

use reelarr_testkit::app::*;
use reelarr_testkit::routes;
use serde_json::{json, Value};

async fn post(s: &Server, path: &str, body: Option<Value>) -> (u16, Value) {
    let mut r = client().post(s.url(path)).header("X-Api-Key", s.api_key());
    if let Some(b) = body {
        r = r.json(&b);
    }
    let r = r.send().await.unwrap();
    (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
}

fn breaker<'a>(list: &'a Value, service: &str) -> &'a Value {
    list.as_array()
        .unwrap()
        .iter()
        .find(|b| b["service"] == service)
        .unwrap_or_else(|| panic!("no {service} breaker in {list}"))
}

#[tokio::test]
async fn open_services_hold_what_depends_on_them_and_say_so() {
    let dir = tempfile::tempdir().unwrap();
    let qbit = format!("http://127.0.0.1:{}", routes::dead_port());
    let s = Server::start(
        dir.path(),
        &[
            ("DETAILED_HEALTH_CACHE_SECONDS", "1"),
            ("QBITTORRENT_URL", &qbit),
            ("QBITTORRENT_USERNAME", "admin"),
            ("QBITTORRENT_PASSWORD", "adminadmin"),
        ],
    );
    let list = get_json(&s, "/api/v1/circuit-breakers").await;
    assert_eq!(breaker(&list, "database")["holding"], json!([]));
    assert_eq!(get_json(&s, "/health/detailed").await["holds"], json!([]));

    // The database open: scheduled searches are held by it.
    let (st, _) = post(&s, "/api/v1/circuit-breakers/database/open", None).await;
    assert_eq!(st, 200);
    let list = get_json(&s, "/api/v1/circuit-breakers").await;
    let db = breaker(&list, "database");
    assert_eq!(db["holding"], json!(["scheduled searches"]), "{db}");
    assert!(
        db["held"][0]
            .as_str()
            .unwrap()
            .starts_with("held by database"),
        "{db}"
    );
    let h = get_json(&s, "/health/detailed").await;
    assert_eq!(h["holds"][0]["what"], "scheduled searches", "{h}");
    assert_eq!(h["holds"][0]["held_by"], "database", "{h}");
    assert_eq!(
        h["services"]["database"]["holding"],
        json!(["scheduled searches"])
    );
    let v3 = get_json(&s, "/api/v3/health").await;
    assert!(
        v3.as_array()
            .unwrap()
            .iter()
            .any(|e| e["source"] == "BreakerChainCheck"
                && e["message"]
                    .as_str()
                    .unwrap()
                    .starts_with("Scheduled searches held by database")),
        "{v3}"
    );
    let (st, _) = post(&s, "/api/v1/circuit-breakers/database/close", None).await;
    assert_eq!(st, 200);

    // qBittorrent open: a grab is journaled and says it will be sent when qBittorrent is back.
    let (st, _) = post(&s, "/api/v1/circuit-breakers/qbittorrent/open", None).await;
    assert_eq!(st, 200);
    let hash = "feedface".repeat(5);
    let grab = json!({"magnet": format!("magnet:?xt=urn:btih:{hash}&dn=Held")});
    let (st, v) = post(&s, "/api/v1/downloads", Some(grab)).await;
    assert_eq!((st, v["status"].as_str()), (202, Some("queued")), "{v}");
    assert!(
        v["message"]
            .as_str()
            .unwrap()
            .contains("will be sent when qBittorrent is back"),
        "{v}"
    );
    let list = get_json(&s, "/api/v1/circuit-breakers").await;
    assert_eq!(breaker(&list, "qbittorrent")["holding"], json!(["grabs"]));
    assert_eq!(
        breaker(&list, "database")["holding"],
        json!([]),
        "released on close"
    );
    let v3 = get_json(&s, "/api/v3/health").await;
    assert!(
        v3.as_array().unwrap().iter().any(|e| e["message"]
            .as_str()
            .unwrap()
            .starts_with("Grabs held by qbittorrent")),
        "{v3}"
    );
    let (st, log) = s.stop();
    assert!(st.success(), "{log}");
}
