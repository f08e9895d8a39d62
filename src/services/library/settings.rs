//! Quality profiles, root folders and tags: what may be stored (validated here) and what a root
//! folder looks like to a client (with its free space).

use super::disk::disk_space;
use super::{LibraryService, Result, ServiceError};
use crate::domain::movie::{StoredProfile, Tag};
use crate::domain::profile::QualityProfile;
use crate::services::formats::{load_formats, profiles};
use serde_json::Value;

/// A root folder with its free space; `free_space` is `None` when the folder is not accessible.
#[derive(Clone, Debug, PartialEq)]
pub struct RootFolderView {
    pub id: i64,
    pub path: String,
    pub free_space: Option<u64>,
}

impl RootFolderView {
    fn new(id: i64, path: String) -> Self {
        let free_space = disk_space(&path).map(|s| s.0);
        RootFolderView {
            id,
            path,
            free_space,
        }
    }
}

fn no_profile(id: i64) -> ServiceError {
    ServiceError::NotFound(format!("no quality profile {id}"))
}

fn no_root(id: i64) -> ServiceError {
    ServiceError::NotFound(format!("no root folder {id}"))
}

fn no_tag(id: i64) -> ServiceError {
    ServiceError::NotFound(format!("no tag {id}"))
}

/// Parses and validates a profile body; errors name what is wrong.
fn parse_profile(v: Value) -> Result<QualityProfile> {
    let p: QualityProfile = serde_json::from_value(v).map_err(|e| {
        ServiceError::invalid("invalid_profile", format!("invalid quality profile: {e}"))
    })?;
    p.validate().map_err(|errs| {
        let msgs: Vec<String> = errs.iter().map(|e| e.to_string()).collect();
        ServiceError::invalid("invalid_profile", msgs.join("; ")).with("problems", msgs)
    })?;
    Ok(p)
}

/// A root folder path as stored: absolute, no trailing '/', and an existing directory.
fn check_root(raw: &str) -> Result<String> {
    let path = raw.trim_end_matches('/').to_string();
    let p = std::path::Path::new(&path);
    if !p.is_absolute() || path.is_empty() {
        return Err(ServiceError::invalid(
            "invalid_path",
            format!("root folder must be an absolute path, got {raw:?}"),
        ));
    }
    if !p.is_dir() {
        return Err(ServiceError::invalid(
            "folder_not_found",
            format!("folder {path:?} does not exist or is not a directory"),
        ));
    }
    Ok(path)
}

/// A tag label as stored: trimmed, lower-case, 1-100 bytes.
fn check_label(raw: &str) -> Result<String> {
    let label = raw.trim().to_lowercase();
    if label.is_empty() || label.len() > 100 {
        return Err(ServiceError::invalid(
            "invalid_label",
            "label must be 1-100 characters",
        ));
    }
    Ok(label)
}

impl LibraryService {
    /// Every quality profile, with `formatItems` listing every existing custom format (see
    /// [`profiles::sync_format_items`]); as stored when the formats cannot be read.
    pub async fn profiles(&self) -> Result<Vec<StoredProfile>> {
        let mut all = self.store.profiles().await?;
        if let Ok(formats) = load_formats(self.store.as_ref()).await {
            for p in &mut all {
                if let Ok(mut profile) = serde_json::from_value::<QualityProfile>(p.data.clone()) {
                    profiles::sync_format_items(&mut profile, &formats);
                    p.data = serde_json::to_value(&profile).unwrap_or(Value::Null);
                }
            }
        }
        Ok(all)
    }

    /// `GET /api/v3/qualityprofile/schema`: a new, unnamed profile listing every quality (none
    /// allowed) and every custom format at score 0, what Radarr clients fill in to create one.
    pub async fn profile_schema(&self) -> Result<Value> {
        let mut p = QualityProfile::from_allowed("", 0, &[]);
        let formats = load_formats(self.store.as_ref()).await?;
        profiles::sync_format_items(&mut p, &formats);
        Ok(serde_json::to_value(&p).unwrap_or(Value::Null))
    }

    /// Checks a parsed profile's format scores against the existing formats and lists every
    /// format in it, for storing.
    async fn with_formats(&self, mut p: QualityProfile) -> Result<Value> {
        let formats = load_formats(self.store.as_ref()).await?;
        profiles::check_format_items(&p, &formats)?;
        profiles::sync_format_items(&mut p, &formats);
        Ok(serde_json::to_value(&p).unwrap_or(Value::Null))
    }

    /// Profile `id`, or `NotFound`.
    pub async fn profile(&self, id: i64) -> Result<StoredProfile> {
        self.profiles()
            .await?
            .into_iter()
            .find(|p| p.id == id)
            .ok_or_else(|| no_profile(id))
    }

    /// Validates and stores a new profile from Radarr's JSON.
    pub async fn add_profile(&self, body: Value) -> Result<StoredProfile> {
        let p = parse_profile(body)?;
        let name = p.name.clone();
        let data = self.with_formats(p).await?;
        Ok(self.store.add_profile(&name, &data).await?)
    }

