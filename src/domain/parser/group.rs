//! Release-group detection (Radarr's `ParseReleaseGroup`, without
//! look-arounds): the last `-GROUP` that is not part of a technical word,
//! a known bracketed group (`[YTS.MX]`, `(... Tigole)`), `[GROUP]` at the
//! end, or an anime-style `[Group]` prefix.

use super::language::clear_language_word;
use super::quality_words::explicit_resolution;
use once_cell::sync::Lazy;
use regex::Regex;

/// Repost / indexer tags Radarr strips from the end before reading the
/// group (`-GRP-Obfuscated`, `-GRP-RP`), case-insensitive.
fn is_repost_tag(w: &str) -> bool {
    const TAGS: &[&str] = &[
        "rp",
        "1",
        "nzbgeek",
        "obfuscated",
        "obfuscation",
        "scrambled",
        "sample",
        "pre",
        "postbot",
        "xpost",
        "whiterev",
        "buymore",
        "asrequested",
        "alternativetorequested",
        "gerov",
        "z0ids3n",
        "chamele0n",
        "4p",
        "4planet",
        "altezachen",
        "repackpost",
    ];
    let b = w.as_bytes();
    TAGS.iter().any(|t| t.as_bytes().eq_ignore_ascii_case(b))
        || (b.len() >= 5
            && b[..5].eq_ignore_ascii_case(b"rakuv")
            && b[5..].iter().all(u8::is_ascii_alphanumeric))
}

/// `text` without its trailing repost tags.
fn strip_repost_suffix(mut text: &str) -> &str {
    while let Some(dash) = text.rfind('-') {
        if !is_repost_tag(&text[dash + 1..]) {
            break;
        }
        text = &text[..dash];
    }
    text
}

/// An encoder credit at the very end (`... x264-GRP by Someone`): it names
/// a person, not the release group.
static ENCODER_CREDIT: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"(?i-u)[ \t._\[(-]+(?:encoded[ \t._-]+|enc[ \t._-]+|ripped[ \t._-]+)?by[ \t._-]+[a-z0-9_]+[\])]?$")
        .expect("valid regex")
});

/// Groups Radarr knows that end with `Group)` or `Group]` instead of `-Group`
/// (including names with spaces).
static EXCEPTION_GROUP: Lazy<Regex> = Lazy::new(|| {
    Regex::new(
        r"(?i-u)(?:^|[ \t\[(._-])(Tigole|Joy|YIFY|YTS(?:\.[a-z]{2})?|FreetheFish|afm72|Anna|Bandi|Ghost|Kappa|MONOLITH|Qman|RZeroX|SAMPA|Silence|theincognito|t3nzin|Vyndros|HONE|Garshasp|Weasley|Natty|Panda|DarQ|RCVR|Bluespots|Sicario|QxR|LION|TAoE|r00t|ImE|Erie|Monkee|nickarad|GokiTAoE|UTR|Anime Time|Project Angel|Hakata Ramen|GiLG|SEV|YOGI|EDGE2020|HDO|DusIctv|DHD|CtrlHD|ADC|XZVN|RH|Kametsu|Celdra)[\])]",
    )
    .expect("valid regex")
});

/// Groups Radarr recognises anywhere, whose names hold a dash, a dot, a
/// space, digits only or non-ASCII letters, so no generic rule finds them.
static EXACT_GROUP: Lazy<Regex> = Lazy::new(|| {
    Regex::new(
        r"(?i)(?:^|[^A-Za-z0-9])(KRaLiMaRKo|E\.N\.D|D-Z0N3|Koten_Gars|BluDragon|ZØNEHD|HQMUX|VARYG|YIFY|YTS\.(?:MX|LT|AG)|TMd|Eml HDTeam|LMain|DarQ|BEN THE MEN|TAoE|QxR|126811)(?:[^A-Za-z0-9]|$)",
    )
    .expect("valid regex")
});

static BRACKET_GROUP: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"(?:[-._ ]|[A-Za-z0-9])\[([^\[\]\t .,+&()]+)\]$").expect("valid regex")
});

/// Fansub groups that only release simulcast web rips, so their names
/// mean WEB-DL even without a source word (Radarr's anime rule).
pub(crate) fn is_web_fansub(group: &str) -> bool {
    matches!(
        group.to_ascii_lowercase().as_str(),
        "subsplease" | "erai-raws" | "horriblesubs" | "subsplus" | "tsundere-raws" | "asw"
    )
}

