//! Release-title parser: turns `Movie.Title.2019.1080p.BluRay.x264-GROUP`
//! into a [`ParsedRelease`] (title, year, Radarr quality, codec, HDR,
//! audio, edition, languages, group, revision), following Radarr's own
//! parsing rules so decisions match what Radarr users expect.
//!
//! The parser never panics and caps the input it looks at
//! (512 bytes, a bounded number of tokens), so any indexer string
//! can be fed to it safely.

mod clean;
mod edition;
mod group;
mod ids;
mod language;
mod media;
mod quality_detect;
mod quality_words;
mod title;
mod tokens;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_classes;

pub use language::Language;
pub use media::{Audio, Codec, HdrFormat};

use crate::domain::quality::{Modifier, Quality, QualityModel, Revision, Source};
use serde::Serialize;
use tokens::Tokens;

/// Everything reelarr learns from a release name; serialised in camelCase
/// for the API (`/api/v3/parse`-style responses).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ParsedRelease {
    /// Movie title with separators turned into spaces, cut before the year
    /// (the first of [`Self::movie_titles`]).
    pub movie_title: String,
    /// Every title the name gives, split on `AKA` and ` / ` (Radarr's
    /// `movieTitles`); never empty when the title is not.
    pub movie_titles: Vec<String>,
    /// Release year, when the name has one.
    pub year: Option<u16>,
    /// Vertical resolution: the quality's, or the name's own for qualities
    /// without a fixed one (CAM/TELESYNC/BR-DISK); 0 when unknown.
    pub resolution: u16,
    /// Source of the matched quality.
    pub source: Source,
    /// Modifier of the matched quality.
    pub modifier: Modifier,
    /// Radarr catalogue entry the name maps to.
    pub quality: &'static Quality,
    /// PROPER/REPACK/REAL revision.
    pub revision: Revision,
    /// Video codec.
    pub codec: Option<Codec>,
    /// HDR formats (empty for SDR / not stated).
    pub hdr: Vec<HdrFormat>,
    /// Main audio format.
    pub audio: Option<Audio>,
    /// Edition text as Radarr reports it (`Directors Cut`, `EXTENDED`...).
    pub edition: Option<String>,
    /// Audio languages (English when the name names none).
    pub languages: Vec<Language>,
    /// Release group.
    pub release_group: Option<String>,
    /// The name says PROPER.
    pub proper: bool,
    /// The name says REPACK/RERIP.
    pub repack: bool,
    /// Stereoscopic 3D release.
    pub is_3d: bool,
    /// Hard-coded subtitle marker (`KORSUB`, or `Generic Hardcoded Subs`).
    pub hardcoded_subs: Option<String>,
    /// IMDb id embedded in the name (`tt1234567`).
    pub imdb_id: Option<String>,
    /// TMDb id embedded in the name (`{tmdb-1234}`).
    pub tmdb_id: Option<u32>,
    /// CRC-style release hash in brackets (`[ABCD1234]`), as anime
    /// releases carry it (Radarr's `releaseHash`).
    pub release_hash: Option<String>,
}

impl ParsedRelease {
    /// Quality + revision in Radarr's `QualityModel` shape.
    pub fn quality_model(&self) -> QualityModel {
        QualityModel {
            quality: self.quality,
            revision: self.revision,
        }
    }
}

/// Parse a release title (or file name).  Total: never panics, bounded work.
pub fn parse_title(title: &str) -> ParsedRelease {
    parse_with(title, false)
}