    /// Validates and replaces profile `id`.
    pub async fn update_profile(&self, id: i64, body: Value) -> Result<StoredProfile> {
        let p = parse_profile(body)?;
        let stored = StoredProfile {
            id,
            name: p.name.clone(),
            data: self.with_formats(p).await?,
        };
        if !self.store.update_profile(&stored).await? {
            return Err(no_profile(id));
        }
        Ok(stored)
    }

    /// Deletes profile `id`; refused while movies use it.
    pub async fn delete_profile(&self, id: i64) -> Result<()> {
        match self
            .store
            .delete_profile(id)
            .await
            .map_err(ServiceError::from)
        {
            Ok(true) => Ok(()),
            Ok(false) => Err(no_profile(id)),
            Err(e) if e.is_constraint() => Err(ServiceError::Conflict {
                code: "profile_in_use",
                message: format!("quality profile {id} is used by movies; change them first"),
            }),
            Err(e) => Err(e),
        }
    }

    /// Every root folder with its free space.
    pub async fn root_folders(&self) -> Result<Vec<RootFolderView>> {
        Ok(self
            .store
            .root_folders()
            .await?
            .into_iter()
            .map(|r| RootFolderView::new(r.id, r.path))
            .collect())
    }

    /// Adds an existing directory as a root folder.
    pub async fn add_root_folder(&self, raw: &str) -> Result<RootFolderView> {
        let path = check_root(raw)?;
        let r = self
            .store
            .add_root_folder(&path)
            .await
            .map_err(ServiceError::from)
            .map_err(|e| {
                if e.is_constraint() {
                    ServiceError::invalid(
                        "duplicate_root_folder",
                        format!("{path:?} is already a root folder"),
                    )
                } else {
                    e
                }
            })?;
        Ok(RootFolderView::new(r.id, r.path))
    }

    /// Root folder `id` with its free space, or `NotFound`.
    pub async fn root_folder(&self, id: i64) -> Result<RootFolderView> {
        self.root_folders()
            .await?
            .into_iter()
            .find(|r| r.id == id)
            .ok_or_else(|| no_root(id))
    }

    /// Removes root folder `id` (never its files).
    pub async fn delete_root_folder(&self, id: i64) -> Result<()> {
        if self.store.delete_root_folder(id).await? {
            Ok(())
        } else {
            Err(no_root(id))
        }
    }

    /// Every tag.
    pub async fn tags(&self) -> Result<Vec<Tag>> {
        Ok(self.store.tags().await?)
    }

    /// Adds a tag (or returns the existing one with that label).
    pub async fn add_tag(&self, raw: &str) -> Result<Tag> {
        let label = check_label(raw)?;
        Ok(self.store.add_tag(&label).await?)
    }

    /// Tag `id`, or `NotFound`.
    pub async fn tag(&self, id: i64) -> Result<Tag> {
        self.tags()
            .await?
            .into_iter()
            .find(|t| t.id == id)
            .ok_or_else(|| no_tag(id))
    }

    /// Renames tag `id` (lower-cased, as Radarr does); a label another tag has is a conflict.
    pub async fn rename_tag(&self, id: i64, raw: &str) -> Result<Tag> {
        let tag = Tag {
            id,
            label: check_label(raw)?,
        };
        match self
            .store
            .update_tag(&tag)
            .await
            .map_err(ServiceError::from)
        {
            Ok(true) => Ok(tag),
            Ok(false) => Err(no_tag(id)),
            Err(e) if e.is_constraint() => Err(ServiceError::Conflict {
                code: "tag_exists",
                message: format!("another tag is labelled {:?}", tag.label),
            }),
            Err(e) => Err(e),
        }
    }

    /// Deletes tag `id`; refused while movies carry it, as Radarr refuses a tag in use.
    pub async fn delete_tag(&self, id: i64) -> Result<()> {
        match self.store.delete_tag(id).await.map_err(ServiceError::from) {
            Ok(true) => Ok(()),
            Ok(false) => Err(no_tag(id)),
            Err(e) if e.is_constraint() => Err(ServiceError::Conflict {
                code: "tag_in_use",
                message: format!("tag {id} is used by movies; remove it from them first"),
            }),
            Err(e) => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(e: ServiceError) -> &'static str {
        match e {
            ServiceError::Invalid { code, .. } => code,
            other => panic!("not invalid: {other:?}"),
        }
    }

    #[test]
    fn root_folders_must_be_existing_absolute_directories() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().display().to_string();
        assert_eq!(check_root(&format!("{p}/")).unwrap(), p);
        assert_eq!(
            code(check_root("relative/dir").unwrap_err()),
            "invalid_path"
        );
        assert_eq!(code(check_root("/").unwrap_err()), "invalid_path");
        assert_eq!(
            code(check_root(&format!("{p}/missing")).unwrap_err()),
            "folder_not_found"
        );
    }

    #[test]
    fn labels_are_trimmed_lower_case_and_bounded() {
        assert_eq!(check_label("  HD ").unwrap(), "hd");
        assert_eq!(code(check_label("   ").unwrap_err()), "invalid_label");
        assert_eq!(
            code(check_label(&"x".repeat(101)).unwrap_err()),
            "invalid_label"
        );
    }

    #[test]
    fn invalid_profiles_list_their_problems() {
        let e = parse_profile(serde_json::json!({"name": 5})).unwrap_err();
        assert_eq!(code(e), "invalid_profile");
    }
}
