//! One test per class of name issue #14 found parsed wrong, with
//! real-world style names and Radarr's answer for each.

use super::*;

fn q(s: &str) -> &'static str {
    parse_title(s).quality.name
}

fn g(s: &str) -> Option<String> {
    parse_title(s).release_group
}

#[test]
fn cam_family() {
    for name in [
        "Movie.Title.2023.HQCAM.x264-GROUP",
        "Movie.Title.2023.HDCAMRip.x264-GROUP",
        "Movie.Title.2023.NEWCAM.x264-GROUP",
        "Movie Title 2023 HD-CAM x264-GROUP",
        "Movie.Title.2023.CAMRip.XviD-GROUP",
    ] {
        assert_eq!(q(name), "CAM", "{name}");
    }
}

#[test]
fn telesync_family_keeps_resolution() {
    let p = parse_title("Movie.Title.2023.TeleSynch.x264-GROUP");
    assert_eq!(p.quality.name, "TELESYNC");
    let p = parse_title("Movie.Title.2023.720p.HDTS.x264-GROUP");
    assert_eq!((p.quality.name, p.resolution), ("TELESYNC", 720));
    let p = parse_title("Movie.Title.2023.1080p.TS.x264-GROUP");
    assert_eq!((p.quality.name, p.resolution), ("TELESYNC", 1080));
}

#[test]
fn bluray_family() {
    assert_eq!(q("Movie.Title.2019.UHDBDRip.x265-GROUP"), "Bluray-2160p");
    assert_eq!(
        q("Movie.Title.2019.2160p.UHD2BD.x265-GROUP"),
        "Bluray-2160p"
    );
    assert_eq!(
        q("Movie.Title.2019.1080p.BDLight.x264-GROUP"),
        "Bluray-1080p"
    );
    assert_eq!(
        q("Movie.Title.2007.720p.HDDVDRip.x264-GROUP"),
        "Bluray-720p"
    );
    assert_eq!(
        q("Movie.Title.2007.1080p.HD.DVD.x264-GROUP"),
        "Bluray-1080p"
    );
    assert_eq!(q("Movie.Title.2007.HD-DVDRip.x264-GROUP"), "Bluray-480p");
}

#[test]
fn full_discs_are_br_disk() {
    for name in [
        "Movie.Title.2019.1080p.BD25.AVC.DTS-HD.MA-GROUP",
        "Movie.Title.2019.1080p.BD-50.AVC.DTS-HD.MA-GROUP",
        "Movie.Title.2019.2160p.BD66.HEVC.TrueHD-GROUP",
        "Movie.Title.2019.1080p.Blu-ray.UNTOUCHED.AVC-GROUP",
        "Movie.Title.2019.BDFull.1080p.AVC-GROUP",
        "Movie.Title.2019.1080p.Blu.ray.AVC.DTS-HD.MA.5.1-GROUP",
        "Movie.Title.2019.COMPLETE.BLURAY-GROUP",
        "Movie Title 2019 1080p Blu-ray VC-1 DTS-HD MA 5.1-GROUP",
    ] {
        assert_eq!(q(name), "BR-DISK", "{name}");
    }
    // An encode or a remux of the same disc is not the disc.
    assert_eq!(
        q("Movie.Title.2019.1080p.BluRay.AVC.x264-GROUP"),
        "Bluray-1080p"
    );
    assert_eq!(
        q("Movie.Title.2019.1080p.BluRay.AVC.DTS-HD.MA.5.1-GROUP.mkv"),
        "Bluray-1080p"
    );
}

#[test]
fn remux_variants() {
    assert_eq!(
        q("Movie.Title.2019.1080p.BluRay.Hybrid-REMUX.AVC.DTS-HD.MA.5.1-GROUP"),
        "Remux-1080p"
    );
    assert_eq!(
        q("Movie.Title.2019.German.ML.1080p.BluRay.AVC-GROUP"),
        "Remux-1080p"
    );
    // Remuxes below 1080p keep their real resolution.
    let p = parse_title("Movie.Title.1985.480i.BluRay.REMUX.MPEG-2.DTS-GROUP");
    assert_eq!((p.quality.name, p.resolution), ("Bluray-480p", 480));
    let p = parse_title("Movie.Title.1985.720p.BluRay.REMUX.AVC.DTS-GROUP");
    assert_eq!((p.quality.name, p.resolution), ("Bluray-720p", 720));
}

#[test]
fn dvd_family() {
    for name in [
        "Movie.Title.1999.PAL.2xDVD9-GROUP",
        "Movie.Title.1999.2DVD5-GROUP",
        "Movie.Title.1999.MDVDR-GROUP",
        "Movie.Title.1999.NTSC.DVD-R-GROUP",
        "Movie.Title.1999.DVD9.German-GROUP",
    ] {
        assert_eq!(q(name), "DVD-R", "{name}");
    }
    assert_eq!(q("Movie.Title.1999.DVDRip.XviD-GROUP"), "DVD");
}

