use super::*;
use proptest::prelude::*;
use std::time::{Duration, Instant};

fn p(s: &str) -> ParsedRelease {
    parse_title(s)
}

#[test]
fn title_years_inside_titles() {
    let r = p("2001.A.Space.Odyssey.1968.1080p.BluRay.x264-AMIABLE");
    assert_eq!(
        (r.movie_title.as_str(), r.year),
        ("2001 A Space Odyssey", Some(1968))
    );
    let r = p("Blade.Runner.2049.2017.1080p.BluRay.x264-SPARKS");
    assert_eq!(
        (r.movie_title.as_str(), r.year),
        ("Blade Runner 2049", Some(2017))
    );
    let r = p("1917.2019.1080p.BluRay.x264-SPARKS");
    assert_eq!((r.movie_title.as_str(), r.year), ("1917", Some(2019)));
    let r = p("Blade Runner 2049 Director's Cut.mkv");
    assert_eq!(
        (r.movie_title.as_str(), r.year),
        ("Blade Runner", Some(2049))
    );
}

#[test]
fn brackets_spaces_and_acronyms() {
    let r = p("The Shawshank Redemption (1994) [1080p] [BluRay] [5.1] [YTS.MX]");
    assert_eq!(r.movie_title, "The Shawshank Redemption");
    assert_eq!(r.quality.name, "Bluray-1080p");
    assert_eq!(r.release_group.as_deref(), Some("YTS.MX"));
    assert_eq!(
        p("R.I.P.D.2013.720p.BluRay.x264-SPARKS").movie_title,
        "R.I.P.D."
    );
    assert_eq!(
        p("V.H.S.2.2013.LIMITED.720p.BluRay.x264-GECKOS").movie_title,
        "V.H.S. 2"
    );
    assert_eq!(
        p("Ford.v.Ferrari.2019.1080p.BluRay.x264-SPARKS").movie_title,
        "Ford v Ferrari"
    );
}

#[test]
fn sources_and_modifiers() {
    let q = |s: &str| p(s).quality.name;
    assert_eq!(
        q("Movie.2019.1080p.BluRay.REMUX.AVC.DTS-HD.MA.5.1-FraMeSToR"),
        "Remux-1080p"
    );
    assert_eq!(
        q("Movie.2019.2160p.UHD.BluRay.REMUX.HDR.HEVC.Atmos-EPSiLON"),
        "Remux-2160p"
    );
    assert_eq!(q("Movie.2019.720p.BDRip.x264-GRP"), "Bluray-720p");
    assert_eq!(q("Movie.2019.BRRip.x264-GRP"), "Bluray-480p");
    assert_eq!(q("Movie.2019.1080p.WEB-DL.DD5.1.H.264-NTb"), "WEBDL-1080p");
    assert_eq!(q("Movie.2019.1080p.WEBDL.DD5.1.H.264-NTb"), "WEBDL-1080p");
    assert_eq!(q("Movie.2019.1080p.WEB.H264-NAISU"), "WEBDL-1080p");
    assert_eq!(q("Movie.2019.1080p.WEBRip.x264-RARBG"), "WEBRip-1080p");
    assert_eq!(q("Movie.2019.720p.HDTV.x264-GRP"), "HDTV-720p");
    assert_eq!(q("Movie.2019.DVDRip.XviD-GRP"), "DVD");
    assert_eq!(q("Movie.2019.DVD9.NTSC-GRP"), "DVD-R");
    assert_eq!(q("Movie.2019.DVD5.PAL-GRP"), "DVD-R");
    assert_eq!(q("Movie.2019.COMPLETE.BLURAY-GRP"), "BR-DISK");
    assert_eq!(q("Movie.2019.BR-DISK-GRP"), "BR-DISK");
    assert_eq!(
        q("Movie 2019 1080p Blu-ray AVC DTS-HD MA 5.1-DiSCoRD"),
        "BR-DISK"
    );
    assert_eq!(q("Movie.2019.HDCAM.x264-GRP"), "CAM");
    assert_eq!(q("Movie.2019.CAM.x264-GRP"), "CAM");
    assert_eq!(q("Movie.2019.TS.x264-GRP"), "TELESYNC");
    assert_eq!(q("Movie.2019.TELESYNC.x264-GRP"), "TELESYNC");
    assert_eq!(q("Movie.2019.HDTS.x264-GRP"), "TELESYNC");
    assert_eq!(q("Movie.2019.TC.x264-GRP"), "TELECINE");
    assert_eq!(q("Movie.2019.SCREENER.x264-GRP"), "DVDSCR");
    assert_eq!(q("Movie.2019.DVDSCR.x264-GRP"), "DVDSCR");
    assert_eq!(q("Movie.2019.R5.x264-GRP"), "REGIONAL");
    assert_eq!(q("Movie.2019.WORKPRINT.x264-GRP"), "WORKPRINT");
    assert_eq!(q("Movie.2019.UHD.BluRay.x265-GRP"), "Bluray-2160p");
    assert_eq!(q("Movie.2019.4K.WEB-DL.x265-GRP"), "WEBDL-2160p");
    assert_eq!(q("Movie.2019.1080i.HDTV.DD5.1.MPEG2-TrollHD"), "Raw-HD");
    assert_eq!(q("Some.Movie"), "Unknown");
}

