//! TMDB's JSON shapes, deserialized leniently (every optional field defaulted) so a field
//! TMDB adds, drops or nulls never breaks a lookup; plus small accessors that turn the raw
//! shapes into what reelarr needs (year, IMDb id, release dates by type, certification).

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Deserializer};

/// Treats JSON `null` like a missing field, so `#[serde(default)]` covers both.
fn nullable<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// The first four digits of a `YYYY-MM-DD` date, if plausible.
fn year_of(date: &str) -> Option<u16> {
    date.get(..4)?
        .parse()
        .ok()
        .filter(|y| (1870..=2200).contains(y))
}

/// Parses TMDB dates: `1999-03-30` or `1999-03-30T00:00:00.000Z`, as midnight UTC.
pub fn parse_date(raw: &str) -> Option<DateTime<Utc>> {
    if let Ok(dt) = DateTime::parse_from_rfc3339(raw) {
        return Some(dt.with_timezone(&Utc));
    }
    let day = NaiveDate::parse_from_str(raw.get(..10)?, "%Y-%m-%d").ok()?;
    Some(day.and_hms_opt(0, 0, 0)?.and_utc())
}

/// One page of `/search/movie`.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct TmdbSearchPage {
    /// 1-based page number.
    #[serde(default, deserialize_with = "nullable")]
    pub page: u32,
    /// Matches on this page.
    #[serde(default, deserialize_with = "nullable")]
    pub results: Vec<TmdbMovieSummary>,
    /// Number of pages available.
    #[serde(default, deserialize_with = "nullable")]
    pub total_pages: u32,
    /// Number of matches overall.
    #[serde(default, deserialize_with = "nullable")]
    pub total_results: u32,
}

/// A movie as listed by search and find: enough for a lookup result.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct TmdbMovieSummary {
    /// TMDB id.
    pub id: u32,
    /// Localized title.
    #[serde(default, deserialize_with = "nullable")]
    pub title: String,
    /// Title in the original language.
    #[serde(default, deserialize_with = "nullable")]
    pub original_title: String,
    /// ISO 639-1 code of the original language.
    #[serde(default, deserialize_with = "nullable")]
    pub original_language: String,
    /// Primary release date (`YYYY-MM-DD`, may be empty).
    #[serde(default, deserialize_with = "nullable")]
    pub release_date: String,
    /// Plot summary.
    #[serde(default, deserialize_with = "nullable")]
    pub overview: String,
    /// Poster image path (`/abc.jpg`).
    #[serde(default)]
    pub poster_path: Option<String>,
    /// Backdrop image path.
    #[serde(default)]
    pub backdrop_path: Option<String>,
    /// TMDB popularity score.
    #[serde(default, deserialize_with = "nullable")]
    pub popularity: f64,
    /// Average user vote (0–10).
    #[serde(default, deserialize_with = "nullable")]
    pub vote_average: f64,
    /// Number of votes.
    #[serde(default, deserialize_with = "nullable")]
    pub vote_count: u32,
}

impl TmdbMovieSummary {
    /// Release year from `release_date`.
    pub fn year(&self) -> Option<u16> {
        year_of(&self.release_date)
    }
}

/// A genre (`{"id":28,"name":"Action"}`).
#[derive(Clone, Debug, Default, Deserialize)]
pub struct TmdbGenre {
    /// TMDB genre id.
    #[serde(default)]
    pub id: u32,
    /// Display name.
    #[serde(default, deserialize_with = "nullable")]
    pub name: String,
}

/// A production company; the first one is reported as the studio.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct TmdbCompany {
    /// Company name.
    #[serde(default, deserialize_with = "nullable")]
    pub name: String,
}

/// One dated release in one country.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct TmdbReleaseDate {
    /// Age rating in that country (may be empty).
    #[serde(default, deserialize_with = "nullable")]
    pub certification: String,
    /// ISO 8601 timestamp.
    #[serde(default, deserialize_with = "nullable")]
    pub release_date: String,
    /// 1 premiere, 2 limited, 3 theatrical, 4 digital, 5 physical, 6 TV.
    #[serde(default, rename = "type", deserialize_with = "nullable")]
    pub kind: u8,
}

/// All dated releases in one country.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct TmdbCountryReleases {
    /// ISO 3166-1 country code.
    #[serde(default, deserialize_with = "nullable")]
    pub iso_3166_1: String,
    /// The releases.
    #[serde(default, deserialize_with = "nullable")]
    pub release_dates: Vec<TmdbReleaseDate>,
}

