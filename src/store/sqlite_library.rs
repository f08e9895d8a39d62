//! SQLite implementation of the library store.

use super::library::{
    HistoryPage, HistoryQuery, LibraryStore, NewHistory, NewMovieFile, MAX_PAGE_SIZE,
};
use super::{SqliteStore, StoreResult};
use crate::domain::movie::{
    BlocklistEntry, CommandRecord, HistoryEntry, Movie, MovieFile, NewMovie, RootFolder,
    StoredProfile, Tag,
};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde_json::Value;

fn now() -> String {
    Utc::now().to_rfc3339()
}

fn time(s: Option<String>) -> Option<DateTime<Utc>> {
    s.and_then(|s| DateTime::parse_from_rfc3339(&s).ok())
        .map(|d| d.with_timezone(&Utc))
}

fn json(s: String) -> Value {
    serde_json::from_str(&s).unwrap_or(Value::Null)
}

fn text(v: &Value) -> String {
    v.to_string()
}

const MOVIE_SELECT: &str = "SELECT m.id, m.tmdb_id, m.imdb_id, m.title, m.year, m.monitored,
    m.minimum_availability, m.quality_profile_id, m.root_folder_path, m.path, m.tags, m.added,
    m.metadata, m.last_info_sync,
    f.id, f.relative_path, f.size, f.quality, f.release_group, f.edition, f.date_added
    FROM movies m LEFT JOIN movie_files f ON f.movie_id = m.id";

fn movie_row(r: &Row<'_>) -> rusqlite::Result<Movie> {
    let id: i64 = r.get(0)?;
    let file = match r.get::<_, Option<i64>>(14)? {
        Some(fid) => Some(MovieFile {
            id: fid,
            movie_id: id,
            relative_path: r.get(15)?,
            size: r.get(16)?,
            quality: json(r.get(17)?),
            release_group: r.get(18)?,
            edition: r.get(19)?,
            date_added: time(r.get(20)?).unwrap_or_default(),
        }),
        None => None,
    };
    Ok(Movie {
        id,
        tmdb_id: r.get(1)?,
        imdb_id: r.get(2)?,
        title: r.get(3)?,
        year: r.get(4)?,
        monitored: r.get::<_, i64>(5)? != 0,
        minimum_availability: r.get(6)?,
        quality_profile_id: r.get(7)?,
        root_folder_path: r.get(8)?,
        path: r.get(9)?,
        tags: serde_json::from_str(&r.get::<_, String>(10)?).unwrap_or_default(),
        added: time(r.get(11)?).unwrap_or_default(),
        metadata: json(r.get(12)?),
        last_info_sync: time(r.get(13)?),
        file,
    })
}

fn movie_where(c: &Connection, clause: &str, p: i64) -> rusqlite::Result<Option<Movie>> {
    c.query_row(&format!("{MOVIE_SELECT} WHERE {clause}"), [p], movie_row)
        .optional()
}

fn history_row(r: &Row<'_>) -> rusqlite::Result<HistoryEntry> {
    Ok(HistoryEntry {
        id: r.get(0)?,
        movie_id: r.get(1)?,
        event_type: r.get(2)?,
        source_title: r.get(3)?,
        quality: json(r.get(4)?),
        download_id: r.get(5)?,
        date: time(r.get(6)?).unwrap_or_default(),
        data: json(r.get(7)?),
    })
}

fn command_row(r: &Row<'_>) -> rusqlite::Result<CommandRecord> {
    Ok(CommandRecord {
        id: r.get(0)?,
        name: r.get(1)?,
        body: json(r.get(2)?),
        status: r.get(3)?,
        trigger: r.get(4)?,
        message: r.get(5)?,
        queued_at: time(r.get(6)?).unwrap_or_default(),
        started_at: time(r.get(7)?),
        ended_at: time(r.get(8)?),
    })
}

fn blocklist_row(r: &Row<'_>) -> rusqlite::Result<BlocklistEntry> {
    Ok(BlocklistEntry {
        id: r.get(0)?,
        movie_id: r.get(1)?,
        source_title: r.get(2)?,
        guid: r.get(3)?,
        info_hash: r.get(4)?,
        reason: r.get(5)?,
        date: time(r.get(6)?).unwrap_or_default(),
    })
}

const COMMAND_COLS: &str =
    "id, name, body, status, trigger_kind, message, queued_at, started_at, ended_at";

