//! A real full disk for tests: a size-limited tmpfs (root only) and a filler that takes its last
//! byte. Used by the storage tests and the chaos soak.

use crate::app::require_real_services;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

/// `ENOSPC` on Linux: "No space left on device".
const ENOSPC: i32 = 28;

/// A tmpfs mounted on a fresh temporary directory; unmounted when dropped, even when the test
/// panics.
pub struct Tmpfs {
    dir: tempfile::TempDir,
}

impl Tmpfs {
    /// Mounts a tmpfs of `size` (e.g. "16M"); `None` (after a loud note) when mounting is not
    /// allowed here.
    pub fn mount(test: &str, size: &str) -> Option<Tmpfs> {
        let dir = tempfile::tempdir().unwrap();
        let out = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir.path())
            .output();
        match out {
            Ok(o) if o.status.success() => Some(Tmpfs { dir }),
            other => {
                let why = match other {
                    Ok(o) => String::from_utf8_lossy(&o.stderr).trim().to_string(),
                    Err(e) => e.to_string(),
                };
                assert!(
                    !require_real_services(),
                    "{test}: mounting a tmpfs failed ({why}); it is required in CI"
                );
                eprintln!("*** SKIPPED {test}: cannot mount a tmpfs ({why}); run as root ***");
                None
            }
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        // Lazy: still unmounts if a killed server's files are not closed yet.
        let ok = Command::new("umount")
            .arg("-l")
            .arg(self.dir.path())
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            eprintln!(
                "could not unmount the tmpfs at {}",
                self.dir.path().display()
            );
        }
    }
}

/// Writes a file until the filesystem has no byte left (`ENOSPC`); returns its path.
pub fn fill(dir: &Path) -> PathBuf {
    let path = dir.join("filler");
    let mut f = std::fs::File::create(&path).unwrap();
    let chunk = vec![0xa5u8; 64 * 1024];
    let mut size = chunk.len();
    loop {
        match f.write(&chunk[..size]) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) if e.raw_os_error() == Some(ENOSPC) => {
                if size == 1 {
                    break;
                }
                size = 1.max(size / 2);
            }
            Err(e) => panic!("filling the tmpfs: {e}"),
        }
    }
    path
}
