//! Unit tests for the quality catalogue (kept apart to keep quality.rs short).
use super::*;

#[test]
fn ids_are_unique_and_ranked() {
    let mut ids: Vec<u32> = Quality::all().iter().map(|q| q.id).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 30);
    assert!(Quality::all().iter().all(|q| q.rank() > 0));
    assert_eq!(Quality::ranked().len(), 30);
    assert_eq!(Quality::ranked()[0].name, "Unknown");
}

#[test]
fn catalogue_matches_radarr() {
    let expect = [
        (0, "Unknown"),
        (1, "SDTV"),
        (2, "DVD"),
        (3, "WEBDL-1080p"),
        (4, "HDTV-720p"),
        (5, "WEBDL-720p"),
        (6, "Bluray-720p"),
        (7, "Bluray-1080p"),
        (8, "WEBDL-480p"),
        (9, "HDTV-1080p"),
        (10, "Raw-HD"),
        (12, "WEBRip-480p"),
        (14, "WEBRip-720p"),
        (15, "WEBRip-1080p"),
        (16, "HDTV-2160p"),
        (17, "WEBRip-2160p"),
        (18, "WEBDL-2160p"),
        (19, "Bluray-2160p"),
        (20, "Bluray-480p"),
        (21, "Bluray-576p"),
        (22, "BR-DISK"),
        (23, "DVD-R"),
        (24, "WORKPRINT"),
        (25, "CAM"),
        (26, "TELESYNC"),
        (27, "TELECINE"),
        (28, "DVDSCR"),
        (29, "REGIONAL"),
        (30, "Remux-1080p"),
        (31, "Remux-2160p"),
    ];
    for (id, name) in expect {
        assert_eq!(Quality::by_id(id).map(|q| q.name), Some(name), "id {id}");
    }
}

#[test]
fn find_exact_and_fallbacks() {
    assert_eq!(Quality::find(S::Bluray, 1080, M::None).id, 7);
    assert_eq!(Quality::find(S::Bluray, 2160, M::Remux).id, 31);
    assert_eq!(Quality::find(S::Bluray, 720, M::Remux).id, 30);
    assert_eq!(Quality::find(S::Bluray, 2160, M::Brdisk).id, 22);
    assert_eq!(Quality::find(S::Webrip, 1080, M::None).id, 15);
    assert_eq!(Quality::find(S::Telesync, 720, M::None).id, 26);
    assert_eq!(Quality::find(S::Tv, 480, M::None).id, 1);
    assert_eq!(Quality::find(S::Tv, 0, M::None).id, 1);
    assert_eq!(Quality::find(S::Bluray, 0, M::None).id, 6);
    assert_eq!(Quality::find(S::Webdl, 1440, M::None).id, 3);
    assert_eq!(Quality::find(S::Unknown, 1080, M::None).id, 0);
}

#[test]
fn weights_follow_radarr() {
    let w = |id| Quality::by_id(id).map(|q| q.rank()).unwrap_or(0);
    assert!(w(31) > w(19) && w(19) > w(18) && w(18) > w(30));
    assert_eq!(w(3), w(15));
    assert!(w(25) < w(2));
}

#[test]
fn revision_order_and_json() {
    let proper = Revision {
        version: 2,
        ..Revision::default()
    };
    assert!(proper > Revision::default());
    let model = QualityModel {
        quality: Quality::find(S::Webdl, 1080, M::None),
        revision: proper,
    };
    let json = serde_json::to_string(&model).unwrap_or_default();
    assert_eq!(
        json,
        r#"{"quality":{"id":3,"name":"WEBDL-1080p","source":"webdl","resolution":1080,"modifier":"none"},"revision":{"version":2,"real":0,"isRepack":false}}"#
    );
    let back: QualityModel = serde_json::from_str(&json).expect("round trip");
    assert_eq!(back, model);
}
