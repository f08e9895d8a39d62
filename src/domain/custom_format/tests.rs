//! Matching and JSON tests for custom formats: negate, required, per-implementation OR,
//! regex with lookarounds, size bounds, flags, languages, and the two `fields` shapes.
use super::*;
use crate::domain::parser::parse_title;
use serde_json::{json, Value};

const GB: u64 = 1024 * 1024 * 1024;

fn spec(name: &str, implementation: &str, negate: bool, required: bool, fields: Value) -> Value {
    json!({"name": name, "implementation": implementation, "negate": negate,
           "required": required, "fields": fields})
}

fn format(specs: Vec<Value>) -> CustomFormat {
    CustomFormat::from_resource(&json!({"name": "F", "specifications": specs})).unwrap()
}

fn hits(f: &CustomFormat, title: &str, size: u64, flags: u32) -> bool {
    let parsed = parse_title(title);
    f.matches(&MatchInput {
        title,
        parsed: &parsed,
        size_bytes: size,
        indexer_flags: flags,
        original_language: None,
    })
}

const X265: &str = "Dune.2021.2160p.UHD.BluRay.x265.HDR.DTS-HD.MA.5.1-GROUP";
const X264: &str = "Dune.2021.1080p.BluRay.x264.DTS-FLUX";

#[test]
fn release_title_regex_is_case_insensitive_and_supports_lookarounds() {
    let f = format(vec![spec(
        "x265",
        "ReleaseTitleSpecification",
        false,
        true,
        json!({"value": r"[xh][ ._-]?265|\bHEVC(\b|\d)"}),
    )]);
    assert!(hits(&f, X265, 0, 0));
    assert!(!hits(&f, X264, 0, 0));
    // A TRaSH-style lookahead: DV together with HDR.
    let dv = format(vec![spec(
        "DV HDR10",
        "ReleaseTitleSpecification",
        false,
        true,
        json!({"value": r"^(?=.*\b(DV|DoVi|Dolby[ .]?Vision)\b)(?=.*\b(HDR(10)?(P(lus)?)?)\b)"}),
    )]);
    assert!(dv.matches(&MatchInput {
        title: "Dune.2021.2160p.WEB-DL.DV.HDR10.H265-X",
        parsed: &parse_title("Dune.2021.2160p.WEB-DL.DV.HDR10.H265-X"),
        size_bytes: 0,
        indexer_flags: 0,
        original_language: None,
    }));
    assert!(!hits(&dv, X265, 0, 0), "HDR without DV");
}

#[test]
fn negate_inverts_a_condition() {
    let not_x265 = format(vec![spec(
        "not x265",
        "ReleaseTitleSpecification",
        true,
        true,
        json!({"value": "x265"}),
    )]);
    assert!(!hits(&not_x265, X265, 0, 0));
    assert!(hits(&not_x265, X264, 0, 0));
}

#[test]
fn within_one_implementation_any_condition_may_match_unless_required() {
    let either = format(vec![
        spec(
            "1080p",
            "ResolutionSpecification",
            false,
            false,
            json!({"value": 1080}),
        ),
        spec(
            "2160p",
            "ResolutionSpecification",
            false,
            false,
            json!({"value": 2160}),
        ),
    ]);
    assert!(hits(&either, X265, 0, 0));
    assert!(hits(&either, X264, 0, 0));
    assert!(!hits(&either, "Dune.2021.720p.BluRay.x264-G", 0, 0));

    let both_required = format(vec![
        spec(
            "1080p",
            "ResolutionSpecification",
            false,
            true,
            json!({"value": 1080}),
        ),
        spec(
            "2160p",
            "ResolutionSpecification",
            false,
            false,
            json!({"value": 2160}),
        ),
    ]);
    assert!(hits(&both_required, X264, 0, 0));
    assert!(
        !hits(&both_required, X265, 0, 0),
        "a required condition failed"
    );
}

