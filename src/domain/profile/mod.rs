//! Quality profiles: which qualities a movie may be grabbed in, in what
//! order of preference, and when to stop upgrading.
//!
//! The model mirrors Radarr's `QualityProfile`: an ordered list of items,
//! worst first, each either one quality or a named group of qualities that
//! rank equal (Radarr ships "WEB 1080p" = WEBDL-1080p + WEBRip-1080p), each
//! allowed or not; a cutoff (a quality id or a group id) past which no
//! upgrade is searched; and the custom-format fields Radarr's API carries.
//! It serialises to and from Radarr's `QualityProfileResource` JSON so
//! `/api/v3/qualityprofile` clients (Overseerr, Prowlarr, scripts) and
//! databases exported from Radarr work unchanged.

mod defaults;
mod error;
mod json;
mod rules;
#[cfg(test)]
mod tests;

pub use error::ProfileError;

use crate::domain::quality::Quality;
use serde::{Deserialize, Serialize};

/// First id Radarr gives to quality groups (so they never clash with
/// quality ids, which the cutoff field shares).
pub const GROUP_ID_BASE: u32 = 1000;

/// One row of a profile: a single quality or a group ranking as one.
#[derive(Debug, Clone, PartialEq)]
pub enum ProfileItem {
    /// A single catalogue quality.
    Quality {
        /// The quality.
        quality: &'static Quality,
        /// Whether releases in this quality may be grabbed.
        allowed: bool,
    },
    /// Qualities the user considers equivalent (same rank, shared cutoff).
    Group {
        /// Group id (≥ [`GROUP_ID_BASE`] by convention); the cutoff may name it.
        id: u32,
        /// Display name, e.g. `WEB 1080p`.
        name: String,
        /// Member qualities, in the order the user listed them.
        qualities: Vec<&'static Quality>,
        /// Whether releases in any member quality may be grabbed.
        allowed: bool,
    },
}

impl ProfileItem {
    /// Whether releases in this item may be grabbed.
    pub fn allowed(&self) -> bool {
        match self {
            ProfileItem::Quality { allowed, .. } | ProfileItem::Group { allowed, .. } => *allowed,
        }
    }

    /// The id a cutoff uses to point at this item (quality id or group id).
    pub fn id(&self) -> u32 {
        match self {
            ProfileItem::Quality { quality, .. } => quality.id,
            ProfileItem::Group { id, .. } => *id,
        }
    }

    /// Display name for messages and the UI.
    pub fn name(&self) -> &str {
        match self {
            ProfileItem::Quality { quality, .. } => quality.name,
            ProfileItem::Group { name, .. } => name,
        }
    }

    /// The qualities this item covers (one for a plain quality).
    pub fn qualities(&self) -> &[&'static Quality] {
        match self {
            ProfileItem::Quality { quality, .. } => std::slice::from_ref(quality),
            ProfileItem::Group { qualities, .. } => qualities,
        }
    }

    /// Whether `quality_id` belongs to this item.
    pub fn contains(&self, quality_id: u32) -> bool {
        self.qualities().iter().any(|q| q.id == quality_id)
    }
}

/// A custom-format score, carried for Radarr API compatibility (reelarr
/// does not evaluate custom formats yet).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FormatItem {
    /// Custom format id.
    #[serde(default)]
    pub format: i32,
    /// Custom format name.
    #[serde(default)]
    pub name: Option<String>,
    /// Score the format adds to a release.
    #[serde(default)]
    pub score: i32,
}

/// The profile's preferred audio language in Radarr's `{id, name}` shape.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProfileLanguage {
    /// Radarr language id (1 = English, -1 = Any, -2 = Original).
    pub id: i32,
    /// Display name.
    #[serde(default)]
    pub name: Option<String>,
}

impl Default for ProfileLanguage {
    /// English, as every Radarr default profile.
    fn default() -> Self {
        ProfileLanguage {
            id: 1,
            name: Some("English".into()),
        }
    }
}

/// A quality profile as Radarr models it (see the module docs).
#[derive(Debug, Clone, PartialEq)]
pub struct QualityProfile {
    /// Store id (0 until stored; defaults are numbered 1.. in Radarr's order).
    pub id: u32,
    /// Unique display name (uniqueness is the store's job).
    pub name: String,
    /// Whether an existing file is upgraded until the cutoff; when false,
    /// the first file imported is kept (Radarr's default).
    pub upgrade_allowed: bool,
    /// Quality id or group id at which upgrading stops.
    pub cutoff: u32,
    /// Items, worst first.
    pub items: Vec<ProfileItem>,
    /// Minimum custom-format score (carried, not evaluated).
    pub min_format_score: i32,
    /// Custom-format score cutoff (carried, not evaluated).
    pub cutoff_format_score: i32,
    /// Minimum custom-format score increment for an upgrade (carried).
    pub min_upgrade_format_score: i32,
    /// Custom-format scores (carried).
    pub format_items: Vec<FormatItem>,
    /// Preferred language.
    pub language: ProfileLanguage,
}
