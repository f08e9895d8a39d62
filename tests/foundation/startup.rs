//! First start, second start, migrations, graceful shutdown.

use reelarr_testkit::app::*;
use std::io::{Read, Write};
use std::os::unix::fs::PermissionsExt;
use std::time::Duration;

#[tokio::test]
async fn first_start_creates_everything_and_second_start_reuses_it() {
    let dir = tempfile::tempdir().unwrap();
    let s = Server::start(dir.path(), &[]);
    let r = client().get(s.url("/health")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["status"], "healthy");
    assert!(chrono::DateTime::parse_from_rfc3339(v["timestamp"].as_str().unwrap()).is_ok());

    assert!(dir.path().join("config.toml").exists());
    assert!(dir.path().join("reelarr.db").exists());
    let pw_file = dir.path().join("initial-admin-password");
    let mode = std::fs::metadata(&pw_file).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let password = std::fs::read_to_string(&pw_file)
        .unwrap()
        .trim()
        .to_string();
    assert_eq!(password.len(), 24);
    let key = s.api_key();
    assert_eq!(key.len(), 32);
    assert!(key.chars().all(|c| c.is_ascii_hexdigit()));

    let (status, log) = s.stop();
    assert!(status.success(), "exit status {status:?}");
    assert_eq!(
        log.matches(&password).count(),
        1,
        "password printed exactly once:\n{log}"
    );

    let s = Server::start(dir.path(), &[]);
    let r = client().get(s.url("/ping")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(s.api_key(), key, "the API key is reused");
    let (status, log) = s.stop();
    assert!(status.success());
    assert!(
        !log.contains("generated password"),
        "second start prints no password:\n{log}"
    );
    assert!(!log.contains(&password));
}

#[tokio::test]
async fn an_older_database_is_upgraded() {
    let dir = tempfile::tempdir().unwrap();
    {
        let conn = rusqlite::Connection::open(dir.path().join("reelarr.db")).unwrap();
        conn.execute_batch(
            "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
        )
        .unwrap();
        let (v, name, sql) = reelarr::store::MIGRATIONS[0];
        conn.execute_batch(sql).unwrap();
        conn.execute(
            "INSERT INTO schema_migrations VALUES (?1, ?2, 'then')",
            rusqlite::params![v, name],
        )
        .unwrap();
    }
    let s = Server::start(dir.path(), &[]);
    let (status, _) = s.stop();
    assert!(status.success());
    let conn = rusqlite::Connection::open(dir.path().join("reelarr.db")).unwrap();
    let v: i64 = conn
        .query_row("SELECT MAX(version) FROM schema_migrations", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(v, reelarr::store::latest_version());
}

#[tokio::test]
async fn a_newer_database_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    Server::start(dir.path(), &[]).stop();
    {
        let conn = rusqlite::Connection::open(dir.path().join("reelarr.db")).unwrap();
        conn.execute(
            "INSERT INTO schema_migrations VALUES (9999, 'from the future', 'later')",
            [],
        )
        .unwrap();
    }
    let log = match Server::try_start(dir.path(), &[]) {
        Ok(_) => panic!("a database from a newer version must be refused"),
        Err(log) => log,
    };
    assert!(log.contains("newer than this reelarr supports"), "{log}");
}

#[tokio::test]
async fn sigterm_lets_requests_in_flight_finish() {
    let dir = tempfile::tempdir().unwrap();
    let s = Server::start(dir.path(), &[]);
    let addr = s.base.trim_start_matches("http://").to_string();
    // A request whose body is still arriving when SIGTERM lands.
    let body = br#"{"username":"admin","password":"not-the-password"}"#;
    let mut conn = std::net::TcpStream::connect(&addr).unwrap();
    write!(
        conn,
        "POST /login HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .unwrap();
    conn.write_all(&body[..10]).unwrap();
    std::thread::sleep(Duration::from_millis(200));
    s.signal("TERM");
    std::thread::sleep(Duration::from_millis(300));
    conn.write_all(&body[10..]).unwrap();
    let mut resp = String::new();
    conn.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    conn.read_to_string(&mut resp).unwrap();
    assert!(
        resp.starts_with("HTTP/1.1 401"),
        "in-flight request answered: {resp}"
    );
    assert!(resp.contains("invalid_credentials"));
    let (status, log) = s.stop_after_signal();
    assert_eq!(status.code(), Some(0), "{log}");

    let conn = rusqlite::Connection::open(dir.path().join("reelarr.db")).unwrap();
    let ok: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(ok, "ok");
    drop(conn);
    Server::start(dir.path(), &[]).stop();
}

/// Truncates (or removes) a SQLite file and its WAL companions, as a failed disk or restore would.
fn damage(path: &std::path::Path, remove: bool) {
    for ext in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", path.display()));
    }
    if remove {
        std::fs::remove_file(path).unwrap();
    } else {
        std::fs::write(path, b"").unwrap();
    }
}

#[tokio::test]
async fn a_lost_database_is_refused_not_silently_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let (status, _) = Server::start(dir.path(), &[]).stop();
    assert!(status.success());
    let db = dir.path().join("reelarr.db");
    let password = std::fs::read_to_string(dir.path().join("initial-admin-password")).unwrap();
    for remove in [false, true] {
        damage(&db, remove);
        let log = match Server::try_start(dir.path(), &[]) {
            Ok(s) => panic!("started over a lost database:\n{}", s.log()),
            Err(log) => log,
        };
        assert!(log.contains("refusing to create a new"), "{log}");
        assert!(
            log.contains(&db.display().to_string()),
            "names the file: {log}"
        );
        assert!(log.contains("REELARR_ALLOW_NEW_DATABASE"), "{log}");
        assert!(!log.contains("generated password"), "{log}");
    }
    assert_eq!(
        std::fs::read_to_string(dir.path().join("initial-admin-password")).unwrap(),
        password,
        "the admin password file is untouched"
    );
    // Asked explicitly, a new library starts.
    let s = Server::start(dir.path(), &[("REELARR_ALLOW_NEW_DATABASE", "1")]);
    assert!(s.log().contains("starting a new, empty library as asked"));
    s.stop();
}

