//! Core domain model: Radarr-compatible qualities, release-name parsing, quality profiles, size
//! limits, the release decision engine and library records.

pub mod custom_format;
pub mod decision;
pub mod history;
pub mod movie;
pub mod parser;
pub mod profile;
pub mod quality;
pub mod size_limits;