#[async_trait]
impl LibraryStore for SqliteStore {
    async fn movies(&self) -> StoreResult<Vec<Movie>> {
        self.read(|c| {
            let mut st = c.prepare(&format!("{MOVIE_SELECT} ORDER BY m.title COLLATE NOCASE"))?;
            let rows = st.query_map([], movie_row)?;
            rows.collect()
        })
        .await
    }

    async fn movie(&self, id: i64) -> StoreResult<Option<Movie>> {
        self.read(move |c| movie_where(c, "m.id = ?1", id)).await
    }

    async fn movie_by_tmdb(&self, tmdb_id: i64) -> StoreResult<Option<Movie>> {
        self.read(move |c| movie_where(c, "m.tmdb_id = ?1", tmdb_id))
            .await
    }

    async fn add_movie(&self, m: &NewMovie) -> StoreResult<Movie> {
        let m = m.clone();
        self.write(move |c| {
            c.execute(
                "INSERT INTO movies (tmdb_id, imdb_id, title, year, monitored, minimum_availability,
                    quality_profile_id, root_folder_path, path, tags, added, metadata)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                params![
                    m.tmdb_id,
                    m.imdb_id,
                    m.title,
                    m.year,
                    m.monitored as i64,
                    m.minimum_availability,
                    m.quality_profile_id,
                    m.root_folder_path,
                    m.path,
                    serde_json::to_string(&m.tags).unwrap_or_else(|_| "[]".into()),
                    now(),
                    text(&m.metadata)
                ],
            )?;
            let id = c.last_insert_rowid();
            movie_where(c, "m.id = ?1", id).map(|m| m.expect("just inserted"))
        })
        .await
    }

    async fn update_movie(&self, m: &Movie) -> StoreResult<Option<Movie>> {
        let m = m.clone();
        self.write(move |c| {
            let n = c.execute(
                "UPDATE movies SET imdb_id = ?2, title = ?3, year = ?4, monitored = ?5,
                    minimum_availability = ?6, quality_profile_id = ?7, root_folder_path = ?8,
                    path = ?9, tags = ?10, metadata = ?11, last_info_sync = ?12
                 WHERE id = ?1",
                params![
                    m.id,
                    m.imdb_id,
                    m.title,
                    m.year,
                    m.monitored as i64,
                    m.minimum_availability,
                    m.quality_profile_id,
                    m.root_folder_path,
                    m.path,
                    serde_json::to_string(&m.tags).unwrap_or_else(|_| "[]".into()),
                    text(&m.metadata),
                    m.last_info_sync.map(|t| t.to_rfc3339())
                ],
            )?;
            if n == 0 {
                return Ok(None);
            }
            movie_where(c, "m.id = ?1", m.id)
        })
        .await
    }

    async fn delete_movie(&self, id: i64) -> StoreResult<bool> {
        self.write(move |c| {
            c.execute("DELETE FROM movies WHERE id = ?1", [id])
                .map(|n| n > 0)
        })
        .await
    }

    async fn set_movie_file(&self, movie_id: i64, f: &NewMovieFile) -> StoreResult<MovieFile> {
        let f = f.clone();
        self.write(move |c| {
            let added = now();
            c.execute(
                "INSERT INTO movie_files (movie_id, relative_path, size, quality, release_group, edition, date_added)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                 ON CONFLICT(movie_id) DO UPDATE SET relative_path = excluded.relative_path,
                   size = excluded.size, quality = excluded.quality, release_group = excluded.release_group,
                   edition = excluded.edition, date_added = excluded.date_added",
                params![movie_id, f.relative_path, f.size, text(&f.quality), f.release_group, f.edition, added],
            )?;
            let id: i64 = c.query_row("SELECT id FROM movie_files WHERE movie_id = ?1", [movie_id], |r| r.get(0))?;
            Ok(MovieFile {
                id,
                movie_id,
                relative_path: f.relative_path,
                size: f.size,
                quality: f.quality,
                release_group: f.release_group,
                edition: f.edition,
                date_added: time(Some(added)).unwrap_or_default(),
            })
        })
        .await
    }

    async fn delete_movie_file(&self, movie_id: i64) -> StoreResult<bool> {
        self.write(move |c| {
            c.execute("DELETE FROM movie_files WHERE movie_id = ?1", [movie_id])
                .map(|n| n > 0)
        })
        .await
    }

    async fn profiles(&self) -> StoreResult<Vec<StoredProfile>> {
        self.read(|c| {
            let mut st = c.prepare("SELECT id, name, data FROM quality_profiles ORDER BY id")?;
            let rows = st.query_map([], |r| {
                Ok(StoredProfile {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    data: json(r.get(2)?),
                })
            })?;
            rows.collect()
        })
        .await
    }

    async fn add_profile(&self, name: &str, data: &Value) -> StoreResult<StoredProfile> {
        let (name, data) = (name.to_string(), data.clone());
        self.write(move |c| {
            c.execute(
                "INSERT INTO quality_profiles (name, data) VALUES (?1, ?2)",
                params![name, text(&data)],
            )?;
            Ok(StoredProfile {
                id: c.last_insert_rowid(),
                name,
                data,
            })
        })
        .await
    }

    async fn update_profile(&self, p: &StoredProfile) -> StoreResult<bool> {
        let p = p.clone();
        self.write(move |c| {
            c.execute(
                "UPDATE quality_profiles SET name = ?2, data = ?3 WHERE id = ?1",
                params![p.id, p.name, text(&p.data)],
            )
            .map(|n| n > 0)
        })
        .await
    }

    async fn delete_profile(&self, id: i64) -> StoreResult<bool> {
        self.write(move |c| {
            c.execute("DELETE FROM quality_profiles WHERE id = ?1", [id])
                .map(|n| n > 0)
        })
        .await
    }

    async fn root_folders(&self) -> StoreResult<Vec<RootFolder>> {
        self.read(|c| {
            let mut st = c.prepare("SELECT id, path FROM root_folders ORDER BY path")?;
            let rows = st.query_map([], |r| {
                Ok(RootFolder {
                    id: r.get(0)?,
                    path: r.get(1)?,
                })
            })?;
            rows.collect()
        })
        .await
    }

    async fn add_root_folder(&self, path: &str) -> StoreResult<RootFolder> {
        let path = path.to_string();
        self.write(move |c| {
            c.execute("INSERT INTO root_folders (path) VALUES (?1)", [&path])?;
            Ok(RootFolder {
                id: c.last_insert_rowid(),
                path,
            })
        })
        .await
    }

    async fn delete_root_folder(&self, id: i64) -> StoreResult<bool> {
        self.write(move |c| {
            c.execute("DELETE FROM root_folders WHERE id = ?1", [id])
                .map(|n| n > 0)
        })
        .await
    }

    async fn tags(&self) -> StoreResult<Vec<Tag>> {
        self.read(|c| {
            let mut st = c.prepare("SELECT id, label FROM tags ORDER BY id")?;
            let rows = st.query_map([], |r| {
                Ok(Tag {
                    id: r.get(0)?,
                    label: r.get(1)?,
                })
            })?;
            rows.collect()
        })
        .await
    }

    async fn add_tag(&self, label: &str) -> StoreResult<Tag> {
        let label = label.to_string();
        self.write(move |c| {
            c.execute("INSERT OR IGNORE INTO tags (label) VALUES (?1)", [&label])?;
            c.query_row(
                "SELECT id, label FROM tags WHERE label = ?1",
                [&label],
                |r| {
                    Ok(Tag {
                        id: r.get(0)?,
                        label: r.get(1)?,
                    })
                },
            )
        })
        .await
    }

    async fn add_history(&self, e: &NewHistory) -> StoreResult<HistoryEntry> {
        let e = e.clone();
        self.write(move |c| {
            c.execute(
                "INSERT INTO history (movie_id, event_type, source_title, quality, download_id, date, data)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![e.movie_id, e.event_type, e.source_title, text(&e.quality), e.download_id, now(), text(&e.data)],
            )?;
            let id = c.last_insert_rowid();
            c.query_row(
                "SELECT id, movie_id, event_type, source_title, quality, download_id, date, data FROM history WHERE id = ?1",
                [id],
                history_row,
            )
        })
        .await
    }

    async fn history_query(&self, q: &HistoryQuery) -> StoreResult<HistoryPage> {
        let size = i64::from(q.page_size.clamp(1, MAX_PAGE_SIZE));
        let offset = (i64::from(q.page.max(1)) - 1) * size;
        let ids = serde_json::to_string(&q.movie_ids).unwrap_or_else(|_| "[]".into());
        let types = serde_json::to_string(&q.event_types).unwrap_or_else(|_| "[]".into());
        let download_id = q.download_id.clone();
        let order = if q.ascending { "ASC" } else { "DESC" };
        self.read(move |c| {
            // Fixed SQL: the lists travel as JSON arrays, an empty one meaning "no filter".
            const FILTER: &str =
                "WHERE (?1 = '[]' OR movie_id IN (SELECT value FROM json_each(?1)))
                AND (?2 = '[]' OR event_type IN (SELECT value FROM json_each(?2)))
                AND (?3 IS NULL OR download_id = ?3)";
            let total: i64 = c.query_row(
                &format!("SELECT COUNT(*) FROM history {FILTER}"),
                params![ids, types, download_id],
                |r| r.get(0),
            )?;
            let mut st = c.prepare(&format!(
                "SELECT id, movie_id, event_type, source_title, quality, download_id, date, data
                 FROM history {FILTER} ORDER BY id {order} LIMIT ?4 OFFSET ?5"
            ))?;
            let rows = st.query_map(params![ids, types, download_id, size, offset], history_row)?;
            Ok(HistoryPage {
                records: rows.collect::<rusqlite::Result<_>>()?,
                total: total as u64,
            })
        })
        .await
    }

    async fn add_command(
        &self,
        name: &str,
        body: &Value,
        trigger: &str,
    ) -> StoreResult<CommandRecord> {
        let (name, body, trigger) = (name.to_string(), body.clone(), trigger.to_string());
        self.write(move |c| {
            c.execute(
                "INSERT INTO commands (name, body, status, trigger_kind, queued_at) VALUES (?1, ?2, 'queued', ?3, ?4)",
                params![name, text(&body), trigger, now()],
            )?;
            let id = c.last_insert_rowid();
            c.query_row(&format!("SELECT {COMMAND_COLS} FROM commands WHERE id = ?1"), [id], command_row)
        })
        .await
    }

    async fn update_command(&self, cmd: &CommandRecord) -> StoreResult<()> {
        let cmd = cmd.clone();
        self.write(move |c| {
            c.execute(
                "UPDATE commands SET status = ?2, message = ?3, started_at = ?4, ended_at = ?5 WHERE id = ?1",
                params![
                    cmd.id,
                    cmd.status,
                    cmd.message,
                    cmd.started_at.map(|t| t.to_rfc3339()),
                    cmd.ended_at.map(|t| t.to_rfc3339())
                ],
            )
            .map(|_| ())
        })
        .await
    }

    async fn command(&self, id: i64) -> StoreResult<Option<CommandRecord>> {
        self.read(move |c| {
            c.query_row(
                &format!("SELECT {COMMAND_COLS} FROM commands WHERE id = ?1"),
                [id],
                command_row,
            )
            .optional()
        })
        .await
    }

    async fn commands(&self, limit: u32) -> StoreResult<Vec<CommandRecord>> {
        self.read(move |c| {
            let mut st = c.prepare(&format!(
                "SELECT {COMMAND_COLS} FROM commands ORDER BY id DESC LIMIT ?1"
            ))?;
            let rows = st.query_map([limit], command_row)?;
            rows.collect()
        })
        .await
    }

    async fn purge_commands(&self, before: DateTime<Utc>) -> StoreResult<u64> {
        let cutoff = before.to_rfc3339();
        self.write(move |c| {
            c.execute(
                "DELETE FROM commands WHERE status IN ('completed', 'failed') AND queued_at < ?1",
                [cutoff],
            )
            .map(|n| n as u64)
        })
        .await
    }

    async fn add_blocklist(&self, e: &BlocklistEntry) -> StoreResult<BlocklistEntry> {
        let mut e = e.clone();
        self.write(move |c| {
            c.execute(
                "INSERT INTO blocklist (movie_id, source_title, guid, info_hash, reason, date) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![e.movie_id, e.source_title, e.guid, e.info_hash, e.reason, e.date.to_rfc3339()],
            )?;
            e.id = c.last_insert_rowid();
            Ok(e)
        })
        .await
    }

    async fn blocklist(&self, movie_id: Option<i64>) -> StoreResult<Vec<BlocklistEntry>> {
        self.read(move |c| {
            let filter = if movie_id.is_some() { "WHERE movie_id = ?1" } else { "WHERE ?1 IS NULL" };
            let mut st = c.prepare(&format!(
                "SELECT id, movie_id, source_title, guid, info_hash, reason, date FROM blocklist {filter} ORDER BY id DESC"
            ))?;
            let rows = st.query_map([movie_id], blocklist_row)?;
            rows.collect()
        })
        .await
    }
}