#[test]
fn anime_and_fansub_names() {
    let p = parse_title("[SubsPlease] Movie Title (540p) [A1B2C3D4].mkv");
    assert_eq!(p.quality.name, "WEBDL-480p");
    assert_eq!(p.release_group.as_deref(), Some("SubsPlease"));
    assert_eq!(p.release_hash.as_deref(), Some("A1B2C3D4"));
    assert_eq!(p.movie_title, "Movie Title");
    let p = parse_title("[Erai-raws] Movie Title - Movie [1080p][Multiple Subtitle].mkv");
    assert_eq!(p.quality.name, "WEBDL-1080p");
    assert_eq!(p.release_group.as_deref(), Some("Erai-raws"));
    let p = parse_title("[HorribleSubs] Movie Title [Web][720p].mkv");
    assert_eq!(p.quality.name, "WEBDL-720p");
    assert_eq!(p.release_group.as_deref(), Some("HorribleSubs"));
}

#[test]
fn high_resolution_widescreen_pdtv_is_720p() {
    assert_eq!(q("Movie.Title.2009.HR.WS.PDTV.x264-GROUP"), "HDTV-720p");
}

#[test]
fn extension_only_names() {
    assert_eq!(q("Movie Title (1999).avi"), "SDTV");
    assert_eq!(q("Movie Title (1999).m2ts"), "Bluray-720p");
    assert_eq!(q("Movie Title (1999).mkv"), "HDTV-720p");
    assert_eq!(q("Movie Title (1999).vob"), "DVD");
    assert_eq!(q("Movie Title (1999).webm"), "Unknown");
}

#[test]
fn release_groups_with_dashes_spaces_and_scripts() {
    assert_eq!(
        g("Movie.Title.2019.1080p.BluRay.x264-D-Z0N3").as_deref(),
        Some("D-Z0N3")
    );
    assert_eq!(
        g("Movie.Title.2019.1080p.WEB-DL.H264-Erai-raws").as_deref(),
        Some("Erai-raws")
    );
    assert_eq!(
        g("Movie Title 2019 1080p BluRay x264 Eml HDTeam").as_deref(),
        Some("Eml HDTeam")
    );
    assert_eq!(
        g("Movie Title (2019) [1080p BluRay x265 10bit BEN THE MEN]").as_deref(),
        Some("BEN THE MEN")
    );
    assert_eq!(
        g("Movie.Title.2019.1080p.BluRay.DTS.x264-ZØNEHD").as_deref(),
        Some("ZØNEHD")
    );
    assert_eq!(
        g("Movie.Title.2019.1080p.BluRay.x264-126811").as_deref(),
        Some("126811")
    );
    // Other all-digit "groups" are no groups.
    assert_eq!(g("Movie.Title.2019.1080p.BluRay.x264-123456"), None);
}

#[test]
fn repost_suffixes_and_encoder_credits() {
    assert_eq!(
        g("Movie.Title.2019.1080p.BluRay.x264-SPARKS-RePACKPOST").as_deref(),
        Some("SPARKS")
    );
    assert_eq!(
        g("Movie.Title.2019.1080p.WEB-DL.DDP5.1.H.264-NTb-Rakuv02").as_deref(),
        Some("NTb")
    );
    assert_eq!(
        g("Movie.Title.2019.1080p.BluRay.x264-GROUP.by.Someone").as_deref(),
        Some("GROUP")
    );
    assert_eq!(
        g("Movie.Title.1995.DVDrip.Spanish.DivX.by.Artik[SEDG]").as_deref(),
        Some("SEDG")
    );
}

#[test]
fn trailing_notes_are_no_group() {
    assert_eq!(g("Movie Title (2019) 1080p BluRay x265 [AAC 5.1]"), None);
    assert_eq!(g("Movie.Title.2019.1080p.BluRay.x264.DTS-HD.MA.5.1"), None);
    assert_eq!(g("Movie Title 2019 1080p WEB-DL [ENG]"), None);
}

#[test]
fn bracketed_groups_after_the_title() {
    assert_eq!(
        g("Movie Title (2019) (1080p BluRay x265 HEVC 10bit AAC 7.1 Tigole)").as_deref(),
        Some("Tigole")
    );
    assert_eq!(
        g("Movie Title (2019) [1080p x265 10bit FS93 Anime Time]").as_deref(),
        Some("Anime Time")
    );
    assert_eq!(
        g("Movie.Title.2019.1080p.BluRay.x264.[GROUP]").as_deref(),
        Some("GROUP")
    );
}

