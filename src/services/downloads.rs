//! Grabs and download tracking: the qBittorrent fallback promised by the seed.
//!
//! Why: a grab must never be lost or sent twice, and a dead qBittorrent must never hang the
//! caller. [`Downloads::submit`] commits the operation to the [`Journal`] first, then tries it
//! once if the `qbittorrent` breaker allows; otherwise (or on failure) it answers
//! [`SubmitOutcome::Queued`] at once. The replayer ([`Downloads::spawn_replayer`]) drains due
//! operations in FIFO order whenever the breaker admits a call (its half-open trial included).
//! Every send is idempotent by info-hash: `torrents/info?hashes=` is checked first, and a
//! `Fails.` for a torrent that turns out to be present counts as success.
//!
//! Attempt accounting: only failures that are the operation's own count toward
//! `max_attempts`. A refused call (breaker open), a failure that leaves the breaker open (the
//! service is down, not the operation) and a login problem put the operation back without
//! counting, so a long outage never dead-letters a grab; permanent errors (415 invalid
//! torrent) dead-letter at once.

use std::collections::HashSet;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use parking_lot::Mutex;
use serde::Serialize;
use tokio::sync::{mpsc, Notify};

use crate::breaker::{BreakerState, CallError, CircuitBreaker, Classify, FailureClass, Rejected};
use crate::clients::http::HttpError;
use crate::clients::qbittorrent::{
    is_permanent, magnet_info_hash, torrent_info_hash, AddOutcome, AddRequest, AddSource,
    QbitClient, TorrentInfo,
};
use crate::config::Secret;
use crate::journal::{
    AddPayload, Journal, JournalEntry, JournalError, NewOperation, OpKind, PayloadSource,
    TorrentBytes,
};

/// Tunables of the download service; defaults suit production, tests shrink the times.
#[derive(Clone, Debug)]
pub struct DownloadSettings {
    /// qBittorrent category for our torrents (how tracking finds them).
    pub category: String,
    /// Counted failures after which an operation is dead-lettered.
    pub max_attempts: u32,
    /// Back-off after the first counted failure; doubles per failure.
    pub base_backoff: Duration,
    /// Cap of the per-operation back-off.
    pub max_backoff: Duration,
    /// How often the replayer re-checks a breaker that refuses calls.
    pub poll_interval: Duration,
    /// Longest replayer sleep when nothing is due (a safety net; enqueues wake it anyway).
    pub idle_interval: Duration,
    /// Operations read from the journal per drain round.
    pub batch_size: usize,
}

impl Default for DownloadSettings {
    fn default() -> Self {
        Self {
            category: "reelarr".into(),
            max_attempts: 10,
            base_backoff: Duration::from_secs(5),
            max_backoff: Duration::from_secs(600),
            poll_interval: Duration::from_millis(500),
            idle_interval: Duration::from_secs(30),
            batch_size: 50,
        }
    }
}

/// One release to send to qBittorrent, as the grab step hands it over.
#[derive(Clone, Debug)]
pub struct Grab {
    /// Magnet, URL or file.
    pub source: AddSource,
    /// The info-hash when known from the indexer; required to make URL grabs idempotent
    /// (magnets and files have theirs computed).
    pub info_hash: Option<String>,
    /// Release title, for the queue listing.
    pub title: Option<String>,
    /// The movie the grab is for.
    pub movie_id: Option<i64>,
    /// Extra qBittorrent tags.
    pub tags: Vec<String>,
    /// Save path override.
    pub save_path: Option<String>,
    /// Add paused.
    pub paused: bool,
}

impl Grab {
    /// A grab with default options for `source`.
    pub fn new(source: AddSource) -> Self {
        Grab {
            source,
            info_hash: None,
            title: None,
            movie_id: None,
            tags: Vec::new(),
            save_path: None,
            paused: false,
        }
    }
}

