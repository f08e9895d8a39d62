//! A torrent release as an indexer reports it, shared by every indexer client (HDBits,
//! Torznab) so the search service can merge, deduplicate and rank them in one list.
//!
//! Why a shared type: the decision engine and the `/api/v3/release` endpoint must not care
//! where a release came from. Credentials embedded in download URLs (HDBits passkey, Torznab
//! apikey) live only in a [`Secret`] that is never serialized.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::config::Secret;
use crate::domain::parser::ParsedRelease;

/// One release found by an indexer. Serializes without any secret (the download URL is
/// skipped), so it can go straight into API output.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Release {
    /// Indexer-unique id (HDBits: `hdbits:<id>`; Torznab: the item's `guid`, redacted if it
    /// ever contained the apikey).
    pub guid: String,
    /// Display name of the indexer that found it (`HDBits`, or the Torznab indexer's name).
    pub indexer: String,
    /// Release name as published.
    pub title: String,
    /// Total size in bytes (0 when the indexer did not say).
    pub size: u64,
    /// Seeders, when reported.
    pub seeders: Option<u32>,
    /// Leechers (peers minus seeders for Torznab), when reported.
    pub leechers: Option<u32>,
    /// BitTorrent v1 info-hash as 40 lowercase hex digits; the deduplication key.
    pub info_hash: Option<String>,
    /// Magnet URI (never carries a credential).
    pub magnet: Option<String>,
    /// The `.torrent` download URL; it embeds the passkey/apikey, so it is never serialized
    /// or printed (see [`Release::download_url_redacted`]).
    #[serde(skip)]
    pub download_url: Option<Secret>,
    /// Details page on the indexer, when known (credential-free).
    pub info_url: Option<String>,
    /// When the release was published.
    pub publish_date: Option<DateTime<Utc>>,
    /// IMDb id (`tt0133093`) the indexer associates with the release.
    pub imdb_id: Option<String>,
    /// Indexer categories (Newznab numbering for Torznab, HDBits' own for HDBits).
    pub categories: Vec<u32>,
    /// What the title parser (plus HDBits' hints) makes of the name.
    pub parsed: ParsedRelease,
    /// Download volume factor: 1.0 normal, 0.0 freeleech, 0.5 half-leech.
    pub download_volume_factor: f64,
    /// Whether downloading does not count against the ratio.
    pub freeleech: bool,
    /// Always `torrent`; kept as a field because Radarr's release resource has it.
    pub protocol: &'static str,
}

impl Release {
    /// The download URL with every credential-looking query value replaced, for logs and UIs.
    pub fn download_url_redacted(&self) -> Option<String> {
        self.download_url
            .as_ref()
            .map(|url| redact_url(url.expose(), Some(url)))
    }
}

/// Query keys whose values are credentials in indexer URLs.
const SECRET_KEYS: [&str; 9] = [
    "passkey",
    "apikey",
    "api_key",
    "jackett_apikey",
    "torrent_pass",
    "authkey",
    "rsskey",
    "token",
    "key",
];

/// Replaces credential query values (`passkey=…`, `apikey=…`) and any occurrence of `secret`
/// with `[redacted]`; exists so a URL can be shown or logged safely.
pub fn redact_url(url: &str, secret: Option<&Secret>) -> String {
    let mut out = match url.split_once('?') {
        Some((head, query)) => {
            let pairs: Vec<String> = query
                .split('&')
                .map(|pair| match pair.split_once('=') {
                    Some((k, _)) if SECRET_KEYS.contains(&k.to_ascii_lowercase().as_str()) => {
                        format!("{k}=[redacted]")
                    }
                    _ => pair.to_string(),
                })
                .collect();
            format!("{head}?{}", pairs.join("&"))
        }
        None => url.to_string(),
    };
    if let Some(s) = secret.filter(|s| !s.is_empty()) {
        out = out.replace(s.expose(), "[redacted]");
    }
    out
}

/// Removes `secret` from an arbitrary indexer-supplied string (guid, error message), so a
/// misbehaving indexer cannot make us echo our own credential.
pub fn scrub(text: &str, secret: &Secret) -> String {
    if secret.is_empty() || !text.contains(secret.expose()) {
        text.to_string()
    } else {
        text.replace(secret.expose(), "[redacted]")
    }
}

/// One implementation of info-hash parsing serves indexers and the download client alike.
pub use crate::clients::qbittorrent::{
    magnet_info_hash as info_hash_from_magnet, normalize_info_hash,
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::parser::parse_title;

    #[test]
    fn redacts_credentials_in_urls() {
        let s = Secret::new("abcdef123");
        let url = "https://hdbits.org/download.php?id=1&passkey=abcdef123";
        let r = redact_url(url, Some(&s));
        assert_eq!(r, "https://hdbits.org/download.php?id=1&passkey=[redacted]");
        let r = redact_url("http://j/dl?jackett_apikey=zz&path=x", None);
        assert!(!r.contains("zz") && r.contains("path=x"));
        assert_eq!(scrub("a abcdef123 b", &s), "a [redacted] b");
    }

    #[test]
    fn info_hashes_are_normalized() {
        let hex = "EABC0123456789ABCDEF0123456789ABCDEF0123";
        assert_eq!(
            normalize_info_hash(hex).as_deref(),
            Some("eabc0123456789abcdef0123456789abcdef0123")
        );
        assert_eq!(normalize_info_hash("xyz"), None);
        // base32 of 20 zero bytes
        assert_eq!(
            normalize_info_hash(&"A".repeat(32)).as_deref(),
            Some("0000000000000000000000000000000000000000")
        );
        let m = format!("magnet:?xt=urn:btih:{hex}&dn=x");
        assert_eq!(info_hash_from_magnet(&m), normalize_info_hash(hex));
    }

    #[test]
    fn serialization_has_no_download_url() {
        let r = Release {
            guid: "g".into(),
            indexer: "x".into(),
            title: "Movie.2019.1080p.BluRay.x264-GRP".into(),
            size: 1,
            seeders: None,
            leechers: None,
            info_hash: None,
            magnet: None,
            download_url: Some(Secret::new("http://x/?passkey=TOPSECRET")),
            info_url: None,
            publish_date: None,
            imdb_id: None,
            categories: vec![],
            parsed: parse_title("Movie.2019.1080p.BluRay.x264-GRP"),
            download_volume_factor: 1.0,
            freeleech: false,
            protocol: "torrent",
        };
        let json = serde_json::to_string(&r).unwrap_or_default();
        assert!(json.contains("\"guid\":\"g\""));
        assert!(!json.contains("TOPSECRET"));
        assert!(!format!("{r:?}").contains("TOPSECRET"));
        assert_eq!(
            r.download_url_redacted().as_deref(),
            Some("http://x/?passkey=[redacted]")
        );
    }
}
