//! Whether a movie may be searched for automatically yet, by its minimum availability
//! (`announced`, `inCinemas`, `released`) and the release dates TMDB gave us.

use crate::domain::movie::Movie;
use chrono::{DateTime, Utc};
use serde_json::Value;

fn date(meta: &Value, key: &str) -> Option<DateTime<Utc>> {
    meta.get(key)?.as_str()?.parse().ok()
}

/// Radarr's rule: `announced` any time; `inCinemas` once in cinemas (or released);
/// `released` once out digitally or physically. A movie without any date (added while TMDB was
/// down) counts as available: a search costs little, missing a release costs more.
pub fn is_available(movie: &Movie, now: DateTime<Utc>) -> bool {
    let m = &movie.metadata.value();
    let cinemas = date(m, "inCinemas");
    let digital = date(m, "digitalRelease");
    let physical = date(m, "physicalRelease");
    let released = [digital, physical].into_iter().flatten().any(|d| d <= now)
        || m.get("status").and_then(Value::as_str) == Some("released");
    if cinemas.is_none() && digital.is_none() && physical.is_none() {
        return true;
    }
    match movie.minimum_availability.as_str() {
        "announced" | "tba" => true,
        "inCinemas" => released || cinemas.is_some_and(|d| d <= now),
        _ => released,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn movie(avail: &str, meta: Value) -> Movie {
        Movie {
            id: 1,
            tmdb_id: 1,
            imdb_id: None,
            title: "x".into(),
            year: 2030,
            monitored: true,
            minimum_availability: avail.into(),
            quality_profile_id: 1,
            root_folder_path: "/m".into(),
            path: "/m/x".into(),
            tags: vec![],
            added: Utc::now(),
            metadata: meta.into(),
            last_info_sync: None,
            file: None,
        }
    }

    #[test]
    fn availability_follows_release_dates() {
        let now = Utc::now();
        let past = (now - chrono::Duration::days(10)).to_rfc3339();
        let future = (now + chrono::Duration::days(10)).to_rfc3339();
        let cinema_only =
            json!({"inCinemas": past, "digitalRelease": future, "status": "inCinemas"});
        assert!(is_available(&movie("inCinemas", cinema_only.clone()), now));
        assert!(!is_available(&movie("released", cinema_only.clone()), now));
        assert!(is_available(&movie("announced", cinema_only), now));
        let out = json!({"inCinemas": past, "digitalRelease": past});
        assert!(is_available(&movie("released", out), now));
        assert!(is_available(&movie("released", json!({"title": "x"})), now));
    }
}
