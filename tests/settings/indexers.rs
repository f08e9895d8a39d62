//! Indexers through `/api/v3/indexer`: used by the next search without a restart, removed with
//! their breaker, kept across a restart, secrets masked, bad input refused naming the field.

use super::*;

#[tokio::test]
async fn added_indexer_is_searched_at_once_and_a_deleted_one_loses_its_breaker() {
    let tz = torznab("key-1");
    let dir = tempfile::tempdir().unwrap();
    let library = tempfile::tempdir().unwrap();
    let s = start(dir.path(), &[]);
    let movie = add_movie(&s, library.path()).await;
    let release = format!("/api/v3/release?movieId={movie}");
    let before = get(&s, &release).await;
    assert_eq!(
        before.as_array().unwrap().len(),
        0,
        "no indexer yet: {before}"
    );

    let (st, added) = send(
        &s,
        Method::POST,
        "/api/v3/indexer",
        Some(torznab_body("Tracker (Prowlarr)", &tz.url("/1/"), "key-1")),
    )
    .await;
    assert_eq!(st, 201, "{added}");
    assert_schema("IndexerResource", &added);
    assert_eq!(
        field(&added, "apiKey"),
        "********",
        "the key is never echoed"
    );
    assert_eq!(added["protocol"], "torrent");
    let id = added["id"].as_i64().unwrap();
    assert!(breakers(&s)
        .await
        .contains(&"torznab:Tracker (Prowlarr)".to_string()));

    // The next search asks it (no restart), with the key it was given.
    let found = get(&s, &release).await;
    assert!(!found.as_array().unwrap().is_empty(), "{found}");
    assert_eq!(found[0]["indexer"], "Tracker (Prowlarr)", "{}", found[0]);
    assert_eq!(searches(&tz), vec!["key-1".to_string()]);
    assert!(
        tz.seen().iter().all(|r| r.path == "/1/api"),
        "{:?}",
        tz.seen()
    );

    let listed = get(&s, "/api/v3/indexer").await;
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_schema("IndexerResource", &listed[0]);
    assert_eq!(
        get(&s, &format!("/api/v3/indexer/{id}")).await["name"],
        "Tracker (Prowlarr)"
    );

    let (st, _) = send(&s, Method::DELETE, &format!("/api/v3/indexer/{id}"), None).await;
    assert_eq!(st, 200);
    assert!(
        !breakers(&s).await.iter().any(|b| b.starts_with("torznab:")),
        "the breaker is retired"
    );
    let detailed = get(&s, "/health/detailed").await;
    assert_eq!(detailed["torznab"], json!({}), "{detailed}");
    let after = get(&s, &release).await;
    assert_eq!(after.as_array().unwrap().len(), 0);
    assert_eq!(searches(&tz).len(), 1, "a deleted indexer is not asked");
    let (st, _) = send(&s, Method::GET, &format!("/api/v3/indexer/{id}"), None).await;
    assert_eq!(st, 404);
    tz.assert_clean();
}

#[tokio::test]
async fn secrets_are_masked_and_the_placeholder_keeps_the_stored_key() {
    let tz = torznab("key-1");
    let dir = tempfile::tempdir().unwrap();
    let library = tempfile::tempdir().unwrap();
    let s = start(dir.path(), &[]);
    let movie = add_movie(&s, library.path()).await;
    let (st, added) = send(
        &s,
        Method::POST,
        "/api/v3/indexer",
        Some(torznab_body("one", &tz.url("/1/"), "key-1")),
    )
    .await;
    assert_eq!(st, 201, "{added}");
    let id = added["id"].as_i64().unwrap();

    // What a client read (the placeholder included) is sent back with a new priority.
    let mut changed = added.clone();
    changed["priority"] = json!(10);
    let (st, put) = send(
        &s,
        Method::PUT,
        &format!("/api/v3/indexer/{id}"),
        Some(changed),
    )
    .await;
    assert_eq!(st, 202, "{put}");
    assert_eq!(put["priority"], 10);
    assert_eq!(field(&put, "apiKey"), "********");
    get(&s, &format!("/api/v3/release?movieId={movie}")).await;
    assert_eq!(
        searches(&tz),
        vec!["key-1".to_string()],
        "the stored key was kept"
    );

    // A wrong new key is refused by the test a save runs, and nothing changes.
    let (st, refused) = send(
        &s,
        Method::PUT,
        &format!("/api/v3/indexer/{id}"),
        Some(torznab_body("one", &tz.url("/1/"), "wrong")),
    )
    .await;
    assert_eq!(st, 400, "{refused}");
    assert_eq!(field_of(&refused), "apiKey", "{refused}");
    get(&s, &format!("/api/v3/release?movieId={movie}")).await;
    assert_eq!(searches(&tz)[1], "key-1");

    let body = s.log();
    assert!(!body.contains("key-1"), "a key never reaches the log");
    let all = get(&s, "/api/v3/indexer").await.to_string();
    assert!(!all.contains("key-1"), "{all}");
}

