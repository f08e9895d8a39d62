//! The poster proxy behind Radarr's `/MediaCover/{movieId}/poster.jpg` (and `fanart.jpg`) and
//! `/MediaCoverProxy/{file}` (lookup results, which have no movie id yet): images come from
//! TMDB's image host through the `images` breaker (short call timeout), are kept in a bounded
//! on-disk cache, and when the host is unreachable or the breaker is open the answer is at once
//! a placeholder SVG, so a page never waits on a poster.

mod cache;

pub use cache::DiskCache;

use crate::breaker::CircuitBreaker;
use crate::clients::images::ImageClient;
use crate::domain::movie::Movie;
use std::path::PathBuf;
use std::sync::Arc;

/// What stands in for a poster TMDB cannot give right now: a neutral 2:3 frame with a film
/// strip, in colours that read on light and dark pages.
pub const PLACEHOLDER_SVG: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 300" width="200" height="300"><rect width="200" height="300" fill="#8a8f98"/><rect x="60" y="110" width="80" height="60" rx="6" fill="none" stroke="#eceff3" stroke-width="6"/><circle cx="85" cy="140" r="8" fill="#eceff3"/><circle cx="115" cy="140" r="8" fill="#eceff3"/></svg>"##;

/// Where an answer came from (tests and the `X-Reelarr-Image` header tell them apart).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    Cache,
    Upstream,
    Placeholder,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Cache => "cache",
            Source::Upstream => "upstream",
            Source::Placeholder => "placeholder",
        }
    }
}

/// An image to send.
#[derive(Clone, Debug)]
pub struct Image {
    pub bytes: Vec<u8>,
    pub content_type: &'static str,
    pub source: Source,
}

impl Image {
    fn placeholder() -> Image {
        Image {
            bytes: PLACEHOLDER_SVG.as_bytes().to_vec(),
            content_type: "image/svg+xml",
            source: Source::Placeholder,
        }
    }
}

/// Radarr's cover types the proxy serves, with the TMDB size fetched for each.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CoverType {
    Poster,
    Fanart,
}

impl CoverType {
    /// From Radarr's file names: `poster.jpg`, `poster-500.jpg`, `fanart.jpg`, `fanart-360.jpg`.
    pub fn from_file(file: &str) -> Option<CoverType> {
        let stem = file.strip_suffix(".jpg")?;
        let (kind, size) = stem.split_once('-').unwrap_or((stem, ""));
        if !size.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        match kind {
            "poster" => Some(CoverType::Poster),
            "fanart" => Some(CoverType::Fanart),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            CoverType::Poster => "poster",
            CoverType::Fanart => "fanart",
        }
    }

    /// Large enough for the UI's grid and detail page, far smaller than `original`.
    fn tmdb_size(self) -> &'static str {
        match self {
            CoverType::Poster => "w500",
            CoverType::Fanart => "w1280",
        }
    }
}

/// Whether `file` is a plain TMDB image name (`f89U3ADr1oiB1s9GkdPOEpXUk5H.jpg`): no path, no
/// query, nothing a URL or a file system could read differently.
pub fn valid_file_name(file: &str) -> bool {
    let Some((stem, ext)) = file.rsplit_once('.') else {
        return false;
    };
    (1..=100).contains(&stem.len())
        && stem
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        && matches!(ext, "jpg" | "jpeg" | "png" | "webp")
}

fn content_type_of(file: &str) -> &'static str {
    match file.rsplit('.').next() {
        Some("png") => "image/png",
        Some("webp") => "image/webp",
        _ => "image/jpeg",
    }
}

/// The proxy; cheap to clone.
#[derive(Clone, Debug)]
pub struct ImageService {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    client: ImageClient,
    breaker: Arc<CircuitBreaker>,
    cache: DiskCache,
}

impl ImageService {
    /// Images from `client` through `breaker`, cached in `dir` up to `cap_bytes`.
    pub fn new(
        client: ImageClient,
        breaker: Arc<CircuitBreaker>,
        dir: PathBuf,
        cap_bytes: u64,
    ) -> Self {
        ImageService {
            inner: Arc::new(Inner {
                client,
                breaker,
                cache: DiskCache::new(dir, cap_bytes),
            }),
        }
    }

    /// A library movie's cover; the placeholder when TMDB has none or cannot give it now.
    pub async fn cover(&self, movie: &Movie, kind: CoverType) -> Image {
        let meta = movie.metadata.value();
        let file = meta["images"]
            .as_array()
            .and_then(|images| images.iter().find(|i| i["coverType"] == kind.name()))
            .and_then(|i| i["remoteUrl"].as_str())
            .and_then(|url| url.rsplit('/').next())
            .filter(|f| valid_file_name(f))
            .map(str::to_string);
        match file {
            Some(f) => self.image(kind.tmdb_size(), &f).await,
            None => Image::placeholder(),
        }
    }

    /// A TMDB poster by file name (lookup results); None when the name is not a plain image
    /// name (the caller answers 400).
    pub async fn by_file(&self, file: &str) -> Option<Image> {
        if !valid_file_name(file) {
            return None;
        }
        Some(self.image(CoverType::Poster.tmdb_size(), file).await)
    }

    /// Cache → breaker-guarded fetch (stored on success) → placeholder.
    async fn image(&self, size: &'static str, file: &str) -> Image {
        let key = format!("{size}-{file}");
        let content_type = content_type_of(file);
        let inner = self.inner.clone();
        let k = key.clone();
        let cached = tokio::task::spawn_blocking(move || inner.cache.get(&k))
            .await
            .ok()
            .flatten();
        if let Some(bytes) = cached {
            return Image {
                bytes,
                content_type,
                source: Source::Cache,
            };
        }
        let fetched = self
            .inner
            .breaker
            .call(self.inner.client.fetch(size, file))
            .await;
        match fetched {
            Ok(f) => {
                let inner = self.inner.clone();
                let bytes = f.bytes.clone();
                // Written in the background: the answer does not wait on the disk.
                tokio::task::spawn_blocking(move || inner.cache.put(&key, &bytes));
                Image {
                    bytes: f.bytes,
                    content_type,
                    source: Source::Upstream,
                }
            }
            Err(e) => {
                tracing::debug!(file, error = %e, "poster unavailable, placeholder sent");
                Image::placeholder()
            }
        }
    }

    /// Bytes in the on-disk cache now.
    pub fn cache_size(&self) -> u64 {
        self.inner.cache.size()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cover_files_follow_radarr_names() {
        assert_eq!(CoverType::from_file("poster.jpg"), Some(CoverType::Poster));
        assert_eq!(
            CoverType::from_file("poster-500.jpg"),
            Some(CoverType::Poster)
        );
        assert_eq!(CoverType::from_file("fanart.jpg"), Some(CoverType::Fanart));
        assert_eq!(CoverType::from_file("banner.jpg"), None);
        assert_eq!(CoverType::from_file("poster-x.jpg"), None);
        assert_eq!(CoverType::from_file("poster.png"), None);
    }

    #[test]
    fn only_plain_image_names_are_proxied() {
        assert!(valid_file_name("f89U3ADr1oiB1s9GkdPOEpXUk5H.jpg"));
        assert!(valid_file_name("a_b-c.png"));
        for bad in [
            "", ".jpg", "../x.jpg", "a/b.jpg", "x.svg", "x.jpg?y", "x", "%2e.jpg",
        ] {
            assert!(!valid_file_name(bad), "{bad}");
        }
    }
}
