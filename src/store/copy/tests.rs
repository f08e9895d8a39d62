use super::*;
use crate::domain::movie::{BlocklistEntry, NewMovie};
use crate::store::{LibraryStore, NewHistory, NewMovieFile, Session, Store, StoredEvent};
use chrono::{SecondsFormat, SubsecRound};
use reelarr_testkit::postgres as pg_harness;
use serde::Serialize;
use serde_json::json;

/// A value as it compares across backends: timestamps cut to PostgreSQL's microseconds.
fn norm(v: impl Serialize) -> Value {
    fn walk(v: Value) -> Value {
        match v {
            Value::String(s) => match DateTime::parse_from_rfc3339(&s) {
                Ok(d) => Value::String(
                    d.with_timezone(&Utc)
                        .trunc_subsecs(6)
                        .to_rfc3339_opts(SecondsFormat::Micros, true),
                ),
                Err(_) => Value::String(s),
            },
            Value::Array(a) => Value::Array(a.into_iter().map(walk).collect()),
            Value::Object(o) => Value::Object(o.into_iter().map(|(k, v)| (k, walk(v))).collect()),
            other => other,
        }
    }
    walk(serde_json::to_value(v).unwrap())
}

fn new_movie(tmdb_id: i64, profile: i64, tags: Vec<i64>) -> NewMovie {
    NewMovie {
        tmdb_id,
        imdb_id: (tmdb_id % 2 == 1).then(|| format!("tt{tmdb_id:07}")),
        title: format!("Movie {tmdb_id}"),
        year: 1999,
        monitored: true,
        minimum_availability: "released".into(),
        quality_profile_id: profile,
        root_folder_path: "/movies".into(),
        path: format!("/movies/Movie {tmdb_id} (1999)"),
        tags,
        metadata: json!({"overview": "x", "runtime": 136, "genres": ["Action"]}).into(),
    }
}

fn history(movie_id: Option<i64>, event: &str) -> NewHistory {
    NewHistory {
        movie_id,
        event_type: event.into(),
        source_title: format!("Some.Release.{event}.1080p-GRP"),
        quality: json!({"quality": {"id": 7, "name": "Bluray-1080p"}}),
        download_id: Some("ABCDEF".into()),
        data: json!({"indexer": "hdbits"}),
    }
}

