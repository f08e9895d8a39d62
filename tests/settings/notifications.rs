//! Issue 13, item 6: connections through `/api/v3/notification` (Radarr's Webhook) receive
//! Radarr's payloads for a grab, an added and a deleted movie and a health issue; a dead or hung
//! receiver never slows a grab and opens its own breaker; `test` names the failure; the password
//! never shows in the API or the log.

use super::*;
use reelarr_testkit::http_fake::dead_url;
use std::time::{Duration, Instant};

const SECRET: &str = "hook-secret-pw";

/// A receiver that records every payload and answers 200.
fn receiver() -> Fake {
    Fake::start(|_| Ok(Reply::json("{}")))
}

/// Radarr's Webhook resource as its UI (and Notifiarr) sends it.
fn webhook_body(name: &str, url: &str, triggers: &[&str]) -> Value {
    let mut v = json!({
        "name": name,
        "implementation": "Webhook",
        "configContract": "WebhookSettings",
        "tags": [],
        "fields": [
            {"name": "url", "value": url},
            {"name": "method", "value": 1},
            {"name": "username", "value": "hook-user"},
            {"name": "password", "value": SECRET}
        ]
    });
    for t in triggers {
        v[*t] = json!(true);
    }
    v
}

/// Payloads of `event_type` the receiver got.
fn payloads(f: &Fake, event_type: &str) -> Vec<Value> {
    f.seen()
        .iter()
        .map(|s| s.json())
        .filter(|v| v["eventType"] == event_type)
        .collect()
}

async fn wait_for(f: &Fake, event_type: &str) -> Value {
    eventually(Duration::from_secs(20), || async {
        payloads(f, event_type).into_iter().next()
    })
    .await
    .unwrap_or_else(|| panic!("no {event_type} payload; got {:?}", f.seen()))
}

/// The first release a search finds for `movie`, grabbed by guid: (status, answer, time taken).
async fn grab_first(s: &Server, movie: i64) -> (u16, Value, Duration) {
    let found = get(s, &format!("/api/v3/release?movieId={movie}")).await;
    let guid = found[0]["guid"].clone();
    assert!(guid.is_string(), "a release to grab: {found}");
    let started = Instant::now();
    let (st, v) = send(
        s,
        Method::POST,
        "/api/v3/release",
        Some(json!({"guid": guid, "movieId": movie})),
    )
    .await;
    (st, v, started.elapsed())
}

fn breaker_state(all: &Value, service: &str) -> String {
    all.as_array()
        .unwrap()
        .iter()
        .find(|b| b["service"] == service)
        .map(|b| b["state"].as_str().unwrap_or("").to_string())
        .unwrap_or_else(|| panic!("no breaker {service} in {all}"))
}

