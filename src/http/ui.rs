//! The web UI, embedded in the binary (no CDN, no files on disk), served with strong ETags,
//! long-lived caching for the versioned vendor files, gzip, and a CSP without inline script.

use flate2::write::GzEncoder;
use rust_embed::RustEmbed;
use std::collections::HashMap;
use std::io::Write;
use std::sync::OnceLock;
use warp::http::{header, HeaderValue, StatusCode};
use warp::{Filter, Rejection, Reply};

#[derive(RustEmbed)]
#[folder = "static/"]
struct Assets;

/// What every UI response carries: scripts, styles and images from this origin only (posters
/// come through our own `/MediaCover` proxy, placeholders may be `data:`), never framed.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                   connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
                   frame-ancestors 'none'";

/// Vendored files carry their package version in the name (scripts/vendor-ui.sh): a name never
/// changes content, so browsers may keep them for a year without asking again.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// One embedded file, prepared once: its strong ETag and, for text, its gzipped bytes.
struct Prepared {
    etag: String,
    mime: &'static str,
    gzip: Option<Vec<u8>>,
}

/// Every embedded file, hashed and compressed at first use (a few ms, once per process).
fn prepared() -> &'static HashMap<String, Prepared> {
    static MAP: OnceLock<HashMap<String, Prepared>> = OnceLock::new();
    MAP.get_or_init(|| {
        Assets::iter()
            .filter_map(|path| {
                let file = Assets::get(&path)?;
                let mime = mime_of(&path);
                let etag = format!("\"{}\"", hex::encode(&file.metadata.sha256_hash()[..16]));
                let gzip = compressible(mime).then(|| gzip(&file.data));
                Some((path.into_owned(), Prepared { etag, mime, gzip }))
            })
            .collect()
    })
}

/// The content type by extension; `.mjs` and `.js` are JavaScript (mime_guess disagrees on .mjs).
fn mime_of(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "html" => "text/html; charset=utf-8",
        "svg" => "image/svg+xml",
        "json" => "application/json",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        _ => "text/plain; charset=utf-8",
    }
}

/// Text compresses well; images and fonts are compressed already.
fn compressible(mime: &str) -> bool {
    mime.starts_with("text/") || mime == "image/svg+xml" || mime == "application/json"
}

/// The gzip of `data` at the best level (done once, so speed does not matter).
fn gzip(data: &[u8]) -> Vec<u8> {
    let mut enc = GzEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(data).expect("writing to a Vec cannot fail");
    enc.finish().expect("writing to a Vec cannot fail")
}

/// The request headers that decide the answer.
#[derive(Default)]
struct Conditions {
    if_none_match: Option<String>,
    accept_encoding: Option<String>,
}

fn conditions() -> impl Filter<Extract = (Conditions,), Error = std::convert::Infallible> + Clone {
    warp::header::optional::<String>("if-none-match")
        .and(warp::header::optional::<String>("accept-encoding"))
        .map(
            |if_none_match: Option<String>, accept_encoding: Option<String>| Conditions {
                if_none_match,
                accept_encoding,
            },
        )
        .or(warp::any().map(Conditions::default))
        .unify()
}

/// `GET /` (the app frame), `GET /login` (the login page) and `GET /static/<file>`.
pub fn routes() -> impl Filter<Extract = (warp::reply::Response,), Error = Rejection> + Clone {
    let index = warp::path::end()
        .and(warp::get())
        .and(conditions())
        .map(|c: Conditions| serve("index.html", &c));
    let login = warp::path!("login")
        .and(warp::get())
        .and(conditions())
        .map(|c: Conditions| serve("login.html", &c));
    let assets = warp::path("static")
        .and(warp::path::tail())
        .and(warp::get())
        .and(conditions())
        .and_then(|tail: warp::path::Tail, c: Conditions| async move {
            if prepared().contains_key(tail.as_str()) {
                Ok(serve(tail.as_str(), &c))
            } else {
                Err(warp::reject::not_found())
            }
        });
    index.or(login).unify().or(assets).unify()
}

