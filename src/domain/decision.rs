//! The release decision engine: given a movie and the releases indexers
//! returned for it, say which may be grabbed, why the others may not, and
//! in which order the acceptable ones are preferred.
//!
//! It follows Radarr's decision specifications (quality allowed by profile,
//! acceptable size, minimum seeders, blocklist, upgrade/cutoff) and its
//! `DownloadDecisionComparer` (profile order, revision, seeders, size), but
//! stays a pure function over plain data: no I/O, no clock, no store, so the
//! search service, the API's manual search and the tests all share it.

mod formats;

pub use formats::{cutoff_unmet, file_score, score_of, FormatMatch};

use crate::domain::custom_format::CustomFormat;
use crate::domain::parser::ParsedRelease;
use crate::domain::profile::QualityProfile;
use crate::domain::quality::QualityModel;
use crate::domain::size_limits::SizeLimits;
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;

/// The engine's view of one release from any indexer (Torznab, HDBits...):
/// what the indexer said about it plus what the parser read from its title.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Candidate {
    /// Indexer-unique id of the release (also a blocklist key).
    pub guid: String,
    /// Release title as published.
    pub title: String,
    /// Name of the indexer that returned it (for messages and history).
    pub indexer: String,
    /// Total size in bytes; 0 when the indexer did not say.
    pub size_bytes: u64,
    /// Seeders when the indexer reports them (torrents); `None` = unknown.
    pub seeders: Option<u32>,
    /// BitTorrent info-hash, when known (the other blocklist key).
    pub info_hash: Option<String>,
    /// What [`crate::domain::parser::parse_title`] read from the title
    /// (possibly refined by indexer hints).
    pub parsed: ParsedRelease,
    /// Age since publication in hours, when known (informational).
    pub age_hours: Option<f64>,
    /// The tracker does not count the download against ratio (informational).
    pub freeleech: bool,
    /// Radarr `IndexerFlags` bits (freeleech, halfleech, internal...) for custom formats.
    pub indexer_flags: u32,
}

/// Everything about the movie the rules need, gathered by the caller.
#[derive(Debug, Clone, PartialEq)]
pub struct MovieContext {
    /// Runtime from TMDB; `None` (or 0) skips the size rule.
    pub runtime_minutes: Option<u32>,
    /// Quality of the file already in the library, if any.
    pub existing: Option<QualityModel>,
    /// The movie's quality profile.
    pub profile: QualityProfile,
    /// Blocklisted guids or info-hashes (compared case-insensitively).
    pub blocklist: Vec<String>,
    /// Torrents reporting fewer seeders than this are rejected...
    pub min_seeders: u32,
    /// ...unless their indexer sets its own minimum (Torznab/HDBits `minimumSeeders`), by name.
    pub indexer_min_seeders: std::collections::HashMap<String, u32>,
    /// Per-quality size limits (Radarr's quality definitions).
    pub size_limits: SizeLimits,
    /// Every custom format; the profile's `formatItems` give them their scores.
    pub custom_formats: Vec<CustomFormat>,
    /// Custom-format score of the file already in the library (0 without one).
    pub existing_format_score: i32,
    /// The movie's original language id, for "Original" language conditions.
    pub original_language: Option<i64>,
}

impl MovieContext {
    /// A context with Radarr's defaults: unknown runtime, no file, empty
    /// blocklist, at least 1 seeder, default size limits.
    pub fn new(profile: QualityProfile) -> Self {
        MovieContext {
            runtime_minutes: None,
            existing: None,
            profile,
            blocklist: Vec::new(),
            min_seeders: 1,
            indexer_min_seeders: Default::default(),
            size_limits: SizeLimits::radarr_defaults(),
            custom_formats: Vec::new(),
            existing_format_score: 0,
            original_language: None,
        }
    }

    fn runtime(&self) -> Option<u32> {
        self.runtime_minutes.filter(|r| *r > 0)
    }
}

/// Why a release was turned down; stable snake_case names for the API and
/// history.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RejectionReason {
    /// The title says nothing recognisable about quality and the profile
    /// does not allow `Unknown`.
    UnknownQuality,
    /// The quality is not allowed by the profile.
    QualityNotWanted,
    /// Smaller than the quality's minimum for this runtime (likely fake).
    SizeTooSmall,
    /// Larger than the quality's maximum for this runtime.
    SizeTooLarge,
    /// Fewer seeders than the configured minimum.
    TooFewSeeders,
    /// The guid or info-hash is on the blocklist (it failed before).
    Blocklisted,
    /// The existing file already meets the cutoff, or the profile does not
    /// allow upgrades.
    CutoffMet,
    /// The existing file is of equal or better quality.
    NotAnUpgrade,
    /// The release's custom-format score is below the profile's minimum.
    FormatScoreTooLow,
}