#[test]
fn every_implementation_group_must_match() {
    let bluray_2160 = format(vec![
        spec(
            "bluray",
            "SourceSpecification",
            false,
            false,
            json!({"value": 9}),
        ),
        spec(
            "2160p",
            "ResolutionSpecification",
            false,
            false,
            json!({"value": 2160}),
        ),
    ]);
    assert!(hits(&bluray_2160, X265, 0, 0));
    assert!(
        !hits(&bluray_2160, X264, 0, 0),
        "source matches, resolution does not"
    );
    let remux = format(vec![spec(
        "remux",
        "QualityModifierSpecification",
        false,
        true,
        json!({"value": 5}),
    )]);
    assert!(hits(
        &remux,
        "Dune.2021.1080p.BluRay.REMUX.AVC.DTS-HD.MA-FGT",
        0,
        0
    ));
    assert!(!hits(&remux, X264, 0, 0));
}

#[test]
fn size_is_above_min_and_at_most_max_in_gigabytes() {
    let f = format(vec![spec(
        "small",
        "SizeSpecification",
        false,
        true,
        json!({"min": 1, "max": 5}),
    )]);
    assert!(!hits(&f, X264, GB, 0), "min is exclusive");
    assert!(hits(&f, X264, GB + 1, 0));
    assert!(hits(&f, X264, 5 * GB, 0), "max is inclusive");
    assert!(!hits(&f, X264, 5 * GB + 1, 0));
}

#[test]
fn groups_flags_and_languages() {
    let group = format(vec![spec(
        "FLUX",
        "ReleaseGroupSpecification",
        false,
        true,
        json!({"value": "^(FLUX|NTb)$"}),
    )]);
    assert!(hits(&group, X264, 0, 0));
    assert!(!hits(&group, X265, 0, 0));

    let freeleech = format(vec![spec(
        "FL",
        "IndexerFlagSpecification",
        false,
        true,
        json!({"value": 1}),
    )]);
    assert!(hits(&freeleech, X264, 0, 1 | 32));
    assert!(!hits(&freeleech, X264, 0, 2));

    let french = format(vec![spec(
        "French",
        "LanguageSpecification",
        false,
        true,
        json!({"value": 2}),
    )]);
    assert!(hits(&french, "Dune.2021.FRENCH.1080p.BluRay.x264-G", 0, 0));
    assert!(!hits(&french, X264, 0, 0));
    let not_english = format(vec![spec(
        "Not English",
        "LanguageSpecification",
        false,
        true,
        json!({"value": 1, "exceptLanguage": true}),
    )]);
    assert!(hits(
        &not_english,
        "Dune.2021.FRENCH.1080p.BluRay.x264-G",
        0,
        0
    ));
    assert!(!hits(&not_english, X264, 0, 0));
}

fn problem(v: Value) -> FormatError {
    CustomFormat::from_resource(&v).unwrap_err()
}

#[test]
fn bad_input_names_the_field() {
    let e = problem(json!({"name": "F", "specifications": [spec(
        "bad", "ReleaseTitleSpecification", false, false, json!([{"name": "value", "value": "(unclosed"}]))]}));
    assert_eq!(e.field, "specifications[0].fields.value");
    assert!(e.message.contains("regular expression"), "{e}");
    let e = problem(
        json!({"name": "F", "specifications": [spec("x", "NopeSpecification", false, false, json!({}))]}),
    );
    assert_eq!(e.field, "specifications[0].implementation");
    let e = problem(json!({"name": " ", "specifications": []}));
    assert_eq!(e.field, "name");
    let e = problem(json!({"name": "F", "specifications": []}));
    assert_eq!(e.field, "specifications");
    let e = problem(
        json!({"name": "F", "specifications": [spec("s", "SourceSpecification", false, false, json!({"value": 42}))]}),
    );
    assert_eq!(e.field, "specifications[0].fields.value");
    let e = problem(
        json!({"name": "F", "specifications": [spec("s", "SizeSpecification", false, false, json!({"min": 5, "max": 2}))]}),
    );
    assert_eq!(e.field, "specifications[0].fields.max");
    let e = problem(
        json!({"name": "F", "specifications": [spec("", "SizeSpecification", false, false, json!({"min": 1, "max": 2}))]}),
    );
    assert_eq!(e.field, "specifications[0].name");
}

