//! The words Radarr's `QualityParser` reads a source or resolution from,
//! recognised on word tokens (`WEB-DL`, `Blu.ray`, `HD-CAM` span two).

use super::tokens::Tokens;

/// Source words as Radarr's `SourceRegex` groups them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SrcWord {
    Bluray,
    Webdl,
    Webrip,
    Hdtv,
    Bdrip,
    Dvdr,
    Dvd,
    Regional,
    Screener,
    Telesync,
    Telecine,
    Cam,
    Workprint,
    SdTv,
}

/// Resolution named by a single token (`1080p`, `bd720p`, `1920x1080`, `FHD`).
pub(crate) fn explicit_resolution(w: &str) -> Option<u16> {
    // Every resolution word but `fhd` holds a digit.
    if !w.bytes().any(|b| b.is_ascii_digit()) {
        return (w == "fhd").then_some(1080);
    }
    // `1080p24`, `2160p60`: a frame rate glued to the resolution.
    let w = match w.find('p') {
        Some(i) if i >= 3 && i + 1 < w.len() && w[i + 1..].bytes().all(|b| b.is_ascii_digit()) => {
            &w[..=i]
        }
        _ => w,
    };
    let r = match w {
        "360p" | "480p" | "480i" | "540p" | "640x480" | "848x480" | "852x480" => 480,
        "576p" | "576i" | "720x576" => 576,
        "720p" | "720i" | "960p" | "1280x720" => 720,
        "1080p" | "1080i" | "1440p" | "1920x1080" | "fhd" | "4kto1080p" => 1080,
        "2160p" | "2160i" | "3840x2160" | "4096x2160" | "4320p" => 2160,
        _ => {
            // Glued forms: bd1080p, bluray720p, hdtv720p, webdl1080p.
            let digits = w.trim_start_matches(|c: char| c.is_ascii_alphabetic());
            if digits.len() == w.len() || !w.starts_with(['b', 'h', 'w', 't']) {
                return None;
            }
            return match digits {
                "480p" => Some(480),
                "576p" => Some(576),
                "720p" => Some(720),
                "1080p" => Some(1080),
                "2160p" => Some(2160),
                _ => None,
            };
        }
    };
    Some(r)
}

/// Words that imply 2160p when no explicit resolution is present.
pub(crate) fn implied_uhd(w: &str) -> bool {
    matches!(
        w,
        "uhd" | "4k" | "uhdbd" | "uhdremux" | "uhdbluray" | "uhdrip" | "uhdbdrip" | "uhd2bd"
    )
}

/// Radarr's DVD-R family: `DVD-R`, `DVDR`, `DVD5`, `DVD9`, with an optional
/// disc count and `M` prefix (`2xDVD9`, `2DVD5`, `MDVDR`).
fn is_dvdr_word(w: &str) -> bool {
    let w = w.strip_prefix(|c: char| c.is_ascii_digit()).unwrap_or(w);
    let w = w.strip_prefix('x').unwrap_or(w);
    let w = w.strip_prefix('m').unwrap_or(w);
    matches!(w, "dvdr" | "dvd5" | "dvd9" | "dvdr5" | "dvdr9")
}

/// Radarr's rule for a lone `WEB`: a source only beside a codec
/// (`WEB.x264`, `WEB.DDP5.1`), a resolution (`1080p.WEB`, `WEB.2160p`),
/// a store tag (`AMZN.WEB`, `NF.WEB`), in anime brackets (`[Web]`) or as an
/// upper-case last word; elsewhere it is a title word (`The.Web.MT`).
fn lone_web_is_source(t: &Tokens, i: usize) -> bool {
    let next = t.next_low(i);
    let prev = if i > 0 && t.adjacent(i - 1) {
        t.low(i - 1)
    } else {
        ""
    };
    let resolution = |w: &str| matches!(w, "720p" | "1080p" | "2160p");
    matches!(
        next,
        "x264" | "x265" | "h264" | "h265" | "avc" | "hevc" | "dd5" | "ddp5"
    ) || (matches!(next, "h" | "x") && matches!(t.low(i + 2), "264" | "265"))
        || resolution(next)
        || resolution(prev)
        || matches!(prev, "amzn" | "nf")
        || (t.before(i) == Some('[') && t.after(i) == Some(']'))
        || (i + 1 == t.len() && t.raw(i) == "WEB")
}

