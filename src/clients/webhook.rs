//! The one webhook sender: a JSON body POSTed (or PUT) to a receiver's URL, with optional basic
//! authentication. Used for the notifications of `/api/v3/notification` and for the breaker
//! alerts of `[alerts] webhooks`; the caller wraps each send in its breaker and retry policy.

use std::time::Duration;

use serde_json::Value;

use super::http::HttpError;
use crate::config::Secret;

/// Where and how one receiver takes its payloads.
#[derive(Clone, Debug)]
pub struct WebhookTarget {
    /// Names the receiver in errors (`notification:<name>`, `webhooks`); never the URL, which
    /// may hold a token (Discord, Slack).
    pub service: String,
    pub url: String,
    /// PUT instead of POST (Radarr's `method` 2).
    pub put: bool,
    pub username: String,
    pub password: Secret,
}

/// Sends JSON to webhook receivers over the shared connection pool; cheap to clone.
#[derive(Clone)]
pub struct WebhookClient {
    http: reqwest::Client,
}

impl std::fmt::Debug for WebhookClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("WebhookClient")
    }
}

impl WebhookClient {
    /// A client over the shared reqwest client (`clients::http::shared_client`).
    pub fn new(http: reqwest::Client) -> Self {
        WebhookClient { http }
    }

    /// One delivery of `body` to `target`, bounded by `timeout`; any 2xx is success.
    pub async fn send(
        &self,
        target: &WebhookTarget,
        body: &Value,
        timeout: Duration,
    ) -> Result<(), HttpError> {
        let req = if target.put {
            self.http.put(&target.url)
        } else {
            self.http.post(&target.url)
        };
        let mut req = req
            .timeout(timeout)
            .header(reqwest::header::ACCEPT, "application/json")
            .json(body);
        if !target.username.is_empty() || !target.password.is_empty() {
            req = req.basic_auth(&target.username, Some(target.password.expose()));
        }
        let resp = req
            .send()
            .await
            .map_err(|e| HttpError::from_reqwest(&target.service, e))?;
        if resp.status().is_success() {
            Ok(())
        } else {
            Err(HttpError::from_status(&target.service, &resp))
        }
    }
}
