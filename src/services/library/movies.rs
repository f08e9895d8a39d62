//! Movies: list, look up, add (validation, TMDB metadata with a fallback, folder naming, a
//! search queued on request), update and delete. Adding fetches TMDB metadata through the cache
//! and breaker when it can; when TMDB is down the movie is still added with what the client sent
//! (a later refresh fills it in), so a request from Overseerr is never lost to a metadata outage.

use super::removal::remove_movie;
use super::{LibraryService, Result, ServiceError};
use crate::domain::movie::{Movie, NewMovie};
use crate::services::notify::payload;
use serde_json::{json, Value};

/// Radarr's `minimumAvailability` values.
const AVAILABILITY: &[&str] = &["announced", "inCinemas", "released", "tba"];

/// A movie to add, as the client sent it (Radarr's `MovieResource` fields reelarr reads).
#[derive(Clone, Debug, Default)]
pub struct AddMovie {
    pub tmdb_id: Option<i64>,
    pub title: Option<String>,
    pub year: Option<i32>,
    pub quality_profile_id: Option<i64>,
    pub root_folder_path: Option<String>,
    pub path: Option<String>,
    pub monitored: Option<bool>,
    pub minimum_availability: Option<String>,
    pub tags: Option<Vec<i64>>,
    /// Radarr's `addOptions.searchForMovie`: queue a `MoviesSearch` right after the add (what
    /// Overseerr sends when a request is approved).
    pub search_for_movie: bool,
}

/// The fields an update may change; `None` keeps the stored value.
#[derive(Clone, Debug, Default)]
pub struct MovieChanges {
    pub monitored: Option<bool>,
    pub quality_profile_id: Option<i64>,
    pub minimum_availability: Option<String>,
    pub tags: Option<Vec<i64>>,
    pub root_folder_path: Option<String>,
    pub path: Option<String>,
}

fn invalid_movie(message: impl Into<String>) -> ServiceError {
    ServiceError::invalid("invalid_movie", message)
}

/// Radarr's answer to adding a movie the library already has.
fn movie_exists(tmdb_id: i64) -> ServiceError {
    ServiceError::invalid("movie_exists", "This movie has already been added")
        .with("tmdbId", tmdb_id)
}

fn no_movie(id: i64) -> ServiceError {
    ServiceError::NotFound(format!("no movie {id}"))
}

pub(super) fn check_availability(value: &str) -> Result<()> {
    if AVAILABILITY.contains(&value) {
        Ok(())
    } else {
        Err(invalid_movie(format!(
            "minimumAvailability must be one of {AVAILABILITY:?}"
        )))
    }
}

/// The movie's folder name, "Title (Year)", without characters that cannot be in a folder name
/// on common filesystems.
pub fn folder_name(title: &str, year: i32) -> String {
    let clean: String = title
        .chars()
        .map(|c| if "/\\:*?\"<>|".contains(c) { ' ' } else { c })
        .collect();
    format!(
        "{} ({year})",
        clean.split_whitespace().collect::<Vec<_>>().join(" ")
    )
}

/// The TMDB id (a positive number that fits TMDB's u32) and the profile id an add needs,
/// checked before anything is read.
fn required_ids(b: &AddMovie) -> Result<(i64, i64)> {
    let tmdb_id = b
        .tmdb_id
        .filter(|id| *id > 0 && *id <= u32::MAX as i64)
        .ok_or_else(|| invalid_movie("tmdbId (a positive number) is required"))?;
    let profile_id = b
        .quality_profile_id
        .ok_or_else(|| invalid_movie("qualityProfileId is required"))?;
    Ok((tmdb_id, profile_id))
}

/// Title and year from TMDB's metadata when it has them, else the client's; without a title
/// the movie cannot be named.
fn title_and_year(
    metadata: &Value,
    title: Option<String>,
    year: Option<i32>,
) -> Result<(String, i32)> {
    let title = metadata["title"]
        .as_str()
        .map(str::to_string)
        .or(title)
        .unwrap_or_default();
    if title.trim().is_empty() {
        return Err(invalid_movie(
            "title is required when TMDB cannot be reached",
        ));
    }
    let year = metadata["year"]
        .as_i64()
        .map(|y| y as i32)
        .or(year)
        .unwrap_or(0);
    Ok((title, year))
}

