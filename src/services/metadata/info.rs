//! `MovieInfo`: the movie metadata reelarr keeps and serves, in the shape Radarr's movie
//! resource needs, built from TMDB details or search summaries.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::clients::tmdb::{TmdbMovie, TmdbMovieSummary, IMAGE_BASE};

/// Release status as Radarr names it (`announced`, `inCinemas`, `released`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum MovieStatus {
    /// Not yet dated (or cancelled).
    Tba,
    /// Dated but not out yet.
    Announced,
    /// In cinemas, not yet on disc or digital.
    InCinemas,
    /// Available at home.
    Released,
}

/// A poster or fanart image.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MovieImage {
    /// `poster` or `fanart`, as Radarr's `coverType`.
    pub cover_type: &'static str,
    /// Full image URL on TMDB's image CDN.
    pub remote_url: String,
}

/// One rating source's value.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Rating {
    /// Number of votes.
    pub votes: u32,
    /// Average (0–10).
    pub value: f64,
    /// Always `user` for TMDB.
    #[serde(rename = "type")]
    pub kind: &'static str,
}

/// Ratings by source (TMDB only, for now).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Ratings {
    /// TMDB user rating.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tmdb: Option<Rating>,
}

/// An alternative title and the country it is used in.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AlternativeTitle {
    /// The title.
    pub title: String,
    /// ISO 3166-1 country code ("" when unknown).
    pub country: String,
}

/// Movie metadata as the app needs it for lookups, the library and Radarr's API; plain data
/// with no HTTP types, so services and the HTTP layer can share it.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MovieInfo {
    /// TMDB id.
    pub tmdb_id: u32,
    /// IMDb id (`tt0133093`), known from details or find, not from search.
    pub imdb_id: Option<String>,
    /// Title.
    pub title: String,
    /// Original-language title.
    pub original_title: String,
    /// ISO 639-1 original language.
    pub original_language: Option<String>,
    /// Lowercase title without a leading article, for sorting.
    pub sort_title: String,
    /// Release year.
    pub year: Option<u16>,
    /// Plot summary.
    pub overview: String,
    /// Runtime in minutes (details only).
    pub runtime: Option<u32>,
    /// Radarr-style status.
    pub status: MovieStatus,
    /// Genre names.
    pub genres: Vec<String>,
    /// Poster and fanart.
    pub images: Vec<MovieImage>,
    /// Ratings.
    pub ratings: Ratings,
    /// First theatrical release.
    pub in_cinemas: Option<DateTime<Utc>>,
    /// First digital release.
    pub digital_release: Option<DateTime<Utc>>,
    /// First physical release.
    pub physical_release: Option<DateTime<Utc>>,
    /// Alternative titles.
    pub alternative_titles: Vec<AlternativeTitle>,
    /// US certification (`R`, `PG-13`).
    pub certification: Option<String>,
    /// First production company.
    pub studio: Option<String>,
    /// Official website.
    pub website: Option<String>,
    /// TMDB popularity.
    pub popularity: f64,
}

/// Radarr's `sortTitle`: lowercase, leading English article dropped, punctuation removed.
pub fn sort_title(title: &str) -> String {
    let lower = title.to_lowercase();
    let mut words: Vec<String> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect();
    if words.len() > 1 && matches!(words[0].as_str(), "the" | "a" | "an") {
        words.remove(0);
    }
    words.join(" ")
}

/// Radarr's status rule: out at home → released; in cinemas (or long enough ago with no
/// home release known) → released/inCinemas; otherwise announced, or tba when undated.
pub fn status_at(
    now: DateTime<Utc>,
    tmdb_status: &str,
    in_cinemas: Option<DateTime<Utc>>,
    digital: Option<DateTime<Utc>>,
    physical: Option<DateTime<Utc>>,
) -> MovieStatus {
    if tmdb_status.eq_ignore_ascii_case("canceled") {
        return MovieStatus::Tba;
    }
    if digital.into_iter().chain(physical).any(|d| d <= now) {
        return MovieStatus::Released;
    }
    match in_cinemas {
        Some(c) if c <= now => {
            if digital.is_none() && physical.is_none() && c + chrono::Duration::days(90) <= now {
                MovieStatus::Released
            } else {
                MovieStatus::InCinemas
            }
        }
        Some(_) => MovieStatus::Announced,
        None if tmdb_status.eq_ignore_ascii_case("released") => MovieStatus::Released,
        None if digital.is_some() || physical.is_some() => MovieStatus::Announced,
        None => MovieStatus::Tba,
    }
}

