//! The poster proxy's on-disk cache: one file per image under `<data-dir>/MediaCover`, capped in
//! total size; when a new image pushes it over the cap, the oldest files (by modification time)
//! go first. Files are written to a temporary name and renamed, so a reader never sees half an
//! image, and a crash leaves at most a stray `.part` that the next eviction removes.

use parking_lot::Mutex;
use std::path::{Path, PathBuf};

/// A size-capped directory of cached images, keyed by file name.
#[derive(Debug)]
pub struct DiskCache {
    dir: PathBuf,
    cap_bytes: u64,
    /// Serialises writes and evictions (reads need no lock: files appear by rename).
    write: Mutex<()>,
}

impl DiskCache {
    /// A cache in `dir` (created on first write) holding at most `cap_bytes`.
    pub fn new(dir: PathBuf, cap_bytes: u64) -> Self {
        DiskCache {
            dir,
            cap_bytes,
            write: Mutex::new(()),
        }
    }

    /// The cached bytes of `key`, if any.
    pub fn get(&self, key: &str) -> Option<Vec<u8>> {
        std::fs::read(self.dir.join(key)).ok()
    }

    /// Stores `bytes` under `key`, then evicts the oldest files until the total is under the
    /// cap. An image bigger than the whole cap is not stored. Errors are logged, not returned:
    /// a cache that cannot write only costs a refetch.
    pub fn put(&self, key: &str, bytes: &[u8]) {
        if bytes.len() as u64 > self.cap_bytes {
            return;
        }
        let _guard = self.write.lock();
        let result = std::fs::create_dir_all(&self.dir).and_then(|()| {
            let part = self.dir.join(format!("{key}.part"));
            std::fs::write(&part, bytes)?;
            std::fs::rename(&part, self.dir.join(key))
        });
        if let Err(e) = result {
            tracing::warn!(dir = %self.dir.display(), error = %e, "cannot write the image cache");
            return;
        }
        evict(&self.dir, self.cap_bytes);
    }

    /// Bytes held now (for tests and the closing notes).
    pub fn size(&self) -> u64 {
        entries(&self.dir).iter().map(|e| e.1).sum()
    }
}

/// `(path, size, modified)` of every file in `dir`.
fn entries(dir: &Path) -> Vec<(PathBuf, u64, std::time::SystemTime)> {
    let Ok(read) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    read.filter_map(|e| {
        let e = e.ok()?;
        let meta = e.metadata().ok()?;
        if !meta.is_file() {
            return None;
        }
        Some((e.path(), meta.len(), meta.modified().ok()?))
    })
    .collect()
}

/// Deletes stray partial files and the oldest files until the total fits `cap`.
fn evict(dir: &Path, cap: u64) {
    let mut files = entries(dir);
    files.retain(|(p, _, _)| {
        let part = p.extension().is_some_and(|e| e == "part");
        if part {
            let _ = std::fs::remove_file(p);
        }
        !part
    });
    let mut total: u64 = files.iter().map(|f| f.1).sum();
    files.sort_by_key(|f| f.2);
    for (path, len, _) in files {
        if total <= cap {
            break;
        }
        if std::fs::remove_file(&path).is_ok() {
            total -= len;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stays_under_its_cap_dropping_the_oldest() {
        let dir = tempfile::tempdir().unwrap();
        let cache = DiskCache::new(dir.path().join("MediaCover"), 1000);
        for i in 0..10 {
            cache.put(&format!("w500-{i}.jpg"), &[i as u8; 300]);
            assert!(cache.size() <= 1000, "after {i}: {}", cache.size());
            // Distinct modification times, so "oldest" is well defined.
            std::thread::sleep(std::time::Duration::from_millis(15));
        }
        assert_eq!(cache.get("w500-9.jpg").unwrap(), vec![9u8; 300]);
        assert!(cache.get("w500-0.jpg").is_none(), "the oldest went first");
        // Bigger than the whole cap: not stored, nothing evicted for it.
        cache.put("huge.jpg", &[0u8; 1001]);
        assert!(cache.get("huge.jpg").is_none());
        assert!(cache.get("w500-9.jpg").is_some());
    }
}
