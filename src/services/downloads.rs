//! Grabs and download tracking: the qBittorrent fallback promised by the seed.
//!
//! Failover (issue 17, `endpoints.rs`, `failover.rs`): every enabled qBittorrent download
//! client is an endpoint with its own breaker, in priority order; a send goes to the first that
//! admits, and the journal records which one took it. "The breaker" below is, per call, the
//! breaker of the endpoint it goes to; "blocked" means every endpoint refuses.
//!
//! Why: a grab must never be lost or sent twice, and a dead qBittorrent must never hang the
//! caller. [`Downloads::submit`] commits the operation to the [`Journal`] first, then tries it
//! once if the `qbittorrent` breaker allows; otherwise (or on failure) it answers
//! [`SubmitOutcome::Queued`] at once. The replayer ([`Downloads::spawn_replayer`]) drains due
//! operations in FIFO order whenever the breaker admits a call (its half-open trial included).
//! Every send is idempotent by info-hash: `torrents/info?hashes=` is checked first, and a
//! `Fails.` for a torrent that turns out to be present counts as success.
//!
//! Reconciliation (`reconcile.rs`, driven by download tracking's polls): a sent grab is
//! remembered until qBittorrent is seen listing it. One never seen after the grace (two
//! successful polls and `reconcile_grace` after the send) is re-sent through the journal, at
//! most `max_resends` times, then dead-lettered. One seen and later gone was removed by the
//! user and is left alone.
//!
//! Attempt accounting: only failures that are the operation's own count toward
//! `max_attempts`. A refused call (breaker open), a failure that leaves the breaker open (the
//! service is down, not the operation) and a login problem put the operation back without
//! counting, so a long outage never dead-letters a grab; permanent errors (415 invalid
//! torrent) dead-letter at once.

mod endpoints;
mod failover;
mod reconcile;
mod remove;
mod send;
#[cfg(test)]
mod tests;
mod types;

pub use endpoints::{first_admitting, Endpoint, PRIMARY_BREAKER, PRIMARY_ID};
pub use failover::EndpointPoll;
pub use reconcile::LostGrab;
pub use types::{
    DownloadError, DownloadSettings, DownloadState, DownloadStatus, Grab, SubmitOutcome,
};

use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use arc_swap::ArcSwap;
use chrono::Utc;
use parking_lot::Mutex;
use tokio::sync::Notify;

use crate::breaker::CircuitBreaker;
use crate::clients::qbittorrent::QbitClient;
use crate::journal::{Journal, JournalError, OpState};

/// A journaled operation, as the retry-queue and queue views list it.
pub use crate::journal::JournalEntry;

use send::{Attempt, Settled};

/// The download service; cheap to clone (handles share everything).
#[derive(Clone)]
pub struct Downloads {
    inner: Arc<Inner>,
}

struct Inner {
    /// The qBittorrent endpoints in priority order (never empty); replaced by the providers
    /// service when the download clients change (the next call uses the new ones).
    endpoints: ArcSwap<Vec<Endpoint>>,
    /// Where the latest poll listed each torrent (lowercase hash → endpoint id): removal asks
    /// the client that has it.
    seen_on: Mutex<HashMap<String, i64>>,
    journal: Journal,
    settings: DownloadSettings,
    wake: Notify,
    /// Grabs re-sent since start because qBittorrent forgot them (`reelarr_grabs_resent_total`).
    resent: AtomicU64,
}

/// A download client calls go to, and how our torrents are added there.
pub struct ClientChoice {
    pub client: QbitClient,
    /// The category our torrents carry (how tracking finds them).
    pub category: String,
    /// Set up by the user (config credentials, or added through the API).
    pub configured: bool,
    /// Add torrents paused (Radarr's "Initial State: Pause").
    pub start_paused: bool,
}

/// How a drain round ended.
enum Drain {
    Idle,
    Blocked,
}

impl Downloads {
    /// Wires the client, its breaker (`qbittorrent`) and the journal together: one endpoint,
    /// the config file's (the providers service adds the others).
    pub fn new(
        client: QbitClient,
        breaker: Arc<CircuitBreaker>,
        journal: Journal,
        settings: DownloadSettings,
    ) -> Self {
        let configured = client.has_username();
        let category = settings.category.clone();
        let primary = Endpoint {
            id: PRIMARY_ID,
            name: "qBittorrent".into(),
            choice: Arc::new(ClientChoice {
                client,
                category,
                configured,
                start_paused: false,
            }),
            breaker,
        };
        Downloads {
            inner: Arc::new(Inner {
                endpoints: ArcSwap::from_pointee(vec![primary]),
                seen_on: Mutex::new(HashMap::new()),
                journal,
                settings,
                wake: Notify::new(),
                resent: AtomicU64::new(0),
            }),
        }
    }

