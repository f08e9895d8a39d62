//! Radarr-compatible quality model.
//!
//! Radarr describes a release's quality as a *source* (where the video came
//! from), a *resolution* and a *modifier* (remux, disc, screener...), and
//! stores it as one of a fixed catalogue of [`Quality`] entries identified by
//! stable integer ids.  The ids, names and default ranking below mirror
//! Radarr's `Quality.cs` so that reelarr's API (and databases imported from
//! Radarr) speak exactly the same language.

use serde::{Deserialize, Deserializer, Serialize};
use std::cmp::Ordering;

/// Where the video stream came from; serialised with Radarr's API names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    /// Nothing in the name told us.
    Unknown,
    /// Camcorder recording in a cinema.
    Cam,
    /// Cinema recording with a direct audio feed.
    Telesync,
    /// Copied from the film reel.
    Telecine,
    /// Unfinished pre-release cut.
    Workprint,
    /// DVD (rip, full disc or screener).
    Dvd,
    /// Television capture (SDTV/HDTV/Raw-HD).
    Tv,
    /// Untouched streaming-service download.
    Webdl,
    /// Re-encoded / captured streaming-service video.
    Webrip,
    /// Blu-ray (encode, remux or full disc).
    Bluray,
}

/// Qualifier on top of source + resolution; serialised with Radarr's API names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Modifier {
    /// Plain encode/stream.
    None,
    /// Regional (R5 etc.) DVD release.
    Regional,
    /// Screener copy.
    Screener,
    /// Raw broadcast capture (MPEG-2 transport stream).
    Rawhd,
    /// Complete, untouched Blu-ray disc (ISO/BDMV).
    Brdisk,
    /// Untouched video/audio remuxed into a container (or DVD-R).
    Remux,
}

/// One entry of Radarr's quality catalogue.
///
/// Instances are only ever handed out as `&'static Quality` from the
/// catalogue, so equality is by id.
#[derive(Debug, Serialize)]
pub struct Quality {
    /// Radarr's stable quality id (stored in databases and API payloads).
    pub id: u32,
    /// Radarr's display name, e.g. `Bluray-1080p`.
    pub name: &'static str,
    /// Source part of the quality.
    pub source: Source,
    /// Vertical resolution (0 when meaningless, e.g. CAM).
    pub resolution: u16,
    /// Modifier part of the quality.
    pub modifier: Modifier,
}

impl PartialEq for Quality {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
    }
}
impl Eq for Quality {}

const fn q(
    id: u32,
    name: &'static str,
    source: Source,
    resolution: u16,
    modifier: Modifier,
) -> Quality {
    Quality {
        id,
        name,
        source,
        resolution,
        modifier,
    }
}

use Modifier as M;
use Source as S;

