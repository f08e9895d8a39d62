//! Scripted replays of what real Radarr clients send, against the real binary, with the API key
//! in the query string (`?apikey=`) as those clients send it. Each step asserts the fields the
//! client reads, with the JSON types it expects. Sources (read, not copied):
//!
//! * Overseerr `server/api/servarr/base.ts`, `server/api/servarr/radarr.ts`,
//!   `server/api/externalapi.ts` (the key goes in `params`), `server/routes/settings/radarr.ts`
//!   (the "test" button), `server/lib/scanners/radarr/index.ts`, `server/lib/downloadtracker.ts`.
//! * Jellyseerr: the same files, plus `pageSize=1000` on the queue, `RefreshMonitoredDownloads`
//!   and `removeMovie` (`DELETE /movie/{id}?deleteFiles=true&addImportExclusion=false`).
//! * Homepage `src/widgets/radarr/widget.js` and `component.jsx` (`movie`, `queue/status`,
//!   `queue/details`), `src/widgets/calendar/component.jsx` and `integrations/radarr.jsx`
//!   (`calendar?start=yyyy-MM-dd&end=yyyy-MM-dd&unmonitored=false`).

use reelarr_testkit::app::*;
use reelarr_testkit::routes::{dead_port, Routes};
use serde_json::{json, Value};

const MOVIE: &str = include_str!("../fixtures/tmdb.movie.603.json");
const SEARCH: &str = include_str!("../fixtures/tmdb.search.json");
const CONFIGURATION: &str = include_str!("../fixtures/tmdb.configuration.json");

/// A client that talks like the *arr clients: `?apikey=` and JSON, no X-Api-Key header.
struct Arr<'a> {
    s: &'a Server,
    key: String,
}

impl Arr<'_> {
    fn url(&self, path: &str) -> String {
        let sep = if path.contains('?') { '&' } else { '?' };
        self.s
            .url(&format!("/api/v3{path}{sep}apikey={}", self.key))
    }

    async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let mut r = client()
            .request(method, self.url(path))
            .header("Accept", "application/json");
        if let Some(b) = body {
            r = r.json(&b);
        }
        let r = r.send().await.unwrap();
        let st = r.status().as_u16();
        (st, r.json().await.unwrap_or(Value::Null))
    }

    async fn get(&self, path: &str) -> Value {
        let (st, v) = self.call(reqwest::Method::GET, path, None).await;
        assert_eq!(st, 200, "GET {path}: {v}");
        v
    }
}

#[derive(Clone, Copy, Debug)]
enum T {
    Num,
    Str,
    Bool,
    Arr,
    /// A string or null (Overseerr reads `timeleft`/`estimatedCompletionTime` into a Date/text).
    StrOrNull,
    /// An ISO date string when present (Homepage tests the release dates for truthiness).
    DateIfAny,
}

/// Asserts that `v` has every `(field, type)` a client reads.
fn fields(v: &Value, spec: &[(&str, T)], what: &str) {
    for (k, t) in spec {
        let x = &v[*k];
        let ok = match t {
            T::Num => x.is_number(),
            T::Str => x.is_string(),
            T::Bool => x.is_boolean(),
            T::Arr => x.is_array(),
            T::StrOrNull => x.is_string() || x.is_null(),
            T::DateIfAny => {
                x.is_null()
                    || x.as_str()
                        .is_some_and(|s| chrono::DateTime::parse_from_rfc3339(s).is_ok())
            }
        };
        assert!(ok, "{what}: field {k} should be {t:?}, got {x} in {v}");
    }
}

/// What Overseerr and Jellyseerr read of a movie (`RadarrMovie` in radarr.ts, the scanner).
const SEERR_MOVIE: &[(&str, T)] = &[
    ("title", T::Str),
    ("isAvailable", T::Bool),
    ("monitored", T::Bool),
    ("tmdbId", T::Num),
    ("imdbId", T::Str),
    ("titleSlug", T::Str),
    ("folderName", T::Str),
    ("qualityProfileId", T::Num),
    ("hasFile", T::Bool),
];

/// Library movies also carry these.
const SEERR_LIBRARY_MOVIE: &[(&str, T)] = &[("id", T::Num), ("path", T::Str), ("added", T::Str)];

