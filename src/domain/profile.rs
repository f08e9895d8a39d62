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

use crate::domain::quality::{Quality, QualityModel, Revision, Source};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::cmp::Ordering;
use std::collections::HashSet;

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

/// Why a profile cannot be saved; messages follow Radarr's validator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProfileError {
    /// The name is empty or blank.
    EmptyName,
    /// Nothing is allowed, so nothing could ever be grabbed.
    NoAllowedQuality,
    /// The cutoff names no item, or an item that is not allowed.
    CutoffNotAllowed {
        /// The offending cutoff id.
        cutoff: u32,
    },
    /// A quality appears in more than one place.
    DuplicateQuality {
        /// The repeated quality id.
        quality_id: u32,
    },
    /// Catalogue qualities absent from the profile (Radarr lists them all,
    /// allowed or not, so the order is total).
    MissingQualities {
        /// The absent quality ids.
        quality_ids: Vec<u32>,
    },
    /// A group has a blank name.
    GroupWithoutName {
        /// The group's id.
        id: u32,
    },
    /// A group has id 0, so a cutoff could not name it.
    GroupWithoutId {
        /// The group's name.
        name: String,
    },
    /// Two groups share an id.
    DuplicateGroupId {
        /// The repeated id.
        id: u32,
    },
    /// A group has no qualities.
    EmptyGroup {
        /// The group's id.
        id: u32,
    },
}

impl std::fmt::Display for ProfileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ProfileError::EmptyName => f.write_str("Name must not be empty"),
            ProfileError::NoAllowedQuality => {
                f.write_str("Must contain at least one allowed quality")
            }
            ProfileError::CutoffNotAllowed { cutoff } => {
                write!(
                    f,
                    "Cutoff must be an allowed quality or group (got {cutoff})"
                )
            }
            ProfileError::DuplicateQuality { quality_id } => {
                write!(f, "Qualities can only be used once (quality {quality_id})")
            }
            ProfileError::MissingQualities { quality_ids } => {
                write!(f, "Must contain all qualities (missing {quality_ids:?})")
            }
            ProfileError::GroupWithoutName { id } => {
                write!(f, "Groups must have a name (group {id})")
            }
            ProfileError::GroupWithoutId { name } => {
                write!(f, "Groups must have an ID (group {name:?})")
            }
            ProfileError::DuplicateGroupId { id } => {
                write!(f, "Groups must have a unique ID (id {id})")
            }
            ProfileError::EmptyGroup { id } => {
                write!(f, "Groups must contain at least one quality (group {id})")
            }
        }
    }
}

impl std::error::Error for ProfileError {}

/// Radarr compares revisions by version, then REAL count (not by repack).
fn revision_key(r: &Revision) -> (u32, u32) {
    (r.version, r.real)
}

