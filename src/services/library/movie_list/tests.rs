use super::*;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::domain::movie::test_movie as movie;

static RENDERS: AtomicUsize = AtomicUsize::new(0);

/// A stand-in renderer (about 1 KB per movie) that counts its calls.
fn render(m: &Movie) -> Vec<u8> {
    RENDERS.fetch_add(1, Ordering::SeqCst);
    serde_json::to_vec(&serde_json::json!({"id": m.id, "title": m.title, "pad": "x".repeat(1000)}))
        .unwrap()
}

fn list(movies: &[Arc<Movie>]) -> MovieList {
    movies.to_vec().into()
}

#[test]
fn chunks_join_into_the_json_array_and_stay_bounded() {
    let movies: Vec<Arc<Movie>> = (1..=300)
        .map(|i| Arc::new(movie(i, &format!("M{i}"))))
        .collect();
    let cache = RenderCache::new(RENDER_CACHE_BYTES);
    let chunks: Vec<Bytes> = ListChunks::new(list(&movies), cache, render).collect();
    let whole: Vec<u8> = chunks.concat();
    let mut expected = b"[".to_vec();
    for (i, m) in movies.iter().enumerate() {
        if i > 0 {
            expected.push(b',');
        }
        expected.extend(render(m));
    }
    expected.push(b']');
    assert_eq!(whole, expected);
    assert!(chunks.len() > 3, "{} chunks", chunks.len());
    // No chunk holds more than the chunk size plus one movie: the bound on bytes in flight.
    assert!(chunks.iter().all(|c| c.len() <= CHUNK_BYTES + 1100));

    let empty = RenderCache::new(RENDER_CACHE_BYTES);
    let none: Vec<Bytes> = ListChunks::new(list(&[]), empty, render).collect();
    assert_eq!(none.concat(), b"[]");
}

static COUNTED: AtomicUsize = AtomicUsize::new(0);

/// The renderer of the one test that asserts exact counts (tests run in parallel).
fn counted(m: &Movie) -> Vec<u8> {
    COUNTED.fetch_add(1, Ordering::SeqCst);
    format!("{{\"id\":{},\"title\":{:?}}}", m.id, m.title).into_bytes()
}

#[test]
fn a_movie_is_rendered_once_until_it_changes() {
    let cache = RenderCache::new(RENDER_CACHE_BYTES);
    let a = Arc::new(movie(1, "A"));
    let b = Arc::new(movie(2, "B"));
    let renders = || COUNTED.load(Ordering::SeqCst);
    let body = |movies: &[Arc<Movie>]| -> Vec<u8> {
        ListChunks::new(list(movies), cache.clone(), counted)
            .collect::<Vec<_>>()
            .concat()
    };
    let first = body(&[a.clone(), b.clone()]);
    assert_eq!(first, br#"[{"id":1,"title":"A"},{"id":2,"title":"B"}]"#);
    assert_eq!(renders(), 2);
    assert_eq!(body(&[a.clone(), b.clone()]), first);
    assert_eq!(renders(), 2, "the second list reuses both renderings");

    // An equal movie under a new `Arc` (a reload) reuses the rendering ...
    let a2 = Arc::new(movie(1, "A"));
    assert_eq!(body(&[a2.clone(), b.clone()]), first);
    assert_eq!(renders(), 2);
    // ... a changed one is rendered again, never served stale.
    let changed = Arc::new(movie(1, "A, renamed"));
    assert_eq!(
        body(&[changed, b.clone()]),
        br#"[{"id":1,"title":"A, renamed"},{"id":2,"title":"B"}]"#
    );
    assert_eq!(renders(), 3);
    cache.forget(1);
    cache.forget(2);
    assert_eq!(cache.weight(), 0);
}

#[test]
fn the_cache_is_bounded_by_bytes() {
    let cache = RenderCache::new(20_000);
    for i in 0..100 {
        cache.json(&Arc::new(movie(i, "x")), render);
    }
    assert!(cache.weight() <= 20_000, "{}", cache.weight());
}

/// A list counts as streaming from its creation until it is dropped, read to the end or not
/// (the memory trimmer waits for 0).
#[test]
fn streaming_lists_are_counted_until_dropped() {
    let cache = RenderCache::new(RENDER_CACHE_BYTES);
    let movies: Vec<Arc<Movie>> = (1..=3).map(|i| Arc::new(movie(i, "M"))).collect();
    let streaming = || cache.streaming.load(Ordering::SeqCst);
    let whole = ListChunks::new(list(&movies), cache.clone(), render);
    let mut abandoned = ListChunks::new(list(&movies), cache.clone(), render);
    assert_eq!(streaming(), 2);
    assert!(abandoned.next().is_some());
    drop(abandoned);
    assert_eq!(streaming(), 1);
    assert_eq!(whole.count(), 1);
    assert_eq!(streaming(), 0);
}
