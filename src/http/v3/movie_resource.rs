//! Radarr's `MovieResource` JSON from TMDB metadata (and the library record, when the movie is in
//! the library). Shared by lookup and the movie endpoints.

use crate::domain::movie::{Movie, MovieFile};
use serde_json::{json, Value};

/// Radarr's URL slug: lower-case words joined by '-', plus the TMDB id.
fn title_slug(title: &str, tmdb_id: i64) -> String {
    let words: Vec<String> = title
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    format!("{}-{tmdb_id}", words.join("-"))
}

/// Radarr's clean title: lower-case letters and digits only.
fn clean_title(title: &str) -> String {
    title
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Like Radarr, `url` points at reelarr's own poster proxy (the page never loads TMDB's host
/// itself): `/MediaCover/{id}/poster.jpg` for a library movie, `/MediaCoverProxy/{file}` for a
/// lookup result.
fn cover_url(image: &Value, lib: Option<&Movie>) -> Value {
    let remote = image["remoteUrl"].as_str().unwrap_or_default();
    match (lib, image["coverType"].as_str()) {
        (Some(m), Some(kind)) => json!(format!("/MediaCover/{}/{kind}.jpg", m.id)),
        _ => match remote.rsplit_once('/') {
            Some((_, file)) if !file.is_empty() => json!(format!("/MediaCoverProxy/{file}")),
            _ => json!(remote),
        },
    }
}

/// `info` is `MovieInfo` serialized (camelCase); `lib` the library record if any.
pub fn movie_resource(info: &Value, lib: Option<&Movie>) -> Value {
    let title = info["title"].as_str().unwrap_or_default();
    let tmdb_id = info["tmdbId"].as_i64().unwrap_or(0);
    let year = info["year"].as_i64().unwrap_or(0);
    let images: Vec<Value> = info["images"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|i| json!({"coverType": i["coverType"], "url": cover_url(i, lib), "remoteUrl": i["remoteUrl"]}))
                .collect()
        })
        .unwrap_or_default();
    let alt: Vec<Value> = info["alternativeTitles"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|t| {
                    let s = t["title"].as_str().unwrap_or_default();
                    json!({"sourceType": "tmdb", "title": s, "cleanTitle": clean_title(s)})
                })
                .collect()
        })
        .unwrap_or_default();
    let poster = images
        .iter()
        .find(|i| i["coverType"] == "poster")
        .map(|i| i["remoteUrl"].clone())
        .unwrap_or(Value::Null);
    let folder = format!("{title} ({year})");
    let mut v = json!({
        "title": title,
        "originalTitle": info["originalTitle"],
        "originalLanguage": {"id": 1, "name": "English"},
        "alternateTitles": alt,
        "sortTitle": info["sortTitle"],
        "sizeOnDisk": 0,
        "status": info["status"],
        "overview": info["overview"],
        "inCinemas": info["inCinemas"],
        "physicalRelease": info["physicalRelease"],
        "digitalRelease": info["digitalRelease"],
        "images": images,
        "website": info["website"].as_str().unwrap_or_default(),
        "remotePoster": poster,
        "year": year,
        "youTubeTrailerId": "",
        "studio": info["studio"].as_str().unwrap_or_default(),
        "qualityProfileId": 0,
        "hasFile": false,
        "monitored": false,
        "minimumAvailability": "released",
        "isAvailable": info["status"] == "released",
        "folderName": folder,
        "folder": folder,
        "runtime": info["runtime"].as_i64().unwrap_or(0),
        "cleanTitle": clean_title(title),
        "imdbId": info["imdbId"].as_str().unwrap_or_default(),
        "tmdbId": tmdb_id,
        "titleSlug": title_slug(title, tmdb_id),
        "certification": info["certification"].as_str().unwrap_or_default(),
        "genres": info["genres"],
        "tags": [],
        "ratings": info["ratings"],
        "popularity": info["popularity"],
    });
    if let Some(m) = lib {
        let o = v.as_object_mut().expect("object");
        o.insert("id".into(), json!(m.id));
        o.insert("path".into(), json!(m.path));
        o.insert("rootFolderPath".into(), json!(m.root_folder_path));
        o.insert("qualityProfileId".into(), json!(m.quality_profile_id));
        o.insert("monitored".into(), json!(m.monitored));
        o.insert("minimumAvailability".into(), json!(m.minimum_availability));
        o.insert("tags".into(), json!(m.tags));
        o.insert("added".into(), json!(m.added.to_rfc3339()));
        o.insert("hasFile".into(), json!(m.file.is_some()));
        if let Some(f) = &m.file {
            o.insert("movieFileId".into(), json!(f.id));
            o.insert("sizeOnDisk".into(), json!(f.size));
            o.insert("movieFile".into(), movie_file_resource(m, f));
        }
    }
    v
}

/// A library movie's resource as JSON bytes: what the full list caches and streams per movie,
/// and what `GET /api/v3/movie/{id}` answers.
pub fn render_movie(m: &Movie) -> Vec<u8> {
    serde_json::to_vec(&movie_resource(&m.metadata.value(), Some(m)))
        .expect("a JSON value always serializes")
}

/// Radarr's `MovieFileResource`, with the fields clients read (`/movie` embeds it,
/// `/moviefile` lists it).
pub fn movie_file_resource(m: &Movie, f: &MovieFile) -> Value {
    let full = std::path::Path::new(&m.path).join(&f.relative_path);
    json!({
        "id": f.id,
        "movieId": m.id,
        "relativePath": f.relative_path,
        "path": full.to_string_lossy(),
        "size": f.size,
        "dateAdded": f.date_added.to_rfc3339(),
        "releaseGroup": f.release_group,
        "edition": f.edition,
        "quality": f.quality,
        "languages": [],
        "customFormats": [],
        "customFormatScore": 0,
        "qualityCutoffNotMet": false,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn slugs_and_clean_titles() {
        assert_eq!(
            super::title_slug("The Matrix: Reloaded", 604),
            "the-matrix-reloaded-604"
        );
        assert_eq!(super::clean_title("Am\u{e9}lie (2001)"), "am\u{e9}lie2001");
    }
}
