//! `GET /api/v3/parse?title=` in Radarr's `ParseResource` shape, backed by the release parser.

use crate::auth::Principal;
use crate::domain::parser::{parse_title, ParsedRelease};
use crate::http::auth::require;
use crate::http::error::ApiError;
use crate::state::AppState;
use serde::Deserialize;
use serde_json::{json, Value};
use std::sync::Arc;
use warp::{Filter, Rejection, Reply};

#[derive(Deserialize)]
struct ParseQuery {
    title: Option<String>,
}

pub fn routes(
    state: Arc<AppState>,
) -> impl Filter<Extract = (warp::reply::Response,), Error = Rejection> + Clone {
    warp::path!("api" / "v3" / "parse")
        .and(warp::get())
        .and(require(state))
        .and(warp::query::<ParseQuery>())
        .and_then(|_: Principal, q: ParseQuery| async move {
            let title = q.title.unwrap_or_default();
            if title.trim().is_empty() {
                return Err(ApiError::bad_request(
                    "missing_title",
                    "the query parameter title is required",
                )
                .reject());
            }
            if title.len() > 1024 {
                return Err(ApiError::bad_request(
                    "title_too_long",
                    "title must be at most 1024 bytes",
                )
                .reject());
            }
            Ok::<_, Rejection>(warp::reply::json(&resource(&title)).into_response())
        })
}

/// Radarr's ParseResource for a release title.
pub fn resource(title: &str) -> Value {
    let p = parse_title(title);
    json!({
        "title": title,
        "parsedMovieInfo": parsed_movie_info(title, &p),
        "languages": p.languages,
        "customFormats": [],
        "customFormatScore": 0,
    })
}

/// Radarr's ParsedMovieInfo.
pub fn parsed_movie_info(title: &str, p: &ParsedRelease) -> Value {
    json!({
        "movieTitles": p.movie_titles,
        "originalTitle": title,
        "releaseTitle": title,
        "simpleReleaseTitle": title,
        "quality": p.quality_model(),
        "languages": p.languages,
        "releaseGroup": p.release_group,
        "releaseHash": p.release_hash.clone().unwrap_or_default(),
        "edition": p.edition.clone().unwrap_or_default(),
        "year": p.year.unwrap_or(0),
        "imdbId": p.imdb_id.clone().unwrap_or_default(),
        "tmdbId": p.tmdb_id.unwrap_or(0),
        "hardcodedSubs": p.hardcoded_subs,
        "movieTitle": p.movie_title,
        "primaryMovieTitle": p.movie_title,
        "extraInfo": {
            "codec": p.codec,
            "hdr": p.hdr,
            "audio": p.audio,
            "is3d": p.is_3d,
        },
    })
}