#[test]
fn alternative_titles() {
    let p = parse_title("Movie Title AKA Other Title 2019 1080p BluRay x264-GROUP");
    assert_eq!(p.movie_title, "Movie Title");
    assert_eq!(p.movie_titles, ["Movie Title", "Other Title"]);
    let p = parse_title("Le Titre / The Title (2019) 1080p WEB-DL x264-GROUP");
    assert_eq!(p.movie_titles, ["Le Titre", "The Title"]);
    assert_eq!(p.year, Some(2019));
}

#[test]
fn language_codes() {
    let langs = |s: &str| {
        let mut v: Vec<&str> = parse_title(s).languages.iter().map(|l| l.name()).collect();
        v.sort();
        v
    };
    assert_eq!(
        langs("Movie.Title.2019.ESP.1080p.BluRay.x264-GROUP"),
        ["Spanish"]
    );
    assert_eq!(
        langs("Movie.Title.2019.ESP.ING.1080p.BluRay.x264-GROUP"),
        ["English", "Spanish"]
    );
    assert_eq!(
        langs("Movie.Title.2019.GER.1080p.BluRay.x264-GROUP"),
        ["German"]
    );
    assert_eq!(
        langs("Movie.Title.2019.NL.1080p.BluRay.x264-GROUP"),
        ["Dutch"]
    );
    assert_eq!(
        langs("Movie.Title.2019.German.DL.1080p.BluRay.x264-GROUP"),
        ["English", "German"]
    );
    assert_eq!(
        langs("Movie.Title.2019.SLOVAK.1080p.WEB-DL.x264-GROUP"),
        ["Slovak"]
    );
    // "Dan" in a title is a name, not Danish.
    let p = parse_title("Dan.in.Real.Life.2007.1080p.BluRay.x264-GROUP");
    assert_eq!(p.movie_title, "Dan in Real Life");
    assert_eq!(p.languages, [Language::English]);
}

#[test]
fn leading_words_that_are_not_the_title() {
    let p = parse_title("blow-how.to.be.single.2016.1080p.bluray.x264.mkv");
    assert_eq!(p.movie_title, "how to be single");
    assert_eq!(p.release_group.as_deref(), Some("blow"));
    let p = parse_title("spider-man.2002.1080p.bluray.x264-grp");
    assert_eq!(p.movie_title, "spider-man");
    assert_eq!(p.release_group.as_deref(), Some("grp"));
    let p = parse_title("h265 - HEVC Riddick Unrated Director Cut French 1080p DTS.mkv");
    assert_eq!(p.movie_title, "Riddick");
    let p = parse_title("www.Tamilblasters.party - The Wheel of Time (2021) 720p x264");
    assert_eq!(p.movie_title, "The Wheel of Time");
}

#[test]
fn abbreviated_editions_beside_the_year() {
    let p = parse_title("Alien DC (1979) [1080p]");
    assert_eq!(
        (p.movie_title.as_str(), p.edition.as_deref()),
        ("Alien", Some("Directors Cut"))
    );
    let p = parse_title("Aliens.SE.1986.BDRip.1080p");
    assert_eq!(
        (p.movie_title.as_str(), p.edition.as_deref()),
        ("Aliens", Some("Special Edition"))
    );
    let p = parse_title("Requiem.For.A.Dream.2000.DC.1080p.BluRay.x264-GRP");
    assert_eq!(p.edition.as_deref(), Some("Directors Cut"));
    let p = parse_title(
        "Batman V Superman Dawn of Justice 2016 Extended Cut Ultimate Edition HDRip x264 AC3-DaDDy",
    );
    assert_eq!(p.edition.as_deref(), Some("Extended Cut Ultimate Edition"));
}

#[test]
fn editions_in_brackets_inside_the_title() {
    let p = parse_title("Queen - A Kind of Magic (Alternative Extended Version) 2CD 2014");
    assert_eq!(p.edition.as_deref(), Some("Extended Version"));
    let p = parse_title("Movie.Name.VR.180.SBS.1080p.mkv");
    assert_eq!(p.movie_title, "Movie Name");
}

#[test]
fn year_first_file_names_read_through_parse_path() {
    // Radarr's "year comes first" rule, tried on file names only.
    let p = parse_path("2009.shoot.fruit.chan.multi.dvd9.pal");
    assert_eq!(
        (p.movie_title.as_str(), p.year),
        ("shoot fruit chan", Some(2009))
    );
    let p = parse_path("2008 The Incredible Hulk Feature Film.mp4");
    assert_eq!(
        (p.movie_title.as_str(), p.year),
        ("The Incredible Hulk Feature Film", Some(2008))
    );
    // A release title (not a path) keeps its leading year in the title.
    assert_eq!(
        parse_title("2009.shoot.fruit.chan.multi.dvd9.pal").year,
        None
    );
    // Another year wins over the leading one.
    let p = parse_path("1917.2019.1080p.BluRay.x264-GRP.mkv");
    assert_eq!((p.movie_title.as_str(), p.year), ("1917", Some(2019)));
}

