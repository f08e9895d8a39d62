//! Radarr's cover URLs, served by the poster proxy (`services::images`):
//! `GET /MediaCover/{movieId}/{poster|fanart}[-size].jpg` for library movies and
//! `GET /MediaCoverProxy/{file}` for lookup results. Always an image at once: the poster, or a
//! placeholder SVG (never cached by the browser) when TMDB's image host cannot give it now.

use super::auth::require;
use super::error::ApiError;
use super::with_state;
use crate::auth::Principal;
use crate::services::images::{CoverType, Image, Source};
use crate::state::AppState;
use std::sync::Arc;
use warp::http::{header, HeaderValue, StatusCode};
use warp::{Filter, Rejection, Reply};

type Resp = warp::reply::Response;

/// The two cover routes (session or API key, like every other route).
pub fn routes(state: Arc<AppState>) -> impl Filter<Extract = (Resp,), Error = Rejection> + Clone {
    let auth = move || require(state.clone()).and(with_state(state.clone()));
    let cover = warp::path!("MediaCover" / String / String)
        .and(warp::get())
        .and(auth())
        .and_then(
            |id: String, file: String, _: Principal, s: Arc<AppState>| async move {
                let id: i64 = id.parse().map_err(|_| {
                    ApiError::bad_request("invalid_id", format!("not a movie id: {id}")).reject()
                })?;
                let kind = CoverType::from_file(&file)
                    .ok_or_else(|| ApiError::not_found(format!("no cover {file}")).reject())?;
                let movie = s.library.movie(id).await?;
                Ok::<_, Rejection>(image(s.services.images.cover(&movie, kind).await))
            },
        );
    let proxy = warp::path!("MediaCoverProxy" / String)
        .and(warp::get())
        .and(auth())
        .and_then(|file: String, _: Principal, s: Arc<AppState>| async move {
            let found = s.services.images.by_file(&file).await.ok_or_else(|| {
                ApiError::bad_request("invalid_image", "not a TMDB image file name").reject()
            })?;
            Ok::<_, Rejection>(image(found))
        });
    cover.or(proxy).unify()
}

/// The image with its type; a real one may be kept a day, a placeholder not at all (so the
/// poster shows once TMDB is back).
fn image(img: Image) -> Resp {
    let mut r = warp::reply::Response::new(img.bytes.into());
    *r.status_mut() = StatusCode::OK;
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(img.content_type),
    );
    let cache = match img.source {
        Source::Placeholder => "no-store",
        _ => "private, max-age=86400",
    };
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    h.insert(
        "x-reelarr-image",
        HeaderValue::from_static(img.source.as_str()),
    );
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    r.into_response()
}
