//! Free and total space of the filesystems that hold the root folders and reelarr's data
//! directory (statvfs), one entry per filesystem, named by its mount point as Radarr names
//! drives. Also the free-space helper root folders use.

use super::{LibraryService, Result, ServiceError};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

/// One filesystem: its mount point, and free (available to us) and total bytes.
#[derive(Clone, Debug, PartialEq)]
pub struct DiskSpace {
    pub path: String,
    pub free: u64,
    pub total: u64,
}

/// Free (available to us) and total bytes of the filesystem holding `path` (statvfs).
pub fn disk_space(path: &str) -> Option<(u64, u64)> {
    let c = std::ffi::CString::new(path).ok()?;
    // SAFETY: statvfs is a plain C struct for which all-zero bytes is a valid value.
    let mut st: libc::statvfs = unsafe { std::mem::zeroed() };
    // SAFETY: `c` is a valid NUL-terminated string and `st` a writable statvfs.
    if unsafe { libc::statvfs(c.as_ptr(), &mut st) } != 0 {
        return None;
    }
    let frsize = st.f_frsize as u64;
    Some((
        (st.f_bavail as u64).saturating_mul(frsize),
        (st.f_blocks as u64).saturating_mul(frsize),
    ))
}

/// The mount point of the filesystem holding `path`: the highest ancestor on the same device.
fn mount_point(path: &Path) -> Option<(PathBuf, u64)> {
    let path = path.canonicalize().ok()?;
    let dev = std::fs::metadata(&path).ok()?.dev();
    let mut top = path.clone();
    for a in path.ancestors().skip(1) {
        match std::fs::metadata(a) {
            Ok(m) if m.dev() == dev => top = a.to_path_buf(),
            _ => break,
        }
    }
    Some((top, dev))
}

/// One entry per distinct filesystem among `paths`, sorted by mount point; paths that do not
/// exist are skipped.
pub fn disk_resources(paths: &[PathBuf]) -> Vec<DiskSpace> {
    let mut seen: Vec<(u64, PathBuf)> = Vec::new();
    for p in paths {
        if let Some((mount, dev)) = mount_point(p) {
            if !seen.iter().any(|(d, _)| *d == dev) {
                seen.push((dev, mount));
            }
        }
    }
    seen.sort_by(|a, b| a.1.cmp(&b.1));
    seen.iter()
        .filter_map(|(_, mount)| {
            let m = mount.to_string_lossy().to_string();
            let (free, total) = disk_space(&m)?;
            Some(DiskSpace {
                path: m,
                free,
                total,
            })
        })
        .collect()
}

impl LibraryService {
    /// The filesystems of the root folders and the data directory.
    pub async fn disk_space(&self) -> Result<Vec<DiskSpace>> {
        let roots = self.store.root_folders().await?;
        let mut paths: Vec<PathBuf> = roots.iter().map(|r| PathBuf::from(&r.path)).collect();
        paths.push(self.config.get().data_dir.clone());
        // statvfs and metadata can block on a sick network mount: keep them off the runtime.
        tokio::task::spawn_blocking(move || disk_resources(&paths))
            .await
            .map_err(|e| ServiceError::Internal {
                context: "reading disk space",
                detail: e.to_string(),
            })
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn one_entry_per_filesystem() {
        let a = tempfile::tempdir().unwrap();
        let b = tempfile::tempdir().unwrap();
        let list = super::disk_resources(&[
            a.path().to_path_buf(),
            b.path().to_path_buf(),
            "/no/such/dir".into(),
        ]);
        assert_eq!(list.len(), 1, "{list:?}");
        let e = &list[0];
        assert!(e.total >= e.free);
        assert!(a.path().starts_with(&e.path));
    }
}