/// A library with every kind of row, id gaps (deleted rows) and NULLs where they may be.
async fn fill(s: &SqliteStore) {
    let any = s.add_profile("Any", &json!({"cutoff": 1})).await.unwrap();
    let hd = s
        .add_profile("HD-1080p", &json!({"cutoff": 7, "items": [7, 9]}))
        .await
        .unwrap();
    s.add_root_folder("/movies").await.unwrap();
    let old = s.add_root_folder("/old").await.unwrap();
    assert!(s.delete_root_folder(old.id).await.unwrap());
    s.add_root_folder("/more").await.unwrap();
    let uhd = s.add_tag("4k").await.unwrap();
    let kids = s.add_tag("Kids").await.unwrap();

    let a = s
        .add_movie(&new_movie(603, hd.id, vec![uhd.id]))
        .await
        .unwrap();
    let b = s
        .add_movie(&new_movie(604, any.id, vec![uhd.id, kids.id]))
        .await
        .unwrap();
    let gone = s.add_movie(&new_movie(605, any.id, vec![])).await.unwrap();
    let d = s.add_movie(&new_movie(606, hd.id, vec![])).await.unwrap();
    let mut edit = a.clone();
    edit.monitored = false;
    edit.last_info_sync = Some(Utc::now());
    s.update_movie(&edit).await.unwrap().unwrap();
    for (m, group) in [(&a, Some("GRP")), (&d, None)] {
        s.set_movie_file(
            m.id,
            &NewMovieFile {
                relative_path: format!("{} (1999).mkv", m.title),
                size: 8_000_000_000,
                quality: json!({"quality": {"id": 7}}),
                release_group: group.map(str::to_string),
                edition: None,
            },
        )
        .await
        .unwrap();
    }
    s.add_history(&history(Some(a.id), "grabbed"))
        .await
        .unwrap();
    s.add_history(&history(Some(gone.id), "grabbed"))
        .await
        .unwrap();
    s.add_history(&history(Some(d.id), "downloadFolderImported"))
        .await
        .unwrap();
    s.add_history(&history(None, "movieFileDeleted"))
        .await
        .unwrap();
    // Its history stays, with movie_id NULL.
    assert!(s.delete_movie(gone.id).await.unwrap());

    let mut done = s
        .add_command("RefreshMovie", &json!({"movieIds": [a.id]}), "manual")
        .await
        .unwrap();
    done.status = "completed".into();
    done.message = Some("Completed".into());
    done.started_at = Some(Utc::now());
    done.ended_at = Some(Utc::now());
    s.update_command(&done).await.unwrap();
    s.add_command("MoviesSearch", &json!({}), "scheduled")
        .await
        .unwrap();
    s.add_blocklist(&BlocklistEntry {
        id: 0,
        movie_id: Some(b.id),
        source_title: "Bad.Release.1080p-BAD".into(),
        guid: None,
        info_hash: Some("c0ffee".into()),
        reason: "failed download".into(),
        date: Utc::now(),
    })
    .await
    .unwrap();

    s.set_password("admin", "$argon2id$v=19$admin", true)
        .await
        .unwrap();
    s.set_password("bob", "$argon2id$v=19$bob", false)
        .await
        .unwrap();
    let admin = s.user_by_name("admin").await.unwrap().unwrap();
    s.create_session(&Session {
        token_hash: "0123abcd".into(),
        user_id: admin.id,
        expires_at: Utc::now() + chrono::Duration::days(1),
    })
    .await
    .unwrap();
    for to in ["open", "half_open"] {
        s.append_breaker_event(&StoredEvent {
            service: "tmdb".into(),
            from: "closed".into(),
            to: to.into(),
            reason: "3 consecutive failures".into(),
            at: Utc::now().to_rfc3339(),
        })
        .await
        .unwrap();
    }
    s.write(|c| {
        c.execute(
            "INSERT INTO settings (key, value) VALUES ('ui.theme', 'dark')",
            [],
        )
    })
    .await
    .unwrap();
}

fn user_fields(u: Option<crate::store::User>) -> (i64, String, String, bool) {
    let u = u.expect("user copied");
    (u.id, u.username, u.password_hash, u.must_change_password)
}

/// Everything the store trait can read, side by side.
async fn assert_same(lite: &SqliteStore, pg: &PostgresStore) {
    let movies = lite.movies().await.unwrap();
    assert_eq!(norm(&movies), norm(pg.movies().await.unwrap()));
    for m in &movies {
        assert_eq!(norm(m), norm(pg.movie(m.id).await.unwrap().unwrap()));
        assert_eq!(
            norm(m),
            norm(pg.movie_by_tmdb(m.tmdb_id).await.unwrap().unwrap())
        );
    }
    assert_eq!(
        norm(lite.profiles().await.unwrap()),
        norm(pg.profiles().await.unwrap())
    );
    assert_eq!(
        norm(lite.root_folders().await.unwrap()),
        norm(pg.root_folders().await.unwrap())
    );
    assert_eq!(
        norm(lite.tags().await.unwrap()),
        norm(pg.tags().await.unwrap())
    );
    for movie in [None, Some(movies[0].id)] {
        let (l, p) = (
            lite.history(movie, 1, 100).await.unwrap(),
            pg.history(movie, 1, 100).await.unwrap(),
        );
        assert_eq!((norm(&l.records), l.total), (norm(&p.records), p.total));
    }
    assert_eq!(
        norm(lite.commands(100).await.unwrap()),
        norm(pg.commands(100).await.unwrap())
    );
    assert_eq!(
        norm(lite.blocklist(None).await.unwrap()),
        norm(pg.blocklist(None).await.unwrap())
    );
    assert_eq!(
        lite.user_count().await.unwrap(),
        pg.user_count().await.unwrap()
    );
    for name in ["admin", "bob"] {
        assert_eq!(
            user_fields(lite.user_by_name(name).await.unwrap()),
            user_fields(pg.user_by_name(name).await.unwrap())
        );
    }
    let session = |s: Option<Session>| {
        let s = s.expect("session copied");
        (s.token_hash, s.user_id, norm(s.expires_at))
    };
    assert_eq!(
        session(lite.session("0123abcd").await.unwrap()),
        session(pg.session("0123abcd").await.unwrap())
    );
    assert_eq!(
        lite.breaker_events(100).await.unwrap(),
        pg.breaker_events(100).await.unwrap()
    );
    let settings = pg
        .query("SELECT key, value FROM settings", &[])
        .await
        .unwrap();
    let settings: Vec<(String, String)> = settings.iter().map(|r| (r.get(0), r.get(1))).collect();
    assert_eq!(settings, [("ui.theme".to_string(), "dark".to_string())]);
}

