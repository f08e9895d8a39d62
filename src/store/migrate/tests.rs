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
    assert_eq!(migrate(&mut c, latest_version()).unwrap(), vec![2, 3]);
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
