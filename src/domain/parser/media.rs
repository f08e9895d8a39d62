//! Video codec, HDR format, audio format and small flag detection.

use super::tokens::{split_trailing_digit, Tokens};
use serde::Serialize;

/// Normalised video codec, so custom formats can match on one value
/// whatever spelling (`x264`, `H.264`, `AVC`) the release used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Codec {
    /// x264 / H.264 / AVC.
    H264,
    /// x265 / H.265 / HEVC.
    H265,
    /// AV1.
    Av1,
    /// VP9.
    Vp9,
    /// XviD.
    Xvid,
    /// DivX.
    Divx,
    /// VC-1 (older Blu-ray discs).
    Vc1,
    /// MPEG-2 (DVDs, broadcast, early Blu-rays).
    Mpeg2,
}

/// High-dynamic-range format; a release may carry several (DV + HDR10).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum HdrFormat {
    /// Dolby Vision (DV / DoVi).
    #[serde(rename = "dolby_vision")]
    DolbyVision,
    /// HDR10+.
    #[serde(rename = "hdr10plus")]
    Hdr10Plus,
    /// HDR10 (also plain "HDR").
    #[serde(rename = "hdr10")]
    Hdr10,
    /// Hybrid log-gamma.
    #[serde(rename = "hlg")]
    Hlg,
}

/// Main audio track as named in the release: normalised format plus the
/// channel layout when present (`5.1`, `7.1`, `2.0`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Audio {
    /// Normalised format name, e.g. `DTS-HD MA`, `TrueHD Atmos`, `DD+`, `AAC`.
    pub format: &'static str,
    /// Channel layout if the name carried one.
    pub channels: Option<String>,
}

/// Codec named at token `i` (and how many tokens it spans).
pub(crate) fn codec_at(t: &Tokens, i: usize) -> Option<(Codec, usize)> {
    let w = t.low(i);
    let next = t.next_low(i);
    let c = match w {
        "x264" | "h264" | "avc" | "x264hi10p" => Codec::H264,
        "x265" | "h265" | "hevc" => Codec::H265,
        "h" if next == "264" => return Some((Codec::H264, 2)),
        "h" if next == "265" => return Some((Codec::H265, 2)),
        "av1" => Codec::Av1,
        "vp9" => Codec::Vp9,
        "xvid" | "xvidhd" => Codec::Xvid,
        "x" if next == "vid" => return Some((Codec::Xvid, 2)),
        "divx" => Codec::Divx,
        "vc1" => Codec::Vc1,
        "vc" if next == "1" => return Some((Codec::Vc1, 2)),
        "mpeg2" => Codec::Mpeg2,
        "mpeg" if next == "2" => return Some((Codec::Mpeg2, 2)),
        _ => return None,
    };
    Some((c, 1))
}

/// First codec in tokens `from..`.
pub(crate) fn codec(t: &Tokens, from: usize) -> Option<Codec> {
    (from..t.len())
        .filter(|&i| t.usable(i))
        .find_map(|i| codec_at(t, i))
        .map(|(c, _)| c)
}

/// All HDR formats in tokens `from..`, Dolby Vision first.
pub(crate) fn hdr(t: &Tokens, from: usize) -> Vec<HdrFormat> {
    let mut out = Vec::new();
    for i in (from..t.len()).filter(|&i| t.usable(i)) {
        let w = t.low(i);
        let plus = t.after(i) == Some('+') || t.next_low(i) == "plus";
        let f = match w {
            "hdr10plus" | "hdr10p" => HdrFormat::Hdr10Plus,
            "hdr10" | "hdr" if plus => HdrFormat::Hdr10Plus,
            "hdr10" | "hdr" | "uhdr" => HdrFormat::Hdr10,
            "dv" | "dovi" | "dolbyvision" => HdrFormat::DolbyVision,
            "dolby" if t.next_low(i) == "vision" => HdrFormat::DolbyVision,
            "hlg" => HdrFormat::Hlg,
            _ => continue,
        };
        if !out.contains(&f) {
            out.push(f);
        }
    }
    if out.contains(&HdrFormat::Hdr10Plus) {
        out.retain(|f| *f != HdrFormat::Hdr10);
    }
    out.sort();
    out
}

