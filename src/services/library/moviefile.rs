//! Movie files (Radarr's `/api/v3/moviefile`): listed by movie or by file id, and deleted —
//! from disk only inside a root folder (the checks of `removal.rs`), with a `movieFileDeleted`
//! history event; the movie stays in the library, missing.

use super::removal::{check_file, delete_file, deleted_event, RemovalError};
use super::{LibraryService, Result, ServiceError};
use crate::domain::movie::Movie;
use crate::services::notify::payload;
use std::path::PathBuf;

fn no_file(id: i64) -> ServiceError {
    ServiceError::NotFound(format!("no movie file {id}"))
}

impl LibraryService {
    /// Movies that have a file, filtered by movie ids and/or file ids (an empty list does not
    /// filter), each carrying its file.
    pub async fn movie_files(&self, movie_ids: &[i64], file_ids: &[i64]) -> Result<Vec<Movie>> {
        let all = if movie_ids.len() == 1 && file_ids.is_empty() {
            self.store.movie(movie_ids[0]).await?.into_iter().collect()
        } else {
            self.store.movies().await?
        };
        Ok(all
            .into_iter()
            .filter(|m| movie_ids.is_empty() || movie_ids.contains(&m.id))
            .filter(|m| match &m.file {
                Some(f) => file_ids.is_empty() || file_ids.contains(&f.id),
                None => false,
            })
            .collect())
    }

    /// The movie owning file `id`, with the file.
    pub async fn movie_file(&self, id: i64) -> Result<Movie> {
        self.movie_files(&[], &[id])
            .await?
            .into_iter()
            .next()
            .ok_or_else(|| no_file(id))
    }

    /// Deletes files `ids`, all checked first: an unknown id is a 404 and a file outside every
    /// root folder a 409 before anything is deleted. Each file goes from disk (when present),
    /// then from the library, with a `movieFileDeleted` event.
    pub async fn delete_movie_files(&self, ids: &[i64]) -> Result<()> {
        let owners = self.movie_files(&[], ids).await?;
        if let Some(id) = ids.iter().find(|id| {
            !owners
                .iter()
                .any(|m| m.file.as_ref().map(|f| f.id) == Some(**id))
        }) {
            return Err(no_file(*id));
        }
        let roots = super::removal::root_paths(self.store.as_ref()).await?;
        let paths: Vec<PathBuf> = owners
            .iter()
            .filter_map(|m| {
                m.file
                    .as_ref()
                    .map(|f| PathBuf::from(&m.path).join(&f.relative_path))
            })
            .collect();
        let checked = tokio::task::spawn_blocking(move || {
            paths
                .iter()
                .map(|p| check_file(&roots, p))
                .collect::<std::result::Result<Vec<_>, _>>()
        })
        .await
        .map_err(|e| ServiceError::Internal {
            context: "checking movie files",
            detail: e.to_string(),
        })?
        .map_err(removal_error)?;
        for (m, real) in owners.iter().zip(checked) {
            if let Some(r) = real {
                tokio::task::spawn_blocking(move || delete_file(&r))
                    .await
                    .map_err(|e| ServiceError::Internal {
                        context: "deleting a movie file",
                        detail: e.to_string(),
                    })?
                    .map_err(removal_error)?;
            }
            self.store.add_history(&deleted_event(m)).await?;
            self.rendered.forget(m.id);
            self.store.delete_movie_file(m.id).await?;
            if let Some(f) = &m.file {
                let tags = payload::tag_labels(self.store.as_ref(), m).await;
                let e = payload::movie_file_delete(m, &tags, f, "manual");
                self.notifier.emit(e);
            }
        }
        Ok(())
    }
}

/// A refused or failed file deletion, answered like a movie deletion's.
pub(super) fn removal_error(e: RemovalError) -> ServiceError {
    match e {
        RemovalError::NotFound(id) => ServiceError::NotFound(format!("no movie {id}")),
        RemovalError::Unsafe(m) => ServiceError::Conflict {
            code: "unsafe_path",
            message: m,
        },
        e @ RemovalError::Io { .. } => {
            tracing::warn!(error = %e, "deleting movie files failed");
            ServiceError::Conflict {
                code: "delete_failed",
                message: e.to_string(),
            }
        }
        RemovalError::Store(e) => e.into(),
    }
}
