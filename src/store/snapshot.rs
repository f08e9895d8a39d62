//! The read-only fallback of the database breaker: an in-memory copy of the library that every
//! successful read and write keeps current. While the database is unavailable, reads of movies,
//! profiles, root folders, tags, sessions and users are answered from here; writes still fail
//! (503 with Retry-After), so nothing is silently lost. With PostgreSQL the copy is also kept on
//! disk (`local_copy.rs`), so a start while the server is down can still serve the library.

use super::{Session, StoredProvider, User};
use crate::domain::movie::{Movie, RootFolder, StoredProfile, Tag};
use parking_lot::{Mutex, RwLock};
use serde::{Deserialize, Serialize};
use std::cmp::Ordering as Order;
use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Most sessions remembered for the fallback (older ones simply need the database again).
const MAX_SESSIONS: usize = 10_000;

/// The library in list order, shared: handing it out copies one pointer, not 10,000 movies.
pub type MovieList = Arc<[Arc<Movie>]>;

/// The fallback copy. `ready` is set once a full movie list has been seen, so an empty map is
/// never mistaken for an empty library. Movies are shared (`Arc`) and an unchanged movie keeps
/// its `Arc` across full reloads, so whoever caches something per movie can tell "unchanged"
/// by pointer.
#[derive(Default)]
pub struct Snapshot {
    ready: AtomicBool,
    movies: RwLock<BTreeMap<i64, Arc<Movie>>>,
    /// The movies in list order, built on demand and dropped on every change.
    sorted: RwLock<Option<MovieList>>,
    /// When the last full list was read from the database.
    loaded_at: Mutex<Option<Instant>>,
    profiles: RwLock<Option<Vec<StoredProfile>>>,
    roots: RwLock<Option<Vec<RootFolder>>>,
    tags: RwLock<Option<Vec<Tag>>>,
    sessions: RwLock<HashMap<String, Session>>,
    users: RwLock<HashMap<i64, User>>,
    providers: RwLock<HashMap<String, Vec<StoredProvider>>>,
    /// Bumped by every change, so the on-disk copy is rewritten only when something changed.
    version: AtomicU64,
}

/// Everything the snapshot holds, as written to (and read back from) the on-disk copy.
#[derive(Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct SnapshotData {
    pub movies: Option<Vec<Movie>>,
    pub profiles: Option<Vec<StoredProfile>>,
    pub roots: Option<Vec<RootFolder>>,
    pub tags: Option<Vec<Tag>>,
    pub sessions: Vec<Session>,
    pub users: Vec<User>,
    pub providers: BTreeMap<String, Vec<StoredProvider>>,
}

impl Snapshot {
    /// Whether the movie list can be served from memory.
    pub fn is_ready(&self) -> bool {
        self.ready.load(Ordering::Acquire)
    }

    /// The change counter (see `version`).
    pub fn version(&self) -> u64 {
        self.version.load(Ordering::Acquire)
    }

    fn changed(&self) {
        self.version.fetch_add(1, Ordering::AcqRel);
    }

    /// A copy of everything held, for the on-disk copy.
    pub fn export(&self) -> SnapshotData {
        SnapshotData {
            movies: self.movies(),
            profiles: self.profiles(),
            roots: self.roots(),
            tags: self.tags(),
            sessions: self.sessions.read().values().cloned().collect(),
            users: self.users.read().values().cloned().collect(),
            providers: self.providers.read().clone().into_iter().collect(),
        }
    }

    /// Fills an empty snapshot from the on-disk copy (at start, before the database answered).
    /// Does not count as a change: the copy already holds it.
    pub fn import(&self, d: SnapshotData) {
        if let Some(all) = d.movies {
            *self.movies.write() = all.into_iter().map(|m| (m.id, Arc::new(m))).collect();
            *self.sorted.write() = None;
            // Served as the current list until the database answers a full read again.
            *self.loaded_at.lock() = Some(Instant::now());
            self.ready.store(true, Ordering::Release);
        }
        *self.profiles.write() = d.profiles;
        *self.roots.write() = d.roots;
        *self.tags.write() = d.tags;
        *self.sessions.write() = d
            .sessions
            .into_iter()
            .map(|s| (s.token_hash.clone(), s))
            .collect();
        *self.users.write() = d.users.into_iter().map(|u| (u.id, u)).collect();
        *self.providers.write() = d.providers.into_iter().collect();
    }

