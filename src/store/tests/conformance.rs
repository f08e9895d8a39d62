//! One behavioural test suite for every backend: the SQLite tests run it now, and a PostgreSQL
//! backend must pass the same function unchanged.

use crate::domain::movie::{BlocklistEntry, NewMovie};
use crate::store::{
    HistoryQuery, NewHistory, NewMovieFile, Session, Store, StoreError, StoredEvent, MAX_PAGE_SIZE,
};
use chrono::Utc;
use serde_json::json;

fn new_movie(tmdb_id: i64, profile: i64) -> NewMovie {
    NewMovie {
        tmdb_id,
        imdb_id: Some(format!("tt{tmdb_id:07}")),
        title: format!("Movie {tmdb_id}"),
        year: 1999,
        monitored: true,
        minimum_availability: "released".into(),
        quality_profile_id: profile,
        root_folder_path: "/movies".into(),
        path: format!("/movies/Movie {tmdb_id} (1999)"),
        tags: vec![1],
        metadata: json!({"overview": "x", "runtime": 136}).into(),
    }
}

/// Renaming and deleting tags: a taken label and a tag a movie carries are refused.
async fn tag_changes(s: &dyn Store, movie_id: i64) {
    let uhd = s.add_tag("uhd").await.unwrap();
    let hdr = s.add_tag("hdr").await.unwrap();
    let mut renamed = uhd.clone();
    renamed.label = "2160p".into();
    assert!(s.update_tag(&renamed).await.unwrap());
    assert!(s.tags().await.unwrap().contains(&renamed));
    renamed.label = "HDR".into();
    assert!(matches!(
        s.update_tag(&renamed).await,
        Err(StoreError::Constraint(_))
    ));
    renamed.id = 9999;
    assert!(!s.update_tag(&renamed).await.unwrap());

    let mut m = s.movie(movie_id).await.unwrap().unwrap();
    m.tags = vec![hdr.id];
    s.update_movie(&m).await.unwrap();
    assert!(matches!(
        s.delete_tag(hdr.id).await,
        Err(StoreError::Constraint(_))
    ));
    assert!(s.tags().await.unwrap().iter().any(|t| t.id == hdr.id));
    m.tags = vec![];
    s.update_movie(&m).await.unwrap();
    assert!(s.delete_tag(hdr.id).await.unwrap());
    assert!(!s.delete_tag(hdr.id).await.unwrap());
    assert!(s.delete_tag(uhd.id).await.unwrap());
}