/// The movie's path: the client's own, else the root folder plus [`folder_name`].
fn movie_path(path: Option<String>, root: &str, title: &str, year: i32) -> Result<String> {
    match path {
        Some(p) if !p.trim().is_empty() => Ok(p),
        _ if !root.is_empty() => Ok(format!("{root}/{}", folder_name(title, year))),
        _ => Err(invalid_movie("rootFolderPath or path is required")),
    }
}

impl LibraryService {
    /// Every movie of the library.
    pub async fn movies(&self) -> Result<Vec<Movie>> {
        Ok(self.store.movies().await?)
    }

    /// Movie `id`, or `NotFound`.
    pub async fn movie(&self, id: i64) -> Result<Movie> {
        self.store.movie(id).await?.ok_or_else(|| no_movie(id))
    }

    /// The library's movie with this TMDB id, if any.
    pub async fn movie_by_tmdb(&self, tmdb_id: i64) -> Result<Option<Movie>> {
        Ok(self.store.movie_by_tmdb(tmdb_id).await?)
    }

    /// Adds a movie (see the module doc); errors name what is wrong with the request.
    pub async fn add_movie(&self, b: AddMovie) -> Result<Movie> {
        let (tmdb_id, profile_id) = required_ids(&b)?;
        if !self
            .store
            .profiles()
            .await?
            .iter()
            .any(|p| p.id == profile_id)
        {
            return Err(invalid_movie(format!(
                "quality profile {profile_id} does not exist"
            )));
        }
        let availability = b.minimum_availability.unwrap_or_else(|| "released".into());
        check_availability(&availability)?;
        if self.store.movie_by_tmdb(tmdb_id).await?.is_some() {
            return Err(movie_exists(tmdb_id));
        }
        // Metadata is best-effort: an outage must not lose the request.
        let (metadata, from_tmdb) = match self.metadata.movie(tmdb_id as u32).await {
            Ok(found) => (
                serde_json::to_value(&found.value).unwrap_or(Value::Null),
                true,
            ),
            Err(e) => {
                tracing::warn!(tmdb_id, error = %e, "adding movie without fresh TMDB metadata");
                (
                    json!({"tmdbId": tmdb_id, "title": b.title, "year": b.year}),
                    false,
                )
            }
        };
        let (title, year) = title_and_year(&metadata, b.title, b.year)?;
        let root = b
            .root_folder_path
            .unwrap_or_default()
            .trim_end_matches('/')
            .to_string();
        let path = movie_path(b.path, &root, &title, year)?;
        let new = NewMovie {
            tmdb_id,
            imdb_id: metadata["imdbId"].as_str().map(str::to_string),
            title,
            year,
            monitored: b.monitored.unwrap_or(true),
            minimum_availability: availability,
            quality_profile_id: profile_id,
            root_folder_path: root,
            path,
            tags: b.tags.unwrap_or_default(),
            metadata: metadata.into(),
        };
        let mut m = match self.store.add_movie(&new).await.map_err(ServiceError::from) {
            Ok(m) => m,
            // A concurrent add of the same movie won the race past the check above: answer
            // as Radarr does for any duplicate, not with the constraint's 409.
            Err(e) if e.is_constraint() && self.store.movie_by_tmdb(tmdb_id).await?.is_some() => {
                return Err(movie_exists(tmdb_id))
            }
            Err(e) => return Err(e),
        };
        if from_tmdb {
            m.last_info_sync = Some(chrono::Utc::now());
            m = self.store.update_movie(&m).await?.unwrap_or(m);
        }
        let tags = payload::tag_labels(self.store.as_ref(), &m).await;
        self.notifier.emit(payload::movie_added(&m, &tags));
        if b.search_for_movie {
            let body = json!({"name": "MoviesSearch", "movieIds": [m.id]});
            if let Err(e) = self
                .automation
                .submit_command("MoviesSearch", body, "manual")
                .await
            {
                tracing::warn!(movie_id = m.id, error = %e, "search after add not queued");
            }
        }
        Ok(m)
    }

