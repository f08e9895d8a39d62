//! The library store written once for both backends: every query and its arguments live
//! here, rows are mapped in `library_rows.rs`; a backend only runs statements
//! ([`SqlBackend`]), reads cells ([`super::library_rows::Cells`]) and names the few fragments
//! where the dialects differ ([`Dialect`]).
//!
//! Why not a query builder: the statements are fixed and few, the dialects agree on nearly all
//! of them (both speak `RETURNING`, `ON CONFLICT` and `now()`; SQLite's `now()` is ours, see
//! `sqlite_library.rs`), and the real differences are storage types (JSON text vs JSONB,
//! RFC 3339 text vs TIMESTAMPTZ, 0/1 vs BOOLEAN), which a builder would not hide either.
//! Placeholders are written `$n`; the SQLite backend rewrites them to `?n`.

use super::library::{
    HistoryPage, HistoryQuery, LibraryStore, NewHistory, NewMovieFile, MAX_PAGE_SIZE,
};
use super::library_rows::{
    args, blocklist, command, count, folder, history, id, movie, profile, tag, Arg, Map,
};
use super::{StoreError, StoreResult};
use crate::domain::movie::{
    BlocklistEntry, CommandRecord, HistoryEntry, Movie, MovieFile, NewMovie, RootFolder,
    StoredProfile, Tag,
};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde_json::Value;

/// The statements where the dialects disagree.
pub(super) struct Dialect {
    /// `ORDER BY` of the movie list: SQLite's ASCII-folding NOCASE and its equivalent.
    pub movie_order: &'static str,
    /// `ORDER BY` of root folders: byte order.
    pub folder_order: &'static str,
    /// `WHERE` of a history query over `$1` movie ids, `$2` event types, `$3` download id;
    /// an empty list means "no filter".
    pub history_filter: &'static str,
    /// Condition on a row of `movies`: its tag list holds tag id `$1`.
    pub movie_has_tag: &'static str,
}

/// What a backend provides: statements run on its connections, its SQL differences.
#[async_trait]
pub(super) trait SqlBackend: Send + Sync + 'static {
    const DIALECT: Dialect;
    /// Runs `sql` and maps every row it yields; `write` when it changes data (`RETURNING`).
    async fn rows<T: Send + 'static>(
        &self,
        write: bool,
        sql: String,
        args: Vec<Arg>,
        map: Map<T>,
    ) -> StoreResult<Vec<T>>;
    /// Runs a statement that changes data; returns how many rows it touched.
    async fn exec(&self, sql: String, args: Vec<Arg>) -> StoreResult<u64>;
}

const MOVIE_SELECT: &str = "SELECT m.id, m.tmdb_id, m.imdb_id, m.title, m.year, m.monitored,
    m.minimum_availability, m.quality_profile_id, m.root_folder_path, m.path, m.tags, m.added,
    m.metadata, m.last_info_sync,
    f.id, f.relative_path, f.size, f.quality, f.release_group, f.edition, f.date_added
    FROM movies m LEFT JOIN movie_files f ON f.movie_id = m.id";
const HISTORY_COLS: &str =
    "id, movie_id, event_type, source_title, quality, download_id, date, data";
const COMMAND_COLS: &str =
    "id, name, body, status, trigger_kind, message, queued_at, started_at, ended_at";

/// Reads at most one row.
async fn opt<B: SqlBackend, T: Send + 'static>(
    b: &B,
    sql: String,
    args: Vec<Arg>,
    map: Map<T>,
) -> StoreResult<Option<T>> {
    Ok(b.rows(false, sql, args, map).await?.into_iter().next())
}

/// Runs a statement that yields exactly one row (an `INSERT ... RETURNING`, a count).
pub(super) async fn one<B: SqlBackend, T: Send + 'static>(
    b: &B,
    write: bool,
    sql: String,
    args: Vec<Arg>,
    map: Map<T>,
) -> StoreResult<T> {
    b.rows(write, sql, args, map)
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| StoreError::Other("query returned no row".into()))
}