/// `QueueItem` in base.ts, read by the download tracker.
const SEERR_QUEUE_ITEM: &[(&str, T)] = &[
    ("id", T::Num),
    ("movieId", T::Num),
    ("size", T::Num),
    ("title", T::Str),
    ("sizeleft", T::Num),
    ("timeleft", T::StrOrNull),
    ("estimatedCompletionTime", T::StrOrNull),
    ("status", T::Str),
    ("trackedDownloadStatus", T::Str),
    ("trackedDownloadState", T::Str),
    ("downloadId", T::Str),
    ("protocol", T::Str),
    ("downloadClient", T::Str),
    ("indexer", T::Str),
];

const PAGE: &[(&str, T)] = &[
    ("page", T::Num),
    ("pageSize", T::Num),
    ("sortKey", T::Str),
    ("sortDirection", T::Str),
    ("totalRecords", T::Num),
    ("records", T::Arr),
];

async fn start_with_fake_tmdb() -> (Routes, tempfile::TempDir, Server) {
    let tmdb = Routes::start(vec![
        ("/3/movie/", MOVIE),
        ("/3/search/movie", SEARCH),
        ("/3/configuration", CONFIGURATION),
    ])
    .await;
    let dir = tempfile::tempdir().unwrap();
    let qbit = format!("http://127.0.0.1:{}", dead_port());
    let s = Server::start(
        dir.path(),
        &[
            ("TMDB_API_KEY", "test-key"),
            ("TMDB_API_URL", &format!("{}/3", tmdb.url())),
            // qBittorrent is down: grabs wait in the retry journal and show in the queue.
            ("QBITTORRENT_URL", &qbit),
            ("QBITTORRENT_USERNAME", "admin"),
            ("QBITTORRENT_PASSWORD", "secret"),
            ("HEALTH_CHECK_INTERVAL_SECONDS", "3600"),
        ],
    );
    (tmdb, dir, s)
}

/// `POST /api/v3/command` as `runCommand()` sends it: 201 with Radarr's CommandResource.
async fn run_command(arr: &Arr<'_>, body: Value) -> Value {
    let (st, v) = arr
        .call(reqwest::Method::POST, "/command", Some(body.clone()))
        .await;
    assert_eq!(st, 201, "POST /command {body}: {v}");
    fields(
        &v,
        &[
            ("id", T::Num),
            ("name", T::Str),
            ("status", T::Str),
            ("queued", T::Str),
        ],
        "command",
    );
    assert_eq!(v["name"], body["name"]);
    v
}