/// A detected group and its byte range in the searched text.
pub(crate) struct GroupHit {
    pub name: String,
    pub start: usize,
    pub end: usize,
}

/// Technical words that follow a dash without being a group name.
fn is_tech(w: &str) -> bool {
    // Lower-case on the stack: every technical word is short.
    let mut buf = [0u8; 24];
    let Some(dst) = buf.get_mut(..w.len()) else {
        return false;
    };
    dst.copy_from_slice(w.as_bytes());
    dst.make_ascii_lowercase();
    let Ok(l) = std::str::from_utf8(dst) else {
        return false;
    };
    (explicit_resolution(l).is_some() && l.bytes().any(|b| b.is_ascii_digit()))
        || clear_language_word(l, w).is_some()
        || matches!(
            l,
            "dl" | "rip"
                | "ray"
                | "hd"
                | "ma"
                | "es"
                | "hra"
                | "disk"
                | "ts"
                | "tc"
                | "cam"
                | "remux"
                | "mux"
                | "web"
                | "webdl"
                | "webrip"
                | "bluray"
                | "hdtv"
                | "dvdrip"
                | "bdrip"
                | "brrip"
                | "x264"
                | "x265"
                | "h264"
                | "h265"
                | "hevc"
                | "avc"
                | "xvid"
                | "divx"
                | "aac"
                | "ac3"
                | "dts"
                | "truehd"
                | "atmos"
                | "hdr"
                | "hdr10"
                | "dv"
                | "sbs"
                | "ou"
                | "sub"
                | "subs"
                | "dub"
                | "lang"
                | "audio"
                | "264"
                | "265"
                | "dvd"
                | "dvdr"
                | "uhd"
                | "sdr"
                | "10bit"
                | "ray3d"
                | "hdrip"
                | "multi"
                | "dual"
                | "mpeg"
                | "vc1"
                | "eac3"
                | "ddp"
                | "dd"
                | "flac"
                | "proper"
                | "repack"
                | "internal"
                | "sample"
                | "ws"
                | "rp"
                | "vision"
                | "ddp5"
                | "dd5"
                | "aac2"
                | "fi"
                | "ray2"
                // Radarr's `-EN` / `-CAT` language lists (`ES-CAT-EN`).
                | "en"
                | "cat"
        )
}

/// Find the release group in `text` (the part of the body after the title).
pub(crate) fn find(text: &str) -> Option<GroupHit> {
    let text = strip_repost_suffix(text);
    let credit = text
        .as_bytes()
        .windows(2)
        .any(|w| w.eq_ignore_ascii_case(b"by"));
    let end = match credit {
        true => ENCODER_CREDIT.find(text).map_or(text.len(), |m| m.start()),
        false => text.len(),
    };
    let text = &text[..end];

    // Only bracket-closed names for the exception list: skip the scan when
    // the text has no bracket at all.
    let closed = text.contains([')', ']']);
    for re in [Some(&*EXACT_GROUP), closed.then_some(&*EXCEPTION_GROUP)]
        .into_iter()
        .flatten()
    {
        if let Some(m) = re.find_iter(text).last() {
            // The match holds the delimiters around the name; trim them.
            let (mut s, mut e) = (m.start(), m.end());
            if let Some(c) = text[s..e]
                .chars()
                .next()
                .filter(|c| !c.is_ascii_alphanumeric())
            {
                s += c.len_utf8();
            }
            if let Some(c) = text[s..e]
                .chars()
                .next_back()
                .filter(|c| !c.is_ascii_alphanumeric())
            {
                e -= c.len_utf8();
            }
            return Some(GroupHit {
                name: text[s..e].to_string(),
                start: s,
                end: e,
            });
        }
    }
    if let Some(hit) = dash_group(text) {
        return Some(hit);
    }
    let c = BRACKET_GROUP.captures(text)?;
    let m = c.get(1)?;
    if !m.as_str().chars().all(char::is_alphanumeric)
        || m.as_str().chars().all(|c| c.is_ascii_digit())
        || is_tech(m.as_str())
        || is_hashlike(m.as_str())
    {
        return None;
    }
    Some(GroupHit {
        name: m.as_str().to_string(),
        start: m.start(),
        end: m.end(),
    })
}

