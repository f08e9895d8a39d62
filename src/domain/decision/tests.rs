//! Unit and property tests for the decision engine (kept apart to keep
//! decision.rs short).
use super::*;
use crate::domain::parser::parse_title;
use crate::domain::profile::QualityProfile;
use crate::domain::quality::{Quality, Revision};
use crate::domain::size_limits::{QualitySize, MEGABYTE};
use proptest::prelude::*;

const GB: u64 = 1024 * MEGABYTE;

fn profile(name: &str) -> QualityProfile {
    QualityProfile::defaults()
        .into_iter()
        .find(|p| p.name == name)
        .expect("default profile")
}

/// HD-1080p with upgrades on (Radarr ships it off).
fn hd1080() -> MovieContext {
    let mut p = profile("HD-1080p");
    p.upgrade_allowed = true;
    MovieContext::new(p)
}

fn cand(title: &str, size_bytes: u64, seeders: Option<u32>) -> Candidate {
    Candidate {
        guid: format!("guid-{title}"),
        title: title.to_string(),
        indexer: "Torznab".into(),
        size_bytes,
        seeders,
        info_hash: None,
        parsed: parse_title(title),
        age_hours: Some(12.0),
        freeleech: false,
        indexer_flags: 0,
    }
}

fn model(name: &str, version: u32) -> QualityModel {
    QualityModel {
        quality: Quality::by_name(name).expect("known quality"),
        revision: Revision {
            version,
            ..Revision::default()
        },
    }
}

fn one(movie: &MovieContext, c: Candidate) -> Decision {
    let mut out = evaluate(movie, vec![c]);
    assert_eq!(out.len(), 1);
    out.remove(0)
}

fn reasons(d: &Decision) -> Vec<RejectionReason> {
    d.rejections.iter().map(|r| r.reason).collect()
}

fn titles(ds: &[Decision]) -> Vec<&str> {
    ds.iter().map(|d| d.candidate.title.as_str()).collect()
}

const BLURAY: &str = "Oppenheimer.2023.1080p.BluRay.x264-GROUP";
const UHD: &str = "Oppenheimer.2023.2160p.UHD.BluRay.x265-GROUP";
const WEBDL: &str = "Oppenheimer.2023.1080p.WEB-DL.DDP5.1.H.264-FLUX";
const WEBRIP: &str = "Oppenheimer.2023.1080p.WEBRip.x264-RARBG";
const PROPER: &str = "Oppenheimer.2023.PROPER.1080p.BluRay.x264-GROUP";
const REMUX: &str = "Oppenheimer.2023.1080p.BluRay.REMUX.AVC.DTS-HD.MA.5.1-FGT";

#[test]
fn a_wanted_release_is_accepted() {
    let d = one(&hd1080(), cand(BLURAY, 10 * GB, Some(40)));
    assert!(d.accepted, "{:?}", d.rejections);
    assert!(d.rejections.is_empty());
    assert!(!d.upgrade);
    assert_eq!(d.quality().quality.name, "Bluray-1080p");
    assert_eq!(d.quality_rank, hd1080().profile.index_of(7));
}

#[test]
fn rejects_quality_not_in_profile() {
    let d = one(&hd1080(), cand(UHD, 40 * GB, Some(40)));
    assert!(!d.accepted);
    assert_eq!(reasons(&d), vec![RejectionReason::QualityNotWanted]);
    assert_eq!(
        d.rejections[0].message,
        "Bluray-2160p is not wanted in profile HD-1080p"
    );
    let cam = one(
        &hd1080(),
        cand("Oppenheimer.2023.HDCAM.x264-GROUP", GB, Some(9)),
    );
    assert!(cam.rejected_for(RejectionReason::QualityNotWanted));
}