#[tokio::test]
async fn overseerr_and_jellyseerr_request_a_movie() {
    let (tmdb, _dir, s) = start_with_fake_tmdb().await;
    let arr = Arr {
        s: &s,
        key: s.api_key(),
    };
    let movies_dir = tempfile::tempdir().unwrap();
    let root_path = movies_dir.path().to_str().unwrap().to_string();
    // The operator's own setup (in Radarr's UI): a root folder.
    let (st, _) = arr
        .call(
            reqwest::Method::POST,
            "/rootfolder",
            Some(json!({"path": root_path})),
        )
        .await;
    assert_eq!(st, 201);

    // Settings → Radarr → "Test": system/status, qualityProfile (sic), rootfolder, tag.
    let status = arr.get("/system/status").await;
    fields(
        &status,
        &[
            ("version", T::Str),
            ("urlBase", T::Str),
            ("startTime", T::Str),
            ("isLinux", T::Bool),
        ],
        "system/status",
    );
    let profiles = arr.get("/qualityProfile").await;
    let profiles = profiles.as_array().unwrap();
    assert!(!profiles.is_empty());
    for p in profiles {
        fields(p, &[("id", T::Num), ("name", T::Str)], "qualityProfile");
    }
    let hd = profiles.iter().find(|p| p["name"] == "HD-1080p").unwrap()["id"].clone();
    let folders = arr.get("/rootfolder").await;
    fields(
        &folders[0],
        &[
            ("id", T::Num),
            ("path", T::Str),
            ("freeSpace", T::Num),
            ("unmappedFolders", T::Arr),
        ],
        "rootfolder",
    );
    assert_eq!(folders[0]["path"], root_path.trim_end_matches('/'));
    assert!(arr.get("/tag").await.is_array());
    // Overseerr creates the per-user tag it adds to requests.
    let (st, tag) = arr
        .call(
            reqwest::Method::POST,
            "/tag",
            Some(json!({"label": "1 - alice"})),
        )
        .await;
    assert_eq!(st, 201);
    fields(&tag, &[("id", T::Num), ("label", T::Str)], "tag");

    // A request is approved: addMovie().
    let ex = arr.get("/exclusions/paged?page=1&pageSize=-1").await;
    fields(&ex, PAGE, "exclusions/paged");
    assert!(!ex["records"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["tmdbId"] == 603));
    let found = arr.get("/movie/lookup?term=tmdb:603").await;
    fields(&found[0], SEERR_MOVIE, "movie/lookup");
    assert!(
        found[0].get("id").is_none(),
        "not in the library yet: no id"
    );
    assert_eq!(found[0]["hasFile"], false);
    let add = json!({
        "title": "The Matrix",
        "qualityProfileId": hd,
        "profileId": hd,
        "titleSlug": "603",
        "minimumAvailability": "released",
        "tmdbId": 603,
        "year": 1999,
        "rootFolderPath": root_path,
        "monitored": true,
        "tags": [tag["id"]],
        "addOptions": {"searchForMovie": true},
    });
    let (st, added) = arr.call(reqwest::Method::POST, "/movie", Some(add)).await;
    assert_eq!(st, 201, "{added}");
    fields(&added, SEERR_MOVIE, "POST /movie");
    fields(&added, SEERR_LIBRARY_MOVIE, "POST /movie");
    let id = added["id"].as_i64().unwrap();
    assert_eq!(added["tags"], json!([tag["id"]]));
    assert!(tmdb.hits() > 0, "the lookup went to the (fake) TMDB");

    // Requested again: the lookup now carries the library id, so Overseerr skips the add...
    let found = arr.get("/movie/lookup?term=tmdb:603").await;
    fields(&found[0], SEERR_LIBRARY_MOVIE, "movie/lookup (in library)");
    assert_eq!(
        (&found[0]["id"], &found[0]["monitored"]),
        (&json!(id), &json!(true))
    );
    // ...and GET /movie?tmdbId= finds it the way pyarr and scripts check.
    let by_tmdb = arr.get("/movie?tmdbId=603").await;
    assert_eq!(by_tmdb.as_array().unwrap().len(), 1);
    assert_eq!(by_tmdb[0]["id"], id);

    // An unmonitored movie being re-requested: PUT /movie with the lookup result spread in.
    let (st, _) = arr
        .call(
            reqwest::Method::PUT,
            &format!("/movie/{id}"),
            Some(json!({"monitored": false})),
        )
        .await;
    assert_eq!(st, 202);
    let mut again = arr.get("/movie/lookup?term=tmdb:603").await[0].clone();
    assert_eq!(again["monitored"], false);
    let o = again.as_object_mut().unwrap();
    o.insert("monitored".into(), json!(true));
    o.insert("qualityProfileId".into(), hd.clone());
    o.insert("profileId".into(), hd.clone());
    o.insert("titleSlug".into(), json!("603"));
    o.insert("rootFolderPath".into(), json!(root_path));
    o.insert("addOptions".into(), json!({"searchForMovie": true}));
    let (st, updated) = arr.call(reqwest::Method::PUT, "/movie", Some(again)).await;
    assert_eq!(st, 202, "{updated}");
    assert_eq!(
        updated["monitored"], true,
        "Overseerr checks response.data.monitored"
    );
    // searchNow → searchMovie() → runCommand('MoviesSearch', { movieIds: [id] }).
    let cmd = run_command(&arr, json!({"name": "MoviesSearch", "movieIds": [id]})).await;
    let polled = arr.get(&format!("/command/{}", cmd["id"])).await;
    assert_eq!(polled["id"], cmd["id"]);

    // The scanner and the movie page.
    let all = arr.get("/movie").await;
    for m in all.as_array().unwrap() {
        fields(m, SEERR_MOVIE, "GET /movie");
        fields(m, SEERR_LIBRARY_MOVIE, "GET /movie");
    }
    let one = arr.get(&format!("/movie/{id}")).await;
    fields(&one, SEERR_MOVIE, "GET /movie/{id}");

    // The download tracker: a grab is waiting for qBittorrent (it is down).
    let r = client()
        .post(s.url(&format!("/api/v1/downloads?apikey={}", arr.key)))
        .json(&json!({
            "magnet": format!("magnet:?xt=urn:btih:{}&dn=The.Matrix.1999.1080p.BluRay.x264-GRP", "ab".repeat(20)),
            "title": "The.Matrix.1999.1080p.BluRay.x264-GRP",
            "movieId": id,
        }))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{:?}", r.text().await);
    let q = arr.get("/queue?includeEpisode=true").await; // Overseerr
    fields(&q, PAGE, "queue");
    let rec = &q["records"][0];
    fields(rec, SEERR_QUEUE_ITEM, "queue record");
    assert_eq!(rec["movieId"], id);
    let q = arr.get("/queue?includeEpisode=true&pageSize=1000").await; // Jellyseerr
    assert_eq!(q["pageSize"], 1000);
    assert_eq!(q["totalRecords"], 1);
    // Jellyseerr refreshes downloads before reading the queue.
    run_command(&arr, json!({"name": "RefreshMonitoredDownloads"})).await;

    // Jellyseerr removeMovie(): lookup by TMDB id, then delete with files.
    let found = arr.get("/movie/lookup?term=tmdb:603").await;
    let rid = found[0]["id"].as_i64().unwrap();
    let (st, _) = arr
        .call(
            reqwest::Method::DELETE,
            &format!("/movie/{rid}?deleteFiles=true&addImportExclusion=false"),
            None,
        )
        .await;
    assert_eq!(st, 200);
    assert!(arr.get("/movie").await.as_array().unwrap().is_empty());
    assert!(movies_dir.path().exists(), "the root folder stays");
    let key = arr.key.clone();
    drop(arr);
    let (status, log) = s.stop();
    assert!(status.success());
    assert!(!log.contains("panicked"), "{log}");
    assert!(
        !log.contains(&key),
        "the API key from the query string is never logged"
    );
}

