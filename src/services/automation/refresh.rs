//! `RefreshMovie`: re-reads TMDB metadata of library movies through the metadata service (its
//! cache and the TMDB breaker). A failure or a stale answer keeps the movie's old metadata, so a
//! TMDB outage never blanks the library.

use super::{Automation, AutomationError};
use crate::domain::movie::Movie;
use serde::Serialize;

/// What a refresh did.
#[derive(Clone, Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RefreshReport {
    pub refreshed: usize,
    /// Movies whose metadata could not be refreshed (kept as they were).
    pub kept: usize,
    /// The first failure's message, for the command's message.
    pub first_error: Option<String>,
}

impl Automation {
    /// Refreshes `ids`, or every movie when empty.
    pub async fn refresh_movies(&self, ids: &[i64]) -> Result<RefreshReport, AutomationError> {
        let movies: Vec<Movie> = if ids.is_empty() {
            self.store().movies().await?
        } else {
            let mut v = Vec::new();
            for id in ids {
                v.push(self.movie(*id).await?);
            }
            v
        };
        let mut report = RefreshReport::default();
        for mut movie in movies {
            let Ok(tmdb_id) = u32::try_from(movie.tmdb_id) else {
                continue;
            };
            self.inner.metadata.invalidate_movie(tmdb_id).await;
            match self.inner.metadata.movie(tmdb_id).await {
                Ok(found) if !found.stale => {
                    let info = found.value;
                    movie.title = info.title.clone();
                    if let Some(y) = info.year {
                        movie.year = i32::from(y);
                    }
                    if info.imdb_id.is_some() {
                        movie.imdb_id = info.imdb_id.clone();
                    }
                    if let Ok(v) = serde_json::to_value(&info) {
                        movie.metadata = v.into();
                    }
                    movie.last_info_sync = Some(chrono::Utc::now());
                    self.store().update_movie(&movie).await?;
                    report.refreshed += 1;
                }
                Ok(_) => {
                    report.kept += 1;
                    report
                        .first_error
                        .get_or_insert_with(|| "TMDB unavailable; kept cached metadata".into());
                }
                Err(e) => {
                    report.kept += 1;
                    report.first_error.get_or_insert_with(|| e.to_string());
                }
            }
        }
        Ok(report)
    }
}
