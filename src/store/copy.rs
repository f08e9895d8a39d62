//! One-shot copy of a SQLite library into an empty PostgreSQL database (`reelarr db copy`), for
//! users who outgrow the embedded store. The source is read in one read transaction (a
//! consistent snapshot even if a server is still running on it); the target is migrated, checked
//! to be empty and filled in one PostgreSQL transaction, so a failure leaves it as empty as it
//! was. Ids are preserved (movie tags and history refer to them) and the id sequences are moved
//! past the copied rows so new rows get fresh ids.
//!
//! Values are converted the way the SQLite store itself reads them (RFC 3339 text to
//! TIMESTAMPTZ, JSON text to JSONB, 0/1 to BOOLEAN, a JSON id list to BIGINT[]), so the copy
//! reads back the same through the store trait. PostgreSQL keeps timestamps to the microsecond.

use super::postgres::{map_pg, redacted_url, PostgresStore};
use super::{SqliteStore, StoreError};
use chrono::{DateTime, Utc};
use rusqlite::types::Value as Lite;
use serde_json::Value;
use std::path::{Path, PathBuf};
use tokio_postgres::types::ToSql;

/// How a column is stored in PostgreSQL (and so converted from SQLite's dynamic types).
#[derive(Clone, Copy, Debug)]
enum Kind {
    /// BIGINT (ids, sizes, TMDB ids).
    Int,
    /// INTEGER (the year).
    Int4,
    Text,
    /// BOOLEAN from SQLite's 0/1.
    Bool,
    /// JSONB from JSON text (unparsable text becomes JSON `null`, as the SQLite store reads it).
    Json,
    /// TIMESTAMPTZ from RFC 3339 text (unparsable becomes the epoch, as the SQLite store reads it).
    Time,
    /// Nullable TIMESTAMPTZ (unparsable becomes NULL, as the SQLite store reads it).
    OptTime,
    /// BIGINT[] from a JSON list of ids (the movie's tags).
    IdList,
}

use Kind::*;

/// A table to copy: its columns (the same names on both sides) and whether it has a BIGSERIAL `id`.
struct Table {
    name: &'static str,
    columns: &'static [(&'static str, Kind)],
    serial_id: bool,
}

/// Every table the migrations define, parents before children (foreign keys are checked
/// row by row). `schema_migrations` is not copied: the target migrates itself.
const TABLES: &[Table] = &[
    Table {
        name: "users",
        columns: &[
            ("id", Int),
            ("username", Text),
            ("password_hash", Text),
            ("must_change_password", Bool),
            ("created_at", Time),
            ("updated_at", Time),
        ],
        serial_id: true,
    },
    Table {
        name: "sessions",
        columns: &[
            ("token_hash", Text),
            ("user_id", Int),
            ("created_at", Time),
            ("expires_at", Time),
        ],
        serial_id: false,
    },
    Table {
        name: "breaker_events",
        columns: &[
            ("id", Int),
            ("service", Text),
            ("from_state", Text),
            ("to_state", Text),
            ("reason", Text),
            ("at", Text),
        ],
        serial_id: true,
    },
    Table {
        name: "settings",
        columns: &[("key", Text), ("value", Text)],
        serial_id: false,
    },
    Table {
        name: "providers",
        columns: &[("id", Int), ("kind", Text), ("name", Text), ("data", Json)],
        serial_id: true,
    },
    Table {
        name: "quality_profiles",
        columns: &[("id", Int), ("name", Text), ("data", Json)],
        serial_id: true,
    },
    Table {
        name: "quality_definitions",
        columns: &[("quality_id", Int), ("data", Json)],
        serial_id: false,
    },
    Table {
        name: "custom_formats",
        columns: &[("id", Int), ("name", Text), ("data", Json)],
        serial_id: true,
    },
    Table {
        name: "root_folders",
        columns: &[("id", Int), ("path", Text)],
        serial_id: true,
    },
    Table {
        name: "tags",
        columns: &[("id", Int), ("label", Text)],
        serial_id: true,
    },
    Table {
        name: "movies",
        columns: &[
            ("id", Int),
            ("tmdb_id", Int),
            ("imdb_id", Text),
            ("title", Text),
            ("year", Int4),
            ("monitored", Bool),
            ("minimum_availability", Text),
            ("quality_profile_id", Int),
            ("root_folder_path", Text),
            ("path", Text),
            ("tags", IdList),
            ("added", Time),
            ("metadata", Json),
            ("last_info_sync", OptTime),
        ],
        serial_id: true,
    },
    Table {
        name: "movie_files",
        columns: &[
            ("id", Int),
            ("movie_id", Int),
            ("relative_path", Text),
            ("size", Int),
            ("quality", Json),
            ("release_group", Text),
            ("edition", Text),
            ("date_added", Time),
        ],
        serial_id: true,
    },
    Table {
        name: "history",
        columns: &[
            ("id", Int),
            ("movie_id", Int),
            ("event_type", Text),
            ("source_title", Text),
            ("quality", Json),
            ("download_id", Text),
            ("date", Time),
            ("data", Json),
        ],
        serial_id: true,
    },
    Table {
        name: "commands",
        columns: &[
            ("id", Int),
            ("name", Text),
            ("body", Json),
            ("status", Text),
            ("trigger_kind", Text),
            ("message", Text),
            ("queued_at", Time),
            ("started_at", OptTime),
            ("ended_at", OptTime),
        ],
        serial_id: true,
    },
    Table {
        name: "blocklist",
        columns: &[
            ("id", Int),
            ("movie_id", Int),
            ("source_title", Text),
            ("guid", Text),
            ("info_hash", Text),
            ("reason", Text),
            ("date", Time),
        ],
        serial_id: true,
    },
];

