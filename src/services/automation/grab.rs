//! Search → decide → grab for one movie. The decision engine (`domain::decision`) judges every
//! release the indexers return; the best accepted one goes to qBittorrent through the journal
//! (so an outage queues it instead of losing it) and is recorded as a `grabbed` history event.

use super::{Automation, AutomationError, CachedRelease};
use crate::clients::qbittorrent::AddSource;
use crate::domain::decision::{self, Candidate, Decision, FormatMatch, MovieContext};
use crate::domain::history::HistoryEventType;
use crate::domain::movie::Movie;
use crate::domain::profile::QualityProfile;
use crate::domain::quality::QualityModel;
use crate::services::downloads::{Grab, SubmitOutcome};
use crate::services::formats::{load_formats, load_size_limits};
use crate::services::notify::payload;
use crate::services::search::{IndexerWarning, Release, SearchQuery};
use crate::store::NewHistory;
use chrono::Utc;
use serde::Serialize;
use serde_json::json;

/// Every release found for a movie with the engine's verdict, best first.
#[derive(Clone, Debug)]
pub struct MovieSearch {
    pub movie: Movie,
    /// Verdicts in preference order (accepted ones first).
    pub decisions: Vec<Decision>,
    /// The releases behind the verdicts, same order.
    pub releases: Vec<Release>,
    /// Indexers that could not be searched, and why.
    pub warnings: Vec<IndexerWarning>,
}

/// A release handed to the download client.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GrabbedRelease {
    pub movie_id: i64,
    pub title: String,
    pub indexer: String,
    /// Info-hash (lowercase hex) when known.
    pub download_id: Option<String>,
    /// Retry-journal id.
    pub journal_id: i64,
    /// `sent`, `queued` (qBittorrent unavailable: the journal will send it) or `duplicate`.
    pub outcome: &'static str,
    /// Why it was queued instead of sent.
    pub message: Option<String>,
}

/// What an automatic search of one movie did.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GrabReport {
    pub movie_id: i64,
    pub releases_found: usize,
    pub grabbed: Option<GrabbedRelease>,
    /// Why nothing was grabbed (no release, all rejected, ...).
    pub message: String,
    pub warnings: Vec<IndexerWarning>,
}

/// Radarr `IndexerFlags` bits derived from what the indexer said (the parser does not see
/// them): a download volume factor of 0 is freeleech, 0.25/0.5/0.75 the partial ones.
fn indexer_flags(r: &Release) -> u32 {
    let dvf = r.download_volume_factor;
    let near = |x: f64| (dvf - x).abs() < 1e-6;
    if r.freeleech || near(0.0) {
        1
    } else if near(0.5) {
        2
    } else if near(0.75) {
        256
    } else if near(0.25) {
        512
    } else {
        0
    }
}

fn candidate(r: &Release) -> Candidate {
    Candidate {
        guid: r.guid.clone(),
        title: r.title.clone(),
        indexer: r.indexer.clone(),
        size_bytes: r.size,
        seeders: r.seeders,
        info_hash: r.info_hash.clone(),
        parsed: r.parsed.clone(),
        age_hours: r
            .publish_date
            .map(|d| (Utc::now() - d).num_minutes().max(0) as f64 / 60.0),
        freeleech: r.freeleech,
        indexer_flags: indexer_flags(r),
    }
}

impl Automation {
    /// The movie's quality profile as the decision engine needs it.
    async fn profile_of(&self, movie: &Movie) -> Result<QualityProfile, AutomationError> {
        let stored = self
            .store()
            .profiles()
            .await?
            .into_iter()
            .find(|p| p.id == movie.quality_profile_id)
            .ok_or_else(|| {
                AutomationError::Invalid(format!(
                    "quality profile {} of movie {} does not exist",
                    movie.quality_profile_id, movie.id
                ))
            })?;
        serde_json::from_value(stored.data).map_err(|e| {
            AutomationError::Invalid(format!(
                "quality profile {} is unreadable: {e}",
                stored.name
            ))
        })
    }

