//! What each CLI command does. Returns the process exit code.

use crate::app;
use crate::config::{self, Sources};
use std::io::{BufRead, IsTerminal};
use std::path::PathBuf;
use std::time::Duration;

/// Exit code for an invalid configuration (INTERFACE.md: `check-config` exits 2).
pub const EXIT_CONFIG: i32 = 2;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime starts")
}

/// A fresh 32-hex-character API key.
pub fn generate_api_key() -> String {
    hex::encode(rand::random::<[u8; 16]>())
}

/// Writes the commented default config file with a generated API key if there is none yet.
fn ensure_config_file(sources: &Sources) -> std::io::Result<()> {
    if !sources.data_dir.exists() {
        // The data dir holds the database (password hashes) and the API key: owner only.
        use std::os::unix::fs::DirBuilderExt;
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(&sources.data_dir)?;
    }
    if config::write_initial_file(&sources.config_path, &generate_api_key())? {
        crate::say!(
            "reelarr: wrote default configuration to {}",
            sources.config_path.display()
        );
    }
    Ok(())
}

/// `reelarr serve`: runs until SIGTERM/SIGINT; 0 on a clean shutdown.
pub fn serve(config_path: Option<PathBuf>, data_dir: Option<PathBuf>, bind: Option<String>) -> i32 {
    let sources = Sources::resolve(config_path, data_dir, bind);
    if let Err(e) = ensure_config_file(&sources) {
        crate::say!(
            "reelarr: cannot prepare {}: {e}",
            sources.data_dir.display()
        );
        return 1;
    }
    let loaded = match config::load(&sources) {
        Ok(l) => l,
        Err(e) => {
            for p in e.problems() {
                crate::say!("config error: {p}");
            }
            return EXIT_CONFIG;
        }
    };
    crate::telemetry::init(&loaded.config.log.level, &loaded.config.log.format);
    for w in &loaded.warnings {
        tracing::warn!("{w}");
    }
    if loaded.config.server.api_key.is_empty() {
        tracing::warn!(
            "server.api_key is empty: API-key authentication is disabled until one is set"
        );
    }
    let bind_addr = loaded.config.server.bind.clone();
    runtime().block_on(async move {
        let (state, generated) = match app::build(loaded, sources).await {
            Ok(s) => s,
            Err(e) => {
                tracing::error!("cannot start: {e}");
                return 1;
            }
        };
        if let Some(pw) = generated {
            // Printed exactly once, on the start that created it (INTERFACE.md).
            tracing::warn!(
                "created user 'admin' with generated password: {pw}  (also in {}/{}; change it at first login)",
                state.config.get().data_dir.display(),
                crate::auth::INITIAL_PASSWORD_FILE
            );
        }
        let listener = match std::net::TcpListener::bind(&bind_addr) {
            Ok(l) => l,
            Err(e) => {
                tracing::error!("cannot listen on {bind_addr}: {e}");
                return 1;
            }
        };
        let local = listener.local_addr().map(|a| a.to_string()).unwrap_or(bind_addr);
        let shutdown = shutdown_signal();
        tracing::info!(version = env!("CARGO_PKG_VERSION"), "reelarr listening on http://{local}");
        match app::run(listener, state, shutdown).await {
            Ok(()) => {
                tracing::info!("stopped");
                0
            }
            Err(e) => {
                tracing::error!("{e}");
                1
            }
        }
    })
}

/// Resolves on SIGTERM or SIGINT. The handlers are installed when this is called, not when the
/// future is first polled, so a signal that arrives right after "listening" is logged is a clean
/// shutdown rather than the default (kill). Call it inside the runtime.
pub fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    use tokio::signal::unix::{signal, SignalKind};
    let mut term = signal(SignalKind::terminate()).expect("SIGTERM handler");
    let mut int = signal(SignalKind::interrupt()).expect("SIGINT handler");
    async move {
        tokio::select! {
            _ = term.recv() => {},
            _ = int.recv() => {},
        }
    }
}

/// `reelarr check-config`: 0 when valid (warnings printed), 2 with one line per problem otherwise.
pub fn check_config(config_path: Option<PathBuf>) -> i32 {
    let sources = Sources::resolve(config_path, None, None);
    match config::load(&sources) {
        Ok(l) => {
            for w in &l.warnings {
                crate::say_out!("warning: {w}");
            }
            crate::say_out!("configuration OK ({})", sources.config_path.display());
            0
        }
        Err(e) => {
            for p in e.problems() {
                crate::say_out!("error: {p}");
            }
            EXIT_CONFIG
        }
    }
}

