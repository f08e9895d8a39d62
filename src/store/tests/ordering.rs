//! Orderings and cascades that must agree between the PostgreSQL and SQLite backends.

use crate::domain::movie::NewMovie;
use crate::store::Store;
use crate::store::{LibraryStore, NewHistory, NewMovieFile, PostgresStore};
use reelarr_testkit::postgres as pg_harness;
use serde_json::json;

/// Adds movies and root folders whose order depends on collation; returns what the store lists.
async fn orders(s: &dyn Store) -> (Vec<String>, Vec<String>, Vec<i64>) {
    let p = s
        .add_profile("Any", &json!({"items": [1, 2.5]}))
        .await
        .unwrap();
    assert_eq!(
        s.profiles().await.unwrap()[0].data,
        json!({"items": [1, 2.5]})
    );
    let mut ids = Vec::new();
    for (tmdb, title) in [(1, "beta"), (2, "Alpha"), (3, "_under"), (4, "Zulu")] {
        let m = s
            .add_movie(&NewMovie {
                tmdb_id: tmdb,
                imdb_id: None,
                title: title.into(),
                year: 2000,
                monitored: true,
                minimum_availability: "released".into(),
                quality_profile_id: p.id,
                root_folder_path: "/m".into(),
                path: format!("/m/{title}"),
                tags: vec![],
                metadata: json!({}).into(),
            })
            .await
            .unwrap();
        ids.push(m.id);
    }
    let titles = s
        .movies()
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.title)
        .collect();
    for path in ["/b", "/B", "/a"] {
        s.add_root_folder(path).await.unwrap();
    }
    let paths = s
        .root_folders()
        .await
        .unwrap()
        .into_iter()
        .map(|f| f.path)
        .collect();
    (titles, paths, ids)
}

/// Ordering and round trips beyond the shared suite, checked against SQLite itself: NOCASE
/// title order, byte-order root folders, history per movie, `ON DELETE SET NULL` for history.
#[tokio::test]
async fn ordering_and_cascades_match_sqlite() {
    let Some(db) = pg_harness::fresh_db().await else {
        return;
    };
    let s = PostgresStore::open(&db.url, 2).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let lite = crate::store::SqliteStore::open(dir.path().join("t.db"), 1000, 1)
        .await
        .unwrap();
    let (titles, paths, ids) = orders(&s).await;
    let (lite_titles, lite_paths, _) = orders(&lite).await;
    assert_eq!(titles, lite_titles);
    assert_eq!(paths, lite_paths);
    // NOCASE folds ASCII letters to lower case, so '_' (0x5F) sorts before 'a'.
    assert_eq!(titles, ["_under", "Alpha", "beta", "Zulu"]);
    assert_eq!(paths, ["/B", "/a", "/b"]);

    for id in &ids[..2] {
        s.add_history(&NewHistory {
            movie_id: Some(*id),
            event_type: "grabbed".into(),
            source_title: "x".into(),
            quality: json!({}),
            download_id: None,
            data: json!({}),
        })
        .await
        .unwrap();
    }
    assert_eq!(s.history(Some(ids[0]), 1, 10).await.unwrap().total, 1);
    assert_eq!(s.history(None, 0, 0).await.unwrap().records.len(), 1);
    s.delete_movie(ids[0]).await.unwrap();
    let h = s.history(None, 1, 10).await.unwrap();
    assert_eq!(h.total, 2);
    assert_eq!(h.records[1].movie_id, None, "ON DELETE SET NULL");
    assert!(s.command(12345).await.unwrap().is_none());
    assert!(!s.delete_movie_file(ids[1]).await.unwrap());
    assert!(matches!(
        s.set_movie_file(
            9999,
            &NewMovieFile {
                relative_path: "x.mkv".into(),
                size: 1,
                quality: json!({}),
                release_group: None,
                edition: None,
            }
        )
        .await,
        Err(crate::store::StoreError::Constraint(_))
    ));
    assert_eq!(
        s.schema_version().await.unwrap(),
        crate::store::latest_version()
    );
    drop(s);
    db.drop_db().await;
}
