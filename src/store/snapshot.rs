//! The read-only fallback of the database breaker: an in-memory copy of the library that every
//! successful read and write keeps current. While the database is unavailable, reads of movies,
//! profiles, root folders, tags, sessions and users are answered from here; writes still fail
//! (503 with Retry-After), so nothing is silently lost.

use super::{Session, User};
use crate::domain::movie::{Movie, RootFolder, StoredProfile, Tag};
use parking_lot::{Mutex, RwLock};
use std::cmp::Ordering as Order;
use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};
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
}

impl Snapshot {
    /// Whether the movie list can be served from memory.
    pub fn is_ready(&self) -> bool {
        self.ready.load(Ordering::Acquire)
    }

    pub fn set_movies(&self, all: &[Movie]) {
        // Every write keeps the copy current, so a full list almost always matches it already:
        // comparing allocates nothing. Only movies that differ are replaced, so the others keep
        // their `Arc` (and whatever was cached for them).
        let unchanged = |map: &BTreeMap<i64, Arc<Movie>>| {
            map.len() == all.len() && all.iter().all(|m| map.get(&m.id).map(|a| &**a) == Some(m))
        };
        if !self.is_ready() || !unchanged(&self.movies.read()) {
            let mut map = self.movies.write();
            let mut next = BTreeMap::new();
            for m in all {
                let keep = map.remove(&m.id).filter(|a| **a == *m);
                next.insert(m.id, keep.unwrap_or_else(|| Arc::new(m.clone())));
            }
            *map = next;
            *self.sorted.write() = None;
        }
        *self.loaded_at.lock() = Some(Instant::now());
        self.ready.store(true, Ordering::Release);
    }

    pub fn put_movie(&self, m: &Movie) {
        let mut map = self.movies.write();
        if map.get(&m.id).map(|a| &**a) != Some(m) {
            map.insert(m.id, Arc::new(m.clone()));
            *self.sorted.write() = None;
        }
    }

    pub fn remove_movie(&self, id: i64) {
        if self.movies.write().remove(&id).is_some() {
            *self.sorted.write() = None;
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
        *self.profiles.write() = Some(v.to_vec());
    }
    pub fn profiles(&self) -> Option<Vec<StoredProfile>> {
        self.profiles.read().clone()
    }

    pub fn set_roots(&self, v: &[RootFolder]) {
        *self.roots.write() = Some(v.to_vec());
    }
    pub fn roots(&self) -> Option<Vec<RootFolder>> {
        self.roots.read().clone()
    }

    pub fn set_tags(&self, v: &[Tag]) {
        *self.tags.write() = Some(v.to_vec());
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
        map.insert(s.token_hash.clone(), s.clone());
    }
    pub fn session(&self, token_hash: &str) -> Option<Session> {
        self.sessions.read().get(token_hash).cloned()
    }
    pub fn remove_session(&self, token_hash: &str) {
        self.sessions.write().remove(token_hash);
    }
    /// A password change ends the user's sessions here too.
    pub fn remove_sessions_of(&self, user_id: i64) {
        self.sessions.write().retain(|_, s| s.user_id != user_id);
    }

    pub fn put_user(&self, u: &User) {
        self.users.write().insert(u.id, u.clone());
    }
    pub fn user(&self, id: i64) -> Option<User> {
        self.users.read().get(&id).cloned()
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