/// [`parse_title`], optionally also reading a leading year as the release
/// year (`2008 The Incredible Hulk.mp4`): Radarr tries its "year comes
/// first" rule only on file names (`ParseMoviePath`), after every other
/// rule found no year.
fn parse_with(title: &str, year_first: bool) -> ParsedRelease {
    let capped = clean::cap(title, clean::MAX_INPUT);
    let cleaned = clean::clean(capped);
    let body = &cleaned.text[cleaned.body_start..];
    let mut t = Tokens::new(body);

    // `blow-how.to.be.single.2016...`: lower-case scene files start with
    // the group and a dash.
    let scene_prefix = scene_group_prefix(body);
    let anchors = title::anchors(&t, usize::from(scene_prefix.is_some()), year_first);
    let region_tok = match anchors.year_idx {
        Some(y) if y < anchors.stop => y,
        _ if anchors.stop < t.len() => anchors.stop,
        _ => 1,
    };
    let region_byte = t.toks.get(region_tok).map_or(body.len(), |tk| tk.start);
    let mut release_group = None;
    let mut group_tok = None;
    if let Some(hit) = group::find(&body[region_byte..]) {
        let (s, e) = (region_byte + hit.start, region_byte + hit.end);
        for (i, tk) in t.toks.iter().enumerate() {
            if tk.start >= s && tk.end <= e {
                t.excluded[i] = true;
                group_tok.get_or_insert(i);
            }
        }
        release_group = Some(hit.name);
    }
    if let Some(g) = scene_prefix {
        release_group = Some(g.to_string());
    }
    if let Some(p) = cleaned
        .prefix
        .as_deref()
        .filter(|p| group::prefix_is_group(p))
    {
        release_group = Some(p.to_string());
    }

    let split = title::split(&t, &anchors, group_tok);
    let from = split.tail_tok;
    let mut facts = quality_detect::gather(&t, from);
    if facts.source.is_none() && from > 1 {
        // The title swallowed the whole name (no year, no clear marker,
        // `My series S01E01 HD TV`): Radarr reads quality from the whole
        // name, so look again.
        let all = quality_detect::gather(&t, 1);
        facts.source = all.source;
        facts.resolution = facts.resolution.or(all.resolution);
        facts.hd_tv |= all.hd_tv;
        facts.sd_tv |= all.sd_tv;
        facts.hr_ws |= all.hr_ws;
    }
    if let Some(tag) = cleaned.prefix.as_deref() {
        facts.absorb_prefix(quality_detect::gather(&Tokens::new(tag), 0));
    }
    let hints = quality_detect::Hints {
        bracket_webdl: capped.contains("[WEBDL]"),
        bracket_hdtv: capped.contains("[HDTV]"),
        ext: cleaned.ext.as_deref(),
        web_fansub: release_group.as_deref().is_some_and(group::is_web_fansub),
    };
    let quality = quality_detect::decide(&facts, &hints);
    let named_res = facts
        .resolution
        .or(if facts.implied_uhd { Some(2160) } else { None });
    let resolution = if quality.resolution == 0 || quality.modifier == Modifier::Brdisk {
        named_res.unwrap_or(quality.resolution)
    } else {
        quality.resolution
    };

    let flags = media::flags(&t, from);
    let revision = Revision {
        version: flags.version,
        real: flags.real,
        is_repack: flags.repack,
    };
    let tail = &body[split.tail_byte..];
    let edition_text = match group_tok.and_then(|g| t.toks.get(g)) {
        Some(g) if g.start >= split.tail_byte => &body[split.tail_byte..g.start],
        _ => tail,
    };

    let id_hints = ids::Hints::scan(capped);
    let movie_titles = title::alternatives(&split.title);
    let movie_title = if movie_titles.len() == 1 {
        split.title
    } else {
        movie_titles.first().cloned().unwrap_or_default()
    };
    ParsedRelease {
        movie_title,
        movie_titles,
        year: split.year,
        resolution,
        source: quality.source,
        modifier: quality.modifier,
        quality,
        revision,
        codec: media::codec(&t, from),
        hdr: media::hdr(&t, from),
        audio: media::audio(&t, from),
        edition: if (0..t.len()).any(|i| edition::may_start_edition(t.low(i))) {
            edition::edition(edition_text)
                .or_else(|| edition::abbreviated_edition(&t, anchors.year_idx))
                .or_else(|| edition::bracketed_edition(body))
        } else {
            edition::abbreviated_edition(&t, anchors.year_idx)
        },
        languages: language::languages(&t, from),
        release_group,
        proper: flags.proper,
        repack: flags.repack,
        is_3d: flags.is_3d,
        hardcoded_subs: flags.hardcoded_subs,
        imdb_id: ids::imdb_id(capped, &id_hints),
        tmdb_id: ids::tmdb_id(capped, &id_hints),
        release_hash: ids::release_hash(capped),
    }
}

