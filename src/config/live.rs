//! The running configuration: an `ArcSwap` readers load on every decision, reloaded on SIGHUP and
//! on a change of the file, and updated (and persisted) by the breaker API. A change that does not
//! validate is rejected whole; the running config stays.

use super::layer::{load, Sources};
use super::validate::validate;
use super::{BreakerSettings, Config, LibraryConfig};
use arc_swap::ArcSwap;
use parking_lot::Mutex;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

type Listener = Arc<dyn Fn(&Config) + Send + Sync>;

/// Shared handle on the live configuration. Cheap to clone (one `Arc`).
#[derive(Clone)]
pub struct LiveConfig {
    inner: Arc<Inner>,
}

struct Inner {
    current: ArcSwap<Config>,
    sources: Sources,
    listeners: Mutex<Vec<Listener>>,
    /// Serialises reloads and API updates so a file edit and a PUT cannot interleave.
    write_lock: Mutex<()>,
    /// (mtime, len) of the file as last read or written by us; the watcher reloads when it differs.
    seen: Mutex<Option<(SystemTime, u64)>>,
}

/// What a reload did, for logs and for the caller of SIGHUP-like operations.
#[derive(Debug, Clone, PartialEq)]
pub enum ReloadOutcome {
    Applied { warnings: Vec<String> },
    Unchanged,
    Rejected { problems: Vec<String> },
}

impl LiveConfig {
    /// Wraps an already loaded config together with where it came from (for reloads).
    pub fn new(config: Config, sources: Sources) -> Self {
        let seen = file_stamp(&sources.config_path);
        LiveConfig {
            inner: Arc::new(Inner {
                current: ArcSwap::from_pointee(config),
                sources,
                listeners: Mutex::new(Vec::new()),
                write_lock: Mutex::new(()),
                seen: Mutex::new(seen),
            }),
        }
    }

    /// The config in force right now; hold the guard only briefly.
    pub fn get(&self) -> Arc<Config> {
        self.inner.current.load_full()
    }

    /// Registers a callback run after every applied change (e.g. pushing thresholds to breakers).
    pub fn on_change(&self, f: impl Fn(&Config) + Send + Sync + 'static) {
        self.inner.listeners.lock().push(Arc::new(f));
    }

    /// Re-reads file and environment; applies the result if valid and different.
    pub fn reload(&self) -> ReloadOutcome {
        let _g = self.inner.write_lock.lock();
        *self.inner.seen.lock() = file_stamp(&self.inner.sources.config_path);
        match load(&self.inner.sources) {
            Err(e) => {
                let problems = e.problems().to_vec();
                tracing::error!(problems = ?problems, "configuration reload rejected; keeping the running configuration");
                ReloadOutcome::Rejected { problems }
            }
            Ok(loaded) => {
                if *self.get() == loaded.config {
                    return ReloadOutcome::Unchanged;
                }
                for w in &loaded.warnings {
                    tracing::warn!("{w}");
                }
                self.swap(loaded.config);
                tracing::info!("configuration reloaded");
                ReloadOutcome::Applied {
                    warnings: loaded.warnings,
                }
            }
        }
    }

    /// Applies `change` to one breaker's settings, validates the whole config, persists the new values
    /// to the config file (atomic write, comments kept) and makes them live. Counters are untouched:
    /// listeners only push new thresholds.
    pub fn update_breaker(
        &self,
        service: &str,
        change: impl FnOnce(&mut BreakerSettings),
    ) -> Result<BreakerSettings, Vec<String>> {
        let _g = self.inner.write_lock.lock();
        let mut next = (*self.get()).clone();
        let Some(settings) = next.circuit_breakers.get_mut(service) else {
            return Err(vec![format!("unknown service {service:?}")]);
        };
        change(settings);
        let updated = settings.clone();
        let problems: Vec<String> = validate(&next)
            .into_iter()
            .map(|(k, m)| format!("{k}: {m}"))
            .collect();
        if !problems.is_empty() {
            return Err(problems);
        }
        let path = &self.inner.sources.config_path;
        persist_breaker(path, service, &updated)
            .map_err(|e| vec![format!("could not write {}: {e}", path.display())])?;
        *self.inner.seen.lock() = file_stamp(path);
        self.swap(next);
        tracing::info!(service, "circuit breaker settings updated and persisted");
        Ok(updated)
    }