/// Audio format named at token `i`: (format, tokens spanned, embedded
/// channel digit such as the 5 of `DD5`).
fn audio_at(t: &Tokens, i: usize, atmos: bool) -> Option<(&'static str, usize, Option<u8>)> {
    let w = t.low(i);
    let next = t.next_low(i);
    let third = if t.adjacent(i + 1) { t.low(i + 2) } else { "" };
    let (base, digit) = split_trailing_digit(w);
    let r = match w {
        "dts" if next == "hd" && matches!(third, "ma" | "hr") => ("DTS-HD MA", 3),
        "dts" if next == "hd" && third == "hra" => ("DTS-HD HRA", 3),
        "dts" if next == "hd" => ("DTS-HD", 2),
        "dts" if matches!(next, "ma" | "hdma") => ("DTS-HD MA", 2),
        "dts" if next == "x" => ("DTS:X", 2),
        "dts" if next == "es" => ("DTS-ES", 2),
        "dtshd" if next == "ma" => ("DTS-HD MA", 2),
        "dtshd" => ("DTS-HD", 1),
        "dtsx" => ("DTS:X", 1),
        "dts" => ("DTS", 1),
        "truehd" if atmos => ("TrueHD Atmos", 1),
        "truehd" => ("TrueHD", 1),
        "eac3" | "ddp" | "ddpa" if atmos => ("DD+ Atmos", 1),
        "eac3" | "ddp" | "ddpa" => ("DD+", 1),
        "e" if next == "ac3" || next == "ac" => ("DD+", 2),
        "dd" if t.after(i) == Some('+') => (if atmos { "DD+ Atmos" } else { "DD+" }, 1),
        "ac3" | "dd" | "ac3d" => ("DD", 1),
        "aac" => ("AAC", 1),
        "he" if next == "aac" => ("AAC", 2),
        "flac" => ("FLAC", 1),
        "lpcm" | "pcm" => ("LPCM", 1),
        "mp3" => ("MP3", 1),
        "opus" => ("Opus", 1),
        _ => match (base, digit) {
            ("dd", Some(_)) if t.after(i) == Some('+') => {
                (if atmos { "DD+ Atmos" } else { "DD+" }, 1)
            }
            ("dd", Some(_)) => ("DD", 1),
            ("ddp" | "ddpa", Some(_)) => (if atmos { "DD+ Atmos" } else { "DD+" }, 1),
            ("aac", Some(_)) => ("AAC", 1),
            ("truehd", Some(_)) => (if atmos { "TrueHD Atmos" } else { "TrueHD" }, 1),
            ("flac", Some(_)) => ("FLAC", 1),
            ("lpcm" | "pcm", Some(_)) => ("LPCM", 1),
            ("dts", Some(_)) => ("DTS", 1),
            _ if w == "atmos" => ("Atmos", 1),
            _ => return None,
        },
    };
    let digit = if matches!(
        base,
        "dd" | "ddp" | "ddpa" | "aac" | "truehd" | "dts" | "flac" | "lpcm" | "pcm"
    ) {
        digit
    } else {
        None
    };
    Some((r.0, r.1, digit))
}

