//! The web UI, embedded in the binary (no CDN, no files on disk).

use rust_embed::RustEmbed;
use warp::http::{header, StatusCode};
use warp::{Filter, Rejection, Reply};

#[derive(RustEmbed)]
#[folder = "static/"]
struct Assets;

/// `GET /` (the app frame), `GET /login` (the login page) and `GET /static/<file>`.
pub fn routes() -> impl Filter<Extract = (warp::reply::Response,), Error = Rejection> + Clone {
    let index = warp::path::end()
        .and(warp::get())
        .map(|| serve("index.html"));
    let login = warp::path!("login")
        .and(warp::get())
        .map(|| serve("login.html"));
    let assets = warp::path("static")
        .and(warp::path::tail())
        .and(warp::get())
        .and_then(|tail: warp::path::Tail| async move {
            if Assets::get(tail.as_str()).is_some() {
                Ok(serve(tail.as_str()))
            } else {
                Err(warp::reject::not_found())
            }
        });
    index.or(login).unify().or(assets).unify()
}

fn serve(path: &str) -> warp::reply::Response {
    match Assets::get(path) {
        Some(file) => {
            let mime = mime_guess::from_path(path).first_or_octet_stream();
            let mut r = warp::reply::Response::new(file.data.into_owned().into());
            let h = r.headers_mut();
            h.insert(
                header::CONTENT_TYPE,
                header::HeaderValue::from_str(mime.as_ref()).expect("mime is ascii"),
            );
            h.insert(
                header::CACHE_CONTROL,
                header::HeaderValue::from_static("no-cache"),
            );
            h.insert(
                "content-security-policy",
                header::HeaderValue::from_static("default-src 'self'; img-src 'self' data: https://image.tmdb.org; frame-ancestors 'none'"),
            );
            h.insert(
                "x-content-type-options",
                header::HeaderValue::from_static("nosniff"),
            );
            r
        }
        None => warp::reply::with_status("missing asset", StatusCode::NOT_FOUND).into_response(),
    }
}