#[tokio::test]
async fn bad_input_is_a_400_naming_the_field_and_nothing_is_saved() {
    let dir = tempfile::tempdir().unwrap();
    let s = start(dir.path(), &[]);
    let tz = torznab("k");
    let cases: Vec<(Value, &str)> = vec![
        (
            json!({"name": "x", "implementation": "Rarbg", "fields": []}),
            "implementation",
        ),
        (
            json!({"name": "x", "implementation": "Newznab", "fields": []}),
            "implementation",
        ),
        (
            json!({"name": "x", "implementation": "Torznab", "fields": []}),
            "baseUrl",
        ),
        (torznab_body("x", "ftp://nowhere", "k"), "baseUrl"),
        (torznab_body("x", &tz.url("/1/"), "********"), "apiKey"),
        (torznab_body("", &tz.url("/1/"), "k"), "name"),
        (
            json!({"name": "x", "implementation": "Torznab", "priority": 99,
                "fields": [{"name": "baseUrl", "value": tz.url("/1/")}]}),
            "priority",
        ),
        (
            json!({"name": "x", "implementation": "Torznab",
                "fields": [{"name": "baseUrl", "value": tz.url("/1/")}, {"name": "minimumSeeders", "value": "many"}]}),
            "minimumSeeders",
        ),
    ];
    for (body, name) in cases {
        let (st, v) = send(
            &s,
            Method::POST,
            "/api/v3/indexer?forceSave=true",
            Some(body.clone()),
        )
        .await;
        assert_eq!(st, 400, "{body} → {v}");
        assert_eq!(field_of(&v), name, "{body} → {v}");
        assert_eq!(v["error"], "validation_failed");
    }
    let client = json!({"name": "q", "implementation": "QBittorrent",
        "fields": [{"name": "host", "value": "127.0.0.1"}, {"name": "port", "value": 0}]});
    let (st, v) = send(
        &s,
        Method::POST,
        "/api/v3/downloadclient?forceSave=true",
        Some(client),
    )
    .await;
    assert_eq!((st, field_of(&v)), (400, "port"), "{v}");
    let hdbits = json!({"name": "h", "implementation": "HDBits",
        "fields": [{"name": "username", "value": "u"}]});
    let (st, v) = send(
        &s,
        Method::POST,
        "/api/v3/indexer?forceSave=true",
        Some(hdbits),
    )
    .await;
    assert_eq!((st, field_of(&v)), (400, "apiKey"), "{v}");
    assert_eq!(
        get(&s, "/api/v3/indexer").await,
        json!([]),
        "nothing half-saved"
    );
    assert_eq!(get(&s, "/api/v3/downloadclient").await, json!([]));
    assert!(!breakers(&s).await.iter().any(|b| b.starts_with("torznab:")));

    // Names are unique (case-insensitively).
    let ok = torznab_body("Same", &tz.url("/1/"), "k");
    let (st, _) = send(&s, Method::POST, "/api/v3/indexer", Some(ok)).await;
    assert_eq!(st, 201);
    let dup = torznab_body("same", &tz.url("/2/"), "k");
    let (st, v) = send(&s, Method::POST, "/api/v3/indexer", Some(dup)).await;
    assert_eq!((st, field_of(&v)), (400, "name"), "{v}");
    let (st, v) = send(
        &s,
        Method::PUT,
        "/api/v3/indexer/424242",
        Some(torznab_body("z", &tz.url("/"), "k")),
    )
    .await;
    assert_eq!(st, 404, "{v}");
}