#[test]
fn rejects_unknown_quality_unless_the_profile_allows_it() {
    let title = "Oppenheimer 2023";
    let d = one(&hd1080(), cand(title, 8 * GB, Some(40)));
    assert_eq!(reasons(&d), vec![RejectionReason::UnknownQuality]);
    assert!(d.rejections[0].message.contains("unknown"));

    let mut any = profile("Any");
    if let Some(crate::domain::profile::ProfileItem::Quality { allowed, .. }) =
        any.items.iter_mut().find(|i| i.contains(0))
    {
        *allowed = true;
    }
    let d = one(&MovieContext::new(any), cand(title, 8 * GB, Some(40)));
    assert!(d.accepted, "{:?}", d.rejections);
}

#[test]
fn rejects_too_small_scaled_by_runtime() {
    let mut movie = hd1080();
    movie.runtime_minutes = Some(136);
    movie.size_limits.set(QualitySize {
        quality: Quality::by_id(7).unwrap(),
        min: 28.6,
        preferred: None,
        max: None,
    });
    let small = (1.2 * GB as f64) as u64;
    let d = one(&movie, cand(BLURAY, small, Some(40)));
    assert_eq!(reasons(&d), vec![RejectionReason::SizeTooSmall]);
    assert_eq!(
        d.rejections[0].message,
        "1.2 GB is smaller than minimum allowed 3.8 GB (for a 136 minute movie)"
    );
    // Same size, shorter movie: the minimum scales down and it passes.
    movie.runtime_minutes = Some(40);
    assert!(one(&movie, cand(BLURAY, small, Some(40))).accepted);
    // Unknown runtime or unknown size: no size verdict.
    movie.runtime_minutes = None;
    assert!(one(&movie, cand(BLURAY, small, Some(40))).accepted);
    movie.runtime_minutes = Some(136);
    assert!(one(&movie, cand(BLURAY, 0, Some(40))).accepted);
}

#[test]
fn rejects_too_large_with_radarr_defaults() {
    let mut movie = hd1080();
    movie.runtime_minutes = Some(120); // WEB 1080p max: 100 MB/min → 11.7 GB
    let d = one(&movie, cand(WEBDL, 15 * GB, Some(40)));
    assert_eq!(reasons(&d), vec![RejectionReason::SizeTooLarge]);
    assert_eq!(
        d.rejections[0].message,
        "15.0 GB is larger than maximum allowed 11.7 GB (for a 120 minute movie)"
    );
    assert!(one(&movie, cand(WEBDL, 11 * GB, Some(40))).accepted);
    // Blu-ray 1080p is unlimited by default.
    assert!(one(&movie, cand(BLURAY, 60 * GB, Some(40))).accepted);
    movie.runtime_minutes = Some(0);
    assert!(one(&movie, cand(WEBDL, 15 * GB, Some(40))).accepted);
}

#[test]
fn rejects_too_few_seeders() {
    let mut movie = hd1080();
    movie.min_seeders = 5;
    let d = one(&movie, cand(BLURAY, 10 * GB, Some(2)));
    assert_eq!(reasons(&d), vec![RejectionReason::TooFewSeeders]);
    assert_eq!(
        d.rejections[0].message,
        "Not enough seeders: 2. Minimum seeders: 5"
    );
    assert!(one(&movie, cand(BLURAY, 10 * GB, Some(5))).accepted);
    assert!(
        one(&movie, cand(BLURAY, 10 * GB, None)).accepted,
        "unknown seeders pass"
    );
    // The default minimum is one seeder: a dead torrent is rejected.
    assert!(!one(&hd1080(), cand(BLURAY, 10 * GB, Some(0))).accepted);
}