/// The group of a lower-case scene file name (`grp-title.2016.1080p...`):
/// no capitals, a dash after the first word, dots after that and no
/// `-group` at the end (`spider-man.2002.1080p.bluray.x264-grp` keeps its
/// title).
fn scene_group_prefix(body: &str) -> Option<&str> {
    if body.bytes().any(|b| b.is_ascii_uppercase()) || body.matches('-').count() != 1 {
        return None;
    }
    let dash = body.find(|c: char| !c.is_ascii_alphanumeric())?;
    if body.as_bytes()[dash] != b'-' || dash < 2 {
        return None;
    }
    let rest = &body[dash + 1..];
    let next_sep = rest.find(|c: char| !c.is_ascii_alphanumeric())?;
    (rest.as_bytes()[next_sep] == b'.').then(|| &body[..dash])
}

/// Parse a file path the way Radarr's `ParseMoviePath` does: the file
/// name first; when that names no year (Radarr's parse "fails"), the
/// folder name followed by the file name, then the folder name alone
/// with the file's extension.  Scene files are often abbreviated
/// (`wthd-cab.avi`) while their folder carries the full release name, so
/// when no candidate names a year the longer of the two names is used.
pub fn parse_path(path: &str) -> ParsedRelease {
    let mut parts = path.rsplit(['/', '\\']).filter(|p| !p.is_empty());
    let file = parts.next().unwrap_or(path);
    let parsed = parse_with(file, true);
    let Some(dir) = parts.next() else {
        return parsed;
    };
    if parsed.year.is_some() {
        return parsed;
    }
    let joined = parse_title(&format!("{dir} {file}"));
    if joined.year.is_some() {
        return joined;
    }
    let ext = file.rfind('.').map_or("", |i| &file[i..]);
    let folder = parse_title(&format!("{dir}{ext}"));
    if folder.year.is_some() || dir.len() > file.len() - ext.len() {
        folder
    } else {
        parsed
    }
}

/// Let HDBits' structured torrent fields override what the name says:
/// HDBits classifies every upload by hand, so its codec and medium are
/// more reliable than the title.
///
/// `type_codec`: 1 H.264, 2 MPEG-2, 3 VC-1, 4 XviD, 5 HEVC.
/// `type_medium`: 1 Blu-ray (full disc → BR-DISK), 2 HD DVD, 3 Encode
/// (Blu-ray encode), 4 Capture (HDTV), 5 Remux, 6 WEB-DL.
/// Unknown values are ignored.
pub fn apply_hdbits_hints(
    parsed: &mut ParsedRelease,
    type_codec: Option<u32>,
    type_medium: Option<u32>,
) {
    let codec = match type_codec {
        Some(1) => Some(Codec::H264),
        Some(2) => Some(Codec::Mpeg2),
        Some(3) => Some(Codec::Vc1),
        Some(4) => Some(Codec::Xvid),
        Some(5) => Some(Codec::H265),
        _ => None,
    };
    if codec.is_some() {
        parsed.codec = codec;
    }
    let (source, modifier) = match type_medium {
        Some(1) => (Source::Bluray, Modifier::Brdisk),
        Some(2) | Some(3) => (Source::Bluray, Modifier::None),
        Some(4) => (Source::Tv, Modifier::None),
        Some(5) => (Source::Bluray, Modifier::Remux),
        Some(6) if parsed.source == Source::Webrip => (Source::Webrip, Modifier::None),
        Some(6) => (Source::Webdl, Modifier::None),
        _ => return,
    };
    let res = parsed.resolution;
    let quality = Quality::find(source, res, modifier);
    parsed.quality = quality;
    parsed.source = quality.source;
    parsed.modifier = quality.modifier;
    if res == 0 || (quality.resolution != 0 && modifier != Modifier::Brdisk) {
        parsed.resolution = quality.resolution;
    }
}
