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
    pub metadata: Value,
    pub last_info_sync: Option<DateTime<Utc>>,
    pub file: Option<MovieFile>,
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
    pub metadata: Value,
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