#[tokio::test]
async fn a_grab_posts_radarrs_grab_payload_and_the_password_never_shows() {
    let hook = receiver();
    let tz = torznab("key-1");
    let dir = tempfile::tempdir().unwrap();
    let library = tempfile::tempdir().unwrap();
    let qbit = dead_url();
    let s = start(dir.path(), &[("QBITTORRENT_URL", qbit.as_str())]);

    let triggers = ["onGrab", "onMovieAdded", "onMovieDelete"];
    let (st, added) = send(
        &s,
        Method::POST,
        "/api/v3/notification",
        Some(webhook_body("Hook", &hook.url("/radarr"), &triggers)),
    )
    .await;
    assert_eq!(st, 201, "{added}");
    assert_schema("NotificationResource", &added);
    assert_eq!(field(&added, "password"), "********");
    assert_eq!(field(&added, "username"), "hook-user");
    assert_eq!(
        (added["onGrab"].as_bool(), added["onDownload"].as_bool()),
        (Some(true), Some(false))
    );
    assert_eq!(added["supportsOnGrab"], true);
    let id = added["id"].as_i64().unwrap();
    // As in Radarr, a save tests the connection first: the receiver got the Test payload.
    let test = wait_for(&hook, "Test").await;
    assert_eq!(test["movie"]["title"], "Test Title");
    assert!(breakers(&s)
        .await
        .contains(&"notification:Hook".to_string()));

    let (st, _) = send(
        &s,
        Method::POST,
        "/api/v3/indexer",
        Some(torznab_body("Tracker", &tz.url("/1/"), "key-1")),
    )
    .await;
    assert_eq!(st, 201);
    let movie = add_movie(&s, library.path()).await;
    let added_movie = wait_for(&hook, "MovieAdded").await;
    assert_eq!(added_movie["movie"]["id"], movie);
    assert_eq!(added_movie["addMethod"], "manual");

    let (st, g, took) = grab_first(&s, movie).await;
    assert!(st < 300, "{st} {g}");
    assert!(took < Duration::from_secs(5), "grab took {took:?}");
    let grab = wait_for(&hook, "Grab").await;
    for key in [
        "instanceName",
        "applicationUrl",
        "downloadClient",
        "downloadClientType",
    ] {
        assert!(grab[key].is_string(), "{key} in {grab}");
    }
    assert_eq!(grab["downloadClient"], "qBittorrent");
    let m = &grab["movie"];
    assert_eq!(
        (m["id"].as_i64(), m["title"].as_str(), m["year"].as_i64()),
        (Some(movie), Some("The Matrix"), Some(1999))
    );
    assert_eq!(m["tmdbId"], 603);
    assert!(m["folderPath"]
        .as_str()
        .unwrap()
        .ends_with("The Matrix (1999)"));
    assert!(m.get("imdbId").is_some() && m.get("releaseDate").is_some());
    assert_eq!(grab["remoteMovie"]["tmdbId"], 603);
    assert_eq!(grab["remoteMovie"]["title"], "The Matrix");
    let r = &grab["release"];
    assert!(
        r["releaseTitle"].as_str().unwrap().contains("Matrix"),
        "{r}"
    );
    assert_eq!(r["indexer"], "Tracker");
    assert!(
        r["quality"].is_string() && r["qualityVersion"].is_i64(),
        "{r}"
    );
    assert!(r["size"].as_u64().unwrap() > 0, "{r}");
    assert!(r["customFormats"].is_array() && r["customFormatScore"].is_i64());
    assert!(r.get("releaseGroup").is_some());
    assert!(grab["customFormatInfo"]["customFormats"].is_array());
    let seen = hook.seen();
    let post = seen
        .iter()
        .find(|x| x.json()["eventType"] == "Grab")
        .unwrap();
    assert_eq!(
        (post.method.as_str(), post.path.as_str()),
        ("POST", "/radarr")
    );
    assert_eq!(post.header("content-type"), "application/json");
    // Basic authentication with the stored user and password.
    assert_eq!(
        post.header("authorization"),
        "Basic aG9vay11c2VyOmhvb2stc2VjcmV0LXB3"
    );

    // A PUT sending the placeholder back keeps the password (the next payload still has it).
    let mut changed = get(&s, &format!("/api/v3/notification/{id}")).await;
    changed["onGrab"] = json!(false);
    let (st, v) = send(
        &s,
        Method::PUT,
        &format!("/api/v3/notification/{id}"),
        Some(changed),
    )
    .await;
    assert_eq!(st, 202, "{v}");
    assert_eq!(v["onGrab"], false);
    let (st, _) = send(&s, Method::DELETE, &format!("/api/v3/movie/{movie}"), None).await;
    assert_eq!(st, 200);
    let deleted = wait_for(&hook, "MovieDelete").await;
    assert_eq!(deleted["movie"]["id"], movie);
    assert_eq!(deleted["deletedFiles"], false);
    let seen = hook.seen();
    let last = seen.iter().find(|x| x.json()["eventType"] == "MovieDelete");
    assert_eq!(
        last.unwrap().header("authorization"),
        "Basic aG9vay11c2VyOmhvb2stc2VjcmV0LXB3"
    );

    let listed = get(&s, "/api/v3/notification").await;
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_schema("NotificationResource", &listed[0]);
    let schema = get(&s, "/api/v3/notification/schema").await;
    assert_eq!(schema[0]["implementation"], "Webhook");
    assert_schema("NotificationResource", &schema[0]);
    for doc in [&listed, &schema] {
        assert!(!doc.to_string().contains(SECRET), "{doc}");
    }
    let (st, _) = send(
        &s,
        Method::DELETE,
        &format!("/api/v3/notification/{id}"),
        None,
    )
    .await;
    assert_eq!(st, 200);
    assert!(!breakers(&s)
        .await
        .contains(&"notification:Hook".to_string()));
    let (_, log) = s.stop();
    assert!(!log.contains(SECRET), "the password is in the log");
}

