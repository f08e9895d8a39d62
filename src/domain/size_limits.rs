//! Per-quality size limits, Radarr's "Quality Definitions".
//!
//! Radarr bounds a release's size by quality, in megabytes per minute of
//! runtime, so one table fits a 90-minute comedy and a 3-hour epic alike.
//! The decision engine scales these rates by the movie's runtime to reject
//! fakes (too small) and bloated uploads (too large), and ranks releases by
//! how close they come to the preferred size.  Serialises in the shape of
//! Radarr's `QualityDefinitionResource` so `/api/v3/qualitydefinition` can
//! hand it out as is.

use crate::domain::quality::Quality;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Bytes in one of Radarr's megabytes (it uses binary units throughout).
pub const MEGABYTE: u64 = 1024 * 1024;

/// Upper bound Radarr's UI allows for any rate, in MB per minute.
pub const MAX_RATE: f64 = 2000.0;

/// Size bounds for one quality, in MB per minute of runtime.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct QualitySize {
    /// The catalogue entry these bounds apply to.
    pub quality: &'static Quality,
    /// Smallest acceptable rate (0 = no lower bound).
    pub min: f64,
    /// Rate the ranking prefers; `None` means "bigger is better".
    pub preferred: Option<f64>,
    /// Largest acceptable rate; `None` (or 0) means unlimited.
    pub max: Option<f64>,
}

/// Why a size definition cannot be saved.
#[derive(Debug, Clone, PartialEq)]
pub enum SizeLimitError {
    /// A rate is negative, not a number, or above [`MAX_RATE`].
    OutOfRange {
        /// Quality name, for the message.
        quality: &'static str,
    },
    /// Rates are not ordered min ≤ preferred ≤ max.
    Unordered {
        /// Quality name, for the message.
        quality: &'static str,
    },
}

impl std::fmt::Display for SizeLimitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SizeLimitError::OutOfRange { quality } => write!(
                f,
                "{quality}: sizes must be between 0 and {MAX_RATE} MB per minute"
            ),
            SizeLimitError::Unordered { quality } => write!(
                f,
                "{quality}: minimum size must not exceed preferred size, nor preferred the maximum"
            ),
        }
    }
}

impl std::error::Error for SizeLimitError {}

fn rate_bytes(rate: f64, runtime_minutes: u32) -> u64 {
    // f64 → u64 saturates, so absurd inputs cannot wrap around.
    (rate * MEGABYTE as f64 * f64::from(runtime_minutes)).round() as u64
}

impl QualitySize {
    /// Smallest acceptable size in bytes for a movie of this runtime.
    pub fn min_bytes(&self, runtime_minutes: u32) -> u64 {
        rate_bytes(self.min.max(0.0), runtime_minutes)
    }

    /// Largest acceptable size in bytes, `None` when unlimited.
    pub fn max_bytes(&self, runtime_minutes: u32) -> Option<u64> {
        self.max
            .filter(|m| *m > 0.0)
            .map(|m| rate_bytes(m, runtime_minutes))
    }

    /// The size the ranking aims for, `None` when larger is simply better.
    pub fn preferred_bytes(&self, runtime_minutes: u32) -> Option<u64> {
        self.preferred
            .filter(|p| *p > 0.0)
            .map(|p| rate_bytes(p, runtime_minutes))
    }

    /// Check the rates are sane before a user edit is stored.
    pub fn validate(&self) -> Result<(), SizeLimitError> {
        let quality = self.quality.name;
        let in_range = |v: f64| v.is_finite() && (0.0..=MAX_RATE).contains(&v);
        let rates = [Some(self.min), self.preferred, self.max];
        if !rates.iter().flatten().all(|v| in_range(*v)) {
            return Err(SizeLimitError::OutOfRange { quality });
        }
        let max = self.max.filter(|m| *m > 0.0).unwrap_or(f64::INFINITY);
        let preferred = self.preferred.unwrap_or(self.min.max(0.0));
        if self.min > preferred || preferred > max || self.min > max {
            return Err(SizeLimitError::Unordered { quality });
        }
        Ok(())
    }
}

