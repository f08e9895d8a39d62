//! Core domain model: Radarr-compatible qualities, release-name parsing and library records.

pub mod movie;
pub mod parser;
pub mod quality;