async fn source() -> (tempfile::TempDir, PathBuf, SqliteStore) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("reelarr.db");
    let s = SqliteStore::open(path.clone(), 1000, 1).await.unwrap();
    (dir, path, s)
}

#[tokio::test]
async fn copies_every_table_preserving_ids_and_resets_sequences() {
    let Some(db) = pg_harness::fresh_db().await else {
        return;
    };
    let (_dir, path, lite) = source().await;
    fill(&lite).await;
    let counts = sqlite_to_postgres(&path, &db.url).await.unwrap();
    let n = |t: &str| counts.iter().find(|c| c.table == t).unwrap().rows;
    assert_eq!(counts.len(), TABLES.len());
    assert_eq!(
        (n("movies"), n("movie_files"), n("history"), n("tags")),
        (3, 2, 4, 2)
    );
    assert_eq!(
        (
            n("users"),
            n("sessions"),
            n("settings"),
            n("breaker_events")
        ),
        (2, 1, 1, 2)
    );

    let pg = PostgresStore::open(&db.url, 2).await.unwrap();
    assert_same(&lite, &pg).await;

    // New rows after the copy get ids past the copied ones (the sequences were reset), even
    // where the highest id was deleted in SQLite... or still exists.
    let max = |ids: Vec<i64>| ids.into_iter().max().unwrap();
    let top_movie = max(lite.movies().await.unwrap().iter().map(|m| m.id).collect());
    let profile = pg.profiles().await.unwrap()[0].id;
    let m = pg
        .add_movie(&new_movie(700, profile, vec![]))
        .await
        .unwrap();
    assert!(m.id > top_movie, "{} <= {top_movie}", m.id);
    let top_tag = max(lite.tags().await.unwrap().iter().map(|t| t.id).collect());
    assert!(pg.add_tag("new").await.unwrap().id > top_tag);
    let top_root = max(lite
        .root_folders()
        .await
        .unwrap()
        .iter()
        .map(|r| r.id)
        .collect());
    assert!(pg.add_root_folder("/new").await.unwrap().id > top_root);
    let top_profile = max(lite
        .profiles()
        .await
        .unwrap()
        .iter()
        .map(|p| p.id)
        .collect());
    assert!(pg.add_profile("New", &json!({})).await.unwrap().id > top_profile);
    let top_history = lite.history(None, 1, 1).await.unwrap().records[0].id;
    assert!(
        pg.add_history(&history(Some(m.id), "grabbed"))
            .await
            .unwrap()
            .id
            > top_history
    );
    let top_command = lite.commands(1).await.unwrap()[0].id;
    assert!(pg.add_command("X", &json!({}), "manual").await.unwrap().id > top_command);
    let file = pg
        .set_movie_file(
            m.id,
            &NewMovieFile {
                relative_path: "x.mkv".into(),
                size: 1,
                quality: json!({}),
                release_group: None,
                edition: None,
            },
        )
        .await
        .unwrap();
    let top_file = max(lite
        .movies()
        .await
        .unwrap()
        .iter()
        .filter_map(|m| m.file.as_ref().map(|f| f.id))
        .collect());
    assert!(file.id > top_file);
    pg.set_password("carol", "h", false).await.unwrap();
    let carol = pg.user_by_name("carol").await.unwrap().unwrap();
    let bob = lite.user_by_name("bob").await.unwrap().unwrap();
    assert!(carol.id > bob.id);
    drop(pg);
    db.drop_db().await;
}

