//! PostgreSQL implementation of the library store; mirrors `sqlite_library.rs` statement for
//! statement (same ordering, same error classes), with native JSONB, BIGINT[] and TIMESTAMPTZ.

use super::library::{
    HistoryPage, HistoryQuery, LibraryStore, NewHistory, NewMovieFile, MAX_PAGE_SIZE,
};
use super::postgres::{map_pg, PostgresStore};
use super::StoreResult;
use crate::domain::movie::{
    BlocklistEntry, CommandRecord, HistoryEntry, Movie, MovieFile, NewMovie, RootFolder,
    StoredProfile, Tag,
};
use async_trait::async_trait;
use serde_json::Value;
use tokio_postgres::{Error, Row};

const MOVIE_SELECT: &str = "SELECT m.id, m.tmdb_id, m.imdb_id, m.title, m.year, m.monitored,
    m.minimum_availability, m.quality_profile_id, m.root_folder_path, m.path, m.tags, m.added,
    m.metadata, m.last_info_sync,
    f.id, f.relative_path, f.size, f.quality, f.release_group, f.edition, f.date_added
    FROM movies m LEFT JOIN movie_files f ON f.movie_id = m.id";

fn movie_row(r: &Row) -> Result<Movie, Error> {
    let id: i64 = r.try_get(0)?;
    let file = match r.try_get::<_, Option<i64>>(14)? {
        Some(fid) => Some(MovieFile {
            id: fid,
            movie_id: id,
            relative_path: r.try_get(15)?,
            size: r.try_get(16)?,
            quality: r.try_get(17)?,
            release_group: r.try_get(18)?,
            edition: r.try_get(19)?,
            date_added: r.try_get(20)?,
        }),
        None => None,
    };
    Ok(Movie {
        id,
        tmdb_id: r.try_get(1)?,
        imdb_id: r.try_get(2)?,
        title: r.try_get(3)?,
        year: r.try_get(4)?,
        monitored: r.try_get(5)?,
        minimum_availability: r.try_get(6)?,
        quality_profile_id: r.try_get(7)?,
        root_folder_path: r.try_get(8)?,
        path: r.try_get(9)?,
        tags: r.try_get(10)?,
        added: r.try_get(11)?,
        metadata: r.try_get(12)?,
        last_info_sync: r.try_get(13)?,
        file,
    })
}

const HISTORY_COLS: &str =
    "id, movie_id, event_type, source_title, quality, download_id, date, data";

fn history_row(r: &Row) -> Result<HistoryEntry, Error> {
    Ok(HistoryEntry {
        id: r.try_get(0)?,
        movie_id: r.try_get(1)?,
        event_type: r.try_get(2)?,
        source_title: r.try_get(3)?,
        quality: r.try_get(4)?,
        download_id: r.try_get(5)?,
        date: r.try_get(6)?,
        data: r.try_get(7)?,
    })
}

const COMMAND_COLS: &str =
    "id, name, body, status, trigger_kind, message, queued_at, started_at, ended_at";

fn command_row(r: &Row) -> Result<CommandRecord, Error> {
    Ok(CommandRecord {
        id: r.try_get(0)?,
        name: r.try_get(1)?,
        body: r.try_get(2)?,
        status: r.try_get(3)?,
        trigger: r.try_get(4)?,
        message: r.try_get(5)?,
        queued_at: r.try_get(6)?,
        started_at: r.try_get(7)?,
        ended_at: r.try_get(8)?,
    })
}

fn blocklist_row(r: &Row) -> Result<BlocklistEntry, Error> {
    Ok(BlocklistEntry {
        id: r.try_get(0)?,
        movie_id: r.try_get(1)?,
        source_title: r.try_get(2)?,
        guid: r.try_get(3)?,
        info_hash: r.try_get(4)?,
        reason: r.try_get(5)?,
        date: r.try_get(6)?,
    })
}

fn profile_row(r: &Row) -> Result<StoredProfile, Error> {
    Ok(StoredProfile {
        id: r.try_get(0)?,
        name: r.try_get(1)?,
        data: r.try_get(2)?,
    })
}

