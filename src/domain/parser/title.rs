//! Movie title / year split and edition detection.

use super::language::{clear_language_word, is_multi};
use super::quality_words::{explicit_resolution, source_at, SrcWord};
use super::tokens::Tokens;
use once_cell::sync::Lazy;
use regex::Regex;

/// True for a plausible release year token.
pub(crate) fn year_of(w: &str) -> Option<u16> {
    if w.len() != 4 || !w.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let y: u16 = w.parse().ok()?;
    (1800..=2099).contains(&y).then_some(y)
}

/// Words that never appear in a movie title: the title certainly ended.
fn is_definite_marker(t: &Tokens, i: usize) -> bool {
    let w = t.low(i);
    if explicit_resolution(w).is_some() || is_frame_size(w) {
        return true;
    }
    if let Some((src, _)) = source_at(t, i) {
        let ambiguous = matches!(
            w,
            "web" | "ts" | "tc" | "cam" | "dvd" | "scr" | "wp" | "bd" | "hd" | "screener"
        ) || src == SrcWord::Regional;
        if !ambiguous {
            return true;
        }
    }
    matches!(
        w,
        "x264"
            | "x265"
            | "h264"
            | "h265"
            | "hevc"
            | "avc"
            | "xvid"
            | "divx"
            | "av1"
            | "dts"
            | "aac"
            | "ac3"
            | "eac3"
            | "truehd"
            | "atmos"
            | "ddp5"
            | "dd5"
            | "ddp"
            | "ddp2"
            | "dd2"
            | "aac2"
            | "flac"
            | "hdr10"
            | "hdr10plus"
            | "dovi"
            | "10bit"
            | "8bit"
            | "remux"
            | "bdremux"
            | "uhd"
            | "repack"
            | "rerip"
            | "hdrip"
            | "amzn"
            | "dsnp"
            | "hmax"
            | "atvp"
            | "hulu"
            | "pcok"
            | "truefrench"
            | "vostfr"
            | "multi"
            | "multisubs"
            | "dtshd"
            | "dtsx"
            | "xvidhd"
            | "hdtvrip"
            | "uhdremux"
            | "vp9"
    )
}

/// A frame size such as `1444x866` or `720x432`.
fn is_frame_size(w: &str) -> bool {
    w.split_once('x').is_some_and(|(a, b)| {
        (3..=4).contains(&a.len())
            && (3..=4).contains(&b.len())
            && a.bytes().chain(b.bytes()).all(|c| c.is_ascii_digit())
    })
}

/// Words that end a title only when nothing better is known.
fn is_soft_marker(w: &str, raw: &str) -> bool {
    clear_language_word(w, raw).is_some()
        || is_multi(w)
        || matches!(
            w,
            "web"
                | "cam"
                | "ts"
                | "tc"
                | "dvd"
                | "screener"
                | "scr"
                | "proper"
                | "limited"
                | "internal"
                | "hdr"
                | "dv"
                | "4k"
                | "complete"
                | "iso"
                | "pal"
                | "ntsc"
                | "dl"
                | "dual"
                | "dubbed"
                | "subbed"
                | "hc"
                | "3d"
                | "sbs"
                | "ws"
                | "festival"
                | "stv"
                | "retail"
                | "readnfo"
                | "nfofix"
                | "bd"
                | "real"
                | "hsbs"
                | "ac3d"
                | "ld"
                | "md"
                | "extended"
                | "unrated"
                | "uncut"
                | "remastered"
                | "imax"
                | "theatrical"
                | "directors"
                | "criterion"
                | "rip"
                | "nf"
                | "hybrid"
                | "open"
                | "matte"
                | "hq"
                | "hfr"
                | "doku"
                | "convert"
                | "xxx"
                | "ppv"
                | "vo"
                | "vr"
                | "vr180"
        )
        || matches!(raw, "DC" | "SE")
        || (w.len() > 3 && w.ends_with("fps") && w.as_bytes()[0].is_ascii_digit())
        || (w.len() == 2 && w.starts_with('r') && w.as_bytes()[1].is_ascii_digit())
}

/// Where the title stops and what the year is, before the group is known.
pub(crate) struct Anchors {
    /// First token of the title (after leading technical words such as
    /// `h265 - HEVC Riddick`, or a lower-case scene group prefix).
    pub lead: usize,
    /// First definite (never-in-a-title) marker token, or `len`.
    pub stop: usize,
    /// Chosen year token, if any.
    pub year_idx: Option<usize>,
}