#[tokio::test]
async fn test_and_testall_answer_radarr_failures_naming_the_field() {
    let tz = torznab("good");
    let dir = tempfile::tempdir().unwrap();
    let s = start(dir.path(), &[]);
    let (st, v) = send(
        &s,
        Method::POST,
        "/api/v3/indexer/test",
        Some(torznab_body("t", &tz.url("/1/"), "good")),
    )
    .await;
    assert_eq!(st, 200, "{v}");
    let (st, v) = send(
        &s,
        Method::POST,
        "/api/v3/indexer/test",
        Some(torznab_body("t", &tz.url("/1/"), "bad")),
    )
    .await;
    assert_eq!(st, 400, "{v}");
    assert_eq!(v[0]["propertyName"], "apiKey", "{v}");
    assert_eq!(v[0]["severity"], "error");
    let dead = format!("http://127.0.0.1:{}/", reelarr_testkit::routes::dead_port());
    let (st, v) = send(
        &s,
        Method::POST,
        "/api/v3/indexer/test",
        Some(torznab_body("t", &dead, "good")),
    )
    .await;
    assert_eq!(st, 400, "{v}");
    assert_eq!(v[0]["propertyName"], "baseUrl", "{v}");
    // Trying out new settings never counts against the breaker of the client in use.
    for _ in 0..4 {
        let dc = json!({"name": "q", "implementation": "QBittorrent",
            "fields": [{"name": "host", "value": "127.0.0.1"}, {"name": "port", "value": reelarr_testkit::routes::dead_port()}]});
        let (st, v) = send(&s, Method::POST, "/api/v3/downloadclient/test", Some(dc)).await;
        assert_eq!(
            (st, v[0]["propertyName"].as_str()),
            (400, Some("host")),
            "{v}"
        );
    }
    let qbit = get(&s, "/api/v1/circuit-breakers/qbittorrent").await;
    assert_eq!(qbit["state"], "closed", "{qbit}");
    // A save is tested first; Prowlarr then retries with forceSave=true.
    let (st, v) = send(
        &s,
        Method::POST,
        "/api/v3/indexer",
        Some(torznab_body("down", &dead, "k")),
    )
    .await;
    assert_eq!((st, field_of(&v)), (400, "baseUrl"), "{v}");
    let (st, down) = send(
        &s,
        Method::POST,
        "/api/v3/indexer?forceSave=true",
        Some(torznab_body("down", &dead, "k")),
    )
    .await;
    assert_eq!(st, 201, "{down}");
    let (st, up) = send(
        &s,
        Method::POST,
        "/api/v3/indexer",
        Some(torznab_body("up", &tz.url("/1/"), "good")),
    )
    .await;
    assert_eq!(st, 201, "{up}");
    let (st, all) = send(&s, Method::POST, "/api/v3/indexer/testall", None).await;
    assert_eq!(st, 400, "{all}");
    let by_id = |id: &Value| {
        all.as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == *id)
            .unwrap()
            .clone()
    };
    assert_eq!(by_id(&up["id"])["isValid"], true);
    let failed = by_id(&down["id"]);
    assert_eq!(failed["isValid"], false);
    assert_eq!(failed["validationFailures"][0]["propertyName"], "baseUrl");
}

#[tokio::test]
async fn config_file_indexers_are_listed_read_only_and_keep_working() {
    let tz = torznab("cfg-key");
    let dir = tempfile::tempdir().unwrap();
    let library = tempfile::tempdir().unwrap();
    write_config(
        dir.path(),
        &format!(
            "[[indexers.torznab]]\nname = \"prowlarr\"\nurl = \"{}\"\napi_key = \"cfg-key\"\n",
            tz.url("/")
        ),
    );
    let s = start(dir.path(), &[]);
    let listed = get(&s, "/api/v3/indexer").await;
    assert_eq!(listed.as_array().unwrap().len(), 1, "{listed}");
    let ix = &listed[0];
    assert_schema("IndexerResource", ix);
    assert_eq!(ix["name"], "prowlarr");
    assert_eq!(field(ix, "apiKey"), "********");
    assert!(
        ix["message"]["message"]
            .as_str()
            .unwrap()
            .contains("config file"),
        "{ix}"
    );
    let id = ix["id"].as_i64().unwrap();
    let (st, v) = send(
        &s,
        Method::PUT,
        &format!("/api/v3/indexer/{id}"),
        Some(ix.clone()),
    )
    .await;
    assert_eq!(
        (st, v["error"].as_str()),
        (409, Some("provider_read_only")),
        "{v}"
    );
    let (st, _) = send(&s, Method::DELETE, &format!("/api/v3/indexer/{id}"), None).await;
    assert_eq!(st, 409);
    let clash = torznab_body("Prowlarr", &tz.url("/"), "cfg-key");
    let (st, v) = send(&s, Method::POST, "/api/v3/indexer", Some(clash)).await;
    assert_eq!((st, field_of(&v)), (400, "name"), "{v}");
    let movie = add_movie(&s, library.path()).await;
    let found = get(&s, &format!("/api/v3/release?movieId={movie}")).await;
    assert!(
        !found.as_array().unwrap().is_empty(),
        "the config's indexer still searches"
    );
    assert_eq!(searches(&tz), vec!["cfg-key".to_string()]);
}

