//! Async locks by key, created on first use and forgotten when nobody holds or waits for them:
//! what makes "is an identical command running? if not, insert one" atomic per (name, body)
//! while different commands are submitted in parallel.

use parking_lot::Mutex;
use std::collections::HashMap;
use std::sync::Arc;

type Lock = Arc<tokio::sync::Mutex<()>>;

/// The locks in use, by key.
#[derive(Default)]
pub(super) struct KeyedLocks {
    locks: Mutex<HashMap<String, Lock>>,
}

/// Holds the lock of one key; dropping it (also when the request is cancelled mid-insert)
/// releases the lock and forgets it once nobody else waits on it.
pub(super) struct KeyGuard<'a> {
    locks: &'a KeyedLocks,
    key: String,
    lock: Lock,
    held: Option<tokio::sync::OwnedMutexGuard<()>>,
}

impl KeyedLocks {
    /// Waits until the lock of `key` is ours.
    pub(super) async fn lock(&self, key: &str) -> KeyGuard<'_> {
        let lock = self
            .locks
            .lock()
            .entry(key.to_string())
            .or_default()
            .clone();
        let mut guard = KeyGuard {
            locks: self,
            key: key.to_string(),
            lock: lock.clone(),
            held: None,
        };
        guard.held = Some(lock.lock_owned().await);
        guard
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.locks.lock().len()
    }
}

impl Drop for KeyGuard<'_> {
    fn drop(&mut self) {
        self.held.take();
        let mut locks = self.locks.locks.lock();
        // Clones are only taken under `locks`: two left (the map's and ours) means no waiter.
        if Arc::strong_count(&self.lock) <= 2 {
            locks.remove(&self.key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn one_holder_per_key_and_nothing_left_behind() {
        let locks = KeyedLocks::default();
        let a = locks.lock("a").await;
        // Another key is not blocked by "a".
        let b = tokio::time::timeout(Duration::from_millis(100), locks.lock("b")).await;
        assert!(b.is_ok());
        drop(b);
        // The same key waits for the holder.
        let again = tokio::time::timeout(Duration::from_millis(100), locks.lock("a")).await;
        assert!(again.is_err(), "a second holder of key a");
        drop(a);
        let again = tokio::time::timeout(Duration::from_millis(100), locks.lock("a")).await;
        assert!(again.is_ok());
        drop(again);
        assert_eq!(locks.len(), 0, "released locks are forgotten");
    }
}