/// Whether the client lists gzip with a non-zero quality.
fn accepts_gzip(accept: Option<&str>) -> bool {
    accept.is_some_and(|a| {
        a.split(',').any(|part| {
            let mut it = part.split(';').map(str::trim);
            let coding = it.next().unwrap_or("");
            let zero = it.any(|p| {
                p.strip_prefix("q=")
                    .and_then(|q| q.trim().parse::<f32>().ok())
                    .is_some_and(|q| q == 0.0)
            });
            (coding.eq_ignore_ascii_case("gzip") || coding == "*") && !zero
        })
    })
}

/// Whether an `If-None-Match` list names `etag` (either representation, or `*`).
fn matches(if_none_match: Option<&str>, etag: &str) -> bool {
    let bare = etag.trim_matches('"');
    if_none_match.is_some_and(|v| {
        v.split(',').map(str::trim).any(|t| {
            let t = t.trim_start_matches("W/").trim_matches('"');
            t == "*" || t == bare || t.strip_suffix("-gz") == Some(bare)
        })
    })
}

fn serve(path: &str, c: &Conditions) -> warp::reply::Response {
    let (Some(file), Some(prep)) = (Assets::get(path), prepared().get(path)) else {
        return warp::reply::with_status("missing asset", StatusCode::NOT_FOUND).into_response();
    };
    let gz = prep
        .gzip
        .as_ref()
        .filter(|_| accepts_gzip(c.accept_encoding.as_deref()));
    // Each representation has its own strong tag; the gzip one is the plain one plus "-gz".
    let etag = match gz {
        Some(_) => format!("{}-gz\"", prep.etag.trim_end_matches('"')),
        None => prep.etag.clone(),
    };
    let mut r = if matches(c.if_none_match.as_deref(), &prep.etag) {
        let mut r = warp::reply::Response::new(Vec::new().into());
        *r.status_mut() = StatusCode::NOT_MODIFIED;
        r
    } else {
        let body = match gz {
            Some(bytes) => bytes.clone(),
            None => file.data.into_owned(),
        };
        let mut r = warp::reply::Response::new(body.into());
        r.headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(prep.mime));
        if gz.is_some() {
            r.headers_mut()
                .insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        }
        r
    };
    let h = r.headers_mut();
    h.insert(
        header::ETAG,
        HeaderValue::from_str(&etag).expect("hex is ascii"),
    );
    h.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    let cache = if path.starts_with("vendor/") {
        IMMUTABLE
    } else {
        "no-cache"
    };
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    h.insert("content-security-policy", HeaderValue::from_static(CSP));
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    h.insert("referrer-policy", HeaderValue::from_static("same-origin"));
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gzip_is_accepted_unless_refused() {
        assert!(accepts_gzip(Some("gzip, deflate, br")));
        assert!(accepts_gzip(Some("br;q=1.0, gzip;q=0.8")));
        assert!(accepts_gzip(Some("*")));
        assert!(!accepts_gzip(Some("gzip;q=0")));
        assert!(!accepts_gzip(Some("identity")));
        assert!(!accepts_gzip(None));
    }

    #[test]
    fn if_none_match_names_either_representation() {
        assert!(matches(Some("\"abc\""), "\"abc\""));
        assert!(matches(Some("\"x\", \"abc-gz\""), "\"abc\""));
        assert!(matches(Some("W/\"abc\""), "\"abc\""));
        assert!(matches(Some("*"), "\"abc\""));
        assert!(!matches(Some("\"abd\""), "\"abc\""));
        assert!(!matches(None, "\"abc\""));
    }

    #[test]
    fn module_scripts_are_javascript() {
        assert_eq!(
            mime_of("vendor/preact-11.2.0.mjs"),
            "text/javascript; charset=utf-8"
        );
        assert_eq!(mime_of("app.js"), "text/javascript; charset=utf-8");
    }
}
