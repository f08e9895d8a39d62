//! API key in its three forms, session cookie, login throttling, `user set-password`.

use reelarr_testkit::app::*;
use std::io::Write;
use std::process::Stdio;

#[tokio::test]
async fn protected_routes_need_a_key_or_session() {
    let dir = tempfile::tempdir().unwrap();
    let s = Server::start(dir.path(), &[]);
    let c = client();
    let key = s.api_key();
    let url = s.url("/api/v1/session");

    let r = c.get(&url).send().await.unwrap();
    assert_eq!(r.status(), 401);
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["error"], "unauthorized");
    assert!(v["message"].as_str().unwrap().len() > 10);

    for bad in [
        c.get(&url).header("X-Api-Key", "0".repeat(32)),
        c.get(format!("{url}?apikey=nope")),
        c.get(&url).header("Authorization", "Bearer nope"),
        c.get(&url).header("Cookie", "reelarr_session=abc"),
    ] {
        assert_eq!(bad.send().await.unwrap().status(), 401);
    }
    for good in [
        c.get(&url).header("X-Api-Key", &key),
        c.get(format!("{url}?apikey={key}")),
        c.get(&url).header("Authorization", format!("Bearer {key}")),
    ] {
        let r = good.send().await.unwrap();
        assert_eq!(r.status(), 200);
        let v: serde_json::Value = r.json().await.unwrap();
        assert_eq!(v["method"], "api_key");
    }

    let pw = std::fs::read_to_string(dir.path().join("initial-admin-password")).unwrap();
    let r = c
        .post(s.url("/login"))
        .json(&serde_json::json!({"username": "admin", "password": pw.trim()}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let cookie = r.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["mustChangePassword"], true);
    let token = cookie.split(';').next().unwrap().to_string();
    let r = c.get(&url).header("Cookie", &token).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["username"], "admin");
    assert_eq!(v["mustChangePassword"], true);

    // Change the generated password; the old session ends, the new cookie works. (A browser
    // sends its page's Origin with every POST; cookie-authenticated changes need it.)
    let r = c
        .post(s.url("/api/v1/user/password"))
        .header("Cookie", &token)
        .header("Origin", &s.base)
        .json(
            &serde_json::json!({"currentPassword": pw.trim(), "newPassword": "a much better one"}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let new_cookie = r.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    assert_eq!(
        c.get(&url)
            .header("Cookie", &token)
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
    let v: serde_json::Value = c
        .get(&url)
        .header("Cookie", &new_cookie)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["mustChangePassword"], false);

    // Logout ends the session.
    c.post(s.url("/logout"))
        .header("Cookie", &new_cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(
        c.get(&url)
            .header("Cookie", &new_cookie)
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
    s.stop();
}

#[tokio::test]
async fn failed_logins_are_throttled_and_never_logged() {
    let dir = tempfile::tempdir().unwrap();
    let s = Server::start(dir.path(), &[]);
    let c = client();
    let wrong = "WrongPassword-7f3a";
    for i in 0..5 {
        let r = c
            .post(s.url("/login"))
            .json(&serde_json::json!({"username": "admin", "password": wrong}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 401, "attempt {i}");
        let v: serde_json::Value = r.json().await.unwrap();
        assert_eq!(v["error"], "invalid_credentials");
    }
    // Even the right password is refused while the address is throttled.
    let pw = std::fs::read_to_string(dir.path().join("initial-admin-password")).unwrap();
    let r = c
        .post(s.url("/login"))
        .json(&serde_json::json!({"username": "admin", "password": pw.trim()}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 429);
    assert!(r.headers().contains_key("retry-after"));
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["error"], "too_many_login_attempts");
    // Form logins (Radarr's login page style) go through the same path.
    let r = c
        .post(s.url("/login"))
        .form(&[("username", "admin"), ("password", wrong)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 429);
    let (_, log) = s.stop();
    assert!(!log.contains(wrong), "a password reached the log:\n{log}");
    assert!(log.contains("failed login"));
}

#[tokio::test]
async fn set_password_from_stdin_while_stopped() {
    let dir = tempfile::tempdir().unwrap();
    Server::start(dir.path(), &[]).stop();
    let mut child = command(dir.path(), &[])
        .args(["user", "set-password"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"correct horse battery\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!dir.path().join("initial-admin-password").exists());

    let s = Server::start(dir.path(), &[]);
    let r = client()
        .post(s.url("/login"))
        .json(&serde_json::json!({"username": "admin", "password": "correct horse battery"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["mustChangePassword"], false);
    s.stop();

    // Too short: refused with a reason, exit non-zero.
    let mut child = command(dir.path(), &[])
        .args(["user", "set-password"])
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"short\n").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("at least 8"));
}

/// Guesses spread over 20 loopback addresses (4 each, under the per-address limit of 5) are still
/// throttled by the global limit of 30 failures a minute.
#[tokio::test]
async fn guesses_from_many_addresses_hit_the_global_throttle() {
    let dir = tempfile::tempdir().unwrap();
    let s = Server::start(dir.path(), &[]);
    let mut statuses = Vec::new();
    for round in 0..4 {
        for a in 1..=20u8 {
            let c = reqwest::Client::builder()
                .local_address(std::net::IpAddr::from([127, 0, 0, a]))
                .timeout(std::time::Duration::from_secs(30))
                .build()
                .unwrap();
            let r = c
                .post(s.url("/login"))
                .json(
                    &serde_json::json!({"username": "admin", "password": format!("Guess-{round}")}),
                )
                .send()
                .await
                .unwrap();
            statuses.push(r.status().as_u16());
        }
    }
    let refused = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!(
        statuses.iter().filter(|s| **s == 401).count(),
        30,
        "exactly the global limit of wrong passwords is checked: {statuses:?}"
    );
    assert_eq!(refused, 50, "{statuses:?}");
}