/// One reason a release was rejected, with a message for humans.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rejection {
    /// Machine-readable reason.
    pub reason: RejectionReason,
    /// Radarr-style explanation, e.g. "Bluray-2160p is not wanted in
    /// profile HD-1080p".
    pub message: String,
}

/// The verdict on one candidate.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Decision {
    /// The release judged.
    pub candidate: Candidate,
    /// True when no rule rejected it.
    pub accepted: bool,
    /// Every rule that rejected it (empty when accepted).
    pub rejections: Vec<Rejection>,
    /// Position of its quality in the profile (0 = worst; qualities in one
    /// group share a rank); `None` when the profile does not list it.
    pub quality_rank: Option<usize>,
    /// True when it would replace the movie's existing file.
    pub upgrade: bool,
    /// The custom formats the release matches.
    pub custom_formats: Vec<FormatMatch>,
    /// Sum of their scores in the movie's profile.
    pub custom_format_score: i32,
}

impl Decision {
    /// The release's quality and revision.
    pub fn quality(&self) -> QualityModel {
        self.candidate.parsed.quality_model()
    }

    /// Whether a given rule rejected it (handy for callers and tests).
    pub fn rejected_for(&self, reason: RejectionReason) -> bool {
        self.rejections.iter().any(|r| r.reason == reason)
    }
}