/// Radarr's full catalogue, in Radarr's `Quality.All` order.
static ALL: [Quality; 30] = [
    q(0, "Unknown", S::Unknown, 0, M::None),
    q(24, "WORKPRINT", S::Workprint, 0, M::None),
    q(25, "CAM", S::Cam, 0, M::None),
    q(26, "TELESYNC", S::Telesync, 0, M::None),
    q(27, "TELECINE", S::Telecine, 0, M::None),
    q(28, "DVDSCR", S::Dvd, 480, M::Screener),
    q(29, "REGIONAL", S::Dvd, 480, M::Regional),
    q(1, "SDTV", S::Tv, 480, M::None),
    q(2, "DVD", S::Dvd, 480, M::None),
    q(23, "DVD-R", S::Dvd, 480, M::Remux),
    q(4, "HDTV-720p", S::Tv, 720, M::None),
    q(9, "HDTV-1080p", S::Tv, 1080, M::None),
    q(16, "HDTV-2160p", S::Tv, 2160, M::None),
    q(8, "WEBDL-480p", S::Webdl, 480, M::None),
    q(5, "WEBDL-720p", S::Webdl, 720, M::None),
    q(3, "WEBDL-1080p", S::Webdl, 1080, M::None),
    q(18, "WEBDL-2160p", S::Webdl, 2160, M::None),
    q(12, "WEBRip-480p", S::Webrip, 480, M::None),
    q(14, "WEBRip-720p", S::Webrip, 720, M::None),
    q(15, "WEBRip-1080p", S::Webrip, 1080, M::None),
    q(17, "WEBRip-2160p", S::Webrip, 2160, M::None),
    q(20, "Bluray-480p", S::Bluray, 480, M::None),
    q(21, "Bluray-576p", S::Bluray, 576, M::None),
    q(6, "Bluray-720p", S::Bluray, 720, M::None),
    q(7, "Bluray-1080p", S::Bluray, 1080, M::None),
    q(19, "Bluray-2160p", S::Bluray, 2160, M::None),
    q(30, "Remux-1080p", S::Bluray, 1080, M::Remux),
    q(31, "Remux-2160p", S::Bluray, 2160, M::Remux),
    q(22, "BR-DISK", S::Bluray, 1080, M::Brdisk),
    q(10, "Raw-HD", S::Tv, 1080, M::Rawhd),
];

/// Radarr's default `QualityDefinition` weights (quality id, weight): the
/// ranking a fresh install uses, lowest first.  WEBDL and WEBRip of the same
/// resolution share a weight (Radarr groups them as "WEB 1080p" etc.).
static WEIGHTS: [(u32, u8); 30] = [
    (0, 1),
    (24, 2),
    (25, 3),
    (26, 4),
    (27, 5),
    (29, 6),
    (28, 7),
    (1, 8),
    (2, 9),
    (23, 10),
    (8, 11),
    (12, 11),
    (20, 12),
    (21, 13),
    (4, 14),
    (5, 15),
    (14, 15),
    (6, 16),
    (9, 17),
    (3, 18),
    (15, 18),
    (7, 19),
    (30, 20),
    (16, 21),
    (18, 22),
    (17, 22),
    (19, 23),
    (31, 24),
    (22, 25),
    (10, 26),
];

impl Quality {
    /// Every quality Radarr knows, so callers can enumerate or look up freely.
    pub fn all() -> &'static [Quality] {
        &ALL
    }

    /// The "could not tell" quality (id 0), the parser's fallback.
    pub fn unknown() -> &'static Quality {
        &ALL[0]
    }

    /// Look a quality up by its Radarr id (e.g. from the database or API).
    pub fn by_id(id: u32) -> Option<&'static Quality> {
        ALL.iter().find(|q| q.id == id)
    }

    /// Look a quality up by its Radarr name, case-insensitively.
    pub fn by_name(name: &str) -> Option<&'static Quality> {
        ALL.iter().find(|q| q.name.eq_ignore_ascii_case(name))
    }

    /// Map a parsed (source, resolution, modifier) triple onto the catalogue.
    ///
    /// Exact matches win; otherwise the nearest sensible entry is chosen the
    /// way Radarr's parser does (pre-release sources ignore resolution,
    /// BR-DISK ignores resolution, remuxes round to 1080p/2160p, resolutions
    /// are bucketed to 480/576/720/1080/2160, unknown resolution takes the
    /// source's default).  Never fails: the worst case is `Unknown`.
    pub fn find(source: Source, resolution: u16, modifier: Modifier) -> &'static Quality {
        if let Some(q) = ALL
            .iter()
            .find(|q| q.source == source && q.resolution == resolution && q.modifier == modifier)
        {
            return q;
        }
        let by = |id: u32| Self::by_id(id).unwrap_or(&ALL[0]);
        match (source, modifier) {
            (S::Unknown, _) => by(0),
            (S::Workprint, _) => by(24),
            (S::Cam, _) => by(25),
            (S::Telesync, _) => by(26),
            (S::Telecine, _) => by(27),
            (S::Dvd, M::Screener) => by(28),
            (S::Dvd, M::Regional) => by(29),
            (S::Dvd, M::Remux) | (S::Dvd, M::Brdisk) => by(23),
            (S::Dvd, _) => by(2),
            (S::Tv, M::Rawhd) => by(10),
            (S::Bluray, M::Brdisk) => by(22),
            (S::Bluray, M::Remux) => by(if resolution >= 1440 { 31 } else { 30 }),
            _ => {
                let default = if source == S::Bluray { 720 } else { 480 };
                let bucket = match resolution {
                    0 => default,
                    1..=540 => 480,
                    541..=600 if source == S::Bluray => 576,
                    541..=719 => 480,
                    720..=900 => 720,
                    901..=1440 => 1080,
                    _ => 2160,
                };
                ALL.iter()
                    .find(|q| q.source == source && q.resolution == bucket && q.modifier == M::None)
                    .unwrap_or(&ALL[0])
            }
        }
    }

    /// Radarr's default weight for this quality (higher is better); used to
    /// seed quality profiles and compare qualities without a profile.
    pub fn rank(&self) -> u8 {
        WEIGHTS
            .iter()
            .find(|(id, _)| *id == self.id)
            .map(|(_, w)| *w)
            .unwrap_or(0)
    }

    /// The catalogue sorted by Radarr's default weight, worst first — the
    /// order a new quality profile lists its items in.
    pub fn ranked() -> Vec<&'static Quality> {
        WEIGHTS
            .iter()
            .filter_map(|(id, _)| Self::by_id(*id))
            .collect()
    }
}