/// Rows sent to PostgreSQL per pipelined batch.
const BATCH: usize = 256;
/// How long the copy waits for a table lock held by someone else (e.g. a running reelarr).
const LOCK_TIMEOUT: &str = "10s";

/// Rows copied into one table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableCount {
    pub table: &'static str,
    pub rows: u64,
}

/// Why a copy did not happen. No variant ever contains the target URL's password.
#[derive(Debug, thiserror::Error)]
pub enum CopyError {
    /// The source file is missing or is not a reelarr SQLite database.
    #[error("source {path}: {reason}")]
    Source { path: PathBuf, reason: String },
    /// The target already holds data: copying would mix two libraries and clash on ids.
    #[error("the target database already holds data ({found}); copy only into an empty database (create a new one, or drop and recreate it)")]
    TargetNotEmpty { found: String },
    /// A value in the source could not be converted (the copy was rolled back).
    #[error("{table}.{column}, row {row}: {detail}")]
    Convert {
        table: &'static str,
        column: &'static str,
        row: usize,
        detail: String,
    },
    /// Opening, migrating or writing a database failed (the copy was rolled back).
    #[error("{0}")]
    Store(#[from] StoreError),
}

/// One converted value, ready to be bound as a PostgreSQL parameter.
type Param = Box<dyn ToSql + Sync + Send>;

/// Copies the SQLite database at `source` into the (empty) PostgreSQL database at `target_url`,
/// returning the rows copied per table. The source is migrated to the latest schema first if
/// it is older (exactly what starting reelarr on it would do); a missing file is refused rather
/// than created.
pub async fn sqlite_to_postgres(
    source: &Path,
    target_url: &str,
) -> Result<Vec<TableCount>, CopyError> {
    if !source.is_file() {
        return Err(CopyError::Source {
            path: source.to_path_buf(),
            reason: "no such file".into(),
        });
    }
    let lite = SqliteStore::open(source.to_path_buf(), 5_000, 1)
        .await
        .map_err(|e| CopyError::Source {
            path: source.to_path_buf(),
            reason: e.to_string(),
        })?;
    let data = read_all(&lite).await?;
    drop(lite);
    let rows: Vec<Vec<Vec<Param>>> = TABLES
        .iter()
        .zip(data)
        .map(|(t, rows)| convert_table(t, rows))
        .collect::<Result<_, _>>()?;

    let pg = PostgresStore::open(target_url, 1).await?;
    tracing::info!(target = %redacted_url(target_url), "copying the SQLite library into PostgreSQL");
    let mut client = pg.client().await?;
    let tx = client.transaction().await.map_err(map_pg)?;
    let names: Vec<&str> = TABLES.iter().map(|t| t.name).collect();
    // Nobody writes these tables until the copy commits (reads go on); a lock held elsewhere
    // fails the copy after LOCK_TIMEOUT instead of hanging it.
    tx.batch_execute(&format!(
        "SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'; LOCK TABLE {} IN EXCLUSIVE MODE",
        names.join(", ")
    ))
    .await
    .map_err(map_pg)?;
    let mut found = Vec::new();
    for t in TABLES {
        let row = tx
            .query_one(&format!("SELECT COUNT(*) FROM {}", t.name), &[])
            .await
            .map_err(map_pg)?;
        let n: i64 = row.try_get(0).map_err(map_pg)?;
        if n > 0 {
            found.push(format!("{}: {n}", t.name));
        }
    }
    if !found.is_empty() {
        return Err(CopyError::TargetNotEmpty {
            found: found.join(", "),
        });
    }
    let mut counts = Vec::new();
    for (t, rows) in TABLES.iter().zip(rows) {
        let cols: Vec<&str> = t.columns.iter().map(|c| c.0).collect();
        let placeholders: Vec<String> = (1..=cols.len()).map(|i| format!("${i}")).collect();
        let st = tx
            .prepare(&format!(
                "INSERT INTO {} ({}) VALUES ({})",
                t.name,
                cols.join(", "),
                placeholders.join(", ")
            ))
            .await
            .map_err(map_pg)?;
        for batch in rows.chunks(BATCH) {
            // Pipelined: one round trip per batch instead of per row.
            let inserts = batch.iter().map(|row| {
                let params: Vec<&(dyn ToSql + Sync)> = row
                    .iter()
                    .map(|p| p.as_ref() as &(dyn ToSql + Sync))
                    .collect();
                let st = &st;
                let tx = &tx;
                async move { tx.execute(st, &params).await }
            });
            futures_util::future::try_join_all(inserts)
                .await
                .map_err(map_pg)?;
        }
        if t.serial_id {
            tx.execute(
                &format!(
                    "SELECT setval(pg_get_serial_sequence('{0}', 'id'), COALESCE(MAX(id), 0) + 1, false) FROM {0}",
                    t.name
                ),
                &[],
            )
            .await
            .map_err(map_pg)?;
        }
        counts.push(TableCount {
            table: t.name,
            rows: rows.len() as u64,
        });
    }
    tx.commit().await.map_err(map_pg)?;
    Ok(counts)
}

/// Every table's rows, read in one transaction so they are one consistent snapshot.
async fn read_all(lite: &SqliteStore) -> Result<Vec<Vec<Vec<Lite>>>, CopyError> {
    let data = lite
        .read(|c| {
            let tx = c.unchecked_transaction()?;
            let mut all = Vec::with_capacity(TABLES.len());
            for t in TABLES {
                let cols: Vec<&str> = t.columns.iter().map(|c| c.0).collect();
                let mut st = tx.prepare(&format!(
                    "SELECT {} FROM {} ORDER BY rowid",
                    cols.join(", "),
                    t.name
                ))?;
                let rows = st.query_map([], |r| {
                    (0..cols.len()).map(|i| r.get::<_, Lite>(i)).collect()
                })?;
                all.push(rows.collect::<rusqlite::Result<Vec<Vec<Lite>>>>()?);
            }
            tx.finish()?;
            Ok::<_, rusqlite::Error>(all)
        })
        .await?;
    Ok(data)
}

fn convert_table(t: &'static Table, rows: Vec<Vec<Lite>>) -> Result<Vec<Vec<Param>>, CopyError> {
    rows.into_iter()
        .enumerate()
        .map(|(i, row)| {
            row.into_iter()
                .zip(t.columns)
                .map(|(v, &(column, kind))| {
                    convert(kind, v).map_err(|detail| CopyError::Convert {
                        table: t.name,
                        column,
                        row: i + 1,
                        detail,
                    })
                })
                .collect()
        })
        .collect()
}

fn type_name(v: &Lite) -> &'static str {
    match v {
        Lite::Null => "NULL",
        Lite::Integer(_) => "an integer",
        Lite::Real(_) => "a real number",
        Lite::Text(_) => "text",
        Lite::Blob(_) => "a blob",
    }
}