#[test]
fn media_details() {
    let r = p("Dune.2021.2160p.UHD.BluRay.REMUX.DV.HDR.HEVC.TrueHD.Atmos.7.1-FraMeSToR");
    assert_eq!(r.codec, Some(Codec::H265));
    assert_eq!(r.hdr, vec![HdrFormat::DolbyVision, HdrFormat::Hdr10]);
    let a = r.audio.as_ref().map(|a| (a.format, a.channels.clone()));
    assert_eq!(a, Some(("TrueHD Atmos", Some("7.1".to_string()))));
    let r = p("Movie.2021.2160p.WEB-DL.DDP5.1.HDR10+.H.265-FLUX");
    assert_eq!(r.hdr, vec![HdrFormat::Hdr10Plus]);
    assert_eq!(r.audio.map(|a| a.format), Some("DD+"));
    assert!(p("Avatar.2009.3D.1080p.BluRay.Half-SBS.x264-GRP").is_3d);
    assert_eq!(
        p("Movie.2016.1080p.KORSUB.WEBRip.x264-GRP")
            .hardcoded_subs
            .as_deref(),
        Some("KORSUB")
    );
}

#[test]
fn editions_languages_revisions() {
    assert_eq!(
        p("Alien.1979.Directors.Cut.1080p.BluRay.x264-GRP")
            .edition
            .as_deref(),
        Some("Directors Cut")
    );
    assert_eq!(p("Uncut.Gems.2019.720p.BluRay.x264-YOL0W").edition, None);
    let r = p("Movie.2002.MULTi.VFF.1080p.BluRay.x264-LOST");
    assert_eq!(r.languages, vec![Language::French, Language::English]);
    assert_eq!(
        p("Movie.2019.GERMAN.1080p.BluRay.x264-GRP").languages,
        vec![Language::German]
    );
    assert_eq!(
        p("Movie.2019.1080p.BluRay.x264-GRP").languages,
        vec![Language::English]
    );
    let r = p("Movie.2019.PROPER.1080p.BluRay.x264-GRP");
    assert!(r.proper && !r.repack && r.revision.version == 2);
    let r = p("Movie.2019.REPACK2.1080p.BluRay.x264-GRP");
    assert!(r.repack && r.revision.is_repack && r.revision.version == 3);
    assert_eq!(
        p("Movie.2019.REAL.PROPER.1080p.WEB-DL-GRP").revision.real,
        1
    );
}

