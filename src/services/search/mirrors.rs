//! Torznab mirror URLs (failover endpoints, issue 17): an indexer may have alternative base URLs,
//! each behind its own breaker (`torznab:<name>#2`, `#3`, ...; the indexer's own URL keeps
//! `torznab:<name>`). A search goes to the indexer's URL first and, when that fails or its
//! breaker refuses, to each mirror in order; the first answer counts. Only when every endpoint
//! failed is the indexer skipped, with the warning of its own URL.

use std::sync::Arc;

use super::{Indexer, IndexerWarning, Release, SearchQuery, SearchService};
use crate::breaker::{CallError, CircuitBreaker};
use crate::clients::torznab::TorznabClient;

/// One alternative endpoint of a Torznab indexer.
#[derive(Clone, Debug)]
pub struct Mirror {
    /// The same indexer at the mirror's URL.
    pub client: TorznabClient,
    /// Its own breaker, `torznab:<name>#<n>`.
    pub breaker: Arc<CircuitBreaker>,
}

impl Indexer {
    /// The same indexer with mirror endpoints, in the order they are tried.
    pub fn with_mirrors(self, mirrors: Vec<Mirror>) -> Self {
        Self { mirrors, ..self }
    }

    /// The mirror endpoints.
    pub fn mirrors(&self) -> &[Mirror] {
        &self.mirrors
    }

    /// Every breaker of the indexer: its own, then its mirrors'.
    pub fn breakers(&self) -> Vec<&Arc<CircuitBreaker>> {
        std::iter::once(&self.breaker)
            .chain(self.mirrors.iter().map(|m| &m.breaker))
            .collect()
    }

    /// A Torznab search through its URL, then each mirror until one answers.
    pub(super) async fn torznab_search(
        &self,
        own: &TorznabClient,
        q: &SearchQuery,
    ) -> Result<Vec<Release>, IndexerWarning> {
        let first = self.torznab_once(own, &self.breaker, q).await;
        let Err(warning) = first else { return first };
        for m in &self.mirrors {
            if let Ok(found) = self.torznab_once(&m.client, &m.breaker, q).await {
                tracing::info!(indexer = %self.name(), mirror = %m.breaker.name(), "searched through a mirror");
                return Ok(found);
            }
        }
        Err(warning)
    }

    async fn torznab_once(
        &self,
        c: &TorznabClient,
        breaker: &CircuitBreaker,
        q: &SearchQuery,
    ) -> Result<Vec<Release>, IndexerWarning> {
        let fut = c.search_movie(q.imdb_id.as_deref(), &q.title, q.year);
        match breaker.call(fut).await {
            Ok(v) => Ok(v),
            Err(CallError::Inner(e)) => Err(self.http_warning(&e)),
            Err(CallError::Open(r)) => Err(self.open_warning(r.retry_after_seconds())),
            Err(CallError::Timeout) => Err(self.timeout_warning()),
        }
    }
}

impl SearchService {
    /// The Torznab client behind breaker `service` (an indexer's own or a mirror's), for the
    /// health probe.
    pub fn torznab_client_for(&self, service: &str) -> Option<TorznabClient> {
        let all = self.indexers.load();
        all.iter().find_map(|i| match i.client() {
            super::IndexerClient::Torznab(c) if i.breaker.name() == service => Some(c.clone()),
            _ => i
                .mirrors
                .iter()
                .find(|m| m.breaker.name() == service)
                .map(|m| m.client.clone()),
        })
    }
}