fn folder_row(r: &Row) -> Result<RootFolder, Error> {
    Ok(RootFolder {
        id: r.try_get(0)?,
        path: r.try_get(1)?,
    })
}

fn tag_row(r: &Row) -> Result<Tag, Error> {
    Ok(Tag {
        id: r.try_get(0)?,
        label: r.try_get(1)?,
    })
}

/// Decodes every row with `f`; a decoding failure is a bug (`Other`), not an outage.
fn all<T>(rows: Vec<Row>, f: fn(&Row) -> Result<T, Error>) -> StoreResult<Vec<T>> {
    rows.iter().map(f).collect::<Result<_, _>>().map_err(map_pg)
}

/// Decodes an optional row with `f`.
fn one<T>(row: Option<Row>, f: fn(&Row) -> Result<T, Error>) -> StoreResult<Option<T>> {
    row.as_ref().map(f).transpose().map_err(map_pg)
}

impl PostgresStore {
    async fn movie_by(&self, clause: &str, p: i64) -> StoreResult<Option<Movie>> {
        let row = self
            .query_opt(&format!("{MOVIE_SELECT} WHERE {clause}"), &[&p])
            .await?;
        one(row, movie_row)
    }
}

#[async_trait]
impl LibraryStore for PostgresStore {
    async fn movies(&self) -> StoreResult<Vec<Movie>> {
        // lower() under the "C" collation folds ASCII only: the same order as SQLite's NOCASE.
        let rows = self
            .query(
                &format!("{MOVIE_SELECT} ORDER BY lower(m.title COLLATE \"C\"), m.id"),
                &[],
            )
            .await?;
        all(rows, movie_row)
    }

    async fn movie(&self, id: i64) -> StoreResult<Option<Movie>> {
        self.movie_by("m.id = $1", id).await
    }

    async fn movie_by_tmdb(&self, tmdb_id: i64) -> StoreResult<Option<Movie>> {
        self.movie_by("m.tmdb_id = $1", tmdb_id).await
    }