    /// Applies `change` to `[library]` (import naming, hardlinks), validates the whole config,
    /// persists the section to the config file (comments kept) and makes it live: what the
    /// Radarr naming and media-management settings write. Problems come back as (key, message).
    pub fn update_library(
        &self,
        change: impl FnOnce(&mut LibraryConfig),
    ) -> Result<LibraryConfig, Vec<(String, String)>> {
        let _g = self.inner.write_lock.lock();
        let mut next = (*self.get()).clone();
        change(&mut next.library);
        let problems: Vec<(String, String)> = validate(&next)
            .into_iter()
            .map(|(k, m)| (k.to_string(), m.to_string()))
            .collect();
        if !problems.is_empty() {
            return Err(problems);
        }
        let path = &self.inner.sources.config_path;
        persist_section(path, "library", &next.library).map_err(|e| {
            vec![(
                "config_file".to_string(),
                format!("could not write {}: {e}", path.display()),
            )]
        })?;
        *self.inner.seen.lock() = file_stamp(path);
        let updated = next.library.clone();
        self.swap(next);
        tracing::info!("library settings updated and persisted");
        Ok(updated)
    }

    /// Whether the file changed since we last read or wrote it (the 5-second pick-up).
    fn file_changed(&self) -> bool {
        let now = file_stamp(&self.inner.sources.config_path);
        now.is_some() && now != *self.inner.seen.lock()
    }

    fn swap(&self, next: Config) {
        let next = Arc::new(next);
        self.inner.current.store(next.clone());
        let listeners: Vec<Listener> = self.inner.listeners.lock().clone();
        for l in listeners {
            l(&next);
        }
    }
}

fn file_stamp(path: &Path) -> Option<(SystemTime, u64)> {
    let m = std::fs::metadata(path).ok()?;
    Some((m.modified().ok()?, m.len()))
}

/// Watches for SIGHUP and for edits of the config file (polled every second, so a change is live
/// well within the promised 5 s). Runs until the runtime shuts down.
pub fn spawn_reloader(live: LiveConfig) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut hup = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup()).ok();
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        loop {
            let by_signal = tokio::select! {
                _ = tick.tick() => false,
                Some(_) = async { match hup.as_mut() { Some(h) => h.recv().await, None => std::future::pending().await } } => true,
            };
            if by_signal {
                tracing::info!("SIGHUP received: reloading configuration");
            } else if !live.file_changed() {
                continue;
            }
            let l = live.clone();
            // Reading files and hashing nothing heavy, but keep blocking I/O off the async workers.
            let _ = tokio::task::spawn_blocking(move || l.reload()).await;
        }
    })
}

/// Writes `bytes` to `path` via a temporary file and rename, so a crash never leaves half a file.
/// A write that fails (a full disk) removes its temporary file instead of leaving it behind.
pub(crate) fn atomic_write(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = path.with_extension(format!("tmp.{}", std::process::id()));
    if let Err(e) =
        super::template::write_private(&tmp, bytes).and_then(|_| std::fs::rename(&tmp, path))
    {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    if let Some(dir) = path.parent() {
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
    }
    Ok(())
}

/// The config file as an editable TOML document (empty when the file does not exist yet).
fn read_document(path: &Path) -> std::io::Result<toml_edit::DocumentMut> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(e),
    };
    text.parse()
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, format!("{e}")))
}

/// Rewrites one breaker table in the config file, keeping the user's comments and layout.
fn persist_breaker(path: &Path, service: &str, s: &BreakerSettings) -> std::io::Result<()> {
    let mut doc = read_document(path)?;
    let value = toml_edit::ser::to_document(s)
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, format!("{e}")))?;
    let cb = doc
        .entry("circuit_breakers")
        .or_insert(toml_edit::table())
        .as_table_mut()
        .ok_or_else(|| bad("circuit_breakers is not a table"))?;
    let table = match service.strip_prefix("torznab:") {
        Some(name) => cb
            .entry("torznab_overrides")
            .or_insert(toml_edit::table())
            .as_table_mut()
            .ok_or_else(|| bad("circuit_breakers.torznab_overrides is not a table"))?
            .entry(name)
            .or_insert(toml_edit::table()),
        // Every webhook target's breaker shares the one `notification` table.
        None if service.starts_with("notification:") => {
            cb.entry("notification").or_insert(toml_edit::table())
        }
        // TMDB's alternative base URL shares the `tmdb` table.
        None if service == crate::config::TMDB_ALT => {
            cb.entry("tmdb").or_insert(toml_edit::table())
        }
        // Every failover qBittorrent endpoint's breaker shares the `qbittorrent` table.
        None if service.starts_with("qbittorrent:") => {
            cb.entry("qbittorrent").or_insert(toml_edit::table())
        }
        None => cb.entry(service).or_insert(toml_edit::table()),
    };
    let table = table
        .as_table_mut()
        .ok_or_else(|| bad("breaker entry is not a table"))?;
    set_values(table, value.iter());
    atomic_write(path, doc.to_string().as_bytes())
}

