//! Sending across failover endpoints, polling each of them, and removing from the one that has
//! a torrent (issue 17).
//!
//! The no-double-send rule: qBittorrent's add is idempotent per info-hash only within one
//! instance, so an operation must never reach two. The journal records the endpoint an add is
//! about to go to *before* it goes out (the pin). An add that certainly did not arrive (breaker
//! refused, connection refused, an HTTP error or login refusal answered by qBittorrent) clears
//! the pin and the next endpoint may take the operation at once. An add whose outcome is
//! unknown (timeout, connection lost mid-request, reelarr killed) stays pinned: the operation
//! is settled on that endpoint only — its presence is checked there when it admits calls again;
//! present is done, absent frees it for any endpoint. Until then it waits (`Held`), however long
//! the endpoint is down, while other grabs fail over. A torrent the journal knows was delivered
//! to an endpoint earlier is looked for there first.

use std::collections::HashMap;

use super::endpoints::Endpoint;
use super::send::{add_request, is_info_hash, Attempt};
use super::{DownloadError, DownloadStatus, Downloads};
use crate::breaker::{CallError, Classify, FailureClass};
use crate::clients::http::HttpError;
use crate::clients::qbittorrent::{is_permanent, AddOutcome};
use crate::journal::JournalEntry;

/// One endpoint's answer to a status poll.
pub struct EndpointPoll {
    /// The endpoint asked.
    pub endpoint: Endpoint,
    /// Our category's torrents there, or why they could not be listed.
    pub result: Result<Vec<DownloadStatus>, DownloadError>,
}

/// What one endpoint made of a send.
enum Try {
    /// The operation's verdict: done, its own failure, or an add of unknown outcome (pinned).
    Final(Attempt),
    /// Not delivered there for a reason of the endpoint's own (refused, down, login problem):
    /// the next endpoint may take it; this verdict stands if none does.
    Next(Attempt),
}

impl Downloads {
    /// Sends one journaled operation to the first endpoint that takes it, idempotently and
    /// never to two (see the module comment).
    pub(super) async fn attempt(&self, entry: &JournalEntry) -> Attempt {
        let eps = self.endpoints();
        let hash = entry.info_hash.as_str();
        let checkable = is_info_hash(hash);
        if let Some(pin) = entry.endpoint {
            match eps.iter().find(|e| e.id == pin) {
                Some(ep) => {
                    if !checkable {
                        // Nothing to check: only the endpoint it may be on may have it.
                        return match self.try_endpoint(ep, entry, false).await {
                            Try::Final(a) | Try::Next(a) => held(ep, a),
                        };
                    }
                    match self.present(ep, hash).await {
                        Ok(true) => return Attempt::Done,
                        Ok(false) => self.unpin(entry.id).await,
                        Err(a) => return held(ep, a),
                    }
                }
                None => {
                    tracing::warn!(id = entry.id, endpoint = pin, "the download client a send of unknown outcome went to was removed; the grab is free to go to another");
                    self.unpin(entry.id).await;
                }
            }
        } else if checkable {
            if let Some(a) = self.on_earlier_endpoint(entry, &eps).await {
                return a;
            }
        }
        let mut verdict: Option<Attempt> = None;
        for ep in eps.iter() {
            match self.try_endpoint(ep, entry, checkable).await {
                Try::Final(a) => return a,
                Try::Next(a) => {
                    if matches!(verdict, None | Some(Attempt::Refused(_))) {
                        verdict = Some(a);
                    }
                }
            }
        }
        verdict.unwrap_or_else(|| Attempt::Refused("no download client".into()))
    }

    /// `Done` when the journal says this torrent was delivered to an endpoint before (a new
    /// grab of the same torrent) and that endpoint, asked now, still has it.
    async fn on_earlier_endpoint(&self, entry: &JournalEntry, eps: &[Endpoint]) -> Option<Attempt> {
        let hash = entry.info_hash.clone();
        let known = self
            .inner
            .journal
            .endpoints_of(vec![hash.clone()])
            .await
            .ok()?;
        let ep = eps.iter().find(|e| Some(&e.id) == known.get(&hash))?;
        if ep.id == eps[0].id || ep.blocked().is_some() {
            return None;
        }
        match self.present(ep, &hash).await {
            Ok(true) => {
                self.pin(entry.id, ep.id).await.ok()?;
                Some(Attempt::Done)
            }
            _ => None,
        }
    }

