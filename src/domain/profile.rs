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
mod tests {
    use super::*;
    use crate::domain::parser::parse_title;
    use serde_json::{json, Value};

    fn qm(name: &str, version: u32) -> QualityModel {
        QualityModel {
            quality: Quality::by_name(name).expect("known quality"),
            revision: Revision {
                version,
                ..Revision::default()
            },
        }
    }

    fn named(name: &str) -> QualityProfile {
        QualityProfile::defaults()
            .into_iter()
            .find(|p| p.name == name)
            .expect("default profile")
    }

    fn allowed_ids(p: &QualityProfile) -> Vec<u32> {
        let mut ids: Vec<u32> = Quality::all()
            .iter()
            .map(|q| q.id)
            .filter(|id| p.allows(*id))
            .collect();
        ids.sort_unstable();
        ids
    }

    #[test]
    fn defaults_have_radarrs_names_ids_and_cutoffs() {
        let defaults = QualityProfile::defaults();
        let got: Vec<(u32, &str, u32, bool)> = defaults
            .iter()
            .map(|p| (p.id, p.name.as_str(), p.cutoff, p.upgrade_allowed))
            .collect();
        assert_eq!(
            got,
            vec![
                (1, "Any", 20, false),
                (2, "SD", 20, false),
                (3, "HD-720p", 6, false),
                (4, "HD-1080p", 7, false),
                (5, "Ultra-HD", 31, false),
                (6, "HD - 720p/1080p", 6, false),
            ]
        );
        for p in &defaults {
            assert_eq!(p.validate(), Ok(()), "{}", p.name);
            assert_eq!(p.language, ProfileLanguage::default());
            assert_eq!(p.min_upgrade_format_score, 1);
        }
    }

    #[test]
    fn defaults_allow_what_radarr_allows() {
        assert_eq!(allowed_ids(&named("HD-1080p")), vec![3, 7, 9, 15, 30]);
        assert_eq!(allowed_ids(&named("Ultra-HD")), vec![16, 17, 18, 19, 31]);
        assert_eq!(allowed_ids(&named("HD-720p")), vec![4, 5, 6, 14]);
        assert_eq!(
            allowed_ids(&named("HD - 720p/1080p")),
            vec![3, 4, 5, 6, 7, 9, 14, 15, 30]
        );
        // SD's WEB 480p group pulls WEBRip-480p in with WEBDL-480p.
        assert_eq!(
            allowed_ids(&named("SD")),
            vec![1, 2, 8, 12, 20, 21, 24, 25, 26, 27, 28, 29]
        );
        let any = allowed_ids(&named("Any"));
        assert_eq!(any.len(), 28);
        assert!(
            !any.contains(&0) && !any.contains(&10),
            "Unknown and Raw-HD stay off"
        );
    }

    #[test]
    fn default_items_follow_weight_order_with_web_groups() {
        let p = named("Any");
        assert_eq!(p.items.len(), 26);
        let flat: Vec<u32> = p
            .items
            .iter()
            .flat_map(|i| i.qualities().iter().map(|q| q.id))
            .collect();
        let ranked: Vec<u32> = Quality::ranked().iter().map(|q| q.id).collect();
        assert_eq!(flat, ranked);
        let groups: Vec<(u32, &str, Vec<&str>)> = p
            .items
            .iter()
            .filter_map(|i| match i {
                ProfileItem::Group {
                    id,
                    name,
                    qualities,
                    ..
                } => Some((
                    *id,
                    name.as_str(),
                    qualities.iter().map(|q| q.name).collect(),
                )),
                ProfileItem::Quality { .. } => None,
            })
            .collect();
        assert_eq!(
            groups,
            vec![
                (1000, "WEB 480p", vec!["WEBDL-480p", "WEBRip-480p"]),
                (1001, "WEB 720p", vec!["WEBDL-720p", "WEBRip-720p"]),
                (1002, "WEB 1080p", vec!["WEBDL-1080p", "WEBRip-1080p"]),
                (1003, "WEB 2160p", vec!["WEBDL-2160p", "WEBRip-2160p"]),
            ]
        );
        assert_eq!(p.items[0].name(), "Unknown");
        assert_eq!(p.items.last().map(ProfileItem::name), Some("Raw-HD"));
    }

