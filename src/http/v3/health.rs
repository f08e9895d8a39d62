//! `GET /api/v3/health` in Radarr's shape: open breakers are reported the way Radarr reports
//! failing indexers and download clients, plus metadata and database entries Radarr lacks, and the
//! active alerts (failure rate, open too long, recovered).

use crate::auth::Principal;
use crate::http::auth::require;
use crate::http::with_state;
use crate::state::AppState;
use serde_json::{json, Value};
use std::sync::Arc;
use warp::{Filter, Rejection, Reply};

const WIKI: &str = "https://wiki.servarr.com/radarr/system#";

pub fn routes(
    state: Arc<AppState>,
) -> impl Filter<Extract = (warp::reply::Response,), Error = Rejection> + Clone {
    warp::path!("api" / "v3" / "health")
        .and(warp::get())
        .and(require(state.clone()))
        .and(with_state(state))
        .map(|_: Principal, s: Arc<AppState>| warp::reply::json(&entries(&s)).into_response())
}

fn display(service: &str) -> String {
    match service {
        "tmdb" => "TMDB".into(),
        "hdbits" => "HDBits".into(),
        "qbittorrent" => "qBittorrent".into(),
        "database" => "Database".into(),
        other => other
            .strip_prefix("torznab:")
            .or_else(|| other.strip_prefix("qbittorrent:"))
            .or_else(|| other.strip_prefix("notification:"))
            .unwrap_or(other)
            .to_string(),
    }
}

/// Radarr's health entries for the current breaker states and alerts.
pub fn entries(s: &AppState) -> Vec<Value> {
    let mut indexers = Vec::new();
    let mut notifications = Vec::new();
    // Download clients (every failover endpoint), listed where the first one showed.
    let mut clients: Vec<String> = Vec::new();
    let mut clients_at = None;
    let mut out = Vec::new();
    for b in s.breakers.all() {
        if !b.state().is_open() {
            continue;
        }
        let name = b.name();
        match name {
            "hdbits" => indexers.push(display(name)),
            n if n.starts_with("torznab:") => indexers.push(display(n)),
            n if n.starts_with("notification:") => notifications.push(display(n)),
            n if n == "qbittorrent" || n.starts_with("qbittorrent:") => {
                clients_at.get_or_insert(out.len());
                clients.push(display(n));
            }
            "tmdb" => out.push(json!({
                "source": "MetadataSourceCheck", "type": "warning",
                "message": "Metadata source unavailable due to failures: TMDB (serving cached data)",
                "wikiUrl": format!("{WIKI}metadata-source-unavailable"),
            })),
            "database" => out.push(json!({
                "source": "DatabaseCheck", "type": "error",
                "message": "Database unavailable due to failures: running read-only",
                "wikiUrl": format!("{WIKI}database-unavailable"),
            })),
            _ => {}
        }
    }
    if let Some(at) = clients_at {
        out.insert(
            at,
            json!({
                "source": "DownloadClientStatusCheck", "type": "error",
                "message": format!("Download clients unavailable due to failures: {}", clients.join(", ")),
                "wikiUrl": format!("{WIKI}download-clients-are-unavailable-due-to-failures"),
            }),
        );
    }
    if !indexers.is_empty() {
        out.insert(
            0,
            json!({
                "source": "IndexerStatusCheck", "type": "warning",
                "message": format!("Indexers unavailable due to failures: {}", indexers.join(", ")),
                "wikiUrl": format!("{WIKI}indexers-are-unavailable-due-to-failures"),
            }),
        );
    }
    if !notifications.is_empty() {
        out.push(json!({
            "source": "NotificationStatusCheck", "type": "warning",
            "message": format!("Notifications unavailable due to failures: {}", notifications.join(", ")),
            "wikiUrl": format!("{WIKI}notifications-are-unavailable-due-to-failures"),
        }));
    }
    // Breaker chains: what waits for which service ("Scheduled searches held by database: ...").
    for h in s.health.chains().all() {
        let mut what = h.what.to_string();
        what[..1].make_ascii_uppercase();
        out.push(json!({
            "source": "BreakerChainCheck", "type": "warning",
            "message": format!("{what} {}", h.message),
            "wikiUrl": format!("{WIKI}circuit-breakers"),
        }));
    }
    for a in s.alerts.active() {
        let kind = match a.severity {
            "critical" => "error",
            "warning" => "warning",
            _ => "notice",
        };
        out.push(json!({
            "source": "CircuitBreakerAlert", "type": kind, "message": a.message,
            "wikiUrl": format!("{WIKI}circuit-breakers"),
        }));
    }
    out
}
