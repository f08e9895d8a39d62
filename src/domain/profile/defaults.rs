//! The profiles Radarr creates: one from a list of allowed qualities, and the six defaults of a
//! fresh install.

use super::{ProfileItem, ProfileLanguage, QualityProfile, GROUP_ID_BASE};
use crate::domain::quality::{Quality, Source};

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
}