#[test]
fn rejects_blocklisted_by_guid_or_info_hash_case_insensitively() {
    let mut movie = hd1080();
    let mut by_guid = cand(BLURAY, 10 * GB, Some(40));
    by_guid.guid = "https://tracker.example/details/123".into();
    let mut by_hash = cand(WEBDL, 8 * GB, Some(40));
    by_hash.info_hash = Some("abcdef0123456789abcdef0123456789abcdef01".into());
    let clean = cand(REMUX, 20 * GB, Some(40));
    movie.blocklist = vec![
        "HTTPS://TRACKER.EXAMPLE/DETAILS/123".into(),
        "ABCDEF0123456789ABCDEF0123456789ABCDEF01".into(),
        String::new(),
    ];
    let out = evaluate(&movie, vec![by_guid, by_hash, clean]);
    let rejected: Vec<&Decision> = out.iter().filter(|d| !d.accepted).collect();
    assert_eq!(rejected.len(), 2);
    for d in &rejected {
        assert_eq!(reasons(d), vec![RejectionReason::Blocklisted]);
    }
    assert!(rejected
        .iter()
        .any(|d| d.rejections[0].message.contains("guid")));
    assert!(rejected
        .iter()
        .any(|d| d.rejections[0].message.contains("info hash")));
    assert_eq!(best(&out).map(|d| d.candidate.title.as_str()), Some(REMUX));

    // An empty entry never matches an empty guid.
    let mut blank = cand(BLURAY, 10 * GB, Some(40));
    blank.guid = String::new();
    assert!(one(&movie, blank).accepted);
}

#[test]
fn upgrades_until_the_cutoff() {
    let mut movie = hd1080();
    movie.existing = Some(model("WEBDL-1080p", 1));
    let d = one(&movie, cand(BLURAY, 10 * GB, Some(40)));
    assert!(d.accepted, "{:?}", d.rejections);
    assert!(d.upgrade);

    // Cutoff (Bluray-1080p) reached: even a better Remux is not searched.
    movie.existing = Some(model("Bluray-1080p", 1));
    let d = one(&movie, cand(REMUX, 20 * GB, Some(40)));
    assert_eq!(reasons(&d), vec![RejectionReason::CutoffMet]);
    assert_eq!(
        d.rejections[0].message,
        "Existing file (Bluray-1080p) meets cutoff: Bluray-1080p"
    );
    assert!(d.upgrade, "it would have been an upgrade");

    // ...but a PROPER of the very same quality still is.
    let d = one(&movie, cand(PROPER, 10 * GB, Some(40)));
    assert!(d.accepted, "{:?}", d.rejections);
    assert!(d.upgrade);
}

#[test]
fn no_upgrades_when_the_profile_forbids_them() {
    let mut movie = MovieContext::new(profile("HD-1080p")); // Radarr default: off
    movie.existing = Some(model("WEBDL-1080p", 1));
    let d = one(&movie, cand(BLURAY, 10 * GB, Some(40)));
    assert_eq!(reasons(&d), vec![RejectionReason::CutoffMet]);
    assert_eq!(
        d.rejections[0].message,
        "Existing file (WEBDL-1080p) is kept: profile HD-1080p does not allow upgrades"
    );
    // Without a file the same release is simply accepted.
    movie.existing = None;
    assert!(one(&movie, cand(BLURAY, 10 * GB, Some(40))).accepted);
}

#[test]
fn rejects_equal_or_worse_than_existing() {
    let mut movie = hd1080();
    movie.existing = Some(model("WEBDL-1080p", 1));
    // Same group ranks equal: WEBRip is no upgrade over WEB-DL.
    let d = one(&movie, cand(WEBRIP, 8 * GB, Some(40)));
    assert_eq!(reasons(&d), vec![RejectionReason::NotAnUpgrade]);
    assert_eq!(
        d.rejections[0].message,
        "Existing file on disk is of equal or higher preference: WEBDL-1080p"
    );
    let d = one(&movie, cand(WEBDL, 8 * GB, Some(40)));
    assert_eq!(reasons(&d), vec![RejectionReason::NotAnUpgrade]);
    // Worse quality, past the cutoff: both rules speak.
    movie.existing = Some(model("Bluray-1080p", 2));
    let d = one(&movie, cand(BLURAY, 10 * GB, Some(40)));
    assert_eq!(
        reasons(&d),
        vec![RejectionReason::CutoffMet, RejectionReason::NotAnUpgrade]
    );
    assert!(d.rejections[1].message.ends_with("Bluray-1080p v2"));
}

