//! The read-only views over the library the Radarr API shows: a page of history with the movies
//! and profiles it refers to, the wanted lists (missing, cutoff unmet) and the calendar.

use super::{LibraryService, Result, MAX_PAGE_SIZE};
use crate::domain::history::HistoryQuery;
use crate::domain::movie::{HistoryEntry, Movie, StoredProfile};
use crate::domain::parser::parse_title;
use crate::domain::profile::QualityProfile;
use crate::domain::quality::QualityModel;
use chrono::{DateTime, Utc};
use serde_json::Value;
use std::collections::HashMap;

/// Up to this many distinct movies a page of history loads one by one; past it, the whole
/// library in one query is cheaper.
const FEW_MOVIES: usize = 25;

/// The release dates a calendar entry can fall on.
const RELEASES: [&str; 3] = ["inCinemas", "digitalRelease", "physicalRelease"];

/// What a page of history (or a wanted list) needs to render: the movies and parsed profiles
/// it refers to.
#[derive(Default)]
pub struct HistoryContext {
    movies: HashMap<i64, Movie>,
    profiles: HashMap<i64, QualityProfile>,
}

impl HistoryContext {
    /// Every movie of the context, by id.
    pub fn movies(&self) -> Vec<&Movie> {
        let mut v: Vec<&Movie> = self.movies.values().collect();
        v.sort_by_key(|m| m.id);
        v
    }

    /// Movie `id`, when the context has it.
    pub fn movie(&self, id: i64) -> Option<&Movie> {
        self.movies.get(&id)
    }

    /// The movie's profile, if both exist and the profile parses.
    pub fn profile_of(&self, movie: &Movie) -> Option<&QualityProfile> {
        self.profiles.get(&movie.quality_profile_id)
    }
}

fn parse_profile(p: &StoredProfile) -> Option<(i64, QualityProfile)> {
    serde_json::from_value::<QualityProfile>(p.data.clone())
        .ok()
        .map(|q| (p.id, q))
}

/// A stored quality, or the one parsed from the release title when it is missing or not
/// Radarr-shaped (early rows carry `{}`).
pub fn quality_of(stored: &Value, title: &str) -> QualityModel {
    serde_json::from_value(stored.clone()).unwrap_or_else(|_| parse_title(title).quality_model())
}

/// A page of history, newest first unless asked otherwise, with what it refers to.
pub struct HistoryView {
    pub records: Vec<HistoryEntry>,
    /// All matching records, for the paging envelope.
    pub total: u64,
    pub context: HistoryContext,
}

/// Radarr's two wanted lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Wanted {
    /// Movies without a file.
    Missing,
    /// Movies whose file is below their profile's cutoff (quality or `cutoffFormatScore`).
    Cutoff,
}

fn date_of(metadata: &Value, field: &str) -> Option<DateTime<Utc>> {
    metadata[field]
        .as_str()
        .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
        .map(|d| d.with_timezone(&Utc))
}

/// Whether any release date of the movie falls in `[start, end]`.
pub fn releases_between(m: &Movie, start: DateTime<Utc>, end: DateTime<Utc>) -> bool {
    let meta = m.metadata.value();
    RELEASES
        .iter()
        .filter_map(|f| date_of(&meta, f))
        .any(|d| d >= start && d <= end)
}

impl LibraryService {
    /// The whole library and its profiles.
    async fn context(&self) -> Result<HistoryContext> {
        let movies = self.store.movies().await?;
        self.with_movies(movies).await
    }

    /// Just the movies a page of history refers to.
    async fn context_for(&self, page: &[HistoryEntry]) -> Result<HistoryContext> {
        let mut ids: Vec<i64> = page.iter().filter_map(|e| e.movie_id).collect();
        ids.sort_unstable();
        ids.dedup();
        if ids.len() > FEW_MOVIES {
            return self.context().await;
        }
        let mut movies = Vec::with_capacity(ids.len());
        for id in ids {
            movies.extend(self.store.movie(id).await?);
        }
        self.with_movies(movies).await
    }

    async fn with_movies(&self, movies: Vec<Movie>) -> Result<HistoryContext> {
        let profiles = self.store.profiles().await?;
        Ok(HistoryContext {
            movies: movies.into_iter().map(|m| (m.id, m)).collect(),
            profiles: profiles.iter().filter_map(parse_profile).collect(),
        })
    }

