//! Source / resolution / modifier detection, following Radarr's
//! `QualityParser` decision tree (last source word wins, first resolution
//! wins, remux/disc/raw modifiers) on word tokens instead of regexes.

use super::tokens::Tokens;
use crate::domain::quality::{Modifier, Quality, Source};

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
    let r = match w {
        "360p" | "480p" | "480i" | "540p" | "640x480" | "848x480" | "852x480" => 480,
        "576p" | "576i" | "720x576" => 576,
        "720p" | "720i" | "960p" | "1280x720" => 720,
        "1080p" | "1080i" | "1440p" | "1920x1080" | "fhd" | "4kto1080p" => 1080,
        "2160p" | "2160i" | "3840x2160" | "4096x2160" | "4320p" => 2160,
        _ => {
            // Glued forms: bd1080p, bluray720p, hdtv720p, webdl1080p.
            let digits = w.trim_start_matches(|c: char| c.is_ascii_alphabetic());
            if digits.len() == w.len() || !w.starts_with(['b', 'h', 'w']) {
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
        "uhd" | "4k" | "uhdbd" | "uhdremux" | "uhdbluray" | "uhdrip"
    )
}

/// Recognise a source word at token `i`; returns the kind and how many
/// tokens it spans.
pub(crate) fn source_at(t: &Tokens, i: usize) -> Option<(SrcWord, usize)> {
    use SrcWord::*;
    let w = t.low(i);
    let next = t.next_low(i);
    let last = i + 1 >= t.len();
    let hit = |k| Some((k, 1));
    let pair = |k| Some((k, 2));
    match w {
        "bluray" | "mbluray" | "hddvd" | "uhdbd" | "bdiso" | "bdmux" | "bd25" | "bd50"
        | "brdisk" | "bdremux" | "uhdbluray" | "bluraycomplete" => hit(Bluray),
        "blu" if next == "ray" => pair(Bluray),
        "br" if next == "disk" => pair(Bluray),
        "hd" if next == "dvd" => pair(Bluray),
        "br" | "bd" if next == "rip" => pair(Bdrip),
        "bd" if !last => hit(Bluray),
        "webdl" | "webdlmux" | "amazonhd" | "ituneshd" | "maxdomehd" | "netflixhd"
        | "netflixuhd" | "webhd" => hit(Webdl),
        "web" if next == "dl" => pair(Webdl),
        "web" if next == "rip" || next == "mux" => pair(Webrip),
        "web" => hit(Webdl),
        "webrip" | "webmux" => hit(Webrip),
        "hdtv" => hit(Hdtv),
        "bdrip" | "brrip" | "blurayrip" => hit(Bdrip),
        "dvdr" | "dvd5" | "dvd9" => hit(Dvdr),
        "dvd" if next == "r" => pair(Dvdr),
        "dvd" if next == "rip" => pair(Dvd),
        "dvd" | "dvdrip" | "xvidvd" | "dvdmux" => hit(Dvd),
        "regional" => hit(Regional),
        "scr" | "screener" | "dvdscr" | "dvdscreener" | "bdscr" => hit(Screener),
        "ts" if !last => hit(Telesync),
        "telesync" | "hdts" | "pdvd" | "tsrip" | "hdtsrip" => hit(Telesync),
        "tc" | "telecine" | "hdtc" => hit(Telecine),
        "camrip" | "cam" | "hdcam" => hit(Cam),
        "hd" if next == "ts" => pair(Telesync),
        "hd" if next == "tc" => pair(Telecine),
        "hd" if next == "cam" => pair(Cam),
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

/// Everything the quality decision needs, gathered in one pass.
#[derive(Debug, Default)]
pub(crate) struct QualityFacts {
    pub source: Option<SrcWord>,
    pub bluray_hyphenated: bool,
    pub resolution: Option<u16>,
    pub implied_uhd: bool,
    pub remux: bool,
    pub brdisk_word: bool,
    pub rawhd: bool,
    pub mpeg2_upper: bool,
    pub hr_ws: bool,
    pub hd_tv: bool,
    pub sd_tv: bool,
    pub anime_web: bool,
    pub disc_codec: bool,
    pub encoder_codec: bool,
    pub xvid_or_divx: bool,
    pub x264: bool,
}

/// Scan tokens `from..` for quality facts.
pub(crate) fn gather(t: &Tokens, from: usize) -> QualityFacts {
    let mut f = QualityFacts::default();
    let mut i = from;
    while i < t.len() {
        if !t.usable(i) {
            i += 1;
            continue;
        }
        let w = t.low(i);
        let next = t.next_low(i);
        if let Some(r) = explicit_resolution(w) {
            f.resolution.get_or_insert(r);
        }
        if implied_uhd(w) {
            f.implied_uhd = true;
        }
        match w {
            "remux" | "bdremux" | "uhdremux" => {
                // Radarr ignores "-Remux" glued on with a dash (repost tags).
                let dash = t.before(i) == Some('-');
                let after_res = i > 0 && explicit_resolution(t.low(i - 1)).is_some();
                if !dash || after_res || w != "remux" {
                    f.remux = true;
                }
            }
            "bd" | "uhd" if next == "remux" => f.remux = true,
            "complete" | "iso" | "bdiso" | "bd25" | "bd50" | "brdisk" | "bdmv" => {
                f.brdisk_word = true
            }
            "br" if next == "disk" => f.brdisk_word = true,
            "rawhd" => f.rawhd = true,
            "raw" if next == "hd" => f.rawhd = true,
            "hr" if next == "ws" => f.hr_ws = true,
            "hd" if next == "tv" => f.hd_tv = true,
            "sd" if next == "tv" => f.sd_tv = true,
            "web" if t.before(i) == Some('[') && t.after(i) == Some(']') => f.anime_web = true,
            "avc" | "hevc" | "vc1" => f.disc_codec = true,
            "vc" if next == "1" => f.disc_codec = true,
            "x264" | "x265" | "h264" | "h265" | "xvid" | "divx" | "av1" => f.encoder_codec = true,
            "h" if next == "264" || next == "265" => f.encoder_codec = true,
            _ => {}
        }
        if w == "mpeg2" || (w == "mpeg" && next == "2") {
            f.disc_codec = true;
            f.mpeg2_upper |= t.raw(i).starts_with("MPEG");
        }
        if matches!(w, "xvid" | "divx" | "xvidhd") || (w == "x" && next == "vid") {
            f.xvid_or_divx = true;
        }
        if w == "x264" {
            f.x264 = true;
        }
        if let Some((src, span)) = source_at(t, i) {
            f.source = Some(src);
            f.bluray_hyphenated = src == SrcWord::Bluray && w == "blu" && t.after(i) == Some('-');
            i += span;
            continue;
        }
        i += 1;
    }
    f
}

/// Radarr's decision tree: pick the catalogue entry for the gathered facts.
/// `bracket_webdl` / `bracket_hdtv` are Radarr's `[WEBDL]` / `[HDTV]` hints,
/// `iso` is true for a `.iso` file name.
pub(crate) fn decide(
    f: &QualityFacts,
    bracket_webdl: bool,
    bracket_hdtv: bool,
    iso: bool,
) -> &'static Quality {
    use SrcWord::*;
    let by = |s: Source, r: u16, m: Modifier| Quality::find(s, r, m);
    let res = f
        .resolution
        .or(if f.implied_uhd { Some(2160) } else { None });
    let brdisk = f.brdisk_word || iso;
    if f.rawhd && !brdisk {
        return by(Source::Tv, 1080, Modifier::Rawhd);
    }
    let Some(src) = f.source else {
        return decide_without_source(f, res, brdisk);
    };
    match src {
        Bluray => {
            let avc_disk = f.bluray_hyphenated && f.disc_codec && !f.encoder_codec && !f.remux;
            if brdisk || avc_disk {
                by(Source::Bluray, res.unwrap_or(1080), Modifier::Brdisk)
            } else if f.xvid_or_divx {
                by(Source::Bluray, 480, Modifier::None)
            } else if f.remux && !matches!(res, Some(r) if r < 1080) {
                by(Source::Bluray, res.unwrap_or(1080), Modifier::Remux)
            } else {
                by(Source::Bluray, res.unwrap_or(720), Modifier::None)
            }
        }
        Webdl => by(
            Source::Webdl,
            res.unwrap_or(if bracket_webdl { 720 } else { 480 }),
            Modifier::None,
        ),
        Webrip => by(Source::Webrip, res.unwrap_or(480), Modifier::None),
        Screener => by(Source::Dvd, 480, Modifier::Screener),
        Cam => by(Source::Cam, 0, Modifier::None),
        Telesync => by(Source::Telesync, 0, Modifier::None),
        Telecine => by(Source::Telecine, 0, Modifier::None),
        Workprint => by(Source::Workprint, 0, Modifier::None),
        Regional => by(Source::Dvd, 480, Modifier::Regional),
        Hdtv if f.mpeg2_upper => by(Source::Tv, 1080, Modifier::Rawhd),
        Hdtv => by(
            Source::Tv,
            res.unwrap_or(if bracket_hdtv { 720 } else { 480 }),
            Modifier::None,
        ),
        Bdrip => by(Source::Bluray, res.unwrap_or(480), Modifier::None),
        Dvdr => by(Source::Dvd, 480, Modifier::Remux),
        Dvd => by(Source::Dvd, 480, Modifier::None),
        SdTv => {
            let r = match res {
                Some(r) if r >= 720 => r.min(1080),
                _ if f.hr_ws => 720,
                _ => 480,
            };
            by(Source::Tv, r, Modifier::None)
        }
    }
}

fn decide_without_source(f: &QualityFacts, res: Option<u16>, brdisk: bool) -> &'static Quality {
    let by = |s: Source, r: u16, m: Modifier| Quality::find(s, r, m);
    if f.anime_web {
        return by(Source::Webdl, res.unwrap_or(720), Modifier::None);
    }
    if let Some(r) = res {
        if f.remux {
            return by(Source::Bluray, r, Modifier::Remux);
        }
        if brdisk && r >= 1080 && f.disc_codec {
            return by(Source::Bluray, r, Modifier::Brdisk);
        }
        return by(Source::Tv, r, Modifier::None);
    }
    if f.remux {
        return by(Source::Bluray, 1080, Modifier::Remux);
    }
    if f.hd_tv {
        return by(Source::Tv, 720, Modifier::None);
    }
    if f.x264 || f.sd_tv {
        return by(Source::Tv, 480, Modifier::None);
    }
    Quality::unknown()
}