async fn movie_by<B: SqlBackend>(b: &B, column: &str, v: i64) -> StoreResult<Option<Movie>> {
    opt(
        b,
        format!("{MOVIE_SELECT} WHERE m.{column} = $1"),
        args![v],
        movie,
    )
    .await
}

#[async_trait]
impl<B: SqlBackend> LibraryStore for B {
    async fn movies(&self) -> StoreResult<Vec<Movie>> {
        let order = B::DIALECT.movie_order;
        let sql = format!("{MOVIE_SELECT} ORDER BY {order}");
        self.rows(false, sql, vec![], movie).await
    }

    async fn movie(&self, id: i64) -> StoreResult<Option<Movie>> {
        movie_by(self, "id", id).await
    }

    async fn movie_by_tmdb(&self, tmdb_id: i64) -> StoreResult<Option<Movie>> {
        movie_by(self, "tmdb_id", tmdb_id).await
    }

    async fn add_movie(&self, m: &NewMovie) -> StoreResult<Movie> {
        let sql = "INSERT INTO movies (tmdb_id, imdb_id, title, year, monitored,
            minimum_availability, quality_profile_id, root_folder_path, path, tags, added, metadata)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, now(), $11) RETURNING id";
        let m = m.clone();
        let a = args![m.tmdb_id, m.imdb_id, m.title, m.year, m.monitored];
        let b = args![
            m.minimum_availability,
            m.quality_profile_id,
            m.root_folder_path,
            m.path
        ];
        let all = [a, b, args![m.tags, m.metadata]].concat();
        let id = one(self, true, sql.into(), all, id).await?;
        self.movie(id)
            .await?
            .ok_or_else(|| StoreError::Other(format!("movie {id} vanished right after insert")))
    }

    async fn update_movie(&self, m: &Movie) -> StoreResult<Option<Movie>> {
        let sql = "UPDATE movies SET imdb_id = $2, title = $3, year = $4, monitored = $5,
            minimum_availability = $6, quality_profile_id = $7, root_folder_path = $8,
            path = $9, tags = $10, metadata = $11, last_info_sync = $12 WHERE id = $1";
        let m = m.clone();
        let a = args![
            m.id,
            m.imdb_id,
            m.title,
            m.year,
            m.monitored,
            m.minimum_availability
        ];
        let b = args![
            m.quality_profile_id,
            m.root_folder_path,
            m.path,
            m.tags,
            m.metadata
        ];
        let all = [a, b, args![m.last_info_sync]].concat();
        if self.exec(sql.into(), all).await? == 0 {
            return Ok(None);
        }
        self.movie(m.id).await
    }

    async fn delete_movie(&self, id: i64) -> StoreResult<bool> {
        let sql = "DELETE FROM movies WHERE id = $1";
        Ok(self.exec(sql.into(), args![id]).await? > 0)
    }

    async fn set_movie_file(&self, movie_id: i64, f: &NewMovieFile) -> StoreResult<MovieFile> {
        let sql = "INSERT INTO movie_files (movie_id, relative_path, size, quality,
            release_group, edition, date_added) VALUES ($1, $2, $3, $4, $5, $6, now())
            ON CONFLICT (movie_id) DO UPDATE SET relative_path = excluded.relative_path,
            size = excluded.size, quality = excluded.quality, release_group = excluded.release_group,
            edition = excluded.edition, date_added = excluded.date_added
            RETURNING id, date_added";
        let f = f.clone();
        let a = args![
            movie_id,
            f.relative_path.as_str(),
            f.size,
            f.quality.clone()
        ];
        let a = [a, args![f.release_group.clone(), f.edition.clone()]].concat();
        let map: Map<(i64, DateTime<Utc>)> = |r| Ok((r.int(0)?, r.time(1)?));
        let (id, date_added) = one(self, true, sql.into(), a, map).await?;
        Ok(MovieFile {
            id,
            movie_id,
            relative_path: f.relative_path,
            size: f.size,
            quality: f.quality,
            release_group: f.release_group,
            edition: f.edition,
            date_added,
        })
    }

    async fn delete_movie_file(&self, movie_id: i64) -> StoreResult<bool> {
        let sql = "DELETE FROM movie_files WHERE movie_id = $1";
        Ok(self.exec(sql.into(), args![movie_id]).await? > 0)
    }

    async fn profiles(&self) -> StoreResult<Vec<StoredProfile>> {
        let sql = "SELECT id, name, data FROM quality_profiles ORDER BY id";
        self.rows(false, sql.into(), vec![], profile).await
    }

    async fn add_profile(&self, name: &str, data: &Value) -> StoreResult<StoredProfile> {
        let sql = "INSERT INTO quality_profiles (name, data) VALUES ($1, $2) RETURNING id";
        let id = one(self, true, sql.into(), args![name, data.clone()], id).await?;
        let (name, data) = (name.to_string(), data.clone());
        Ok(StoredProfile { id, name, data })
    }

    async fn update_profile(&self, p: &StoredProfile) -> StoreResult<bool> {
        let sql = "UPDATE quality_profiles SET name = $2, data = $3 WHERE id = $1";
        let a = args![p.id, p.name.as_str(), p.data.clone()];
        Ok(self.exec(sql.into(), a).await? > 0)
    }

    async fn delete_profile(&self, id: i64) -> StoreResult<bool> {
        let sql = "DELETE FROM quality_profiles WHERE id = $1";
        Ok(self.exec(sql.into(), args![id]).await? > 0)
    }

    async fn root_folders(&self) -> StoreResult<Vec<RootFolder>> {
        let order = B::DIALECT.folder_order;
        let sql = format!("SELECT id, path FROM root_folders ORDER BY {order}");
        self.rows(false, sql, vec![], folder).await
    }

    async fn add_root_folder(&self, path: &str) -> StoreResult<RootFolder> {
        let sql = "INSERT INTO root_folders (path) VALUES ($1) RETURNING id";
        let id = one(self, true, sql.into(), args![path], id).await?;
        let path = path.to_string();
        Ok(RootFolder { id, path })
    }

    async fn delete_root_folder(&self, id: i64) -> StoreResult<bool> {
        let sql = "DELETE FROM root_folders WHERE id = $1";
        Ok(self.exec(sql.into(), args![id]).await? > 0)
    }

    async fn tags(&self) -> StoreResult<Vec<Tag>> {
        let sql = "SELECT id, label FROM tags ORDER BY id";
        self.rows(false, sql.into(), vec![], tag).await
    }

    async fn add_tag(&self, label: &str) -> StoreResult<Tag> {
        // Labels are unique regardless of ASCII case in both schemas (NOCASE, lower() index).
        let sql = "INSERT INTO tags (label) VALUES ($1) ON CONFLICT DO NOTHING";
        self.exec(sql.into(), args![label]).await?;
        let sql = "SELECT id, label FROM tags WHERE lower(label) = lower($1)";
        one(self, true, sql.into(), args![label], tag).await
    }

    async fn update_tag(&self, t: &Tag) -> StoreResult<bool> {
        let sql = "UPDATE tags SET label = $2 WHERE id = $1";
        Ok(self.exec(sql.into(), args![t.id, t.label.as_str()]).await? > 0)
    }

    async fn delete_tag(&self, id: i64) -> StoreResult<bool> {
        // One statement, so a movie tagged meanwhile cannot be left with a dangling id.
        let used = B::DIALECT.movie_has_tag;
        let sql = format!(
            "DELETE FROM tags WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM movies WHERE {used})"
        );
        if self.exec(sql, args![id]).await? > 0 {
            return Ok(true);
        }
        let sql = "SELECT id, label FROM tags WHERE id = $1";
        match opt(self, sql.into(), args![id], tag).await? {
            Some(t) => Err(StoreError::Constraint(format!(
                "tag {:?} is used by movies",
                t.label
            ))),
            None => Ok(false),
        }
    }

    async fn add_history(&self, e: &NewHistory) -> StoreResult<HistoryEntry> {
        let sql = format!(
            "INSERT INTO history (movie_id, event_type, source_title, quality, download_id,
             date, data) VALUES ($1, $2, $3, $4, $5, now(), $6) RETURNING {HISTORY_COLS}"
        );
        let e = e.clone();
        let a = args![
            e.movie_id,
            e.event_type,
            e.source_title,
            e.quality,
            e.download_id,
            e.data
        ];
        one(self, true, sql, a, history).await
    }

    async fn history_query(&self, q: &HistoryQuery) -> StoreResult<HistoryPage> {
        let size = i64::from(q.page_size.clamp(1, MAX_PAGE_SIZE));
        let offset = (i64::from(q.page.max(1)) - 1) * size;
        let order = if q.ascending { "ASC" } else { "DESC" };
        let filter = B::DIALECT.history_filter;
        let a = args![
            q.movie_ids.clone(),
            q.event_types.clone(),
            q.download_id.clone()
        ];
        let sql = format!("SELECT COUNT(*) FROM history {filter}");
        let total = one(self, false, sql, a.clone(), count).await?;
        let sql = format!(
            "SELECT {HISTORY_COLS} FROM history {filter} ORDER BY id {order} LIMIT $4 OFFSET $5"
        );
        let records = self
            .rows(false, sql, [a, args![size, offset]].concat(), history)
            .await?;
        Ok(HistoryPage { records, total })
    }

    async fn add_command(
        &self,
        name: &str,
        body: &Value,
        trigger: &str,
    ) -> StoreResult<CommandRecord> {
        let sql = format!(
            "INSERT INTO commands (name, body, status, trigger_kind, queued_at)
             VALUES ($1, $2, 'queued', $3, now()) RETURNING {COMMAND_COLS}"
        );
        one(self, true, sql, args![name, body.clone(), trigger], command).await
    }

    async fn update_command(&self, c: &CommandRecord) -> StoreResult<()> {
        let sql = "UPDATE commands SET status = $2, message = $3, started_at = $4, ended_at = $5
            WHERE id = $1";
        let a = args![
            c.id,
            c.status.as_str(),
            c.message.clone(),
            c.started_at,
            c.ended_at
        ];
        self.exec(sql.into(), a).await.map(|_| ())
    }

    async fn command(&self, id: i64) -> StoreResult<Option<CommandRecord>> {
        let sql = format!("SELECT {COMMAND_COLS} FROM commands WHERE id = $1");
        opt(self, sql, args![id], command).await
    }

    async fn commands(&self, limit: u32) -> StoreResult<Vec<CommandRecord>> {
        let sql = format!("SELECT {COMMAND_COLS} FROM commands ORDER BY id DESC LIMIT $1");
        self.rows(false, sql, args![i64::from(limit)], command)
            .await
    }

    async fn purge_commands(&self, before: DateTime<Utc>) -> StoreResult<u64> {
        let sql = "DELETE FROM commands WHERE status IN ('completed', 'failed')
            AND queued_at < $1";
        self.exec(sql.into(), args![before]).await
    }

    async fn add_blocklist(&self, e: &BlocklistEntry) -> StoreResult<BlocklistEntry> {
        let sql = "INSERT INTO blocklist (movie_id, source_title, guid, info_hash, reason, date)
            VALUES ($1, $2, $3, $4, $5, $6) RETURNING id";
        let mut e = e.clone();
        let (guid, hash) = (e.guid.clone(), e.info_hash.clone());
        let a = args![
            e.movie_id,
            e.source_title.as_str(),
            guid,
            hash,
            e.reason.as_str(),
            e.date
        ];
        e.id = one(self, true, sql.into(), a, id).await?;
        Ok(e)
    }

    async fn blocklist(&self, movie_id: Option<i64>) -> StoreResult<Vec<BlocklistEntry>> {
        let filter = if movie_id.is_some() {
            "WHERE movie_id = $1"
        } else {
            ""
        };
        let sql = format!(
            "SELECT id, movie_id, source_title, guid, info_hash, reason, date FROM blocklist
             {filter} ORDER BY id DESC"
        );
        self.rows(
            false,
            sql,
            movie_id.map(Arg::Int).into_iter().collect(),
            blocklist,
        )
        .await
    }

    async fn delete_blocklist(&self, id: i64) -> StoreResult<bool> {
        let sql = "DELETE FROM blocklist WHERE id = $1";
        Ok(self.exec(sql.into(), args![id]).await? > 0)
    }
}
