//! PostgreSQL under the shared library store (`library_sql.rs`): native JSONB, BIGINT[],
//! BOOLEAN and TIMESTAMPTZ, with orderings that match SQLite's.

use super::library_rows::{Arg, Cells, Map};
use super::library_sql::{Dialect, SqlBackend};
use super::postgres::{map_pg, PostgresStore};
use super::StoreResult;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde_json::Value;
use tokio_postgres::types::{FromSql, ToSql};
use tokio_postgres::Row;

#[async_trait]
impl SqlBackend for PostgresStore {
    const DIALECT: Dialect = Dialect {
        // lower() under the "C" collation folds ASCII only: the same order as SQLite's NOCASE.
        movie_order: "lower(m.title COLLATE \"C\"), m.id",
        // Byte order, like SQLite's default BINARY collation.
        folder_order: "path COLLATE \"C\"",
        history_filter: "WHERE (cardinality($1::BIGINT[]) = 0 OR movie_id = ANY($1))
            AND (cardinality($2::TEXT[]) = 0 OR event_type = ANY($2))
            AND ($3::TEXT IS NULL OR download_id = $3)",
        movie_has_tag: "$1 = ANY(movies.tags)",
    };

    async fn rows<T: Send + 'static>(
        &self,
        _write: bool,
        sql: String,
        args: Vec<Arg>,
        map: Map<T>,
    ) -> StoreResult<Vec<T>> {
        let params: Vec<_> = args.iter().map(Arg::as_pg).collect();
        let rows = self.query(&sql, &params).await?;
        rows.iter().map(|r| map(r)).collect()
    }

    async fn exec(&self, sql: String, args: Vec<Arg>) -> StoreResult<u64> {
        let params: Vec<_> = args.iter().map(Arg::as_pg).collect();
        self.execute(&sql, &params).await
    }
}

impl Arg {
    /// The argument in its native PostgreSQL type.
    fn as_pg(&self) -> &(dyn ToSql + Sync) {
        match self {
            Arg::Int(v) => v,
            Arg::OptInt(v) => v,
            Arg::Int32(v) => v,
            Arg::Text(v) => v,
            Arg::OptText(v) => v,
            Arg::Flag(v) => v,
            Arg::Json(v) => v,
            Arg::Time(v) => v,
            Arg::OptTime(v) => v,
            Arg::Ids(v) => v,
            Arg::Texts(v) => v,
        }
    }
}

/// One typed cell; a decoding failure is a bug (`Other`), not an outage.
fn cell<'a, T: FromSql<'a>>(r: &'a Row, i: usize) -> StoreResult<T> {
    r.try_get(i).map_err(map_pg)
}

impl Cells for Row {
    fn int(&self, i: usize) -> StoreResult<i64> {
        cell(self, i)
    }
    fn opt_int(&self, i: usize) -> StoreResult<Option<i64>> {
        cell(self, i)
    }
    fn int32(&self, i: usize) -> StoreResult<i32> {
        cell(self, i)
    }
    fn text(&self, i: usize) -> StoreResult<String> {
        cell(self, i)
    }
    fn opt_text(&self, i: usize) -> StoreResult<Option<String>> {
        cell(self, i)
    }
    fn flag(&self, i: usize) -> StoreResult<bool> {
        cell(self, i)
    }
    fn json(&self, i: usize) -> StoreResult<Value> {
        cell(self, i)
    }
    fn time(&self, i: usize) -> StoreResult<DateTime<Utc>> {
        cell(self, i)
    }
    fn opt_time(&self, i: usize) -> StoreResult<Option<DateTime<Utc>>> {
        cell(self, i)
    }
    fn ids(&self, i: usize) -> StoreResult<Vec<i64>> {
        cell(self, i)
    }
}
