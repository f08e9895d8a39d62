//! Radarr's webhook payloads (`WebhookGrabPayload`, `WebhookImportPayload`, ...), built from
//! reelarr's values with Radarr's field names, so Notifiarr, Discord bridges and home-automation
//! hooks written for Radarr read them unchanged. Every payload carries `eventType`,
//! `instanceName` and `applicationUrl`.

use chrono::{DateTime, Duration, Utc};
use serde_json::{json, Map, Value};

use super::EventKind;
use crate::domain::decision::FormatMatch;
use crate::domain::movie::{Movie, MovieFile};
use crate::domain::quality::QualityModel;
use crate::services::search::Release;
use crate::store::Store;

/// What `instanceName` says (Radarr's default instance name is its own).
const INSTANCE_NAME: &str = "reelarr";

/// One event ready to send: its kind (which connections want it), the payload, and what the
/// tag and health-level filters read.
#[derive(Clone, Debug)]
pub struct Event {
    pub kind: EventKind,
    pub body: Value,
    /// The movie's tag ids (`None`: not about a movie, every connection gets it).
    pub movie_tags: Option<Vec<i64>>,
    /// A health issue of warning (not error) level.
    pub warning: bool,
}

fn payload(event_type: &str, mut fields: Map<String, Value>) -> Value {
    fields.insert("eventType".into(), json!(event_type));
    fields.insert("instanceName".into(), json!(INSTANCE_NAME));
    fields.insert("applicationUrl".into(), json!(""));
    Value::Object(fields)
}

fn object(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

fn date(meta: &Value, key: &str) -> Option<DateTime<Utc>> {
    meta.get(key)?.as_str()?.parse().ok()
}

/// Radarr's `releaseDate`: the physical release, else the digital one, else 90 days after the
/// cinema release.
fn release_date(movie: &Movie) -> Option<String> {
    let m = &movie.metadata.value();
    date(m, "physicalRelease")
        .or_else(|| date(m, "digitalRelease"))
        .or_else(|| date(m, "inCinemas").map(|d| d + Duration::days(90)))
        .map(|d| d.format("%Y-%m-%d").to_string())
}

/// The labels of the movie's tags, sorted, as Radarr sends them (unknown ids left out).
pub async fn tag_labels(store: &dyn Store, movie: &Movie) -> Vec<String> {
    if movie.tags.is_empty() {
        return Vec::new();
    }
    let all = store.tags().await.unwrap_or_default();
    let mut labels: Vec<String> = all
        .into_iter()
        .filter(|t| movie.tags.contains(&t.id))
        .map(|t| t.label)
        .collect();
    labels.sort();
    labels
}

/// `WebhookMovie`.
fn movie_json(movie: &Movie, tags: &[String]) -> Value {
    let meta = movie.metadata.value();
    let mut v = json!({
        "id": movie.id,
        "title": movie.title,
        "year": movie.year,
        "releaseDate": release_date(movie),
        "folderPath": movie.path,
        "tmdbId": movie.tmdb_id,
        "imdbId": movie.imdb_id.clone().unwrap_or_default(),
        "overview": meta.get("overview").cloned().unwrap_or(Value::Null),
        "tags": tags,
    });
    if let Some(genres) = meta.get("genres") {
        v["genres"] = genres.clone();
    }
    v
}

/// `WebhookRemoteMovie` of a movie.
fn remote_movie(movie: &Movie) -> Value {
    json!({
        "tmdbId": movie.tmdb_id,
        "imdbId": movie.imdb_id.clone().unwrap_or_default(),
        "title": movie.title,
        "year": movie.year,
    })
}

/// `(quality name, revision version)` of a stored `QualityModel`.
fn quality_of(q: &Value) -> (String, i64) {
    let name = q["quality"]["name"]
        .as_str()
        .unwrap_or("Unknown")
        .to_string();
    (name, q["revision"]["version"].as_i64().unwrap_or(1))
}

/// `WebhookMovieFile`.
fn movie_file(movie: &Movie, f: &MovieFile) -> Value {
    let (quality, version) = quality_of(&f.quality);
    let path = std::path::Path::new(&movie.path).join(&f.relative_path);
    json!({
        "id": f.id,
        "relativePath": f.relative_path,
        "path": path.to_string_lossy(),
        "quality": quality,
        "qualityVersion": version,
        "releaseGroup": f.release_group,
        "size": f.size,
        "dateAdded": f.date_added.to_rfc3339(),
    })
}

fn event(kind: EventKind, movie: &Movie, body: Value) -> Event {
    Event {
        kind,
        body,
        movie_tags: Some(movie.tags.clone()),
        warning: false,
    }
}

/// What a grab says about its release and download.
pub struct GrabInfo<'a> {
    pub release: &'a Release,
    pub formats: &'a [FormatMatch],
    pub score: i32,
    /// Info-hash, upper case as Radarr's `downloadId`.
    pub download_id: Option<String>,
}