/// Name Radarr gives a default group of equally weighted qualities.
fn group_name(members: &[&'static Quality]) -> String {
    let web = members
        .iter()
        .all(|q| matches!(q.source, Source::Webdl | Source::Webrip));
    match members.first() {
        Some(first) if web => format!("WEB {}p", first.resolution),
        _ => members
            .iter()
            .map(|q| q.name)
            .collect::<Vec<_>>()
            .join(" / "),
    }
}

impl QualityProfile {
    /// Build a profile the way Radarr's `GetDefaultProfile` does: every
    /// catalogue quality in default weight order, equally weighted ones
    /// grouped (ids from 1000), `allowed` qualities enabled, the cutoff
    /// moved to its group when the cutoff quality is in one.
    pub fn from_allowed(name: &str, cutoff_quality_id: u32, allowed: &[u32]) -> QualityProfile {
        let ranked = Quality::ranked();
        let mut items = Vec::new();
        let mut cutoff = cutoff_quality_id;
        let mut group_id = GROUP_ID_BASE;
        let mut i = 0;
        while i < ranked.len() {
            let rank = ranked[i].rank();
            let len = ranked[i..].iter().take_while(|q| q.rank() == rank).count();
            let members = &ranked[i..i + len];
            let is_allowed = members.iter().any(|q| allowed.contains(&q.id));
            if let [quality] = members {
                items.push(ProfileItem::Quality {
                    quality,
                    allowed: is_allowed,
                });
            } else {
                if members.iter().any(|q| q.id == cutoff_quality_id) {
                    cutoff = group_id;
                }
                items.push(ProfileItem::Group {
                    id: group_id,
                    name: group_name(members),
                    qualities: members.to_vec(),
                    allowed: is_allowed,
                });
                group_id += 1;
            }
            i += len;
        }
        QualityProfile {
            id: 0,
            name: name.to_string(),
            upgrade_allowed: false,
            cutoff,
            items,
            min_format_score: 0,
            cutoff_format_score: 0,
            min_upgrade_format_score: 1,
            format_items: Vec::new(),
            language: ProfileLanguage::default(),
        }
    }

    /// The six profiles a fresh Radarr install creates, same names, cutoffs,
    /// allowed qualities and order, with ids 1..=6.
    pub fn defaults() -> Vec<QualityProfile> {
        const SD_PRE: [u32; 9] = [24, 25, 26, 27, 28, 29, 1, 2, 23];
        let any: Vec<u32> = SD_PRE
            .iter()
            .copied()
            .chain([
                4, 9, 16, 8, 12, 5, 14, 3, 15, 18, 17, 20, 21, 6, 7, 19, 30, 31, 22,
            ])
            .collect();
        let specs: [(&str, u32, Vec<u32>); 6] = [
            ("Any", 20, any),
            ("SD", 20, vec![24, 25, 26, 27, 28, 29, 1, 2, 8, 12, 20, 21]),
            ("HD-720p", 6, vec![4, 5, 14, 6]),
            ("HD-1080p", 7, vec![9, 3, 15, 7, 30]),
            ("Ultra-HD", 31, vec![16, 18, 17, 19, 31]),
            ("HD - 720p/1080p", 6, vec![4, 9, 5, 14, 3, 15, 6, 7, 30]),
        ];
        specs
            .into_iter()
            .zip(1..)
            .map(|((name, cutoff, allowed), id)| QualityProfile {
                id,
                ..Self::from_allowed(name, cutoff, &allowed)
            })
            .collect()
    }

    /// Position of a quality (or, failing that, a group id) in the item
    /// list, worst = 0.  Qualities in one group share their group's index,
    /// so they rank equal.  `None` when the profile does not list it.
    pub fn index_of(&self, id: u32) -> Option<usize> {
        self.items
            .iter()
            .position(|item| item.contains(id))
            .or_else(|| {
                self.items
                    .iter()
                    .position(|item| matches!(item, ProfileItem::Group { id: g, .. } if *g == id))
            })
    }

    /// The item a quality falls under, if the profile lists it.
    pub fn item_for(&self, quality_id: u32) -> Option<&ProfileItem> {
        self.items.iter().find(|item| item.contains(quality_id))
    }

    /// Whether releases of this quality may be grabbed (a group's flag
    /// applies to all its members; unlisted qualities are not allowed).
    pub fn allows(&self, quality_id: u32) -> bool {
        self.item_for(quality_id).is_some_and(ProfileItem::allowed)
    }

    /// The item the cutoff names, if any.
    pub fn cutoff_item(&self) -> Option<&ProfileItem> {
        self.index_of(self.cutoff).and_then(|i| self.items.get(i))
    }

    /// Where upgrading stops: the cutoff when upgrades are allowed,
    /// otherwise the first allowed item (any wanted file is good enough),
    /// exactly as Radarr's `QualityCutoffNotMet`.
    fn effective_cutoff_index(&self) -> Option<usize> {
        if self.upgrade_allowed {
            self.index_of(self.cutoff)
        } else {
            self.items.iter().position(ProfileItem::allowed)
        }
    }

    /// Whether a file of this quality needs no further upgrade (the
    /// "cutoff unmet" list is every movie where this is false).  A quality
    /// the profile does not list never meets a valid cutoff; a profile whose
    /// cutoff names nothing counts as met, so it cannot upgrade forever.
    pub fn cutoff_met(&self, existing: &QualityModel) -> bool {
        match (
            self.effective_cutoff_index(),
            self.index_of(existing.quality.id),
        ) {
            (None, _) => true,
            (Some(_), None) => false,
            (Some(cutoff), Some(have)) => have >= cutoff,
        }
    }

    /// Order two quality models by this profile: item position first
    /// (unlisted below everything), then revision (version, then REAL).
    pub fn compare(&self, a: &QualityModel, b: &QualityModel) -> Ordering {
        self.index_of(a.quality.id)
            .cmp(&self.index_of(b.quality.id))
            .then_with(|| revision_key(&a.revision).cmp(&revision_key(&b.revision)))
    }

    /// Whether `new` would be an upgrade over `existing`: a better item, or
    /// an equally ranked one with a higher revision (PROPER/REPACK/REAL).
    pub fn is_upgrade(&self, existing: &QualityModel, new: &QualityModel) -> bool {
        self.compare(new, existing) == Ordering::Greater
    }

    /// Whether `new` is the same quality as `existing` in a later revision
    /// (a PROPER is fetched even once the cutoff is met).
    pub fn is_revision_upgrade(&self, existing: &QualityModel, new: &QualityModel) -> bool {
        existing.quality == new.quality
            && revision_key(&new.revision) > revision_key(&existing.revision)
    }

    /// Check the profile can be stored, returning every problem at once
    /// (name uniqueness is left to the store).
    pub fn validate(&self) -> Result<(), Vec<ProfileError>> {
        let mut errors = Vec::new();
        if self.name.trim().is_empty() {
            errors.push(ProfileError::EmptyName);
        }
        let mut seen = HashSet::new();
        let mut group_ids = HashSet::new();
        for item in &self.items {
            if let ProfileItem::Group {
                id,
                name,
                qualities,
                ..
            } = item
            {
                if *id == 0 {
                    errors.push(ProfileError::GroupWithoutId { name: name.clone() });
                } else if !group_ids.insert(*id) {
                    errors.push(ProfileError::DuplicateGroupId { id: *id });
                }
                if name.trim().is_empty() {
                    errors.push(ProfileError::GroupWithoutName { id: *id });
                }
                if qualities.is_empty() {
                    errors.push(ProfileError::EmptyGroup { id: *id });
                }
            }
            for q in item.qualities() {
                if !seen.insert(q.id) {
                    errors.push(ProfileError::DuplicateQuality { quality_id: q.id });
                }
            }
        }
        let missing: Vec<u32> = Quality::all()
            .iter()
            .map(|q| q.id)
            .filter(|id| !seen.contains(id))
            .collect();
        if !missing.is_empty() {
            errors.push(ProfileError::MissingQualities {
                quality_ids: missing,
            });
        }
        if !self
            .items
            .iter()
            .any(|i| i.allowed() && !i.qualities().is_empty())
        {
            errors.push(ProfileError::NoAllowedQuality);
        }
        if !self.cutoff_item().is_some_and(ProfileItem::allowed) {
            errors.push(ProfileError::CutoffNotAllowed {
                cutoff: self.cutoff,
            });
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

// ---- Radarr `QualityProfileResource` JSON -------------------------------

/// A catalogue reference: written as Radarr's full `Quality` object, read
/// back by id (then name).
struct QualityRef(&'static Quality);

impl Serialize for QualityRef {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

impl<'de> Deserialize<'de> for QualityRef {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Raw {
            #[serde(default)]
            id: Option<u32>,
            #[serde(default)]
            name: Option<String>,
        }
        let raw = Raw::deserialize(d)?;
        raw.id
            .and_then(Quality::by_id)
            .or_else(|| raw.name.as_deref().and_then(Quality::by_name))
            .map(QualityRef)
            .ok_or_else(|| {
                serde::de::Error::custom(format!(
                    "unknown quality (id {:?}, name {:?})",
                    raw.id, raw.name
                ))
            })
    }
}

fn is_zero(v: &u32) -> bool {
    *v == 0
}

/// `QualityProfileQualityItemResource`: Radarr leaves `id` out when 0 and
/// `name`/`quality` out when null, and always writes `items`.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawItem {
    #[serde(default, skip_serializing_if = "is_zero")]
    id: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    quality: Option<QualityRef>,
    #[serde(default)]
    items: Option<Vec<RawItem>>,
    #[serde(default)]
    allowed: bool,
}

fn one() -> i32 {
    1
}

/// `QualityProfileResource`.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawProfile {
    #[serde(default)]
    id: u32,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    upgrade_allowed: bool,
    #[serde(default)]
    cutoff: u32,
    #[serde(default)]
    items: Option<Vec<RawItem>>,
    #[serde(default)]
    min_format_score: i32,
    #[serde(default)]
    cutoff_format_score: i32,
    #[serde(default = "one")]
    min_upgrade_format_score: i32,
    #[serde(default)]
    format_items: Option<Vec<FormatItem>>,
    #[serde(default)]
    language: Option<ProfileLanguage>,
}

impl ProfileItem {
    fn to_raw(&self) -> RawItem {
        match self {
            ProfileItem::Quality { quality, allowed } => RawItem {
                id: 0,
                name: None,
                quality: Some(QualityRef(quality)),
                items: Some(Vec::new()),
                allowed: *allowed,
            },
            ProfileItem::Group {
                id,
                name,
                qualities,
                allowed,
            } => RawItem {
                id: *id,
                name: Some(name.clone()),
                quality: None,
                items: Some(
                    qualities
                        .iter()
                        .map(|q| ProfileItem::Quality {
                            quality: q,
                            allowed: *allowed,
                        })
                        .map(|i| i.to_raw())
                        .collect(),
                ),
                allowed: *allowed,
            },
        }
    }

    fn from_raw<E: serde::de::Error>(raw: RawItem) -> Result<ProfileItem, E> {
        if let Some(QualityRef(quality)) = raw.quality {
            return Ok(ProfileItem::Quality {
                quality,
                allowed: raw.allowed,
            });
        }
        let qualities =
            raw.items
                .unwrap_or_default()
                .into_iter()
                .map(|member| {
                    member.quality.map(|QualityRef(q)| q).ok_or_else(|| {
                        E::custom("a quality group's items must each name a quality")
                    })
                })
                .collect::<Result<Vec<_>, E>>()?;
        Ok(ProfileItem::Group {
            id: raw.id,
            name: raw.name.unwrap_or_default(),
            qualities,
            allowed: raw.allowed,
        })
    }
}

impl Serialize for QualityProfile {
    /// Writes Radarr's `QualityProfileResource` shape.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        RawProfile {
            id: self.id,
            name: Some(self.name.clone()),
            upgrade_allowed: self.upgrade_allowed,
            cutoff: self.cutoff,
            items: Some(self.items.iter().map(ProfileItem::to_raw).collect()),
            min_format_score: self.min_format_score,
            cutoff_format_score: self.cutoff_format_score,
            min_upgrade_format_score: self.min_upgrade_format_score,
            format_items: Some(self.format_items.clone()),
            language: Some(self.language.clone()),
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for QualityProfile {
    /// Reads Radarr's `QualityProfileResource`; missing optional fields take
    /// Radarr's defaults.  Structural checks are left to [`QualityProfile::validate`].
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = RawProfile::deserialize(d)?;
        let items = raw
            .items
            .unwrap_or_default()
            .into_iter()
            .map(ProfileItem::from_raw)
            .collect::<Result<Vec<_>, D::Error>>()?;
        Ok(QualityProfile {
            id: raw.id,
            name: raw.name.unwrap_or_default(),
            upgrade_allowed: raw.upgrade_allowed,
            cutoff: raw.cutoff,
            items,
            min_format_score: raw.min_format_score,
            cutoff_format_score: raw.cutoff_format_score,
            min_upgrade_format_score: raw.min_upgrade_format_score,
            format_items: raw.format_items.unwrap_or_default(),
            language: raw.language.unwrap_or_default(),
        })
    }
}

#[cfg(test)]
#[path = "profile_tests.rs"]
mod tests;