    async fn history_view(&self, query: HistoryQuery) -> Result<HistoryView> {
        let page = self.store.history_query(&query).await?;
        let context = self.context_for(&page.records).await?;
        Ok(HistoryView {
            records: page.records,
            total: page.total,
            context,
        })
    }

    /// One page of history.
    pub async fn history(&self, query: HistoryQuery) -> Result<HistoryView> {
        self.history_view(query).await
    }

    /// A movie's whole history (up to the largest page), newest first; `NotFound` for an
    /// unknown movie.
    pub async fn movie_history(
        &self,
        movie_id: i64,
        event_types: Vec<String>,
    ) -> Result<HistoryView> {
        self.movie(movie_id).await?;
        let mut query = HistoryQuery::page(1, MAX_PAGE_SIZE);
        query.movie_ids = vec![movie_id];
        query.event_types = event_types;
        self.history_view(query).await
    }

    /// The movies of a wanted list with the given `monitored` flag, by id. The library is read
    /// whole (a few thousand rows at most on the boxes reelarr targets).
    pub async fn wanted(&self, which: Wanted, monitored: bool) -> Result<Vec<Movie>> {
        let ctx = self.context().await?;
        let formats = match which {
            Wanted::Cutoff => crate::services::formats::load_formats(self.store.as_ref()).await?,
            Wanted::Missing => Vec::new(),
        };
        let wanted = |m: &Movie| -> bool {
            if m.monitored != monitored {
                return false;
            }
            match (which, &m.file) {
                (Wanted::Missing, f) => f.is_none(),
                (Wanted::Cutoff, None) => false,
                (Wanted::Cutoff, Some(f)) => ctx.profile_of(m).is_some_and(|p| {
                    let quality = quality_of(&f.quality, &f.relative_path);
                    crate::domain::decision::cutoff_unmet(p, &formats, m, &quality)
                }),
            }
        };
        Ok(ctx
            .movies()
            .into_iter()
            .filter(|m| wanted(m))
            .cloned()
            .collect())
    }

    /// Library movies with a release in `[start, end]`: monitored only unless `unmonitored`,
    /// with one of `tags` when any are given; ordered by `inCinemas`, movies without one first
    /// (as Radarr orders them).
    pub async fn calendar(
        &self,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        unmonitored: bool,
        tags: &[i64],
    ) -> Result<Vec<Movie>> {
        let mut movies: Vec<Movie> = self
            .store
            .movies()
            .await?
            .into_iter()
            .filter(|m| unmonitored || m.monitored)
            .filter(|m| tags.is_empty() || m.tags.iter().any(|t| tags.contains(t)))
            .filter(|m| releases_between(m, start, end))
            .collect();
        movies.sort_by_cached_key(|m| (date_of(&m.metadata.value(), "inCinemas"), m.id));
        Ok(movies)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn any_release_in_range_counts() {
        let mut m: Movie = serde_json::from_value(json!({
            "id": 1, "tmdb_id": 1, "imdb_id": null, "title": "x", "year": 2024,
            "monitored": true, "minimum_availability": "released", "quality_profile_id": 1,
            "root_folder_path": "/m", "path": "/m/x", "tags": [], "added": "2024-01-01T00:00:00Z",
            "metadata": {"inCinemas": "2024-03-01T00:00:00Z", "digitalRelease": "2024-06-01T00:00:00Z"},
            "last_info_sync": null, "file": null
        }))
        .unwrap();
        let d = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
        assert!(releases_between(
            &m,
            d("2024-05-31T00:00:00Z"),
            d("2024-06-01T00:00:00Z")
        ));
        assert!(releases_between(
            &m,
            d("2024-03-01T00:00:00Z"),
            d("2024-03-01T00:00:00Z")
        ));
        assert!(!releases_between(
            &m,
            d("2024-03-02T00:00:00Z"),
            d("2024-05-31T00:00:00Z")
        ));
        m.metadata = json!({}).into();
        assert!(!releases_between(
            &m,
            d("2000-01-01T00:00:00Z"),
            d("2100-01-01T00:00:00Z")
        ));
    }

    #[test]
    fn stored_quality_or_parsed_from_the_title() {
        let q = quality_of(&json!({}), "The.Matrix.1999.1080p.BluRay.x264-GRP");
        assert_eq!(
            serde_json::to_value(q).unwrap()["quality"]["name"],
            "Bluray-1080p"
        );
    }
}
