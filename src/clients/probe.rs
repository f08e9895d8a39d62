//! Light health probes of the HTTP services (TMDB `/configuration`, qBittorrent
//! `/api/v2/app/version`, Torznab `t=caps`). The prober runs them through the breakers so they
//! double as half-open trials and services recover without user traffic.

use super::http::{read_capped, HttpError};
use crate::config::Secret;

/// GETs `url` and maps the answer: 2xx is up; `forbidden_is_up` treats 403 as up (qBittorrent
/// answers 403 to a client that has not logged in, which still proves it is alive).
pub async fn get_ok(
    client: &reqwest::Client,
    service: &str,
    url: &str,
    bearer: Option<&Secret>,
    forbidden_is_up: bool,
) -> Result<(), HttpError> {
    let mut req = client.get(url);
    if let Some(token) = bearer {
        req = req.bearer_auth(token.expose());
    }
    let resp = req
        .send()
        .await
        .map_err(|e| HttpError::from_reqwest(service, e))?;
    let status = resp.status();
    if status.is_success() || (forbidden_is_up && status.as_u16() == 403) {
        // Read (and bound) the body so the connection can be reused.
        read_capped(service, resp).await?;
        Ok(())
    } else {
        Err(HttpError::from_status(service, &resp))
    }
}