/// Exercises every library operation and its error cases.
pub async fn library_suite(s: &dyn Store) {
    let p = s
        .add_profile("HD-1080p", &json!({"cutoff": 7}))
        .await
        .unwrap();
    assert!(matches!(
        s.add_profile("HD-1080p", &json!({})).await,
        Err(StoreError::Constraint(_))
    ));
    let m = s.add_movie(&new_movie(603, p.id)).await.unwrap();
    assert_eq!(m.tmdb_id, 603);
    assert!(m.file.is_none());
    assert_eq!(m.metadata.value()["runtime"], 136);
    assert!(matches!(
        s.add_movie(&new_movie(603, p.id)).await,
        Err(StoreError::Constraint(_))
    ));
    // A movie needs an existing profile.
    assert!(matches!(
        s.add_movie(&new_movie(604, 999)).await,
        Err(StoreError::Constraint(_))
    ));
    s.add_movie(&new_movie(100, p.id)).await.unwrap();
    assert_eq!(s.movies().await.unwrap().len(), 2);
    assert_eq!(s.movie_by_tmdb(603).await.unwrap().unwrap().id, m.id);

    let mut edit = m.clone();
    edit.monitored = false;
    edit.tags = vec![1, 2];
    let saved = s.update_movie(&edit).await.unwrap().unwrap();
    assert!(!saved.monitored);
    assert_eq!(saved.tags, vec![1, 2]);
    edit.id = 9999;
    assert!(s.update_movie(&edit).await.unwrap().is_none());

    let f = s
        .set_movie_file(
            m.id,
            &NewMovieFile {
                relative_path: "Movie (1999) [Bluray-1080p].mkv".into(),
                size: 8_000_000_000,
                quality: json!({"quality": {"id": 7}}),
                release_group: Some("GRP".into()),
                edition: None,
            },
        )
        .await
        .unwrap();
    let with_file = s.movie(m.id).await.unwrap().unwrap();
    assert_eq!(with_file.file.as_ref().unwrap().id, f.id);
    assert_eq!(with_file.file.unwrap().size, 8_000_000_000);
    assert!(s.delete_movie_file(m.id).await.unwrap());
    assert!(s.movie(m.id).await.unwrap().unwrap().file.is_none());

    // Profiles in use cannot be deleted.
    assert!(matches!(
        s.delete_profile(p.id).await,
        Err(StoreError::Constraint(_))
    ));

    let rf = s.add_root_folder("/movies").await.unwrap();
    assert!(matches!(
        s.add_root_folder("/movies").await,
        Err(StoreError::Constraint(_))
    ));
    assert_eq!(s.root_folders().await.unwrap(), vec![rf.clone()]);
    assert!(s.delete_root_folder(rf.id).await.unwrap());
    assert!(!s.delete_root_folder(rf.id).await.unwrap());

    let t = s.add_tag("4k").await.unwrap();
    assert_eq!(
        s.add_tag("4K").await.unwrap().id,
        t.id,
        "labels are case-insensitive"
    );
    assert_eq!(s.tags().await.unwrap().len(), 1);
    tag_changes(s, m.id).await;

    for i in 0..5 {
        s.add_history(&NewHistory {
            movie_id: Some(m.id),
            event_type: "grabbed".into(),
            source_title: format!("release {i}"),
            quality: json!({}),
            download_id: Some(format!("hash{i}")),
            data: json!({"indexer": "HDBits"}),
        })
        .await
        .unwrap();
    }
    let page = s.history(Some(m.id), 1, 2).await.unwrap();
    assert_eq!(page.total, 5);
    assert_eq!(page.records.len(), 2);
    assert_eq!(page.records[0].source_title, "release 4", "newest first");
    assert_eq!(s.history(None, 3, 2).await.unwrap().records.len(), 1);
    history_filters(s, m.id).await;

    let mut c = s
        .add_command("MoviesSearch", &json!({"movieIds": [m.id]}), "manual")
        .await
        .unwrap();
    assert_eq!(c.status, "queued");
    c.status = "completed".into();
    c.started_at = Some(chrono::Utc::now());
    c.ended_at = Some(chrono::Utc::now());
    s.update_command(&c).await.unwrap();
    let back = s.command(c.id).await.unwrap().unwrap();
    assert_eq!(back.status, "completed");
    assert!(back.ended_at.is_some());
    assert_eq!(s.commands(10).await.unwrap().len(), 1);
    // Only finished commands older than the cut-off are purged.
    let queued = s
        .add_command("RefreshMovie", &json!({}), "scheduled")
        .await
        .unwrap();
    let past = chrono::Utc::now() - chrono::Duration::days(1);
    assert_eq!(s.purge_commands(past).await.unwrap(), 0);
    let future = chrono::Utc::now() + chrono::Duration::seconds(5);
    assert_eq!(s.purge_commands(future).await.unwrap(), 1);
    assert!(s.command(c.id).await.unwrap().is_none());
    assert!(
        s.command(queued.id).await.unwrap().is_some(),
        "still queued: kept"
    );

    s.add_blocklist(&BlocklistEntry {
        id: 0,
        movie_id: Some(m.id),
        source_title: "bad release".into(),
        guid: Some("g".into()),
        info_hash: Some("abc".into()),
        reason: "import failed".into(),
        date: chrono::Utc::now(),
    })
    .await
    .unwrap();
    assert_eq!(s.blocklist(Some(m.id)).await.unwrap().len(), 1);
    // Deleting an entry lets the release be grabbed again; an unknown id is `false`.
    let gone = s
        .add_blocklist(&BlocklistEntry {
            id: 0,
            movie_id: Some(m.id),
            source_title: "forgiven release".into(),
            guid: None,
            info_hash: Some("def".into()),
            reason: "manual".into(),
            date: chrono::Utc::now(),
        })
        .await
        .unwrap();
    assert_eq!(
        s.blocklist(None).await.unwrap()[0].id,
        gone.id,
        "newest first"
    );
    assert!(s.delete_blocklist(gone.id).await.unwrap());
    assert!(!s.delete_blocklist(gone.id).await.unwrap());
    assert_eq!(s.blocklist(Some(m.id)).await.unwrap().len(), 1);

    assert!(s.delete_movie(m.id).await.unwrap());
    assert!(s.movie(m.id).await.unwrap().is_none());
    assert!(s.blocklist(Some(m.id)).await.unwrap().is_empty(), "cascade");
    assert_eq!(
        s.history(None, 1, 10).await.unwrap().total,
        8,
        "history outlives the movie"
    );
    // Radarr never reuses ids (Overseerr keeps them): the deleted newest movie's id stays retired.
    let again = s
        .add_movie(&new_movie(604, m.quality_profile_id))
        .await
        .unwrap();
    assert!(again.id > m.id, "id {} was handed out again", again.id);
    formats(s).await;
}

