//! A replay of Prowlarr's "Applications → Radarr" full sync, read from Prowlarr's source
//! (`src/NzbDrone.Core/Applications/Radarr/Radarr.cs` and `RadarrV3Proxy.cs`): the status check,
//! the indexer schema (both `Newznab` and `Torznab` must be there: Prowlarr takes each with
//! `First`), the indexer list, then for each Prowlarr indexer a POST of a `Torznab` resource built
//! from the schema's sync fields (`baseUrl` = `<prowlarr>/<id>/`, `apiPath` = `/api`, `apiKey`,
//! `categories`, `minimumSeeders`, `seedCriteria.*`), retried with `?forceSave=true` after a 400;
//! on a change a GET of the remote indexer and a PUT `?forceSave=true` keeping the user's other
//! fields, tags and download client; on removal a DELETE. The key travels as `X-Api-Key`.

use super::*;

/// Prowlarr's `BuildRadarrIndexer`: the schema's Torznab entry with the sync fields filled in.
fn build(schema: &Value, prowlarr: &str, id: u32, name: &str, key: &str) -> Value {
    let torznab = schema
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["implementation"] == "Torznab")
        .expect("a Torznab schema");
    let sync = [
        "baseUrl",
        "apiPath",
        "apiKey",
        "categories",
        "minimumSeeders",
        "seedCriteria.seedRatio",
        "seedCriteria.seedTime",
    ];
    let mut fields: Vec<Value> = torznab["fields"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| sync.contains(&f["name"].as_str().unwrap()))
        .cloned()
        .collect();
    assert_eq!(
        fields.len(),
        sync.len(),
        "every sync field is in the schema"
    );
    for f in &mut fields {
        f["value"] = match f["name"].as_str().unwrap() {
            "baseUrl" => json!(format!("{}/{id}/", prowlarr.trim_end_matches('/'))),
            "apiPath" => json!("/api"),
            "apiKey" => json!(key),
            "categories" => json!([2000, 2010, 2020, 2030, 2040, 2045, 2050, 2060]),
            "minimumSeeders" => json!(1),
            _ => Value::Null,
        };
    }
    json!({
        "id": 0,
        "name": format!("{name} (Prowlarr)"),
        "enableRss": true,
        "enableAutomaticSearch": true,
        "enableInteractiveSearch": true,
        "priority": 25,
        "implementation": "Torznab",
        "configContract": torznab["configContract"],
        "fields": fields,
        "tags": []
    })
}

#[tokio::test]
async fn prowlarr_full_sync_adds_updates_and_removes_indexers() {
    let prowlarr = torznab("prowlarr-key");
    let dir = tempfile::tempdir().unwrap();
    let library = tempfile::tempdir().unwrap();
    let s = start(dir.path(), &[]);
    let movie = add_movie(&s, library.path()).await;

    let status = get(&s, "/api/v3/system/status").await;
    assert!(status["version"].is_string(), "{status}");
    let schema = get(&s, "/api/v3/indexer/schema").await;
    for implementation in ["Newznab", "Torznab"] {
        let entry = schema
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["implementation"] == implementation)
            .unwrap_or_else(|| panic!("Prowlarr needs {implementation} in the schema"));
        assert_schema("IndexerResource", entry);
    }
    assert_eq!(get(&s, "/api/v3/indexer").await, json!([]));

    // Add two; the first POST is tested, as Radarr does.
    let mut ids = Vec::new();
    for (pid, name) in [(1, "TrackerOne"), (2, "TrackerTwo")] {
        let body = build(&schema, &prowlarr.url(""), pid, name, "prowlarr-key");
        let (mut st, mut added) =
            send(&s, Method::POST, "/api/v3/indexer", Some(body.clone())).await;
        if st == 400 {
            (st, added) = send(
                &s,
                Method::POST,
                "/api/v3/indexer?forceSave=true",
                Some(body),
            )
            .await;
        }
        assert_eq!(st, 201, "{added}");
        assert_schema("IndexerResource", &added);
        ids.push(added["id"].as_i64().unwrap());
    }
    let names = breakers(&s).await;
    assert!(
        names.contains(&"torznab:TrackerOne (Prowlarr)".to_string()),
        "{names:?}"
    );
    assert!(
        names.contains(&"torznab:TrackerTwo (Prowlarr)".to_string()),
        "{names:?}"
    );
    let found = get(&s, &format!("/api/v3/release?movieId={movie}")).await;
    assert!(!found.as_array().unwrap().is_empty());
    let paths: Vec<String> = prowlarr
        .seen()
        .iter()
        .filter(|r| r.q("t") != "caps")
        .map(|r| r.path.clone())
        .collect();
    assert!(
        paths.contains(&"/1/api".to_string()) && paths.contains(&"/2/api".to_string()),
        "{paths:?}"
    );

    // UpdateIndexer: GET the remote one, keep the user's fields, tags and download client, PUT.
    let remote = get(&s, &format!("/api/v3/indexer/{}", ids[0])).await;
    let mut body = build(&schema, &prowlarr.url(""), 1, "TrackerOne", "prowlarr-key");
    body["id"] = json!(ids[0]);
    body["priority"] = json!(5);
    let ours: Vec<String> = body["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap().to_string())
        .collect();
    let kept: Vec<Value> = remote["fields"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| !ours.contains(&f["name"].as_str().unwrap().to_string()))
        .cloned()
        .collect();
    body["fields"].as_array_mut().unwrap().extend(kept);
    body["tags"] = remote["tags"].clone();
    body["downloadClientId"] = remote["downloadClientId"].clone();
    let (st, put) = send(
        &s,
        Method::PUT,
        &format!("/api/v3/indexer/{}?forceSave=true", ids[0]),
        Some(body),
    )
    .await;
    assert_eq!(st, 202, "{put}");
    assert_schema("IndexerResource", &put);
    assert_eq!(put["priority"], 5);

    // RemoveIndexer.
    let (st, _) = send(
        &s,
        Method::DELETE,
        &format!("/api/v3/indexer/{}", ids[1]),
        None,
    )
    .await;
    assert_eq!(st, 200);
    let left = get(&s, "/api/v3/indexer").await;
    assert_eq!(left.as_array().unwrap().len(), 1);
    assert_eq!(left[0]["name"], "TrackerOne (Prowlarr)");
    let names = breakers(&s).await;
    assert!(
        !names.contains(&"torznab:TrackerTwo (Prowlarr)".to_string()),
        "{names:?}"
    );
    prowlarr.assert_clean();
}
