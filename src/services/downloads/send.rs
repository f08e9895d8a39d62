//! Sending one journaled operation: building it, the idempotent attempt, judging failures
//! (counted or not) and writing the verdict back to the journal.

use std::time::Duration;

use chrono::Utc;

use super::{ClientChoice, DownloadError, DownloadSettings, Downloads, Grab};
use crate::clients::http::HttpError;
use crate::clients::qbittorrent::{magnet_info_hash, torrent_info_hash, AddRequest, AddSource};
use crate::config::Secret;
use crate::journal::{
    AddPayload, JournalEntry, JournalError, NewOperation, OpKind, PayloadSource, TorrentBytes,
};

/// The verdict on one send attempt.
pub(super) enum Attempt {
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
    /// Waits for the endpoint a send of unknown outcome went to (failover's no-double-send
    /// rule); not counted, and other operations go on.
    Held(String),
}

/// An absolute http(s) URL qBittorrent can fetch: a host, and no blank or control character
/// anywhere (those only arrive from broken or hostile clients and would fail in qBittorrent).
fn is_http_url(u: &str) -> bool {
    let rest = u
        .strip_prefix("http://")
        .or_else(|| u.strip_prefix("https://"));
    let Some(rest) = rest else { return false };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = host.rsplit('@').next().unwrap_or("");
    !host.is_empty()
        && !host.starts_with(':')
        && !u.chars().any(|c| c.is_control() || c.is_whitespace())
}

impl Downloads {
    /// Builds the journal record: computes the info-hash and refuses malformed grabs.
    pub(super) fn operation(&self, grab: Grab) -> Result<NewOperation, DownloadError> {
        let computed = match &grab.source {
            AddSource::Magnet(m) => Some(magnet_info_hash(m).ok_or_else(|| {
                DownloadError::Invalid("magnet link without a valid btih info-hash".into())
            })?),
            AddSource::TorrentFile { bytes, .. } => {
                Some(torrent_info_hash(bytes).map_err(|e| DownloadError::Invalid(e.to_string()))?)
            }
            AddSource::Url(u) => {
                if !is_http_url(u.expose()) {
                    return Err(DownloadError::Invalid(
                        "url must be an http:// or https:// URL with a host and no spaces or control characters".into(),
                    ));
                }
                None
            }
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
                category: Some(self.category()),
                tags: grab.tags,
                save_path: grab.save_path,
                // The endpoint's "add paused" is applied when it is sent there.
                paused: grab.paused,
                movie_id: grab.movie_id,
                title: grab.title,
            },
            torrent,
        })
    }

    /// Writes the attempt's verdict to the journal.
    pub(super) async fn settle(
        &self,
        entry: &JournalEntry,
        attempt: Attempt,
    ) -> Result<Settled, JournalError> {
        let (j, s) = (&self.inner.journal, &self.inner.settings);
        let id = entry.id;
        Ok(match attempt {
            Attempt::Done => {
                j.mark_done(id).await?;
                tracing::info!(id, hash = %entry.info_hash, "sent to qBittorrent");
                Settled::Done
            }
            Attempt::Held(why) => {
                j.release(id, Some(why.clone()), Utc::now() + s.poll_interval)
                    .await?;
                Settled::Pending(why)
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

/// Where an operation ended up after an attempt.
pub(super) enum Settled {
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

/// The reason a permanent refusal dead-letters an operation with.
pub(super) fn describe_permanent(e: &HttpError) -> String {
    match e {
        HttpError::Status { status: 415, .. } => {
            "qBittorrent rejected the torrent as invalid (HTTP 415)".into()
        }
        other => format!("{other} (not retried)"),
    }
}

/// A 40-hex info-hash (what qBittorrent lists; `url:` keys cannot be checked).
pub(super) fn is_info_hash(h: &str) -> bool {
    h.len() == 40 && h.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Rebuilds the client request from a journal entry for the endpoint `to` (its category and
/// "add paused").
pub(super) fn add_request(e: &JournalEntry, to: &ClientChoice) -> AddRequest {
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
        category: Some(to.category.clone()),
        tags: p.tags.clone(),
        save_path: p.save_path.clone(),
        paused: p.paused || to.start_paused,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn only_fetchable_http_urls_are_grabs() {
        assert!(is_http_url(
            "https://tracker.example/dl/1.torrent?passkey=a"
        ));
        assert!(is_http_url("http://user:pw@127.0.0.1:9117/dl"));
        assert!(!is_http_url("https://\u{10}\u{be}"));
        assert!(!is_http_url("https://"));
        assert!(!is_http_url("https:///path"));
        assert!(!is_http_url("https://host/a b"));
        assert!(!is_http_url("ftp://host/x"));
        assert!(!is_http_url("https://:80/x"));
    }
}
