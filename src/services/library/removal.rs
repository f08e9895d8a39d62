//! Removing a movie from the library, optionally with its files (Radarr's
//! `DELETE /movie/{id}?deleteFiles=true`). Files are only ever deleted inside one of the
//! library's root folders: the movie folder is resolved through every symlink first, must lie
//! strictly below a registered root folder, and is then removed without following links inside
//! it. A `movieFileDeleted` history event is recorded before the movie goes.

use crate::domain::history::HistoryEventType;
use crate::domain::movie::Movie;
use crate::services::notify::{payload, Notifier};
use crate::store::{NewHistory, Store, StoreError};
use serde_json::json;
use std::path::{Path, PathBuf};

/// Why a movie could not be removed.
#[derive(Debug, thiserror::Error)]
pub enum RemovalError {
    #[error("no movie {0}")]
    NotFound(i64),
    /// The folder is not strictly inside a root folder (or escapes one through a symlink).
    #[error("{0}")]
    Unsafe(String),
    /// The filesystem refused (permissions, read-only mount, ...).
    #[error("could not delete {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What was removed from disk.
#[derive(Debug, Default, PartialEq)]
pub struct Removed {
    /// The movie folder, when it existed and was deleted.
    pub folder: Option<PathBuf>,
}

/// The paths of every root folder: what deletes and moves are checked against.
pub(super) async fn root_paths(store: &dyn Store) -> Result<Vec<String>, StoreError> {
    Ok(store
        .root_folders()
        .await?
        .into_iter()
        .map(|r| r.path)
        .collect())
}

/// Checks that `folder` may be deleted: it resolves (symlinks included) to a directory strictly
/// inside one of `roots` (also resolved). Returns the resolved folder, or `None` when there is
/// nothing on disk.
pub fn check_folder(roots: &[String], folder: &Path) -> Result<Option<PathBuf>, RemovalError> {
    let real = resolve_inside(roots, folder)?;
    if let Some(r) = &real {
        if !r.is_dir() {
            return Err(RemovalError::Unsafe(format!(
                "{r:?} is not a folder; refusing to delete it"
            )));
        }
    }
    Ok(real)
}

/// Checks that `file` may be deleted (`DELETE /moviefile/{id}`): it resolves, symlinks
/// included, to a regular file strictly inside one of `roots`. Returns the resolved file, or
/// `None` when there is nothing on disk.
pub fn check_file(roots: &[String], file: &Path) -> Result<Option<PathBuf>, RemovalError> {
    let real = resolve_inside(roots, file)?;
    if let Some(r) = &real {
        if !r.is_file() {
            return Err(RemovalError::Unsafe(format!(
                "{r:?} is not a file; refusing to delete it"
            )));
        }
    }
    Ok(real)
}

/// Deletes a file checked by [`check_file`].
pub fn delete_file(real: &Path) -> Result<(), RemovalError> {
    std::fs::remove_file(real).map_err(|e| RemovalError::Io {
        path: real.display().to_string(),
        source: e,
    })
}

/// `folder` resolved through every symlink, when it lies strictly inside a resolved root;
/// `None` when nothing is on disk there.
fn resolve_inside(roots: &[String], folder: &Path) -> Result<Option<PathBuf>, RemovalError> {
    if folder.as_os_str().is_empty() || !folder.is_absolute() {
        return Err(RemovalError::Unsafe(format!(
            "the movie's path {folder:?} is not an absolute path; refusing to delete files"
        )));
    }
    let real = match folder.canonicalize() {
        Ok(p) => p,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            // Nothing on disk. A dangling symlink still counts as something to refuse.
            if folder.symlink_metadata().is_ok() {
                return Err(RemovalError::Unsafe(format!(
                    "{folder:?} is a symlink to nothing; refusing to delete it"
                )));
            }
            return Ok(None);
        }
        Err(e) => {
            return Err(RemovalError::Io {
                path: folder.display().to_string(),
                source: e,
            })
        }
    };
    let inside = roots
        .iter()
        .filter_map(|r| Path::new(r).canonicalize().ok())
        .any(|root| real != root && real.starts_with(&root));
    if !inside {
        return Err(RemovalError::Unsafe(format!(
            "{folder:?} resolves to {real:?}, which is not inside a root folder; refusing to delete it"
        )));
    }
    Ok(Some(real))
}

/// Deletes the checked folder. `remove_dir_all` unlinks symlinks inside it instead of
/// following them, so nothing outside the folder is touched.
fn delete_folder(real: &Path) -> Result<(), RemovalError> {
    std::fs::remove_dir_all(real).map_err(|e| RemovalError::Io {
        path: real.display().to_string(),
        source: e,
    })
}

