//! `GET /api/v3/log`: records logged by the running server, in Radarr's paged shape.

use super::doc_or_skip;
use reelarr_testkit::app::*;
use reelarr_testkit::openapi::check;
use serde_json::{json, Value};

#[tokio::test]
async fn a_failed_login_is_listed_without_the_password_and_filters_and_pages() {
    let doc = doc_or_skip();
    let dir = tempfile::tempdir().unwrap();
    let s = Server::start(dir.path(), &[]);
    let secret = "not-the-password-4711";
    let r = client()
        .post(s.url("/login"))
        .json(&json!({"username": "admin", "password": secret}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);

    let all = get_json(&s, "/api/v3/log?pageSize=1000").await;
    if let Some(doc) = &doc {
        assert!(check(doc, "LogResourcePagingResource", &all, false).is_empty());
    }
    assert_eq!(
        (
            all["page"].as_u64(),
            all["sortKey"].as_str(),
            all["sortDirection"].as_str()
        ),
        (Some(1), Some("time"), Some("descending"))
    );
    let records = all["records"].as_array().unwrap();
    assert!(!all.to_string().contains(secret));
    let failed: Vec<&Value> = records
        .iter()
        .filter(|r| r["message"].as_str().unwrap().contains("failed login"))
        .collect();
    assert_eq!(failed.len(), 1, "{records:?}");
    assert_eq!(failed[0]["level"], "warn");
    // Newest first: ids fall.
    let ids: Vec<u64> = records.iter().map(|r| r["id"].as_u64().unwrap()).collect();
    assert!(ids.windows(2).all(|w| w[0] > w[1]), "{ids:?}");
    let total = all["totalRecords"].as_u64().unwrap();
    assert!(total >= 2, "start-up logs at info as well");

    // `warn` keeps warnings and errors only; the failed login is among them.
    let warn = get_json(&s, "/api/v3/log?level=warn&pageSize=1000").await;
    let levels: Vec<&str> = warn["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["level"].as_str().unwrap())
        .collect();
    assert!(
        levels.iter().all(|l| *l == "warn" || *l == "error"),
        "{levels:?}"
    );
    assert!(!levels.is_empty());
    assert!(warn["totalRecords"].as_u64().unwrap() < total);

    // Paging: page 2 of size 1, oldest first, is the second record ever kept.
    let p = get_json(&s, "/api/v3/log?page=2&pageSize=1&sortDirection=ascending").await;
    assert_eq!(
        (p["page"].as_u64(), p["pageSize"].as_u64()),
        (Some(2), Some(1))
    );
    assert_eq!(p["records"].as_array().unwrap().len(), 1);
    assert_eq!(p["records"][0]["id"], json!(ids[ids.len() - 2]));

    for bad in ["level=loud", "page=0", "pageSize=abc", "sortDirection=up"] {
        let r = client()
            .get(s.url(&format!("/api/v3/log?{bad}")))
            .header("X-Api-Key", s.api_key())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400, "{bad}");
        let body: Value = r.json().await.unwrap();
        assert!(body.is_object(), "{bad}: {body}");
    }
    s.stop();
}
