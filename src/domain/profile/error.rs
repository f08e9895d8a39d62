//! Why a profile cannot be saved, worded like Radarr's validator.

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
