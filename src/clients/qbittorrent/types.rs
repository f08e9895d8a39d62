//! Request and response types of the qBittorrent client.

use std::fmt;

use serde::{Deserialize, Deserializer};

use crate::config::Secret;

/// What to hand qBittorrent; the three ways a release can reach a download client.
#[derive(Clone, PartialEq, Eq)]
pub enum AddSource {
    /// A magnet link (its trackers may carry a passkey, so `Debug` shows only the hash).
    Magnet(String),
    /// A URL qBittorrent downloads the .torrent from (usually carries a passkey).
    Url(Secret),
    /// The .torrent file itself, uploaded as multipart.
    TorrentFile {
        /// File name sent with the upload.
        name: String,
        /// The raw .torrent bytes.
        bytes: Vec<u8>,
    },
}

impl fmt::Debug for AddSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AddSource::Magnet(m) => {
                let hash = super::magnet_info_hash(m).unwrap_or_else(|| "?".into());
                write!(f, "Magnet(btih:{hash})")
            }
            AddSource::Url(_) => f.write_str("Url([redacted])"),
            AddSource::TorrentFile { name, bytes } => {
                write!(f, "TorrentFile({name:?}, {} bytes)", bytes.len())
            }
        }
    }
}

/// One `torrents/add` call: the source plus the options reelarr sets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AddRequest {
    /// Magnet, URL or file.
    pub source: AddSource,
    /// qBittorrent category (created by qBittorrent on first use); how we find our torrents.
    pub category: Option<String>,
    /// Tags to set on the torrent.
    pub tags: Vec<String>,
    /// Save path; `None` uses the category's / qBittorrent's default.
    pub save_path: Option<String>,
    /// Add in paused state.
    pub paused: bool,
}

/// qBittorrent's answer to an add: `Ok.` or `Fails.` (duplicate, bad URL, nothing to add).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AddOutcome {
    /// `Ok.`: qBittorrent accepted the torrent.
    Added,
    /// `Fails.`: refused without detail; the caller checks whether the torrent is present.
    Rejected,
}

/// One row of `torrents/info`, with the fields reelarr uses; missing fields default.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct TorrentInfo {
    /// Lowercase hex info-hash.
    pub hash: String,
    /// Display name.
    pub name: String,
    /// qBittorrent state string (`downloading`, `stalledDL`, `pausedUP`, `metaDL`, ...).
    pub state: String,
    /// Progress in 0..=1.
    pub progress: f64,
    /// Selected size in bytes.
    pub size: i64,
    /// Bytes still to download.
    pub amount_left: i64,
    /// Seconds to completion; 8640000 means "unknown".
    pub eta: i64,
    /// Download speed in bytes/s.
    pub dlspeed: i64,
    /// Where the data is saved.
    pub save_path: String,
    /// Path of the content (file or root folder).
    pub content_path: String,
    /// Category name ("" for none).
    pub category: String,
    /// Tags (qBittorrent sends them comma-separated).
    #[serde(deserialize_with = "comma_list")]
    pub tags: Vec<String>,
    /// Unix time the torrent was added.
    pub added_on: i64,
    /// Unix time the download completed (<= 0 when not yet).
    pub completion_on: i64,
}

fn comma_list<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Tags {
        Text(String),
        List(Vec<String>),
    }
    Ok(match Option::<Tags>::deserialize(d)? {
        Some(Tags::Text(s)) => s
            .split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(String::from)
            .collect(),
        Some(Tags::List(v)) => v,
        None => Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn torrent_info_parses_qbittorrent_json() {
        let json = r#"[{"hash":"abc","name":"n","state":"metaDL","progress":0.5,"size":10,
            "amount_left":5,"eta":8640000,"dlspeed":0,"save_path":"/d","content_path":"/d/n",
            "category":"reelarr","tags":"a, b","added_on":1,"completion_on":-1,"extra":true}]"#;
        let v: Vec<TorrentInfo> = serde_json::from_str(json).unwrap();
        assert_eq!(v[0].tags, vec!["a".to_string(), "b".to_string()]);
        assert_eq!(v[0].state, "metaDL");
        let v: Vec<TorrentInfo> = serde_json::from_str(r#"[{"hash":"x","tags":""}]"#).unwrap();
        assert!(v[0].tags.is_empty());
    }

    #[test]
    fn debug_hides_urls_and_magnet_trackers() {
        let url = AddSource::Url(Secret::new("https://t/dl?passkey=SECRETKEY"));
        assert!(!format!("{url:?}").contains("SECRETKEY"));
        let m = AddSource::Magnet(
            "magnet:?xt=urn:btih:c12fe1c06bba254a9dc9f519b335aa7c1367a88a&tr=http://t/PASSKEY"
                .into(),
        );
        let shown = format!("{m:?}");
        assert!(
            !shown.contains("PASSKEY") && shown.contains("c12fe1c0"),
            "{shown}"
        );
    }
}