#[test]
fn titles_without_a_year_end_at_release_words() {
    // `WEB-DL` is never a title word, unlike a lone `Web`.
    let p =
        parse_title("French Maid Services - Lola At Your Service WEB-DL SPLIT SCENES MP4-RARBG");
    assert_eq!(p.movie_title, "French Maid Services - Lola At Your Service");
    // Bracketed notes after the title.
    let p = parse_title("[JySzE] Naruto [v2] [R2J] [VFR] [Dual Audio] [Complete] [Extras] [x264]");
    assert_eq!(p.movie_title, "Naruto");
    let p = parse_title("[DVDRip-ITA]The Fast and the Furious: Tokyo Drift [CR-Bt]");
    assert_eq!(p.movie_title, "The Fast and the Furious Tokyo Drift");
    // Frame rates and VR layouts.
    assert_eq!(parse_title("Gladiator 23.976 FPS").movie_title, "Gladiator");
    assert_eq!(
        parse_title("Movie.Name.VR.180.LR.1080p.mkv").movie_title,
        "Movie Name"
    );
    assert_eq!(
        parse_title("Movie.Name.VR.180.OU.1080p.mkv").movie_title,
        "Movie Name"
    );
}

#[test]
fn french_order_collector_edition_and_notes_that_look_like_sites() {
    let p = parse_title("Baraka_Edition_Collector.avi");
    assert_eq!(
        (p.movie_title.as_str(), p.edition.as_deref()),
        ("Baraka", Some("Edition Collector"))
    );
    // `[Vhs.Rip.Vff]` is no website tag: its VFF names French audio.
    let p = parse_title("Mise à Sac (Alain Cavalier, 1967) [Vhs.Rip.Vff]");
    assert_eq!(p.languages, vec![Language::French]);
    // A real site tag is still stripped.
    let p = parse_title("Movie.2019.1080p.BluRay.x264-GRP[rarbg.to]");
    assert_eq!(p.release_group.as_deref(), Some("GRP"));
}

#[test]
fn radarr_fixture_rules_for_web_tv_and_languages() {
    // A lone `Web` is a title word unless a codec, resolution, store tag
    // or anime brackets make it the source.
    assert_eq!(q("Movie.Title.S01E01.The.Web.MT-dd"), "Unknown");
    assert_eq!(q("Movie.Name.2020.1080p.AMZN.WEB."), "WEBDL-1080p");
    assert_eq!(q("Movie Title - 2020 1080p Viva MKV WEB"), "WEBDL-1080p");
    // Fansub `[Web]` without a resolution is 720p.
    assert_eq!(
        q("[HorribleSubs] Movie Title! 2018 [Web][MKV][h264][AAC 2.0][Softsubs (HorribleSubs)]"),
        "WEBDL-720p"
    );
    // `HD TV` / `SD TV` and `HR.WS.PDTV` even where the title swallowed them.
    assert_eq!(q("My series S01E01 HD.TV"), "HDTV-720p");
    assert_eq!(q("My series S01E01 SD_TV"), "SDTV");
    assert_eq!(
        q("Movie.Name.US.S12E17.HR.WS.PDTV.X264-DIMENSION"),
        "HDTV-720p"
    );
    // Language lists after a dash are no group.
    assert_eq!(
        g("Movie Name (2015) [BDRemux 1080p AVC ES-CAT-EN DTS-HD MA 5.1 Subs]"),
        None
    );
    // Radarr's Spanish remuxes subtitle the English track; Polish lectors;
    // `PL-SUB` is a subtitle, not audio.
    let langs = |s: &str| parse_title(s).languages;
    assert_eq!(
        langs("Movie Title (2016) [UHDRemux 2160p SDR] [Castellano DD 5.1 - Inglés DTS-HD MA 5.1 Subs]"),
        vec![Language::Spanish]
    );
    assert_eq!(
        langs("Movie.Title.1994.PLLEK.1080p.XviD-LOL"),
        vec![Language::Polish]
    );
    assert_eq!(
        langs("Movie.Title.1994.LEKPL.1080p.XviD-LOL"),
        vec![Language::Polish]
    );
    assert_eq!(
        langs("Movie.Title.1994.PL-SUB.1080p.XviD-LOL"),
        vec![Language::English]
    );
    assert_eq!(
        langs("Movie.Title.1994.SUB-PL.1080p.XviD-LOL"),
        vec![Language::English]
    );
    assert_eq!(
        langs("Movie.Title.1994.PL-DUB.1080p.XviD-LOL"),
        vec![Language::Polish]
    );
}
