//! The database breaker around any `Store`: outages (busy past the timeout, I/O, slow calls)
//! count as failures; once open, calls fail fast with `Unavailable` instead of piling up.

use super::snapshot::Snapshot;
use super::{PoolStatus, Session, Store, StoreError, StoreResult, StoredEvent, User};
use crate::breaker::{CallError, CircuitBreaker, Classify, FailureClass, FailureKind};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use std::future::Future;
use std::sync::Arc;

impl Classify for StoreError {
    fn classify(&self) -> FailureClass {
        match self {
            StoreError::Busy | StoreError::Timeout => FailureClass::Failure(FailureKind::Timeout),
            StoreError::Io(_) => FailureClass::Failure(FailureKind::Io),
            // Refused by the breaker already; never counted twice.
            StoreError::Unavailable { .. } => FailureClass::Ignored,
            // Writes fail until space is freed but reads work: answered 507, not an outage.
            StoreError::DiskFull(_) => FailureClass::Ignored,
            StoreError::TooNew { .. } | StoreError::Constraint(_) | StoreError::Other(_) => {
                FailureClass::Ignored
            }
        }
    }
}

/// A `Store` whose every call goes through the `database` breaker, with the read-only
/// [`Snapshot`] fallback while the database is unavailable.
pub struct GuardedStore {
    inner: Arc<dyn Store>,
    breaker: Arc<CircuitBreaker>,
    pub(super) snapshot: Snapshot,
}

/// Serves `fallback()` instead of an outage error when the snapshot can answer.
pub(super) fn or_snapshot<T>(
    r: StoreResult<T>,
    fallback: impl FnOnce() -> Option<T>,
) -> StoreResult<T> {
    match r {
        Err(e) if e.is_outage() => match fallback() {
            Some(v) => {
                tracing::debug!(error = %e, "database unavailable: answered from the read-only snapshot");
                Ok(v)
            }
            None => Err(e),
        },
        other => other,
    }
}

impl GuardedStore {
    pub fn new(inner: Arc<dyn Store>, breaker: Arc<CircuitBreaker>) -> Self {
        GuardedStore {
            inner,
            breaker,
            snapshot: Snapshot::default(),
        }
    }

    /// The unguarded store (for the library half in `guarded_library.rs`).
    pub(super) fn inner(&self) -> &dyn Store {
        self.inner.as_ref()
    }

    /// Runs one store call through the breaker and maps its refusals to `StoreError`s.
    pub(super) async fn guard<T>(
        &self,
        fut: impl Future<Output = StoreResult<T>>,
    ) -> StoreResult<T> {
        match self.breaker.call(fut).await {
            Ok(v) => Ok(v),
            Err(CallError::Inner(e)) => Err(e),
            Err(CallError::Timeout) => Err(StoreError::Timeout),
            Err(CallError::Open(r)) => Err(StoreError::Unavailable {
                retry_after_seconds: r.retry_after_seconds(),
            }),
        }
    }
}

#[async_trait]
impl Store for GuardedStore {
    async fn ping(&self) -> StoreResult<()> {
        self.guard(self.inner.ping()).await
    }
    async fn integrity_check(&self) -> StoreResult<String> {
        self.guard(self.inner.integrity_check()).await
    }
    async fn schema_version(&self) -> StoreResult<i64> {
        self.guard(self.inner.schema_version()).await
    }
    fn pool_status(&self) -> PoolStatus {
        self.inner.pool_status()
    }
    fn has_read_fallback(&self) -> bool {
        self.snapshot.is_ready()
    }
    async fn user_count(&self) -> StoreResult<u64> {
        let r = self.guard(self.inner.user_count()).await;
        or_snapshot(r, || self.snapshot.user_count())
    }
    async fn user_by_name(&self, username: &str) -> StoreResult<Option<User>> {
        let r = self.guard(self.inner.user_by_name(username)).await;
        if let Ok(Some(u)) = &r {
            self.snapshot.put_user(u);
        }
        or_snapshot(r, || self.snapshot.user_by_name(username).map(Some))
    }
    async fn user_by_id(&self, id: i64) -> StoreResult<Option<User>> {
        let r = self.guard(self.inner.user_by_id(id)).await;
        if let Ok(Some(u)) = &r {
            self.snapshot.put_user(u);
        }
        or_snapshot(r, || self.snapshot.user(id).map(Some))
    }
    async fn set_password(&self, username: &str, hash: &str, must_change: bool) -> StoreResult<()> {
        let r = self
            .guard(self.inner.set_password(username, hash, must_change))
            .await;
        if r.is_ok() {
            // A new password ends the user's sessions in the fallback too.
            if let Ok(Some(u)) = self.inner.user_by_name(username).await {
                self.snapshot.remove_sessions_of(u.id);
            }
        }
        r
    }
    async fn create_session(&self, session: &Session) -> StoreResult<()> {
        let r = self.guard(self.inner.create_session(session)).await;
        if r.is_ok() {
            self.snapshot.put_session(session);
        }
        r
    }
    async fn session(&self, token_hash: &str) -> StoreResult<Option<Session>> {
        let r = self.guard(self.inner.session(token_hash)).await;
        if let Ok(Some(s)) = &r {
            self.snapshot.put_session(s);
        }
        or_snapshot(r, || self.snapshot.session(token_hash).map(Some))
    }
    async fn delete_session(&self, token_hash: &str) -> StoreResult<()> {
        self.snapshot.remove_session(token_hash);
        self.guard(self.inner.delete_session(token_hash)).await
    }
    async fn purge_expired_sessions(&self, now: DateTime<Utc>) -> StoreResult<u64> {
        self.guard(self.inner.purge_expired_sessions(now)).await
    }
    async fn append_breaker_event(&self, event: &StoredEvent) -> StoreResult<()> {
        self.guard(self.inner.append_breaker_event(event)).await
    }
    async fn breaker_events(&self, limit: u32) -> StoreResult<Vec<StoredEvent>> {
        self.guard(self.inner.breaker_events(limit)).await
    }
}