/// What became of a submitted grab; the API maps `Sent` to 201 and `Queued` to 202.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SubmitOutcome {
    /// qBittorrent has it (just added, or it was already there).
    Sent {
        /// Journal id.
        id: i64,
    },
    /// Journaled; the replayer will send it (breaker open, or the attempt failed).
    Queued {
        /// Journal id (`/api/v1/retry-queue/{id}`).
        id: i64,
        /// Why it was not sent now.
        reason: String,
    },
    /// The same torrent is already queued; nothing new was recorded.
    Duplicate {
        /// The existing journal id.
        id: i64,
    },
    /// qBittorrent refused it for good (e.g. invalid .torrent); dead-lettered.
    Rejected {
        /// Journal id.
        id: i64,
        /// qBittorrent's reason.
        reason: String,
    },
}

/// Why a grab or a poll could not be handled.
#[derive(Debug, thiserror::Error)]
pub enum DownloadError {
    /// The grab itself is malformed (magnet without btih, broken .torrent); a 400.
    #[error("invalid grab: {0}")]
    Invalid(String),
    /// The journal could not record it; nothing was sent.
    #[error(transparent)]
    Journal(#[from] JournalError),
    /// The breaker refused the call.
    #[error(transparent)]
    Unavailable(Rejected),
    /// The call exceeded the breaker's deadline.
    #[error("qbittorrent: call timed out")]
    Timeout,
    /// qBittorrent failed.
    #[error(transparent)]
    Client(HttpError),
}

impl From<CallError<HttpError>> for DownloadError {
    fn from(e: CallError<HttpError>) -> Self {
        match e {
            CallError::Open(r) => DownloadError::Unavailable(r),
            CallError::Timeout => DownloadError::Timeout,
            CallError::Inner(e) => DownloadError::Client(e),
        }
    }
}

/// A torrent's state as the Radarr queue shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DownloadState {
    /// Transferring (or fetching metadata, checking, moving).
    Downloading,
    /// All data present (seeding or stopped after completion).
    Completed,
    /// Paused before completion.
    Paused,
    /// Waiting in qBittorrent's queue.
    Queued,
    /// Error or missing files.
    Failed,
    /// No peers to download from.
    Stalled,
}

impl DownloadState {
    /// Maps qBittorrent's state string (unknown ones count as downloading).
    pub fn from_qbittorrent(state: &str) -> Self {
        match state {
            "uploading" | "stalledUP" | "pausedUP" | "queuedUP" | "forcedUP" | "checkingUP" => {
                DownloadState::Completed
            }
            "pausedDL" => DownloadState::Paused,
            "queuedDL" => DownloadState::Queued,
            "error" | "missingFiles" => DownloadState::Failed,
            "stalledDL" => DownloadState::Stalled,
            _ => DownloadState::Downloading,
        }
    }
}

/// One of our torrents as tracking sees it; feeds `/api/v3/queue` and the import step.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DownloadStatus {
    /// Info-hash (lowercase hex).
    pub hash: String,
    /// Torrent name.
    pub name: String,
    /// The movie it was grabbed for, from the journal.
    pub movie_id: Option<i64>,
    /// Mapped state.
    pub state: DownloadState,
    /// qBittorrent's own state string.
    pub client_state: String,
    /// 0..=1.
    pub progress: f64,
    /// Total bytes.
    pub size: i64,
    /// Bytes left.
    pub sizeleft: i64,
    /// Seconds left, when qBittorrent knows.
    pub eta_seconds: Option<u64>,
    /// Save directory.
    pub save_path: String,
    /// File or root folder of the content.
    pub content_path: String,
}

impl DownloadStatus {
    fn from_info(t: TorrentInfo, movie_id: Option<i64>) -> Self {
        let mut state = DownloadState::from_qbittorrent(&t.state);
        if t.progress >= 1.0 && !matches!(state, DownloadState::Failed) {
            state = DownloadState::Completed;
        }
        DownloadStatus {
            movie_id,
            state,
            progress: t.progress.clamp(0.0, 1.0),
            size: t.size,
            sizeleft: t.amount_left.max(0),
            // 8640000 (100 days) is qBittorrent's "infinity".
            eta_seconds: (0..8_640_000).contains(&t.eta).then_some(t.eta as u64),
            client_state: t.state,
            hash: t.hash,
            name: t.name,
            save_path: t.save_path,
            content_path: t.content_path,
        }
    }
}

