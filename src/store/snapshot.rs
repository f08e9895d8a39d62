//! The read-only fallback of the database breaker: an in-memory copy of the library that every
//! successful read and write keeps current. While the database is unavailable, reads of movies,
//! profiles, root folders, tags, sessions and users are answered from here; writes still fail
//! (503 with Retry-After), so nothing is silently lost.

use super::{Session, User};
use crate::domain::movie::{Movie, RootFolder, StoredProfile, Tag};
use parking_lot::RwLock;
use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};

/// Most sessions remembered for the fallback (older ones simply need the database again).
const MAX_SESSIONS: usize = 10_000;

/// The fallback copy. `ready` is set once a full movie list has been seen, so an empty map is
/// never mistaken for an empty library.
#[derive(Default)]
pub struct Snapshot {
    ready: AtomicBool,
    movies: RwLock<BTreeMap<i64, Movie>>,
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
        // comparing allocates nothing, while rebuilding cloned (and freed) every movie on every
        // `GET /api/v3/movie`.
        if self.is_ready() {
            let map = self.movies.read();
            if map.len() == all.len() && all.iter().all(|m| map.get(&m.id) == Some(m)) {
                return;
            }
        }
        *self.movies.write() = all.iter().map(|m| (m.id, m.clone())).collect();
        self.ready.store(true, Ordering::Release);
    }

    pub fn put_movie(&self, m: &Movie) {
        self.movies.write().insert(m.id, m.clone());
    }

    pub fn remove_movie(&self, id: i64) {
        self.movies.write().remove(&id);
    }

    /// Movies sorted by title, as the store returns them.
    pub fn movies(&self) -> Option<Vec<Movie>> {
        if !self.is_ready() {
            return None;
        }
        let mut v: Vec<Movie> = self.movies.read().values().cloned().collect();
        v.sort_by_key(|m| m.title.to_lowercase());
        Some(v)
    }

    pub fn movie(&self, id: i64) -> Option<Option<Movie>> {
        let found = self.movies.read().get(&id).cloned();
        (found.is_some() || self.is_ready()).then_some(found)
    }

    pub fn movie_by_tmdb(&self, tmdb_id: i64) -> Option<Option<Movie>> {
        let found = self
            .movies
            .read()
            .values()
            .find(|m| m.tmdb_id == tmdb_id)
            .cloned();
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

#[cfg(test)]
mod tests;