#[test]
fn collects_every_rejection() {
    let mut movie = hd1080();
    movie.runtime_minutes = Some(100);
    movie.min_seeders = 3;
    let mut c = cand(UHD, 0, Some(1));
    c.info_hash = Some("HASH".into());
    movie.blocklist = vec!["hash".into()];
    let d = one(&movie, c);
    assert_eq!(
        reasons(&d),
        vec![
            RejectionReason::QualityNotWanted,
            RejectionReason::TooFewSeeders,
            RejectionReason::Blocklisted
        ]
    );
}

#[test]
fn ranks_quality_before_revision() {
    let movie = hd1080();
    let out = evaluate(
        &movie,
        vec![
            cand(
                "Oppenheimer.2023.PROPER.1080p.WEB-DL.DDP5.1.H.264-FLUX",
                8 * GB,
                Some(900),
            ),
            cand(BLURAY, 10 * GB, Some(3)),
            cand(REMUX, 30 * GB, Some(1)),
        ],
    );
    assert_eq!(
        titles(&out),
        vec![
            REMUX,
            BLURAY,
            "Oppenheimer.2023.PROPER.1080p.WEB-DL.DDP5.1.H.264-FLUX"
        ]
    );
    assert!(out.iter().all(|d| d.accepted));
}

#[test]
fn ranks_revision_before_seeders() {
    let repack = "Oppenheimer.2023.REPACK.1080p.BluRay.x264-GROUP";
    let real = "Oppenheimer.2023.REAL.PROPER.1080p.BluRay.x264-GROUP";
    let out = evaluate(
        &hd1080(),
        vec![
            cand(BLURAY, 10 * GB, Some(500)),
            cand(repack, 10 * GB, Some(5)),
            cand(real, 10 * GB, Some(2)),
        ],
    );
    assert_eq!(titles(&out), vec![real, repack, BLURAY]);
}

#[test]
fn ranks_seeders_before_size_and_groups_equal() {
    let mut movie = hd1080();
    movie.runtime_minutes = Some(100);
    // WEB-DL and WEBRip share the WEB 1080p group, so seeders decide.
    let out = evaluate(
        &movie,
        vec![
            cand(WEBDL, 9 * GB, Some(10)),
            cand(WEBRIP, 3 * GB, Some(100)),
        ],
    );
    assert_eq!(titles(&out), vec![WEBRIP, WEBDL]);
    assert_eq!(out[0].quality_rank, out[1].quality_rank);
}

#[test]
fn ranks_size_by_closeness_to_preferred() {
    let mut movie = hd1080();
    movie.runtime_minutes = Some(100); // preferred 9500 MB, max 10000 MB
    let a = cand(WEBDL, 9 * GB, Some(10)); // 284 MB off
    let mut b = cand(WEBDL, (9.7 * GB as f64) as u64, Some(10)); // 433 MB off
    b.guid = "b".into();
    let mut c = cand(WEBDL, 6 * GB, Some(10)); // far off
    c.guid = "c".into();
    let mut unknown = cand(WEBDL, 0, Some(10));
    unknown.guid = "unknown".into();
    let out = evaluate(&movie, vec![c, unknown, b, a]);
    let guids: Vec<&str> = out.iter().map(|d| d.candidate.guid.as_str()).collect();
    assert_eq!(
        guids,
        vec![format!("guid-{WEBDL}").as_str(), "b", "c", "unknown"]
    );
}

