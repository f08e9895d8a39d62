//! Radarr's movie editor (`PUT`/`DELETE /api/v3/movie/editor`): one change applied to many
//! movies, as the mobile apps' and the web UI's bulk edit send it. All or nothing: every id,
//! the profile, the root folder and the tags are checked before any movie is saved, and a
//! refusal names the field.

use super::moviefile::removal_error;
use super::movies::{check_availability, folder_name};
use super::removal::{check_folder, remove_movie};
use super::{LibraryService, Result, ServiceError};
use crate::domain::movie::Movie;
use std::path::{Path, PathBuf};

/// How `tags` applies to each movie's tags (Radarr's `applyTags`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ApplyTags {
    #[default]
    Add,
    Remove,
    Replace,
}

/// One bulk edit; `None` leaves the field as each movie has it.
#[derive(Clone, Debug, Default)]
pub struct MovieEdit {
    pub movie_ids: Vec<i64>,
    pub monitored: Option<bool>,
    pub quality_profile_id: Option<i64>,
    pub minimum_availability: Option<String>,
    /// The new root folder: each movie's folder keeps its name under it.
    pub root_folder_path: Option<String>,
    pub tags: Option<Vec<i64>>,
    pub apply_tags: ApplyTags,
    /// Move each movie's folder on disk to the new root folder (same filesystem: a rename).
    pub move_files: bool,
}

fn invalid(field: &str, message: String) -> ServiceError {
    ServiceError::invalid("invalid_movie_editor", message).with("field", field)
}

/// `tags` applied to `current` the way `mode` says, in ascending order without duplicates.
fn apply_tags(current: &[i64], tags: &[i64], mode: ApplyTags) -> Vec<i64> {
    let mut out: Vec<i64> = match mode {
        ApplyTags::Add => current.iter().chain(tags).copied().collect(),
        ApplyTags::Remove => current
            .iter()
            .filter(|t| !tags.contains(t))
            .copied()
            .collect(),
        ApplyTags::Replace => tags.to_vec(),
    };
    out.sort_unstable();
    out.dedup();
    out
}

impl LibraryService {
    /// Loads every movie of `ids`, or names the first unknown one (field `movieIds`).
    async fn movies_of(&self, ids: &[i64]) -> Result<Vec<Movie>> {
        if ids.is_empty() {
            return Err(invalid(
                "movieIds",
                "movieIds must list at least one movie".into(),
            ));
        }
        let all = self.store.movies().await?;
        ids.iter()
            .map(|id| {
                all.iter()
                    .find(|m| m.id == *id)
                    .cloned()
                    .ok_or_else(|| invalid("movieIds", format!("movieIds: no movie {id}")))
            })
            .collect()
    }

    /// Checks the whole edit; returns the movies as they will be saved, and the folder moves.
    async fn plan_edit(&self, e: &MovieEdit) -> Result<(Vec<Movie>, Vec<(PathBuf, PathBuf)>)> {
        let mut movies = self.movies_of(&e.movie_ids).await?;
        if let Some(p) = e.quality_profile_id {
            if !self.store.profiles().await?.iter().any(|x| x.id == p) {
                return Err(invalid(
                    "qualityProfileId",
                    format!("qualityProfileId {p} does not exist"),
                ));
            }
        }
        if let Some(a) = &e.minimum_availability {
            check_availability(a).map_err(|err| invalid("minimumAvailability", err.to_string()))?;
        }
        let root = match &e.root_folder_path {
            Some(r) => {
                let r = r.trim_end_matches('/');
                let roots = self.store.root_folders().await?;
                if r.is_empty() || !roots.iter().any(|x| x.path.trim_end_matches('/') == r) {
                    return Err(invalid(
                        "rootFolderPath",
                        format!("rootFolderPath {r:?} is not a root folder"),
                    ));
                }
                Some(r.to_string())
            }
            None => None,
        };
        if let Some(tags) = &e.tags {
            let known = self.store.tags().await?;
            if let Some(t) = tags.iter().find(|t| !known.iter().any(|k| k.id == **t)) {
                return Err(invalid("tags", format!("tags: no tag {t}")));
            }
        }
        let mut moves = Vec::new();
        for m in &mut movies {
            if let Some(v) = e.monitored {
                m.monitored = v;
            }
            if let Some(v) = e.quality_profile_id {
                m.quality_profile_id = v;
            }
            if let Some(v) = &e.minimum_availability {
                m.minimum_availability = v.clone();
            }
            if let Some(tags) = &e.tags {
                m.tags = apply_tags(&m.tags, tags, e.apply_tags);
            }
            if let Some(r) = &root {
                let name = Path::new(&m.path)
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_else(|| folder_name(&m.title, m.year));
                let new_path = format!("{r}/{name}");
                if e.move_files && new_path != m.path {
                    moves.push((PathBuf::from(&m.path), PathBuf::from(&new_path)));
                }
                m.root_folder_path = r.clone();
                m.path = new_path;
            }
        }
        Ok((movies, moves))
    }