fn time(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|d| d.with_timezone(&Utc))
}

/// Converts one SQLite value to the PostgreSQL column's type; NULL stays NULL (typed, so the
/// parameter is accepted for that column).
fn convert(kind: Kind, v: Lite) -> Result<Param, String> {
    let wrong = |v: &Lite| format!("expected {kind:?}, found {}", type_name(v));
    Ok(match (kind, v) {
        (Int, Lite::Null) => Box::new(None::<i64>),
        (Int, Lite::Integer(n)) => Box::new(n),
        (Int, Lite::Text(s)) => Box::new(s.trim().parse::<i64>().map_err(|e| e.to_string())?),
        (Int4, Lite::Null) => Box::new(None::<i32>),
        (Int4, Lite::Integer(n)) => {
            Box::new(i32::try_from(n).map_err(|_| format!("{n} does not fit a 32-bit integer"))?)
        }
        (Text, Lite::Null) => Box::new(None::<String>),
        (Text, Lite::Text(s)) => Box::new(s),
        (Text, Lite::Integer(n)) => Box::new(n.to_string()),
        (Text, Lite::Real(f)) => Box::new(f.to_string()),
        (Bool, Lite::Null) => Box::new(None::<bool>),
        (Bool, Lite::Integer(n)) => Box::new(n != 0),
        (Json, Lite::Null) => Box::new(None::<Value>),
        (Json, Lite::Text(s)) => Box::new(serde_json::from_str::<Value>(&s).unwrap_or(Value::Null)),
        (Time, Lite::Text(s)) => Box::new(time(&s).unwrap_or_default()),
        (Time | OptTime, Lite::Null) => Box::new(None::<DateTime<Utc>>),
        (OptTime, Lite::Text(s)) => Box::new(time(&s)),
        (IdList, Lite::Null) => Box::new(Vec::<i64>::new()),
        (IdList, Lite::Text(s)) => {
            Box::new(serde_json::from_str::<Vec<i64>>(&s).unwrap_or_default())
        }
        (_, v) => return Err(wrong(&v)),
    })
}

#[cfg(test)]
mod tests;