/// Find the first definite marker and the release year: the last year-like
/// word before the first marker (so "Blade Runner 2049 2017" → 2017),
/// otherwise the first one after it.  `min_lead` tokens are skipped.
pub(crate) fn anchors(t: &Tokens, min_lead: usize) -> Anchors {
    let n = t.len();
    let mut lead = min_lead.min(n.saturating_sub(1));
    while lead + 1 < n && lead < 4 && is_definite_marker(t, lead) {
        lead += 1;
    }
    if lead + 1 >= n {
        lead = min_lead.min(n.saturating_sub(1));
    }
    let first = lead + 1;
    let stop = (first..n).find(|&i| is_definite_marker(t, i)).unwrap_or(n);
    let is_year = |i: &usize| year_of(t.low(*i)).is_some();
    let year_idx = (first..stop)
        .rev()
        .find(is_year)
        .or_else(|| (stop.max(first)..n).find(is_year));
    Anchors {
        lead,
        stop,
        year_idx,
    }
}

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

const EDITION_CORE: &str = r"(?:(?:Recut|Extended|Ultimate)[ ._-])?(?:Director.?s|Collector.?s|Theatrical|Ultimate|Extended|Despecialized|Director[ ._-]Cut|(?:Special|Rogue|Final|Assembly)[ ._-](?:Cut|Edition|Version)|\d{2,3}(?:th)?[ ._-]Anniversary)(?:[ ._-](?:Cut|Edition|Version))?(?:[ ._-](?:Extended|Uncensored|Remastered|Unrated|Uncut|IMAX|Fan[ ._-]?Edit))?|Uncensored|Remastered|Remaster|Unrated|Uncut|IMAX|Fan[ ._-]?Edit|Edition|Restored|[234]in1|Criterion(?:[ ._-]Collection)?";

static EDITION: Lazy<Regex> = Lazy::new(|| {
    Regex::new(&format!(r"(?i)(?-u:\b)({EDITION_CORE})(?-u:\b)")).expect("valid regex")
});
static TRAILING_EDITION: Lazy<Regex> = Lazy::new(|| {
    Regex::new(&format!(r"(?i)[ ._-]+[(\[]?(?:{EDITION_CORE})[)\]]?$")).expect("valid regex")
});

