//! The library service: movies (add, update, delete with files), quality profiles, root folders,
//! tags, and the read-only views the Radarr API shows over them (history, wanted, calendar,
//! queue, disk space). The HTTP layer calls this instead of the store, so every rule about the
//! library (validation, naming, what a view contains) lives here once.

mod blocklist;
mod disk;
mod editor;
mod movie_list;
mod moviefile;
mod movies;
mod queue;
mod queue_remove;
mod removal;
mod settings;
mod views;

pub use disk::DiskSpace;
pub use editor::{ApplyTags, MovieEdit};
pub use movie_list::{ListChunks, Render, CHUNK_BYTES};
pub use movies::{AddMovie, MovieChanges};
pub use queue::{QueueView, TrackedDownload};
pub use queue_remove::{queue_id, QueueRemoval};
pub use settings::RootFolderView;
pub use views::{quality_of, HistoryContext, HistoryView, Wanted};

use crate::config::LiveConfig;
use crate::services::automation::Automation;
use crate::services::downloads::Downloads;
use crate::services::metadata::MetadataService;
use crate::services::notify::Notifier;
use crate::services::tracking::Tracker;
use crate::store::Store;
use std::sync::Arc;

pub use crate::services::error::ServiceError;

pub use crate::domain::history::MAX_PAGE_SIZE;

/// What a library call returns.
pub type Result<T> = std::result::Result<T, ServiceError>;

/// The library service; cheap to clone (handles share everything).
#[derive(Clone)]
pub struct LibraryService {
    store: Arc<dyn Store>,
    metadata: MetadataService,
    downloads: Downloads,
    tracker: Arc<Tracker>,
    automation: Automation,
    config: LiveConfig,
    /// Each movie's rendered JSON for the full list (see `movie_list`).
    rendered: movie_list::RenderCache,
    /// One full read of the library at a time when the list's copy is stale.
    list_reload: Arc<tokio::sync::Mutex<()>>,
    notifier: Notifier,
}

impl LibraryService {
    /// Wires the store (behind the database breaker), TMDB metadata (for adds), the download
    /// side (for the queue view) and the automation (searches queued after an add).
    pub fn new(
        store: Arc<dyn Store>,
        metadata: MetadataService,
        downloads: Downloads,
        tracker: Arc<Tracker>,
        automation: Automation,
        config: LiveConfig,
        notifier: Notifier,
    ) -> Self {
        LibraryService {
            store,
            metadata,
            downloads,
            tracker,
            automation,
            config,
            rendered: movie_list::RenderCache::new(movie_list::RENDER_CACHE_BYTES),
            list_reload: Arc::default(),
            notifier,
        }
    }

    /// The database schema version, for `system/status`.
    pub async fn schema_version(&self) -> Result<i64> {
        Ok(self.store.schema_version().await?)
    }
}