    pub fn set_movies(&self, all: &[Movie]) {
        if !self.matches(all) {
            self.replace_movies(all);
        }
        self.loaded();
    }

    /// Like [`Snapshot::set_movies`], taking the list: a new or changed movie is moved in rather
    /// than copied, so a full read (at start: the whole library) is not held twice.
    pub fn take_movies(&self, all: Vec<Movie>) {
        if !self.matches(&all) {
            let mut map = self.movies.write();
            let mut next = BTreeMap::new();
            for m in all {
                let keep = map.remove(&m.id).filter(|a| **a == m);
                next.insert(m.id, keep.unwrap_or_else(|| Arc::new(m)));
            }
            *map = next;
            *self.sorted.write() = None;
            self.changed();
        }
        self.loaded();
    }

    /// Whether the copy already holds exactly `all`. Every write keeps the copy current, so a
    /// full list almost always matches: comparing allocates nothing.
    fn matches(&self, all: &[Movie]) -> bool {
        let map = self.movies.read();
        self.is_ready()
            && map.len() == all.len()
            && all.iter().all(|m| map.get(&m.id).map(|a| &**a) == Some(m))
    }

    /// Replaces the movies with `all`; only movies that differ get a new `Arc`, so the others
    /// keep theirs (and whatever was cached for them).
    fn replace_movies(&self, all: &[Movie]) {
        let mut map = self.movies.write();
        let mut next = BTreeMap::new();
        for m in all {
            let keep = map.remove(&m.id).filter(|a| **a == *m);
            next.insert(m.id, keep.unwrap_or_else(|| Arc::new(m.clone())));
        }
        *map = next;
        *self.sorted.write() = None;
        self.changed();
    }

    /// A full list was just seen.
    fn loaded(&self) {
        *self.loaded_at.lock() = Some(Instant::now());
        self.ready.store(true, Ordering::Release);
    }

    pub fn put_movie(&self, m: &Movie) {
        let mut map = self.movies.write();
        if map.get(&m.id).map(|a| &**a) != Some(m) {
            map.insert(m.id, Arc::new(m.clone()));
            *self.sorted.write() = None;
            self.changed();
        }
    }

    pub fn remove_movie(&self, id: i64) {
        if self.movies.write().remove(&id).is_some() {
            *self.sorted.write() = None;
            self.changed();
        }
    }

    /// The whole library in list order, without copying it; `None` until a full list has
    /// been seen, or when that was longer than `max_age` ago (so a change made to the
    /// database by another program shows within `max_age`).
    pub fn movie_list(&self, max_age: Option<Duration>) -> Option<MovieList> {
        let loaded = (*self.loaded_at.lock())?;
        if !self.is_ready() || max_age.is_some_and(|age| loaded.elapsed() > age) {
            return None;
        }
        if let Some(v) = self.sorted.read().as_ref() {
            return Some(v.clone());
        }
        let map = self.movies.read();
        let mut v: Vec<Arc<Movie>> = map.values().cloned().collect();
        v.sort_by(|a, b| list_order(a, b));
        let v: MovieList = v.into();
        *self.sorted.write() = Some(v.clone());
        Some(v)
    }

    /// Movies sorted as the store returns them.
    pub fn movies(&self) -> Option<Vec<Movie>> {
        let list = self.movie_list(None)?;
        Some(list.iter().map(|m| (**m).clone()).collect())
    }

    pub fn movie(&self, id: i64) -> Option<Option<Movie>> {
        let found = self.movies.read().get(&id).map(|m| (**m).clone());
        (found.is_some() || self.is_ready()).then_some(found)
    }