fn images(poster: &Option<String>, backdrop: &Option<String>) -> Vec<MovieImage> {
    let mut out = Vec::new();
    for (kind, path) in [("poster", poster), ("fanart", backdrop)] {
        if let Some(p) = path.as_deref().filter(|p| !p.is_empty()) {
            let sep = if p.starts_with('/') { "" } else { "/" };
            out.push(MovieImage {
                cover_type: kind,
                remote_url: format!("{IMAGE_BASE}{sep}{p}"),
            });
        }
    }
    out
}

fn ratings(s: &TmdbMovieSummary) -> Ratings {
    Ratings {
        tmdb: (s.vote_count > 0).then_some(Rating {
            votes: s.vote_count,
            value: s.vote_average,
            kind: "user",
        }),
    }
}

fn non_empty(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

impl MovieInfo {
    /// From a search/find summary: what a lookup list shows (no runtime, IMDb id, dates by
    /// type; status guessed from the primary release date).
    pub fn from_summary(s: &TmdbMovieSummary, now: DateTime<Utc>) -> Self {
        let in_cinemas = crate::clients::tmdb::parse_date(&s.release_date);
        let title = if s.title.is_empty() {
            s.original_title.clone()
        } else {
            s.title.clone()
        };
        MovieInfo {
            tmdb_id: s.id,
            imdb_id: None,
            sort_title: sort_title(&title),
            original_title: non_empty(&s.original_title).unwrap_or_else(|| title.clone()),
            title,
            original_language: non_empty(&s.original_language),
            year: s.year(),
            overview: s.overview.clone(),
            runtime: None,
            status: status_at(now, "", in_cinemas, None, None),
            genres: Vec::new(),
            images: images(&s.poster_path, &s.backdrop_path),
            ratings: ratings(s),
            in_cinemas,
            digital_release: None,
            physical_release: None,
            alternative_titles: Vec::new(),
            certification: None,
            studio: None,
            website: None,
            popularity: s.popularity,
        }
    }

    /// From full details: every field filled as far as TMDB knows it.
    pub fn from_details(m: &TmdbMovie, now: DateTime<Utc>) -> Self {
        let mut info = Self::from_summary(&m.summary, now);
        info.imdb_id = m.imdb_id().map(str::to_string);
        info.runtime = m.runtime.filter(|r| *r > 0);
        info.genres = m.genres.iter().map(|g| g.name.clone()).collect();
        info.in_cinemas = m.in_cinemas();
        info.digital_release = m.digital_release();
        info.physical_release = m.physical_release();
        info.status = status_at(
            now,
            &m.status,
            info.in_cinemas,
            info.digital_release,
            info.physical_release,
        );
        info.alternative_titles = m
            .alternative_titles()
            .iter()
            .filter(|t| !t.title.trim().is_empty() && t.title != info.title)
            .map(|t| AlternativeTitle {
                title: t.title.clone(),
                country: t.iso_3166_1.clone(),
            })
            .collect();
        info.certification = m.certification().map(str::to_string);
        info.studio = m
            .production_companies
            .iter()
            .find_map(|c| non_empty(&c.name));
        info.website = m.homepage.as_deref().and_then(non_empty);
        info
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(y: i32, m: u32, d: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, 0, 0, 0)
            .single()
            .unwrap_or_default()
    }

    #[test]
    fn sort_titles_drop_articles() {
        assert_eq!(sort_title("The Matrix"), "matrix");
        assert_eq!(sort_title("A Quiet Place: Part II"), "quiet place part ii");
        assert_eq!(sort_title("The"), "the");
        assert_eq!(sort_title("Amélie"), "amélie");
    }

    #[test]
    fn status_follows_radarr() {
        let now = at(2024, 6, 1);
        let s = |c, d, p| status_at(now, "", c, d, p);
        assert_eq!(s(Some(at(2024, 5, 20)), None, None), MovieStatus::InCinemas);
        assert_eq!(s(Some(at(2023, 1, 1)), None, None), MovieStatus::Released);
        assert_eq!(
            s(Some(at(2024, 5, 20)), Some(at(2024, 5, 30)), None),
            MovieStatus::Released
        );
        assert_eq!(s(Some(at(2025, 1, 1)), None, None), MovieStatus::Announced);
        assert_eq!(
            s(Some(at(2024, 1, 1)), Some(at(2024, 9, 1)), None),
            MovieStatus::InCinemas
        );
        assert_eq!(s(None, None, None), MovieStatus::Tba);
        assert_eq!(
            status_at(now, "Released", None, None, None),
            MovieStatus::Released
        );
    }
}
