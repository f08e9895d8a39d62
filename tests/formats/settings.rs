//! Quality definitions and Radarr's naming, media-management and host settings: Radarr's
//! shapes, persistence across a restart, field-named 400s, and honesty about what is used.

use super::*;

#[tokio::test]
async fn quality_definitions_have_radarrs_ids_and_persist() {
    let app = App::start(&[]).await;
    let defs = app.get("/api/v3/qualitydefinition").await;
    let list = defs.as_array().unwrap();
    assert_eq!(list.len(), 30);
    assert_eq!(list[0]["id"], 1);
    assert_eq!(list[0]["title"], "Unknown");
    for d in list {
        assert_radarr_shape("QualityDefinitionResource", d);
    }
    let webdl = list.iter().find(|d| d["title"] == "WEBDL-1080p").unwrap();
    assert_eq!(
        (
            &webdl["minSize"],
            &webdl["maxSize"],
            &webdl["preferredSize"]
        ),
        (&json!(0), &json!(100), &json!(95))
    );
    let id = webdl["id"].clone();
    assert_eq!(
        app.get(&format!("/api/v3/qualitydefinition/{id}")).await,
        *webdl
    );

    // Bulk update (recyclarr's call): all or nothing.
    let mut a = webdl.clone();
    a["minSize"] = json!(5.5);
    a["preferredSize"] = json!(60);
    a["maxSize"] = json!(80);
    let mut broken = list[1].clone();
    broken["minSize"] = json!(50);
    broken["maxSize"] = json!(10);
    let (st, e) = app
        .send(
            Method::PUT,
            "/api/v3/qualitydefinition/update",
            Some(json!([a.clone(), broken])),
        )
        .await;
    assert_eq!(st, 400, "{e}");
    assert_eq!(e["field"], "[1].maxSize");
    assert_eq!(
        app.get(&format!("/api/v3/qualitydefinition/{id}")).await,
        *webdl,
        "nothing half-saved"
    );
    let (st, all) = app
        .send(
            Method::PUT,
            "/api/v3/qualitydefinition/update",
            Some(json!([a.clone()])),
        )
        .await;
    assert_eq!(st, 202, "{all}");
    assert_eq!(all.as_array().unwrap().len(), 30);
    let (st, e) = app
        .send(
            Method::PUT,
            &format!("/api/v3/qualitydefinition/{id}"),
            Some(json!({"minSize": -1})),
        )
        .await;
    assert_eq!(st, 400, "{e}");
    assert_eq!(e["field"], "minSize");
    let (st, _) = app
        .send(Method::GET, "/api/v3/qualitydefinition/999", None)
        .await;
    assert_eq!(st, 404);

    let app = app.restart().await;
    let after = app.get(&format!("/api/v3/qualitydefinition/{id}")).await;
    assert_eq!(
        (
            &after["minSize"],
            &after["preferredSize"],
            &after["maxSize"]
        ),
        (&json!(5.5), &json!(60), &json!(80))
    );
    assert_eq!(
        app.get("/api/v3/qualitydefinition/limits").await,
        json!({"min": 0, "max": 2000})
    );
}

#[tokio::test]
async fn naming_and_media_management_are_used_and_persisted() {
    let app = App::start(&[]).await;
    let naming = app.get("/api/v3/config/naming").await;
    assert_radarr_shape("NamingConfigResource", &naming);
    assert_eq!(
        naming["standardMovieFormat"],
        "{Movie Title} ({Release Year}) [{Quality Title}]"
    );
    assert_eq!(
        naming["movieFolderFormat"],
        "{Movie Title} ({Release Year})"
    );
    let media = app.get("/api/v3/config/mediamanagement").await;
    assert_radarr_shape("MediaManagementConfigResource", &media);
    assert_eq!(media["copyUsingHardlinks"], true);

    let mut n = naming.clone();
    n["standardMovieFormat"] = json!("{Movie Title} ({Release Year}) {Quality Full}");
    let (st, saved) = app
        .send(Method::PUT, "/api/v3/config/naming", Some(n.clone()))
        .await;
    assert_eq!(st, 202, "{saved}");
    assert_eq!(saved["standardMovieFormat"], n["standardMovieFormat"]);
    let mut m = media.clone();
    m["copyUsingHardlinks"] = json!(false);
    let (st, saved) = app
        .send(Method::PUT, "/api/v3/config/mediamanagement/1", Some(m))
        .await;
    assert_eq!(st, 202, "{saved}");
    assert_eq!(saved["copyUsingHardlinks"], false);

    // Unknown tokens and renameMovies=false are refused, naming the field; nothing changes.
    let mut bad = n.clone();
    bad["standardMovieFormat"] = json!("{Movie CleanTitle} {Bogus}");
    let (st, e) = app
        .send(Method::PUT, "/api/v3/config/naming/1", Some(bad))
        .await;
    assert_eq!(st, 400, "{e}");
    assert_eq!(e["field"], "standardMovieFormat");
    let mut off = n.clone();
    off["renameMovies"] = json!(false);
    let (st, e) = app
        .send(Method::PUT, "/api/v3/config/naming", Some(off))
        .await;
    assert_eq!(st, 400, "{e}");
    assert_eq!(e["field"], "renameMovies");

    // The config file holds them (so a restart keeps them, and the importer reads them).
    let text = std::fs::read_to_string(app.dir.path().join("config.toml")).unwrap();
    assert!(text.contains("{Quality Full}"), "{text}");
    assert!(text.contains("use_hardlinks = false"), "{text}");
    let app = app.restart().await;
    assert_eq!(
        app.get("/api/v3/config/naming").await["standardMovieFormat"],
        n["standardMovieFormat"]
    );
    assert_eq!(
        app.get("/api/v3/config/mediamanagement").await["copyUsingHardlinks"],
        false
    );
}

#[tokio::test]
async fn host_settings_are_read_only_and_never_show_the_key() {
    let app = App::start(&[]).await;
    let host = app.get("/api/v3/config/host").await;
    assert_radarr_shape("HostConfigResource", &host);
    assert_eq!(host["apiKey"], "********");
    assert!(!host.to_string().contains(&app.s.api_key()));
    let (st, same) = app
        .send(Method::PUT, "/api/v3/config/host/1", Some(host.clone()))
        .await;
    assert_eq!(st, 202, "{same}");
    let mut moved = host.clone();
    moved["port"] = json!(9999);
    let (st, e) = app
        .send(Method::PUT, "/api/v3/config/host", Some(moved))
        .await;
    assert_eq!(st, 400, "{e}");
    assert_eq!(e["field"], "port");
}