/// Writes each value into `table`, keeping an existing key's decoration (its comments) by
/// replacing only the value.
fn set_values<'a>(
    table: &mut toml_edit::Table,
    values: impl Iterator<Item = (&'a str, &'a toml_edit::Item)>,
) {
    for (k, v) in values {
        if let Some(v) = v.as_value() {
            match table.get_mut(k).and_then(|i| i.as_value_mut()) {
                Some(existing) => {
                    let decor = existing.decor().clone();
                    *existing = v.clone();
                    *existing.decor_mut() = decor;
                }
                None => {
                    table.insert(k, toml_edit::Item::Value(v.clone()));
                }
            }
        }
    }
}

/// Rewrites the keys of one top-level table (`[library]`) in the config file, keeping comments.
fn persist_section(
    path: &Path,
    section: &str,
    value: &impl serde::Serialize,
) -> std::io::Result<()> {
    let mut doc = read_document(path)?;
    let values = toml_edit::ser::to_document(value)
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, format!("{e}")))?;
    let table = doc
        .entry(section)
        .or_insert(toml_edit::table())
        .as_table_mut()
        .ok_or_else(|| bad("section is not a table"))?;
    set_values(table, values.iter());
    atomic_write(path, doc.to_string().as_bytes())
}

fn bad(msg: &str) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, msg.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::template::write_initial_file;

    #[test]
    fn a_failed_atomic_write_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        // The target is a directory, so the final rename fails after the temporary file is written.
        let target = dir.path().join("config.toml");
        std::fs::create_dir(&target).unwrap();
        assert!(atomic_write(&target, b"x = 1\n").is_err());
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(
            left,
            vec![std::ffi::OsString::from("config.toml")],
            "{left:?}"
        );
    }

    fn setup() -> (tempfile::TempDir, LiveConfig) {
        let dir = tempfile::tempdir().unwrap();
        let sources = Sources {
            data_dir: dir.path().to_path_buf(),
            config_path: dir.path().join("config.toml"),
            env: Some(Default::default()),
            ..Default::default()
        };
        write_initial_file(&sources.config_path, "k").unwrap();
        let loaded = load(&sources).unwrap();
        (dir, LiveConfig::new(loaded.config, sources))
    }

    #[test]
    fn update_persists_and_keeps_comments() {
        let (dir, live) = setup();
        let seen = Arc::new(Mutex::new(0));
        let s2 = seen.clone();
        live.on_change(move |c| *s2.lock() = c.circuit_breakers.tmdb.failure_threshold);
        live.update_breaker("tmdb", |s| s.failure_threshold = 9)
            .unwrap();
        assert_eq!(live.get().circuit_breakers.tmdb.failure_threshold, 9);
        assert_eq!(*seen.lock(), 9);
        let text = std::fs::read_to_string(dir.path().join("config.toml")).unwrap();
        assert!(text.contains("failure_threshold = 9"));
        assert!(text.contains("# reelarr configuration"));
        // The reload sees the persisted value as no change.
        assert_eq!(live.reload(), ReloadOutcome::Unchanged);
    }

    #[test]
    fn invalid_update_is_rejected_whole() {
        let (_dir, live) = setup();
        let err = live
            .update_breaker("hdbits", |s| s.failure_threshold = 0)
            .unwrap_err();
        assert!(
            err[0].contains("circuit_breakers.hdbits.failure_threshold"),
            "{err:?}"
        );
        assert_eq!(live.get().circuit_breakers.hdbits.failure_threshold, 3);
    }

    #[test]
    fn torznab_override_is_created() {
        let (dir, live) = setup();
        live.update_breaker("torznab:jackett", |s| s.failure_threshold = 4)
            .unwrap();
        let text = std::fs::read_to_string(dir.path().join("config.toml")).unwrap();
        assert!(
            text.contains("[circuit_breakers.torznab_overrides.jackett]"),
            "{text}"
        );
        assert_eq!(
            live.get()
                .circuit_breakers
                .get("torznab:jackett")
                .unwrap()
                .failure_threshold,
            4
        );
    }

    #[test]
    fn bad_file_edit_keeps_old_config() {
        let (dir, live) = setup();
        let p = dir.path().join("config.toml");
        let text = std::fs::read_to_string(&p).unwrap();
        std::fs::write(
            &p,
            text.replacen("failure_threshold = 5", "failure_threshold = 0", 1),
        )
        .unwrap();
        match live.reload() {
            ReloadOutcome::Rejected { problems } => {
                assert!(problems[0].contains("circuit_breakers.tmdb.failure_threshold"))
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(live.get().circuit_breakers.tmdb.failure_threshold, 5);
        std::fs::write(
            &p,
            text.replacen("failure_threshold = 5", "failure_threshold = 7", 1),
        )
        .unwrap();
        assert!(matches!(live.reload(), ReloadOutcome::Applied { .. }));
        assert_eq!(live.get().circuit_breakers.tmdb.failure_threshold, 7);
    }
}
