//! Custom formats, Radarr's way of scoring releases beyond their quality: a named set of
//! conditions ("specifications") on the release title, group, source, resolution, modifier,
//! size, language and indexer flags. A quality profile gives each format a score; the decision
//! engine adds the scores of the formats a release matches.
//!
//! Matching follows Radarr's `CustomFormatCalculationService`: conditions are grouped by
//! implementation; a group matches when none of its *required* conditions fails and at least
//! one of its conditions matches; a format matches when every group does. `negate` inverts a
//! condition before that rule is applied. Pure: no I/O, so the API, the search and the tests
//! share it.

mod json;
mod spec;
#[cfg(test)]
mod tests;

pub use json::{export_shape, FormatError};
pub use spec::{schema, Implementation};

use crate::domain::parser::ParsedRelease;
use crate::domain::quality::{Modifier, Source};
use std::collections::BTreeMap;

/// Bytes in one of Radarr's gigabytes (binary, as its `Gigabytes()` helper).
pub const GIGABYTE: f64 = 1024.0 * 1024.0 * 1024.0;

/// A case-insensitive .NET-style regular expression (lookarounds included, as the TRaSH
/// guides use them), kept with its source text so it can be written back unchanged.
#[derive(Debug, Clone)]
pub struct Pattern {
    /// The text the user gave.
    pub raw: String,
    compiled: fancy_regex::Regex,
}

impl PartialEq for Pattern {
    fn eq(&self, other: &Self) -> bool {
        self.raw == other.raw
    }
}

impl Pattern {
    /// Compiles `raw` case-insensitively; the error says why it is not a valid expression.
    pub fn new(raw: &str) -> Result<Pattern, String> {
        if raw.trim().is_empty() {
            return Err("Regex Pattern must not be empty".into());
        }
        let compiled = fancy_regex::RegexBuilder::new(&format!("(?i){raw}"))
            .backtrack_limit(100_000)
            .build()
            .map_err(|e| format!("invalid regular expression: {e}"))?;
        Ok(Pattern {
            raw: raw.to_string(),
            compiled,
        })
    }

    /// Whether the expression matches somewhere in `text`; a match that runs out of its
    /// backtracking budget counts as no match (a pathological pattern cannot stall a search).
    pub fn is_match(&self, text: &str) -> bool {
        self.compiled.is_match(text).unwrap_or(false)
    }
}

/// What one condition tests, with its parameters.
#[derive(Debug, Clone, PartialEq)]
pub enum Condition {
    /// The release title matches the expression.
    ReleaseTitle(Pattern),
    /// The release group matches the expression.
    ReleaseGroup(Pattern),
    /// The edition text matches the expression.
    Edition(Pattern),
    /// The quality's source is Radarr's source number `value`.
    Source(i64),
    /// The resolution is `value` (480, 720, 1080, ...).
    Resolution(i64),
    /// The quality modifier is Radarr's modifier number `value`.
    QualityModifier(i64),
    /// Size in GB: larger than `min`, at most `max`.
    Size {
        /// Exclusive lower bound in GB.
        min: f64,
        /// Inclusive upper bound in GB.
        max: f64,
    },
    /// The release is in language `value` (Radarr's id; -2 = the movie's original
    /// language); with `except`, in any language other than it.
    Language {
        /// Radarr language id.
        value: i64,
        /// Match languages other than `value` instead.
        except: bool,
    },
    /// The indexer set flag `value` (Radarr's `IndexerFlags` bit).
    IndexerFlag(i64),
}

/// One condition of a format, as Radarr's `CustomFormatSpecificationSchema`.
#[derive(Debug, Clone, PartialEq)]
pub struct Specification {
    /// Display name.
    pub name: String,
    /// What it tests.
    pub condition: Condition,
    /// Inverts the test.
    pub negate: bool,
    /// Must match for the format to match.
    pub required: bool,
}

/// A custom format (`CustomFormatResource`).
#[derive(Debug, Clone, PartialEq)]
pub struct CustomFormat {
    /// Store id (0 before it is stored).
    pub id: i64,
    /// Unique display name.
    pub name: String,
    /// Radarr's `{Custom Formats}` naming token would include it (stored, see README).
    pub include_when_renaming: bool,
    /// Its conditions; at least one.
    pub specifications: Vec<Specification>,
}

/// The facts about a release the conditions look at.
#[derive(Debug, Clone, Copy)]
pub struct MatchInput<'a> {
    /// Release title as published.
    pub title: &'a str,
    /// What the parser read from it.
    pub parsed: &'a ParsedRelease,
    /// Size in bytes (0 when unknown).
    pub size_bytes: u64,
    /// Radarr `IndexerFlags` bits the indexer set.
    pub indexer_flags: u32,
    /// The movie's original language id, when known (for the "Original" language).
    pub original_language: Option<i64>,
}