    /// One endpoint's try: presence first, then the pin, then the add.
    async fn try_endpoint(&self, ep: &Endpoint, entry: &JournalEntry, checkable: bool) -> Try {
        let hash = entry.info_hash.as_str();
        if checkable {
            match self.present(ep, hash).await {
                Ok(true) => {
                    return match self.pin(entry.id, ep.id).await {
                        Ok(()) => Try::Final(Attempt::Done),
                        Err(a) => Try::Final(a),
                    }
                }
                Ok(false) => {}
                Err(a @ Attempt::Dead(_)) => return Try::Final(a),
                Err(a) => return Try::Next(a),
            }
        }
        if let Err(a) = self.pin(entry.id, ep.id).await {
            return Try::Final(a);
        }
        let req = add_request(entry, &ep.choice);
        let client = ep.choice.client.clone();
        match ep.breaker.call(client.add(&req)).await {
            Ok(AddOutcome::Added) => Try::Final(Attempt::Done),
            Ok(AddOutcome::Rejected) if checkable => match self.present(ep, hash).await {
                Ok(true) => Try::Final(Attempt::Done),
                Ok(false) => {
                    self.unpin(entry.id).await;
                    Try::Final(Attempt::Retry(
                        "qBittorrent answered \"Fails.\" to the add".into(),
                    ))
                }
                Err(a) => Try::Final(a),
            },
            Ok(AddOutcome::Rejected) => Try::Final(Attempt::Retry(
                "qBittorrent answered \"Fails.\" (URL unreachable, or already added)".into(),
            )),
            Err(e) => {
                let unknown = outcome_unknown(&e);
                let a = self.judge(ep, e);
                if unknown || matches!(a, Attempt::Dead(_)) {
                    Try::Final(a)
                } else {
                    self.unpin(entry.id).await;
                    Try::Next(a)
                }
            }
        }
    }

    /// Records that operation `id` goes to (or is on) endpoint `endpoint`; a journal failure
    /// means nothing may be sent.
    async fn pin(&self, id: i64, endpoint: i64) -> Result<(), Attempt> {
        self.inner
            .journal
            .pin_endpoint(id, Some(endpoint))
            .await
            .map(|_| ())
            .map_err(|e| Attempt::Retry(e.to_string()))
    }

    /// The add certainly did not arrive: any endpoint may take the operation.
    async fn unpin(&self, id: i64) {
        if let Err(e) = self.inner.journal.pin_endpoint(id, None).await {
            // Harmless: the next attempt checks the pinned endpoint first.
            tracing::warn!(id, error = %e, "could not clear a grab's endpoint");
        }
    }

    /// Whether endpoint `ep` already has `hash` (any category).
    async fn present(&self, ep: &Endpoint, hash: &str) -> Result<bool, Attempt> {
        let client = ep.choice.client.clone();
        let hashes = [hash.to_string()];
        match ep.breaker.call(client.torrents(None, &hashes)).await {
            Ok(list) => Ok(list.iter().any(|t| t.hash.eq_ignore_ascii_case(hash))),
            Err(e) => Err(self.judge(ep, e)),
        }
    }

    /// Sorts a failed call to `ep` into the attempt categories.
    fn judge(&self, ep: &Endpoint, e: CallError<HttpError>) -> Attempt {
        let down = || ep.breaker.state().is_open();
        let name = ep.breaker.name();
        match e {
            CallError::Open(r) => Attempt::Refused(r.to_string()),
            CallError::Timeout if down() => Attempt::Outage(format!("{name}: call timed out")),
            CallError::Timeout => Attempt::Retry(format!("{name}: call timed out")),
            CallError::Inner(e) if is_permanent(&e) => {
                Attempt::Dead(super::send::describe_permanent(&e))
            }
            CallError::Inner(e) => match e.classify() {
                FailureClass::Misconfigured(_) => Attempt::Misconfigured(e.to_string()),
                FailureClass::Failure(_) if down() => Attempt::Outage(e.to_string()),
                _ => Attempt::Retry(e.to_string()),
            },
        }
    }

