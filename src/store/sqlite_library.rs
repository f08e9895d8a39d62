//! SQLite under the shared library store (`library_sql.rs`): JSON and times stored as text,
//! booleans as 0/1, id lists as JSON arrays; `now()` is the RFC 3339 clock the rows always had.

use super::library_rows::{Arg, Cells, Map};
use super::library_sql::{Dialect, SqlBackend};
use super::{SqliteStore, StoreResult};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use rusqlite::functions::FunctionFlags;
use rusqlite::types::{ToSqlOutput, Value as Lite};
use rusqlite::{Connection, Row, ToSql};
use serde_json::Value;

/// Registers `now()` on a store connection: the current time as RFC 3339 text, the format
/// every stored time has, so the shared statements can say `now()` on both backends.
pub(super) fn add_now(conn: &Connection) -> rusqlite::Result<()> {
    conn.create_scalar_function("now", 0, FunctionFlags::SQLITE_UTF8, |_| {
        Ok(Utc::now().to_rfc3339())
    })
}

/// `$n` placeholders as SQLite's `?n`.
fn placeholders(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        let numbered = chars.peek().is_some_and(char::is_ascii_digit);
        out.push(if c == '$' && numbered { '?' } else { c });
    }
    out
}

#[async_trait]
impl SqlBackend for SqliteStore {
    const DIALECT: Dialect = Dialect {
        movie_order: "m.title COLLATE NOCASE, m.id",
        folder_order: "path",
        // The lists travel as JSON arrays, an empty one meaning "no filter".
        history_filter: "WHERE ($1 = '[]' OR movie_id IN (SELECT value FROM json_each($1)))
            AND ($2 = '[]' OR event_type IN (SELECT value FROM json_each($2)))
            AND ($3 IS NULL OR download_id = $3)",
        movie_has_tag: "EXISTS (SELECT 1 FROM json_each(movies.tags) WHERE value = $1)",
    };

    async fn rows<T: Send + 'static>(
        &self,
        write: bool,
        sql: String,
        args: Vec<Arg>,
        map: Map<T>,
    ) -> StoreResult<Vec<T>> {
        let run = move |c: &Connection| -> StoreResult<Vec<T>> {
            let mut st = c.prepare(&placeholders(&sql))?;
            let mut rows = st.query(rusqlite::params_from_iter(&args))?;
            let mut out = Vec::new();
            while let Some(r) = rows.next()? {
                out.push(map(r)?);
            }
            Ok(out)
        };
        if write {
            self.write(move |c| run(c)).await
        } else {
            self.read(run).await
        }
    }

    async fn exec(&self, sql: String, args: Vec<Arg>) -> StoreResult<u64> {
        self.write(move |c| {
            c.execute(&placeholders(&sql), rusqlite::params_from_iter(&args))
                .map(|n| n as u64)
        })
        .await
    }
}

impl ToSql for Arg {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        // A list is stored as a JSON array (`[]` if it somehow fails to serialise).
        let list = |v: serde_json::Result<String>| Lite::Text(v.unwrap_or_else(|_| "[]".into()));
        Ok(ToSqlOutput::Owned(match self {
            Arg::Int(v) => Lite::Integer(*v),
            Arg::Int32(v) => Lite::Integer(i64::from(*v)),
            Arg::Flag(v) => Lite::Integer(i64::from(*v)),
            Arg::OptInt(v) => v.map_or(Lite::Null, Lite::Integer),
            Arg::Text(v) => Lite::Text(v.clone()),
            Arg::OptText(v) => v.clone().map_or(Lite::Null, Lite::Text),
            Arg::Json(v) => Lite::Text(v.to_string()),
            Arg::Time(t) => Lite::Text(t.to_rfc3339()),
            Arg::OptTime(t) => t.map_or(Lite::Null, |t| Lite::Text(t.to_rfc3339())),
            Arg::Ids(v) => list(serde_json::to_string(v)),
            Arg::Texts(v) => list(serde_json::to_string(v)),
        }))
    }
}

/// Stored text as JSON; a value that does not parse reads as `null`, as it always did.
fn json(s: String) -> Value {
    serde_json::from_str(&s).unwrap_or(Value::Null)
}

/// Stored RFC 3339 text as a time; missing or unparsable reads as `None`.
fn time(s: Option<String>) -> Option<DateTime<Utc>> {
    s.and_then(|s| DateTime::parse_from_rfc3339(&s).ok())
        .map(|d| d.with_timezone(&Utc))
}

impl Cells for Row<'_> {
    fn int(&self, i: usize) -> StoreResult<i64> {
        Ok(self.get(i)?)
    }
    fn opt_int(&self, i: usize) -> StoreResult<Option<i64>> {
        Ok(self.get(i)?)
    }
    fn int32(&self, i: usize) -> StoreResult<i32> {
        Ok(self.get(i)?)
    }
    fn text(&self, i: usize) -> StoreResult<String> {
        Ok(self.get(i)?)
    }
    fn opt_text(&self, i: usize) -> StoreResult<Option<String>> {
        Ok(self.get(i)?)
    }
    fn flag(&self, i: usize) -> StoreResult<bool> {
        Ok(self.get::<_, i64>(i)? != 0)
    }
    fn json(&self, i: usize) -> StoreResult<Value> {
        Ok(json(self.get(i)?))
    }
    fn time(&self, i: usize) -> StoreResult<DateTime<Utc>> {
        Ok(time(self.get(i)?).unwrap_or_default())
    }
    fn opt_time(&self, i: usize) -> StoreResult<Option<DateTime<Utc>>> {
        Ok(time(self.get(i)?))
    }
    fn ids(&self, i: usize) -> StoreResult<Vec<i64>> {
        Ok(serde_json::from_str(&self.get::<_, String>(i)?).unwrap_or_default())
    }
}
