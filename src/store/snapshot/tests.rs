use super::Snapshot;
use crate::domain::movie::Movie;

use crate::domain::movie::test_movie as movie;

#[test]
fn a_full_list_replaces_the_copy_unless_it_already_matches() {
    let s = Snapshot::default();
    assert_eq!(s.movies(), None);
    s.set_movies(&[movie(1, "b"), movie(2, "a")]);
    s.set_movies(&[movie(1, "b"), movie(2, "a")]);
    let titles = |s: &Snapshot| {
        s.movies()
            .unwrap()
            .into_iter()
            .map(|m| m.title)
            .collect::<Vec<_>>()
    };
    assert_eq!(titles(&s), ["a", "b"]);
    // Same ids, one changed: replaced.
    s.set_movies(&[movie(1, "b"), movie(2, "c")]);
    assert_eq!(titles(&s), ["b", "c"]);
    // A movie gone and one new with the same count: replaced, nothing stale left.
    s.set_movies(&[movie(1, "b"), movie(3, "d")]);
    assert_eq!(titles(&s), ["b", "d"]);
    assert_eq!(s.movie(2), Some(None));
    s.set_movies(&[]);
    assert_eq!(s.movies(), Some(vec![]));
}

#[test]
fn a_reload_keeps_unchanged_movies_shared_and_lists_in_store_order() {
    use std::sync::Arc;
    use std::time::Duration;
    let s = Snapshot::default();
    assert!(s.movie_list(None).is_none());
    // SQLite's NOCASE and PostgreSQL's lower(C) fold ASCII only; ties go by id.
    let all = [
        movie(4, "b"),
        movie(1, "B"),
        movie(2, "a"),
        movie(3, "\u{e9}t\u{e9}"),
        movie(5, "Z"),
    ];
    s.set_movies(&all);
    let list = s.movie_list(Some(Duration::from_secs(60))).unwrap();
    let ids: Vec<i64> = list.iter().map(|m| m.id).collect();
    assert_eq!(ids, [2, 1, 4, 5, 3]);
    assert!(
        Arc::ptr_eq(&list, &s.movie_list(None).unwrap()),
        "built once"
    );

    let mut changed = all.clone();
    changed[0].monitored = false;
    s.set_movies(&changed);
    let again = s.movie_list(None).unwrap();
    let by_id = |l: &[Arc<Movie>], id: i64| l.iter().find(|m| m.id == id).unwrap().clone();
    assert!(
        Arc::ptr_eq(&by_id(&list, 1), &by_id(&again, 1)),
        "unchanged: same Arc"
    );
    assert!(!Arc::ptr_eq(&by_id(&list, 4), &by_id(&again, 4)));
    assert!(!by_id(&again, 4).monitored);

    // A write through the store shows at once; the age only bounds outside changes.
    s.put_movie(&movie(6, "A"));
    let ids: Vec<i64> = s.movie_list(None).unwrap().iter().map(|m| m.id).collect();
    assert_eq!(
        ids,
        [2, 6, 1, 4, 5, 3],
        "\"A\" ties with \"a\" and follows it by id"
    );
    s.remove_movie(2);
    assert_eq!(s.movie_list(None).unwrap().len(), 5);
    std::thread::sleep(Duration::from_millis(20));
    assert!(s.movie_list(Some(Duration::from_millis(10))).is_none());
    assert!(s.movie_list(None).is_some());
}
