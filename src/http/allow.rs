//! The `Allow` header of a 405 answer (RFC 9110 §15.5.6 requires it). The methods come from the
//! OpenAPI document, which `tests/radarr_api/openapi_sync.rs` keeps equal to the routes, so the
//! list is the router's own. A method refused on a path no route knows is a 404, not a 405.

use super::error::ApiError;
use super::openapi::DOCUMENT;
use once_cell::sync::Lazy;
use warp::http::{header, HeaderValue, StatusCode};

/// One documented path template (`/api/v3/movie/{id}` as `["api","v3","movie",None]`) and the
/// methods it answers, upper-case and comma-separated as `Allow` wants them.
struct Template {
    segments: Vec<Option<String>>,
    allow: String,
}

/// The order methods are listed in (HEAD is answered wherever GET is).
const ORDER: [&str; 6] = ["get", "head", "post", "put", "patch", "delete"];

static TEMPLATES: Lazy<Vec<Template>> = Lazy::new(|| {
    let doc: serde_json::Value = serde_json::from_str(DOCUMENT).unwrap_or_default();
    let Some(paths) = doc["paths"].as_object() else {
        return Vec::new();
    };
    paths
        .iter()
        .map(|(path, ops)| {
            let segments = split(path)
                .map(|s| (!s.starts_with('{')).then(|| s.to_string()))
                .collect();
            let has = |m: &str| ops.get(m).is_some() || (m == "head" && ops.get("get").is_some());
            let allow = ORDER
                .iter()
                .filter(|m| has(m))
                .map(|m| m.to_ascii_uppercase())
                .collect::<Vec<_>>()
                .join(", ");
            Template { segments, allow }
        })
        .collect()
});

fn split(path: &str) -> impl Iterator<Item = &str> {
    path.split('/').filter(|s| !s.is_empty())
}

/// The `Allow` value for a request path, `None` when no documented route has that shape. A
/// literal segment wins over a parameter, so `/api/v3/movie/lookup` is not `/api/v3/movie/{id}`.
pub fn allowed(path: &str) -> Option<&'static str> {
    let parts: Vec<&str> = split(path).collect();
    TEMPLATES
        .iter()
        .filter(|t| t.segments.len() == parts.len())
        .filter(|t| {
            t.segments
                .iter()
                .zip(&parts)
                .all(|(seg, part)| seg.as_deref().map_or(true, |s| s == *part))
        })
        .max_by_key(|t| t.segments.iter().filter(|s| s.is_some()).count())
        .map(|t| t.allow.as_str())
}

/// Completes a 405: adds `Allow`, or turns it into a JSON 404 when the path is no route at all.
pub fn complete(path: &str, mut resp: warp::reply::Response) -> warp::reply::Response {
    if resp.status() != StatusCode::METHOD_NOT_ALLOWED || resp.headers().contains_key(header::ALLOW)
    {
        return resp;
    }
    match allowed(path) {
        Some(allow) => {
            resp.headers_mut()
                .insert(header::ALLOW, HeaderValue::from_static(allow));
            resp
        }
        None => {
            ApiError::new(StatusCode::NOT_FOUND, "no_such_route", "no such route").into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::allowed;

    #[test]
    fn allow_lists_the_documented_methods_of_the_matching_template() {
        assert_eq!(allowed("/api/v3/tag/7"), Some("GET, HEAD, PUT, DELETE"));
        assert_eq!(allowed("/api/v3/movie/lookup"), Some("GET, HEAD"));
        assert_eq!(allowed("/api/v3/movie"), Some("GET, HEAD, POST, PUT"));
        assert_eq!(allowed("/logout"), Some("POST"));
        assert_eq!(allowed("/"), Some("GET, HEAD"));
        assert_eq!(allowed("/api/v3/nothing-here"), None);
        assert_eq!(allowed("/api/v3/tag/7/extra"), None);
    }
}