#[tokio::test]
async fn a_corrupt_database_error_names_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let (status, _) = Server::start(dir.path(), &[]).stop();
    assert!(status.success());
    let db = dir.path().join("reelarr.db");
    damage(&db, false);
    std::fs::write(&db, vec![0x5a; 8192]).unwrap();
    let log = Server::try_start(dir.path(), &[]).err().expect("refused");
    assert!(log.contains(&db.display().to_string()), "{log}");
}

#[tokio::test]
async fn an_emptied_journal_is_reported_and_kept_aside() {
    let dir = tempfile::tempdir().unwrap();
    let (status, _) = Server::start(dir.path(), &[]).stop();
    assert!(status.success());
    let journal = dir.path().join("qbittorrent-journal.db");
    damage(&journal, false);
    let s = Server::start(dir.path(), &[]);
    let log = s.log();
    assert!(
        log.contains("ERROR") && log.contains(&journal.display().to_string()),
        "an error names the journal: {log}"
    );
    assert!(
        log.contains("grabs that were waiting in it are lost"),
        "{log}"
    );
    let kept = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .any(|e| e.file_name().to_string_lossy().contains(".broken-"));
    assert!(kept, "the emptied file is kept aside");
    s.stop();
}

/// The library (password and session hashes) and the retry journal (the grabs' torrents) are
/// owner-only, like the initial password file; files an older version left 0644 are tightened.
#[tokio::test]
async fn data_files_are_owner_only_and_old_ones_are_tightened() {
    let dir = tempfile::tempdir().unwrap();
    let files = ["reelarr.db", "qbittorrent-journal.db"];
    let mode = |f: &str| {
        std::fs::metadata(dir.path().join(f))
            .unwrap()
            .permissions()
            .mode()
            & 0o777
    };
    let s = Server::start(dir.path(), &[]);
    for f in files {
        assert_eq!(mode(f), 0o600, "{f}");
    }
    assert!(s.stop().0.success());
    for f in files {
        std::fs::set_permissions(dir.path().join(f), std::fs::Permissions::from_mode(0o644))
            .unwrap();
    }
    let s = Server::start(dir.path(), &[]);
    for f in files {
        assert_eq!(mode(f), 0o600, "{f} tightened");
    }
    s.stop();
}