    pub fn movie_by_tmdb(&self, tmdb_id: i64) -> Option<Option<Movie>> {
        let found = self
            .movies
            .read()
            .values()
            .find(|m| m.tmdb_id == tmdb_id)
            .map(|m| (**m).clone());
        (found.is_some() || self.is_ready()).then_some(found)
    }

    pub fn set_profiles(&self, v: &[StoredProfile]) {
        let mut cur = self.profiles.write();
        if cur.as_deref() != Some(v) {
            *cur = Some(v.to_vec());
            self.changed();
        }
    }
    pub fn profiles(&self) -> Option<Vec<StoredProfile>> {
        self.profiles.read().clone()
    }

    pub fn set_roots(&self, v: &[RootFolder]) {
        let mut cur = self.roots.write();
        if cur.as_deref() != Some(v) {
            *cur = Some(v.to_vec());
            self.changed();
        }
    }
    pub fn roots(&self) -> Option<Vec<RootFolder>> {
        self.roots.read().clone()
    }

    pub fn set_tags(&self, v: &[Tag]) {
        let mut cur = self.tags.write();
        if cur.as_deref() != Some(v) {
            *cur = Some(v.to_vec());
            self.changed();
        }
    }
    pub fn tags(&self) -> Option<Vec<Tag>> {
        self.tags.read().clone()
    }

    pub fn put_session(&self, s: &Session) {
        let mut map = self.sessions.write();
        if map.len() >= MAX_SESSIONS {
            let now = chrono::Utc::now();
            map.retain(|_, s| s.expires_at > now);
            if map.len() >= MAX_SESSIONS {
                map.clear();
            }
        }
        if map.insert(s.token_hash.clone(), s.clone()).is_none() {
            self.changed();
        }
    }
    pub fn session(&self, token_hash: &str) -> Option<Session> {
        self.sessions.read().get(token_hash).cloned()
    }
    pub fn remove_session(&self, token_hash: &str) {
        if self.sessions.write().remove(token_hash).is_some() {
            self.changed();
        }
    }
    /// A password change ends the user's sessions here too.
    pub fn remove_sessions_of(&self, user_id: i64) {
        self.sessions.write().retain(|_, s| s.user_id != user_id);
        self.changed();
    }

    pub fn put_user(&self, u: &User) {
        let old = self.users.write().insert(u.id, u.clone());
        if old.as_ref() != Some(u) {
            self.changed();
        }
    }
    pub fn user(&self, id: i64) -> Option<User> {
        self.users.read().get(&id).cloned()
    }
    pub fn user_by_name(&self, name: &str) -> Option<User> {
        self.users
            .read()
            .values()
            .find(|u| u.username == name)
            .cloned()
    }
    /// How many users are known; `None` when none was seen (the count would mislead).
    pub fn user_count(&self) -> Option<u64> {
        let n = self.users.read().len() as u64;
        (n > 0).then_some(n)
    }

    pub fn set_providers(&self, kind: &str, v: &[StoredProvider]) {
        let mut map = self.providers.write();
        if map.get(kind).map(Vec::as_slice) != Some(v) {
            map.insert(kind.to_string(), v.to_vec());
            self.changed();
        }
    }
    pub fn providers(&self, kind: &str) -> Option<Vec<StoredProvider>> {
        self.providers.read().get(kind).cloned()
    }
}

/// The stores' list order: the title with ASCII letters folded (SQLite's `COLLATE NOCASE`,
/// PostgreSQL's `lower(title COLLATE "C")`), then the id.
pub fn list_order(a: &Movie, b: &Movie) -> Order {
    fn fold(m: &Movie) -> impl Iterator<Item = u8> + '_ {
        m.title.bytes().map(|c| c.to_ascii_lowercase())
    }
    fold(a).cmp(fold(b)).then(a.id.cmp(&b.id))
}

#[cfg(test)]
mod tests;
