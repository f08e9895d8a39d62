//! The automation pipeline: search → decide → grab → track → import, the commands that run it
//! (`MoviesSearch`, `RefreshMovie`, ...) and the scheduler that runs them periodically.
//!
//! Why one service: every step needs the same handles (store, metadata, indexers, qBittorrent,
//! tracker, live config), and commands run steps in combination. Each step lives in its own
//! file; none knows about HTTP.

mod availability;
mod commands;
pub mod files;
mod grab;
mod import;
mod refresh;
mod scheduler;

pub use commands::{CommandError, CommandName};
pub use grab::{GrabReport, GrabbedRelease, MovieSearch};
pub use import::{ImportFailure, ImportOutcome};
pub use scheduler::TaskStatus;

use crate::config::LiveConfig;
use crate::services::chains::Chains;
use crate::services::downloads::{DownloadError, Downloads};
use crate::services::metadata::MetadataService;
use crate::services::notify::Notifier;
use crate::services::search::{Release, SearchService};
use crate::services::tracking::Tracker;
use crate::store::{Store, StoreError};
use parking_lot::Mutex;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

/// Why an automation step could not be done.
#[derive(Debug, thiserror::Error)]
pub enum AutomationError {
    /// The movie (or release) the caller named does not exist.
    #[error("{0}")]
    NotFound(String),
    /// The request cannot be carried out as asked.
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Download(#[from] DownloadError),
}

/// A release shown by a search, kept so `POST /api/v3/release` can grab it by guid.
#[derive(Clone, Debug)]
struct CachedRelease {
    movie_id: i64,
    release: Release,
    /// The custom formats it matched and their score (for the Grab notification).
    formats: Vec<crate::domain::decision::FormatMatch>,
    score: i32,
}

struct Inner {
    store: Arc<dyn Store>,
    metadata: MetadataService,
    search: SearchService,
    downloads: Downloads,
    tracker: Arc<Tracker>,
    config: LiveConfig,
    notifier: Notifier,
    /// The declared dependencies: the scheduler skips searches they hold.
    chains: Chains,
    /// Releases of recent searches by guid (30 minutes, as Radarr's release cache).
    releases: moka::sync::Cache<String, CachedRelease>,
    /// Downloads whose import failed, by info-hash, until they import.
    failures: Mutex<HashMap<String, ImportFailure>>,
    /// Imports finished by this process (saves a history read per poll).
    imported: Mutex<std::collections::HashSet<String>>,
    /// One import pass at a time (the scheduler and a command may overlap).
    import_lock: tokio::sync::Mutex<()>,
    commands: commands::Runner,
    tasks: scheduler::Tasks,
}

/// Cheap to clone; every clone shares the same state.
#[derive(Clone)]
pub struct Automation {
    inner: Arc<Inner>,
}

impl Automation {
    // One handle per collaborator, wired once in `app::build`; a parameter struct would only
    // rename the same eight fields.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        store: Arc<dyn Store>,
        metadata: MetadataService,
        search: SearchService,
        downloads: Downloads,
        tracker: Arc<Tracker>,
        config: LiveConfig,
        notifier: Notifier,
        chains: Chains,
    ) -> Self {
        let tasks = scheduler::Tasks::new(&config.get().automation);
        Automation {
            inner: Arc::new(Inner {
                store,
                metadata,
                search,
                downloads,
                tracker,
                config,
                notifier,
                chains,
                releases: moka::sync::Cache::builder()
                    .max_capacity(5_000)
                    .time_to_live(Duration::from_secs(30 * 60))
                    .build(),
                failures: Mutex::default(),
                imported: Mutex::default(),
                import_lock: tokio::sync::Mutex::new(()),
                commands: commands::Runner::default(),
                tasks,
            }),
        }
    }

    fn store(&self) -> &dyn Store {
        self.inner.store.as_ref()
    }

    /// Import failures still waiting to be resolved, by info-hash (for the queue's messages).
    pub fn import_failures(&self) -> HashMap<String, ImportFailure> {
        self.inner.failures.lock().clone()
    }
}
