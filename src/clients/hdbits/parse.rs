//! HDBits' JSON answer: the `{status, message, data}` envelope and the torrent objects,
//! decoded leniently (numbers may arrive as strings, fields may be missing) and mapped to
//! [`Release`]s with HDBits' own codec/medium classification applied.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer};
use serde_json::Value;

use super::SERVICE;
use crate::clients::http::HttpError;
use crate::clients::release::{normalize_info_hash, Release};
use crate::config::Secret;
use crate::domain::parser::{apply_hdbits_hints, parse_title};

/// Accepts a JSON number, a numeric string or null/missing (as `None`).
fn lenient_u64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    Ok(match Option::<Value>::deserialize(d)? {
        Some(Value::Number(n)) => n.as_u64(),
        Some(Value::String(s)) => s.trim().parse().ok(),
        _ => None,
    })
}

fn lenient_u32<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    Ok(lenient_u64(d)?.map(|v| v.min(u64::from(u32::MAX)) as u32))
}

/// `id` is documented as "a string or a number".
fn id_string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Number(n) => n.to_string(),
        Value::String(s) => s,
        _ => String::new(),
    })
}

/// The IMDb block of a torrent.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct HdbitsImdb {
    /// Numeric IMDb id (no `tt`).
    #[serde(default, deserialize_with = "lenient_u64")]
    pub id: Option<u64>,
}

/// One torrent as HDBits describes it.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct HdbitsTorrent {
    /// Torrent id (number or string in the API; kept as text).
    #[serde(default, deserialize_with = "id_string")]
    pub id: String,
    /// Info-hash (uppercase hex).
    #[serde(default)]
    pub hash: Option<String>,
    /// Release name.
    #[serde(default)]
    pub name: String,
    /// Seeders.
    #[serde(default, deserialize_with = "lenient_u32")]
    pub seeders: Option<u32>,
    /// Leechers.
    #[serde(default, deserialize_with = "lenient_u32")]
    pub leechers: Option<u32>,
    /// Size in bytes.
    #[serde(default, deserialize_with = "lenient_u64")]
    pub size: Option<u64>,
    /// Upload time, Unix seconds.
    #[serde(default, deserialize_with = "lenient_u64")]
    pub utadded: Option<u64>,
    /// Upload time, `2015-04-04T20:30:46+0000`.
    #[serde(default)]
    pub added: Option<String>,
    /// `yes` / `no`.
    #[serde(default)]
    pub freeleech: Option<String>,
    /// 1 movie, 2 TV, …
    #[serde(default, deserialize_with = "lenient_u32")]
    pub type_category: Option<u32>,
    /// 1 H.264, 2 MPEG-2, 3 VC-1, 4 XviD, 5 HEVC.
    #[serde(default, deserialize_with = "lenient_u32")]
    pub type_codec: Option<u32>,
    /// 1 Blu-ray, 3 Encode, 4 Capture, 5 Remux, 6 WEB-DL.
    #[serde(default, deserialize_with = "lenient_u32")]
    pub type_medium: Option<u32>,
    /// 1 internal.
    #[serde(default, deserialize_with = "lenient_u32")]
    pub type_origin: Option<u32>,
    /// IMDb link.
    #[serde(default)]
    pub imdb: Option<HdbitsImdb>,
}

#[derive(Deserialize)]
struct Envelope {
    #[serde(default, deserialize_with = "lenient_u64")]
    status: Option<u64>,
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    data: Option<Value>,
}

fn decode_err(detail: impl Into<String>) -> HttpError {
    HttpError::Decode {
        service: SERVICE.to_string(),
        detail: detail.into(),
    }
}

/// Decodes a `/api/torrents` answer. A non-zero `status` is `HttpError::Api` (`auth` for 4
/// "auth data missing" and 5 "auth failed"); a body that is not the envelope is `Decode`.
/// Torrents that cannot be read (no id or name) are skipped, not fatal. Never panics.
pub fn parse_response(body: &[u8]) -> Result<Vec<HdbitsTorrent>, HttpError> {
    let env: Envelope = serde_json::from_slice(body).map_err(|e| decode_err(e.to_string()))?;
    let status = env
        .status
        .ok_or_else(|| decode_err("answer without a status"))?;
    if status != 0 {
        let message = env.message.unwrap_or_default();
        return Err(HttpError::Api {
            service: SERVICE.to_string(),
            message: format!("API status {status}: {}", message.trim()),
            auth: matches!(status, 4 | 5),
        });
    }
    let items = match env.data {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items,
        Some(_) => return Err(decode_err("`data` is not a list")),
    };
    Ok(items
        .into_iter()
        .filter_map(|v| serde_json::from_value::<HdbitsTorrent>(v).ok())
        .filter(|t| !t.id.is_empty() && !t.name.trim().is_empty())
        .collect())
}

impl HdbitsTorrent {
    /// Builds the release: parsed title with HDBits' codec/medium hints applied, download URL
    /// (with the passkey) as a [`Secret`]. `site` is the site root (`https://hdbits.org`).
    /// `None` when the id is not a plain token (it ends up in URLs).
    pub fn into_release(self, site: &str, passkey: &Secret) -> Option<Release> {
        let id = self.id.trim();
        if id.is_empty() || !id.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return None;
        }
        let name = self.name.trim().to_string();
        let mut parsed = parse_title(&name);
        apply_hdbits_hints(&mut parsed, self.type_codec, self.type_medium);
        let publish_date = self
            .utadded
            .and_then(|s| i64::try_from(s).ok())
            .and_then(|s| DateTime::from_timestamp(s, 0))
            .or_else(|| {
                self.added.as_deref().and_then(|a| {
                    DateTime::parse_from_str(a.trim(), "%Y-%m-%dT%H:%M:%S%z")
                        .ok()
                        .map(|d| d.with_timezone(&Utc))
                })
            });
        let freeleech = self
            .freeleech
            .as_deref()
            .is_some_and(|f| f.eq_ignore_ascii_case("yes"));
        Some(Release {
            guid: format!("HDBits-{id}"),
            indexer: super::DISPLAY_NAME.to_string(),
            size: self.size.unwrap_or(0),
            seeders: self.seeders,
            leechers: self.leechers,
            info_hash: self.hash.as_deref().and_then(normalize_info_hash),
            magnet: None,
            download_url: Some(Secret::new(format!(
                "{site}/download.php?id={id}&passkey={}",
                passkey.expose()
            ))),
            info_url: Some(format!("{site}/details.php?id={id}")),
            publish_date,
            imdb_id: self
                .imdb
                .and_then(|i| i.id)
                .filter(|i| *i > 0)
                .map(|i| format!("tt{i:07}")),
            categories: self.type_category.into_iter().collect(),
            parsed,
            download_volume_factor: if freeleech { 0.0 } else { 1.0 },
            freeleech,
            protocol: "torrent",
            title: name,
        })
    }
}