/// Removes movie `id` from the library; with `delete_files`, first deletes its folder (see the
/// module doc) and records `movieFileDeleted`. Nothing is deleted when a check fails, and the
/// movie stays in the library when the files could not be deleted, so the call can be retried.
/// A removed movie is notified (MovieDelete).
pub async fn remove_movie(
    store: &dyn Store,
    notifier: &Notifier,
    id: i64,
    delete_files: bool,
) -> Result<Removed, RemovalError> {
    let movie = store.movie(id).await?.ok_or(RemovalError::NotFound(id))?;
    let mut removed = Removed::default();
    if delete_files {
        let roots = root_paths(store).await?;
        let folder = PathBuf::from(&movie.path);
        let checked = tokio::task::spawn_blocking(move || {
            let real = check_folder(&roots, &folder)?;
            if let Some(r) = &real {
                delete_folder(r)?;
            }
            Ok::<_, RemovalError>(real)
        })
        .await
        .map_err(|e| RemovalError::Io {
            path: movie.path.clone(),
            source: std::io::Error::other(e.to_string()),
        })??;
        if checked.is_some() || movie.file.is_some() {
            store.add_history(&deleted_event(&movie)).await?;
        }
        removed.folder = checked;
    }
    let tags = payload::tag_labels(store, &movie).await;
    if !store.delete_movie(id).await? {
        return Err(RemovalError::NotFound(id));
    }
    notifier.emit(payload::movie_delete(&movie, &tags, delete_files));
    Ok(removed)
}

/// Radarr's `movieFileDeleted` event for a manual delete.
pub(super) fn deleted_event(m: &Movie) -> NewHistory {
    let (title, quality, size) = match &m.file {
        Some(f) => (f.relative_path.clone(), f.quality.clone(), f.size),
        None => (m.path.clone(), json!({}), 0),
    };
    NewHistory {
        movie_id: Some(m.id),
        event_type: HistoryEventType::MovieFileDeleted.as_str().into(),
        source_title: title,
        quality,
        download_id: None,
        data: json!({"reason": "Manual", "path": m.path, "size": size.to_string()}),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    fn roots(r: &Path) -> Vec<String> {
        vec![r.display().to_string()]
    }

    #[test]
    fn folders_inside_a_root_only() {
        let root = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let movie = root.path().join("Movie (1999)");
        std::fs::create_dir(&movie).unwrap();
        std::fs::write(movie.join("m.mkv"), b"x").unwrap();
        let r = roots(root.path());
        assert!(check_folder(&r, &movie).unwrap().is_some());
        assert!(check_folder(&r, &root.path().join("missing"))
            .unwrap()
            .is_none());
        // The root itself, its parent, a path outside, and a relative path are refused.
        for bad in [
            root.path().to_path_buf(),
            root.path().join(".."),
            outside.path().to_path_buf(),
            root.path().join("Movie (1999)/../.."),
            PathBuf::from("relative/Movie"),
        ] {
            assert!(
                matches!(check_folder(&r, &bad), Err(RemovalError::Unsafe(_))),
                "{bad:?}"
            );
        }
        // A symlink inside the root pointing outside is refused, as is a dangling one.
        let link = root.path().join("Escape (2000)");
        symlink(outside.path(), &link).unwrap();
        assert!(matches!(
            check_folder(&r, &link),
            Err(RemovalError::Unsafe(_))
        ));
        let dangling = root.path().join("Gone (2001)");
        symlink(outside.path().join("nope"), &dangling).unwrap();
        assert!(matches!(
            check_folder(&r, &dangling),
            Err(RemovalError::Unsafe(_))
        ));
        // With no root folders at all nothing may be deleted.
        assert!(matches!(
            check_folder(&[], &movie),
            Err(RemovalError::Unsafe(_))
        ));
    }

    #[test]
    fn files_inside_a_root_only() {
        let root = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let movie = root.path().join("Movie (1999)");
        std::fs::create_dir(&movie).unwrap();
        let file = movie.join("m.mkv");
        std::fs::write(&file, b"x").unwrap();
        std::fs::write(outside.path().join("o.mkv"), b"x").unwrap();
        let r = roots(root.path());
        let real = check_file(&r, &file).unwrap().unwrap();
        assert!(check_file(&r, &movie.join("gone.mkv")).unwrap().is_none());
        // A folder, a file outside, a link pointing outside and a relative path are refused.
        symlink(outside.path().join("o.mkv"), movie.join("link.mkv")).unwrap();
        for bad in [
            movie.clone(),
            outside.path().join("o.mkv"),
            movie.join("link.mkv"),
            PathBuf::from("Movie (1999)/m.mkv"),
        ] {
            assert!(
                matches!(check_file(&r, &bad), Err(RemovalError::Unsafe(_))),
                "{bad:?}"
            );
        }
        delete_file(&real).unwrap();
        assert!(!file.exists() && outside.path().join("o.mkv").exists());
    }

    #[test]
    fn deleting_does_not_follow_links_inside() {
        let root = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("keep.mkv"), b"x").unwrap();
        let movie = root.path().join("Movie (1999)");
        std::fs::create_dir(&movie).unwrap();
        symlink(outside.path(), movie.join("extras")).unwrap();
        let real = check_folder(&roots(root.path()), &movie).unwrap().unwrap();
        delete_folder(&real).unwrap();
        assert!(!movie.exists());
        assert!(outside.path().join("keep.mkv").exists());
    }
}