#[test]
fn ranks_larger_first_without_a_preferred_size() {
    // Blu-ray 1080p has no preferred size by default.
    let mut movie = hd1080();
    movie.runtime_minutes = Some(100);
    let mut big = cand(BLURAY, 20 * GB, Some(10));
    big.guid = "big".into();
    let small = cand(BLURAY, 8 * GB, Some(10));
    let out = evaluate(&movie, vec![small, big]);
    assert_eq!(out[0].candidate.guid, "big");
    // Unknown runtime: preferred sizes cannot be scaled, larger wins too.
    movie.runtime_minutes = None;
    let mut big = cand(WEBDL, 20 * GB, Some(10));
    big.guid = "big".into();
    let out = evaluate(&movie, vec![cand(WEBDL, 9 * GB, Some(10)), big]);
    assert_eq!(out[0].candidate.guid, "big");
}

#[test]
fn accepted_come_first_and_ties_keep_input_order() {
    let mut first = cand(BLURAY, 10 * GB, Some(10));
    first.guid = "first".into();
    let mut second = cand(BLURAY, 10 * GB, Some(10));
    second.guid = "second".into();
    let out = evaluate(
        &hd1080(),
        vec![
            cand(UHD, 40 * GB, Some(999)),
            first,
            cand("Oppenheimer.2023.DVDRip.XviD-GROUP", 2 * GB, Some(50)),
            second,
        ],
    );
    let accepted: Vec<bool> = out.iter().map(|d| d.accepted).collect();
    assert_eq!(accepted, vec![true, true, false, false]);
    assert_eq!(out[0].candidate.guid, "first");
    assert_eq!(out[1].candidate.guid, "second");
    // Rejected ones are ranked too (profile order: Bluray-2160p > DVD).
    assert_eq!(out[2].candidate.title, UHD);
    assert_eq!(best(&out).map(|d| d.candidate.guid.as_str()), Some("first"));
}

#[test]
fn best_is_none_when_nothing_is_acceptable() {
    assert!(best(&evaluate(&hd1080(), vec![])).is_none());
    let out = evaluate(&hd1080(), vec![cand(UHD, 40 * GB, Some(10))]);
    assert!(best(&out).is_none());
}

#[test]
fn serialises_reasons_in_snake_case() {
    let d = one(&hd1080(), cand(UHD, 40 * GB, Some(10)));
    let v = serde_json::to_value(&d).unwrap();
    assert_eq!(v["rejections"][0]["reason"], "quality_not_wanted");
    assert_eq!(v["accepted"], false);
    assert_eq!(v["candidate"]["sizeBytes"], 40 * GB);
    assert_eq!(v["candidate"]["parsed"]["quality"]["name"], "Bluray-2160p");
    for (reason, name) in [
        (RejectionReason::UnknownQuality, "unknown_quality"),
        (RejectionReason::SizeTooSmall, "size_too_small"),
        (RejectionReason::SizeTooLarge, "size_too_large"),
        (RejectionReason::TooFewSeeders, "too_few_seeders"),
        (RejectionReason::Blocklisted, "blocklisted"),
        (RejectionReason::CutoffMet, "cutoff_met"),
        (RejectionReason::NotAnUpgrade, "not_an_upgrade"),
    ] {
        assert_eq!(serde_json::to_value(reason).unwrap(), name);
        let back: RejectionReason = serde_json::from_value(name.into()).unwrap();
        assert_eq!(back, reason);
    }
}

#[test]
fn formats_sizes_like_radarr() {
    assert_eq!(format_size(0), "0 B");
    assert_eq!(format_size(1023), "1023 B");
    assert_eq!(format_size(1536), "1.5 KB");
    assert_eq!(format_size(700 * MEGABYTE), "700.0 MB");
    assert_eq!(format_size((1.2 * GB as f64) as u64), "1.2 GB");
    assert_eq!(format_size(3 * 1024 * GB), "3.0 TB");
    assert_eq!(format_size(u64::MAX), "16777216.0 TB");
}

