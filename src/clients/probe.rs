//! A light health probe for services without a richer client call (Torznab `t=caps`). The
//! prober runs it through the service's breaker, so it doubles as the half-open trial and a
//! service recovers without user traffic. (TMDB and qBittorrent are probed with their clients.)

use super::http::{read_capped, HttpError};

/// GETs `url`; any 2xx means the service is up, anything else is classified as usual.
pub async fn get_ok(client: &reqwest::Client, service: &str, url: &str) -> Result<(), HttpError> {
    let resp = client
        .get(url)
        .send()
        .await
        .map_err(|e| HttpError::from_reqwest(service, e))?;
    if resp.status().is_success() {
        // Read (and bound) the body so the connection can be reused.
        read_capped(service, resp).await?;
        Ok(())
    } else {
        Err(HttpError::from_status(service, &resp))
    }
}
