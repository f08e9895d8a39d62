use super::*;

#[test]
fn fresh_then_idempotent() {
    let mut c = Connection::open_in_memory().unwrap();
    assert_eq!(
        migrate(&mut c, latest_version()).unwrap().len(),
        MIGRATIONS.len()
    );
    assert!(migrate(&mut c, latest_version()).unwrap().is_empty());
    assert_eq!(current_version(&c).unwrap(), latest_version());
}

#[test]
fn older_database_upgrades() {
    let mut c = Connection::open_in_memory().unwrap();
    migrate(&mut c, 1).unwrap();
    assert_eq!(current_version(&c).unwrap(), 1);
    assert_eq!(
        migrate(&mut c, latest_version()).unwrap(),
        (2..=latest_version()).collect::<Vec<_>>()
    );
}

#[test]
fn newer_database_is_refused() {
    let mut c = Connection::open_in_memory().unwrap();
    migrate(&mut c, latest_version()).unwrap();
    c.execute(
        "INSERT INTO schema_migrations VALUES (9999, 'future', 'x')",
        [],
    )
    .unwrap();
    let err = migrate(&mut c, latest_version()).unwrap_err();
    assert!(
        matches!(err, StoreError::TooNew { found: 9999, .. }),
        "{err}"
    );
    assert!(err.to_string().contains("newer than this reelarr supports"));
}

/// Migration 4 rebuilds the id tables with AUTOINCREMENT: existing ids, files and history stay
/// (nothing cascades while the tables are swapped), foreign keys are back on, and the id of a
/// deleted newest movie is never handed out again.
#[test]
fn ids_are_never_reused_after_migration_4() {
    let mut c = crate::sqlite::connect(
        std::path::Path::new(":memory:"),
        std::time::Duration::from_secs(1),
        crate::sqlite::Synchronous::Normal,
    )
    .unwrap();
    migrate(&mut c, 3).unwrap();
    c.execute_batch(
        "INSERT INTO quality_profiles (id, name, data) VALUES (7, 'Any', '{}');
         INSERT INTO tags (id, label) VALUES (3, 'kids');
         INSERT INTO movies (id, tmdb_id, title, quality_profile_id, root_folder_path, path, added)
             VALUES (1, 11, 'A', 7, '/m', '/m/A', 'then'), (2, 22, 'B', 7, '/m', '/m/B', 'then'),
                    (5, 55, 'C', 7, '/m', '/m/C', 'then');
         INSERT INTO movie_files (movie_id, relative_path, size, quality, date_added)
             VALUES (5, 'C.mkv', 1, '{}', 'then');
         INSERT INTO history (movie_id, event_type, source_title, date)
             VALUES (5, 'grabbed', 'C.1080p', 'then');",
    )
    .unwrap();
    assert_eq!(migrate(&mut c, 4).unwrap(), vec![4]);
    let count = |sql: &str| -> i64 { c.query_row(sql, [], |r| r.get(0)).unwrap() };
    assert_eq!(
        count("SELECT COUNT(*) FROM movie_files WHERE movie_id = 5"),
        1
    );
    assert_eq!(count("SELECT COUNT(*) FROM history WHERE movie_id = 5"), 1);
    assert_eq!(
        count("SELECT SUM(id) FROM movies"),
        8,
        "ids 1, 2 and 5 kept"
    );
    assert_eq!(count("PRAGMA foreign_keys"), 1, "foreign keys back on");
    // Deleting the newest movie cascades as before, and its id is not reused.
    c.execute("DELETE FROM movies WHERE id = 5", []).unwrap();
    assert_eq!(count("SELECT COUNT(*) FROM movie_files"), 0);
    c.execute(
        "INSERT INTO movies (tmdb_id, title, quality_profile_id, root_folder_path, path, added)
         VALUES (66, 'D', 7, '/m', '/m/D', 'now')",
        [],
    )
    .unwrap();
    assert_eq!(count("SELECT MAX(id) FROM movies"), 6);
    c.execute("DELETE FROM tags WHERE id = 3", []).unwrap();
    c.execute("INSERT INTO tags (label) VALUES ('new')", [])
        .unwrap();
    assert_eq!(count("SELECT MAX(id) FROM tags"), 4);
}
