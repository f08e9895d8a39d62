//! Client tests against the in-process fake WebUI: what goes on the wire, re-login, the
//! login back-off, and how every failure mode is classified for the breaker.

use std::time::Duration;

use super::*;
use crate::breaker::{Classify, FailureClass, FailureKind};
use reelarr_testkit::qbit_fake::{self as fake, Fake};

const PW: &str = "correct horse";
const HASH: &str = "c12fe1c06bba254a9dc9f519b335aa7c1367a88a";

fn client(fake: &Fake, password: &str, timeout: Duration) -> QbitClient {
    QbitClient::new(
        crate::clients::http::shared_client(),
        format!("{}/", fake.base_url()),
        "admin",
        Secret::new(password),
        timeout,
    )
}

fn magnet_req() -> AddRequest {
    AddRequest {
        source: AddSource::Magnet(format!("magnet:?xt=urn:btih:{HASH}&dn=Demo")),
        category: Some("reelarr".into()),
        tags: vec!["a".into(), "b".into()],
        save_path: Some("/data/movies".into()),
        paused: true,
    }
}

#[tokio::test]
async fn sends_sid_cookie_csrf_headers_and_form_fields() {
    let fake = fake::start(PW).await;
    let c = client(&fake, PW, Duration::from_secs(5));
    assert_eq!(c.add(&magnet_req()).await.unwrap(), AddOutcome::Added);
    assert_eq!(c.version().await.unwrap(), "v4.5.2");

    let login = &fake.seen("/auth/login")[0];
    assert_eq!(login.method, "POST");
    assert_eq!(login.fields["username"], "admin");
    assert_eq!(login.fields["password"], PW);
    assert_eq!(login.cookie, None);

    let add = &fake.seen("/torrents/add")[0];
    assert_eq!(add.method, "POST");
    assert_eq!(add.cookie.as_deref(), Some("SID=sid1"));
    assert_eq!(
        add.referer.as_deref(),
        Some(format!("{}/", fake.base_url()).as_str())
    );
    assert_eq!(add.origin.as_deref(), Some(fake.base_url().as_str()));
    assert_eq!(
        add.fields["urls"],
        format!("magnet:?xt=urn:btih:{HASH}&dn=Demo")
    );
    assert_eq!(add.fields["category"], "reelarr");
    assert_eq!(add.fields["tags"], "a,b");
    assert_eq!(add.fields["savepath"], "/data/movies");
    assert_eq!(add.fields["paused"], "true");
    assert_eq!(fake.logins(), 1, "the session is reused");
}

#[tokio::test]
async fn uploads_torrent_files_as_multipart() {
    let fake = fake::start(PW).await;
    let c = client(&fake, PW, Duration::from_secs(5));
    let req = AddRequest {
        source: AddSource::TorrentFile {
            name: "demo.torrent".into(),
            bytes: b"d4:infod4:name1:xee".to_vec(),
        },
        ..magnet_req()
    };
    c.add(&req).await.unwrap();
    let add = &fake.seen("/torrents/add")[0];
    assert!(
        add.content_type
            .as_deref()
            .unwrap_or("")
            .starts_with("multipart/form-data"),
        "{add:?}"
    );
    assert!(add.body_len > 19);
}

#[tokio::test]
async fn logs_in_again_once_after_a_403() {
    let fake = fake::start(PW).await;
    let c = client(&fake, PW, Duration::from_secs(5));
    c.version().await.unwrap();
    fake.state.lock().expire_next = true;
    assert_eq!(c.version().await.unwrap(), "v4.5.2");
    assert_eq!(fake.logins(), 2);
    assert_eq!(
        fake.seen("/app/version").last().unwrap().cookie.as_deref(),
        Some("SID=sid2")
    );

    // A server that never accepts the session: one re-login, then a misconfigured error.
    fake.state.lock().reject_all_sessions = true;
    let err = c.version().await.unwrap_err();
    assert!(
        matches!(err, HttpError::Status { status: 403, .. }),
        "{err}"
    );
    assert!(matches!(err.classify(), FailureClass::Misconfigured(_)));
    assert_eq!(fake.logins(), 3);
}

#[tokio::test]
async fn wrong_password_backs_off_instead_of_storming() {
    let fake = fake::start(PW).await;
    let c = client(&fake, "wrong", Duration::from_secs(5));
    let calls = (0..20).map(|_| c.version());
    for r in futures_util::future::join_all(calls).await {
        let err = r.unwrap_err();
        assert!(matches!(err, HttpError::Api { auth: true, .. }), "{err}");
        assert!(matches!(err.classify(), FailureClass::Misconfigured(_)));
    }
    for _ in 0..20 {
        assert!(c.add(&magnet_req()).await.is_err());
    }
    assert_eq!(fake.logins(), 1, "one login attempt within the back-off");
    assert_eq!(c.login_attempts(), 1);
    let reason = c.login_failure().unwrap();
    assert!(reason.contains("wrong username or password"), "{reason}");
    assert!(fake.seen("/torrents/add").is_empty());

    c.set_login_backoff(Duration::from_millis(50));
    tokio::time::sleep(Duration::from_millis(80)).await;
    assert!(c.version().await.is_err());
    assert_eq!(fake.logins(), 2, "tries again once the back-off has passed");
}

