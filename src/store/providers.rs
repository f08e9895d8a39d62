//! Indexers, download clients and the metadata key added through the API: one `providers` row
//! each (migration 5), its settings as JSON. Written once for both backends over
//! [`SqlBackend`]; the guarded store runs every call through the `database` breaker.

use super::guarded::{or_snapshot, GuardedStore};
use super::library_rows::{args, id, Cells};
use super::library_sql::{one, SqlBackend};
use super::StoreResult;
use async_trait::async_trait;
use serde_json::Value;

/// One stored provider: `kind` is `indexer`, `downloadclient` or `metadata`; `name` is unique
/// within its kind; `data` holds everything else (implementation, flags, fields).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct StoredProvider {
    pub id: i64,
    pub kind: String,
    pub name: String,
    pub data: Value,
}

/// Provider persistence. A second provider of a kind with a taken name is a
/// `StoreError::Constraint`.
#[async_trait]
pub trait ProviderStore: Send + Sync {
    /// Every provider of `kind`, by id.
    async fn providers(&self, kind: &str) -> StoreResult<Vec<StoredProvider>>;
    /// Stores a new provider; the store assigns its id (never reused).
    async fn add_provider(
        &self,
        kind: &str,
        name: &str,
        data: &Value,
    ) -> StoreResult<StoredProvider>;
    /// Replaces name and data of provider `p.id` of `p.kind`; `false` when there is none.
    async fn update_provider(&self, p: &StoredProvider) -> StoreResult<bool>;
    /// Deletes provider `id` of `kind`; `false` when there is none.
    async fn delete_provider(&self, kind: &str, id: i64) -> StoreResult<bool>;
}

fn provider(r: &dyn Cells) -> StoreResult<StoredProvider> {
    Ok(StoredProvider {
        id: r.int(0)?,
        kind: r.text(1)?,
        name: r.text(2)?,
        data: r.json(3)?,
    })
}

#[async_trait]
impl<B: SqlBackend> ProviderStore for B {
    async fn providers(&self, kind: &str) -> StoreResult<Vec<StoredProvider>> {
        let sql = "SELECT id, kind, name, data FROM providers WHERE kind = $1 ORDER BY id";
        self.rows(false, sql.into(), args![kind], provider).await
    }

    async fn add_provider(
        &self,
        kind: &str,
        name: &str,
        data: &Value,
    ) -> StoreResult<StoredProvider> {
        let sql = "INSERT INTO providers (kind, name, data) VALUES ($1, $2, $3) RETURNING id";
        let id = one(self, true, sql.into(), args![kind, name, data.clone()], id).await?;
        Ok(StoredProvider {
            id,
            kind: kind.to_string(),
            name: name.to_string(),
            data: data.clone(),
        })
    }

    async fn update_provider(&self, p: &StoredProvider) -> StoreResult<bool> {
        let sql = "UPDATE providers SET name = $3, data = $4 WHERE id = $1 AND kind = $2";
        let a = args![p.id, p.kind.as_str(), p.name.as_str(), p.data.clone()];
        Ok(self.exec(sql.into(), a).await? > 0)
    }

    async fn delete_provider(&self, kind: &str, id: i64) -> StoreResult<bool> {
        let sql = "DELETE FROM providers WHERE id = $1 AND kind = $2";
        Ok(self.exec(sql.into(), args![id, kind]).await? > 0)
    }
}

/// Behind the `database` breaker. The providers service keeps the rows it loaded in memory, so
/// searches and grabs go on while the database is down; the snapshot (and its on-disk copy) only
/// lets a start while the database is unavailable load them.
#[async_trait]
impl ProviderStore for GuardedStore {
    async fn providers(&self, kind: &str) -> StoreResult<Vec<StoredProvider>> {
        let r = self.guard(self.inner().providers(kind)).await;
        if let Ok(v) = &r {
            self.snapshot.set_providers(kind, v);
        }
        or_snapshot(r, || self.snapshot.providers(kind))
    }
    async fn add_provider(
        &self,
        kind: &str,
        name: &str,
        data: &Value,
    ) -> StoreResult<StoredProvider> {
        let r = self
            .guard(self.inner().add_provider(kind, name, data))
            .await;
        if r.is_ok() {
            self.refresh_providers(kind).await;
        }
        r
    }
    async fn update_provider(&self, p: &StoredProvider) -> StoreResult<bool> {
        let r = self.guard(self.inner().update_provider(p)).await;
        if r.is_ok() {
            self.refresh_providers(&p.kind).await;
        }
        r
    }
    async fn delete_provider(&self, kind: &str, id: i64) -> StoreResult<bool> {
        let r = self.guard(self.inner().delete_provider(kind, id)).await;
        if r.is_ok() {
            self.refresh_providers(kind).await;
        }
        r
    }
}

impl GuardedStore {
    /// Re-reads one kind after a change so the snapshot never holds a removed provider.
    async fn refresh_providers(&self, kind: &str) {
        let _ = self.providers(kind).await;
    }
}