#[tokio::test]
async fn a_restart_keeps_indexers_clients_and_their_breakers() {
    let tz = torznab("k");
    let dir = tempfile::tempdir().unwrap();
    let library = tempfile::tempdir().unwrap();
    let s = start(dir.path(), &[]);
    let (st, ix) = send(
        &s,
        Method::POST,
        "/api/v3/indexer",
        Some(torznab_body("kept", &tz.url("/1/"), "k")),
    )
    .await;
    assert_eq!(st, 201, "{ix}");
    let dc = json!({"name": "qbit", "implementation": "QBittorrent", "priority": 3,
        "fields": [{"name": "host", "value": "127.0.0.1"}, {"name": "port", "value": 9},
                   {"name": "username", "value": "u"}, {"name": "password", "value": "p"}]});
    let (st, dc) = send(
        &s,
        Method::POST,
        "/api/v3/downloadclient?forceSave=true",
        Some(dc),
    )
    .await;
    assert_eq!(st, 201, "{dc}");
    assert_schema("DownloadClientResource", &dc);
    assert_eq!(field(&dc, "password"), "********");
    let movie = add_movie(&s, library.path()).await;
    let (indexers, clients) = (
        get(&s, "/api/v3/indexer").await,
        get(&s, "/api/v3/downloadclient").await,
    );
    drop(s);

    let s = start(dir.path(), &[]);
    assert_eq!(get(&s, "/api/v3/indexer").await, indexers);
    assert_eq!(get(&s, "/api/v3/downloadclient").await, clients);
    assert!(breakers(&s).await.contains(&"torznab:kept".to_string()));
    let found = get(&s, &format!("/api/v3/release?movieId={movie}")).await;
    assert!(!found.as_array().unwrap().is_empty(), "{found}");
    let detailed = get(&s, "/health/detailed").await;
    let status = &detailed["services"]["qbittorrent"]["status"];
    assert_ne!(
        status, "unconfigured",
        "the stored client counts: {detailed}"
    );
}

/// The seeder rejections of a release search, by release title.
fn seeder_rejections(found: &Value) -> Vec<(String, String)> {
    found
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| {
            let title = r["title"].as_str().unwrap_or("").to_string();
            r["rejections"]
                .as_array()
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .filter(|x| x.contains("seeders"))
                .map(move |x| (title.clone(), x))
        })
        .collect()
}

#[tokio::test]
async fn an_indexers_categories_and_minimum_seeders_are_applied() {
    let tz = torznab("key-1");
    let dir = tempfile::tempdir().unwrap();
    let library = tempfile::tempdir().unwrap();
    let s = start(dir.path(), &[]);
    let movie = add_movie(&s, library.path()).await;
    let mut body = torznab_body("Cats", &tz.url("/1/"), "key-1");
    body["fields"][3]["value"] = json!([2040, 2045]);
    body["fields"][4]["value"] = json!(20);
    let (st, added) = send(&s, Method::POST, "/api/v3/indexer", Some(body)).await;
    assert_eq!(st, 201, "{added}");
    let id = added["id"].as_i64().unwrap();

    let release = format!("/api/v3/release?movieId={movie}");
    let found = get(&s, &release).await;
    let cats: Vec<String> = tz
        .seen()
        .iter()
        .filter(|r| r.q("t") != "caps")
        .map(|r| r.q("cat").to_string())
        .collect();
    assert_eq!(
        cats,
        vec!["2040,2045".to_string()],
        "the indexer's categories"
    );
    let rejected = seeder_rejections(&found);
    assert!(
        rejected
            .iter()
            .any(|(t, why)| t.contains("1080p") && why.contains("Minimum seeders: 20")),
        "12 seeders are below the indexer's 20: {found}"
    );
    assert!(
        rejected.iter().any(|(t, _)| t.contains("2160p")),
        "7 seeders are below 20 too: {rejected:?}"
    );
    assert!(
        rejected.iter().all(|(t, _)| !t.contains("WEB-DL")),
        "30 seeders pass: {rejected:?}"
    );

    // Lowered to 5 through the API: nothing is short of seeders any more.
    let mut changed = get(&s, &format!("/api/v3/indexer/{id}")).await;
    let fields = changed["fields"].as_array_mut().unwrap();
    for f in fields.iter_mut() {
        if f["name"] == "minimumSeeders" {
            f["value"] = json!(5);
        }
    }
    let (st, v) = send(
        &s,
        Method::PUT,
        &format!("/api/v3/indexer/{id}"),
        Some(changed),
    )
    .await;
    assert_eq!(st, 202, "{v}");
    let found = get(&s, &release).await;
    assert!(seeder_rejections(&found).is_empty(), "{found}");
    s.stop();
}
