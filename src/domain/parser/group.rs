//! Release-group detection (Radarr's `ParseReleaseGroup`, without
//! look-arounds): the last `-GROUP` that is not part of a technical word,
//! a known bracketed group (`[YTS.MX]`, `(... Tigole)`), `[GROUP]` at the
//! end, or an anime-style `[Group]` prefix.

use super::language::language_word;
use super::quality_detect::explicit_resolution;
use once_cell::sync::Lazy;
use regex::Regex;

static REPOST_SUFFIX: Lazy<Regex> = Lazy::new(|| {
    Regex::new(
        r"(?i)(?:-(?:RP|1|NZBGeek|Obfuscated|Obfuscation|Scrambled|sample|Pre|postbot|xpost|Rakuv[a-z0-9]*|WhiteRev|BUYMORE|AsRequested|AlternativeToRequested|GEROV|Z0iDS3N|Chamele0n|4P|4Planet|AlteZachen))+$",
    )
    .expect("valid regex")
});

static EXCEPTION_GROUP: Lazy<Regex> = Lazy::new(|| {
    Regex::new(
        r"(?i)(?:^|[\s\[(.-])(Tigole|Joy|YIFY|YTS(?:\.[a-z]{2})?|FreetheFish|afm72|Anna|Bandi|Ghost|Kappa|MONOLITH|Qman|RZeroX|SAMPA|Silence|theincognito|t3nzin|Vyndros|HONE|Garshasp|Weasley|Natty|Panda|DarQ|RCVR|Bluespots|Sicario|QxR|LION|TAoE|r00t|ImE|Erie|Monkee|nickarad|GokiTAoE)[\])]|(?:^|[^A-Za-z0-9])(KRaLiMaRKo|E\.N\.D|D-Z0N3)(?:[^A-Za-z0-9]|$)",
    )
    .expect("valid regex")
});

static BRACKET_GROUP: Lazy<Regex> =
    Lazy::new(|| Regex::new(r"[-._ ]\[([A-Za-z0-9]+)\]$").expect("valid regex"));

/// A detected group and its byte range in the searched text.
pub(crate) struct GroupHit {
    pub name: String,
    pub start: usize,
    pub end: usize,
}

/// Technical words that follow a dash without being a group name.
fn is_tech(w: &str) -> bool {
    let l = w.to_ascii_lowercase();
    (explicit_resolution(&l).is_some() && l.bytes().any(|b| b.is_ascii_digit()))
        || language_word(&l, w).is_some()
        || matches!(
            l.as_str(),
            "dl" | "rip"
                | "ray"
                | "hd"
                | "ma"
                | "es"
                | "hra"
                | "hr"
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
        )
}

/// Find the release group in `text` (the part of the body after the title).
pub(crate) fn find(text: &str) -> Option<GroupHit> {
    let end = REPOST_SUFFIX.find(text).map_or(text.len(), |m| m.start());
    let text = &text[..end];

    if let Some(c) = EXCEPTION_GROUP.captures_iter(text).last() {
        if let Some(m) = c.get(1).or_else(|| c.get(2)) {
            return Some(GroupHit {
                name: m.as_str().to_string(),
                start: m.start(),
                end: m.end(),
            });
        }
    }

    let bytes = text.as_bytes();
    let lower = text.to_ascii_lowercase();
    let mut best: Option<(usize, usize)> = None;
    for (p, _) in text.match_indices('-') {
        let mut s = p + 1;
        // "... 7.1 - QxR": a spaced dash right before the final word.
        if p > 0 && bytes[p - 1] == b' ' && bytes.get(s) == Some(&b' ') {
            let skip = bytes[s..].iter().take_while(|b| **b == b' ').count();
            let word = bytes[s + skip..]
                .iter()
                .take_while(|b| b.is_ascii_alphanumeric())
                .count();
            if word == 0 || s + skip + word != bytes.len() {
                continue;
            }
            s += skip;
        }
        let e = s + bytes[s..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric())
            .count();
        if e - s < 2 {
            continue;
        }
        let cand = &text[s..e];
        if cand.bytes().all(|b| b.is_ascii_digit()) || is_tech(cand) {
            continue;
        }
        let rest = &lower[e..];
        if ["480p", "576p", "720p", "1080p", "2160p"]
            .iter()
            .any(|r| rest.contains(r))
        {
            continue;
        }
        best = Some((s, e));
    }
    if let Some((s, e)) = best {
        return Some(GroupHit {
            name: text[s..e].to_string(),
            start: s,
            end: e,
        });
    }

    let c = BRACKET_GROUP.captures(text)?;
    let m = c.get(1)?;
    if m.as_str().bytes().all(|b| b.is_ascii_digit()) || is_tech(m.as_str()) {
        return None;
    }
    Some(GroupHit {
        name: m.as_str().to_string(),
        start: m.start(),
        end: m.end(),
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