/// The download service; cheap to clone (handles share everything).
#[derive(Clone)]
pub struct Downloads {
    inner: Arc<Inner>,
}

struct Inner {
    client: QbitClient,
    breaker: Arc<CircuitBreaker>,
    journal: Journal,
    settings: DownloadSettings,
    wake: Notify,
    completed_tx: Mutex<Option<mpsc::UnboundedSender<DownloadStatus>>>,
    reported: Mutex<HashSet<String>>,
}

/// The verdict on one send attempt.
enum Attempt {
    Done,
    /// Not attempted: breaker refused.
    Refused(String),
    /// The service is down (the failure left the breaker open): not the operation's fault.
    Outage(String),
    /// Credentials problem: not the operation's fault either.
    Misconfigured(String),
    /// Counted failure.
    Retry(String),
    /// Never going to work.
    Dead(String),
}

/// How a drain round ended.
enum Drain {
    Idle,
    Blocked,
}

impl Downloads {
    /// Wires the client, its breaker (`qbittorrent`) and the journal together.
    pub fn new(
        client: QbitClient,
        breaker: Arc<CircuitBreaker>,
        journal: Journal,
        settings: DownloadSettings,
    ) -> Self {
        Downloads {
            inner: Arc::new(Inner {
                client,
                breaker,
                journal,
                settings,
                wake: Notify::new(),
                completed_tx: Mutex::new(None),
                reported: Mutex::new(HashSet::new()),
            }),
        }
    }

    /// The journal, for the retry-queue API and the queue-depth gauge.
    pub fn journal(&self) -> &Journal {
        &self.inner.journal
    }

    /// The qBittorrent client (health probe, login status).
    pub fn client(&self) -> &QbitClient {
        &self.inner.client
    }

    /// Journals `grab`, then sends it at once if the breaker allows. Never waits longer than
    /// one call timeout, and not at all while the breaker is open.
    pub async fn submit(&self, grab: Grab) -> Result<SubmitOutcome, DownloadError> {
        let op = self.operation(grab)?;
        let enq = self.inner.journal.enqueue(op).await?;
        let id = enq.entry.id;
        if !enq.created {
            return Ok(SubmitOutcome::Duplicate { id });
        }
        if let Some(reason) = self.blocked() {
            self.inner.wake.notify_one();
            return Ok(SubmitOutcome::Queued { id, reason });
        }
        if !self.inner.journal.mark_in_flight(id).await? {
            return Ok(SubmitOutcome::Queued {
                id,
                reason: "being sent by the replayer".into(),
            });
        }
        let attempt = self.attempt(&enq.entry).await;
        Ok(match self.settle(&enq.entry, attempt).await? {
            Settled::Done => SubmitOutcome::Sent { id },
            Settled::Dead(reason) => SubmitOutcome::Rejected { id, reason },
            Settled::Pending(reason) => {
                self.inner.wake.notify_one();
                SubmitOutcome::Queued { id, reason }
            }
        })
    }

    /// Makes a queued or dead operation due now and wakes the replayer (`POST .../retry`).
    pub async fn retry_now(&self, id: i64) -> Result<Option<JournalEntry>, JournalError> {
        let e = self.inner.journal.retry_now(id).await?;
        self.inner.wake.notify_one();
        Ok(e)
    }