    /// The journal, for the retry-queue API and the queue-depth gauge.
    pub fn journal(&self) -> &Journal {
        &self.inner.journal
    }

    /// The primary qBittorrent client (health probe, login status).
    pub fn client(&self) -> QbitClient {
        self.primary().choice.client.clone()
    }

    /// The category our torrents carry in the primary client.
    pub fn category(&self) -> String {
        self.primary().choice.category.clone()
    }

    /// Whether a download client was set up (credentials in the config, or one added through
    /// the API); tracking and health leave an unconfigured one alone.
    pub fn is_configured(&self) -> bool {
        self.endpoints().iter().any(|e| e.choice.configured)
    }

    /// Switches the primary endpoint to another client (new URL, credentials or category);
    /// the journal, the breaker and their state stay.
    pub fn set_client(&self, choice: ClientChoice) {
        let mut eps = (*self.endpoints()).clone();
        eps[0].choice = Arc::new(choice);
        self.set_endpoints(eps);
    }

    /// Grabs re-sent since this process started because qBittorrent forgot them.
    pub fn resent_total(&self) -> u64 {
        self.inner.resent.load(Ordering::Relaxed)
    }

    /// Journals `grab`, then sends it at once if the breaker allows. Never waits longer than
    /// one call timeout, and not at all while the breaker is open.
    pub async fn submit(&self, grab: Grab) -> Result<SubmitOutcome, DownloadError> {
        let op = self.operation(grab)?;
        let window = self.inner.settings.verify_window;
        let enq = self.inner.journal.enqueue_within(op, window).await?;
        let id = enq.entry.id;
        if !enq.created {
            // Sent and awaiting its first sighting: qBittorrent has it as far as anyone knows.
            return Ok(if enq.entry.state == OpState::Done {
                SubmitOutcome::Sent { id }
            } else {
                SubmitOutcome::Duplicate { id }
            });
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
    pub async fn retry_now(&self, id: i64) -> Result<Option<JournalEntry>, DownloadError> {
        let e = self.inner.journal.retry_now(id).await?;
        self.inner.wake.notify_one();
        Ok(e)
    }

    /// Every journaled operation, waiting and dead-lettered (`GET /api/v1/retry-queue`).
    pub async fn operations(&self) -> Result<Vec<JournalEntry>, DownloadError> {
        Ok(self.inner.journal.list().await?)
    }

    /// Drops operation `id` from the journal; `false` when there is none.
    pub async fn delete_operation(&self, id: i64) -> Result<bool, DownloadError> {
        Ok(self.inner.journal.delete(id).await?)
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

    /// Lists our category's torrents on every endpoint (each through its breaker), merged, for
    /// the queue and the import step; the first failure fails the whole (see
    /// [`Downloads::poll_each`] for the per-endpoint answers tracking uses).
    pub async fn poll(&self) -> Result<Vec<DownloadStatus>, DownloadError> {
        let mut all = Vec::new();
        for p in self.poll_each().await {
            all.extend(p.result?);
        }
        Ok(all)
    }

    /// One drain round: due operations in FIFO order until none is due or the service
    /// refuses.
    async fn drain(&self) -> Result<Drain, JournalError> {
        let journal = &self.inner.journal;
        loop {
            if self.blocked().is_some() {
                return Ok(Drain::Blocked);
            }
            let due = journal
                .due(Utc::now(), self.inner.settings.batch_size)
                .await?;
            if due.is_empty() {
                return Ok(Drain::Idle);
            }
            let mut progressed = false;
            for entry in &due {
                if self.blocked().is_some() {
                    return Ok(Drain::Blocked);
                }
                if !journal.mark_in_flight(entry.id).await? {
                    continue;
                }
                let attempt = self.attempt(entry).await;
                // One held by the client it may already be on waits; the others go on.
                let held = matches!(attempt, Attempt::Held(_));
                let stop = matches!(
                    attempt,
                    Attempt::Refused(_) | Attempt::Outage(_) | Attempt::Misconfigured(_)
                );
                progressed |= !held;
                self.settle(entry, attempt).await?;
                if stop {
                    return Ok(Drain::Blocked);
                }
            }
            if !progressed {
                return Ok(Drain::Idle);
            }
        }
    }
}
