//! `GET /api/v1/search?title=&year=&imdbId=`: a release search across every enabled indexer.
//! Indexers that are down, rate-limited or out of quota are skipped and named in `warnings`.

use super::auth::require;
use super::error::ApiError;
use super::v3::params::{params, Params};
use super::with_state;
use crate::auth::Principal;
use crate::services::search::SearchQuery;
use crate::state::AppState;
use std::sync::Arc;
use warp::{Filter, Rejection, Reply};

/// The query, each bad value a 400 `invalid_parameter` naming it (`year=abc` used to be a
/// bare `invalid_query`).
fn query(q: &Params) -> Result<SearchQuery, ApiError> {
    let year = match q.int("year")? {
        None => None,
        Some(y) => Some(u16::try_from(y).ok().filter(|y| *y >= 1).ok_or_else(|| {
            ApiError::bad_request(
                "invalid_parameter",
                format!("year must be 1 to 65535, got {y}"),
            )
            .with("parameter", "year")
        })?),
    };
    Ok(SearchQuery {
        imdb_id: q.text("imdbId")?.map(str::to_string),
        title: q.text("title")?.unwrap_or_default().to_string(),
        year,
    })
}

pub fn routes(
    state: Arc<AppState>,
) -> impl Filter<Extract = (warp::reply::Response,), Error = Rejection> + Clone {
    warp::path!("api" / "v1" / "search")
        .and(warp::get())
        .and(require(state.clone()))
        .and(with_state(state))
        .and(params())
        .and_then(|_: Principal, s: Arc<AppState>, q: Params| async move {
            let q = query(&q).map_err(ApiError::reject)?;
            if q.title.is_empty() && q.imdb_id.is_none() {
                return Err(ApiError::bad_request(
                    "missing_query",
                    "give title (and optionally year) or imdbId",
                )
                .reject());
            }
            if let Some(i) = &q.imdb_id {
                let digits = i.trim_start_matches("tt");
                if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
                    return Err(ApiError::bad_request(
                        "invalid_imdb_id",
                        format!("not an IMDb id: {i:?}"),
                    )
                    .reject());
                }
            }
            let result = s.services.search.search(&q).await;
            Ok::<_, Rejection>(warp::reply::json(&result).into_response())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_values_name_their_parameter() {
        let q = query(&Params::parse("title=The+Matrix&YEAR=1999&imdbId=")).unwrap();
        assert_eq!(
            (q.title.as_str(), q.year, q.imdb_id),
            ("The Matrix", Some(1999), None)
        );
        for bad in ["year=abc", "year=0", "year=-1", "year=70000"] {
            let e = query(&Params::parse(bad)).unwrap_err();
            assert_eq!(
                (e.code, e.extra["parameter"].as_str()),
                ("invalid_parameter", Some("year")),
                "{bad}"
            );
        }
    }
}