#[test]
fn release_groups() {
    let g = |s: &str| p(s).release_group;
    assert_eq!(
        g("Movie.2019.1080p.WEB-DL.DDP5.1.H.264-FLUX").as_deref(),
        Some("FLUX")
    );
    assert_eq!(g("Movie.2019.1080p.WEB-DL").as_deref(), None);
    assert_eq!(
        g("Movie.2019.1080p.BluRay.x264-SPARKS[rarbg]").as_deref(),
        Some("SPARKS")
    );
    assert_eq!(
        g("Movie.2019.720p.HC.HDRip.X264.AC3-EVO[EtHD]").as_deref(),
        Some("EVO")
    );
    assert_eq!(
        g("Movie.2019.1080p.BluRay.x264-NTb.mkv").as_deref(),
        Some("NTb")
    );
    assert_eq!(
        g("Movie.2019.1080p.BluRay.x264-GRP-Obfuscated").as_deref(),
        Some("GRP")
    );
    assert_eq!(g("Spider-Man.2002.1080p.BluRay.x264").as_deref(), None);
}

#[test]
fn hdbits_hints_override_name() {
    let mut r = p("Movie.2019.1080p.BluRay.AVC.DTS-HD.MA.5.1-GRP");
    apply_hdbits_hints(&mut r, Some(1), Some(1));
    assert_eq!(r.quality.name, "BR-DISK");
    assert_eq!(r.codec, Some(Codec::H264));
    let mut r = p("Movie.2019.1080p.BluRay-GRP");
    apply_hdbits_hints(&mut r, Some(5), Some(5));
    assert_eq!(
        (r.quality.name, r.codec),
        ("Remux-1080p", Some(Codec::H265))
    );
    let mut r = p("Movie.2019.720p-GRP");
    apply_hdbits_hints(&mut r, None, Some(4));
    assert_eq!(r.quality.name, "HDTV-720p");
    let mut r = p("Movie.2019.2160p.x265-GRP");
    apply_hdbits_hints(&mut r, None, Some(6));
    assert_eq!(r.quality.name, "WEBDL-2160p");
    let mut r = p("Movie.2019.1080p.WEB-DL-GRP");
    apply_hdbits_hints(&mut r, Some(99), Some(99));
    assert_eq!(r.quality.name, "WEBDL-1080p");
}

#[test]
fn serializes_camel_case_like_radarr() {
    let json = serde_json::to_value(p("Movie.2019.1080p.BluRay.x264-GRP")).unwrap_or_default();
    assert_eq!(json["movieTitle"], "Movie");
    assert_eq!(json["quality"]["id"], 7);
    assert_eq!(json["revision"]["isRepack"], false);
    assert_eq!(json["languages"][0]["name"], "English");
    assert_eq!(json["releaseGroup"], "GRP");
}

#[test]
fn degenerate_inputs() {
    for s in [
        "",
        " ",
        "-",
        "[]",
        "[[[[",
        "...",
        "2019",
        "()",
        "-[]-",
        "\u{0}",
        "日本語のタイトル 2019 1080p",
    ] {
        let r = p(s);
        assert!(r.movie_title.len() <= s.len() + 4, "{s:?}");
    }
    let long = "Movie.".repeat(20_000) + "2019.1080p.BluRay.x264-GRP";
    let start = Instant::now();
    let _ = p(&long);
    assert!(start.elapsed() < Duration::from_millis(200));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: crate::clients::http::fuzz_cases(200), ..ProptestConfig::default() })]

    #[test]
    fn never_panics_on_any_printable(s in "\\PC*") {
        let _ = parse_title(&s);
    }

    #[test]
    fn never_panics_on_release_like(s in "[A-Za-z0-9 ._\\-\\[\\]()+:!'’【】ßé]{0,300}") {
        let _ = parse_title(&s);
    }

    #[test]
    fn bounded_time_on_long_input(unit in "\\PC{1,12}", n in 1usize..4000) {
        let s = unit.repeat(n);
        let start = Instant::now();
        let _ = parse_title(&s);
        prop_assert!(start.elapsed() < Duration::from_millis(250));
    }
}