/// Radarr-style edition text found in `tail` (dots replaced by spaces).
/// Several editions (`Extended Cut Ultimate Edition`) are joined by a space.
pub(crate) fn edition(tail: &str) -> Option<String> {
    let tail: std::borrow::Cow<str> = if tail.contains('_') {
        tail.replace('_', " ").into()
    } else {
        tail.into()
    };
    let mut parts: Vec<String> = Vec::new();
    for c in EDITION.captures_iter(&tail).take(4) {
        let Some(m) = c.get(1) else { continue };
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
    body.split(['(', '['])
        .skip(1)
        .filter_map(|seg| seg.split([')', ']']).next())
        .take(8)
        .find_map(edition)
}

/// The movie title and where the rest of the name begins.
pub(crate) struct TitleSplit {
    /// Cleaned movie title.
    pub title: String,
    /// Release year.
    pub year: Option<u16>,
    /// First token after the title (detectors scan from here).
    pub tail_tok: usize,
    /// Byte offset of `tail_tok` in the body.
    pub tail_byte: usize,
}

/// Split the body into title and tail.  `group_tok` is the first token of
/// the release group, which never belongs to the title.
pub(crate) fn split(t: &Tokens, a: &Anchors, group_tok: Option<usize>) -> TitleSplit {
    let n = t.len();
    let year = a.year_idx.and_then(|i| year_of(t.low(i)));
    let limit = group_tok.unwrap_or(n).max(1).min(n);
    let (mut end, soft) = match a.year_idx {
        Some(y) if y < a.stop => (y.min(limit), false),
        _ => (a.stop.min(limit), true),
    };
    // Walk back over languages / editions (and, without a year, other
    // release words) that sit between the title and the year or markers.
    let lead = a.lead;
    loop {
        if end <= lead + 1 {
            break;
        }
        let w = t.low(end - 1);
        // `VR.180` / `VR.360`: the number belongs to the VR marker.
        if matches!(w, "180" | "360") && end >= 2 && t.low(end - 2) == "vr" && end - 1 > lead + 1 {
            end -= 2;
            continue;
        }
        let strip = if soft {
            is_soft_marker(w, t.raw(end - 1))
        } else {
            clear_language_word(w, t.raw(end - 1)).is_some()
                || is_multi(w)
                || matches!(w, "dl" | "vr180")
                || matches!(t.raw(end - 1), "DC" | "SE")
        };
        if strip {
            end -= 1;
            continue;
        }
        let text = &t.body[..t.toks[end - 1].end];
        if let Some(m) = TRAILING_EDITION.find(text) {
            let keep = text[..m.start()].trim();
            let new_end = (0..end)
                .rev()
                .find(|&i| t.toks[i].end <= m.start())
                .map_or(0, |i| i + 1);
            if new_end >= 1
                && !matches!(keep.to_ascii_lowercase().as_str(), "the" | "a" | "an" | "")
            {
                end = new_end;
                continue;
            }
        }
        break;
    }
    let end = end.max(usize::from(n > 0)).min(n);
    let tail_byte = t.toks.get(end).map_or(t.body.len(), |tk| tk.start);
    let start = t.toks.get(lead).map_or(0, |tk| tk.start).min(tail_byte);
    let raw = if end == 0 {
        ""
    } else {
        &t.body[start..tail_byte]
    };
    TitleSplit {
        title: clean_title(raw),
        year,
        tail_tok: end,
        tail_byte,
    }
}

static AKA: Lazy<Regex> =
    Lazy::new(|| Regex::new(r"(?i-u)[ \t]+(?:aka|a\.k\.a\.?|/)[ \t]+").expect("valid regex"));

/// Radarr's `movieTitles`: the title split on `AKA` and ` / ` into the
/// primary title and its alternatives (empty parts dropped).
pub(crate) fn alternatives(title: &str) -> Vec<String> {
    let has = |needle: &[u8]| {
        title
            .as_bytes()
            .windows(needle.len())
            .any(|w| w.eq_ignore_ascii_case(needle))
    };
    if !title.contains('/') && !has(b" aka ") && !has(b"a.k.a") {
        return vec![title.to_string()];
    }
    let parts: Vec<String> = AKA
        .split(title)
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect();
    if parts.is_empty() {
        vec![title.to_string()]
    } else {
        parts
    }
}

/// Turn the raw title slice into a display title the way Radarr does:
/// underscores become spaces, dots become spaces except in acronyms
/// (`R.I.P.D.`, `U.N.C.L.E.`) and after `Dr`/`Mr`/`St`-style abbreviations;
/// a lone lower-case `v` ("Ford v Ferrari") is a word, not an initial.
pub(crate) fn clean_title(raw: &str) -> String {
    let raw: String = raw
        .chars()
        .map(|c| if c == '_' { ' ' } else { c })
        .filter(|c| !"<>?*:|".contains(*c))
        .collect();
    let raw = raw
        .trim_start_matches(|c: char| c.is_whitespace() || matches!(c, '.' | '-'))
        .trim_end_matches(|c: char| {
            c.is_whitespace() || matches!(c, '.' | '-' | '(' | '[' | '{' | ',')
        });
    let parts: Vec<&str> = raw.split('.').collect();
    let mut out = String::with_capacity(raw.len() + 4);
    let mut prev_acronym = false;
    let is_int = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    for (n, part) in parts.iter().enumerate() {
        let next = parts.get(n + 1).copied().unwrap_or("");
        let single = part.chars().count() == 1;
        let next_single_digit = next.chars().count() == 1 && is_int(next);
        let lower = part.to_ascii_lowercase();
        let initial = single
            && part.chars().all(char::is_alphabetic)
            && lower != "a"
            && *part != "v"
            && !is_int(part)
            && (prev_acronym || n + 1 < parts.len())
            && (prev_acronym || !next_single_digit);
        let article = lower == "a" && (prev_acronym || next.chars().count() == 1);
        let abbreviation = matches!(lower.as_str(), "dr" | "mr" | "mrs" | "ms" | "st" | "jr");
        if initial || article || abbreviation {
            out.push_str(part);
            out.push('.');
            prev_acronym = true;
        } else {
            if prev_acronym {
                out.push(' ');
                prev_acronym = false;
            }
            out.push_str(part);
            out.push(' ');
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}