/// Radarr's language id for an ISO 639-1 code (TMDB's `original_language`), for the
/// "Original" language condition; `None` for languages Radarr has no id for here.
pub fn language_id_from_iso(code: &str) -> Option<i64> {
    const CODES: [(&str, i64); 32] = [
        ("en", 1),
        ("fr", 2),
        ("es", 3),
        ("de", 4),
        ("it", 5),
        ("da", 6),
        ("nl", 7),
        ("ja", 8),
        ("is", 9),
        ("zh", 10),
        ("ru", 11),
        ("pl", 12),
        ("vi", 13),
        ("sv", 14),
        ("no", 15),
        ("fi", 16),
        ("tr", 17),
        ("pt", 18),
        ("el", 20),
        ("ko", 21),
        ("hu", 22),
        ("he", 23),
        ("lt", 24),
        ("cs", 25),
        ("hi", 26),
        ("ro", 27),
        ("th", 28),
        ("bg", 29),
        ("ar", 31),
        ("uk", 32),
        ("fa", 33),
        ("bn", 34),
    ];
    let code = code.trim().to_ascii_lowercase();
    CODES.iter().find(|(c, _)| *c == code).map(|(_, id)| *id)
}

/// Radarr's number for a source (its `QualitySource` enum).
pub fn source_number(s: Source) -> i64 {
    match s {
        Source::Unknown => 0,
        Source::Cam => 1,
        Source::Telesync => 2,
        Source::Telecine => 3,
        Source::Workprint => 4,
        Source::Dvd => 5,
        Source::Tv => 6,
        Source::Webdl => 7,
        Source::Webrip => 8,
        Source::Bluray => 9,
    }
}

/// Radarr's number for a modifier (its `Modifier` enum).
pub fn modifier_number(m: Modifier) -> i64 {
    match m {
        Modifier::None => 0,
        Modifier::Regional => 1,
        Modifier::Screener => 2,
        Modifier::Rawhd => 3,
        Modifier::Brdisk => 4,
        Modifier::Remux => 5,
    }
}

impl Condition {
    /// The condition's own test, before `negate`.
    fn test(&self, input: &MatchInput<'_>) -> bool {
        let p = input.parsed;
        match self {
            Condition::ReleaseTitle(re) => re.is_match(input.title),
            Condition::ReleaseGroup(re) => {
                p.release_group.as_deref().is_some_and(|g| re.is_match(g))
            }
            Condition::Edition(re) => p.edition.as_deref().is_some_and(|e| re.is_match(e)),
            Condition::Source(v) => source_number(p.source) == *v,
            Condition::Resolution(v) => i64::from(p.resolution) == *v,
            Condition::QualityModifier(v) => modifier_number(p.modifier) == *v,
            Condition::Size { min, max } => {
                let size = input.size_bytes as f64;
                size > min * GIGABYTE && size <= max * GIGABYTE
            }
            Condition::Language { value, except } => {
                let wanted = if *value == -2 {
                    match input.original_language {
                        Some(l) => l,
                        None => return false,
                    }
                } else {
                    *value
                };
                let ids = p.languages.iter().map(|l| i64::from(l.id()));
                if *except {
                    ids.into_iter().any(|id| id != wanted)
                } else {
                    ids.into_iter().any(|id| id == wanted)
                }
            }
            Condition::IndexerFlag(v) => {
                let bit = u32::try_from(*v).unwrap_or(0);
                bit != 0 && input.indexer_flags & bit == bit
            }
        }
    }

    /// Which implementation this condition belongs to (the grouping key of the match rule).
    pub fn implementation(&self) -> Implementation {
        match self {
            Condition::ReleaseTitle(_) => Implementation::ReleaseTitle,
            Condition::ReleaseGroup(_) => Implementation::ReleaseGroup,
            Condition::Edition(_) => Implementation::Edition,
            Condition::Source(_) => Implementation::Source,
            Condition::Resolution(_) => Implementation::Resolution,
            Condition::QualityModifier(_) => Implementation::QualityModifier,
            Condition::Size { .. } => Implementation::Size,
            Condition::Language { .. } => Implementation::Language,
            Condition::IndexerFlag(_) => Implementation::IndexerFlag,
        }
    }
}

impl Specification {
    /// The condition's verdict with `negate` applied (Radarr's `IsSatisfiedBy`).
    pub fn is_satisfied_by(&self, input: &MatchInput<'_>) -> bool {
        self.condition.test(input) != self.negate
    }
}

impl CustomFormat {
    /// Radarr's rule: per implementation, no required condition fails and at least one
    /// condition matches; every implementation group must pass.
    pub fn matches(&self, input: &MatchInput<'_>) -> bool {
        let mut groups: BTreeMap<Implementation, Vec<(bool, bool)>> = BTreeMap::new();
        for s in &self.specifications {
            groups
                .entry(s.condition.implementation())
                .or_default()
                .push((s.required, s.is_satisfied_by(input)));
        }
        groups.values().all(|group| {
            !group.iter().any(|(required, ok)| *required && !ok) && group.iter().any(|(_, ok)| *ok)
        })
    }
}

/// The formats of `all` that the release matches, in `all`'s order.
pub fn matching<'f>(all: &'f [CustomFormat], input: &MatchInput<'_>) -> Vec<&'f CustomFormat> {
    all.iter().filter(|f| f.matches(input)).collect()
}