    #[test]
    fn groups_rank_equal_and_share_allowed_and_cutoff() {
        let p = named("HD-1080p");
        let webdl = p.index_of(3).unwrap();
        assert_eq!(p.index_of(15), Some(webdl));
        assert_eq!(p.index_of(1002), Some(webdl), "group id resolves too");
        assert!(p.index_of(7).unwrap() > webdl);
        assert_eq!(p.index_of(99), None);
        assert_eq!(p.item_for(15).map(ProfileItem::name), Some("WEB 1080p"));

        // A cutoff inside a group moves to the group, as Radarr does.
        let web = QualityProfile::from_allowed("web", 3, &[3]);
        assert_eq!(web.cutoff, 1002);
        assert!(web.allows(15), "WEBRip rides along with WEBDL in its group");
        assert_eq!(web.cutoff_item().map(ProfileItem::name), Some("WEB 1080p"));
        assert!(web.cutoff_met(&qm("WEBRip-1080p", 1)));
        assert_eq!(web.validate(), Ok(()));
    }

    #[test]
    fn cutoff_met_follows_upgrade_allowed() {
        let mut p = named("HD-1080p");
        p.upgrade_allowed = true;
        assert!(!p.cutoff_met(&qm("WEBDL-1080p", 1)));
        assert!(!p.cutoff_met(&qm("DVD", 1)));
        assert!(p.cutoff_met(&qm("Bluray-1080p", 1)));
        assert!(p.cutoff_met(&qm("Remux-1080p", 1)));
        // Without upgrades any wanted file is the last one.
        p.upgrade_allowed = false;
        assert!(p.cutoff_met(&qm("HDTV-1080p", 1)));
        assert!(p.cutoff_met(&qm("WEBDL-1080p", 1)));
        assert!(!p.cutoff_met(&qm("DVD", 1)));
        // A cutoff naming nothing cannot drive endless upgrades.
        p.upgrade_allowed = true;
        p.cutoff = 4242;
        assert!(p.cutoff_met(&qm("DVD", 1)));
    }

    #[test]
    fn upgrades_compare_profile_order_then_revision() {
        let p = named("HD-1080p");
        let parsed = |t: &str| parse_title(t).quality_model();
        let web = parsed("Dune.Part.Two.2024.1080p.WEB-DL.DDP5.1.H.264-FLUX");
        let webrip = parsed("Dune.Part.Two.2024.1080p.WEBRip.x264-RARBG");
        let bluray = parsed("Dune.Part.Two.2024.1080p.BluRay.x264-GROUP");
        let proper = parsed("Dune.Part.Two.2024.PROPER.1080p.WEB-DL.DDP5.1.H.264-FLUX");
        assert_eq!(web.quality.name, "WEBDL-1080p");
        assert_eq!(webrip.quality.name, "WEBRip-1080p");
        assert_eq!(proper.revision.version, 2);

        assert!(p.is_upgrade(&web, &bluray));
        assert!(!p.is_upgrade(&bluray, &web));
        assert!(!p.is_upgrade(&web, &webrip), "same group ranks equal");
        assert!(!p.is_upgrade(&web, &web));
        assert!(p.is_upgrade(&web, &proper));
        assert!(!p.is_upgrade(&proper, &webrip));
        assert!(p.is_revision_upgrade(&web, &proper));
        assert!(!p.is_revision_upgrade(&qm("WEBRip-1080p", 1), &proper));
        assert_eq!(p.compare(&bluray, &web), Ordering::Greater);

        // A file in a quality the profile does not list is beaten by anything listed.
        let mut short = p.clone();
        short.items.retain(|i| !i.contains(2));
        assert!(short.is_upgrade(&qm("DVD", 3), &qm("SDTV", 1)));
    }

