//! The decision engine honours custom formats and quality definitions in `/api/v3/release`:
//! a negative score ranks a release below an equal one, `minFormatScore` rejects with a reason,
//! upgrades stop at `cutoffFormatScore`, and size limits follow the stored definitions.

use super::*;

const GB: u64 = 1024 * 1024 * 1024;
/// Same quality (Bluray-1080p) as CLEAN, more seeders: without custom formats it ranks first.
const X265: &str = "The.Matrix.1999.1080p.BluRay.x265-POPULAR";
const CLEAN: &str = "The.Matrix.1999.1080p.BluRay.x264-QUIET";
/// Alternative title after AKA, a language, an edition and an anime-style CRC release hash.
const AKA: &str =
    "The.Matrix.AKA.Matrice.1999.REMASTERED.FRENCH.1080p.BluRay.x264-QUIET.[ABCD1234]";

async fn x265_format(app: &App) -> i64 {
    let (st, cf) = app
        .send(
            Method::POST,
            "/api/v3/customformat",
            Some(
                json!({"name": "x265 (HD)", "includeCustomFormatWhenRenaming": false,
                "specifications": [{"name": "x265", "implementation": "ReleaseTitleSpecification",
                    "negate": false, "required": true,
                    "fields": [{"name": "value", "value": r"[xh][ ._-]?265|\bHEVC(\b|\d)"}]}]}),
            ),
        )
        .await;
    assert_eq!(st, 201, "{cf}");
    cf["id"].as_i64().unwrap()
}

/// Sets the HD-1080p profile's scores and minimum; returns its id.
async fn score(app: &App, format: i64, score: i64, min: i64) -> Value {
    let mut hd = app.profile("HD-1080p").await;
    hd["formatItems"] = json!([{"format": format, "score": score}]);
    hd["minFormatScore"] = json!(min);
    let (st, saved) = app
        .send(
            Method::PUT,
            &format!("/api/v3/qualityprofile/{}", hd["id"]),
            Some(hd.clone()),
        )
        .await;
    assert_eq!(st, 202, "{saved}");
    hd["id"].clone()
}

async fn releases(app: &App, movie: i64) -> Vec<Value> {
    let v = app.get(&format!("/api/v3/release?movieId={movie}")).await;
    v.as_array().unwrap().clone()
}

fn by_title<'a>(list: &'a [Value], title: &str) -> &'a Value {
    list.iter().find(|r| r["title"] == title).unwrap()
}

#[tokio::test]
async fn a_negative_format_ranks_below_and_min_score_rejects_with_a_reason() {
    let app = App::start(&[(X265, 8 * GB, 90), (CLEAN, 8 * GB, 5)]).await;
    let hd = app.profile("HD-1080p").await;
    let movie = app.add_movie(&hd["id"]).await;
    // No formats yet: the better-seeded x265 release comes first (Radarr's seeders rule).
    let before = releases(&app, movie).await;
    assert_eq!(before[0]["title"], X265);
    assert_eq!(before[0]["customFormatScore"], 0);

    let f = x265_format(&app).await;
    score(&app, f, -100, -1000).await;
    let list = releases(&app, movie).await;
    let titles: Vec<&str> = list.iter().map(|r| r["title"].as_str().unwrap()).collect();
    assert_eq!(titles, [CLEAN, X265], "the x265 release must rank below");
    let x = by_title(&list, X265);
    assert_eq!(x["customFormatScore"], -100);
    assert_eq!(x["customFormats"], json!([{"id": f, "name": "x265 (HD)"}]));
    assert_eq!(x["approved"], true);
    assert_eq!(by_title(&list, CLEAN)["customFormats"], json!([]));
    for r in &list {
        assert_radarr_shape("ReleaseResource", r);
    }

    // minFormatScore 0: the x265 release is now rejected, with Radarr's reason.
    score(&app, f, -100, 0).await;
    let list = releases(&app, movie).await;
    let x = by_title(&list, X265);
    assert_eq!(x["approved"], false);
    assert_eq!(
        x["rejections"],
        json!(["Custom Formats [x265 (HD)] have score -100 below Movie's minimum 0"])
    );
    assert_eq!(by_title(&list, CLEAN)["approved"], true);
    assert_eq!(list[0]["title"], CLEAN);
}

#[tokio::test]
async fn an_unreachable_min_score_is_refused_naming_the_field() {
    let app = App::start(&[]).await;
    let f = x265_format(&app).await;
    let mut hd = app.profile("HD-1080p").await;
    hd["formatItems"] = json!([{"format": f, "score": 10}]);
    hd["minFormatScore"] = json!(50);
    let (st, e) = app
        .send(
            Method::PUT,
            &format!("/api/v3/qualityprofile/{}", hd["id"]),
            Some(hd.clone()),
        )
        .await;
    assert_eq!(st, 400, "{e}");
    assert_eq!(e["field"], "minFormatScore");
    assert_eq!(
        app.profile("HD-1080p").await["minFormatScore"],
        0,
        "nothing saved"
    );
}

