//! Edition detection (Radarr's `EditionRegex`): `Directors Cut`,
//! `Extended`, `IMAX`, `Remastered`... after the title, beside the year or
//! inside brackets.

use super::tokens::Tokens;
use once_cell::sync::Lazy;
use regex::Regex;

/// `DC` / `SE` in capitals right beside the year (`Alien DC (1979)`,
/// `Requiem.For.A.Dream.2000.DC`): Director's Cut / Special Edition.
pub(crate) fn abbreviated_edition(t: &Tokens, year_idx: Option<usize>) -> Option<String> {
    let y = year_idx?;
    [y.wrapping_sub(1), y + 1]
        .into_iter()
        .find_map(|i| match t.raw(i) {
            "DC" => Some("Directors Cut".to_string()),
            "SE" => Some("Special Edition".to_string()),
            _ => None,
        })
}

pub(crate) const EDITION_CORE: &str = r"(?:(?:Recut|Extended|Ultimate)[ ._-])?(?:Director.?s|Collector.?s|Theatrical|Ultimate|Extended|Despecialized|Director[ ._-]Cut|(?:Special|Rogue|Final|Assembly)[ ._-](?:Cut|Edition|Version)|\d{2,3}(?:th)?[ ._-]Anniversary)(?:[ ._-](?:Cut|Edition|Version))?(?:[ ._-](?:Extended|Uncensored|Remastered|Unrated|Uncut|IMAX|Fan[ ._-]?Edit))?|Uncensored|Remastered|Remaster|Unrated|Uncut|IMAX|Fan[ ._-]?Edit|Edition(?:[ ._-]Collector)?|Restored|[234]in1|Criterion(?:[ ._-]Collection)?";

static EDITION: Lazy<Regex> = Lazy::new(|| {
    Regex::new(&format!(r"(?i)(?-u:\b)({EDITION_CORE})(?-u:\b)")).expect("valid regex")
});
pub(crate) static TRAILING_EDITION: Lazy<Regex> = Lazy::new(|| {
    Regex::new(&format!(r"(?i)[ ._-]+[(\[]?(?:{EDITION_CORE})[)\]]?$")).expect("valid regex")
});

/// True when `w` (a lower-cased token) can be the last word of an
/// edition, so [`TRAILING_EDITION`] can only match a text ending in it.
pub(crate) fn may_end_edition(w: &str) -> bool {
    w.starts_with("director")
        || w.starts_with("collector")
        || matches!(
            w,
            "cut"
                | "edition"
                | "version"
                | "extended"
                | "uncensored"
                | "remastered"
                | "remaster"
                | "unrated"
                | "uncut"
                | "imax"
                | "edit"
                | "fanedit"
                | "restored"
                | "2in1"
                | "3in1"
                | "4in1"
                | "criterion"
                | "collection"
                | "theatrical"
                | "ultimate"
                | "despecialized"
                | "anniversary"
        )
}

/// True when the lower-cased word `w` can start an edition match (every
/// alternative of [`EDITION_CORE`] begins with one of these words), so the
/// edition regexes only run on the few names that name one.
pub(crate) fn may_start_edition(w: &str) -> bool {
    match w.as_bytes().first() {
        Some(b'd') => w.starts_with("director") || w == "despecialized",
        Some(b'c') => w.starts_with("collector") || w.starts_with("criterion"),
        Some(b'e') => matches!(w, "extended" | "edition"),
        Some(b'f') => w.starts_with("fan") || w == "final",
        Some(b'r') => matches!(w, "recut" | "rogue" | "restored") || w.starts_with("remaster"),
        Some(b'u') => matches!(w, "ultimate" | "uncensored" | "unrated" | "uncut"),
        Some(b't') => w == "theatrical",
        Some(b's') => w == "special",
        Some(b'a') => w == "assembly",
        Some(b'i') => w == "imax",
        Some(b'0'..=b'9') => {
            let b = w.as_bytes();
            ((2..=3).contains(&b.len()) && b.iter().all(u8::is_ascii_digit))
                || ((3..=5).contains(&b.len()) && (w.ends_with("th") || w.ends_with("in1")))
        }
        _ => false,
    }
}

/// Radarr-style edition text found in `tail` (dots replaced by spaces).
/// Several editions (`Extended Cut Ultimate Edition`) are joined by a space.
pub(crate) fn edition(tail: &str) -> Option<String> {
    let tail: std::borrow::Cow<str> = if tail.contains('_') {
        tail.replace('_', " ").into()
    } else {
        tail.into()
    };
    let mut parts: Vec<String> = Vec::new();
    // The word boundaries are zero-width: the whole match is the edition.
    for m in EDITION.find_iter(&tail).take(4) {
        let text = m.as_str().replace('.', " ");
        if !parts.iter().any(|p| p.eq_ignore_ascii_case(&text)) {
            parts.push(text);
        }
    }
    (!parts.is_empty()).then(|| parts.join(" "))
}

/// An edition named inside brackets anywhere in the name
/// (`Queen - A Kind of Magic (Alternative Extended Version) 2014`).
pub(crate) fn bracketed_edition(body: &str) -> Option<String> {
    if !body.contains(['(', '[']) {
        return None;
    }
    body.split(['(', '['])
        .skip(1)
        .filter_map(|seg| seg.split([')', ']']).next())
        .take(8)
        .find_map(edition)
}