impl Serialize for QualitySize {
    /// Radarr's `QualityDefinitionResource` shape (without the row id, which
    /// belongs to the store).
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Out<'a> {
            quality: &'a Quality,
            title: &'a str,
            weight: u8,
            min_size: f64,
            max_size: Option<f64>,
            preferred_size: Option<f64>,
        }
        Out {
            quality: self.quality,
            title: self.quality.name,
            weight: self.quality.rank(),
            min_size: self.min,
            max_size: self.max,
            preferred_size: self.preferred,
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for QualitySize {
    /// Accepts a `QualityDefinitionResource`; the quality is resolved by id
    /// (then name) against the catalogue, other fields are ignored.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct RawQuality {
            #[serde(default)]
            id: Option<u32>,
            #[serde(default)]
            name: Option<String>,
        }
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Raw {
            quality: RawQuality,
            #[serde(default)]
            min_size: Option<f64>,
            #[serde(default)]
            max_size: Option<f64>,
            #[serde(default)]
            preferred_size: Option<f64>,
        }
        let raw = Raw::deserialize(d)?;
        let quality = raw
            .quality
            .id
            .and_then(Quality::by_id)
            .or_else(|| raw.quality.name.as_deref().and_then(Quality::by_name))
            .ok_or_else(|| serde::de::Error::custom("unknown quality"))?;
        Ok(QualitySize {
            quality,
            min: raw.min_size.unwrap_or(0.0),
            preferred: raw.preferred_size,
            max: raw.max_size,
        })
    }
}

/// The whole size table the decision engine consults, one row per quality.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SizeLimits {
    entries: Vec<QualitySize>,
}

impl Default for SizeLimits {
    fn default() -> Self {
        Self::radarr_defaults()
    }
}

impl SizeLimits {
    /// What a fresh Radarr install ships: no minimum anywhere; up to and
    /// including WEB 1080p at most 100 MB/min (preferred 95); Blu-ray 1080p
    /// and everything above unlimited with no preferred size.
    pub fn radarr_defaults() -> Self {
        let entries = Quality::ranked()
            .into_iter()
            .map(|quality| {
                // Radarr's cut: weight ≤ 18 (WEB 1080p) is capped.
                let capped = quality.rank() <= 18;
                QualitySize {
                    quality,
                    min: 0.0,
                    preferred: capped.then_some(95.0),
                    max: capped.then_some(100.0),
                }
            })
            .collect();
        SizeLimits { entries }
    }

    /// Build a table from stored rows; qualities missing from `rows` keep
    /// Radarr's defaults so the engine always finds an entry.
    pub fn from_entries(rows: impl IntoIterator<Item = QualitySize>) -> Self {
        let mut limits = Self::radarr_defaults();
        for row in rows {
            limits.set(row);
        }
        limits
    }

    /// Bounds for one quality id, if the catalogue knows it.
    pub fn get(&self, quality_id: u32) -> Option<&QualitySize> {
        self.entries.iter().find(|e| e.quality.id == quality_id)
    }

    /// Replace (or add) the bounds for `row.quality`.
    pub fn set(&mut self, row: QualitySize) {
        match self
            .entries
            .iter_mut()
            .find(|e| e.quality.id == row.quality.id)
        {
            Some(e) => *e = row,
            None => self.entries.push(row),
        }
    }

    /// All rows, in Radarr's default weight order.
    pub fn entries(&self) -> &[QualitySize] {
        &self.entries
    }

    /// Check every row (see [`QualitySize::validate`]).
    pub fn validate(&self) -> Result<(), SizeLimitError> {
        self.entries.iter().try_for_each(QualitySize::validate)
    }

    /// Radarr's quality-definition id of a quality: its 1-based place in the default weight
    /// order, the order a fresh Radarr inserts its definitions in.
    pub fn definition_id(quality_id: u32) -> Option<u32> {
        Quality::ranked()
            .iter()
            .position(|q| q.id == quality_id)
            .map(|i| i as u32 + 1)
    }

