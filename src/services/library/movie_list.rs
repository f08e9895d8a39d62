//! The full movie list (`GET /api/v3/movie`) without holding it twice: the movies come from the
//! store's in-memory copy of the library (shared, not copied per request), each movie's JSON is
//! rendered once and reused until the movie changes, and the body is handed out chunk by chunk
//! as the connection takes it, so a request never materialises the whole array. With 10,000
//! movies and 32 clients polling, materialising it cost a database read, 10,000 resource trees
//! and an 8.6 MB body per request (511 MB RSS).

use super::{LibraryService, Result};
use crate::domain::movie::Movie;
use crate::store::MovieList;
use bytes::{Bytes, BytesMut};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// How old the in-memory library may be before a list request reads the database again.
/// Changes made through reelarr (any service) update it at once; this only bounds how long a
/// change made behind reelarr's back (a script editing the database) stays unseen.
pub const LIST_MAX_AGE: Duration = Duration::from_secs(5);

/// Most bytes of rendered movie JSON kept: a 10,000-movie library without TMDB details is
/// 8.6 MB, with overviews, images and genres about three times that. A library larger than this
/// is still listed correctly, re-rendering what does not fit.
pub const RENDER_CACHE_BYTES: u64 = 32 << 20;

/// The size a list chunk grows to before it is handed to the connection: the most rendered
/// bytes a listing holds ahead of what the client has read (plus one movie).
pub const CHUNK_BYTES: usize = 64 << 10;

/// Writes one movie as its JSON resource. The HTTP layer owns the Radarr shape; the service
/// only caches what it returns, so there must be one renderer per process.
pub type Render = fn(&Movie) -> Vec<u8>;

/// One cached rendering and the movie it was rendered from.
#[derive(Clone)]
struct Rendered {
    movie: Arc<Movie>,
    json: Bytes,
}

/// Per-movie rendered JSON, weighted by bytes and bounded ([`RENDER_CACHE_BYTES`]). An entry is
/// used only while the library's copy of the movie is the one it was rendered from (the same
/// `Arc`, or an equal value), so a write by any path (the library service, an import, a
/// metadata refresh) can never be answered with stale JSON; writes through the library service
/// also evict at once so the old rendering does not linger.
#[derive(Clone)]
pub(super) struct RenderCache {
    cache: moka::sync::Cache<i64, Rendered>,
    /// Lists being streamed right now (see [`LibraryService::lists_streaming`]).
    streaming: Arc<AtomicUsize>,
}

impl RenderCache {
    pub(super) fn new(max_bytes: u64) -> Self {
        let cache = moka::sync::Cache::builder()
            .max_capacity(max_bytes)
            // The JSON plus the entry's own bookkeeping, roughly.
            .weigher(|_, r: &Rendered| u32::try_from(r.json.len() + 96).unwrap_or(u32::MAX))
            .build();
        RenderCache {
            cache,
            streaming: Arc::default(),
        }
    }

    /// Drops movie `id`'s rendering (it changed or is gone).
    pub(super) fn forget(&self, id: i64) {
        self.cache.invalidate(&id);
    }

    /// Movie `m` as JSON, rendered only when no current rendering is cached.
    fn json(&self, m: &Arc<Movie>, render: Render) -> Bytes {
        if let Some(r) = self.cache.get(&m.id) {
            if Arc::ptr_eq(&r.movie, m) {
                return r.json;
            }
            if *r.movie == **m {
                // Same content under a new `Arc` (reloaded): keep the rendering, track the new one.
                let json = r.json.clone();
                self.cache.insert(
                    m.id,
                    Rendered {
                        movie: m.clone(),
                        json: r.json,
                    },
                );
                return json;
            }
        }
        let json = Bytes::from(render(m));
        let entry = Rendered {
            movie: m.clone(),
            json: json.clone(),
        };
        self.cache.insert(m.id, entry);
        json
    }

    /// Bytes held, for tests (after pending bookkeeping is done).
    #[cfg(test)]
    pub(super) fn weight(&self) -> u64 {
        self.cache.run_pending_tasks();
        self.cache.weighted_size()
    }
}

/// The list as a JSON array, produced as it is consumed: each item is at most about
/// [`CHUNK_BYTES`] (one movie more), so a slow client holds one chunk, not the whole body.
pub struct ListChunks {
    movies: MovieList,
    next: usize,
    started: bool,
    cache: RenderCache,
    render: Render,
}

impl ListChunks {
    pub(super) fn new(movies: MovieList, cache: RenderCache, render: Render) -> Self {
        cache.streaming.fetch_add(1, Ordering::AcqRel);
        ListChunks {
            movies,
            next: 0,
            started: false,
            cache,
            render,
        }
    }

    /// How many movies the list holds.
    pub fn len(&self) -> usize {
        self.movies.len()
    }

    /// Whether the library is empty.
    pub fn is_empty(&self) -> bool {
        self.movies.is_empty()
    }
}

/// Counts the list as finished, whether it was read to the end or the client went away.
impl Drop for ListChunks {
    fn drop(&mut self) {
        self.cache.streaming.fetch_sub(1, Ordering::AcqRel);
    }
}

impl Iterator for ListChunks {
    type Item = Bytes;

    fn next(&mut self) -> Option<Bytes> {
        if self.started && self.next > self.movies.len() {
            return None;
        }
        let mut buf = BytesMut::with_capacity(CHUNK_BYTES + 1024);
        if !self.started {
            self.started = true;
            buf.extend_from_slice(b"[");
        }
        while self.next < self.movies.len() && buf.len() < CHUNK_BYTES {
            if self.next > 0 {
                buf.extend_from_slice(b",");
            }
            let json = self.cache.json(&self.movies[self.next], self.render);
            buf.extend_from_slice(&json);
            self.next += 1;
        }
        if self.next == self.movies.len() && buf.len() < CHUNK_BYTES {
            buf.extend_from_slice(b"]");
            self.next += 1;
        }
        Some(buf.freeze())
    }
}

impl LibraryService {
    /// The whole library as one JSON array of what `render` writes for each movie, in the
    /// store's list order, handed out in chunks (see [`ListChunks`]).
    pub async fn movie_list_json(&self, render: Render) -> Result<ListChunks> {
        let movies = self.full_list().await?;
        Ok(ListChunks::new(movies, self.rendered.clone(), render))
    }

    /// How many full lists are being streamed right now. A burst of them allocates and frees
    /// many chunks; whoever gives freed memory back to the OS waits until this is 0.
    pub fn lists_streaming(&self) -> usize {
        self.rendered.streaming.load(Ordering::Acquire)
    }

    /// The in-memory library, read from the database first when it is older than
    /// [`LIST_MAX_AGE`] (by one request at a time: the others wait and share the result).
    async fn full_list(&self) -> Result<MovieList> {
        if let Some(v) = self.store.movie_list(Some(LIST_MAX_AGE)) {
            return Ok(v);
        }
        let _one_reader = self.list_reload.lock().await;
        if let Some(v) = self.store.movie_list(Some(LIST_MAX_AGE)) {
            return Ok(v);
        }
        self.store.reload_movies().await?;
        if let Some(v) = self.store.movie_list(None) {
            return Ok(v);
        }
        // A store that keeps no copy (only unguarded test stores): read it whole.
        let all = self.store.movies().await?;
        Ok(all.into_iter().map(Arc::new).collect())
    }
}

#[cfg(test)]
mod tests;