/// `Grab`: a release was sent to the download client.
pub fn grab(movie: &Movie, tags: &[String], g: &GrabInfo<'_>) -> Event {
    let r = g.release;
    let q: QualityModel = r.parsed.quality_model();
    let names: Vec<&str> = g.formats.iter().map(|f| f.name.as_str()).collect();
    let formats: Vec<Value> = g
        .formats
        .iter()
        .map(|f| json!({"id": f.id, "name": f.name}))
        .collect();
    let body = payload(
        "Grab",
        object(json!({
            "movie": movie_json(movie, tags),
            "remoteMovie": remote_movie(movie),
            "release": {
                "quality": q.quality.name,
                "qualityVersion": q.revision.version,
                "releaseGroup": r.parsed.release_group,
                "releaseTitle": r.title,
                "indexer": r.indexer,
                "size": r.size,
                "customFormatScore": g.score,
                "customFormats": names,
            },
            "downloadClient": "qBittorrent",
            "downloadClientType": "qBittorrent",
            "downloadId": g.download_id,
            "customFormatInfo": {"customFormats": formats, "customFormatScore": g.score},
        })),
    );
    event(EventKind::Grab, movie, body)
}

/// `Download`: a finished download was imported; `replaced` is the file it upgraded.
pub fn download(
    movie: &Movie,
    tags: &[String],
    file: &MovieFile,
    download_id: &str,
    source_title: &str,
    replaced: Option<&MovieFile>,
) -> Event {
    let mut m = object(json!({
        "movie": movie_json(movie, tags),
        "remoteMovie": remote_movie(movie),
        "movieFile": movie_file(movie, file),
        "release": {"releaseTitle": source_title, "size": file.size},
        "isUpgrade": replaced.is_some(),
        "downloadClient": "qBittorrent",
        "downloadClientType": "qBittorrent",
        "downloadId": download_id,
    }));
    if let Some(old) = replaced {
        m.insert("deletedFiles".into(), json!([movie_file(movie, old)]));
    }
    let kind = if replaced.is_some() {
        EventKind::Upgrade
    } else {
        EventKind::Download
    };
    event(kind, movie, payload("Download", m))
}

/// `MovieAdded`: a movie joined the library (`addMethod` is always `manual` here: reelarr has
/// no import lists).
pub fn movie_added(movie: &Movie, tags: &[String]) -> Event {
    let body = payload(
        "MovieAdded",
        object(json!({"movie": movie_json(movie, tags), "addMethod": "manual"})),
    );
    event(EventKind::MovieAdded, movie, body)
}

/// `MovieDelete`: a movie left the library; `deleted_files` when its folder went too.
pub fn movie_delete(movie: &Movie, tags: &[String], deleted_files: bool) -> Event {
    let mut m = object(json!({"movie": movie_json(movie, tags), "deletedFiles": deleted_files}));
    if let (true, Some(f)) = (deleted_files, &movie.file) {
        m.insert("movieFolderSize".into(), json!(f.size));
    }
    event(EventKind::MovieDelete, movie, payload("MovieDelete", m))
}

/// `MovieFileDelete`: a movie's file was deleted, for `reason` (Radarr's
/// `DeleteMediaFileReason`: `manual`, `upgrade`, ...).
pub fn movie_file_delete(movie: &Movie, tags: &[String], file: &MovieFile, reason: &str) -> Event {
    let kind = if reason == "upgrade" {
        EventKind::MovieFileDeleteForUpgrade
    } else {
        EventKind::MovieFileDelete
    };
    let body = payload(
        "MovieFileDelete",
        object(json!({
            "movie": movie_json(movie, tags),
            "movieFile": movie_file(movie, file),
            "deleteReason": reason,
        })),
    );
    event(kind, movie, body)
}

/// `Health` / `HealthRestored`: a health check (`source`, Radarr's check name) failed or
/// recovered; `level` is `error` or `warning`.
pub fn health_event(restored: bool, level: &str, source: &str, message: &str) -> Event {
    let (kind, event_type) = if restored {
        (EventKind::HealthRestored, "HealthRestored")
    } else {
        (EventKind::HealthIssue, "Health")
    };
    let body = payload(
        event_type,
        object(json!({
            "level": level,
            "message": message,
            "type": source,
            "wikiUrl": "https://wiki.servarr.com/radarr/system#health",
        })),
    );
    Event {
        kind,
        body,
        movie_tags: None,
        warning: level == "warning",
    }
}

/// `Test`: Radarr's fixed sample, sent by `POST /api/v3/notification/test`.
pub fn test() -> Value {
    payload(
        "Test",
        object(json!({
            "movie": {
                "id": 1,
                "title": "Test Title",
                "year": 1970,
                "releaseDate": "1970-01-01",
                "folderPath": "C:\\testpath",
                "tmdbId": 0,
                "imdbId": "",
                "tags": ["test-tag"],
            },
            "remoteMovie": {"tmdbId": 1234, "imdbId": "5678", "title": "Test title", "year": 1970},
            "release": {
                "quality": "Test Quality",
                "qualityVersion": 1,
                "releaseGroup": "Test Group",
                "releaseTitle": "Test Title",
                "indexer": "Test Indexer",
                "size": 9999999,
                "customFormatScore": 0,
            },
        })),
    )
}
