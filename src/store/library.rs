//! The library half of the store: movies, files, profiles, root folders, tags, history,
//! commands and the blocklist. A supertrait of [`super::Store`] so both backends implement it.

use super::snapshot::MovieList;
use super::StoreResult;
use crate::domain::movie::{
    BlocklistEntry, CommandRecord, HistoryEntry, Movie, MovieFile, NewMovie, RootFolder,
    StoredProfile, Tag,
};
use async_trait::async_trait;
use serde_json::Value;
use std::time::Duration;

/// A page of history, newest first, with the total for Radarr's paging envelope.
#[derive(Debug, Clone)]
pub struct HistoryPage {
    pub records: Vec<HistoryEntry>,
    pub total: u64,
}

pub use crate::domain::history::{HistoryQuery, MAX_PAGE_SIZE};

/// What a new history event carries (the store assigns id and date).
#[derive(Debug, Clone)]
pub struct NewHistory {
    pub movie_id: Option<i64>,
    pub event_type: String,
    pub source_title: String,
    pub quality: Value,
    pub download_id: Option<String>,
    pub data: Value,
}

/// What a new file record carries.
#[derive(Debug, Clone)]
pub struct NewMovieFile {
    pub relative_path: String,
    pub size: i64,
    pub quality: Value,
    pub release_group: Option<String>,
    pub edition: Option<String>,
}

/// Library persistence. Constraint violations (duplicate TMDB id, profile in use) come back as
/// `StoreError::Constraint` so the API can answer 409/400 instead of 500.
#[async_trait]
pub trait LibraryStore: Send + Sync {
    async fn movies(&self) -> StoreResult<Vec<Movie>>;
    /// The whole library in list order from memory, when this store keeps a copy read from
    /// the database less than `max_age` ago (the guarded store's snapshot); `None` otherwise.
    fn movie_list(&self, _max_age: Option<Duration>) -> Option<MovieList> {
        None
    }
    /// Reads the whole library into that copy. While the database is unavailable it is still
    /// `Ok` when a copy exists (reads are answered from it).
    async fn reload_movies(&self) -> StoreResult<()> {
        self.movies().await.map(|_| ())
    }
    async fn movie(&self, id: i64) -> StoreResult<Option<Movie>>;
    async fn movie_by_tmdb(&self, tmdb_id: i64) -> StoreResult<Option<Movie>>;
    async fn add_movie(&self, movie: &NewMovie) -> StoreResult<Movie>;
    /// Replaces every editable field of the movie with `movie`'s (not its file).
    async fn update_movie(&self, movie: &Movie) -> StoreResult<Option<Movie>>;
    async fn delete_movie(&self, id: i64) -> StoreResult<bool>;
    async fn set_movie_file(&self, movie_id: i64, file: &NewMovieFile) -> StoreResult<MovieFile>;
    async fn delete_movie_file(&self, movie_id: i64) -> StoreResult<bool>;

    async fn profiles(&self) -> StoreResult<Vec<StoredProfile>>;
    async fn add_profile(&self, name: &str, data: &Value) -> StoreResult<StoredProfile>;
    async fn update_profile(&self, profile: &StoredProfile) -> StoreResult<bool>;
    async fn delete_profile(&self, id: i64) -> StoreResult<bool>;

    async fn root_folders(&self) -> StoreResult<Vec<RootFolder>>;
    async fn add_root_folder(&self, path: &str) -> StoreResult<RootFolder>;
    async fn delete_root_folder(&self, id: i64) -> StoreResult<bool>;

    async fn tags(&self) -> StoreResult<Vec<Tag>>;
    /// Returns the existing tag when the label is taken (case-insensitive), as Radarr does.
    async fn add_tag(&self, label: &str) -> StoreResult<Tag>;
    /// Renames tag `tag.id`; `false` when there is no such tag, `Constraint` when another tag
    /// has the label already.
    async fn update_tag(&self, tag: &Tag) -> StoreResult<bool>;
    /// Deletes tag `id`; `false` when there is no such tag, `Constraint` while a movie carries
    /// it (Radarr refuses to delete a tag in use, and a movie must not keep a dangling id).
    async fn delete_tag(&self, id: i64) -> StoreResult<bool>;

    async fn add_history(&self, entry: &NewHistory) -> StoreResult<HistoryEntry>;
    /// `page` starts at 1; newest first.
    async fn history(
        &self,
        movie_id: Option<i64>,
        page: u32,
        page_size: u32,
    ) -> StoreResult<HistoryPage> {
        let mut q = HistoryQuery::page(page, page_size);
        q.movie_ids.extend(movie_id);
        self.history_query(&q).await
    }
    /// History filtered by movies, event types and download id, ordered by date.
    async fn history_query(&self, query: &HistoryQuery) -> StoreResult<HistoryPage>;

    async fn add_command(
        &self,
        name: &str,
        body: &Value,
        trigger: &str,
    ) -> StoreResult<CommandRecord>;
    async fn update_command(&self, command: &CommandRecord) -> StoreResult<()>;
    async fn command(&self, id: i64) -> StoreResult<Option<CommandRecord>>;
    /// Newest first.
    async fn commands(&self, limit: u32) -> StoreResult<Vec<CommandRecord>>;
    /// Deletes finished commands queued before `before` (the scheduler adds one a minute);
    /// returns how many went.
    async fn purge_commands(&self, before: chrono::DateTime<chrono::Utc>) -> StoreResult<u64>;

    async fn add_blocklist(&self, entry: &BlocklistEntry) -> StoreResult<BlocklistEntry>;
    async fn blocklist(&self, movie_id: Option<i64>) -> StoreResult<Vec<BlocklistEntry>>;
    /// Deletes blocklist entry `id` (the release may be grabbed again); `false` when unknown.
    async fn delete_blocklist(&self, id: i64) -> StoreResult<bool>;
}
