use super::payload::{self, Event};
use super::*;
use crate::breaker::{BreakerConfig, ManualClock};
use crate::domain::movie::{Movie, MovieFile};
use chrono::Utc;
use serde_json::json;

fn movie(tags: Vec<i64>) -> Movie {
    Movie {
        id: 7,
        tmdb_id: 603,
        imdb_id: Some("tt0133093".into()),
        title: "The Matrix".into(),
        year: 1999,
        monitored: true,
        minimum_availability: "released".into(),
        quality_profile_id: 1,
        root_folder_path: "/movies".into(),
        path: "/movies/The Matrix (1999)".into(),
        tags,
        added: Utc::now(),
        metadata: json!({"inCinemas": "1999-03-31T00:00:00Z", "overview": "Neo."}).into(),
        last_info_sync: None,
        file: None,
    }
}

fn file(id: i64, name: &str) -> MovieFile {
    MovieFile {
        id,
        movie_id: 7,
        relative_path: name.into(),
        size: 1234,
        quality: json!({"quality": {"id": 7, "name": "Bluray-1080p"}, "revision": {"version": 2}}),
        release_group: Some("GRP".into()),
        edition: None,
        date_added: Utc::now(),
    }
}

fn target(events: Vec<EventKind>, tags: Vec<i64>, warnings: bool) -> Target {
    let clock = Arc::new(ManualClock::new());
    Target {
        id: 1,
        name: "hook".into(),
        webhook: WebhookTarget {
            service: "notification:hook".into(),
            url: "http://127.0.0.1:9/".into(),
            put: false,
            username: String::new(),
            password: Default::default(),
        },
        events,
        include_health_warnings: warnings,
        tags,
        breaker: Arc::new(CircuitBreaker::new(
            "notification:hook",
            BreakerConfig::with_defaults(3, 60),
            clock,
        )),
    }
}

#[test]
fn download_payload_has_radarrs_shape_and_an_upgrade_is_its_own_trigger() {
    let m = movie(vec![]);
    let (new, old) = (file(2, "The Matrix (1999).mkv"), file(1, "old.mkv"));
    let e = payload::download(&m, &["4k".into()], &new, "ABC", "The.Matrix.1999", None);
    assert_eq!(e.kind, EventKind::Download);
    let b = &e.body;
    assert_eq!(b["eventType"], "Download");
    assert_eq!(b["instanceName"], "reelarr");
    assert_eq!(b["movie"]["tmdbId"], 603);
    assert_eq!(b["movie"]["imdbId"], "tt0133093");
    assert_eq!(b["movie"]["folderPath"], "/movies/The Matrix (1999)");
    // Radarr's release date: physical, else digital, else cinemas + 90 days.
    assert_eq!(b["movie"]["releaseDate"], "1999-06-29");
    assert_eq!(b["movie"]["tags"], json!(["4k"]));
    assert_eq!(b["movieFile"]["quality"], "Bluray-1080p");
    assert_eq!(b["movieFile"]["qualityVersion"], 2);
    assert_eq!(
        b["movieFile"]["path"],
        "/movies/The Matrix (1999)/The Matrix (1999).mkv"
    );
    assert_eq!(b["isUpgrade"], false);
    assert_eq!(b["downloadId"], "ABC");
    assert!(b.get("deletedFiles").is_none());

    let up = payload::download(&m, &[], &new, "ABC", "x", Some(&old));
    assert_eq!(up.kind, EventKind::Upgrade);
    assert_eq!(up.body["eventType"], "Download");
    assert_eq!(up.body["isUpgrade"], true);
    assert_eq!(up.body["deletedFiles"][0]["relativePath"], "old.mkv");

    let del = payload::movie_file_delete(&m, &[], &old, "upgrade");
    assert_eq!(del.kind, EventKind::MovieFileDeleteForUpgrade);
    assert_eq!(del.body["deleteReason"], "upgrade");
    assert_eq!(del.body["eventType"], "MovieFileDelete");
    let gone = payload::movie_delete(&m, &[], true);
    assert_eq!(
        (
            gone.body["eventType"].as_str(),
            gone.body["deletedFiles"].as_bool()
        ),
        (Some("MovieDelete"), Some(true))
    );
}

#[test]
fn targets_follow_triggers_tags_and_health_levels() {
    let any = target(vec![EventKind::Grab, EventKind::HealthIssue], vec![], false);
    let tagged = target(vec![EventKind::MovieAdded], vec![5], false);
    let warned = target(vec![EventKind::HealthIssue], vec![], true);
    let added = |tags| payload::movie_added(&movie(tags), &[]);
    assert!(!any.wants(&added(vec![])), "not a trigger it has");
    assert!(tagged.wants(&added(vec![5, 9])));
    assert!(!tagged.wants(&added(vec![9])), "no shared tag");
    let error = health_event(false, "error", "IndexerStatusCheck", "down");
    let warning = health_event(false, "warning", "IndexerStatusCheck", "slow");
    assert!(any.wants(&error) && !any.wants(&warning));
    assert!(warned.wants(&warning));
    let restored: Event = health_event(true, "error", "IndexerStatusCheck", "up");
    assert_eq!(restored.body["eventType"], "HealthRestored");
    assert!(!any.wants(&restored));
}

#[tokio::test]
async fn a_full_queue_drops_the_oldest_and_counts_it() {
    // The delivery task cannot run before this test yields (current-thread runtime).
    let n = Notifier::start(WebhookClient::new(reqwest::Client::new()));
    let t = target(vec![EventKind::MovieAdded], vec![], false);
    t.breaker.force_open();
    n.set_targets(vec![t]);
    let before = dropped_total();
    for i in 0..(QUEUE_CAPACITY + 5) {
        let mut m = movie(vec![]);
        m.id = i as i64;
        n.emit(payload::movie_added(&m, &[]));
    }
    assert_eq!(n.queued(), QUEUE_CAPACITY);
    assert!(dropped_total() - before >= 5);
    let first = n
        .inner
        .queue
        .lock()
        .front()
        .map(|d| d.body["movie"]["id"].clone());
    assert_eq!(first, Some(json!(5)), "the oldest five went");
    // Once the task runs, the open breaker skips every delivery at once.
    let drained = async {
        while n.queued() > 0 {
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
    };
    tokio::time::timeout(std::time::Duration::from_secs(10), drained)
        .await
        .expect("the queue drains without waiting on the receiver");
}