    /// The quality a definition id stands for (see [`SizeLimits::definition_id`]).
    pub fn definition_quality(definition_id: u32) -> Option<&'static Quality> {
        let i = usize::try_from(definition_id).ok()?.checked_sub(1)?;
        Quality::ranked().get(i).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(name: &str) -> &'static Quality {
        Quality::by_name(name).expect("known quality")
    }

    #[test]
    fn defaults_cover_the_whole_catalogue_once() {
        let limits = SizeLimits::radarr_defaults();
        assert_eq!(limits.entries().len(), Quality::all().len());
        for quality in Quality::all() {
            assert!(limits.get(quality.id).is_some(), "{}", quality.name);
        }
        limits.validate().expect("defaults are valid");
    }

    #[test]
    fn defaults_match_radarr() {
        let limits = SizeLimits::radarr_defaults();
        for name in [
            "DVD",
            "WEBDL-480p",
            "HDTV-720p",
            "WEBRip-1080p",
            "WEBDL-1080p",
        ] {
            let row = limits.get(q(name).id).unwrap();
            assert_eq!(
                (row.min, row.preferred, row.max),
                (0.0, Some(95.0), Some(100.0)),
                "{name}"
            );
        }
        for name in [
            "Bluray-1080p",
            "Remux-1080p",
            "WEBDL-2160p",
            "Remux-2160p",
            "BR-DISK",
            "Raw-HD",
        ] {
            let row = limits.get(q(name).id).unwrap();
            assert_eq!(
                (row.min, row.preferred, row.max),
                (0.0, None, None),
                "{name}"
            );
        }
    }

    #[test]
    fn rates_scale_with_runtime_in_binary_megabytes() {
        let row = QualitySize {
            quality: q("Bluray-1080p"),
            min: 28.0,
            preferred: Some(60.0),
            max: Some(100.0),
        };
        assert_eq!(row.min_bytes(136), 28 * 136 * MEGABYTE);
        assert_eq!(row.max_bytes(100), Some(100 * 100 * MEGABYTE));
        assert_eq!(row.preferred_bytes(10), Some(600 * MEGABYTE));
        let unlimited = QualitySize {
            max: Some(0.0),
            preferred: None,
            ..row
        };
        assert_eq!(unlimited.max_bytes(100), None);
        assert_eq!(unlimited.preferred_bytes(100), None);
    }

    #[test]
    fn validate_rejects_unordered_and_out_of_range() {
        let base = QualitySize {
            quality: q("WEBDL-720p"),
            min: 10.0,
            preferred: Some(20.0),
            max: Some(30.0),
        };
        assert!(base.validate().is_ok());
        let bad = QualitySize { min: 40.0, ..base };
        assert_eq!(
            bad.validate(),
            Err(SizeLimitError::Unordered {
                quality: "WEBDL-720p"
            })
        );
        let bad = QualitySize {
            max: Some(-1.0),
            ..base
        };
        assert!(matches!(
            bad.validate(),
            Err(SizeLimitError::OutOfRange { .. })
        ));
        let bad = QualitySize {
            min: f64::NAN,
            ..base
        };
        assert!(bad.validate().is_err());
    }

    #[test]
    fn json_uses_quality_definition_resource_shape() {
        let limits = SizeLimits::radarr_defaults();
        let row = limits.get(q("WEBDL-1080p").id).unwrap();
        let json = serde_json::to_value(row).unwrap();
        assert_eq!(json["quality"]["id"], 3);
        assert_eq!(json["quality"]["source"], "webdl");
        assert_eq!(json["title"], "WEBDL-1080p");
        assert_eq!(json["weight"], 18);
        assert_eq!(json["minSize"], 0.0);
        assert_eq!(json["maxSize"], 100.0);
        assert_eq!(json["preferredSize"], 95.0);
        let back: QualitySize = serde_json::from_value(json).unwrap();
        assert_eq!(&back, row);

        let all = serde_json::to_string(&limits).unwrap();
        let parsed: SizeLimits = serde_json::from_str(&all).unwrap();
        assert_eq!(parsed, limits);

        let by_name: QualitySize =
            serde_json::from_str(r#"{"quality":{"name":"bluray-720p"},"minSize":5}"#).unwrap();
        assert_eq!(by_name.quality.id, 6);
        assert_eq!((by_name.min, by_name.max), (5.0, None));
        assert!(serde_json::from_str::<QualitySize>(r#"{"quality":{"id":99}}"#).is_err());
    }

    #[test]
    fn definition_ids_follow_radarrs_insert_order() {
        assert_eq!(SizeLimits::definition_id(0), Some(1));
        assert_eq!(SizeLimits::definition_quality(1).unwrap().name, "Unknown");
        for q in Quality::all() {
            let id = SizeLimits::definition_id(q.id).unwrap();
            assert_eq!(SizeLimits::definition_quality(id).unwrap().id, q.id);
        }
        assert_eq!(SizeLimits::definition_quality(0), None);
        assert_eq!(SizeLimits::definition_quality(31), None);
    }

    #[test]
    fn from_entries_overrides_and_keeps_defaults() {
        let custom = QualitySize {
            quality: q("Bluray-1080p"),
            min: 30.0,
            preferred: None,
            max: None,
        };
        let limits = SizeLimits::from_entries([custom]);
        assert_eq!(limits.get(7).unwrap().min, 30.0);
        assert_eq!(limits.get(3).unwrap().max, Some(100.0));
        assert_eq!(limits.entries().len(), Quality::all().len());
    }
}
