//! The formats half of the store: quality definitions (size limits per quality) and custom
//! formats, written once over [`SqlBackend`] like the library (`library_sql.rs`), and the same
//! calls behind the `database` breaker for [`GuardedStore`].

use super::library_rows::{args, Arg, Cells};
use super::library_sql::SqlBackend;
use super::{GuardedStore, StoreError, StoreResult};
use async_trait::async_trait;
use serde_json::Value;

/// A stored custom format: its id, unique name and Radarr resource JSON.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredFormat {
    pub id: i64,
    pub name: String,
    pub data: Value,
}

/// A stored quality definition: the quality id and its `{title, minSize, maxSize,
/// preferredSize}` JSON (qualities without a row keep Radarr's defaults).
#[derive(Debug, Clone, PartialEq)]
pub struct StoredDefinition {
    pub quality_id: i64,
    pub data: Value,
}

/// Quality definitions and custom formats. A name another format has is
/// `StoreError::Constraint`.
#[async_trait]
pub trait FormatStore: Send + Sync {
    async fn quality_definitions(&self) -> StoreResult<Vec<StoredDefinition>>;
    /// Writes every row in one statement, so a bulk update is all or nothing.
    async fn set_quality_definitions(&self, rows: &[StoredDefinition]) -> StoreResult<()>;
    async fn custom_formats(&self) -> StoreResult<Vec<StoredFormat>>;
    async fn add_custom_format(&self, name: &str, data: &Value) -> StoreResult<StoredFormat>;
    /// `false` when there is no format `format.id`.
    async fn update_custom_format(&self, format: &StoredFormat) -> StoreResult<bool>;
    /// `false` when there is no format `id`.
    async fn delete_custom_format(&self, id: i64) -> StoreResult<bool>;
}

fn definition(r: &dyn Cells) -> StoreResult<StoredDefinition> {
    Ok(StoredDefinition {
        quality_id: r.int(0)?,
        data: r.json(1)?,
    })
}

fn format(r: &dyn Cells) -> StoreResult<StoredFormat> {
    Ok(StoredFormat {
        id: r.int(0)?,
        name: r.text(1)?,
        data: r.json(2)?,
    })
}

fn first_id(r: &dyn Cells) -> StoreResult<i64> {
    r.int(0)
}

#[async_trait]
impl<B: SqlBackend> FormatStore for B {
    async fn quality_definitions(&self) -> StoreResult<Vec<StoredDefinition>> {
        let sql = "SELECT quality_id, data FROM quality_definitions ORDER BY quality_id";
        self.rows(false, sql.into(), vec![], definition).await
    }

    async fn set_quality_definitions(&self, rows: &[StoredDefinition]) -> StoreResult<()> {
        if rows.is_empty() {
            return Ok(());
        }
        let mut values = Vec::with_capacity(rows.len());
        let mut a: Vec<Arg> = Vec::with_capacity(rows.len() * 2);
        for (i, row) in rows.iter().enumerate() {
            values.push(format!("(${}, ${})", 2 * i + 1, 2 * i + 2));
            a.extend(args![row.quality_id, row.data.clone()]);
        }
        let sql = format!(
            "INSERT INTO quality_definitions (quality_id, data) VALUES {}
             ON CONFLICT (quality_id) DO UPDATE SET data = excluded.data",
            values.join(", ")
        );
        self.exec(sql, a).await.map(|_| ())
    }

    async fn custom_formats(&self) -> StoreResult<Vec<StoredFormat>> {
        let sql = "SELECT id, name, data FROM custom_formats ORDER BY id";
        self.rows(false, sql.into(), vec![], format).await
    }

    async fn add_custom_format(&self, name: &str, data: &Value) -> StoreResult<StoredFormat> {
        let sql = "INSERT INTO custom_formats (name, data) VALUES ($1, $2) RETURNING id";
        let id = self
            .rows(true, sql.into(), args![name, data.clone()], first_id)
            .await?
            .into_iter()
            .next()
            .ok_or_else(|| StoreError::Other("insert returned no id".into()))?;
        Ok(StoredFormat {
            id,
            name: name.to_string(),
            data: data.clone(),
        })
    }

    async fn update_custom_format(&self, f: &StoredFormat) -> StoreResult<bool> {
        let sql = "UPDATE custom_formats SET name = $2, data = $3 WHERE id = $1";
        let a = args![f.id, f.name.as_str(), f.data.clone()];
        Ok(self.exec(sql.into(), a).await? > 0)
    }

    async fn delete_custom_format(&self, id: i64) -> StoreResult<bool> {
        let sql = "DELETE FROM custom_formats WHERE id = $1";
        Ok(self.exec(sql.into(), args![id]).await? > 0)
    }
}

#[async_trait]
impl FormatStore for GuardedStore {
    async fn quality_definitions(&self) -> StoreResult<Vec<StoredDefinition>> {
        self.guard(self.inner().quality_definitions()).await
    }
    async fn set_quality_definitions(&self, rows: &[StoredDefinition]) -> StoreResult<()> {
        self.guard(self.inner().set_quality_definitions(rows)).await
    }
    async fn custom_formats(&self) -> StoreResult<Vec<StoredFormat>> {
        self.guard(self.inner().custom_formats()).await
    }
    async fn add_custom_format(&self, name: &str, data: &Value) -> StoreResult<StoredFormat> {
        self.guard(self.inner().add_custom_format(name, data)).await
    }
    async fn update_custom_format(&self, format: &StoredFormat) -> StoreResult<bool> {
        self.guard(self.inner().update_custom_format(format)).await
    }
    async fn delete_custom_format(&self, id: i64) -> StoreResult<bool> {
        self.guard(self.inner().delete_custom_format(id)).await
    }
}