const TITLES: [&str; 12] = [
    BLURAY,
    UHD,
    WEBDL,
    WEBRIP,
    PROPER,
    REMUX,
    "Oppenheimer.2023.REPACK.1080p.BluRay.x264-GROUP",
    "Oppenheimer.2023.720p.BluRay.x264-GROUP",
    "Oppenheimer.2023.HDCAM.x264-GROUP",
    "Oppenheimer.2023.DVDRip.XviD-GROUP",
    "Oppenheimer 2023",
    "Oppenheimer.2023.2160p.WEB-DL.DDP5.1.DV.HDR.H.265-FLUX",
];

fn arb_candidate() -> impl Strategy<Value = Candidate> {
    (
        prop_oneof![
            (0..TITLES.len()).prop_map(|i| TITLES[i].to_string()),
            ".{0,60}",
        ],
        prop_oneof![Just(0u64), any::<u64>(), 0u64..80 * GB],
        proptest::option::of(0u32..2000),
        proptest::option::of("[a-f0-9]{4}"),
        "[a-c]{1,2}",
    )
        .prop_map(|(title, size, seeders, hash, guid)| {
            let mut c = cand(&title, size, seeders);
            c.guid = guid;
            c.info_hash = hash;
            c
        })
}

fn arb_movie() -> impl Strategy<Value = MovieContext> {
    (
        0..QualityProfile::defaults().len(),
        any::<bool>(),
        proptest::option::of(0u32..400),
        proptest::option::of((0..Quality::all().len(), 1u32..4)),
        proptest::collection::vec("[a-c]{1,2}|[a-f0-9]{4}", 0..3),
        0u32..20,
    )
        .prop_map(|(p, upgrades, runtime, existing, blocklist, min_seeders)| {
            let mut profile = QualityProfile::defaults().swap_remove(p);
            profile.upgrade_allowed = upgrades;
            let mut movie = MovieContext::new(profile);
            movie.runtime_minutes = runtime;
            movie.existing = existing.map(|(q, v)| QualityModel {
                quality: &Quality::all()[q],
                revision: Revision {
                    version: v,
                    ..Revision::default()
                },
            });
            movie.blocklist = blocklist;
            movie.min_seeders = min_seeders;
            movie
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn evaluate_is_total_and_orders_accepted_first(
        movie in arb_movie(),
        candidates in proptest::collection::vec(arb_candidate(), 0..8),
    ) {
        let n = candidates.len();
        let out = evaluate(&movie, candidates);
        prop_assert_eq!(out.len(), n);
        let first_rejected = out.iter().position(|d| !d.accepted).unwrap_or(n);
        prop_assert!(out[first_rejected..].iter().all(|d| !d.accepted));
        for d in &out {
            prop_assert_eq!(d.accepted, d.rejections.is_empty());
            prop_assert!(d.rejections.iter().all(|r| !r.message.is_empty()));
            if d.accepted {
                prop_assert!(movie.profile.allows(d.quality().quality.id));
            }
        }
        prop_assert_eq!(best(&out).is_some(), first_rejected > 0);
        // Accepted decisions never get worse in profile order down the list.
        for pair in out[..first_rejected].windows(2) {
            prop_assert!(pair[0].quality_rank >= pair[1].quality_rank);
        }
    }
}

/// A context whose profile scores one custom format: releases whose title matches `regex`.
fn with_format(mut movie: MovieContext, regex: &str, score: i32) -> MovieContext {
    let f = crate::domain::custom_format::CustomFormat::from_resource(&serde_json::json!({
        "name": "F", "specifications": [{"name": "t", "implementation": "ReleaseTitleSpecification",
        "required": true, "fields": {"value": regex}}]}))
    .unwrap();
    let f = crate::domain::custom_format::CustomFormat { id: 7, ..f };
    movie.custom_formats = vec![f];
    movie.profile.format_items = vec![crate::domain::profile::FormatItem {
        format: 7,
        name: Some("F".into()),
        score,
    }];
    movie
}

#[test]
fn custom_format_score_ranks_within_equal_quality_before_seeders() {
    let x265 = "Oppenheimer.2023.1080p.BluRay.x265-POPULAR";
    let mut movie = with_format(hd1080(), "x265", -100);
    movie.profile.min_format_score = -1000;
    let out = evaluate(
        &movie,
        vec![
            cand(x265, 10 * GB, Some(900)),
            cand(BLURAY, 10 * GB, Some(3)),
        ],
    );
    assert_eq!(titles(&out), vec![BLURAY, x265]);
    assert_eq!(out[1].custom_format_score, -100);
    assert_eq!(out[1].custom_formats[0].name, "F");
    assert!(out.iter().all(|d| d.accepted));
    // Quality still comes first: a better quality with a bad score outranks a worse one.
    let better = "Oppenheimer.2023.1080p.BluRay.REMUX.x265-FGT";
    let mut remux = with_format(hd1080(), "x265", -100);
    remux.profile = profile("Any");
    remux.profile.min_format_score = -1000;
    remux.profile.format_items = movie.profile.format_items.clone();
    let out = evaluate(
        &remux,
        vec![
            cand(WEBDL, 8 * GB, Some(50)),
            cand(better, 30 * GB, Some(1)),
        ],
    );
    assert_eq!(out[0].candidate.title, better);
}

#[test]
fn below_min_format_score_is_rejected_with_radarrs_reason() {
    let movie = with_format(hd1080(), "x265", -100);
    let d = one(
        &movie,
        cand("Oppenheimer.2023.1080p.BluRay.x265-G", 10 * GB, Some(9)),
    );
    assert_eq!(reasons(&d), vec![RejectionReason::FormatScoreTooLow]);
    assert_eq!(
        d.rejections[0].message,
        "Custom Formats [F] have score -100 below Movie's minimum 0"
    );
    assert!(one(&movie, cand(BLURAY, 10 * GB, Some(9))).accepted);
}

#[test]
fn equal_quality_upgrades_by_format_score_until_the_format_cutoff() {
    let mut movie = with_format(hd1080(), "FLUX", 50);
    movie.existing = Some(model("Bluray-1080p", 1));
    movie.profile.cutoff = 7;
    movie.profile.cutoff_format_score = 40;
    let flux = "Oppenheimer.2023.1080p.BluRay.x264-FLUX";
    // The file scores 0, below the format cutoff: a better-scored equal quality upgrades.
    let d = one(&movie, cand(flux, 10 * GB, Some(9)));
    assert!(d.accepted && d.upgrade, "{:?}", d.rejections);
    // The same quality without the format is no upgrade.
    let d = one(&movie, cand(BLURAY, 10 * GB, Some(9)));
    assert!(d.rejected_for(RejectionReason::NotAnUpgrade));
    // Once the file reaches the format cutoff, upgrading stops.
    movie.existing_format_score = 50;
    let d = one(&movie, cand(flux, 10 * GB, Some(9)));
    assert!(
        d.rejected_for(RejectionReason::CutoffMet),
        "{:?}",
        d.rejections
    );
    // And a profile that does not allow upgrades never takes it.
    movie.existing_format_score = 0;
    movie.profile.upgrade_allowed = false;
    let d = one(&movie, cand(flux, 10 * GB, Some(9)));
    assert!(d.rejected_for(RejectionReason::CutoffMet));
    assert!(!d.accepted);
}

#[test]
fn a_format_upgrade_needs_the_minimum_increment() {
    let mut movie = with_format(hd1080(), "FLUX", 50);
    movie.existing = Some(model("Bluray-1080p", 1));
    movie.profile.cutoff_format_score = 1000;
    movie.existing_format_score = 20;
    movie.profile.min_upgrade_format_score = 40;
    let flux = "Oppenheimer.2023.1080p.BluRay.x264-FLUX";
    assert!(one(&movie, cand(flux, 10 * GB, Some(9))).rejected_for(RejectionReason::NotAnUpgrade));
    movie.profile.min_upgrade_format_score = 30;
    assert!(one(&movie, cand(flux, 10 * GB, Some(9))).upgrade);
}