    #[test]
    fn validate_reports_each_problem() {
        let ok = named("HD-1080p");
        let check = |p: &QualityProfile, want: ProfileError| {
            let errors = p.validate().expect_err("invalid");
            assert!(errors.contains(&want), "{want:?} not in {errors:?}");
            assert!(!want.to_string().is_empty());
        };

        let mut p = ok.clone();
        p.name = "  ".into();
        check(&p, ProfileError::EmptyName);

        let mut p = ok.clone();
        for item in &mut p.items {
            match item {
                ProfileItem::Quality { allowed, .. } | ProfileItem::Group { allowed, .. } => {
                    *allowed = false
                }
            }
        }
        check(&p, ProfileError::NoAllowedQuality);

        let mut p = ok.clone();
        p.cutoff = 19; // Bluray-2160p: listed, not allowed.
        check(&p, ProfileError::CutoffNotAllowed { cutoff: 19 });
        p.cutoff = 4242;
        check(&p, ProfileError::CutoffNotAllowed { cutoff: 4242 });

        let mut p = ok.clone();
        p.items.push(ProfileItem::Quality {
            quality: Quality::by_id(7).unwrap(),
            allowed: true,
        });
        check(&p, ProfileError::DuplicateQuality { quality_id: 7 });

        let mut p = ok.clone();
        p.items.retain(|i| !i.contains(10));
        check(
            &p,
            ProfileError::MissingQualities {
                quality_ids: vec![10],
            },
        );

        let mut p = ok.clone();
        for item in &mut p.items {
            if let ProfileItem::Group { id, name, .. } = item {
                if *id == 1000 {
                    *id = 0;
                }
                if *id == 1001 {
                    *id = 1002;
                    name.clear();
                }
            }
        }
        check(
            &p,
            ProfileError::GroupWithoutId {
                name: "WEB 480p".into(),
            },
        );
        check(&p, ProfileError::DuplicateGroupId { id: 1002 });
        check(&p, ProfileError::GroupWithoutName { id: 1002 });

        let mut p = ok;
        p.items.push(ProfileItem::Group {
            id: 2000,
            name: "empty".into(),
            qualities: vec![],
            allowed: true,
        });
        check(&p, ProfileError::EmptyGroup { id: 2000 });
    }

    #[test]
    fn json_round_trips_in_radarr_shape() {
        for p in QualityProfile::defaults() {
            let v = serde_json::to_value(&p).unwrap();
            let back: QualityProfile = serde_json::from_value(v.clone()).unwrap();
            assert_eq!(back, p, "{}", p.name);
            assert_eq!(v["name"], json!(p.name));
            assert_eq!(v["upgradeAllowed"], json!(false));
            assert_eq!(v["language"], json!({"id": 1, "name": "English"}));
            assert_eq!(v["formatItems"], json!([]));
        }
        let v = serde_json::to_value(named("HD-1080p")).unwrap();
        assert_eq!(v["id"], 4);
        assert_eq!(v["cutoff"], 7);
        assert_eq!(
            v["items"][0],
            json!({
                "quality": {"id": 0, "name": "Unknown", "source": "unknown",
                            "resolution": 0, "modifier": "none"},
                "items": [],
                "allowed": false
            })
        );
        let group = v["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["name"] == "WEB 1080p")
            .unwrap();
        assert_eq!(group["id"], 1002);
        assert_eq!(group["allowed"], true);
        assert!(group.get("quality").is_none());
        assert_eq!(group["items"][1]["quality"]["name"], "WEBRip-1080p");
        assert_eq!(group["items"][1]["allowed"], true);
    }

    #[test]
    fn json_accepts_radarr_variants_and_rejects_garbage() {
        let text = r#"{
            "name": "Mine", "upgradeAllowed": true, "cutoff": 1000, "id": 9,
            "items": [
                {"quality": {"id": 7}, "items": null, "allowed": true},
                {"name": "WEB", "id": 1000, "allowed": true,
                 "items": [{"quality": {"name": "WEBDL-1080p"}, "allowed": true}]},
                {"quality": {"id": 2, "name": "DVD"}, "allowed": false, "unexpected": 1}
            ],
            "formatItems": [{"format": 3, "name": "x265", "score": -10}],
            "minFormatScore": 5
        }"#;
        let p: QualityProfile = serde_json::from_str(text).unwrap();
        assert_eq!(p.id, 9);
        assert!(p.upgrade_allowed);
        assert_eq!(p.index_of(3), Some(1));
        assert_eq!(p.cutoff_item().map(ProfileItem::name), Some("WEB"));
        assert!(p.allows(7) && p.allows(3) && !p.allows(2) && !p.allows(19));
        assert_eq!(p.format_items[0].score, -10);
        assert_eq!(p.min_format_score, 5);
        assert_eq!(p.min_upgrade_format_score, 1);
        assert_eq!(p.language, ProfileLanguage::default());
        assert!(
            p.validate().is_err(),
            "a partial profile is readable but not valid"
        );

        let unknown = r#"{"name":"x","cutoff":1,"items":[{"quality":{"id":77},"allowed":true}]}"#;
        assert!(serde_json::from_str::<QualityProfile>(unknown).is_err());
        let bad_group = r#"{"name":"x","cutoff":1,"items":[{"id":1000,"name":"g","items":[{"allowed":true}]}]}"#;
        assert!(serde_json::from_str::<QualityProfile>(bad_group).is_err());
    }

