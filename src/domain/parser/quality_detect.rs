//! Source / resolution / modifier decision, following Radarr's
//! `QualityParser` decision tree (last source word wins, first resolution
//! wins, remux/disc/raw modifiers) on word tokens instead of regexes.

use super::quality_words::{explicit_resolution, extension_quality, full_disc_word, implied_uhd};
use super::quality_words::{source_at, SrcWord};
use super::tokens::Tokens;
use crate::domain::quality::{Modifier, Quality, Source};

/// Everything the quality decision needs, gathered in one pass.
#[derive(Debug, Default)]
pub(crate) struct QualityFacts {
    pub source: Option<SrcWord>,
    pub resolution: Option<u16>,
    pub implied_uhd: bool,
    pub remux: bool,
    pub full_disc: bool,
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
    pub hevc: bool,
    /// Words that rule a BR-DISK out (`DVD`, `BDRip`, `720p`...).
    pub not_disc: bool,
    pub german: bool,
    /// German scene `DL` (dual language) tag.
    pub dl: bool,
    /// German scene `ML` (multi language) tag.
    pub ml: bool,
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
        let next = || t.next_low(i);
        let prev = if i > 0 { t.low(i - 1) } else { "" };
        if let Some(r) = explicit_resolution(w) {
            f.resolution.get_or_insert(r);
            f.not_disc |= r == 720 && w.ends_with("720p");
        }
        f.implied_uhd |= implied_uhd(w);
        f.full_disc |= full_disc_word(w);
        match w {
            "remux" | "bdremux" | "uhdremux" => {
                // Radarr ignores "-Remux" glued on with a dash (repost tags),
                // except after a resolution or "Hybrid".
                let dash = t.before(i) == Some('-');
                let after = explicit_resolution(prev).is_some() || prev == "hybrid";
                if !dash || after || w != "remux" {
                    f.remux = true;
                }
                f.not_disc = true;
            }
            "bd" | "uhd" if next() == "remux" => f.remux = true,
            "br" if next() == "disk" => f.full_disc = true,
            "bd" if matches!(next(), "25" | "50" | "66") => f.full_disc = true,
            "rawhd" => f.rawhd = true,
            "raw" if next() == "hd" => f.rawhd = true,
            "hr" if next() == "ws" => f.hr_ws = true,
            // `HR.WS.PDTV` where the title swallowed `HR`.
            "ws" if prev == "hr" => f.hr_ws = true,
            "hd" if next() == "tv" => f.hd_tv = true,
            "sd" if next() == "tv" => f.sd_tv = true,
            "web" if t.before(i) == Some('[') && t.after(i) == Some(']') => f.anime_web = true,
            "avc" | "hevc" | "vc1" | "mvc" | "bdmv" => f.disc_codec = true,
            "vc" if next() == "1" => f.disc_codec = true,
            "x264" | "x265" | "h264" | "h265" => f.encoder_codec = true,
            "h" | "x" if next() == "264" || next() == "265" => f.encoder_codec = true,
            "dvd" if prev != "hd" => f.not_disc = true,
            "bdrip" | "brrip" | "xvid" | "divx" => f.not_disc = true,
            "german" | "ger" => f.german = true,
            _ => {}
        }
        f.hevc |= w == "hevc";
        match t.raw(i) {
            "DL" if prev != "web" => f.dl = true,
            "ML" => f.ml = true,
            _ => {}
        }
        if w == "mpeg2" || (w == "mpeg" && next() == "2") {
            f.disc_codec = true;
            f.mpeg2_upper |= t.raw(i).starts_with("MPEG");
        }
        if matches!(w, "xvid" | "divx" | "xvidhd") || (w == "x" && next() == "vid") {
            f.xvid_or_divx = true;
        }
        f.x264 |= w == "x264";
        if let Some((src, span)) = source_at(t, i) {
            f.source = Some(src);
            i += span;
            continue;
        }
        i += 1;
    }
    f
}