#[tokio::test]
async fn homepage_widgets() {
    let (_tmdb, dir, s) = start_with_fake_tmdb().await;
    let arr = Arr {
        s: &s,
        key: s.api_key(),
    };
    let root = tempfile::tempdir().unwrap();
    let root_path = root.path().to_str().unwrap();
    let hd = arr.get("/qualityprofile").await[0]["id"].clone();
    for (tmdb_id, monitored) in [(603, true), (604, false)] {
        let (st, m) = arr
            .call(
                reqwest::Method::POST,
                "/movie",
                Some(json!({"tmdbId": tmdb_id, "title": format!("Movie {tmdb_id}"), "year": 1999,
                            "qualityProfileId": hd, "rootFolderPath": root_path, "monitored": monitored})),
            )
            .await;
        assert_eq!(st, 201, "{m}");
    }

    // widget.js "movie": wanted / have / missing / all(title, id).
    let movies = arr.get("/movie").await;
    for m in movies.as_array().unwrap() {
        fields(
            m,
            &[
                ("monitored", T::Bool),
                ("hasFile", T::Bool),
                ("isAvailable", T::Bool),
                ("title", T::Str),
                ("id", T::Num),
            ],
            "movie",
        );
    }
    let missing = movies
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["monitored"] == true && m["hasFile"] == false)
        .count();
    assert_eq!(missing, 1);
    // "queue/status" (validate: totalCount) and "queue/details".
    let st = arr.get("/queue/status").await;
    fields(&st, &[("totalCount", T::Num)], "queue/status");
    let details = arr.get("/queue/details").await;
    assert!(details.is_array());
    for d in details.as_array().unwrap() {
        fields(
            d,
            &[
                ("trackedDownloadState", T::Str),
                ("trackedDownloadStatus", T::Str),
                ("timeleft", T::StrOrNull),
                ("size", T::Num),
                ("sizeleft", T::Num),
                ("movieId", T::Num),
                ("status", T::Str),
            ],
            "queue/details",
        );
    }

    // The calendar widget: three months either side, plain dates, unmonitored=false.
    let today = chrono::Utc::now().date_naive();
    {
        let c = rusqlite::Connection::open(dir.path().join("reelarr.db")).unwrap();
        c.busy_timeout(std::time::Duration::from_secs(10)).unwrap();
        let soon = (today + chrono::Duration::days(10))
            .and_hms_opt(0, 0, 0)
            .unwrap()
            .and_utc()
            .to_rfc3339();
        c.execute(
            "UPDATE movies SET metadata = json_set(metadata, '$.inCinemas', ?1, '$.digitalRelease', ?1)",
            [soon],
        )
        .unwrap();
    }
    let start = (today - chrono::Duration::days(90)).format("%Y-%m-%d");
    let end = (today + chrono::Duration::days(90)).format("%Y-%m-%d");
    let cal = arr
        .get(&format!(
            "/calendar?start={start}&end={end}&unmonitored=false"
        ))
        .await;
    let cal = cal.as_array().unwrap();
    assert_eq!(cal.len(), 1, "the unmonitored movie is left out");
    for e in cal {
        fields(
            e,
            &[
                ("title", T::Str),
                ("hasFile", T::Bool),
                ("inCinemas", T::DateIfAny),
                ("physicalRelease", T::DateIfAny),
                ("digitalRelease", T::DateIfAny),
            ],
            "calendar",
        );
    }
    assert!(cal[0]["inCinemas"].is_string());
    s.stop();
}
