//! Request bodies: size-limited (also for chunked uploads), content-type checked, and parsed with
//! an error that says what was wrong. Oversized bodies are drained before answering 413 so the
//! client reads the JSON error instead of a reset connection.

use super::error::ApiError;
use crate::config::LiveConfig;
use bytes::{Buf, Bytes, BytesMut};
use futures_util::{Stream, StreamExt};
use serde::de::DeserializeOwned;
use std::time::Duration;
use warp::{Filter, Rejection};

/// How much of an oversized body we read and discard before answering, and for how long.
const DRAIN_CAP: u64 = 256 * 1024 * 1024;
const DRAIN_TIME: Duration = Duration::from_secs(15);

/// The body as bytes, refused with 413 past the configured `server.max_body_bytes`.
pub fn bytes(live: LiveConfig) -> impl Filter<Extract = (Bytes,), Error = Rejection> + Clone {
    warp::body::stream().and_then(move |stream| {
        let limit = live.get().server.max_body_bytes;
        async move { collect(stream, limit).await.map_err(ApiError::reject) }
    })
}

/// A JSON body parsed into `T`. Requires `Content-Type: application/json` (or `+json`): a missing
/// or other type is refused with 415 before the body is parsed, so a cross-site HTML form (which
/// can only send form, multipart or text/plain bodies) never reaches a handler.
pub fn json<T: DeserializeOwned + Send>(
    live: LiveConfig,
) -> impl Filter<Extract = (T,), Error = Rejection> + Clone {
    warp::header::optional::<String>("content-type")
        .and(bytes(live))
        .and_then(|ct: Option<String>, body: Bytes| async move {
            check_json_type(ct.as_deref()).map_err(ApiError::reject)?;
            parse_json(&body).map_err(ApiError::reject)
        })
}

/// The raw body of an endpoint whose body is optional JSON: an empty body passes whatever its
/// content type, any other body (even blanks alone) needs a JSON content type as in [`json`].
pub fn json_or_empty(
    live: LiveConfig,
) -> impl Filter<Extract = (Bytes,), Error = Rejection> + Clone {
    warp::header::optional::<String>("content-type")
        .and(bytes(live))
        .and_then(|ct: Option<String>, body: Bytes| async move {
            if !body.is_empty() {
                check_json_type(ct.as_deref()).map_err(ApiError::reject)?;
            }
            Ok::<_, Rejection>(body)
        })
}

/// The media type of a `Content-Type` value, lower-cased and without parameters ("" when absent).
pub fn media_type(ct: Option<&str>) -> String {
    ct.and_then(|c| c.split(';').next())
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// Rejects a missing or non-JSON content type with 415 (`application/json` or any `+json`).
pub fn check_json_type(ct: Option<&str>) -> Result<(), ApiError> {
    let t = media_type(ct);
    if t == "application/json" || (t.ends_with("+json") && t.contains('/')) {
        Ok(())
    } else {
        Err(ApiError::unsupported_media_type(
            "application/json",
            Some(t.as_str()),
        ))
    }
}

/// Parses JSON, reporting line/column and what was expected.
pub fn parse_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::bad_request(
            "invalid_json",
            "the request body is empty; a JSON document was expected",
        ));
    }
    serde_json::from_slice(body)
        .map_err(|e| ApiError::bad_request("invalid_json", format!("invalid JSON body: {e}")))
}

async fn collect<S, B>(stream: S, limit: u64) -> Result<Bytes, ApiError>
where
    S: Stream<Item = Result<B, warp::Error>> + Send,
    B: Buf,
{
    let mut stream = Box::pin(stream);
    let mut buf = BytesMut::new();
    while let Some(chunk) = stream.next().await {
        let mut chunk = chunk.map_err(|e| {
            ApiError::bad_request(
                "invalid_body",
                format!("could not read the request body: {e}"),
            )
        })?;
        if buf.len() as u64 + chunk.remaining() as u64 > limit {
            drain(stream, buf.len() as u64 + chunk.remaining() as u64).await;
            return Err(ApiError::payload_too_large(limit));
        }
        while chunk.has_remaining() {
            let part = chunk.chunk();
            buf.extend_from_slice(part);
            let n = part.len();
            chunk.advance(n);
        }
    }
    Ok(buf.freeze())
}

/// Reads and discards the rest of a body (bounded in size and time).
async fn drain<S, B>(mut stream: std::pin::Pin<Box<S>>, mut seen: u64)
where
    S: Stream<Item = Result<B, warp::Error>> + Send,
    B: Buf,
{
    let _ = tokio::time::timeout(DRAIN_TIME, async {
        while let Some(Ok(chunk)) = stream.next().await {
            seen += chunk.remaining() as u64;
            if seen > DRAIN_CAP {
                break;
            }
        }
    })
    .await;
}

/// Matches only requests that declare a body larger than the limit, drains it and answers 413.
/// Placed first in the route tree so the answer is the same on every route, known or not.
pub fn oversize_guard(
    live: LiveConfig,
) -> impl Filter<Extract = (warp::reply::Response,), Error = Rejection> + Clone {
    let live2 = live.clone();
    warp::header::optional::<u64>("content-length")
        .and_then(move |len: Option<u64>| {
            let limit = live.get().server.max_body_bytes;
            async move {
                match len {
                    Some(n) if n > limit => Ok(limit),
                    _ => Err(warp::reject::not_found()),
                }
            }
        })
        .and(warp::body::stream())
        .then(move |limit: u64, stream| {
            let _ = &live2;
            async move {
                drain(Box::pin(stream), 0).await;
                ApiError::payload_too_large(limit).into_response()
            }
        })
}