impl QualityFacts {
    /// Add what a leading `[...]` tag (`[DVDRip-ITA]`) says: Radarr reads
    /// quality from the whole name, and the body's words come later, so
    /// the body's source and resolution win.
    pub(crate) fn absorb_prefix(&mut self, p: QualityFacts) {
        self.source = self.source.or(p.source);
        self.resolution = self.resolution.or(p.resolution);
        self.implied_uhd |= p.implied_uhd;
        self.remux |= p.remux;
        self.full_disc |= p.full_disc;
        self.rawhd |= p.rawhd;
        self.hd_tv |= p.hd_tv;
        self.sd_tv |= p.sd_tv;
        self.disc_codec |= p.disc_codec;
        self.encoder_codec |= p.encoder_codec;
        self.xvid_or_divx |= p.xvid_or_divx;
        self.x264 |= p.x264;
        self.not_disc |= p.not_disc;
    }
}

/// What the name says beyond its words: Radarr's `[WEBDL]` / `[HDTV]`
/// hints, the file extension, and whether the group is a known simulcast
/// (web) fansub group.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Hints<'a> {
    pub bracket_webdl: bool,
    pub bracket_hdtv: bool,
    pub ext: Option<&'a str>,
    pub web_fansub: bool,
}

/// Radarr's full-disc rule: a Blu-ray named with a disc marker, or with a
/// disc codec (AVC, VC-1, MPEG-2...) and nothing that betrays an encode
/// or a remux (x264, DVD, BDRip, 720p, an .mkv file, a German DL/ML tag).
fn is_full_disc(f: &QualityFacts, h: &Hints) -> bool {
    let encode = f.not_disc
        || f.encoder_codec
        || f.xvid_or_divx
        || f.remux
        || (f.resolution == Some(1080) && f.hevc)
        || (f.german && (f.dl || f.ml))
        || matches!(h.ext, Some("mkv" | "wmv" | "mp4" | "avi"));
    !encode && (f.full_disc || matches!(h.ext, Some("iso" | "img")) || f.disc_codec)
}

/// Radarr's decision tree: pick the catalogue entry for the gathered facts.
pub(crate) fn decide(f: &QualityFacts, h: &Hints) -> &'static Quality {
    use SrcWord::*;
    let by = |s: Source, r: u16, m: Modifier| Quality::find(s, r, m);
    let res = f
        .resolution
        .or(if f.implied_uhd { Some(2160) } else { None });
    let brdisk = f.full_disc || matches!(h.ext, Some("iso" | "img"));
    if f.rawhd && !brdisk {
        return by(Source::Tv, 1080, Modifier::Rawhd);
    }
    let Some(src) = f.source else {
        return decide_without_source(f, res, h);
    };
    match src {
        Bluray => {
            if is_full_disc(f, h) {
                by(Source::Bluray, res.unwrap_or(1080), Modifier::Brdisk)
            } else if f.xvid_or_divx {
                by(Source::Bluray, 480, Modifier::None)
            } else if (f.remux || (f.german && f.ml && f.disc_codec && !f.encoder_codec))
                && !matches!(res, Some(r) if r < 1080)
            {
                by(Source::Bluray, res.unwrap_or(1080), Modifier::Remux)
            } else {
                by(Source::Bluray, res.unwrap_or(720), Modifier::None)
            }
        }
        // Simulcast fansubs (`[HorribleSubs] ... [Web]`) are 720p unless
        // they say otherwise, like a bare `[WEBDL]`.
        Webdl => by(
            Source::Webdl,
            res.unwrap_or(if h.bracket_webdl || f.anime_web || h.web_fansub {
                720
            } else {
                480
            }),
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
            res.unwrap_or(if h.bracket_hdtv { 720 } else { 480 }),
            Modifier::None,
        ),
        Bdrip if f.xvid_or_divx => by(Source::Bluray, 480, Modifier::None),
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

fn decide_without_source(f: &QualityFacts, res: Option<u16>, h: &Hints) -> &'static Quality {
    let by = |s: Source, r: u16, m: Modifier| Quality::find(s, r, m);
    if f.anime_web || h.web_fansub {
        return by(Source::Webdl, res.unwrap_or(720), Modifier::None);
    }
    let by_ext = h.ext.and_then(extension_quality);
    if let Some(r) = res {
        if f.remux {
            return by(Source::Bluray, r, Modifier::Remux);
        }
        if f.full_disc && r >= 1080 && f.disc_codec {
            return by(Source::Bluray, r, Modifier::Brdisk);
        }
        return match by_ext {
            Some((Source::Bluray, _)) => by(Source::Bluray, r, Modifier::None),
            _ => by(Source::Tv, r, Modifier::None),
        };
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
    match by_ext {
        Some((s, r)) => by(s, r, Modifier::None),
        None => Quality::unknown(),
    }
}
