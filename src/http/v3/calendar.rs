//! `GET /api/v3/calendar?start=&end=&unmonitored=&tags=`: library movies with a cinema, digital
//! or physical release in `[start, end]`, as Radarr answers it (default range: today 00:00 local
//! time to two days later; monitored movies only unless `unmonitored=true`; ordered by
//! `inCinemas`). Homepage's calendar widget sends plain dates (`2024-05-31`).

use super::movie_resource::movie_resource;
use super::params::{params, Params};
use crate::auth::Principal;
use crate::domain::movie::{Movie, Tag};
use crate::http::auth::require;
use crate::http::error::ApiError;
use crate::http::with_state;
use crate::state::AppState;
use chrono::{DateTime, Duration, Local, TimeZone, Utc};
use serde_json::Value;
use std::sync::Arc;
use warp::{Filter, Rejection, Reply};

type Resp = warp::reply::Response;

const RELEASES: [&str; 3] = ["inCinemas", "digitalRelease", "physicalRelease"];

fn date_of(metadata: &Value, field: &str) -> Option<DateTime<Utc>> {
    metadata[field]
        .as_str()
        .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
        .map(|d| d.with_timezone(&Utc))
}

/// Whether any release date of the movie falls in `[start, end]`.
pub fn releases_between(m: &Movie, start: DateTime<Utc>, end: DateTime<Utc>) -> bool {
    RELEASES
        .iter()
        .filter_map(|f| date_of(&m.metadata, f))
        .any(|d| d >= start && d <= end)
}

/// Today 00:00 in the server's time zone, as Radarr's `DateTime.Today`.
fn today() -> DateTime<Utc> {
    let midnight = Local::now()
        .date_naive()
        .and_hms_opt(0, 0, 0)
        .expect("midnight exists");
    Local
        .from_local_datetime(&midnight)
        .earliest()
        .map(|d| d.with_timezone(&Utc))
        .unwrap_or_else(Utc::now)
}

/// `tags` as Radarr reads it: comma-separated tag ids or labels.
fn tag_filter(q: &Params, tags: &[Tag]) -> Result<Vec<i64>, ApiError> {
    q.list("tags")
        .into_iter()
        .map(|t| {
            tags.iter()
                .find(|x| t.parse::<i64>().ok() == Some(x.id) || x.label.eq_ignore_ascii_case(t))
                .map(|x| x.id)
                .ok_or_else(|| {
                    ApiError::bad_request("invalid_parameter", format!("tags: no tag {t:?}"))
                        .with("parameter", "tags")
                })
        })
        .collect()
}

async fn calendar(s: Arc<AppState>, q: Params) -> Result<Resp, Rejection> {
    let start = q.date("start").map_err(ApiError::reject)?;
    let end = q.date("end").map_err(ApiError::reject)?;
    let start = start.unwrap_or_else(today);
    let end = end.unwrap_or_else(|| today() + Duration::days(2));
    if end < start {
        return Err(ApiError::bad_request(
            "invalid_parameter",
            format!(
                "end ({}) is before start ({})",
                end.to_rfc3339(),
                start.to_rfc3339()
            ),
        )
        .with("parameter", "end")
        .reject());
    }
    let unmonitored = q
        .bool("unmonitored")
        .map_err(ApiError::reject)?
        .unwrap_or(false);
    let wanted_tags = if q.list("tags").is_empty() {
        Vec::new()
    } else {
        let tags = s
            .store
            .tags()
            .await
            .map_err(|e| ApiError::from(e).reject())?;
        tag_filter(&q, &tags).map_err(ApiError::reject)?
    };
    let mut movies: Vec<Movie> = s
        .store
        .movies()
        .await
        .map_err(|e| ApiError::from(e).reject())?
        .into_iter()
        .filter(|m| unmonitored || m.monitored)
        .filter(|m| wanted_tags.is_empty() || m.tags.iter().any(|t| wanted_tags.contains(t)))
        .filter(|m| releases_between(m, start, end))
        .collect();
    // Radarr orders by inCinemas, movies without one first.
    movies.sort_by_key(|m| (date_of(&m.metadata, "inCinemas"), m.id));
    let list: Vec<Value> = movies
        .iter()
        .map(|m| movie_resource(&m.metadata, Some(m)))
        .collect();
    Ok(warp::reply::json(&list).into_response())
}

pub fn routes(state: Arc<AppState>) -> impl Filter<Extract = (Resp,), Error = Rejection> + Clone {
    warp::path!("api" / "v3" / "calendar")
        .and(warp::get())
        .and(require(state.clone()))
        .and(with_state(state))
        .and(params())
        .and_then(|_: Principal, s: Arc<AppState>, q: Params| calendar(s, q))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn any_release_in_range_counts() {
        let mut m: Movie = serde_json::from_value(json!({
            "id": 1, "tmdb_id": 1, "imdb_id": null, "title": "x", "year": 2024,
            "monitored": true, "minimum_availability": "released", "quality_profile_id": 1,
            "root_folder_path": "/m", "path": "/m/x", "tags": [], "added": "2024-01-01T00:00:00Z",
            "metadata": {"inCinemas": "2024-03-01T00:00:00Z", "digitalRelease": "2024-06-01T00:00:00Z"},
            "last_info_sync": null, "file": null
        }))
        .unwrap();
        let d = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
        assert!(releases_between(
            &m,
            d("2024-05-31T00:00:00Z"),
            d("2024-06-01T00:00:00Z")
        ));
        assert!(releases_between(
            &m,
            d("2024-03-01T00:00:00Z"),
            d("2024-03-01T00:00:00Z")
        ));
        assert!(!releases_between(
            &m,
            d("2024-03-02T00:00:00Z"),
            d("2024-05-31T00:00:00Z")
        ));
        m.metadata = json!({});
        assert!(!releases_between(
            &m,
            d("2000-01-01T00:00:00Z"),
            d("2100-01-01T00:00:00Z")
        ));
    }
}