    async fn add_movie(&self, m: &NewMovie) -> StoreResult<Movie> {
        let row = self
            .query_one(
                "INSERT INTO movies (tmdb_id, imdb_id, title, year, monitored, minimum_availability,
                    quality_profile_id, root_folder_path, path, tags, added, metadata)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, now(), $11)
                 RETURNING id",
                &[
                    &m.tmdb_id,
                    &m.imdb_id,
                    &m.title,
                    &m.year,
                    &m.monitored,
                    &m.minimum_availability,
                    &m.quality_profile_id,
                    &m.root_folder_path,
                    &m.path,
                    &m.tags,
                    &m.metadata,
                ],
            )
            .await?;
        let id: i64 = row.try_get(0).map_err(map_pg)?;
        self.movie(id).await?.ok_or_else(|| {
            super::StoreError::Other(format!("movie {id} vanished right after insert"))
        })
    }

    async fn update_movie(&self, m: &Movie) -> StoreResult<Option<Movie>> {
        let n = self
            .execute(
                "UPDATE movies SET imdb_id = $2, title = $3, year = $4, monitored = $5,
                    minimum_availability = $6, quality_profile_id = $7, root_folder_path = $8,
                    path = $9, tags = $10, metadata = $11, last_info_sync = $12
                 WHERE id = $1",
                &[
                    &m.id,
                    &m.imdb_id,
                    &m.title,
                    &m.year,
                    &m.monitored,
                    &m.minimum_availability,
                    &m.quality_profile_id,
                    &m.root_folder_path,
                    &m.path,
                    &m.tags,
                    &m.metadata,
                    &m.last_info_sync,
                ],
            )
            .await?;
        if n == 0 {
            return Ok(None);
        }
        self.movie(m.id).await
    }

    async fn delete_movie(&self, id: i64) -> StoreResult<bool> {
        self.execute("DELETE FROM movies WHERE id = $1", &[&id])
            .await
            .map(|n| n > 0)
    }

    async fn set_movie_file(&self, movie_id: i64, f: &NewMovieFile) -> StoreResult<MovieFile> {
        let row = self
            .query_one(
                "INSERT INTO movie_files (movie_id, relative_path, size, quality, release_group, edition, date_added)
                 VALUES ($1, $2, $3, $4, $5, $6, now())
                 ON CONFLICT (movie_id) DO UPDATE SET relative_path = excluded.relative_path,
                   size = excluded.size, quality = excluded.quality, release_group = excluded.release_group,
                   edition = excluded.edition, date_added = excluded.date_added
                 RETURNING id, date_added",
                &[&movie_id, &f.relative_path, &f.size, &f.quality, &f.release_group, &f.edition],
            )
            .await?;
        Ok(MovieFile {
            id: row.try_get(0).map_err(map_pg)?,
            movie_id,
            relative_path: f.relative_path.clone(),
            size: f.size,
            quality: f.quality.clone(),
            release_group: f.release_group.clone(),
            edition: f.edition.clone(),
            date_added: row.try_get(1).map_err(map_pg)?,
        })
    }

    async fn delete_movie_file(&self, movie_id: i64) -> StoreResult<bool> {
        self.execute("DELETE FROM movie_files WHERE movie_id = $1", &[&movie_id])
            .await
            .map(|n| n > 0)
    }

    async fn profiles(&self) -> StoreResult<Vec<StoredProfile>> {
        let rows = self
            .query(
                "SELECT id, name, data FROM quality_profiles ORDER BY id",
                &[],
            )
            .await?;
        all(rows, profile_row)
    }

    async fn add_profile(&self, name: &str, data: &Value) -> StoreResult<StoredProfile> {
        let row = self
            .query_one(
                "INSERT INTO quality_profiles (name, data) VALUES ($1, $2) RETURNING id",
                &[&name, data],
            )
            .await?;
        Ok(StoredProfile {
            id: row.try_get(0).map_err(map_pg)?,
            name: name.to_string(),
            data: data.clone(),
        })
    }

    async fn update_profile(&self, p: &StoredProfile) -> StoreResult<bool> {
        self.execute(
            "UPDATE quality_profiles SET name = $2, data = $3 WHERE id = $1",
            &[&p.id, &p.name, &p.data],
        )
        .await
        .map(|n| n > 0)
    }

    async fn delete_profile(&self, id: i64) -> StoreResult<bool> {
        self.execute("DELETE FROM quality_profiles WHERE id = $1", &[&id])
            .await
            .map(|n| n > 0)
    }

    async fn root_folders(&self) -> StoreResult<Vec<RootFolder>> {
        // Byte order, like SQLite's default BINARY collation.
        let rows = self
            .query(
                "SELECT id, path FROM root_folders ORDER BY path COLLATE \"C\"",
                &[],
            )
            .await?;
        all(rows, folder_row)
    }

    async fn add_root_folder(&self, path: &str) -> StoreResult<RootFolder> {
        let row = self
            .query_one(
                "INSERT INTO root_folders (path) VALUES ($1) RETURNING id",
                &[&path],
            )
            .await?;
        Ok(RootFolder {
            id: row.try_get(0).map_err(map_pg)?,
            path: path.to_string(),
        })
    }

    async fn delete_root_folder(&self, id: i64) -> StoreResult<bool> {
        self.execute("DELETE FROM root_folders WHERE id = $1", &[&id])
            .await
            .map(|n| n > 0)
    }

    async fn tags(&self) -> StoreResult<Vec<Tag>> {
        let rows = self
            .query("SELECT id, label FROM tags ORDER BY id", &[])
            .await?;
        all(rows, tag_row)
    }

    async fn add_tag(&self, label: &str) -> StoreResult<Tag> {
        self.execute(
            "INSERT INTO tags (label) VALUES ($1) ON CONFLICT (lower(label)) DO NOTHING",
            &[&label],
        )
        .await?;
        let row = self
            .query_one(
                "SELECT id, label FROM tags WHERE lower(label) = lower($1)",
                &[&label],
            )
            .await?;
        tag_row(&row).map_err(map_pg)
    }

    async fn add_history(&self, e: &NewHistory) -> StoreResult<HistoryEntry> {
        let row = self
            .query_one(
                &format!(
                    "INSERT INTO history (movie_id, event_type, source_title, quality, download_id, date, data)
                     VALUES ($1, $2, $3, $4, $5, now(), $6)
                     RETURNING {HISTORY_COLS}"
                ),
                &[
                    &e.movie_id,
                    &e.event_type,
                    &e.source_title,
                    &e.quality,
                    &e.download_id,
                    &e.data,
                ],
            )
            .await?;
        history_row(&row).map_err(map_pg)
    }

    async fn history_query(&self, q: &HistoryQuery) -> StoreResult<HistoryPage> {
        let size = i64::from(q.page_size.clamp(1, MAX_PAGE_SIZE));
        let offset = (i64::from(q.page.max(1)) - 1) * size;
        let order = if q.ascending { "ASC" } else { "DESC" };
        // An empty array means "no filter".
        const FILTER: &str = "WHERE (cardinality($1::BIGINT[]) = 0 OR movie_id = ANY($1))
            AND (cardinality($2::TEXT[]) = 0 OR event_type = ANY($2))
            AND ($3::TEXT IS NULL OR download_id = $3)";
        let total = self
            .query_one(
                &format!("SELECT COUNT(*) FROM history {FILTER}"),
                &[&q.movie_ids, &q.event_types, &q.download_id],
            )
            .await?;
        let total: i64 = total.try_get(0).map_err(map_pg)?;
        let rows = self
            .query(
                &format!(
                    "SELECT {HISTORY_COLS} FROM history {FILTER} ORDER BY id {order} LIMIT $4 OFFSET $5"
                ),
                &[&q.movie_ids, &q.event_types, &q.download_id, &size, &offset],
            )
            .await?;
        Ok(HistoryPage {
            records: all(rows, history_row)?,
            total: total as u64,
        })
    }

    async fn add_command(
        &self,
        name: &str,
        body: &Value,
        trigger: &str,
    ) -> StoreResult<CommandRecord> {
        let row = self
            .query_one(
                &format!(
                    "INSERT INTO commands (name, body, status, trigger_kind, queued_at)
                     VALUES ($1, $2, 'queued', $3, now()) RETURNING {COMMAND_COLS}"
                ),
                &[&name, body, &trigger],
            )
            .await?;
        command_row(&row).map_err(map_pg)
    }

    async fn update_command(&self, cmd: &CommandRecord) -> StoreResult<()> {
        self.execute(
            "UPDATE commands SET status = $2, message = $3, started_at = $4, ended_at = $5 WHERE id = $1",
            &[&cmd.id, &cmd.status, &cmd.message, &cmd.started_at, &cmd.ended_at],
        )
        .await
        .map(|_| ())
    }

    async fn command(&self, id: i64) -> StoreResult<Option<CommandRecord>> {
        let row = self
            .query_opt(
                &format!("SELECT {COMMAND_COLS} FROM commands WHERE id = $1"),
                &[&id],
            )
            .await?;
        one(row, command_row)
    }

    async fn commands(&self, limit: u32) -> StoreResult<Vec<CommandRecord>> {
        let rows = self
            .query(
                &format!("SELECT {COMMAND_COLS} FROM commands ORDER BY id DESC LIMIT $1"),
                &[&i64::from(limit)],
            )
            .await?;
        all(rows, command_row)
    }

    async fn purge_commands(&self, before: chrono::DateTime<chrono::Utc>) -> StoreResult<u64> {
        self.execute(
            "DELETE FROM commands WHERE status IN ('completed', 'failed') AND queued_at < $1",
            &[&before],
        )
        .await
    }

    async fn add_blocklist(&self, e: &BlocklistEntry) -> StoreResult<BlocklistEntry> {
        let row = self
            .query_one(
                "INSERT INTO blocklist (movie_id, source_title, guid, info_hash, reason, date)
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                &[
                    &e.movie_id,
                    &e.source_title,
                    &e.guid,
                    &e.info_hash,
                    &e.reason,
                    &e.date,
                ],
            )
            .await?;
        let mut e = e.clone();
        e.id = row.try_get(0).map_err(map_pg)?;
        Ok(e)
    }

    async fn blocklist(&self, movie_id: Option<i64>) -> StoreResult<Vec<BlocklistEntry>> {
        let rows = self
            .query(
                "SELECT id, movie_id, source_title, guid, info_hash, reason, date FROM blocklist
                 WHERE ($1::BIGINT IS NULL OR movie_id = $1) ORDER BY id DESC",
                &[&movie_id],
            )
            .await?;
        all(rows, blocklist_row)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;
    use reelarr_testkit::postgres as pg_harness;
    use serde_json::json;

    /// Adds movies and root folders whose order depends on collation; returns what the store lists.
    async fn orders(s: &dyn Store) -> (Vec<String>, Vec<String>, Vec<i64>) {
        let p = s
            .add_profile("Any", &json!({"items": [1, 2.5]}))
            .await
            .unwrap();
        assert_eq!(
            s.profiles().await.unwrap()[0].data,
            json!({"items": [1, 2.5]})
        );
        let mut ids = Vec::new();
        for (tmdb, title) in [(1, "beta"), (2, "Alpha"), (3, "_under"), (4, "Zulu")] {
            let m = s
                .add_movie(&NewMovie {
                    tmdb_id: tmdb,
                    imdb_id: None,
                    title: title.into(),
                    year: 2000,
                    monitored: true,
                    minimum_availability: "released".into(),
                    quality_profile_id: p.id,
                    root_folder_path: "/m".into(),
                    path: format!("/m/{title}"),
                    tags: vec![],
                    metadata: json!({}),
                })
                .await
                .unwrap();
            ids.push(m.id);
        }
        let titles = s
            .movies()
            .await
            .unwrap()
            .into_iter()
            .map(|m| m.title)
            .collect();
        for path in ["/b", "/B", "/a"] {
            s.add_root_folder(path).await.unwrap();
        }
        let paths = s
            .root_folders()
            .await
            .unwrap()
            .into_iter()
            .map(|f| f.path)
            .collect();
        (titles, paths, ids)
    }

    /// Ordering and round trips beyond the shared suite, checked against SQLite itself: NOCASE
    /// title order, byte-order root folders, history per movie, `ON DELETE SET NULL` for history.
    #[tokio::test]
    async fn ordering_and_cascades_match_sqlite() {
        let Some(db) = pg_harness::fresh_db().await else {
            return;
        };
        let s = PostgresStore::open(&db.url, 2).await.unwrap();
        let dir = tempfile::tempdir().unwrap();
        let lite = crate::store::SqliteStore::open(dir.path().join("t.db"), 1000, 1)
            .await
            .unwrap();
        let (titles, paths, ids) = orders(&s).await;
        let (lite_titles, lite_paths, _) = orders(&lite).await;
        assert_eq!(titles, lite_titles);
        assert_eq!(paths, lite_paths);
        // NOCASE folds ASCII letters to lower case, so '_' (0x5F) sorts before 'a'.
        assert_eq!(titles, ["_under", "Alpha", "beta", "Zulu"]);
        assert_eq!(paths, ["/B", "/a", "/b"]);

        for id in &ids[..2] {
            s.add_history(&NewHistory {
                movie_id: Some(*id),
                event_type: "grabbed".into(),
                source_title: "x".into(),
                quality: json!({}),
                download_id: None,
                data: json!({}),
            })
            .await
            .unwrap();
        }
        assert_eq!(s.history(Some(ids[0]), 1, 10).await.unwrap().total, 1);
        assert_eq!(s.history(None, 0, 0).await.unwrap().records.len(), 1);
        s.delete_movie(ids[0]).await.unwrap();
        let h = s.history(None, 1, 10).await.unwrap();
        assert_eq!(h.total, 2);
        assert_eq!(h.records[1].movie_id, None, "ON DELETE SET NULL");
        assert!(s.command(12345).await.unwrap().is_none());
        assert!(!s.delete_movie_file(ids[1]).await.unwrap());
        assert!(matches!(
            s.set_movie_file(
                9999,
                &NewMovieFile {
                    relative_path: "x.mkv".into(),
                    size: 1,
                    quality: json!({}),
                    release_group: None,
                    edition: None,
                }
            )
            .await,
            Err(crate::store::StoreError::Constraint(_))
        ));
        assert_eq!(
            s.schema_version().await.unwrap(),
            crate::store::latest_version()
        );
        drop(s);
        db.drop_db().await;
    }
}