    async fn context(&self, movie: &Movie) -> Result<MovieContext, AutomationError> {
        let mut ctx = MovieContext::new(self.profile_of(movie).await?);
        let meta = movie.metadata.value();
        ctx.runtime_minutes = meta
            .get("runtime")
            .and_then(|v| v.as_u64())
            .map(|r| r as u32);
        ctx.existing = movie
            .file
            .as_ref()
            .and_then(|f| serde_json::from_value::<QualityModel>(f.quality.clone()).ok());
        ctx.min_seeders = self.inner.config.get().library.minimum_seeders;
        ctx.indexer_min_seeders = self.inner.search.minimum_seeders();
        ctx.size_limits = load_size_limits(self.store()).await?;
        ctx.custom_formats = load_formats(self.store()).await?;
        ctx.original_language = meta
            .get("originalLanguage")
            .and_then(|v| v.as_str())
            .and_then(crate::domain::custom_format::language_id_from_iso);
        ctx.existing_format_score = movie.file.as_ref().map_or(0, |f| {
            let formats = &ctx.custom_formats;
            let lang = ctx.original_language;
            decision::file_score(&ctx.profile, formats, &f.relative_path, f.size, lang)
        });
        for b in self.store().blocklist(Some(movie.id)).await? {
            ctx.blocklist.extend(b.guid);
            ctx.blocklist.extend(b.info_hash);
        }
        Ok(ctx)
    }

    /// Loads a movie or says which id is unknown.
    pub(super) async fn movie(&self, id: i64) -> Result<Movie, AutomationError> {
        self.store()
            .movie(id)
            .await?
            .ok_or_else(|| AutomationError::NotFound(format!("no movie with id {id}")))
    }

    /// Searches every indexer for `movie_id` and judges the results (Radarr's interactive
    /// search, `GET /api/v3/release?movieId=`). Results are remembered for grabbing by guid.
    pub async fn search_movie(&self, movie_id: i64) -> Result<MovieSearch, AutomationError> {
        let movie = self.movie(movie_id).await?;
        let ctx = self.context(&movie).await?;
        let query = SearchQuery {
            imdb_id: movie.imdb_id.clone(),
            title: movie.title.clone(),
            year: u16::try_from(movie.year).ok().filter(|y| *y > 0),
        };
        let found = self.inner.search.search(&query).await;
        let decisions = decision::evaluate(&ctx, found.releases.iter().map(candidate).collect());
        let by_guid: std::collections::HashMap<&str, &Release> = found
            .releases
            .iter()
            .map(|r| (r.guid.as_str(), r))
            .collect();
        let releases: Vec<Release> = decisions
            .iter()
            .filter_map(|d| by_guid.get(d.candidate.guid.as_str()).map(|r| (*r).clone()))
            .collect();
        for d in &decisions {
            if let Some(r) = by_guid.get(d.candidate.guid.as_str()) {
                self.inner.releases.insert(
                    r.guid.clone(),
                    CachedRelease {
                        movie_id,
                        release: (*r).clone(),
                        formats: d.custom_formats.clone(),
                        score: d.custom_format_score,
                    },
                );
            }
        }
        Ok(MovieSearch {
            movie,
            decisions,
            releases,
            warnings: found.warnings,
        })
    }

    /// Searches and grabs the best acceptable release (`MoviesSearch`).
    pub async fn search_and_grab(&self, movie_id: i64) -> Result<GrabReport, AutomationError> {
        let s = self.search_movie(movie_id).await?;
        let found = s.releases.len();
        let best = decision::best(&s.decisions);
        let Some(best) = best else {
            let message = if found == 0 {
                format!("no releases found for {}", s.movie.title)
            } else {
                let first = s.decisions[0]
                    .rejections
                    .first()
                    .map(|r| r.message.clone())
                    .unwrap_or_default();
                format!(
                    "all {found} releases for {} were rejected (best: {first})",
                    s.movie.title
                )
            };
            return Ok(GrabReport {
                movie_id,
                releases_found: found,
                grabbed: None,
                message,
                warnings: s.warnings,
            });
        };
        let release = s
            .releases
            .iter()
            .find(|r| r.guid == best.candidate.guid)
            .cloned()
            .ok_or_else(|| AutomationError::Invalid("decision without its release".into()))?;
        let (formats, score) = (&best.custom_formats, best.custom_format_score);
        let grabbed = self.grab(&s.movie, &release, formats, score).await?;
        Ok(GrabReport {
            movie_id,
            releases_found: found,
            message: format!("grabbed {} from {}", grabbed.title, grabbed.indexer),
            grabbed: Some(grabbed),
            warnings: s.warnings,
        })
    }

