//! A replay of recyclarr's Radarr sync, built from reading its source (read, not copied):
//! `src/Recyclarr.ServarrApi/System/SystemApiService.cs` (`system/status`),
//! `CustomFormat/CustomFormatApiService.cs` (GET/POST/PUT/DELETE `customformat`, the TRaSH
//! file's `fields` object sent as a list of `{name, value}`),
//! `QualityProfile/QualityProfileApiService.cs` (GET `qualityprofile/schema` and `qualityprofile`,
//! PUT/POST with every format's score), `QualityDefinition/QualityDefinitionApiService.cs`
//! (GET `qualitydefinition`, PUT `qualityDefinition/update`),
//! `MediaNaming/MediaNamingApiService.cs` (GET/PUT `config/naming` without an id) and
//! `MediaManagement/MediaManagementApiService.cs` (GET `config/mediamanagement`, PUT with the id).
//! Every call uses the `X-Api-Key` header and JSON, and unknown fields travel back unchanged.

use super::*;

/// A TRaSH file as recyclarr posts it: its own keys dropped, `fields` as Radarr's list.
fn as_recyclarr_sends(trash: &str) -> Value {
    let mut v: Value = serde_json::from_str(trash).unwrap();
    v.as_object_mut()
        .unwrap()
        .retain(|k, _| !k.starts_with("trash_"));
    for s in v["specifications"].as_array_mut().unwrap() {
        let fields: Vec<Value> = s["fields"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| json!({"name": k, "value": v}))
            .collect();
        s["fields"] = Value::Array(fields);
    }
    v
}

#[tokio::test]
async fn recyclarr_sync_replay() {
    let app = App::start(&[]).await;
    // 1. Version and app check.
    let status = app.get("/api/v3/system/status").await;
    assert_eq!(status["appName"], "Radarr");
    assert!(status["version"].is_string());

    // 2. Custom formats: list, create the missing ones, update a changed one.
    assert_eq!(app.get("/api/v3/customformat").await, json!([]));
    let mut ids = Vec::new();
    for trash in [TRASH_DV_HDR10, TRASH_BR_DISK] {
        let body = as_recyclarr_sends(trash);
        let (st, created) = app
            .send(Method::POST, "/api/v3/customformat", Some(body.clone()))
            .await;
        assert_eq!(st, 201, "{created}");
        assert_eq!(created["name"], body["name"]);
        ids.push(created["id"].as_i64().unwrap());
    }
    let mut listed = app.get("/api/v3/customformat").await;
    let dv = &mut listed.as_array_mut().unwrap()[0];
    dv["includeCustomFormatWhenRenaming"] = json!(true);
    let (st, updated) = app
        .send(
            Method::PUT,
            &format!("/api/v3/customformat/{}", ids[0]),
            Some(dv.clone()),
        )
        .await;
    assert_eq!(st, 202, "{updated}");
    assert_eq!(updated["includeCustomFormatWhenRenaming"], true);

    // 3. Quality profiles: the schema for a new one, the list for existing ones.
    let schema = app.get("/api/v3/qualityprofile/schema").await;
    assert_radarr_shape("QualityProfileResource", &schema);
    let schema_formats: Vec<i64> = schema["formatItems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["format"].as_i64().unwrap())
        .collect();
    assert_eq!(schema_formats, ids, "the schema lists every format");
    let mut new_profile = schema.clone();
    new_profile["name"] = json!("TRaSH HD Bluray + WEB");
    new_profile["upgradeAllowed"] = json!(true);
    new_profile["cutoff"] = json!(7);
    new_profile["minFormatScore"] = json!(0);
    new_profile["cutoffFormatScore"] = json!(10000);
    for item in new_profile["items"].as_array_mut().unwrap() {
        if item["quality"]["id"] == 7 || item["name"] == "WEB 1080p" {
            item["allowed"] = json!(true);
        }
    }
    new_profile["formatItems"] = json!([
        {"format": ids[0], "name": "DV HDR10", "score": 1500},
        {"format": ids[1], "name": "BR-DISK", "score": -10000},
    ]);
    let (st, created) = app
        .send(Method::POST, "/api/v3/qualityprofile", Some(new_profile))
        .await;
    assert_eq!(st, 201, "{created}");
    let profiles = app.get("/api/v3/qualityprofile").await;
    let mut hd = profiles
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "HD-1080p")
        .unwrap()
        .clone();
    for item in hd["formatItems"].as_array_mut().unwrap() {
        item["score"] = json!(if item["format"] == ids[1] { -10000 } else { 0 });
    }
    let (st, saved) = app
        .send(
            Method::PUT,
            &format!("/api/v3/qualityprofile/{}", hd["id"]),
            Some(hd.clone()),
        )
        .await;
    assert_eq!(st, 202, "{saved}");

    // 4. Quality sizes: read, then one bulk update of what changed.
    let defs = app.get("/api/v3/qualitydefinition").await;
    let changed: Vec<Value> = defs
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["title"] == "Bluray-1080p" || d["title"] == "WEBDL-1080p")
        .map(|d| {
            let mut d = d.clone();
            d["minSize"] = json!(33.8);
            d["preferredSize"] = json!(95);
            d["maxSize"] = json!(100);
            d
        })
        .collect();
    let (st, after) = app
        .send(
            Method::PUT,
            "/api/v3/qualityDefinition/update",
            Some(json!(changed)),
        )
        .await;
    assert_eq!(st, 202, "{after}");

    // 5. Naming (PUT without an id), 6. media management (PUT with it).
    let mut naming = app.get("/api/v3/config/naming").await;
    naming["standardMovieFormat"] =
        json!("{Movie Title} ({Release Year}) {Quality Full} {Release Group}");
    naming["renameMovies"] = json!(true);
    let (st, n) = app
        .send(Method::PUT, "/api/v3/config/naming", Some(naming.clone()))
        .await;
    assert_eq!(st, 202, "{n}");
    let mut media = app.get("/api/v3/config/mediamanagement").await;
    media["downloadPropersAndRepacks"] = json!("doNotPrefer");
    let (st, m) = app
        .send(
            Method::PUT,
            &format!("/api/v3/config/mediamanagement/{}", media["id"]),
            Some(media),
        )
        .await;
    assert_eq!(st, 202, "{m}");

    // What the next sync reads back is what was written.
    let profiles = app.get("/api/v3/qualityprofile").await;
    let trash = profiles
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "TRaSH HD Bluray + WEB")
        .unwrap();
    let scores: Vec<(i64, i64)> = trash["formatItems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["format"].as_i64().unwrap(), i["score"].as_i64().unwrap()))
        .collect();
    assert_eq!(scores, [(ids[0], 1500), (ids[1], -10000)]);
    assert_eq!(trash["cutoffFormatScore"], 10000);
    let bluray = app
        .get("/api/v3/qualitydefinition")
        .await
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["title"] == "Bluray-1080p")
        .unwrap()
        .clone();
    assert_eq!(bluray["minSize"], 33.8);
    assert_eq!(
        app.get("/api/v3/config/naming").await["standardMovieFormat"],
        naming["standardMovieFormat"]
    );
}
