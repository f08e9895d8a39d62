//! Core domain model: Radarr-compatible qualities and release-name parsing.

pub mod parser;
pub mod quality;