    /// Applies `edit` to every movie it names (see the module doc); returns them as saved.
    pub async fn edit_movies(&self, edit: MovieEdit) -> Result<Vec<Movie>> {
        let (movies, moves) = self.plan_edit(&edit).await?;
        if !moves.is_empty() {
            let roots = super::removal::root_paths(self.store.as_ref()).await?;
            tokio::task::spawn_blocking(move || move_folders(&roots, &moves))
                .await
                .map_err(|e| ServiceError::Internal {
                    context: "moving movie folders",
                    detail: e.to_string(),
                })??;
        }
        let mut saved = Vec::with_capacity(movies.len());
        for m in &movies {
            self.rendered.forget(m.id);
            if let Some(s) = self.store.update_movie(m).await? {
                saved.push(s);
            }
        }
        Ok(saved)
    }

    /// Removes every movie of `ids` (with their folders when `delete_files`); every id and, when
    /// deleting files, every folder is checked before anything is removed.
    pub async fn delete_movies(&self, ids: &[i64], delete_files: bool) -> Result<()> {
        let movies = self.movies_of(ids).await?;
        if delete_files {
            let roots = super::removal::root_paths(self.store.as_ref()).await?;
            let folders: Vec<PathBuf> = movies.iter().map(|m| PathBuf::from(&m.path)).collect();
            tokio::task::spawn_blocking(move || {
                folders
                    .iter()
                    .try_for_each(|f| check_folder(&roots, f).map(|_| ()))
            })
            .await
            .map_err(|e| ServiceError::Internal {
                context: "checking movie folders",
                detail: e.to_string(),
            })?
            .map_err(removal_error)?;
        }
        for m in &movies {
            remove_movie(self.store.as_ref(), &self.notifier, m.id, delete_files)
                .await
                .map_err(removal_error)?;
        }
        Ok(())
    }
}

/// Moves each existing folder (checked inside a root) to its new place; a folder already at
/// the destination, or a move across filesystems, is refused with the path.
fn move_folders(roots: &[String], moves: &[(PathBuf, PathBuf)]) -> Result<()> {
    let mut checked = Vec::new();
    for (from, to) in moves {
        if let Some(real) = check_folder(roots, from).map_err(removal_error)? {
            if to.exists() {
                return Err(ServiceError::Conflict {
                    code: "move_failed",
                    message: format!("{to:?} already exists; not moving {from:?} there"),
                });
            }
            checked.push((real, to));
        }
    }
    for (from, to) in checked {
        std::fs::rename(&from, to).map_err(|e| ServiceError::Conflict {
            code: "move_failed",
            message: format!("could not move {from:?} to {to:?}: {e}"),
        })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_add_remove_replace() {
        assert_eq!(apply_tags(&[3, 1], &[2, 3], ApplyTags::Add), vec![1, 2, 3]);
        assert_eq!(apply_tags(&[3, 1], &[3], ApplyTags::Remove), vec![1]);
        assert_eq!(apply_tags(&[3, 1], &[5], ApplyTags::Replace), vec![5]);
    }
}
