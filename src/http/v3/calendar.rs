//! `GET /api/v3/calendar?start=&end=&unmonitored=&tags=`: library movies with a cinema, digital
//! or physical release in `[start, end]`, as Radarr answers it (default range: today 00:00 local
//! time to two days later; monitored movies only unless `unmonitored=true`; ordered by
//! `inCinemas`). Homepage's calendar widget sends plain dates (`2024-05-31`).

use super::movie_resource::movie_resource;
use super::params::{params, Params};
use crate::auth::Principal;
use crate::domain::movie::Tag;
use crate::http::auth::require;
use crate::http::error::ApiError;
use crate::http::with_state;
use crate::state::AppState;
use chrono::{DateTime, Duration, Local, TimeZone, Utc};
use serde_json::Value;
use std::sync::Arc;
use warp::{Filter, Rejection, Reply};

type Resp = warp::reply::Response;

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
        tag_filter(&q, &s.library.tags().await?)?
    };
    let movies = s
        .library
        .calendar(start, end, unmonitored, &wanted_tags)
        .await?;
    let list: Vec<Value> = movies
        .iter()
        .map(|m| movie_resource(&m.metadata.value(), Some(m)))
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
