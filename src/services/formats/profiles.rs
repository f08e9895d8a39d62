//! Profiles and custom formats: a profile's `formatItems` always list every existing format
//! once (a new format scores 0 until set, a deleted one disappears, as Radarr keeps them), and
//! a profile naming a format that does not exist, or a `minFormatScore` no release could
//! reach, is refused naming the field.

use crate::domain::custom_format::CustomFormat;
use crate::domain::profile::{FormatItem, QualityProfile};
use crate::services::ServiceError;

fn invalid(field: &str, message: String) -> ServiceError {
    ServiceError::invalid("invalid_profile", format!("{field}: {message}"))
        .with("field", field)
        .with("propertyName", field)
}

/// Rewrites `p.format_items` to one item per format in `formats` order, keeping the scores it
/// had and naming each.
pub fn sync_format_items(p: &mut QualityProfile, formats: &[CustomFormat]) {
    let scores: Vec<(i64, i32)> = p
        .format_items
        .iter()
        .map(|i| (i64::from(i.format), i.score))
        .collect();
    p.format_items = formats
        .iter()
        .filter_map(|f| {
            Some(FormatItem {
                format: i32::try_from(f.id).ok()?,
                name: Some(f.name.clone()),
                score: scores
                    .iter()
                    .find(|(id, _)| *id == f.id)
                    .map_or(0, |(_, s)| *s),
            })
        })
        .collect();
}

/// Radarr's profile rules about formats: every item names an existing format, and the minimum
/// score is reachable (by the sum of the positive scores or the best single one).
pub fn check_format_items(
    p: &QualityProfile,
    formats: &[CustomFormat],
) -> Result<(), ServiceError> {
    for (i, item) in p.format_items.iter().enumerate() {
        if !formats.iter().any(|f| f.id == i64::from(item.format)) {
            return Err(invalid(
                &format!("formatItems[{i}].format"),
                format!("custom format {} does not exist", item.format),
            ));
        }
    }
    let positive: i64 = p
        .format_items
        .iter()
        .map(|i| i64::from(i.score.max(0)))
        .sum();
    let best = p
        .format_items
        .iter()
        .map(|i| i64::from(i.score))
        .max()
        .unwrap_or(0);
    let min = i64::from(p.min_format_score);
    if positive < min && best < min {
        return Err(invalid(
            "minFormatScore",
            format!("Minimum Custom Format Score can never be satisfied ({min} with formats scoring at most {positive})"),
        ));
    }
    Ok(())
}
