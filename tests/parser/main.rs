//! Field-accuracy acceptance test for the release-title parser.
//!
//! Every row of `fixtures/release-titles.tsv` (format documented in its `#`
//! header) is parsed; each checked column counts as one field.  The test
//! prints every miss and requires >= 98 % of fields right over >= 200 titles.

mod guessit;
mod radarr;

use reelarr::domain::parser::{parse_title, ParsedRelease};

const FIXTURE: &str = include_str!("../fixtures/release-titles.tsv");

fn json_name<T: serde::Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(e) => format!("<{e}>"),
    }
}

fn revision_label(p: &ParsedRelease) -> String {
    let r = p.revision;
    let mut parts = Vec::new();
    if r.real > 0 {
        parts.push("real".to_string());
    }
    if r.version > 1 {
        let kind = if r.is_repack { "repack" } else { "proper" };
        if r.version > 2 {
            parts.push(format!("{kind}{}", r.version - 1));
        } else {
            parts.push(kind.to_string());
        }
    }
    if parts.is_empty() {
        "none".into()
    } else {
        parts.join(" ")
    }
}

fn audio_label(p: &ParsedRelease) -> String {
    match &p.audio {
        None => "none".into(),
        Some(a) => match &a.channels {
            Some(c) => format!("{} {c}", a.format),
            None => a.format.to_string(),
        },
    }
}

fn list_label<T: serde::Serialize>(items: &[T]) -> String {
    if items.is_empty() {
        return "none".into();
    }
    let mut v: Vec<String> = items.iter().map(|i| json_name(i).to_lowercase()).collect();
    v.sort();
    v.join("+")
}

fn sorted_plus(s: &str) -> String {
    let mut v: Vec<String> = s.split('+').map(|x| x.trim().to_lowercase()).collect();
    v.sort();
    v.join("+")
}

/// (field, expected, actual, case-insensitive)
type Check = (&'static str, String, String, bool);

fn checks(cols: &[&str], p: &ParsedRelease) -> Vec<Check> {
    let mut out: Vec<Check> = Vec::new();
    let opt = |v: &Option<String>| v.clone().unwrap_or_else(|| "none".into());
    let mut push = |name: &'static str, exp: &str, act: String, ci: bool| {
        if exp != "-" {
            out.push((name, exp.to_string(), act, ci));
        }
    };
    push("title", cols[1], p.movie_title.clone(), false);
    push(
        "year",
        cols[2],
        p.year.map_or("none".into(), |y| y.to_string()),
        false,
    );
    push("source", cols[3], json_name(&p.source), false);
    push("resolution", cols[4], p.resolution.to_string(), false);
    push("modifier", cols[5], json_name(&p.modifier), false);
    push("group", cols[6], opt(&p.release_group), false);
    push("edition", cols[7], opt(&p.edition), true);
    push("revision", cols[8], revision_label(p), false);
    if cols[9] != "-" {
        for kv in cols[9].split(';').filter(|s| !s.is_empty()) {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            match k {
                "codec" => push(
                    "codec",
                    v,
                    p.codec.as_ref().map_or("none".into(), json_name),
                    true,
                ),
                "hdr" => push("hdr", &sorted_plus(v), list_label(&p.hdr), true),
                "audio" => push("audio", v, audio_label(p), true),
                "lang" => push(
                    "lang",
                    &sorted_plus(v),
                    list_label(&p.languages.iter().map(|l| l.name()).collect::<Vec<_>>()),
                    true,
                ),
                "3d" => push(
                    "3d",
                    v,
                    if p.is_3d { "yes".into() } else { "no".into() },
                    false,
                ),
                "hc" => push("hc", v, opt(&p.hardcoded_subs), false),
                "quality" => push("quality", v, p.quality.name.to_string(), false),
                other => panic!("unknown extra key {other}"),
            }
        }
    }
    out
}

#[test]
fn fixture_field_accuracy() {
    let mut titles = 0usize;
    let mut total = 0usize;
    let mut right = 0usize;
    let mut misses = Vec::new();
    for (n, line) in FIXTURE.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        assert_eq!(
            cols.len(),
            10,
            "line {}: expected 10 columns, got {}",
            n + 1,
            cols.len()
        );
        titles += 1;
        let parsed = parse_title(cols[0]);
        for (field, exp, act, ci) in checks(&cols, &parsed) {
            total += 1;
            let ok = if ci {
                exp.eq_ignore_ascii_case(&act)
            } else {
                exp == act
            };
            if ok {
                right += 1;
            } else {
                misses.push(format!(
                    "{:>4} {:<10} expected {:<28} got {:<28} | {}",
                    n + 1,
                    field,
                    exp,
                    act,
                    cols[0]
                ));
            }
        }
    }
    let pct = 100.0 * right as f64 / total.max(1) as f64;
    println!("parser fixture: {titles} titles, {right}/{total} fields right ({pct:.2} %)");
    if !misses.is_empty() {
        println!("misses ({}):", misses.len());
        for m in &misses {
            println!("  {m}");
        }
    }
    assert!(titles >= 200, "fixture has only {titles} titles");
    assert!(pct >= 98.0, "field accuracy {pct:.2} % < 98 %");
}