#[tokio::test]
async fn refuses_a_target_that_already_holds_data_and_leaves_it_alone() {
    let Some(db) = pg_harness::fresh_db().await else {
        return;
    };
    let (_dir, path, lite) = source().await;
    fill(&lite).await;
    sqlite_to_postgres(&path, &db.url).await.unwrap();
    lite.add_tag("only-in-sqlite").await.unwrap();
    let err = sqlite_to_postgres(&path, &db.url).await.unwrap_err();
    let CopyError::TargetNotEmpty { found } = &err else {
        panic!("{err:?}");
    };
    assert!(found.contains("movies: 3"), "{found}");
    assert!(err.to_string().contains("empty database"), "{err}");
    let pg = PostgresStore::open(&db.url, 1).await.unwrap();
    assert_eq!(pg.tags().await.unwrap().len(), 2, "nothing was added");
    drop(pg);
    db.drop_db().await;
}

#[tokio::test]
async fn a_failure_half_way_leaves_the_target_empty() {
    let Some(db) = pg_harness::fresh_db().await else {
        return;
    };
    let (_dir, path, lite) = source().await;
    fill(&lite).await;
    // A file row whose movie is gone (possible in SQLite with foreign keys off): PostgreSQL
    // refuses it after the users, profiles, movies, ... were already inserted.
    lite.write(|c| {
        c.execute_batch("PRAGMA foreign_keys=OFF")?;
        c.execute(
            "INSERT INTO movie_files (movie_id, relative_path, size, quality, date_added)
             VALUES (9999, 'orphan.mkv', 1, '{}', '2024-01-01T00:00:00Z')",
            [],
        )?;
        c.execute_batch("PRAGMA foreign_keys=ON")
    })
    .await
    .unwrap();
    let err = sqlite_to_postgres(&path, &db.url).await.unwrap_err();
    assert!(
        matches!(err, CopyError::Store(StoreError::Constraint(_))),
        "{err:?}"
    );
    let pg = PostgresStore::open(&db.url, 1).await.unwrap();
    for t in TABLES {
        let r = pg
            .query_one(&format!("SELECT COUNT(*) FROM {}", t.name), &[])
            .await
            .unwrap();
        assert_eq!(r.get::<_, i64>(0), 0, "{} must be empty", t.name);
    }
    drop(pg);
    db.drop_db().await;
}

#[tokio::test]
async fn a_missing_source_is_refused_not_created() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nope.db");
    let err = sqlite_to_postgres(&path, "postgres://u:s3cret@127.0.0.1:1/x")
        .await
        .unwrap_err();
    assert!(matches!(err, CopyError::Source { .. }), "{err:?}");
    assert!(!path.exists());
}

#[test]
fn values_convert_like_the_sqlite_store_reads_them() {
    // Bad text in a typed column is an error naming what was found, not a silent zero.
    assert!(convert(Int, Lite::Real(1.5))
        .err()
        .unwrap()
        .contains("a real number"));
    assert!(convert(Int4, Lite::Integer(i64::MAX)).is_err());
    assert!(convert(Bool, Lite::Text("yes".into())).is_err());
    // What the store reads leniently is copied the same way.
    for (kind, v) in [
        (Json, Lite::Text("not json".into())),
        (Time, Lite::Text("yesterday".into())),
        (OptTime, Lite::Text("yesterday".into())),
        (IdList, Lite::Text("[1,".into())),
        (Text, Lite::Integer(7)),
        (Int, Lite::Text(" 42 ".into())),
    ] {
        assert!(convert(kind, v).is_ok(), "{kind:?}");
    }
}
