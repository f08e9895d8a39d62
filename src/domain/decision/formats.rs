//! Custom formats in the decision engine: which formats a release matches, the score the
//! movie's profile gives them, and Radarr's `CustomFormatAllowedByProfileSpecification`
//! (a release scoring below the profile's `minFormatScore` is rejected).

use super::{reject, Candidate, MovieContext, Rejection, RejectionReason};
use crate::domain::custom_format::{language_id_from_iso, matching, CustomFormat, MatchInput};
use crate::domain::movie::Movie;
use crate::domain::profile::QualityProfile;
use crate::domain::quality::QualityModel;
use serde::Serialize;

/// A format a release matched, as the API lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FormatMatch {
    /// Custom format id.
    pub id: i64,
    /// Its name.
    pub name: String,
}

/// The formats of `formats` the release described by `input` matches, and the sum of the
/// scores `profile` gives them (formats the profile does not list score 0).
pub fn score_of(
    profile: &QualityProfile,
    formats: &[CustomFormat],
    input: &MatchInput<'_>,
) -> (Vec<FormatMatch>, i32) {
    let matched = matching(formats, input);
    let score = matched
        .iter()
        .map(|f| {
            profile
                .format_items
                .iter()
                .find(|i| i64::from(i.format) == f.id)
                .map_or(0, |i| i.score)
        })
        .fold(0i32, i32::saturating_add);
    let list = matched
        .into_iter()
        .map(|f| FormatMatch {
            id: f.id,
            name: f.name.clone(),
        })
        .collect();
    (list, score)
}

/// The score `profile` gives a movie's imported file, judged by its file name and size as
/// Radarr judges a file without a scene name; what `cutoffFormatScore` and upgrades compare.
pub fn file_score(
    profile: &QualityProfile,
    formats: &[CustomFormat],
    relative_path: &str,
    size: i64,
    original_language: Option<i64>,
) -> i32 {
    let name = relative_path.rsplit('/').next().unwrap_or(relative_path);
    let parsed = crate::domain::parser::parse_title(name);
    let input = MatchInput {
        title: name,
        parsed: &parsed,
        size_bytes: u64::try_from(size).unwrap_or(0),
        indexer_flags: 0,
        original_language,
    };
    score_of(profile, formats, &input).1
}

/// Radarr's cutoff rule for a movie's file (wanted/cutoff, the missing search): unmet while its
/// `quality` is below the profile's cutoff or its custom-format score below
/// `cutoffFormatScore`. A movie without a file has no cutoff to meet.
pub fn cutoff_unmet(
    profile: &QualityProfile,
    formats: &[CustomFormat],
    movie: &Movie,
    quality: &QualityModel,
) -> bool {
    let Some(f) = &movie.file else { return false };
    if !profile.cutoff_met(quality) {
        return true;
    }
    let lang = movie
        .metadata
        .value()
        .get("originalLanguage")
        .and_then(|v| v.as_str())
        .and_then(language_id_from_iso);
    file_score(profile, formats, &f.relative_path, f.size, lang) < profile.cutoff_format_score
}

/// The candidate's formats and score under the movie's profile.
pub(super) fn candidate_score(movie: &MovieContext, c: &Candidate) -> (Vec<FormatMatch>, i32) {
    let input = MatchInput {
        title: &c.title,
        parsed: &c.parsed,
        size_bytes: c.size_bytes,
        indexer_flags: c.indexer_flags,
        original_language: movie.original_language,
    };
    score_of(&movie.profile, &movie.custom_formats, &input)
}

/// Rejects a release whose score is below the profile's minimum, naming its formats.
pub(super) fn check_min_score(
    movie: &MovieContext,
    formats: &[FormatMatch],
    score: i32,
    out: &mut Vec<Rejection>,
) {
    let min = movie.profile.min_format_score;
    if score >= min {
        return;
    }
    let names: Vec<&str> = formats.iter().map(|f| f.name.as_str()).collect();
    reject(
        out,
        RejectionReason::FormatScoreTooLow,
        format!(
            "Custom Formats [{}] have score {score} below Movie's minimum {min}",
            names.join(", ")
        ),
    );
}