#[tokio::test]
async fn size_checks_read_the_live_quality_definitions() {
    let app = App::start(&[(CLEAN, 8 * GB, 5)]).await;
    let hd = app.profile("HD-1080p").await;
    let movie = app.add_movie(&hd["id"]).await;
    assert_eq!(releases(&app, movie).await[0]["approved"], true);
    // Bluray-1080p capped at 10 MB a minute: 1.3 GB for the 136-minute Matrix.
    let defs = app.get("/api/v3/qualitydefinition").await;
    let mut bluray = defs
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["quality"]["name"] == "Bluray-1080p")
        .unwrap()
        .clone();
    bluray["maxSize"] = json!(10);
    bluray["preferredSize"] = json!(5);
    let (st, saved) = app
        .send(
            Method::PUT,
            &format!("/api/v3/qualitydefinition/{}", bluray["id"]),
            Some(bluray.clone()),
        )
        .await;
    assert_eq!(st, 202, "{saved}");
    let r = &releases(&app, movie).await[0];
    assert_eq!(r["approved"], false);
    assert_eq!(
        r["rejections"],
        json!(["8.0 GB is larger than maximum allowed 1.3 GB (for a 136 minute movie)"])
    );
}

#[tokio::test]
async fn releases_carry_the_parsers_titles_hash_languages_and_edition() {
    let app = App::start(&[(AKA, 8 * GB, 5), (CLEAN, 8 * GB, 5)]).await;
    let hd = app.profile("HD-1080p").await;
    let movie = app.add_movie(&hd["id"]).await;
    let list = releases(&app, movie).await;
    let r = by_title(&list, AKA);
    assert_eq!(r["movieTitles"], json!(["The Matrix", "Matrice"]), "{r}");
    assert_eq!(r["releaseHash"], "ABCD1234", "{r}");
    assert_eq!(r["languages"], json!([{"id": 2, "name": "French"}]), "{r}");
    assert_eq!(r["edition"], "REMASTERED", "{r}");
    assert_eq!(r["releaseGroup"], "QUIET", "{r}");
    let plain = by_title(&list, CLEAN);
    assert_eq!(plain["movieTitles"], json!(["The Matrix"]));
    assert_eq!(plain["releaseHash"], "");
    for r in &list {
        assert_radarr_shape("ReleaseResource", r);
    }
}

#[tokio::test]
async fn wanted_cutoff_honours_the_cutoff_format_score() {
    let app = App::start(&[]).await;
    let f = x265_format(&app).await;
    let hd = app.profile("HD-1080p").await;
    let movie = app.add_movie(&hd["id"]).await;
    // The movie has a Bluray-1080p file (the profile's quality cutoff) without x265.
    let m = app.get(&format!("/api/v3/movie/{movie}")).await;
    let folder = std::path::PathBuf::from(m["path"].as_str().unwrap());
    std::fs::create_dir_all(&folder).unwrap();
    let name = "The Matrix (1999) [Bluray-1080p].mkv";
    std::fs::write(folder.join(name), b"movie bytes").unwrap();
    let c = rusqlite::Connection::open(app.dir.path().join("reelarr.db")).unwrap();
    c.busy_timeout(std::time::Duration::from_secs(10)).unwrap();
    c.execute(
        "INSERT INTO movie_files (movie_id, relative_path, size, quality, date_added)
         VALUES (?1, ?2, 11, ?3, ?4)",
        rusqlite::params![
            movie,
            name,
            json!({"quality": {"id": 7, "name": "Bluray-1080p", "source": "bluray", "resolution": 1080, "modifier": "none"},
                   "revision": {"version": 1, "real": 0, "isRepack": false}})
            .to_string(),
            chrono::Utc::now().to_rfc3339()
        ],
    )
    .unwrap();
    drop(c);
    let cutoff_ids = |v: Value| -> Vec<i64> {
        v["records"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|r| r["id"].as_i64())
            .collect()
    };
    let set_cutoff_score = |cutoff: i64| {
        let mut p = hd.clone();
        p["formatItems"] = json!([{"format": f, "score": 100}]);
        p["cutoffFormatScore"] = json!(cutoff);
        p
    };
    let wanted = "/api/v3/wanted/cutoff?monitored=true";
    assert_eq!(
        cutoff_ids(app.get(wanted).await),
        Vec::<i64>::new(),
        "quality cutoff met"
    );

    // x265 scores 100 and the profile wants 50: the file's 0 is below, so it is wanted.
    let path = format!("/api/v3/qualityprofile/{}", hd["id"]);
    let (st, v) = app
        .send(Method::PUT, &path, Some(set_cutoff_score(50)))
        .await;
    assert_eq!(st, 202, "{v}");
    assert_eq!(cutoff_ids(app.get(wanted).await), vec![movie]);

    let (st, v) = app
        .send(Method::PUT, &path, Some(set_cutoff_score(0)))
        .await;
    assert_eq!(st, 202, "{v}");
    assert_eq!(cutoff_ids(app.get(wanted).await), Vec::<i64>::new());
}