/// Recognise a source word at token `i`; returns the kind and how many
/// tokens it spans.
pub(crate) fn source_at(t: &Tokens, i: usize) -> Option<(SrcWord, usize)> {
    use SrcWord::*;
    let w = t.low(i);
    let next = || t.next_low(i);
    let last = i + 1 >= t.len();
    let hit = |k| Some((k, 1));
    let pair = |k| Some((k, 2));
    match w {
        "bluray" | "mbluray" | "hddvd" | "uhdbd" | "uhd2bd" | "bdiso" | "bdmux" | "bd25"
        | "bd50" | "bd66" | "bdfull" | "brdisk" | "bdremux" | "uhdbluray" | "bluraycomplete" => {
            hit(Bluray)
        }
        "blu" if next() == "ray" => pair(Bluray),
        "br" if next() == "disk" => pair(Bluray),
        "hd" if next() == "dvd" && t.adjacent(i + 1) && t.low(i + 2) == "rip" => Some((Bdrip, 3)),
        "hd" if next() == "dvd" => pair(Bluray),
        "hd" if next() == "dvdrip" => pair(Bdrip),
        "bd" if matches!(next(), "25" | "50" | "66") => pair(Bluray),
        "br" | "bd" if next() == "rip" => pair(Bdrip),
        "bd" if !last => hit(Bluray),
        "webdl" | "webdlmux" | "amazonhd" | "ituneshd" | "maxdomehd" | "netflixhd"
        | "netflixuhd" | "webhd" => hit(Webdl),
        "web" if next() == "dlrip" => pair(Webrip),
        "web" if next() == "dl" => pair(Webdl),
        "web" if next() == "rip" || next() == "mux" => pair(Webrip),
        "web" if lone_web_is_source(t, i) => hit(Webdl),
        "webrip" | "webmux" => hit(Webrip),
        "hdtv" | "hdtvrip" => hit(Hdtv),
        "brmux" => hit(Bluray),
        "bdrip" | "brrip" | "blurayrip" | "uhdbdrip" | "bdlight" | "hddvdrip" | "bdripmux"
        | "brripmux" => hit(Bdrip),
        _ if is_dvdr_word(w) => hit(Dvdr),
        "dvd" if matches!(next(), "r" | "5" | "9") => pair(Dvdr),
        "dvd" if next() == "rip" => pair(Dvd),
        "dvd" | "dvdrip" | "xvidvd" | "dvdmux" | "dvdivx" => hit(Dvd),
        "regional" => hit(Regional),
        "scr" | "screener" | "dvdscr" | "dvdscreener" | "bdscr" => hit(Screener),
        "ts" if !last => hit(Telesync),
        "telesync" | "telesynch" | "hdts" | "pdvd" | "tsrip" | "hdtsrip" => hit(Telesync),
        "tc" | "telecine" | "hdtc" => hit(Telecine),
        _ if w.starts_with("tc") && explicit_resolution(w).is_some() => hit(Telecine),
        _ if w.starts_with("ts") && explicit_resolution(w).is_some() => hit(Telesync),
        "camrip" | "cam" | "hdcam" | "hdcamrip" | "hqcam" | "newcam" => hit(Cam),
        "hd" if next() == "ts" => pair(Telesync),
        "hd" if next() == "tc" => pair(Telecine),
        "hd" | "hq" if matches!(next(), "cam" | "camrip") => pair(Cam),
        "workprint" | "wp" => hit(Workprint),
        "dsr" | "pdtv" | "sdtv" | "tvrip" => hit(SdTv),
        _ if w.len() == 2 && w.starts_with('r') && w.as_bytes()[1].is_ascii_digit() => {
            hit(Regional)
        }
        _ if (w.starts_with("bluray") || w.starts_with("bd"))
            && explicit_resolution(w).is_some() =>
        {
            hit(Bluray)
        }
        _ => None,
    }
}

/// Words naming a complete, untouched disc (Radarr's BR-DISK markers).
pub(crate) fn full_disc_word(w: &str) -> bool {
    matches!(
        w,
        "complete"
            | "iso"
            | "bdiso"
            | "bd25"
            | "bd50"
            | "bd66"
            | "brdisk"
            | "bdmv"
            | "untouched"
            | "bdfull"
            | "m2ts"
    )
}

/// Radarr's quality for a file known only by its extension
/// (`MediaFileExtensions`): `None` for unknown extensions.
pub(crate) fn extension_quality(ext: &str) -> Option<(crate::domain::quality::Source, u16)> {
    use crate::domain::quality::Source;
    Some(match ext {
        "m4v" | "3gp" | "nsv" | "ty" | "strm" | "rm" | "rmvb" | "m3u" | "ifo" | "mov" | "qt"
        | "divx" | "xvid" | "bivx" | "nrg" | "pva" | "wmv" | "asf" | "asx" | "ogm" | "ogv"
        | "m2v" | "avi" | "bin" | "dat" | "dvr-ms" | "mpg" | "mpeg" | "mp4" | "avc" | "vp3"
        | "svq3" | "nuv" | "viv" | "dv" | "fli" | "flv" | "wpl" => (Source::Tv, 480),
        "img" | "iso" | "vob" => (Source::Dvd, 480),
        "mkv" | "mk3d" | "ts" | "wtv" => (Source::Tv, 720),
        "m2ts" => (Source::Bluray, 720),
        _ => return None,
    })
}
