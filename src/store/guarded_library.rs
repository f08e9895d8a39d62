//! The library half of the store behind the `database` breaker (see `guarded.rs`).

use super::library::{HistoryPage, LibraryStore, NewHistory, NewMovieFile};
use super::{GuardedStore, StoreResult};
use crate::domain::movie::{
    BlocklistEntry, CommandRecord, HistoryEntry, Movie, MovieFile, NewMovie, RootFolder,
    StoredProfile, Tag,
};
use async_trait::async_trait;
use serde_json::Value;

#[async_trait]
impl LibraryStore for GuardedStore {
    async fn movies(&self) -> StoreResult<Vec<Movie>> {
        self.guard(self.inner().movies()).await
    }
    async fn movie(&self, id: i64) -> StoreResult<Option<Movie>> {
        self.guard(self.inner().movie(id)).await
    }
    async fn movie_by_tmdb(&self, tmdb_id: i64) -> StoreResult<Option<Movie>> {
        self.guard(self.inner().movie_by_tmdb(tmdb_id)).await
    }
    async fn add_movie(&self, movie: &NewMovie) -> StoreResult<Movie> {
        self.guard(self.inner().add_movie(movie)).await
    }
    async fn update_movie(&self, movie: &Movie) -> StoreResult<Option<Movie>> {
        self.guard(self.inner().update_movie(movie)).await
    }
    async fn delete_movie(&self, id: i64) -> StoreResult<bool> {
        self.guard(self.inner().delete_movie(id)).await
    }
    async fn set_movie_file(&self, movie_id: i64, file: &NewMovieFile) -> StoreResult<MovieFile> {
        self.guard(self.inner().set_movie_file(movie_id, file))
            .await
    }
    async fn delete_movie_file(&self, movie_id: i64) -> StoreResult<bool> {
        self.guard(self.inner().delete_movie_file(movie_id)).await
    }
    async fn profiles(&self) -> StoreResult<Vec<StoredProfile>> {
        self.guard(self.inner().profiles()).await
    }
    async fn add_profile(&self, name: &str, data: &Value) -> StoreResult<StoredProfile> {
        self.guard(self.inner().add_profile(name, data)).await
    }
    async fn update_profile(&self, profile: &StoredProfile) -> StoreResult<bool> {
        self.guard(self.inner().update_profile(profile)).await
    }
    async fn delete_profile(&self, id: i64) -> StoreResult<bool> {
        self.guard(self.inner().delete_profile(id)).await
    }
    async fn root_folders(&self) -> StoreResult<Vec<RootFolder>> {
        self.guard(self.inner().root_folders()).await
    }
    async fn add_root_folder(&self, path: &str) -> StoreResult<RootFolder> {
        self.guard(self.inner().add_root_folder(path)).await
    }
    async fn delete_root_folder(&self, id: i64) -> StoreResult<bool> {
        self.guard(self.inner().delete_root_folder(id)).await
    }
    async fn tags(&self) -> StoreResult<Vec<Tag>> {
        self.guard(self.inner().tags()).await
    }
    async fn add_tag(&self, label: &str) -> StoreResult<Tag> {
        self.guard(self.inner().add_tag(label)).await
    }
    async fn add_history(&self, entry: &NewHistory) -> StoreResult<HistoryEntry> {
        self.guard(self.inner().add_history(entry)).await
    }
    async fn history(
        &self,
        movie_id: Option<i64>,
        page: u32,
        page_size: u32,
    ) -> StoreResult<HistoryPage> {
        self.guard(self.inner().history(movie_id, page, page_size))
            .await
    }
    async fn add_command(
        &self,
        name: &str,
        body: &Value,
        trigger: &str,
    ) -> StoreResult<CommandRecord> {
        self.guard(self.inner().add_command(name, body, trigger))
            .await
    }
    async fn update_command(&self, command: &CommandRecord) -> StoreResult<()> {
        self.guard(self.inner().update_command(command)).await
    }
    async fn command(&self, id: i64) -> StoreResult<Option<CommandRecord>> {
        self.guard(self.inner().command(id)).await
    }
    async fn commands(&self, limit: u32) -> StoreResult<Vec<CommandRecord>> {
        self.guard(self.inner().commands(limit)).await
    }
    async fn add_blocklist(&self, entry: &BlocklistEntry) -> StoreResult<BlocklistEntry> {
        self.guard(self.inner().add_blocklist(entry)).await
    }
    async fn blocklist(&self, movie_id: Option<i64>) -> StoreResult<Vec<BlocklistEntry>> {
        self.guard(self.inner().blocklist(movie_id)).await
    }
}