/// An alternative title (translation, working title).
#[derive(Clone, Debug, Default, Deserialize)]
pub struct TmdbAlternativeTitle {
    /// ISO 3166-1 country code.
    #[serde(default, deserialize_with = "nullable")]
    pub iso_3166_1: String,
    /// The title.
    #[serde(default, deserialize_with = "nullable")]
    pub title: String,
}

#[derive(Clone, Debug, Default, Deserialize)]
struct ExternalIds {
    #[serde(default)]
    imdb_id: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
struct ReleaseDates {
    #[serde(default, deserialize_with = "nullable")]
    results: Vec<TmdbCountryReleases>,
}

#[derive(Clone, Debug, Default, Deserialize)]
struct AlternativeTitles {
    #[serde(default, deserialize_with = "nullable")]
    titles: Vec<TmdbAlternativeTitle>,
}

/// Full details of one movie (`/movie/{id}` with appended responses).
#[derive(Clone, Debug, Default, Deserialize)]
pub struct TmdbMovie {
    /// The summary fields (id, titles, dates, images, votes) shared with search results.
    #[serde(flatten)]
    pub summary: TmdbMovieSummary,
    /// IMDb id on the details object (may be missing; see [`TmdbMovie::imdb_id`]).
    #[serde(default, rename = "imdb_id")]
    imdb_id_field: Option<String>,
    /// Runtime in minutes.
    #[serde(default)]
    pub runtime: Option<u32>,
    /// TMDB status (`Released`, `Post Production`, `In Production`, `Planned`, `Rumored`,
    /// `Canceled`).
    #[serde(default, deserialize_with = "nullable")]
    pub status: String,
    /// Genres.
    #[serde(default, deserialize_with = "nullable")]
    pub genres: Vec<TmdbGenre>,
    /// Production companies.
    #[serde(default, deserialize_with = "nullable")]
    pub production_companies: Vec<TmdbCompany>,
    /// Official website.
    #[serde(default)]
    pub homepage: Option<String>,
    /// Tagline.
    #[serde(default)]
    pub tagline: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    external_ids: ExternalIds,
    #[serde(default, deserialize_with = "nullable")]
    release_dates: ReleaseDates,
    #[serde(default, deserialize_with = "nullable")]
    alternative_titles: AlternativeTitles,
}

impl TmdbMovie {
    /// IMDb id (`tt0133093`) from the details or the appended `external_ids`.
    pub fn imdb_id(&self) -> Option<&str> {
        [&self.imdb_id_field, &self.external_ids.imdb_id]
            .into_iter()
            .flatten()
            .map(|s| s.trim())
            .find(|s| s.starts_with("tt") && s.len() > 2)
    }

    /// Release year.
    pub fn year(&self) -> Option<u16> {
        self.summary.year()
    }

    /// Releases per country (from `append_to_response=release_dates`).
    pub fn country_releases(&self) -> &[TmdbCountryReleases] {
        &self.release_dates.results
    }

    /// Alternative titles (from `append_to_response=alternative_titles`).
    pub fn alternative_titles(&self) -> &[TmdbAlternativeTitle] {
        &self.alternative_titles.titles
    }

    /// Earliest release of any of `kinds` in any country.
    pub fn earliest_release(&self, kinds: &[u8]) -> Option<DateTime<Utc>> {
        self.release_dates
            .results
            .iter()
            .flat_map(|c| c.release_dates.iter())
            .filter(|r| kinds.contains(&r.kind))
            .filter_map(|r| parse_date(&r.release_date))
            .min()
    }

    /// First theatrical release (limited or wide), else TMDB's primary release date.
    pub fn in_cinemas(&self) -> Option<DateTime<Utc>> {
        self.earliest_release(&[2, 3])
            .or_else(|| parse_date(&self.summary.release_date))
    }

    /// First digital release.
    pub fn digital_release(&self) -> Option<DateTime<Utc>> {
        self.earliest_release(&[4])
    }

    /// First physical (disc) release.
    pub fn physical_release(&self) -> Option<DateTime<Utc>> {
        self.earliest_release(&[5])
    }

    /// US certification (theatrical preferred), as Radarr shows it.
    pub fn certification(&self) -> Option<&str> {
        let us = self
            .release_dates
            .results
            .iter()
            .find(|c| c.iso_3166_1 == "US")?;
        let mut certs: Vec<&TmdbReleaseDate> = us
            .release_dates
            .iter()
            .filter(|r| !r.certification.trim().is_empty())
            .collect();
        certs.sort_by_key(|r| if r.kind == 3 { 0 } else { 1 });
        certs.first().map(|r| r.certification.trim())
    }
}