/// Quality definitions (an upsert of several rows in one statement) and custom formats (unique
/// names, update, delete).
async fn formats(s: &dyn Store) {
    use crate::store::{StoredDefinition, StoredFormat};
    assert!(s.quality_definitions().await.unwrap().is_empty());
    let row = |q: i64, min: f64| StoredDefinition {
        quality_id: q,
        data: json!({"title": "t", "minSize": min}),
    };
    s.set_quality_definitions(&[row(7, 1.5), row(3, 2.0)])
        .await
        .unwrap();
    s.set_quality_definitions(&[row(7, 9.5)]).await.unwrap();
    let got = s.quality_definitions().await.unwrap();
    assert_eq!(got, vec![row(3, 2.0), row(7, 9.5)]);

    let a = s
        .add_custom_format("x265", &json!({"specifications": []}))
        .await
        .unwrap();
    assert!(matches!(
        s.add_custom_format("x265", &json!({})).await,
        Err(StoreError::Constraint(_))
    ));
    let b = s.add_custom_format("DV", &json!({})).await.unwrap();
    assert!(b.id > a.id);
    let renamed = StoredFormat {
        name: "x265 (HD)".into(),
        ..a.clone()
    };
    assert!(s.update_custom_format(&renamed).await.unwrap());
    assert!(matches!(
        s.update_custom_format(&StoredFormat {
            name: "DV".into(),
            ..a.clone()
        })
        .await,
        Err(StoreError::Constraint(_))
    ));
    assert_eq!(s.custom_formats().await.unwrap(), vec![renamed, b.clone()]);
    assert!(s.delete_custom_format(a.id).await.unwrap());
    assert!(!s.delete_custom_format(a.id).await.unwrap());
    assert_eq!(s.custom_formats().await.unwrap(), vec![b]);
}

/// `history_query`: filters by movies, event types and download id, both orders, big pages.
/// Expects the five `grabbed` rows of `movie` written above.
async fn history_filters(s: &dyn Store, movie: i64) {
    let other = s
        .movies()
        .await
        .unwrap()
        .iter()
        .find(|x| x.id != movie)
        .unwrap()
        .id;
    for (movie_id, event, title, dl) in [
        (
            Some(other),
            "downloadFolderImported",
            "imported",
            Some("hash2"),
        ),
        (Some(other), "movie_file_deleted", "old spelling", None),
        (None, "downloadFailed", "no movie", Some("hashX")),
    ] {
        s.add_history(&NewHistory {
            movie_id,
            event_type: event.into(),
            source_title: title.into(),
            quality: json!({}),
            download_id: dl.map(str::to_string),
            data: json!({}),
        })
        .await
        .unwrap();
    }
    let all = s
        .history_query(&HistoryQuery::page(1, MAX_PAGE_SIZE + 5))
        .await
        .unwrap();
    assert_eq!(
        (all.total, all.records.len()),
        (8, 8),
        "page size is clamped, not refused"
    );
    assert_eq!(all.records[0].source_title, "no movie", "newest first");
    let mut q = HistoryQuery::page(1, 3);
    q.ascending = true;
    let oldest = s.history_query(&q).await.unwrap();
    assert_eq!(oldest.records[0].source_title, "release 0");
    assert_eq!(oldest.total, 8);

    let mut q = HistoryQuery::page(1, 50);
    q.event_types = vec!["downloadFolderImported".into(), "movie_file_deleted".into()];
    let page = s.history_query(&q).await.unwrap();
    assert_eq!(page.total, 2);
    assert!(page.records.iter().all(|r| r.movie_id == Some(other)));

    let mut q = HistoryQuery::page(1, 50);
    q.movie_ids = vec![movie, other];
    assert_eq!(s.history_query(&q).await.unwrap().total, 7);
    q.movie_ids = vec![other];
    q.download_id = Some("hash2".into());
    let page = s.history_query(&q).await.unwrap();
    assert_eq!(
        (page.total, page.records[0].source_title.as_str()),
        (1, "imported")
    );
    q.movie_ids = vec![];
    q.download_id = Some("hashX".into());
    assert_eq!(
        s.history_query(&q).await.unwrap().total,
        1,
        "no movie filter"
    );
    q.event_types = vec!["grabbed".into()];
    assert_eq!(
        s.history_query(&q).await.unwrap().total,
        0,
        "filters combine with AND"
    );
}

