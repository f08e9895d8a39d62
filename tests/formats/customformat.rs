//! `/api/v3/customformat`: TRaSH-guide JSON round trip, Radarr's shapes, field-named 400s
//! with nothing stored, unique names, deletion leaving the profiles, persistence.

use super::*;
use reelarr::domain::custom_format::export_shape;

/// The TRaSH file without TRaSH's own keys (`trash_id`, scores, regex link): what Radarr's
/// export of the same format contains.
fn radarr_part(trash: &Value) -> Value {
    let mut v = trash.clone();
    v.as_object_mut()
        .unwrap()
        .retain(|k, _| !k.starts_with("trash_"));
    v
}

#[tokio::test]
async fn a_trash_custom_format_imports_and_exports_unchanged() {
    let app = App::start(&[]).await;
    for text in [TRASH_DV_HDR10, TRASH_BR_DISK] {
        let trash: Value = serde_json::from_str(text).unwrap();
        let (st, created) = app
            .send(Method::POST, "/api/v3/customformat", Some(trash.clone()))
            .await;
        assert_eq!(st, 201, "{created}");
        let id = created["id"].as_i64().unwrap();
        assert!(id > 0);
        let got = app.get(&format!("/api/v3/customformat/{id}")).await;
        assert_radarr_shape("CustomFormatResource", &got);
        assert_eq!(got, created);
        // Exported in the guide's shape, it is the file itself (modulo TRaSH's own keys).
        assert_eq!(export_shape(&got), radarr_part(&trash));
        // Radarr's API shape: fields as a list of Field objects.
        let field = &got["specifications"][0]["fields"][0];
        assert_eq!(field["name"], "value");
        assert_eq!(
            field["value"],
            trash["specifications"][0]["fields"]["value"]
        );
        // Sent back as it came (recyclarr's update), it is unchanged again.
        let (st, again) = app
            .send(
                Method::PUT,
                &format!("/api/v3/customformat/{id}"),
                Some(got.clone()),
            )
            .await;
        assert_eq!(st, 202, "{again}");
        assert_eq!(again, got);
    }
    let all = app.get("/api/v3/customformat").await;
    let names: Vec<&str> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["DV HDR10", "BR-DISK"]);
    for f in all.as_array().unwrap() {
        assert_radarr_shape("CustomFormatResource", f);
    }
    let schema = app.get("/api/v3/customformat/schema").await;
    for entry in schema.as_array().unwrap() {
        assert_radarr_shape("CustomFormatSpecificationSchema", entry);
    }
    // A restart keeps them, and every profile lists them at score 0.
    let app = app.restart().await;
    assert_eq!(app.get("/api/v3/customformat").await, all);
    let hd = app.profile("HD-1080p").await;
    let items: Vec<(i64, i64)> = hd["formatItems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["format"].as_i64().unwrap(), i["score"].as_i64().unwrap()))
        .collect();
    assert_eq!(items.len(), 2);
    assert!(items.iter().all(|(_, s)| *s == 0));
    assert_radarr_shape("QualityProfileResource", &hd);
}

async fn refused(app: &App, body: Value, field: &str) {
    let before = app.get("/api/v3/customformat").await;
    let (st, e) = app
        .send(Method::POST, "/api/v3/customformat", Some(body))
        .await;
    assert_eq!(st, 400, "{e}");
    assert_eq!(e["field"], field, "{e}");
    assert!(e["message"].as_str().unwrap().contains(field), "{e}");
    assert_eq!(
        app.get("/api/v3/customformat").await,
        before,
        "nothing half-saved"
    );
}

#[tokio::test]
async fn bad_input_is_a_400_naming_the_field_and_nothing_is_saved() {
    let app = App::start(&[]).await;
    let good = json!({"name": "Good", "implementation": "ReleaseTitleSpecification",
        "negate": false, "required": false, "fields": [{"name": "value", "value": "x265"}]});
    // The second condition's regex is broken: the first must not be stored either.
    let bad_regex = json!({"name": "HEVC", "implementation": "ReleaseTitleSpecification",
        "negate": false, "required": false, "fields": [{"name": "value", "value": "(x265"}]});
    refused(
        &app,
        json!({"name": "Broken", "specifications": [good, bad_regex]}),
        "specifications[1].fields.value",
    )
    .await;
    refused(
        &app,
        json!({"name": "Unknown", "specifications": [{"name": "n", "implementation": "NoSuchSpecification", "fields": []}]}),
        "specifications[0].implementation",
    )
    .await;
    refused(
        &app,
        json!({"name": "No value", "specifications": [{"name": "n", "implementation": "SourceSpecification", "fields": []}]}),
        "specifications[0].fields.value",
    )
    .await;
    refused(&app, json!({"name": "", "specifications": [good]}), "name").await;
    refused(
        &app,
        json!({"name": "Empty", "specifications": []}),
        "specifications",
    )
    .await;

    let (st, _) = app
        .send(
            Method::POST,
            "/api/v3/customformat",
            Some(json!({"name": "Good", "specifications": [good]})),
        )
        .await;
    assert_eq!(st, 201);
    refused(
        &app,
        json!({"name": "Good", "specifications": [good]}),
        "name",
    )
    .await;
    let (st, e) = app
        .send(
            Method::PUT,
            "/api/v3/customformat/999",
            Some(json!({"name": "X", "specifications": [good]})),
        )
        .await;
    assert_eq!(st, 404, "{e}");
}

#[tokio::test]
async fn a_deleted_format_leaves_every_profile() {
    let app = App::start(&[]).await;
    let (_, cf) = app
        .send(
            Method::POST,
            "/api/v3/customformat",
            Some(serde_json::from_str(TRASH_BR_DISK).unwrap()),
        )
        .await;
    let id = cf["id"].as_i64().unwrap();
    let mut hd = app.profile("HD-1080p").await;
    hd["formatItems"] = json!([{"format": id, "name": "BR-DISK", "score": -10000}]);
    let (st, saved) = app
        .send(
            Method::PUT,
            &format!("/api/v3/qualityprofile/{}", hd["id"]),
            Some(hd.clone()),
        )
        .await;
    assert_eq!(st, 202, "{saved}");
    assert_eq!(saved["formatItems"][0]["score"], -10000);
    // A profile naming a format that does not exist is refused, naming the field.
    let mut ghost = hd.clone();
    ghost["formatItems"] = json!([{"format": 4242, "score": 5}]);
    let (st, e) = app
        .send(
            Method::PUT,
            &format!("/api/v3/qualityprofile/{}", hd["id"]),
            Some(ghost),
        )
        .await;
    assert_eq!(st, 400, "{e}");
    assert_eq!(e["field"], "formatItems[0].format");
    let (st, _) = app
        .send(Method::DELETE, &format!("/api/v3/customformat/{id}"), None)
        .await;
    assert_eq!(st, 200);
    let (st, _) = app
        .send(Method::GET, &format!("/api/v3/customformat/{id}"), None)
        .await;
    assert_eq!(st, 404);
    for p in app.get("/api/v3/qualityprofile").await.as_array().unwrap() {
        assert_eq!(p["formatItems"], json!([]), "{}", p["name"]);
    }
}