    fn schema_type_ok(schema: &Value, value: &Value) -> bool {
        if schema.get("$ref").is_some() {
            return value.is_object() || value.is_string();
        }
        match schema["type"].as_str() {
            Some("integer") => value.is_i64() || value.is_u64(),
            Some("number") => value.is_number(),
            Some("boolean") => value.is_boolean(),
            Some("string") => value.is_string() || (value.is_null() && schema["nullable"] == true),
            Some("array") => value.is_array() || (value.is_null() && schema["nullable"] == true),
            _ => true,
        }
    }

    /// Check every key we write exists in the schema with a matching type,
    /// recursing through `$ref`s; returns the number of fields checked.
    fn check_against(schemas: &Value, name: &str, value: &Value, path: &str) -> usize {
        let schema = &schemas[name];
        if let Some(options) = schema["enum"].as_array() {
            assert!(
                options.contains(value),
                "{path}: {value} not in {name} enum"
            );
            return 1;
        }
        let props = schema["properties"]
            .as_object()
            .unwrap_or_else(|| panic!("schema {name} has properties"));
        let obj = value
            .as_object()
            .unwrap_or_else(|| panic!("{path} is an object"));
        let mut checked = 0;
        for (key, v) in obj {
            let prop = props
                .get(key)
                .unwrap_or_else(|| panic!("{path}.{key} is not in {name}"));
            assert!(schema_type_ok(prop, v), "{path}.{key}: {v} vs {prop}");
            checked += 1;
            let refname = |s: &Value| {
                s["$ref"]
                    .as_str()
                    .map(|r| r.rsplit('/').next().unwrap_or_default().to_string())
            };
            if let Some(r) = refname(prop) {
                checked += check_against(schemas, &r, v, &format!("{path}.{key}"));
            } else if let (Some(r), Some(arr)) = (refname(&prop["items"]), v.as_array()) {
                for (i, elem) in arr.iter().enumerate() {
                    checked += check_against(schemas, &r, elem, &format!("{path}.{key}[{i}]"));
                }
            }
        }
        checked
    }

    #[test]
    fn json_matches_radarr_openapi_schema() {
        let path = "/work/shared/reference/radarr-openapi.json";
        let Ok(text) = std::fs::read_to_string(path) else {
            eprintln!("SKIPPED json_matches_radarr_openapi_schema: {path} not present");
            return;
        };
        let doc: Value = serde_json::from_str(&text).expect("openapi is JSON");
        let schemas = &doc["components"]["schemas"];
        let mut profile = named("Ultra-HD");
        profile.format_items.push(FormatItem {
            format: 1,
            name: Some("HDR".into()),
            score: 10,
        });
        let v = serde_json::to_value(&profile).unwrap();
        let checked = check_against(schemas, "QualityProfileResource", &v, "profile");
        assert!(checked > 100, "only {checked} fields checked");
        // And nothing the resource defines is missing from what we write.
        for key in schemas["QualityProfileResource"]["properties"]
            .as_object()
            .unwrap()
            .keys()
        {
            assert!(v.get(key).is_some(), "profile lacks {key}");
        }
    }
}
