use super::Snapshot;
use crate::domain::movie::Movie;

fn movie(id: i64, title: &str) -> Movie {
    Movie {
        id,
        tmdb_id: id,
        imdb_id: None,
        title: title.into(),
        year: 2000,
        monitored: true,
        minimum_availability: "released".into(),
        quality_profile_id: 1,
        root_folder_path: "/m".into(),
        path: format!("/m/{title}"),
        tags: vec![],
        added: Default::default(),
        metadata: serde_json::json!({"title": title}),
        last_info_sync: None,
        file: None,
    }
}

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
