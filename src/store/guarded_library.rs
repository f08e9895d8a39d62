//! The library half of the store behind the `database` breaker (see `guarded.rs`).

use super::guarded::or_snapshot;
use super::library::{HistoryPage, HistoryQuery, LibraryStore, NewHistory, NewMovieFile};
use super::{GuardedStore, MovieList, StoreResult};
use crate::domain::movie::{
    BlocklistEntry, CommandRecord, HistoryEntry, Movie, MovieFile, NewMovie, RootFolder,
    StoredProfile, Tag,
};
use async_trait::async_trait;
use serde_json::Value;
use std::time::Duration;

#[async_trait]
impl LibraryStore for GuardedStore {
    async fn movies(&self) -> StoreResult<Vec<Movie>> {
        let r = self.guard(self.inner().movies()).await;
        if let Ok(all) = &r {
            self.snapshot.set_movies(all);
        }
        or_snapshot(r, || self.snapshot.movies())
    }
    fn movie_list(&self, max_age: Option<Duration>) -> Option<MovieList> {
        self.snapshot.movie_list(max_age)
    }
    async fn reload_movies(&self) -> StoreResult<()> {
        match self.guard(self.inner().movies()).await {
            Ok(all) => {
                self.snapshot.take_movies(all);
                Ok(())
            }
            Err(e) if e.is_outage() && self.snapshot.is_ready() => Ok(()),
            Err(e) => Err(e),
        }
    }
    async fn movie(&self, id: i64) -> StoreResult<Option<Movie>> {
        let r = self.guard(self.inner().movie(id)).await;
        if let Ok(Some(m)) = &r {
            self.snapshot.put_movie(m);
        }
        or_snapshot(r, || self.snapshot.movie(id))
    }
    async fn movie_by_tmdb(&self, tmdb_id: i64) -> StoreResult<Option<Movie>> {
        let r = self.guard(self.inner().movie_by_tmdb(tmdb_id)).await;
        if let Ok(Some(m)) = &r {
            self.snapshot.put_movie(m);
        }
        or_snapshot(r, || self.snapshot.movie_by_tmdb(tmdb_id))
    }
    async fn add_movie(&self, movie: &NewMovie) -> StoreResult<Movie> {
        let r = self.guard(self.inner().add_movie(movie)).await;
        if let Ok(m) = &r {
            self.snapshot.put_movie(m);
        }
        r
    }
    async fn update_movie(&self, movie: &Movie) -> StoreResult<Option<Movie>> {
        let r = self.guard(self.inner().update_movie(movie)).await;
        if let Ok(Some(m)) = &r {
            self.snapshot.put_movie(m);
        }
        r
    }
    async fn delete_movie(&self, id: i64) -> StoreResult<bool> {
        let r = self.guard(self.inner().delete_movie(id)).await;
        if r.is_ok() {
            self.snapshot.remove_movie(id);
        }
        r
    }
    async fn set_movie_file(&self, movie_id: i64, file: &NewMovieFile) -> StoreResult<MovieFile> {
        let r = self
            .guard(self.inner().set_movie_file(movie_id, file))
            .await;
        if r.is_ok() {
            // Refresh the snapshot's copy (file, has-file) from the database.
            let _ = self.movie(movie_id).await;
        }
        r
    }
    async fn delete_movie_file(&self, movie_id: i64) -> StoreResult<bool> {
        let r = self.guard(self.inner().delete_movie_file(movie_id)).await;
        if r.is_ok() {
            let _ = self.movie(movie_id).await;
        }
        r
    }
    async fn profiles(&self) -> StoreResult<Vec<StoredProfile>> {
        let r = self.guard(self.inner().profiles()).await;
        if let Ok(v) = &r {
            self.snapshot.set_profiles(v);
        }
        or_snapshot(r, || self.snapshot.profiles())
    }
    async fn add_profile(&self, name: &str, data: &Value) -> StoreResult<StoredProfile> {
        let r = self.guard(self.inner().add_profile(name, data)).await;
        if r.is_ok() {
            // Keep the read-only fallback current (writes are rare; one extra read is cheap).
            let _ = self.profiles().await;
        }
        r
    }
    async fn update_profile(&self, profile: &StoredProfile) -> StoreResult<bool> {
        let r = self.guard(self.inner().update_profile(profile)).await;
        if r.is_ok() {
            // Keep the read-only fallback current (writes are rare; one extra read is cheap).
            let _ = self.profiles().await;
        }
        r
    }
    async fn delete_profile(&self, id: i64) -> StoreResult<bool> {
        let r = self.guard(self.inner().delete_profile(id)).await;
        if r.is_ok() {
            // Keep the read-only fallback current (writes are rare; one extra read is cheap).
            let _ = self.profiles().await;
        }
        r
    }
    async fn root_folders(&self) -> StoreResult<Vec<RootFolder>> {
        let r = self.guard(self.inner().root_folders()).await;
        if let Ok(v) = &r {
            self.snapshot.set_roots(v);
        }
        or_snapshot(r, || self.snapshot.roots())
    }
    async fn add_root_folder(&self, path: &str) -> StoreResult<RootFolder> {
        let r = self.guard(self.inner().add_root_folder(path)).await;
        if r.is_ok() {
            // Keep the read-only fallback current (writes are rare; one extra read is cheap).
            let _ = self.root_folders().await;
        }
        r
    }
    async fn delete_root_folder(&self, id: i64) -> StoreResult<bool> {
        let r = self.guard(self.inner().delete_root_folder(id)).await;
        if r.is_ok() {
            // Keep the read-only fallback current (writes are rare; one extra read is cheap).
            let _ = self.root_folders().await;
        }
        r
    }
    async fn tags(&self) -> StoreResult<Vec<Tag>> {
        let r = self.guard(self.inner().tags()).await;
        if let Ok(v) = &r {
            self.snapshot.set_tags(v);
        }
        or_snapshot(r, || self.snapshot.tags())
    }
    async fn add_tag(&self, label: &str) -> StoreResult<Tag> {
        let r = self.guard(self.inner().add_tag(label)).await;
        if r.is_ok() {
            // Keep the read-only fallback current (writes are rare; one extra read is cheap).
            let _ = self.tags().await;
        }
        r
    }
    async fn update_tag(&self, tag: &Tag) -> StoreResult<bool> {
        let r = self.guard(self.inner().update_tag(tag)).await;
        if r.is_ok() {
            // Keep the read-only fallback current (writes are rare; one extra read is cheap).
            let _ = self.tags().await;
        }
        r
    }
    async fn delete_tag(&self, id: i64) -> StoreResult<bool> {
        let r = self.guard(self.inner().delete_tag(id)).await;
        if r.is_ok() {
            // Keep the read-only fallback current (writes are rare; one extra read is cheap).
            let _ = self.tags().await;
        }
        r
    }
    async fn add_history(&self, entry: &NewHistory) -> StoreResult<HistoryEntry> {
        self.guard(self.inner().add_history(entry)).await
    }
    async fn history_query(&self, query: &HistoryQuery) -> StoreResult<HistoryPage> {
        self.guard(self.inner().history_query(query)).await
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
    async fn purge_commands(&self, before: chrono::DateTime<chrono::Utc>) -> StoreResult<u64> {
        self.guard(self.inner().purge_commands(before)).await
    }
    async fn add_blocklist(&self, entry: &BlocklistEntry) -> StoreResult<BlocklistEntry> {
        self.guard(self.inner().add_blocklist(entry)).await
    }
    async fn blocklist(&self, movie_id: Option<i64>) -> StoreResult<Vec<BlocklistEntry>> {
        self.guard(self.inner().blocklist(movie_id)).await
    }
    async fn delete_blocklist(&self, id: i64) -> StoreResult<bool> {
        self.guard(self.inner().delete_blocklist(id)).await
    }
}
