//! The command line: parses arguments and hands over to `reelarr::commands`. Nothing else.

use clap::{Parser, Subcommand};
use std::path::PathBuf;

#[derive(Parser)]
#[command(
    name = "reelarr",
    version,
    about = "Radarr-compatible movie manager with circuit breakers on every dependency"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the server (UI + API). The default when no command is given.
    Serve {
        /// Config file (default <data-dir>/config.toml; env REELARR_CONFIG).
        #[arg(long)]
        config: Option<PathBuf>,
        /// Data directory (env REELARR_DATA_DIR).
        #[arg(long)]
        data_dir: Option<PathBuf>,
        /// ADDRESS:PORT to listen on (env REELARR_BIND).
        #[arg(long)]
        bind: Option<String>,
    },
    /// Validate the merged configuration; exit 2 with one line per problem.
    CheckConfig {
        #[arg(long)]
        config: Option<PathBuf>,
    },
    /// Ask a running server for /health; exit 0 when healthy or degraded.
    Healthcheck {
        #[arg(long, default_value = "http://127.0.0.1:7878")]
        url: String,
    },
    /// Manage UI users.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Database maintenance.
    Db {
        #[command(subcommand)]
        command: DbCommand,
    },
}

#[derive(Subcommand)]
enum DbCommand {
    /// Copy a SQLite library into an empty PostgreSQL database, keeping ids, all or nothing.
    /// Stop reelarr first, then point REELARR_DATABASE_URL at the target.
    Copy {
        /// The SQLite database: PATH or sqlite://PATH (default <data-dir>/reelarr.db).
        #[arg(long)]
        from: Option<String>,
        /// The target, postgres://user:pass@host:port/db (default: the configured database URL,
        /// e.g. REELARR_DATABASE_URL, when it is a PostgreSQL one). Must hold no data yet.
        #[arg(long)]
        to: Option<String>,
        /// Data directory (env REELARR_DATA_DIR).
        #[arg(long)]
        data_dir: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Read a new password from stdin and store its argon2 hash (works while the server is stopped).
    SetPassword {
        #[arg(long, default_value = "admin")]
        username: String,
        /// Data directory (env REELARR_DATA_DIR).
        #[arg(long)]
        data_dir: Option<PathBuf>,
    },
}

/// Caps glibc's malloc arenas at two. By default glibc gives each thread that allocates its
/// own arena, and memory freed in one (a 10,000-movie list built on a blocking thread) is not
/// reused by the others, so RSS climbed to several hundred MB on a 2-core box; with two arenas
/// it stays near what is in use. No effect on other C libraries.
fn limit_malloc_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets an allocator tunable; called before any other thread exists.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
}

fn main() {
    limit_malloc_arenas();
    let cli = Cli::parse();
    let code = match cli.command.unwrap_or(Command::Serve {
        config: None,
        data_dir: None,
        bind: None,
    }) {
        Command::Serve {
            config,
            data_dir,
            bind,
        } => reelarr::commands::serve(config, data_dir, bind),
        Command::CheckConfig { config } => reelarr::commands::check_config(config),
        Command::Healthcheck { url } => reelarr::commands::healthcheck(&url),
        Command::User {
            command: UserCommand::SetPassword { username, data_dir },
        } => reelarr::commands::set_password(&username, data_dir),
        Command::Db {
            command: DbCommand::Copy { from, to, data_dir },
        } => reelarr::commands::db_copy(from, to, data_dir),
    };
    std::process::exit(code);
}
