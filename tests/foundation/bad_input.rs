//! Bad input of any kind gets a 4xx JSON error, never a 500 or a dropped connection.

use reelarr_testkit::app::*;

async fn expect_json_error(r: reqwest::Response, status: u16, code: &str) {
    assert_eq!(r.status().as_u16(), status);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/json"));
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["error"], code, "{v}");
    assert!(!v["message"].as_str().unwrap().is_empty());
}

#[tokio::test]
async fn malformed_wrong_type_huge_and_unknown() {
    let dir = tempfile::tempdir().unwrap();
    let s = Server::start(dir.path(), &[]);
    let c = client();
    let login = s.url("/login");

    let r = c
        .post(&login)
        .header("content-type", "application/json")
        .body("{\"username\":")
        .send()
        .await
        .unwrap();
    expect_json_error(r, 400, "invalid_json").await;
    let r = c
        .post(&login)
        .header("content-type", "application/json")
        .body("")
        .send()
        .await
        .unwrap();
    expect_json_error(r, 400, "invalid_json").await;
    let r = c
        .post(&login)
        .header("content-type", "application/json")
        .body("[1,2]")
        .send()
        .await
        .unwrap();
    expect_json_error(r, 400, "invalid_json").await;
    let r = c
        .post(&login)
        .header("content-type", "text/plain")
        .body("hello")
        .send()
        .await
        .unwrap();
    expect_json_error(r, 415, "unsupported_media_type").await;

    // 20 MB with a Content-Length, on a real route and on an unknown one.
    let big = vec![b'a'; 20 * 1024 * 1024];
    for path in ["/login", "/no/such/route", "/api/v1/session"] {
        let r = c
            .post(s.url(path))
            .header("content-type", "application/json")
            .body(big.clone())
            .send()
            .await
            .unwrap();
        expect_json_error(r, 413, "payload_too_large").await;
    }
    // 20 MB chunked (no Content-Length).
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
        (0..20).map(|_| Ok(vec![b'a'; 1024 * 1024])).collect();
    let r = c
        .post(&login)
        .header("content-type", "application/json")
        .body(reqwest::Body::wrap_stream(futures_util::stream::iter(
            chunks,
        )))
        .send()
        .await
        .unwrap();
    expect_json_error(r, 413, "payload_too_large").await;

    let r = c.get(s.url("/definitely/not/here")).send().await.unwrap();
    expect_json_error(r, 404, "no_such_route").await;
    let r = c.delete(s.url("/health")).send().await.unwrap();
    assert!(r.status().is_client_error());
    let v: serde_json::Value = r.json().await.unwrap();
    assert!(v["error"].is_string());
    let r = c
        .get(s.url("/api/v1/session?apikey=%ZZ"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);

    let (status, log) = s.stop();
    assert!(status.success());
    assert!(!log.contains("panicked"), "{log}");
}
