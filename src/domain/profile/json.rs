//! Radarr's `QualityProfileResource` JSON: how a profile is written to and read from the API and
//! the store, so Radarr clients and exported Radarr databases work unchanged.

use super::{FormatItem, ProfileItem, ProfileLanguage, QualityProfile};
use crate::domain::quality::Quality;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

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