#[test]
fn both_field_shapes_read_alike_and_write_radarrs_fields() {
    let object = format(vec![spec(
        "g",
        "ReleaseGroupSpecification",
        true,
        false,
        json!({"value": "^X$"}),
    )]);
    let list = format(vec![spec(
        "g",
        "ReleaseGroupSpecification",
        true,
        false,
        json!([{"name": "value", "value": "^X$", "label": "ignored"}]),
    )]);
    assert_eq!(object, list);
    let out = object.to_resource();
    let field = &out["specifications"][0]["fields"][0];
    assert_eq!(field["name"], "value");
    assert_eq!(field["value"], "^X$");
    assert_eq!(field["type"], "textbox");
    assert_eq!(
        out["specifications"][0]["implementationName"],
        "Release Group"
    );
    let back = CustomFormat::from_resource(&out).unwrap();
    assert_eq!(back, object);
    let shape = export_shape(&out);
    assert_eq!(
        shape["specifications"][0]["fields"],
        json!({"value": "^X$"})
    );
}

#[test]
fn schema_lists_every_implementation_with_select_options() {
    let s = schema();
    let classes: Vec<&str> = s
        .iter()
        .map(|e| e["implementation"].as_str().unwrap())
        .collect();
    for c in [
        "ReleaseTitleSpecification",
        "SourceSpecification",
        "ResolutionSpecification",
        "QualityModifierSpecification",
        "ReleaseGroupSpecification",
        "SizeSpecification",
        "LanguageSpecification",
        "IndexerFlagSpecification",
    ] {
        assert!(classes.contains(&c), "{c}");
    }
    let source = s
        .iter()
        .find(|e| e["implementation"] == "SourceSpecification")
        .unwrap();
    let options = source["fields"][0]["selectOptions"].as_array().unwrap();
    assert!(options
        .iter()
        .any(|o| o["value"] == 9 && o["name"] == "BLURAY"));
}

#[test]
fn a_pathological_pattern_does_not_hang() {
    let f = format(vec![spec(
        "evil",
        "ReleaseTitleSpecification",
        false,
        true,
        json!({"value": r"^(a+)+\1$"}),
    )]);
    let title = format!("{}b", "a".repeat(40));
    let start = std::time::Instant::now();
    assert!(!hits(&f, &title, 0, 0));
    assert!(start.elapsed() < std::time::Duration::from_secs(5));
}

/// TRaSH's "EVO (no WEBDL)" (docs/json/radarr/cf/evo-no-webdl.json): a required group and two
/// required, negated sources of the same implementation.
#[test]
fn trash_evo_without_webdl() {
    let f = CustomFormat::from_resource(&json!({
    "name": "EVO (no WEBDL)",
    "specifications": [
        {"name": "EVO", "implementation": "ReleaseGroupSpecification", "negate": false,
         "required": true, "fields": {"value": "^(EVO(TGX)?)$"}},
        {"name": "WEBDL", "implementation": "SourceSpecification", "negate": true,
         "required": true, "fields": {"value": 7}},
        {"name": "WEBRIP", "implementation": "SourceSpecification", "negate": true,
         "required": true, "fields": {"value": 8}}
    ]}))
    .unwrap();
    assert!(hits(&f, "Dune.2021.1080p.BluRay.x264-EVO", 0, 0));
    assert!(!hits(&f, "Dune.2021.1080p.WEB-DL.DDP5.1.H.264-EVO", 0, 0));
    assert!(!hits(&f, "Dune.2021.1080p.WEBRip.x264-EVO", 0, 0));
    assert!(!hits(&f, X264, 0, 0));
}
