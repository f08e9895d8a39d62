//! How a profile ranks and judges qualities (order, cutoff, upgrades) and whether it can be
//! stored.

use super::{ProfileError, ProfileItem, QualityProfile};
use crate::domain::quality::{Quality, QualityModel, Revision};
use std::cmp::Ordering;
use std::collections::HashSet;

/// Radarr compares revisions by version, then REAL count (not by repack).
fn revision_key(r: &Revision) -> (u32, u32) {
    (r.version, r.real)
}

impl QualityProfile {
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