/// Users, sessions and breaker events: the same checks for every backend.
pub async fn accounts_suite(s: &dyn Store, latest: i64) {
    assert_eq!(s.user_count().await.unwrap(), 0);
    s.set_password("admin", "h1", true).await.unwrap();
    let u = s.user_by_name("admin").await.unwrap().unwrap();
    assert!(u.must_change_password);
    assert!(s.user_by_name("nobody").await.unwrap().is_none());
    let exp = Utc::now() + chrono::Duration::hours(1);
    s.create_session(&Session {
        token_hash: "t".into(),
        user_id: u.id,
        expires_at: exp,
    })
    .await
    .unwrap();
    let back = s.session("t").await.unwrap().unwrap();
    assert_eq!(back.user_id, u.id);
    assert!((back.expires_at - exp).num_milliseconds().abs() < 1);
    // Changing the password ends sessions.
    s.set_password("admin", "h2", false).await.unwrap();
    assert!(s.session("t").await.unwrap().is_none());
    let u2 = s.user_by_id(u.id).await.unwrap().unwrap();
    assert_eq!(
        (u2.password_hash.as_str(), u2.must_change_password),
        ("h2", false)
    );
    assert_eq!(s.user_count().await.unwrap(), 1);

    // Sessions: unknown user is a constraint error; expiry purge and delete.
    assert!(matches!(
        s.create_session(&Session {
            token_hash: "x".into(),
            user_id: 9999,
            expires_at: exp,
        })
        .await,
        Err(StoreError::Constraint(_))
    ));
    for (t, hours) in [("old", -1), ("new", 1)] {
        s.create_session(&Session {
            token_hash: t.into(),
            user_id: u.id,
            expires_at: Utc::now() + chrono::Duration::hours(hours),
        })
        .await
        .unwrap();
    }
    assert_eq!(s.purge_expired_sessions(Utc::now()).await.unwrap(), 1);
    assert!(s.session("old").await.unwrap().is_none());
    s.delete_session("new").await.unwrap();
    assert!(s.session("new").await.unwrap().is_none());

    for i in 0..3 {
        s.append_breaker_event(&StoredEvent {
            service: "tmdb".into(),
            from: "closed".into(),
            to: format!("s{i}"),
            reason: "r".into(),
            at: "now".into(),
        })
        .await
        .unwrap();
    }
    let ev = s.breaker_events(2).await.unwrap();
    assert_eq!(
        ev.iter().map(|e| e.to.as_str()).collect::<Vec<_>>(),
        ["s2", "s1"]
    );
    assert_eq!(ev[0].at, "now", "the timestamp text comes back verbatim");
    assert_eq!(s.integrity_check().await.unwrap(), "ok");
    assert_eq!(s.schema_version().await.unwrap(), latest);
    s.ping().await.unwrap();
}

/// Providers (migration 5): names unique per kind, kind part of the key, ids never reused.
pub async fn providers_suite(s: &dyn Store) {
    let data = json!({"implementation": "Torznab", "fields": {"apiKey": "k"}});
    let a = s.add_provider("indexer", "one", &data).await.unwrap();
    // The same name under another kind is fine; twice under one kind is not.
    s.add_provider("downloadclient", "one", &data)
        .await
        .unwrap();
    let dup = s.add_provider("indexer", "one", &data).await.unwrap_err();
    assert!(matches!(dup, StoreError::Constraint(_)), "{dup}");
    let mut b = a.clone();
    b.name = "renamed".into();
    b.data = json!({"implementation": "Torznab", "priority": 5});
    assert!(s.update_provider(&b).await.unwrap());
    assert_eq!(s.providers("indexer").await.unwrap(), vec![b.clone()]);
    // Deleting or changing through the wrong kind touches nothing.
    assert!(!s.delete_provider("downloadclient", a.id).await.unwrap());
    let mut wrong = b.clone();
    wrong.kind = "metadata".into();
    assert!(!s.update_provider(&wrong).await.unwrap());
    assert!(s.delete_provider("indexer", a.id).await.unwrap());
    assert!(s.providers("indexer").await.unwrap().is_empty());
    let c = s.add_provider("indexer", "again", &data).await.unwrap();
    assert!(
        c.id > a.id + 1,
        "ids are never reused: {} after {}",
        c.id,
        a.id
    );
}
