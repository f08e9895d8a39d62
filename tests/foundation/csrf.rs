//! Issue 12: CSRF no longer rests on `SameSite` alone. Cookie-authenticated changes need this
//! server's `Origin` (or `Referer`), `/login` refuses a foreign page, JSON bodies need a JSON
//! content type, and a session with the generated password may only change it. API-key callers
//! (Radarr clients, which send no `Origin`) are not affected.

use reelarr_testkit::app::*;
use reqwest::{Client, RequestBuilder};
use serde_json::{json, Value};

const EVIL: &str = "http://evil.example";

fn cookie_of(r: &reqwest::Response) -> String {
    r.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string()
}

/// Logs in with the generated password: a session that must still change it.
async fn first_login(s: &Server) -> String {
    let pw = std::fs::read_to_string(s.data_dir.join("initial-admin-password")).unwrap();
    let r = client()
        .post(s.url("/login"))
        .json(&json!({"username": "admin", "password": pw.trim()}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    cookie_of(&r)
}

/// A session whose user has changed the generated password (to `NEW_PASSWORD`).
async fn full_session(s: &Server) -> String {
    let pw = std::fs::read_to_string(s.data_dir.join("initial-admin-password")).unwrap();
    let cookie = first_login(s).await;
    let r = client()
        .post(s.url("/api/v1/user/password"))
        .header("Cookie", &cookie)
        .header("Origin", &s.base)
        .json(&json!({"currentPassword": pw.trim(), "newPassword": NEW_PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    cookie_of(&r)
}

const NEW_PASSWORD: &str = "a much better one";

async fn answer(rb: RequestBuilder) -> (u16, Value) {
    let r = rb.send().await.unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn expect_error(rb: RequestBuilder, status: u16, code: &str) -> Value {
    let (st, v) = answer(rb).await;
    assert_eq!((st, v["error"].as_str()), (status, Some(code)), "{v}");
    assert!(v["message"].as_str().is_some_and(|m| m.len() > 20), "{v}");
    v
}

async fn tag_labels(s: &Server) -> Vec<String> {
    get_json(s, "/api/v3/tag")
        .await
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["label"].as_str().unwrap().to_string())
        .collect()
}

async fn breaker_state(s: &Server, service: &str) -> String {
    get_json(s, &format!("/api/v1/circuit-breakers/{service}")).await["state"]
        .as_str()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn cookie_changes_must_come_from_this_servers_pages() {
    let dir = tempfile::tempdir().unwrap();
    let s = Server::start(dir.path(), &[]);
    let cookie = full_session(&s).await;
    let c = client();
    let with_cookie = |rb: RequestBuilder| rb.header("Cookie", &cookie);
    let tag =
        |label: &str| with_cookie(c.post(s.url("/api/v3/tag"))).json(&json!({ "label": label }));

    // A foreign page, a foreign Referer, and no Origin/Referer at all: refused, nothing created.
    let v = expect_error(
        tag("evil").header("Origin", EVIL),
        403,
        "cross_site_request",
    )
    .await;
    assert!(v["message"].as_str().unwrap().contains(EVIL), "{v}");
    expect_error(
        tag("evil").header("Referer", format!("{EVIL}/page")),
        403,
        "cross_site_request",
    )
    .await;
    let v = expect_error(tag("evil"), 403, "cross_site_request").await;
    assert!(v["message"].as_str().unwrap().contains("Origin"), "{v}");
    // The port is part of the origin.
    let other_port = s.base.rsplit_once(':').unwrap().0.to_string() + ":1";
    expect_error(
        tag("evil").header("Origin", &other_port),
        403,
        "cross_site_request",
    )
    .await;
    assert!(tag_labels(&s).await.is_empty());

    // Bodiless state changes: the breaker test endpoint, manual breaker control, retry-queue.
    for path in [
        "/api/test/circuit-breaker/qbittorrent",
        "/api/v1/circuit-breakers/qbittorrent/open",
    ] {
        expect_error(
            with_cookie(c.post(s.url(path))).header("Origin", EVIL),
            403,
            "cross_site_request",
        )
        .await;
        expect_error(with_cookie(c.post(s.url(path))), 403, "cross_site_request").await;
    }
    assert_eq!(breaker_state(&s, "qbittorrent").await, "closed");
    expect_error(
        with_cookie(c.post(s.url("/api/v1/retry-queue/1/retry"))).header("Origin", EVIL),
        403,
        "cross_site_request",
    )
    .await;
    expect_error(
        with_cookie(c.delete(s.url("/api/v1/retry-queue/1"))).header("Origin", EVIL),
        403,
        "cross_site_request",
    )
    .await;

    // Reads are not changes: a foreign Origin on a GET is answered.
    let (st, _) = answer(with_cookie(c.get(s.url("/api/v3/tag"))).header("Origin", EVIL)).await;
    assert_eq!(st, 200);

    // This server's own pages: by Origin, or by Referer when the browser sent no Origin.
    let (st, v) = answer(tag("by-origin").header("Origin", &s.base)).await;
    assert_eq!(st, 201, "{v}");
    let (st, v) = answer(tag("by-referer").header("Referer", s.url("/#/settings"))).await;
    assert_eq!(st, 201, "{v}");
    // Behind a TLS proxy that names the public host and scheme.
    let proxied = |origin: &str| {
        tag("proxied")
            .header("Origin", origin)
            .header("X-Forwarded-Host", "movies.example.com")
            .header("X-Forwarded-Proto", "https")
    };
    expect_error(
        proxied("http://movies.example.com"),
        403,
        "cross_site_request",
    )
    .await;
    let (st, v) = answer(proxied("https://movies.example.com")).await;
    assert_eq!(st, 201, "{v}");
    let (st, v) = answer(
        with_cookie(c.post(s.url("/api/test/circuit-breaker/qbittorrent")))
            .header("Origin", &s.base),
    )
    .await;
    assert_eq!((st, v["state"].as_str()), (200, Some("open")), "{v}");
    assert_eq!(
        tag_labels(&s).await,
        ["by-origin", "by-referer", "proxied"],
        "only the same-origin requests made tags"
    );

    // API-key callers send no Origin (Radarr clients) and are never refused for one.
    let key = s.api_key();
    let (st, v) = answer(
        c.post(s.url("/api/v3/tag"))
            .header("X-Api-Key", &key)
            .header("Origin", EVIL)
            .json(&json!({"label": "by-key"})),
    )
    .await;
    assert_eq!(st, 201, "{v}");
    let (st, v) = answer(c.post(s.url(&format!(
        "/api/v1/circuit-breakers/qbittorrent/close?apikey={key}"
    ))))
    .await;
    assert_eq!((st, v["state"].as_str()), (200, Some("closed")), "{v}");
    let (st, v) = answer(
        c.post(s.url("/api/test/circuit-breaker/tmdb"))
            .header("Authorization", format!("Bearer {key}"))
            .header("Cookie", &cookie)
            .header("Origin", EVIL),
    )
    .await;
    assert_eq!((st, v["state"].as_str()), (200, Some("open")), "{v}");
    s.stop();
}

#[tokio::test]
async fn login_and_logout_refuse_a_foreign_page() {
    let dir = tempfile::tempdir().unwrap();
    let s = Server::start(dir.path(), &[]);
    let pw = std::fs::read_to_string(dir.path().join("initial-admin-password")).unwrap();
    let c = client();
    let login = || {
        c.post(s.url("/login"))
            .json(&json!({"username": "admin", "password": pw.trim()}))
    };
    for rb in [
        login().header("Origin", EVIL),
        login().header("Origin", "null"),
        login().header("Referer", format!("{EVIL}/")),
    ] {
        let r = rb.send().await.unwrap();
        assert_eq!(r.status(), 403);
        assert!(!r.headers().contains_key("set-cookie"));
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["error"], "cross_site_request", "{v}");
    }
    // curl and scripts send neither header; the login page sends this server's Origin.
    let r = login().send().await.unwrap();
    assert_eq!(r.status(), 200);
    let r = login().header("Origin", &s.base).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let cookie = cookie_of(&r);
    let r = c
        .post(s.url("/login"))
        .form(&[("username", "admin"), ("password", pw.trim())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "form logins still work");

    // A foreign page cannot log the user out either.
    expect_error(
        c.post(s.url("/logout"))
            .header("Cookie", &cookie)
            .header("Origin", EVIL),
        403,
        "cross_site_request",
    )
    .await;
    let session = || c.get(s.url("/api/v1/session")).header("Cookie", &cookie);
    assert_eq!(session().send().await.unwrap().status(), 200);
    let (st, _) = answer(
        c.post(s.url("/logout"))
            .header("Cookie", &cookie)
            .header("Origin", &s.base),
    )
    .await;
    assert_eq!(st, 200);
    assert_eq!(session().send().await.unwrap().status(), 401);
    s.stop();
}

#[tokio::test]
async fn json_endpoints_need_a_json_content_type() {
    let dir = tempfile::tempdir().unwrap();
    let s = Server::start(dir.path(), &[]);
    let c = client();
    let key = s.api_key();
    let raw = |c: &Client, m: reqwest::Method, path: &str, body: &str| {
        c.request(m, s.url(path))
            .header("X-Api-Key", &key)
            .body(body.to_string())
    };
    use reqwest::Method as M;
    let tag = r#"{"label":"x"}"#;
    for ct in [
        None,
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
    ] {
        let mut rb = raw(&c, M::POST, "/api/v3/tag", tag);
        if let Some(ct) = ct {
            rb = rb.header("Content-Type", ct);
        }
        let v = expect_error(rb, 415, "unsupported_media_type").await;
        assert!(
            v["message"].as_str().unwrap().contains("application/json"),
            "{v}"
        );
    }
    assert!(tag_labels(&s).await.is_empty());
    for (m, path, body) in [
        (
            M::PUT,
            "/api/v1/circuit-breakers/qbittorrent",
            r#"{"failure_threshold":9}"#,
        ),
        (
            M::POST,
            "/api/test/circuit-breaker/qbittorrent",
            r#"{"action":"reset"}"#,
        ),
        (
            M::POST,
            "/api/v3/command",
            r#"{"name":"RefreshMonitoredDownloads"}"#,
        ),
        (
            M::POST,
            "/api/v1/downloads",
            r#"{"magnet":"magnet:?xt=urn:btih:0"}"#,
        ),
        (M::POST, "/api/v3/rootfolder", r#"{"path":"/tmp"}"#),
    ] {
        expect_error(
            raw(&c, m.clone(), path, body),
            415,
            "unsupported_media_type",
        )
        .await;
        expect_error(
            raw(&c, m, path, body).header("Content-Type", "text/plain"),
            415,
            "unsupported_media_type",
        )
        .await;
    }
    assert_eq!(
        get_json(&s, "/api/v1/circuit-breakers/qbittorrent").await["config"]["failure_threshold"]
            .as_u64()
            .map(|n| n != 9),
        Some(true),
        "the refused PUT changed nothing"
    );

    // JSON bodies, and bodiless POSTs by API key, still work.
    let (st, v) = answer(
        raw(&c, M::POST, "/api/v3/tag", tag)
            .header("Content-Type", "application/json; charset=utf-8"),
    )
    .await;
    assert_eq!(st, 201, "{v}");
    let (st, v) = answer(raw(
        &c,
        M::POST,
        "/api/test/circuit-breaker/qbittorrent",
        "",
    ))
    .await;
    assert_eq!((st, v["state"].as_str()), (200, Some("open")), "{v}");
    let (st, v) = answer(
        raw(
            &c,
            M::POST,
            "/api/test/circuit-breaker/qbittorrent",
            r#"{"action":"reset"}"#,
        )
        .header("Content-Type", "application/json"),
    )
    .await;
    assert_eq!((st, v["state"].as_str()), (200, Some("closed")), "{v}");

    // Login reads JSON or a form, and says so.
    let v = expect_error(
        c.post(s.url("/login"))
            .body(r#"{"username":"admin","password":"x"}"#),
        415,
        "unsupported_media_type",
    )
    .await;
    let m = v["message"].as_str().unwrap();
    assert!(
        m.contains("application/json") && m.contains("application/x-www-form-urlencoded"),
        "{v}"
    );
    s.stop();
}

#[tokio::test]
async fn the_generated_password_must_be_changed_first() {
    let dir = tempfile::tempdir().unwrap();
    let s = Server::start(dir.path(), &[]);
    let pw = std::fs::read_to_string(dir.path().join("initial-admin-password")).unwrap();
    let c = client();
    let cookie = first_login(&s).await;
    let get = |path: &str| c.get(s.url(path)).header("Cookie", &cookie);

    let (st, v) = answer(get("/api/v1/session")).await;
    assert_eq!((st, &v["mustChangePassword"]), (200, &json!(true)), "{v}");
    for path in [
        "/api/v3/movie",
        "/api/v3/system/status",
        "/api/v1/circuit-breakers",
        "/api/v1/retry-queue",
        "/metrics",
        "/api/openapi.json",
    ] {
        expect_error(get(path), 403, "password_change_required").await;
    }
    expect_error(
        c.post(s.url("/api/v3/tag"))
            .header("Cookie", &cookie)
            .header("Origin", &s.base)
            .json(&json!({"label": "x"})),
        403,
        "password_change_required",
    )
    .await;
    // The page, its assets and the login page still load, so the UI can ask for the new password.
    for path in ["/", "/static/app.js", "/login"] {
        assert_eq!(get(path).send().await.unwrap().status(), 200, "{path}");
    }
    // The API key has no user and no password to change.
    let (st, _) = answer(
        c.get(s.url("/api/v3/movie"))
            .header("X-Api-Key", s.api_key()),
    )
    .await;
    assert_eq!(st, 200);

    // A second such session can still log out.
    let other = first_login(&s).await;
    let (st, _) = answer(
        c.post(s.url("/logout"))
            .header("Cookie", &other)
            .header("Origin", &s.base),
    )
    .await;
    assert_eq!(st, 200);

    // After the change, the new session reaches everything.
    let (st, v) = answer(
        c.post(s.url("/api/v1/user/password"))
            .header("Cookie", &cookie)
            .header("Origin", &s.base)
            .json(&json!({"currentPassword": pw.trim(), "newPassword": NEW_PASSWORD})),
    )
    .await;
    assert_eq!(st, 200, "{v}");
    let r = c
        .post(s.url("/login"))
        .json(&json!({"username": "admin", "password": NEW_PASSWORD}))
        .send()
        .await
        .unwrap();
    let fresh = cookie_of(&r);
    let (st, v) = answer(c.get(s.url("/api/v3/movie")).header("Cookie", &fresh)).await;
    assert_eq!(st, 200, "{v}");
    s.stop();
}
