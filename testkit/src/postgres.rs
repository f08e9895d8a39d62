//! Test-only PostgreSQL harness: a fresh, isolated database per test.
//!
//! With `REELARR_TEST_DATABASE_URL` set (CI, or a developer's own server) each test gets a new
//! database on that server; the role must be allowed to `CREATE DATABASE`. Otherwise one private
//! server per test process is started from Debian's binaries (`initdb` into a temp dir, trust
//! auth, listening on 127.0.0.1 only, run as `postgres` when we are root). A watchdog shell holds
//! a pipe from this process: when the process exits, however it exits, the pipe closes and the
//! watchdog stops the server and deletes its directory. Without PostgreSQL the tests print a loud
//! SKIPPED line, unless `REELARR_REQUIRE_REAL_SERVICES=1`, which turns that into a failure.
//!
//! Used by the store's unit tests and the storage integration tests alike.

use std::io::Write;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::OnceLock;
use tokio_postgres::NoTls;

/// Reports that PostgreSQL is unavailable: a loud skip, or a panic when real services are required.
pub fn skip(why: &str) {
    if std::env::var("REELARR_REQUIRE_REAL_SERVICES").as_deref() == Ok("1") {
        panic!("PostgreSQL is required (REELARR_REQUIRE_REAL_SERVICES=1) but not available: {why}");
    }
    // Straight to the stderr handle, not eprintln!: libtest captures the macros of passing tests.
    let _ = writeln!(
        std::io::stderr(),
        "*** SKIPPED: PostgreSQL not available ({why}); set REELARR_TEST_DATABASE_URL or install postgresql ***"
    );
}

/// A database created for one test; `url` points at it.
pub struct TestDb {
    /// Connection URL of this test's own database.
    pub url: String,
    admin_url: String,
    name: String,
}

impl TestDb {
    /// A plain client on this test's database, for tests that look below the store.
    pub async fn connect(&self) -> tokio_postgres::Client {
        connect(&self.url)
            .await
            .expect("connect to the test database")
    }

    /// Drops the database (best effort; a test that panics leaves it for the server's cleanup).
    pub async fn drop_db(self) {
        if let Ok(c) = connect(&self.admin_url).await {
            let _ = c
                .batch_execute(&format!(
                    "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                    self.name
                ))
                .await;
        }
    }
}

async fn connect(url: &str) -> Result<tokio_postgres::Client, tokio_postgres::Error> {
    let (client, conn) = tokio_postgres::connect(url, NoTls).await?;
    tokio::spawn(async move {
        let _ = conn.await;
    });
    Ok(client)
}

/// A new, empty database for the calling test, or `None` (after [`skip`]) without PostgreSQL.
pub async fn fresh_db() -> Option<TestDb> {
    let admin_url = match admin_url() {
        Ok(u) => u,
        Err(why) => {
            skip(&why);
            return None;
        }
    };
    // Never print the credentials part of the URL (the testkit does not depend on reelarr, so it
    // cannot use the crate's own redaction helper).
    let safe = admin_url
        .rsplit_once('@')
        .map_or(admin_url.as_str(), |(_, host)| host)
        .to_string();
    let admin = connect(&admin_url)
        .await
        .unwrap_or_else(|e| panic!("cannot connect to the test server {safe}: {e}"));
    let name = format!("t_{:016x}", rand::random::<u64>());
    admin
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .await
        .unwrap_or_else(|e| panic!("CREATE DATABASE on {safe}: {e}"));
    Some(TestDb {
        url: with_dbname(&admin_url, &name),
        admin_url,
        name,
    })
}

/// The server tests create their databases on: the env URL, or the shared private server.
fn admin_url() -> Result<String, String> {
    if let Ok(url) = std::env::var("REELARR_TEST_DATABASE_URL") {
        if !url.trim().is_empty() {
            return Ok(url);
        }
    }
    static SHARED: OnceLock<Result<PrivateServer, String>> = OnceLock::new();
    SHARED
        .get_or_init(PrivateServer::start)
        .as_ref()
        .map(|s| s.url("postgres"))
        .map_err(Clone::clone)
}

/// `url` with its database name replaced by `db` (user, host, port and query kept).
fn with_dbname(url: &str, db: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("postgres", url));
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    let query = tail.find('?').map(|i| &tail[i..]).unwrap_or("");
    format!("{scheme}://{authority}/{db}{query}")
}

/// A throwaway PostgreSQL server on 127.0.0.1 that this process owns; stopped when dropped or
/// when the process exits.
pub struct PrivateServer {
    bin: PathBuf,
    base: PathBuf,
    port: u16,
    as_postgres: bool,
    watchdog: Option<(Child, ChildStdin)>,
}