    /// Applies `changes` to movie `id` and saves it.
    pub async fn update_movie(&self, id: i64, changes: MovieChanges) -> Result<Movie> {
        let mut m = self.movie(id).await?;
        if let Some(v) = changes.monitored {
            m.monitored = v;
        }
        if let Some(v) = changes.quality_profile_id {
            m.quality_profile_id = v;
        }
        if let Some(v) = changes.minimum_availability {
            check_availability(&v)?;
            m.minimum_availability = v;
        }
        if let Some(v) = changes.tags {
            m.tags = v;
        }
        if let Some(v) = changes.root_folder_path {
            m.root_folder_path = v;
        }
        if let Some(v) = changes.path {
            m.path = v;
        }
        self.rendered.forget(id);
        let saved = self
            .store
            .update_movie(&m)
            .await
            .map_err(ServiceError::from)
            .map_err(|e| {
                if e.is_constraint() {
                    invalid_movie("qualityProfileId does not exist")
                } else {
                    e
                }
            })?;
        saved.ok_or_else(|| no_movie(id))
    }

    /// Removes movie `id`, with its folder when `delete_files` (only inside a root folder; see
    /// `removal`).
    pub async fn delete_movie(&self, id: i64, delete_files: bool) -> Result<()> {
        self.rendered.forget(id);
        remove_movie(self.store.as_ref(), &self.notifier, id, delete_files)
            .await
            .map(|_| ())
            .map_err(super::moviefile::removal_error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folder_names_drop_forbidden_characters() {
        assert_eq!(folder_name("The Matrix", 1999), "The Matrix (1999)");
        assert_eq!(
            folder_name("Mission: Impossible / Fallout?", 2018),
            "Mission Impossible Fallout (2018)"
        );
        assert_eq!(folder_name("  a<>b  ", 0), "a b (0)");
    }

    #[test]
    fn paths_come_from_the_client_or_the_root_folder() {
        assert_eq!(
            movie_path(Some("/x/y".into()), "/m", "T", 1).unwrap(),
            "/x/y"
        );
        assert_eq!(
            movie_path(Some("  ".into()), "/m", "A: B", 2001).unwrap(),
            "/m/A B (2001)"
        );
        let e = movie_path(None, "", "T", 1).unwrap_err();
        assert!(matches!(
            e,
            ServiceError::Invalid {
                code: "invalid_movie",
                ..
            }
        ));
        assert_eq!(e.to_string(), "rootFolderPath or path is required");
    }

    #[test]
    fn adds_need_a_tmdb_id_and_a_profile() {
        let mut b = AddMovie {
            tmdb_id: Some(603),
            quality_profile_id: Some(1),
            ..AddMovie::default()
        };
        assert_eq!(required_ids(&b).unwrap(), (603, 1));
        for bad in [None, Some(0), Some(-1), Some(u32::MAX as i64 + 1)] {
            b.tmdb_id = bad;
            let e = required_ids(&b).unwrap_err();
            assert_eq!(e.to_string(), "tmdbId (a positive number) is required");
        }
        b.tmdb_id = Some(603);
        b.quality_profile_id = None;
        let e = required_ids(&b).unwrap_err();
        assert_eq!(e.to_string(), "qualityProfileId is required");
    }

    #[test]
    fn tmdb_metadata_wins_and_the_client_fills_in() {
        let tmdb = json!({"title": "The Matrix", "year": 1999});
        assert_eq!(
            title_and_year(&tmdb, Some("Matrix".into()), Some(2000)).unwrap(),
            ("The Matrix".to_string(), 1999)
        );
        // TMDB unreachable: the fallback metadata has the client's values (or nulls).
        let fallback = json!({"tmdbId": 603, "title": null, "year": null});
        assert_eq!(
            title_and_year(&fallback, Some("Matrix".into()), Some(2000)).unwrap(),
            ("Matrix".to_string(), 2000)
        );
        assert_eq!(
            title_and_year(&fallback, Some("Matrix".into()), None).unwrap(),
            ("Matrix".to_string(), 0)
        );
        let e = title_and_year(&fallback, Some("  ".into()), None).unwrap_err();
        assert_eq!(
            e.to_string(),
            "title is required when TMDB cannot be reached"
        );
    }

    #[test]
    fn availability_values() {
        for ok in AVAILABILITY {
            assert!(check_availability(ok).is_ok());
        }
        let e = check_availability("soon").unwrap_err();
        assert!(e
            .to_string()
            .starts_with("minimumAvailability must be one of"));
    }
}