/// Radarr's invalid groups: episode-like `S01`/`E02` and 8-digit hex
/// hashes (`[ABCD1234]`).
fn is_hashlike(w: &str) -> bool {
    let b = w.as_bytes();
    let episode = b.len() >= 2
        && matches!(b[0], b's' | b'S' | b'e' | b'E')
        && b[1..].iter().all(u8::is_ascii_digit);
    let hash =
        b.len() == 8 && b.iter().all(u8::is_ascii_hexdigit) && b.iter().any(u8::is_ascii_digit);
    episode || hash
}

/// Length in bytes of the word (letters and digits, any script) at the
/// start of `s`.
fn word_len(s: &str) -> usize {
    s.char_indices()
        .find(|(_, c)| !c.is_alphanumeric())
        .map_or(s.len(), |(i, _)| i)
}

/// Start of the last `480p`/`576p`/`720p`/`1080p`/`2160p` in `b`.
fn last_resolution(b: &[u8]) -> Option<usize> {
    const RES: [&[u8]; 5] = [b"480", b"576", b"720", b"1080", b"2160"];
    (0..b.len()).rev().find_map(|i| {
        if b[i] | 0x20 != b'p' {
            return None;
        }
        RES.iter()
            .find(|r| i >= r.len() && &b[i - r.len()..i] == **r)
            .map(|r| i - r.len())
    })
}

/// Radarr's `-GROUP` rule: the last dash-word that is no technical word and
/// has no resolution after it; `-Part-Two` at the very end is one group.
fn dash_group(text: &str) -> Option<GroupHit> {
    let bytes = text.as_bytes();
    // Radarr's "no resolution after the group" look-ahead: where the last
    // resolution word starts (a candidate must end after it).
    let last_res = last_resolution(bytes);
    let mut best: Option<(usize, usize)> = None;
    for (p, _) in text.match_indices('-') {
        let mut s = p + 1;
        // "... 7.1 - QxR": a spaced dash right before the final word.
        if p > 0 && bytes[p - 1] == b' ' && bytes.get(s) == Some(&b' ') {
            let skip = bytes[s..].iter().take_while(|b| **b == b' ').count();
            let word = word_len(&text[s + skip..]);
            if word == 0 || s + skip + word != bytes.len() {
                continue;
            }
            s += skip;
        }
        let e = s + word_len(&text[s..]);
        if text[s..e].chars().count() < 2 {
            continue;
        }
        let cand = &text[s..e];
        if cand.bytes().all(|b| b.is_ascii_digit()) || is_tech(cand) || is_hashlike(cand) {
            continue;
        }
        if last_res.is_some_and(|r| r >= e) {
            continue;
        }
        best = Some((s, e));
    }
    let (mut s, e) = best?;
    // `-Erai-raws` / `-DEFLATE-HORROR`: two dash-joined words ending the name.
    if e == text.len() && s >= 2 && bytes[s - 1] == b'-' {
        let before = &text[..s - 1];
        let first = before
            .char_indices()
            .rev()
            .take_while(|(_, c)| c.is_alphanumeric())
            .last()
            .map(|(i, _)| i);
        if let Some(f) = first {
            let w = &before[f..];
            if f >= 1
                && bytes[f - 1] == b'-'
                && w.chars().count() >= 2
                && !w.bytes().all(|b| b.is_ascii_digit())
                && !is_tech(w)
            {
                s = f;
            }
        }
    }
    Some(GroupHit {
        name: text[s..e].to_string(),
        start: s,
        end: e,
    })
}

/// Whether an anime-style `[prefix]` looks like a group name rather than a
/// tag such as `[Dolby Vision]` or `[1080p]`.
pub(crate) fn prefix_is_group(p: &str) -> bool {
    !p.is_empty()
        && p.len() <= 40
        && !p.contains(' ')
        && !p.contains('.')
        && !is_tech(p)
        && !p.bytes().all(|b| b.is_ascii_digit())
        && !matches!(
            p.to_ascii_lowercase().as_str(),
            "req" | "request" | "proper" | "repack" | "dolby" | "hdr10"
        )
}