    /// Our category's torrents on every endpoint set up by the user, each through its own
    /// breaker, in priority order. Remembers where each torrent was listed (for removal).
    pub async fn poll_each(&self) -> Vec<EndpointPoll> {
        let eps = self.endpoints();
        let single = eps.len() == 1;
        let mut out = Vec::new();
        for ep in eps.iter().filter(|e| single || e.choice.configured) {
            let result = self.poll_endpoint(ep).await;
            if let Ok(items) = &result {
                let mut seen = self.inner.seen_on.lock();
                for i in items {
                    seen.insert(i.hash.to_ascii_lowercase(), ep.id);
                }
            }
            out.push(EndpointPoll {
                endpoint: ep.clone(),
                result,
            });
        }
        out
    }

    async fn poll_endpoint(&self, ep: &Endpoint) -> Result<Vec<DownloadStatus>, DownloadError> {
        let client = ep.choice.client.clone();
        let category = ep.choice.category.clone();
        let list = ep
            .breaker
            .call(client.torrents(Some(&category), &[]))
            .await?;
        let hashes = list.iter().map(|t| t.hash.clone()).collect();
        let movies = self.inner.journal.movie_ids(hashes).await?;
        Ok(list
            .into_iter()
            .map(|t| {
                let movie = movies.get(&t.hash).copied();
                DownloadStatus::from_info(t, movie)
            })
            .collect())
    }

    /// Which endpoint has each of `hashes`: where the latest poll listed it, else where the
    /// journal delivered it, else the primary.
    pub(super) async fn owners(
        &self,
        hashes: &[String],
    ) -> Result<Vec<(Endpoint, Vec<String>)>, DownloadError> {
        let lower: Vec<String> = hashes.iter().map(|h| h.to_ascii_lowercase()).collect();
        let journal = self.inner.journal.endpoints_of(lower.clone()).await?;
        let seen = self.inner.seen_on.lock().clone();
        let primary = self.primary();
        let mut groups: HashMap<i64, (Endpoint, Vec<String>)> = HashMap::new();
        let mut order = Vec::new();
        for (h, l) in hashes.iter().zip(&lower) {
            let ep = seen
                .get(l)
                .or_else(|| journal.get(l))
                .and_then(|id| self.endpoint(*id))
                .unwrap_or_else(|| primary.clone());
            if !groups.contains_key(&ep.id) {
                order.push(ep.id);
            }
            groups
                .entry(ep.id)
                .or_insert_with(|| (ep, Vec::new()))
                .1
                .push(h.clone());
        }
        Ok(order
            .into_iter()
            .filter_map(|id| groups.remove(&id))
            .collect())
    }
}

/// Whether a failed add may still have reached qBittorrent: a timeout or a connection lost
/// after the request went out. Refusals, connect errors and HTTP answers are certain.
fn outcome_unknown(e: &CallError<HttpError>) -> bool {
    match e {
        CallError::Open(_) => false,
        CallError::Timeout => true,
        CallError::Inner(e) => matches!(
            e,
            HttpError::Timeout { .. } | HttpError::Transport { .. } | HttpError::Decode { .. }
        ),
    }
}

/// The verdict for an operation pinned to `ep`: waiting for that endpoint when it is the
/// endpoint that cannot answer (nothing is counted, other grabs go on).
fn held(ep: &Endpoint, a: Attempt) -> Attempt {
    match a {
        Attempt::Refused(why) | Attempt::Outage(why) | Attempt::Misconfigured(why) => {
            Attempt::Held(format!(
                "waiting for {} (a send there has an unknown outcome): {why}",
                ep.breaker.name()
            ))
        }
        other => other,
    }
}