#[tokio::test]
async fn a_dead_or_hung_receiver_never_slows_a_grab_and_opens_its_breaker() {
    let hung = Fake::start(|_| Ok(Reply::Hang));
    let health = receiver();
    let tz = torznab("key-1");
    let dir = tempfile::tempdir().unwrap();
    let library = tempfile::tempdir().unwrap();
    // One second per attempt, so the hung receiver's three attempts take seconds, not minutes.
    write_config(
        dir.path(),
        "[circuit_breakers.notification]\ncall_timeout_ms = 1000\nslow_call_ms = 1000\n",
    );
    let qbit = dead_url();
    let s = start(dir.path(), &[("QBITTORRENT_URL", qbit.as_str())]);
    let dead = dead_url();

    // Test with the receiver down: 400 naming the url and the failure.
    let (st, v) = send(
        &s,
        Method::POST,
        "/api/v3/notification/test",
        Some(webhook_body("Dead", &dead, &["onGrab"])),
    )
    .await;
    assert_eq!(st, 400, "{v}");
    assert_eq!(v[0]["propertyName"], "url", "{v}");
    let msg = v[0]["errorMessage"].as_str().unwrap();
    assert!(msg.contains("connect"), "{msg}");
    // Saving one runs the same test: refused, unless forceSave.
    let (st, v) = send(
        &s,
        Method::POST,
        "/api/v3/notification",
        Some(webhook_body("Dead", &dead, &["onGrab"])),
    )
    .await;
    assert_eq!((st, field_of(&v)), (400, "url"), "{v}");
    for (name, url) in [("Dead", dead.clone()), ("Hung", hung.url("/"))] {
        let (st, v) = send(
            &s,
            Method::POST,
            "/api/v3/notification?forceSave=true",
            Some(webhook_body(name, &url, &["onGrab"])),
        )
        .await;
        assert_eq!(st, 201, "{v}");
    }
    let (st, v) = send(
        &s,
        Method::POST,
        "/api/v3/notification",
        Some(webhook_body("Health", &health.url("/"), &["onHealthIssue"])),
    )
    .await;
    assert_eq!(st, 201, "{v}");
    let (st, _) = send(
        &s,
        Method::POST,
        "/api/v3/indexer",
        Some(torznab_body("Tracker", &tz.url("/1/"), "key-1")),
    )
    .await;
    assert_eq!(st, 201);
    let movie = add_movie(&s, library.path()).await;

    let (st, g, took) = grab_first(&s, movie).await;
    assert!(st < 300, "{st} {g}");
    assert!(took < Duration::from_secs(2), "grab took {took:?}");

    // Both receivers' breakers open (refused at once; hung after three 1 s timeouts).
    let open = eventually(Duration::from_secs(30), || async {
        let all = get(&s, "/api/v1/circuit-breakers").await;
        let states = (
            breaker_state(&all, "notification:Dead"),
            breaker_state(&all, "notification:Hung"),
        );
        (states.0 == "open" && states.1 == "open").then_some(())
    })
    .await;
    assert!(
        open.is_some(),
        "{}",
        get(&s, "/api/v1/circuit-breakers").await
    );
    assert_eq!(
        breaker_state(
            &get(&s, "/api/v1/circuit-breakers").await,
            "notification:Health"
        ),
        "closed"
    );
    let metrics = client()
        .get(s.url("/metrics"))
        .header("X-Api-Key", s.api_key())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains(
            "reelarr_circuit_breaker_state{service=\"notification:Dead\",state=\"open\"} 1"
        ),
        "{metrics}"
    );
    assert!(metrics.contains("reelarr_notifications_dropped_total 0"));
    let health_list = get(&s, "/api/v3/health").await;
    assert!(
        health_list
            .to_string()
            .contains("Notifications unavailable due to failures"),
        "{health_list}"
    );
    // The working connection heard about it as Radarr's Health event.
    let issue = eventually(Duration::from_secs(20), || async {
        payloads(&health, "Health")
            .into_iter()
            .find(|p| p["type"] == "NotificationStatusCheck")
    })
    .await
    .unwrap_or_else(|| panic!("no notification health issue: {:?}", health.seen()));
    assert_eq!(issue["level"], "error");
    assert_eq!(issue["type"], "NotificationStatusCheck");
    assert!(
        issue["message"].as_str().unwrap().contains("notification:"),
        "{issue}"
    );

    s.stop();
}

#[tokio::test]
async fn bad_connections_are_refused_naming_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let s = start(dir.path(), &[]);
    let hook = receiver();
    let mut unknown = webhook_body("X", &hook.url("/"), &["onGrab"]);
    unknown["implementation"] = json!("Pushover");
    let mut no_url = webhook_body("X", "", &["onGrab"]);
    no_url["fields"][0]["value"] = json!("");
    let mut placeholder = webhook_body("X", &hook.url("/"), &["onGrab"]);
    placeholder["fields"][3]["value"] = json!("********");
    let mut method = webhook_body("X", &hook.url("/"), &["onGrab"]);
    method["fields"][1]["value"] = json!(3);
    for (body, name) in [
        (unknown, "implementation"),
        (no_url, "url"),
        (placeholder, "password"),
        (method, "method"),
    ] {
        let (st, v) = send(&s, Method::POST, "/api/v3/notification", Some(body)).await;
        assert_eq!((st, field_of(&v)), (400, name), "{v}");
    }
    assert_eq!(get(&s, "/api/v3/notification").await, json!([]));
    assert!(hook.seen().is_empty(), "nothing tested or sent");
    s.stop();
}
