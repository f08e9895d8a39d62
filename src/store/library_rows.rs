//! Row mapping and statement arguments of the shared library store (`library_sql.rs`),
//! written once over [`Cells`], which each backend implements for its own row type, and
//! [`Arg`], which each backend binds in its own storage types.

use super::StoreResult;
use crate::domain::movie::{
    BlocklistEntry, CommandRecord, HistoryEntry, Metadata, Movie, MovieFile, RootFolder,
    StoredProfile, Tag,
};
use chrono::{DateTime, Utc};
use serde_json::Value;

/// One statement argument, owned so it can travel to SQLite's blocking pool; each backend
/// binds it in its own storage type (JSON as text or JSONB, a time as text or TIMESTAMPTZ).
#[derive(Debug, Clone)]
pub(super) enum Arg {
    Int(i64),
    OptInt(Option<i64>),
    Int32(i32),
    Text(String),
    OptText(Option<String>),
    Flag(bool),
    Json(Value),
    Time(DateTime<Utc>),
    OptTime(Option<DateTime<Utc>>),
    /// Tag or movie ids: a JSON array in SQLite, `BIGINT[]` in PostgreSQL.
    Ids(Vec<i64>),
    /// Strings: a JSON array in SQLite, `TEXT[]` in PostgreSQL.
    Texts(Vec<String>),
}

macro_rules! arg_from {
    ($($t:ty => $v:ident),* $(,)?) => {
        $(impl From<$t> for Arg {
            fn from(v: $t) -> Self {
                Arg::$v(v)
            }
        })*
    };
}
arg_from!(i64 => Int, Option<i64> => OptInt, i32 => Int32, String => Text,
    Option<String> => OptText, bool => Flag, Value => Json, DateTime<Utc> => Time,
    Option<DateTime<Utc>> => OptTime, Vec<i64> => Ids, Vec<String> => Texts);

/// Metadata is stored as the JSON it holds (a JSON column in SQLite, `jsonb` in PostgreSQL).
impl From<Metadata> for Arg {
    fn from(v: Metadata) -> Self {
        Arg::Json(v.value())
    }
}

impl From<&str> for Arg {
    fn from(v: &str) -> Self {
        Arg::Text(v.to_string())
    }
}

/// `args![a, b]`: the argument list of a statement, each value converted into an [`Arg`].
macro_rules! args {
    ($($v:expr),* $(,)?) => { vec![$(super::library_rows::Arg::from($v)),*] };
}
pub(super) use args;

/// The typed cells of one result row; each backend decodes its own storage types here, and a
/// cell that does not decode is a bug (`StoreError::Other`), not an outage.
pub(super) trait Cells {
    fn int(&self, i: usize) -> StoreResult<i64>;
    fn opt_int(&self, i: usize) -> StoreResult<Option<i64>>;
    fn int32(&self, i: usize) -> StoreResult<i32>;
    fn text(&self, i: usize) -> StoreResult<String>;
    fn opt_text(&self, i: usize) -> StoreResult<Option<String>>;
    fn flag(&self, i: usize) -> StoreResult<bool>;
    fn json(&self, i: usize) -> StoreResult<Value>;
    fn time(&self, i: usize) -> StoreResult<DateTime<Utc>>;
    fn opt_time(&self, i: usize) -> StoreResult<Option<DateTime<Utc>>>;
    fn ids(&self, i: usize) -> StoreResult<Vec<i64>>;
}

/// Turns one row into a value.
pub(super) type Map<T> = fn(&dyn Cells) -> StoreResult<T>;

pub(super) fn movie(r: &dyn Cells) -> StoreResult<Movie> {
    let id = r.int(0)?;
    let file = match r.opt_int(14)? {
        Some(fid) => Some(Box::new(MovieFile {
            id: fid,
            movie_id: id,
            relative_path: r.text(15)?,
            size: r.int(16)?,
            quality: r.json(17)?,
            release_group: r.opt_text(18)?,
            edition: r.opt_text(19)?,
            date_added: r.time(20)?,
        })),
        None => None,
    };
    Ok(Movie {
        id,
        tmdb_id: r.int(1)?,
        imdb_id: r.opt_text(2)?,
        title: r.text(3)?,
        year: r.int32(4)?,
        monitored: r.flag(5)?,
        minimum_availability: r.text(6)?,
        quality_profile_id: r.int(7)?,
        root_folder_path: r.text(8)?,
        path: r.text(9)?,
        tags: r.ids(10)?,
        added: r.time(11)?,
        metadata: r.json(12)?.into(),
        last_info_sync: r.opt_time(13)?,
        file,
    })
}

pub(super) fn history(r: &dyn Cells) -> StoreResult<HistoryEntry> {
    Ok(HistoryEntry {
        id: r.int(0)?,
        movie_id: r.opt_int(1)?,
        event_type: r.text(2)?,
        source_title: r.text(3)?,
        quality: r.json(4)?,
        download_id: r.opt_text(5)?,
        date: r.time(6)?,
        data: r.json(7)?,
    })
}

pub(super) fn command(r: &dyn Cells) -> StoreResult<CommandRecord> {
    Ok(CommandRecord {
        id: r.int(0)?,
        name: r.text(1)?,
        body: r.json(2)?,
        status: r.text(3)?,
        trigger: r.text(4)?,
        message: r.opt_text(5)?,
        queued_at: r.time(6)?,
        started_at: r.opt_time(7)?,
        ended_at: r.opt_time(8)?,
    })
}

pub(super) fn blocklist(r: &dyn Cells) -> StoreResult<BlocklistEntry> {
    Ok(BlocklistEntry {
        id: r.int(0)?,
        movie_id: r.opt_int(1)?,
        source_title: r.text(2)?,
        guid: r.opt_text(3)?,
        info_hash: r.opt_text(4)?,
        reason: r.text(5)?,
        date: r.time(6)?,
    })
}

pub(super) fn profile(r: &dyn Cells) -> StoreResult<StoredProfile> {
    Ok(StoredProfile {
        id: r.int(0)?,
        name: r.text(1)?,
        data: r.json(2)?,
    })
}

pub(super) fn folder(r: &dyn Cells) -> StoreResult<RootFolder> {
    Ok(RootFolder {
        id: r.int(0)?,
        path: r.text(1)?,
    })
}

pub(super) fn tag(r: &dyn Cells) -> StoreResult<Tag> {
    Ok(Tag {
        id: r.int(0)?,
        label: r.text(1)?,
    })
}

pub(super) fn id(r: &dyn Cells) -> StoreResult<i64> {
    r.int(0)
}

pub(super) fn count(r: &dyn Cells) -> StoreResult<u64> {
    Ok(r.int(0)? as u64)
}
