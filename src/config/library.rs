//! `[library]` (how imported files are named and placed, what a release needs to be grabbed) and
//! `[automation]` (how often the scheduler refreshes metadata, searches for missing movies and
//! checks downloads). Kept apart from `mod.rs` so each section stays readable.

use serde::{Deserialize, Serialize};

/// `[library]`: import naming and grab rules.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct LibraryConfig {
    /// File name (without extension) of an imported movie inside its folder. Tokens as in
    /// Radarr: `{Movie Title}`, `{Release Year}`, `{Quality Title}`, `{Quality Full}`,
    /// `{Edition Tags}`, `{Release Group}`.
    pub movie_file_format: String,
    /// Hardlink imports when the download and the library share a filesystem (the torrent keeps
    /// seeding from its own file either way); `false` always copies.
    pub use_hardlinks: bool,
    /// Torrents with fewer seeders are not grabbed.
    pub minimum_seeders: u32,
}

impl Default for LibraryConfig {
    fn default() -> Self {
        LibraryConfig {
            movie_file_format: "{Movie Title} ({Release Year}) [{Quality Title}]".into(),
            use_hardlinks: true,
            minimum_seeders: 1,
        }
    }
}

/// `[automation]`: the scheduler's intervals; 0 turns a task off (it can still be run by a command).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct AutomationConfig {
    /// Refresh TMDB metadata of every library movie (`RefreshMovie`).
    pub refresh_interval_hours: u64,
    /// Search indexers for monitored movies without a file (`MissingMoviesSearch`).
    pub missing_search_interval_hours: u64,
    /// Check qBittorrent and import finished downloads (`RefreshMonitoredDownloads`).
    pub download_check_interval_seconds: u64,
    /// How long a failed import waits before it is tried again on its own.
    pub import_retry_seconds: u64,
}

impl Default for AutomationConfig {
    fn default() -> Self {
        AutomationConfig {
            refresh_interval_hours: 24,
            missing_search_interval_hours: 6,
            download_check_interval_seconds: 60,
            import_retry_seconds: 300,
        }
    }
}

/// Problems in these sections as (key, message) pairs.
pub(crate) fn validate(
    lib: &LibraryConfig,
    auto: &AutomationConfig,
    err: &mut dyn FnMut(&str, String),
) {
    let f = lib.movie_file_format.trim();
    if f.is_empty() || f.contains('/') || f.contains('\\') {
        err(
            "library.movie_file_format",
            format!("must be a non-empty file name without path separators, got {f:?}"),
        );
    }
    if let Some(bad) = unknown_token(f) {
        err(
            "library.movie_file_format",
            format!("unknown token {{{bad}}}; known: {}", TOKENS.join(", ")),
        );
    }
    if auto.download_check_interval_seconds > 0 && auto.download_check_interval_seconds < 5 {
        err(
            "automation.download_check_interval_seconds",
            format!(
                "must be 0 (off) or at least 5, got {}",
                auto.download_check_interval_seconds
            ),
        );
    }
}

/// Naming tokens the import step understands.
pub const TOKENS: &[&str] = &[
    "Movie Title",
    "Release Year",
    "Quality Title",
    "Quality Full",
    "Edition Tags",
    "Release Group",
];

fn unknown_token(format: &str) -> Option<String> {
    let mut rest = format;
    while let Some(start) = rest.find('{') {
        let after = &rest[start + 1..];
        let end = after.find('}')?;
        let token = &after[..end];
        if !TOKENS.contains(&token) {
            return Some(token.to_string());
        }
        rest = &after[end + 1..];
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_tokens_and_separators_are_named() {
        let mut problems = Vec::new();
        let lib = LibraryConfig {
            movie_file_format: "{Movie Title}/{Bogus}".into(),
            ..Default::default()
        };
        validate(&lib, &AutomationConfig::default(), &mut |k, m| {
            problems.push(format!("{k}: {m}"))
        });
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems[1].contains("{Bogus}"));
        let mut none = Vec::new();
        validate(
            &LibraryConfig::default(),
            &AutomationConfig::default(),
            &mut |k, m| none.push(format!("{k}: {m}")),
        );
        assert!(none.is_empty(), "{none:?}");
    }
}
