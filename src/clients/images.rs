//! TMDB's image host (`https://image.tmdb.org/t/p/<size>/<file>`), read by the poster proxy.
//! No credentials; a 404 is neutral for the breaker like every other client's, the rest of
//! the classification is [`HttpError`]'s.

use super::http::HttpError;
use std::time::Duration;

/// Service name used in errors, logs and the breaker registry.
pub const SERVICE: &str = "images";

/// Largest image accepted; TMDB's biggest backdrops are a few MB.
pub const MAX_IMAGE_BYTES: usize = 8 * 1024 * 1024;

/// One fetched image.
#[derive(Clone, Debug)]
pub struct Fetched {
    pub bytes: Vec<u8>,
    pub content_type: String,
}

/// Fetches images by size and file name; cheap to clone.
#[derive(Clone, Debug)]
pub struct ImageClient {
    http: reqwest::Client,
    base: String,
    timeout: Duration,
}

impl ImageClient {
    /// `base_url` is TMDB's image root (`https://image.tmdb.org/t/p`, from `TMDB_IMAGE_URL`);
    /// `timeout` bounds each whole request.
    pub fn new(http: reqwest::Client, base_url: &str, timeout: Duration) -> Self {
        ImageClient {
            http,
            base: base_url.trim_end_matches('/').to_string(),
            timeout,
        }
    }

    /// `GET <base>/<size>/<file>`; the caller has checked both are plain names.
    pub async fn fetch(&self, size: &str, file: &str) -> Result<Fetched, HttpError> {
        let resp = self
            .http
            .get(format!("{}/{size}/{file}", self.base))
            .timeout(self.timeout)
            .send()
            .await
            .map_err(|e| HttpError::from_reqwest(SERVICE, e))?;
        if !resp.status().is_success() {
            return Err(HttpError::from_status(SERVICE, &resp));
        }
        let content_type = resp
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("image/jpeg")
            .to_string();
        if !content_type.starts_with("image/") {
            return Err(HttpError::Decode {
                service: SERVICE.into(),
                detail: format!("not an image: {content_type}"),
            });
        }
        let mut bytes = Vec::new();
        let mut resp = resp;
        while let Some(chunk) = resp
            .chunk()
            .await
            .map_err(|e| HttpError::from_reqwest(SERVICE, e))?
        {
            if bytes.len() + chunk.len() > MAX_IMAGE_BYTES {
                return Err(HttpError::Decode {
                    service: SERVICE.into(),
                    detail: format!("image larger than {MAX_IMAGE_BYTES} bytes"),
                });
            }
            bytes.extend_from_slice(&chunk);
        }
        Ok(Fetched {
            bytes,
            content_type,
        })
    }
}