    /// Starts the replayer; it runs until `shutdown` resolves. Wakes on enqueue/retry, every
    /// `poll_interval` while the breaker refuses calls, and when the next back-off expires.
    pub fn spawn_replayer(
        &self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> tokio::task::JoinHandle<()> {
        let this = self.clone();
        tokio::spawn(async move {
            tokio::pin!(shutdown);
            loop {
                let s = &this.inner.settings;
                let wait = match this.drain().await {
                    Ok(Drain::Blocked) => s.poll_interval,
                    Ok(Drain::Idle) => match this.inner.journal.next_due_at().await {
                        Ok(Some(at)) => (at - Utc::now())
                            .to_std()
                            .unwrap_or(Duration::ZERO)
                            .min(s.idle_interval),
                        Ok(None) => s.idle_interval,
                        Err(e) => {
                            tracing::error!(error = %e, "retry journal unreadable");
                            s.poll_interval
                        }
                    },
                    Err(e) => {
                        tracing::error!(error = %e, "retry replay failed");
                        s.poll_interval.max(Duration::from_secs(1))
                    }
                };
                tokio::select! {
                    _ = &mut shutdown => break,
                    _ = this.inner.wake.notified() => {}
                    _ = tokio::time::sleep(wait) => {}
                }
            }
        })
    }

    /// Lists our category's torrents through the breaker, mapped for the queue; completed ones
    /// not yet reported go to the [`Downloads::subscribe_completed`] channel once.
    pub async fn poll(&self) -> Result<Vec<DownloadStatus>, DownloadError> {
        let client = &self.inner.client;
        let category = self.inner.settings.category.as_str();
        let list = self
            .inner
            .breaker
            .call(client.torrents(Some(category), &[]))
            .await?;
        let hashes = list.iter().map(|t| t.hash.clone()).collect();
        let movies = self.inner.journal.movie_ids(hashes).await?;
        let out: Vec<DownloadStatus> = list
            .into_iter()
            .map(|t| {
                let movie = movies.get(&t.hash).copied();
                DownloadStatus::from_info(t, movie)
            })
            .collect();
        if let Some(tx) = self.inner.completed_tx.lock().as_ref() {
            let mut reported = self.inner.reported.lock();
            for d in out.iter().filter(|d| d.state == DownloadState::Completed) {
                if reported.insert(d.hash.clone()) && tx.send(d.clone()).is_err() {
                    reported.remove(&d.hash);
                }
            }
        }
        Ok(out)
    }

    /// A channel receiving each completed download once per process (the import step must
    /// be idempotent across restarts); replaces any earlier subscriber.
    pub fn subscribe_completed(&self) -> mpsc::UnboundedReceiver<DownloadStatus> {
        let (tx, rx) = mpsc::unbounded_channel();
        *self.inner.completed_tx.lock() = Some(tx);
        self.inner.reported.lock().clear();
        rx
    }

    /// Builds the journal record: computes the info-hash and refuses malformed grabs.
    fn operation(&self, grab: Grab) -> Result<NewOperation, DownloadError> {
        let computed = match &grab.source {
            AddSource::Magnet(m) => Some(magnet_info_hash(m).ok_or_else(|| {
                DownloadError::Invalid("magnet link without a valid btih info-hash".into())
            })?),
            AddSource::TorrentFile { bytes, .. } => Some(
                torrent_info_hash(bytes).map_err(|e| DownloadError::Invalid(e.to_string()))?,
            ),
            AddSource::Url(_) => None,
        };
        let given = grab.info_hash.map(|h| h.trim().to_ascii_lowercase());
        if let Some(h) = given.as_deref().filter(|h| !is_info_hash(h)) {
            return Err(DownloadError::Invalid(format!("bad info-hash {h:?}")));
        }
        let info_hash = match (computed, given, &grab.source) {
            (Some(c), _, _) => c,
            (None, Some(g), _) => g,
            (None, None, AddSource::Url(u)) => {
                use sha2::Digest;
                format!("url:{}", hex::encode(sha2::Sha256::digest(u.expose())))
            }
            (None, None, _) => unreachable!("magnets and files always have a hash"),
        };
        let (source, torrent) = match grab.source {
            AddSource::Magnet(uri) => (PayloadSource::Magnet { uri }, None),
            AddSource::Url(url) => (PayloadSource::Url { url }, None),
            AddSource::TorrentFile { name, bytes } => (
                PayloadSource::TorrentFile { name },
                Some(TorrentBytes(bytes)),
            ),
        };
        Ok(NewOperation {
            kind: OpKind::Add,
            info_hash,
            payload: AddPayload {
                source,
                category: Some(self.inner.settings.category.clone()),
                tags: grab.tags,
                save_path: grab.save_path,
                paused: grab.paused,
                movie_id: grab.movie_id,
                title: grab.title,
            },
            torrent,
        })
    }

    /// Why calls cannot be made right now, judged without taking a permit.
    fn blocked(&self) -> Option<String> {
        let b = &self.inner.breaker;
        match b.state() {
            BreakerState::ForcedOpen => Some("qbittorrent circuit breaker is forced open".into()),
            BreakerState::Open => {
                let until = b.snapshot().next_attempt_at?;
                (until > Utc::now()).then(|| {
                    format!(
                        "qbittorrent circuit breaker is open until {}",
                        until.to_rfc3339()
                    )
                })
            }
            _ => None,
        }
    }

    /// One drain round: due operations in FIFO order until none is due or the service
    /// refuses.
    async fn drain(&self) -> Result<Drain, JournalError> {
        let journal = &self.inner.journal;
        loop {
            if self.blocked().is_some() {
                return Ok(Drain::Blocked);
            }
            let due = journal.due(Utc::now(), self.inner.settings.batch_size).await?;
            if due.is_empty() {
                return Ok(Drain::Idle);
            }
            for entry in &due {
                if self.blocked().is_some() {
                    return Ok(Drain::Blocked);
                }
                if !journal.mark_in_flight(entry.id).await? {
                    continue;
                }
                let attempt = self.attempt(entry).await;
                let stop = matches!(
                    attempt,
                    Attempt::Refused(_) | Attempt::Outage(_) | Attempt::Misconfigured(_)
                );
                self.settle(entry, attempt).await?;
                if stop {
                    return Ok(Drain::Blocked);
                }
            }
        }
    }

    /// Sends one journaled operation, idempotently.
    async fn attempt(&self, entry: &JournalEntry) -> Attempt {
        let hash = entry.info_hash.as_str();
        let checkable = is_info_hash(hash);
        if checkable {
            match self.present(hash).await {
                Ok(true) => return Attempt::Done,
                Ok(false) => {}
                Err(a) => return a,
            }
        }
        let req = add_request(entry);
        let client = &self.inner.client;
        match self.inner.breaker.call(client.add(&req)).await {
            Ok(AddOutcome::Added) => Attempt::Done,
            Ok(AddOutcome::Rejected) if checkable => match self.present(hash).await {
                Ok(true) => Attempt::Done,
                Ok(false) => Attempt::Retry("qBittorrent answered \"Fails.\" to the add".into()),
                Err(a) => a,
            },
            Ok(AddOutcome::Rejected) => Attempt::Retry(
                "qBittorrent answered \"Fails.\" (URL unreachable, or already added)".into(),
            ),
            Err(e) => self.judge(e),
        }
    }

    /// Whether qBittorrent already has `hash` (any category).
    async fn present(&self, hash: &str) -> Result<bool, Attempt> {
        let client = &self.inner.client;
        let hashes = [hash.to_string()];
        match self.inner.breaker.call(client.torrents(None, &hashes)).await {
            Ok(list) => Ok(list.iter().any(|t| t.hash.eq_ignore_ascii_case(hash))),
            Err(e) => Err(self.judge(e)),
        }
    }

    /// Sorts a failed call into the attempt categories.
    fn judge(&self, e: CallError<HttpError>) -> Attempt {
        let down = || self.inner.breaker.state().is_open();
        match e {
            CallError::Open(r) => Attempt::Refused(r.to_string()),
            CallError::Timeout if down() => Attempt::Outage("qbittorrent: call timed out".into()),
            CallError::Timeout => Attempt::Retry("qbittorrent: call timed out".into()),
            CallError::Inner(e) if is_permanent(&e) => Attempt::Dead(describe_permanent(&e)),
            CallError::Inner(e) => match e.classify() {
                FailureClass::Misconfigured(_) => Attempt::Misconfigured(e.to_string()),
                FailureClass::Failure(_) if down() => Attempt::Outage(e.to_string()),
                _ => Attempt::Retry(e.to_string()),
            },
        }
    }

    /// Writes the attempt's verdict to the journal.
    async fn settle(&self, entry: &JournalEntry, attempt: Attempt) -> Result<Settled, JournalError> {
        let (j, s) = (&self.inner.journal, &self.inner.settings);
        let id = entry.id;
        Ok(match attempt {
            Attempt::Done => {
                j.mark_done(id).await?;
                tracing::info!(id, hash = %entry.info_hash, "sent to qBittorrent");
                Settled::Done
            }
            Attempt::Refused(why) | Attempt::Outage(why) => {
                j.release(id, Some(why.clone()), Utc::now()).await?;
                Settled::Pending(why)
            }
            Attempt::Misconfigured(why) => {
                let next = Utc::now() + s.base_backoff;
                j.release(id, Some(why.clone()), next).await?;
                Settled::Pending(why)
            }
            Attempt::Retry(why) if entry.attempts + 1 >= s.max_attempts => {
                let reason = format!("gave up after {} attempts: {why}", entry.attempts + 1);
                tracing::warn!(id, %reason, "dead-lettered qBittorrent operation");
                j.mark_dead(id, reason.clone()).await?;
                Settled::Dead(reason)
            }
            Attempt::Retry(why) => {
                let next = Utc::now() + backoff(s, entry.attempts + 1);
                j.mark_retry(id, why.clone(), next).await?;
                Settled::Pending(why)
            }
            Attempt::Dead(why) => {
                tracing::warn!(id, reason = %why, "dead-lettered qBittorrent operation");
                j.mark_dead(id, why.clone()).await?;
                Settled::Dead(why)
            }
        })
    }
}

enum Settled {
    Done,
    Pending(String),
    Dead(String),
}

/// Exponential back-off for the `n`th counted failure (n ≥ 1), capped, with up to 10 % jitter.
fn backoff(s: &DownloadSettings, n: u32) -> Duration {
    let exp = s
        .base_backoff
        .saturating_mul(1u32 << (n.saturating_sub(1)).min(20))
        .min(s.max_backoff);
    exp.mul_f64(1.0 - rand::random::<f64>() * 0.1)
}

fn describe_permanent(e: &HttpError) -> String {
    match e {
        HttpError::Status { status: 415, .. } => {
            "qBittorrent rejected the torrent as invalid (HTTP 415)".into()
        }
        other => format!("{other} (not retried)"),
    }
}

fn is_info_hash(h: &str) -> bool {
    h.len() == 40 && h.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Rebuilds the client request from a journal entry.
fn add_request(e: &JournalEntry) -> AddRequest {
    let p = &e.payload;
    let source = match &p.source {
        PayloadSource::Magnet { uri } => AddSource::Magnet(uri.clone()),
        PayloadSource::Url { url } => AddSource::Url(Secret::clone(url)),
        PayloadSource::TorrentFile { name } => AddSource::TorrentFile {
            name: name.clone(),
            bytes: e.torrent.clone().unwrap_or_default().0,
        },
    };
    AddRequest {
        source,
        category: p.category.clone(),
        tags: p.tags.clone(),
        save_path: p.save_path.clone(),
        paused: p.paused,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_map_like_radarr_expects() {
        use DownloadState::*;
        for (q, want) in [
            ("downloading", Downloading),
            ("metaDL", Downloading),
            ("stalledDL", Stalled),
            ("pausedDL", Paused),
            ("queuedDL", Queued),
            ("uploading", Completed),
            ("pausedUP", Completed),
            ("error", Failed),
            ("missingFiles", Failed),
        ] {
            assert_eq!(DownloadState::from_qbittorrent(q), want, "{q}");
        }
        let t = TorrentInfo {
            hash: "h".into(),
            state: "pausedDL".into(),
            progress: 1.0,
            eta: 8_640_000,
            ..Default::default()
        };
        let d = DownloadStatus::from_info(t, Some(3));
        assert_eq!((d.state, d.eta_seconds, d.movie_id), (Completed, None, Some(3)));
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        let s = DownloadSettings {
            base_backoff: Duration::from_secs(4),
            max_backoff: Duration::from_secs(30),
            ..Default::default()
        };
        let b1 = backoff(&s, 1);
        assert!(b1 <= Duration::from_secs(4) && b1 >= Duration::from_millis(3600));
        let b3 = backoff(&s, 3);
        assert!(b3 <= Duration::from_secs(16) && b3 >= Duration::from_millis(14_400));
        assert!(backoff(&s, 40) <= Duration::from_secs(30));
    }
}