impl std::fmt::Display for Quality {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name)
    }
}

/// Release revision: PROPER/REPACK/REAL bumps, as Radarr's `Revision`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Revision {
    /// 1 for a first release, 2 for PROPER/REPACK, 3 for REPACK2, ...
    pub version: u32,
    /// How many times `REAL` appears (a REAL fixes a group's own bad PROPER).
    pub real: u32,
    /// True when the bump came from REPACK/RERIP (same group re-release).
    pub is_repack: bool,
}

impl Default for Revision {
    fn default() -> Self {
        Revision {
            version: 1,
            real: 0,
            is_repack: false,
        }
    }
}

impl PartialOrd for Revision {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Revision {
    /// Radarr compares the version first, then the REAL count.
    fn cmp(&self, other: &Self) -> Ordering {
        self.version
            .cmp(&other.version)
            .then(self.real.cmp(&other.real))
            .then(self.is_repack.cmp(&other.is_repack))
    }
}

/// A quality plus its revision, serialised exactly like Radarr's `QualityModel`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct QualityModel {
    /// The catalogue entry.
    pub quality: &'static Quality,
    /// PROPER/REPACK information.
    pub revision: Revision,
}

impl Default for QualityModel {
    fn default() -> Self {
        QualityModel {
            quality: Quality::unknown(),
            revision: Revision::default(),
        }
    }
}

impl<'de> Deserialize<'de> for QualityModel {
    /// Accepts Radarr's JSON; the quality is resolved by id (falling back to
    /// name) so the catalogue stays the single source of truth.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct RawQuality {
            #[serde(default)]
            id: Option<u32>,
            #[serde(default)]
            name: Option<String>,
        }
        #[derive(Deserialize)]
        struct Raw {
            quality: RawQuality,
            #[serde(default)]
            revision: Option<Revision>,
        }
        let raw = Raw::deserialize(d)?;
        let quality = raw
            .quality
            .id
            .and_then(Quality::by_id)
            .or_else(|| raw.quality.name.as_deref().and_then(Quality::by_name))
            .ok_or_else(|| serde::de::Error::custom("unknown quality"))?;
        Ok(QualityModel {
            quality,
            revision: raw.revision.unwrap_or_default(),
        })
    }
}

#[cfg(test)]
mod tests;