/// `reelarr healthcheck`: 0 when `/health` says healthy or degraded, 1 otherwise.
pub fn healthcheck(url: &str) -> i32 {
    let url = format!("{}/health", url.trim_end_matches('/'));
    runtime().block_on(async move {
        let client = match reqwest::Client::builder()
            .timeout(Duration::from_secs(5))
            .build()
        {
            Ok(c) => c,
            Err(e) => {
                crate::say!("healthcheck: {e}");
                return 1;
            }
        };
        let status = async {
            let r = client.get(&url).send().await.map_err(|e| e.to_string())?;
            let v: serde_json::Value = r.json().await.map_err(|e| e.to_string())?;
            Ok::<_, String>(v["status"].as_str().unwrap_or("").to_string())
        }
        .await;
        match status {
            Ok(s) if s == "healthy" || s == "degraded" => {
                crate::say_out!("{s}");
                0
            }
            Ok(s) => {
                crate::say_out!("{}", if s.is_empty() { "unknown" } else { &s });
                1
            }
            Err(e) => {
                crate::say!("healthcheck: {url}: {e}");
                1
            }
        }
    })
}

/// `reelarr user set-password`: reads the password from stdin (without echo on a terminal).
pub fn set_password(username: &str, data_dir: Option<PathBuf>) -> i32 {
    let sources = Sources::resolve(None, data_dir, None);
    let loaded = match config::load(&sources) {
        Ok(l) => l,
        Err(e) => {
            for p in e.problems() {
                crate::say!("config error: {p}");
            }
            return EXIT_CONFIG;
        }
    };
    let password = if std::io::stdin().is_terminal() {
        match rpassword::prompt_password(format!("New password for {username}: ")) {
            Ok(p) => p,
            Err(e) => {
                crate::say!("cannot read the password: {e}");
                return 1;
            }
        }
    } else {
        let mut line = String::new();
        if let Err(e) = std::io::stdin().lock().read_line(&mut line) {
            crate::say!("cannot read the password from stdin: {e}");
            return 1;
        }
        line.trim_end_matches(['\r', '\n']).to_string()
    };
    let cfg = loaded.config;
    runtime().block_on(async move {
        let store =
            match crate::store::open(&cfg.database_url(), cfg.database.busy_timeout_ms, 1).await {
                Ok(s) => s,
                Err(e) => {
                    crate::say!("database: {e}");
                    return 1;
                }
            };
        match crate::auth::set_password(store.as_ref(), &cfg.data_dir, username, &password).await {
            Ok(()) => {
                crate::say_out!("password for {username} updated");
                0
            }
            Err(e) => {
                crate::say!("{e}");
                1
            }
        }
    })
}

fn is_postgres(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

/// `reelarr db copy`: copies a SQLite library into an empty PostgreSQL database and prints the
/// rows copied per table. Exit 0 when done, 2 when refused (target not empty, wrong kind of
/// database, invalid config), 1 when it failed (nothing is copied then). The target URL's
/// password is never printed.
pub fn db_copy(from: Option<String>, to: Option<String>, data_dir: Option<PathBuf>) -> i32 {
    use crate::store::copy::{sqlite_to_postgres, CopyError};
    let sources = Sources::resolve(None, data_dir, None);
    let source = match from {
        Some(f) if is_postgres(&f) => {
            crate::say!("db copy: --from must be a SQLite database (PATH or sqlite://PATH)");
            return EXIT_CONFIG;
        }
        Some(f) => PathBuf::from(f.strip_prefix("sqlite://").unwrap_or(&f)),
        None => sources.data_dir.join("reelarr.db"),
    };
    let target = match to {
        Some(t) => t,
        None => match config::load(&sources) {
            Ok(l) if is_postgres(&l.config.database_url()) => l.config.database_url(),
            Ok(_) => {
                crate::say!("db copy: --to postgres://user:pass@host:port/db is required (the configured database is not PostgreSQL)");
                return EXIT_CONFIG;
            }
            Err(e) => {
                for p in e.problems() {
                    crate::say!("config error: {p}");
                }
                return EXIT_CONFIG;
            }
        },
    };
    if !is_postgres(&target) {
        // Not echoed: whatever was passed may hold a password.
        crate::say!("db copy: --to must be a postgres://user:pass@host:port/db URL");
        return EXIT_CONFIG;
    }
    let shown = crate::store::redacted_url(&target);
    crate::say_out!("copying {} into {shown}", source.display());
    runtime().block_on(async move {
        match sqlite_to_postgres(&source, &target).await {
            Ok(counts) => {
                let width = counts.iter().map(|c| c.table.len()).max().unwrap_or(0);
                for c in &counts {
                    crate::say_out!("  {:<width$}  {:>8}", c.table, c.rows);
                }
                let total: u64 = counts.iter().map(|c| c.rows).sum();
                crate::say_out!(
                    "copied {total} rows in {} tables into {shown}",
                    counts.len()
                );
                crate::say_out!("next: start reelarr with REELARR_DATABASE_URL pointing at it");
                0
            }
            Err(e @ CopyError::TargetNotEmpty { .. }) => {
                crate::say!("db copy refused: {shown}: {e}");
                EXIT_CONFIG
            }
            Err(e) => {
                crate::say!("db copy failed, nothing was copied: {e}");
                1
            }
        }
    })
}