impl PrivateServer {
    /// Initialises and starts a server; `Err` says why PostgreSQL is not usable here.
    pub fn start() -> Result<Self, String> {
        let bin =
            find_bin().ok_or("no initdb/pg_ctl found in /usr/lib/postgresql/*/bin or PATH")?;
        let as_postgres = std::fs::metadata("/proc/self")
            .map(|m| m.uid())
            .unwrap_or(1)
            == 0;
        let base = std::env::temp_dir().join(format!(
            "reelarr-pg-{}-{:08x}",
            std::process::id(),
            rand::random::<u32>()
        ));
        std::fs::create_dir(&base).map_err(|e| format!("{}: {e}", base.display()))?;
        let mut server = PrivateServer {
            bin,
            base,
            port: 0,
            as_postgres,
            watchdog: None,
        };
        if as_postgres {
            // PostgreSQL refuses to run as root: hand the directory to the postgres user.
            let id = |flag: &str| -> Result<u32, String> {
                let out = Command::new("id")
                    .args([flag, "postgres"])
                    .output()
                    .map_err(|e| e.to_string())?;
                String::from_utf8_lossy(&out.stdout)
                    .trim()
                    .parse()
                    .map_err(|_| "running as root and there is no postgres user".to_string())
            };
            std::os::unix::fs::chown(&server.base, Some(id("-u")?), Some(id("-g")?))
                .map_err(|e| format!("chown {}: {e}", server.base.display()))?;
        }
        let data = server.data();
        server.run(
            "initdb",
            &[
                "-D",
                path_str(&data),
                "-A",
                "trust",
                "-U",
                "postgres",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
            ],
        )?;
        let mut last_err = String::new();
        for _ in 0..3 {
            server.port = free_port()?;
            match server.pg_ctl_start() {
                Ok(()) => {
                    server.spawn_watchdog()?;
                    return Ok(server);
                }
                Err(e) => last_err = e,
            }
        }
        let _ = std::fs::remove_dir_all(&server.base);
        Err(last_err)
    }

    /// The URL of database `db` on this server (trust auth, no password).
    pub fn url(&self, db: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{db}", self.port)
    }

    /// Stops the server (fast shutdown: open connections are cut), keeping its data.
    pub fn stop(&mut self) {
        let data = self.data();
        let _ = self.run(
            "pg_ctl",
            &["stop", "-D", path_str(&data), "-m", "fast", "-w"],
        );
    }

    /// Starts the stopped server again on the same port and data directory.
    pub fn restart(&mut self) {
        self.pg_ctl_start().expect("restart PostgreSQL");
    }

    fn data(&self) -> PathBuf {
        self.base.join("data")
    }

    fn pg_ctl_start(&self) -> Result<(), String> {
        let data = self.data();
        let opts = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off \
             -c full_page_writes=off -c max_connections=200",
            self.port,
            self.base.display()
        );
        let log = self.base.join("server.log");
        let r = self.run(
            "pg_ctl",
            &[
                "start",
                "-D",
                path_str(&data),
                "-w",
                "-t",
                "30",
                "-l",
                path_str(&log),
                "-o",
                &opts,
            ],
        );
        r.map_err(|e| {
            let tail = std::fs::read_to_string(&log).unwrap_or_default();
            format!("{e}\n{tail}")
        })
    }

    /// The watchdog waits for EOF on stdin (this process gone or this value dropped), then stops
    /// the server and removes its directory.
    fn spawn_watchdog(&mut self) -> Result<(), String> {
        let script =
            r#"read line; "$1/pg_ctl" stop -D "$2/data" -m fast -w >/dev/null 2>&1; rm -rf "$2""#;
        let mut cmd = self.command("sh");
        cmd.args([
            "-c",
            script,
            "sh",
            path_str(&self.bin),
            path_str(&self.base),
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
        let mut child = cmd.spawn().map_err(|e| format!("watchdog: {e}"))?;
        let stdin = child.stdin.take().expect("piped stdin");
        self.watchdog = Some((child, stdin));
        Ok(())
    }

    fn command(&self, program: &str) -> Command {
        let program = if program == "sh" {
            PathBuf::from("sh")
        } else {
            self.bin.join(program)
        };
        let mut cmd = if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(program);
            c
        } else {
            Command::new(program)
        };
        // The postgres user may not be able to enter our working directory.
        cmd.current_dir(&self.base);
        cmd
    }

    fn run(&self, program: &str, args: &[&str]) -> Result<(), String> {
        let out = self
            .command(program)
            .args(args)
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("{program}: {e}"))?;
        if out.status.success() {
            Ok(())
        } else {
            Err(format!(
                "{program} failed ({}): {}",
                out.status,
                String::from_utf8_lossy(&out.stderr).trim()
            ))
        }
    }
}

impl Drop for PrivateServer {
    fn drop(&mut self) {
        if let Some((mut child, mut stdin)) = self.watchdog.take() {
            let _ = stdin.write_all(b"stop\n");
            drop(stdin);
            let _ = child.wait();
        }
    }
}

fn path_str(p: &Path) -> &str {
    p.to_str().expect("temp paths are UTF-8")
}

/// A port nobody listens on right now (tiny race with other processes; start() retries).
fn free_port() -> Result<u16, String> {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| format!("no free port: {e}"))
}

/// The newest Debian PostgreSQL bin directory, or the directory of `initdb` on PATH.
fn find_bin() -> Option<PathBuf> {
    let has = |d: &Path| d.join("initdb").is_file() && d.join("pg_ctl").is_file();
    let mut debian: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let v = e.file_name().to_str()?.parse().ok()?;
            Some((v, e.path().join("bin")))
        })
        .filter(|(_, d)| has(d))
        .collect();
    debian.sort();
    if let Some((_, d)) = debian.pop() {
        return Some(d);
    }
    std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .find(|d| has(d))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dbname_is_swapped_keeping_the_rest() {
        assert_eq!(
            with_dbname(
                "postgres://u:p@127.0.0.1:5432/postgres?sslmode=disable",
                "t_1"
            ),
            "postgres://u:p@127.0.0.1:5432/t_1?sslmode=disable"
        );
        assert_eq!(
            with_dbname("postgresql://127.0.0.1", "t_2"),
            "postgresql://127.0.0.1/t_2"
        );
        assert_eq!(
            with_dbname("postgresql:///postgres?host=/run/postgresql", "t_3"),
            "postgresql:///t_3?host=/run/postgresql"
        );
    }
}
