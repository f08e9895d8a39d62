//! TMDB's alternative base URL (failover endpoints, issue 17): `[tmdb] fallback_base_url`, a
//! mirror or caching proxy of TMDB's API behind its own breaker (`tmdb:alt`). A call the
//! primary cannot answer (breaker open, timeout, connection error, 5xx, 429) is asked there
//! before the stale cache is served; an answer of TMDB's (404, a rejected key) is not.

use std::sync::Arc;

use super::{Fetch, Key, MetadataService};
use crate::breaker::{CallError, CircuitBreaker, Classify, FailureClass};
use crate::clients::http::HttpError;
use crate::clients::tmdb::TmdbClient;

impl MetadataService {
    /// The same service with an alternative endpoint `client` behind `breaker` (`tmdb:alt`).
    /// Only before the service is shared (clones made earlier keep none).
    pub fn with_alternative(mut self, client: TmdbClient, breaker: Arc<CircuitBreaker>) -> Self {
        if let Some(inner) = Arc::get_mut(&mut self.inner) {
            inner.alt = Some((client, breaker));
        }
        self
    }

    /// The primary's answer, or the alternative's when the primary is out.
    pub(super) async fn fetch_with_failover(&self, key: &Key) -> Fetch {
        let inner = &self.inner;
        let first = inner.breaker.call(self.fetch(&inner.client, key)).await;
        match (&first, &inner.alt) {
            (Err(e), Some((client, breaker))) if is_outage(e) => {
                let second = breaker.call(self.fetch(client, key)).await;
                if second.is_ok() {
                    tracing::info!(service = %breaker.name(), "TMDB answered through its alternative base URL");
                }
                second
            }
            _ => first,
        }
    }
}

/// Whether a failed call is the endpoint's outage (its alternative may answer), not an answer.
fn is_outage(e: &CallError<HttpError>) -> bool {
    match e {
        CallError::Open(_) | CallError::Timeout => true,
        CallError::Inner(e) => matches!(e.classify(), FailureClass::Failure(_)),
    }
}