#[tokio::test]
async fn ban_is_misconfigured_with_the_message() {
    let fake = fake::start(PW).await;
    fake.state.lock().banned = true;
    let c = client(&fake, PW, Duration::from_secs(5));
    let err = c.version().await.unwrap_err();
    let FailureClass::Misconfigured(reason) = err.classify() else {
        panic!("{err}")
    };
    assert!(reason.contains("banned"), "{reason}");
    assert!(c.version().await.is_err());
    assert_eq!(fake.logins(), 1);
}

#[tokio::test]
async fn add_answers_fails_415_and_lists_by_hash() {
    let fake = fake::start(PW).await;
    let c = client(&fake, PW, Duration::from_secs(5));
    fake.state.lock().add_answer = (200, "Fails.");
    assert_eq!(c.add(&magnet_req()).await.unwrap(), AddOutcome::Rejected);
    fake.state.lock().add_answer = (415, "Torrent file is not valid.");
    let err = c.add(&magnet_req()).await.unwrap_err();
    assert!(is_permanent(&err), "{err}");
    assert_eq!(
        err.classify(),
        FailureClass::Ignored,
        "415 does not trip the breaker"
    );
    fake.state.lock().add_answer = (200, "What?");
    assert!(matches!(
        c.add(&magnet_req()).await.unwrap_err(),
        HttpError::Decode { .. }
    ));

    fake.state.lock().torrents = vec![
        serde_json::json!({"hash": HASH, "name": "Demo", "category": "reelarr", "tags": "a, b",
                           "state": "metaDL", "eta": 8640000}),
        serde_json::json!({"hash": "other", "category": "tv"}),
    ];
    let list = c
        .torrents(Some("reelarr"), &[HASH.into(), "x".into()])
        .await
        .unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].tags, vec!["a", "b"]);
    let info = fake.seen("/torrents/info");
    assert_eq!(info[0].fields["hashes"], format!("{HASH}|x"));
    assert_eq!(info[0].fields["category"], "reelarr");

    c.delete(&[HASH.into()], false).await.unwrap();
    let del = &fake.seen("/torrents/delete")[0];
    assert_eq!(
        (
            del.fields["hashes"].as_str(),
            del.fields["deleteFiles"].as_str()
        ),
        (HASH, "false")
    );
}

#[tokio::test]
async fn failures_classify_for_the_breaker() {
    let fake = fake::start(PW).await;
    let c = client(&fake, PW, Duration::from_millis(300));
    fake.state.lock().fail_status = Some(503);
    let err = c.version().await.unwrap_err();
    assert_eq!(
        err.classify(),
        FailureClass::Failure(FailureKind::ServerError)
    );
    fake.state.lock().fail_status = None;

    fake.state.lock().delay = Duration::from_secs(2);
    let c2 = client(&fake, PW, Duration::from_millis(200));
    let err = c2.version().await.unwrap_err();
    assert_eq!(
        err.classify(),
        FailureClass::Failure(FailureKind::Timeout),
        "{err}"
    );

    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dead = QbitClient::new(
        crate::clients::http::shared_client(),
        format!("http://127.0.0.1:{port}"),
        "admin",
        Secret::new(PW),
        Duration::from_secs(1),
    );
    let err = dead.version().await.unwrap_err();
    assert_eq!(
        err.classify(),
        FailureClass::Failure(FailureKind::Connect),
        "{err}"
    );
    assert_eq!(dead.login_attempts(), 1);
    assert!(
        dead.login_failure().is_none(),
        "a connect error is not a login failure"
    );
}

#[tokio::test]
async fn the_password_never_shows() {
    let fake = fake::start(PW).await;
    let c = client(&fake, "s3cr3t-pw", Duration::from_secs(5));
    let err = c.version().await.unwrap_err();
    for shown in [format!("{c:?}"), format!("{err}"), format!("{err:?}")] {
        assert!(!shown.contains("s3cr3t-pw"), "{shown}");
    }
    let url = AddRequest {
        source: AddSource::Url(Secret::new("https://t/dl?passkey=PK123")),
        ..magnet_req()
    };
    assert!(!format!("{url:?}").contains("PK123"));
}