    /// Grabs a release from a recent search by guid (`POST /api/v3/release`).
    pub async fn grab_by_guid(
        &self,
        guid: &str,
        movie_id: Option<i64>,
    ) -> Result<GrabbedRelease, AutomationError> {
        let cached = self.inner.releases.get(guid).ok_or_else(|| {
            AutomationError::NotFound(format!(
                "release {guid} is not in the recent search results (they are kept 30 minutes); search again"
            ))
        })?;
        let movie = self.movie(movie_id.unwrap_or(cached.movie_id)).await?;
        self.grab(&movie, &cached.release, &cached.formats, cached.score)
            .await
    }

    /// Sends `release` for `movie` to qBittorrent through the journal, records history and
    /// notifies (Grab) with the custom formats it matched.
    pub async fn grab(
        &self,
        movie: &Movie,
        release: &Release,
        formats: &[FormatMatch],
        score: i32,
    ) -> Result<GrabbedRelease, AutomationError> {
        let source = match (&release.magnet, &release.download_url) {
            (Some(m), _) => AddSource::Magnet(m.clone()),
            (None, Some(url)) => AddSource::Url(url.clone()),
            (None, None) => {
                return Err(AutomationError::Invalid(format!(
                    "release {} has neither a magnet link nor a download URL",
                    release.title
                )))
            }
        };
        let mut grab = Grab::new(source);
        grab.info_hash = release.info_hash.clone();
        grab.title = Some(release.title.clone());
        grab.movie_id = Some(movie.id);
        let outcome = self.inner.downloads.submit(grab).await?;
        let (journal_id, label, message) = match outcome {
            SubmitOutcome::Sent { id } => (id, "sent", None),
            SubmitOutcome::Queued { id, reason } => {
                (id, "queued", Some(self.queued_message(reason)))
            }
            SubmitOutcome::Duplicate { id } => (id, "duplicate", None),
            SubmitOutcome::Rejected { reason, .. } => {
                return Err(AutomationError::Invalid(format!(
                    "qBittorrent refused {}: {reason}",
                    release.title
                )))
            }
        };
        let download_id = release.info_hash.clone();
        if label != "duplicate" {
            let entry = NewHistory {
                movie_id: Some(movie.id),
                event_type: HistoryEventType::Grabbed.as_str().into(),
                source_title: release.title.clone(),
                quality: serde_json::to_value(release.parsed.quality_model()).unwrap_or_default(),
                download_id: download_id.as_ref().map(|h| h.to_uppercase()),
                data: json!({
                    "indexer": release.indexer,
                    "guid": release.guid,
                    "size": release.size.to_string(),
                    "releaseGroup": release.parsed.release_group,
                    "publishedDate": release.publish_date.map(|d| d.to_rfc3339()),
                    "downloadClient": "qBittorrent",
                    "protocol": "torrent",
                    "journalId": journal_id.to_string(),
                    "message": message,
                }),
            };
            // The journal already holds the grab; a database outage must not undo it.
            if let Err(e) = self.store().add_history(&entry).await {
                tracing::warn!(movie_id = movie.id, error = %e, "grab sent but its history was not recorded");
            }
            let tags = payload::tag_labels(self.store(), movie).await;
            let info = payload::GrabInfo {
                release,
                formats,
                score,
                download_id: download_id.as_ref().map(|h| h.to_uppercase()),
            };
            self.inner.notifier.emit(payload::grab(movie, &tags, &info));
        }
        tracing::info!(movie_id = movie.id, release = %release.title, indexer = %release.indexer, outcome = label, "grabbed");
        Ok(GrabbedRelease {
            movie_id: movie.id,
            title: release.title.clone(),
            indexer: release.indexer.clone(),
            download_id,
            journal_id,
            outcome: label,
            message,
        })
    }
}

impl Automation {
    /// The answer for a journaled grab: while qBittorrent's breaker holds grabs, the interactive
    /// grab says it "will be sent when qBittorrent is back".
    pub(super) fn queued_message(&self, reason: String) -> String {
        match self.inner.chains.grabs() {
            Some(_) => format!("will be sent when qBittorrent is back ({reason})"),
            None => reason,
        }
    }
}
