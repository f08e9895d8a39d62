//! Movie title / year split and edition detection.

use super::edition::{may_end_edition, TRAILING_EDITION};
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
    if let Some((src, span)) = source_at(t, i) {
        // A lone `WEB` may be a title word; `WEB-DL` / `WEB.Rip` never are.
        let ambiguous = (span == 1 && w == "web")
            || matches!(
                w,
                "ts" | "tc" | "cam" | "dvd" | "scr" | "wp" | "bd" | "hd" | "screener"
            )
            || src == SrcWord::Regional;
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
/// otherwise the first one after it.  `min_lead` tokens are skipped.  With
/// `year_first`, a name naming no other year may start with it
/// (`2009.shoot.fruit.chan.multi.dvd9`): the title follows the year.
pub(crate) fn anchors(t: &Tokens, min_lead: usize, year_first: bool) -> Anchors {
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
    let mut year_idx = (first..stop)
        .rev()
        .find(is_year)
        .or_else(|| (stop.max(first)..n).find(is_year));
    if year_idx.is_none() && year_first && lead + 1 < stop && is_year(&lead) {
        year_idx = Some(lead);
        lead += 1;
    }
    Anchors {
        lead,
        stop,
        year_idx,
    }
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
    let lead = a.lead;
    let (mut end, soft) = match a.year_idx {
        Some(y) if y < a.stop && y >= lead => (y.min(limit), false),
        _ => (a.stop.min(limit), true),
    };
    if soft {
        // Without a year, a `[...]` after the title holds release notes
        // (`Naruto [v2] [R2J] [Dual Audio]`), never more of the title.
        if let Some(b) = (lead + 1..end).find(|&i| t.before(i) == Some('[')) {
            end = b;
        }
    }
    // Walk back over languages / editions (and, without a year, other
    // release words) that sit between the title and the year or markers.
    loop {
        if end <= lead + 1 {
            break;
        }
        let w = t.low(end - 1);
        // `VR.180` / `VR.360`: the number belongs to the VR marker, and a
        // layout word after it (`VR.180.LR`, `VR.180.OU`) too.
        if soft
            && matches!(w, "lr" | "ou" | "tb" | "sbs")
            && end >= 3
            && matches!(t.low(end - 2), "180" | "360" | "vr180" | "vr360")
        {
            end -= 1;
            continue;
        }
        if matches!(w, "180" | "360") && end >= 2 && t.low(end - 2) == "vr" && end - 1 > lead + 1 {
            end -= 2;
            continue;
        }
        // `23.976 FPS`: a frame rate, with its number.
        if soft && w == "fps" {
            end -= 1;
            while end > lead + 1 && t.low(end - 1).bytes().all(|b| b.is_ascii_digit()) {
                end -= 1;
            }
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
        let found = if may_end_edition(w) {
            TRAILING_EDITION.find(text)
        } else {
            None
        };
        if let Some(m) = found {
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
            .any(|w| w[1] | 0x20 == needle[1] && w.eq_ignore_ascii_case(needle))
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
    let filtered: std::borrow::Cow<str> = if raw.contains(['_', '<', '>', '?', '*', ':', '|']) {
        raw.chars()
            .map(|c| if c == '_' { ' ' } else { c })
            .filter(|c| !"<>?*:|".contains(*c))
            .collect::<String>()
            .into()
    } else {
        raw.into()
    };
    let raw = filtered
        .trim_start_matches(|c: char| c.is_whitespace() || matches!(c, '.' | '-'))
        .trim_end_matches(|c: char| {
            c.is_whitespace() || matches!(c, '.' | '-' | '(' | '[' | '{' | ',')
        });
    let mut out = String::with_capacity(raw.len() + 4);
    let mut prev_acronym = false;
    let is_int = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    let mut parts = raw.split('.').peekable();
    while let Some(part) = parts.next() {
        let has_next = parts.peek().is_some();
        let next = parts.peek().copied().unwrap_or("");
        let single = part.chars().count() == 1;
        let next_single_digit = next.len() == 1 && is_int(next);
        let is_a = part.eq_ignore_ascii_case("a");
        let initial = single
            && part.chars().all(char::is_alphabetic)
            && !is_a
            && part != "v"
            && (prev_acronym || has_next)
            && (prev_acronym || !next_single_digit);
        let article = is_a && (prev_acronym || next.chars().count() == 1);
        let abbreviation = ["dr", "mr", "mrs", "ms", "st", "jr"]
            .iter()
            .any(|a| part.eq_ignore_ascii_case(a));
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
    let mut title = String::with_capacity(out.len());
    for w in out.split_whitespace() {
        if !title.is_empty() {
            title.push(' ');
        }
        title.push_str(w);
    }
    title
}