/// Human size with binary units like Radarr's `SizeSuffix` ("1.2 GB").
pub fn format_size(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KB", "MB", "GB", "TB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

fn describe(q: &QualityModel) -> String {
    let mut s = q.quality.name.to_string();
    if q.revision.version > 1 {
        s.push_str(&format!(" v{}", q.revision.version));
    }
    if q.revision.real > 0 {
        s.push_str(" REAL");
    }
    s
}

pub(super) fn reject(out: &mut Vec<Rejection>, reason: RejectionReason, message: String) {
    out.push(Rejection { reason, message });
}

fn check_quality(movie: &MovieContext, c: &Candidate, out: &mut Vec<Rejection>) {
    let quality = c.parsed.quality;
    let profile = &movie.profile;
    if profile.allows(quality.id) {
        return;
    }
    if quality.id == 0 {
        reject(
            out,
            RejectionReason::UnknownQuality,
            format!(
                "Quality is unknown and profile {} does not allow Unknown",
                profile.name
            ),
        );
    } else {
        reject(
            out,
            RejectionReason::QualityNotWanted,
            format!("{} is not wanted in profile {}", quality.name, profile.name),
        );
    }
}

fn check_size(movie: &MovieContext, c: &Candidate, out: &mut Vec<Rejection>) {
    let (Some(runtime), Some(limits)) =
        (movie.runtime(), movie.size_limits.get(c.parsed.quality.id))
    else {
        return;
    };
    let size = c.size_bytes;
    if size == 0 {
        return;
    }
    let min = limits.min_bytes(runtime);
    if size < min {
        reject(
            out,
            RejectionReason::SizeTooSmall,
            format!(
                "{} is smaller than minimum allowed {} (for a {runtime} minute movie)",
                format_size(size),
                format_size(min)
            ),
        );
    }
    if let Some(max) = limits.max_bytes(runtime).filter(|max| size > *max) {
        reject(
            out,
            RejectionReason::SizeTooLarge,
            format!(
                "{} is larger than maximum allowed {} (for a {runtime} minute movie)",
                format_size(size),
                format_size(max)
            ),
        );
    }
}

fn check_seeders(movie: &MovieContext, c: &Candidate, out: &mut Vec<Rejection>) {
    let min = *movie
        .indexer_min_seeders
        .get(&c.indexer)
        .unwrap_or(&movie.min_seeders);
    if let Some(seeders) = c.seeders.filter(|s| *s < min) {
        reject(
            out,
            RejectionReason::TooFewSeeders,
            format!("Not enough seeders: {seeders}. Minimum seeders: {min}"),
        );
    }
}

fn check_blocklist(movie: &MovieContext, c: &Candidate, out: &mut Vec<Rejection>) {
    let matches = |key: &str| {
        let key = key.trim();
        !key.is_empty()
            && movie
                .blocklist
                .iter()
                .any(|b| b.trim().eq_ignore_ascii_case(key))
    };
    let by = if matches(&c.guid) {
        "guid"
    } else if c.info_hash.as_deref().is_some_and(matches) {
        "info hash"
    } else {
        return;
    };
    reject(
        out,
        RejectionReason::Blocklisted,
        format!("Release is blocklisted (matched by {by})"),
    );
}

/// Upgrade rules against the file we have; returns whether the candidate
/// would be an upgrade. As Radarr's `UpgradableSpecification`: a better
/// quality (or revision) upgrades; an equal one upgrades only when its
/// custom-format score beats the file's by at least `minUpgradeFormatScore`;
/// the cutoff is met once both the quality cutoff and `cutoffFormatScore`
/// are reached.
fn check_existing(
    movie: &MovieContext,
    c: &Candidate,
    score: i32,
    out: &mut Vec<Rejection>,
) -> bool {
    let Some(existing) = movie.existing.as_ref() else {
        return false;
    };
    let profile = &movie.profile;
    let new = c.parsed.quality_model();
    let have = movie.existing_format_score;
    let format_upgrade = profile.compare(&new, existing) == Ordering::Equal
        && score.saturating_sub(have) >= profile.min_upgrade_format_score.max(1);
    let upgrade = profile.is_upgrade(existing, &new) || format_upgrade;
    let format_cutoff_met = have >= profile.cutoff_format_score;
    if !profile.upgrade_allowed {
        reject(
            out,
            RejectionReason::CutoffMet,
            format!(
                "Existing file ({}) is kept: profile {} does not allow upgrades",
                describe(existing),
                profile.name
            ),
        );
    } else if profile.cutoff_met(existing)
        && format_cutoff_met
        && !profile.is_revision_upgrade(existing, &new)
    {
        let cutoff = profile.cutoff_item().map_or("?", |i| i.name());
        reject(
            out,
            RejectionReason::CutoffMet,
            format!(
                "Existing file ({}) meets cutoff: {cutoff}",
                describe(existing)
            ),
        );
    }
    if !upgrade {
        reject(
            out,
            RejectionReason::NotAnUpgrade,
            format!(
                "Existing file on disk is of equal or higher preference: {}",
                describe(existing)
            ),
        );
    }
    upgrade
}

/// How close a release's size is to what we want: nearer the preferred size
/// is better when there is one (and a runtime to scale it by), otherwise
/// larger is better, as Radarr.  Unknown sizes rank last.
fn size_score(movie: &MovieContext, c: &Candidate) -> i128 {
    let preferred = movie.runtime().and_then(|r| {
        movie
            .size_limits
            .get(c.parsed.quality.id)
            .and_then(|l| l.preferred_bytes(r))
    });
    match (c.size_bytes, preferred) {
        (0, _) => i128::MIN,
        (size, Some(p)) => -(i128::from(size) - i128::from(p)).abs(),
        (size, None) => i128::from(size),
    }
}

struct Ranked {
    decision: Decision,
    size_score: i128,
}

/// `Greater` when `a` is preferred: profile order, then revision (version,
/// then REAL), then custom-format score (as Radarr's `DownloadDecisionComparer`),
/// then seeders, then size.
fn preference(a: &Ranked, b: &Ranked) -> Ordering {
    let (qa, qb) = (a.decision.quality(), b.decision.quality());
    a.decision
        .quality_rank
        .cmp(&b.decision.quality_rank)
        .then_with(|| {
            (qa.revision.version, qa.revision.real).cmp(&(qb.revision.version, qb.revision.real))
        })
        .then_with(|| {
            a.decision
                .custom_format_score
                .cmp(&b.decision.custom_format_score)
        })
        .then_with(|| {
            a.decision
                .candidate
                .seeders
                .cmp(&b.decision.candidate.seeders)
        })
        .then_with(|| a.size_score.cmp(&b.size_score))
}

/// Judge every candidate for a movie.  Returns one decision per candidate,
/// accepted ones first in preference order (best first), then the rejected
/// ones in the same order; ties keep the input order.
pub fn evaluate(movie: &MovieContext, candidates: Vec<Candidate>) -> Vec<Decision> {
    let mut ranked: Vec<Ranked> = candidates
        .into_iter()
        .map(|candidate| {
            let mut rejections = Vec::new();
            let (custom_formats, score) = formats::candidate_score(movie, &candidate);
            check_quality(movie, &candidate, &mut rejections);
            check_size(movie, &candidate, &mut rejections);
            check_seeders(movie, &candidate, &mut rejections);
            check_blocklist(movie, &candidate, &mut rejections);
            formats::check_min_score(movie, &custom_formats, score, &mut rejections);
            let upgrade = check_existing(movie, &candidate, score, &mut rejections);
            let size_score = size_score(movie, &candidate);
            Ranked {
                decision: Decision {
                    quality_rank: movie.profile.index_of(candidate.parsed.quality.id),
                    accepted: rejections.is_empty(),
                    rejections,
                    upgrade,
                    candidate,
                    custom_formats,
                    custom_format_score: score,
                },
                size_score,
            }
        })
        .collect();
    ranked.sort_by(|a, b| {
        b.decision
            .accepted
            .cmp(&a.decision.accepted)
            .then_with(|| preference(b, a))
    });
    ranked.into_iter().map(|r| r.decision).collect()
}

/// The release to grab: the first accepted decision of [`evaluate`]'s
/// output, or `None` when everything was rejected.
pub fn best(decisions: &[Decision]) -> Option<&Decision> {
    decisions.iter().find(|d| d.accepted)
}

#[cfg(test)]
mod tests;
