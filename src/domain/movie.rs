//! The library's records as the store keeps them. Plain data: no SQL, no HTTP.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A movie in the library. TMDB metadata is kept whole as JSON so a refresh can replace it
/// without a schema change; the columns the app filters on are fields of their own.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Movie {
    pub id: i64,
    pub tmdb_id: i64,
    pub imdb_id: Option<String>,
    pub title: String,
    pub year: i32,
    pub monitored: bool,
    /// Radarr's `announced` / `inCinemas` / `released`: when a release may be grabbed.
    pub minimum_availability: String,
    pub quality_profile_id: i64,
    pub root_folder_path: String,
    /// Folder of the movie inside the root folder.
    pub path: String,
    pub tags: Vec<i64>,
    pub added: DateTime<Utc>,
    pub metadata: Metadata,
    pub last_info_sync: Option<DateTime<Utc>>,
    /// Boxed: most movies have no file, and an inline one would triple every `Movie`.
    pub file: Option<Box<MovieFile>>,
}

/// A movie's TMDB metadata, kept as compact JSON text rather than a `serde_json::Value` tree:
/// the library is held in memory whole (the database breaker's copy), and a tree costs a
/// 392-byte map node plus a boxed string per key (about 520 B for a bare title and year, several
/// KB with overview, images and genres) where the text is one allocation of its own length.
/// Always built from a `Value` (whose maps keep keys sorted), so equal metadata is equal text.
/// Read it with [`Metadata::value`], which parses: once per use, not once per field.
#[derive(Clone, PartialEq, Eq)]
pub struct Metadata(Box<str>);

impl Metadata {
    /// The metadata as a JSON tree (parsed on every call: read it once per use).
    pub fn value(&self) -> Value {
        serde_json::from_str(&self.0).unwrap_or(Value::Null)
    }

    /// The JSON text as stored.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<Value> for Metadata {
    fn from(v: Value) -> Self {
        Metadata::from(&v)
    }
}

impl From<&Value> for Metadata {
    fn from(v: &Value) -> Self {
        Metadata(v.to_string().into_boxed_str())
    }
}

impl Default for Metadata {
    /// An empty object, what a movie without TMDB details holds at least.
    fn default() -> Self {
        Metadata("{}".into())
    }
}

impl std::fmt::Debug for Metadata {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Written and read as the JSON value itself (not a string), so the on-disk copy of the library
/// keeps the shape it had when this was a `Value`.
impl Serialize for Metadata {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.value().serialize(s)
    }
}

impl<'de> Deserialize<'de> for Metadata {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Value::deserialize(d).map(Metadata::from)
    }
}

/// What is needed to add a movie (the store assigns id and `added`).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct NewMovie {
    pub tmdb_id: i64,
    pub imdb_id: Option<String>,
    pub title: String,
    pub year: i32,
    pub monitored: bool,
    pub minimum_availability: String,
    pub quality_profile_id: i64,
    pub root_folder_path: String,
    pub path: String,
    pub tags: Vec<i64>,
    pub metadata: Metadata,
}

/// The imported file of a movie (one per movie, as in Radarr).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct MovieFile {
    pub id: i64,
    pub movie_id: i64,
    pub relative_path: String,
    pub size: i64,
    /// Radarr's `QualityModel` JSON.
    pub quality: Value,
    pub release_group: Option<String>,
    pub edition: Option<String>,
    pub date_added: DateTime<Utc>,
}

/// A quality profile as stored: its Radarr-shaped JSON plus the name for uniqueness.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct StoredProfile {
    pub id: i64,
    pub name: String,
    pub data: Value,
}

/// A library root folder.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct RootFolder {
    pub id: i64,
    pub path: String,
}

/// A tag (Radarr tags movies, indexers and clients with these).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Tag {
    pub id: i64,
    pub label: String,
}

/// One history event: grabbed, downloadFolderImported, importFailed, movieFileDeleted, ...
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct HistoryEntry {
    pub id: i64,
    pub movie_id: Option<i64>,
    pub event_type: String,
    pub source_title: String,
    pub quality: Value,
    pub download_id: Option<String>,
    pub date: DateTime<Utc>,
    pub data: Value,
}

/// A command/task run (`MoviesSearch`, `RefreshMovie`, ...) with its lifecycle.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct CommandRecord {
    pub id: i64,
    pub name: String,
    pub body: Value,
    /// `queued`, `started`, `completed`, `failed`.
    pub status: String,
    /// `manual` or `scheduled`.
    pub trigger: String,
    pub message: Option<String>,
    pub queued_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
}

/// A release that must not be grabbed again.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct BlocklistEntry {
    pub id: i64,
    pub movie_id: Option<i64>,
    pub source_title: String,
    pub guid: Option<String>,
    pub info_hash: Option<String>,
    pub reason: String,
    pub date: DateTime<Utc>,
}

/// A bare movie for unit tests (title and year, metadata `{"title": …}`, no file), the one
/// fixture the library's in-memory tests share.
#[cfg(test)]
pub fn test_movie(id: i64, title: &str) -> Movie {
    Movie {
        id,
        tmdb_id: id,
        imdb_id: None,
        title: title.into(),
        year: 2000,
        monitored: true,
        minimum_availability: "released".into(),
        quality_profile_id: 1,
        root_folder_path: "/m".into(),
        path: format!("/m/{title}"),
        tags: vec![],
        added: Default::default(),
        metadata: serde_json::json!({"title": title}).into(),
        last_info_sync: None,
        file: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The library is held in memory whole: a `Movie` stays small (it was 632 B with the file
    /// inline and the metadata as a `Value` tree).
    #[test]
    fn a_movie_is_compact() {
        let size = std::mem::size_of::<Movie>();
        assert!(size <= 240, "Movie is {size} bytes");
        assert_eq!(std::mem::size_of::<Metadata>(), 16);
    }

    /// Metadata reads, writes and compares as the JSON it holds.
    #[test]
    fn metadata_is_its_json() {
        let v = json!({"year": 1999, "title": "The Matrix", "genres": ["Action"]});
        let m = Metadata::from(&v);
        assert_eq!(m.value(), v);
        assert_eq!(m, Metadata::from(v.clone()));
        assert_ne!(m, Metadata::default());
        assert_eq!(Metadata::default().value(), json!({}));
        // Serialized as the value itself, so the on-disk copy keeps its shape.
        assert_eq!(serde_json::to_value(&m).unwrap(), v);
        let back: Metadata = serde_json::from_value(v.clone()).unwrap();
        assert_eq!(back, m);
    }
}