/// First audio format in tokens `from..`, with its channel layout.
pub(crate) fn audio(t: &Tokens, from: usize) -> Option<Audio> {
    let atmos =
        (from..t.len()).any(|i| t.usable(i) && matches!(t.low(i), "atmos" | "ddpa5" | "ddpa"));
    let mut found = (from..t.len())
        .filter(|&i| t.usable(i))
        .filter_map(|i| audio_at(t, i, atmos).map(|a| (i, a)));
    let first = found.next()?;
    // A bare "Atmos" names the object layer, not the codec: prefer the
    // codec word when it follows closely (`Atmos.TrueHD.7.1`).
    let (i, (format, span, digit)) = match first.1 .0 {
        "Atmos" => found.find(|(j, _)| *j <= first.0 + 3).unwrap_or(first),
        _ => first,
    };
    let mut channels = None;
    let after = i + span;
    if let Some(d) = digit {
        if t.adjacent(i) && matches!(t.low(after), "0" | "1" | "2") {
            channels = Some(format!("{d}.{}", t.low(after)));
        }
    }
    if channels.is_none() {
        for j in after..(after + 3).min(t.len()) {
            let w = t.low(j);
            if w.len() == 1 && w.as_bytes()[0].is_ascii_digit() && t.adjacent(j) {
                let n = t.low(j + 1);
                if matches!(n, "0" | "1" | "2") {
                    channels = Some(format!("{w}.{n}"));
                    break;
                }
            }
            match w {
                "2ch" => channels = Some("2.0".into()),
                "6ch" => channels = Some("5.1".into()),
                "8ch" => channels = Some("7.1".into()),
                _ => {}
            }
            if channels.is_some() {
                break;
            }
        }
    }
    Some(Audio { format, channels })
}

/// PROPER/REPACK/REAL and friends found in tokens `from..`.
#[derive(Debug, Default)]
pub(crate) struct Flags {
    pub proper: bool,
    pub repack: bool,
    pub version: u32,
    pub real: u32,
    pub is_3d: bool,
    pub hardcoded_subs: Option<String>,
}

/// Scan tokens `from..` for revision, 3D and hard-coded subtitle markers.
pub(crate) fn flags(t: &Tokens, from: usize) -> Flags {
    let mut f = Flags {
        version: 1,
        ..Flags::default()
    };
    for i in (from..t.len()).filter(|&i| t.usable(i)) {
        let w = t.low(i);
        let (base, digit) = split_trailing_digit(w);
        let bump = 1 + digit.map_or(1, |d| u32::from(d.max(1)));
        match base {
            "proper" => {
                f.proper = true;
                f.version = f.version.max(bump);
            }
            "repack" | "rerip" => {
                f.repack = true;
                f.version = f.version.max(bump);
            }
            _ => {}
        }
        if t.raw(i) == "REAL" {
            f.real += 1;
        }
        if let Some(v) = anime_version(w) {
            f.version = f.version.max(v);
        }
        let prev = if i > 0 { t.low(i - 1) } else { "" };
        if matches!(
            w,
            "3d" | "sbs" | "hsbs" | "fsbs" | "halfsbs" | "hou" | "halfou" | "mvc"
        ) || (matches!(w, "ou" | "tab") && matches!(prev, "h" | "half" | "3d" | "full"))
        {
            f.is_3d = true;
        }
        if let Some(h) = hardcoded(t, i) {
            f.hardcoded_subs = Some(h);
        }
    }
    f
}

/// `01v2` / `[v2]` style version numbers.
fn anime_version(w: &str) -> Option<u32> {
    let b = w.as_bytes();
    let n = b.len();
    if n >= 3 && b[n - 2] == b'v' && b[n - 1].is_ascii_digit() && b[n - 3].is_ascii_digit() {
        return Some(u32::from(b[n - 1] - b'0'));
    }
    None
}

/// Radarr's hard-coded subtitle rule: `KORSUB(S)`-style words or `HC`/`SUBBED`.
fn hardcoded(t: &Tokens, i: usize) -> Option<String> {
    let w = t.low(i);
    if w == "hc" || w == "subbed" {
        return Some("Generic Hardcoded Subs".into());
    }
    let stem = w.strip_suffix("subs").or_else(|| w.strip_suffix("sub"))?;
    if stem.is_empty()
        || matches!(
            stem,
            "soft" | "horrible" | "e" | "m" | "multi" | "multiple" | "no" | "vo" | "dual"
        )
        || !stem.bytes().all(|c| c.is_ascii_alphanumeric())
    {
        return None;
    }
    Some(t.raw(i).to_string())
}
