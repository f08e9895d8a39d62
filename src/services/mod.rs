//! Application services: business logic over the clients, the store and the journal. No warp
//! types here; the HTTP layer calls these.

pub mod automation;
pub mod breaker_events;
pub mod chains;
pub mod downloads;
pub mod error;
pub mod formats;
pub mod images;
pub mod library;
pub mod metadata;
pub mod notify;
pub mod providers;
pub mod search;
pub mod tracking;

pub use error::ServiceError;

/// The external-service layer: TMDB, the indexers and qBittorrent, each behind its breaker
/// (built by `app::wiring`).
pub struct Services {
    pub tmdb: crate::clients::tmdb::TmdbClient,
    pub metadata: metadata::MetadataService,
    pub search: search::SearchService,
    pub downloads: downloads::Downloads,
    /// The poster proxy (TMDB's image host behind the `images` breaker, with a disk cache).
    pub images: images::ImageService,
}
