//! The seed's recommended alerts — breaker opened, failure rate above 10 %, open for more than
//! 5 minutes, recovered — kept as active entries (shown by `/api/v3/health`) and POSTed as JSON
//! to the configured webhooks. Delivery is the notifier's (`services::notify`, the one webhook
//! sender): its bounded queue never blocks the caller, each send has the `webhooks` breaker's
//! timeout and a bounded retry. Opened and failure-rate alerts are also Radarr's `Health`
//! notifications, recovery its `HealthRestored`.

use crate::breaker::{BreakerConfig, BreakerEvent, BreakerState, CircuitBreaker, Clock, Registry};
use crate::clients::webhook::WebhookTarget;
use crate::config::{LiveConfig, Secret};
use crate::services::notify::{health_event, Notifier};
use chrono::{DateTime, Utc};
use parking_lot::Mutex;
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

/// Failure rate above which a warning is raised (the seed's 10 %).
pub const FAILURE_RATE_ALERT: f64 = 0.10;
/// How long a breaker may stay open before the "open too long" alert.
pub const OPEN_TOO_LONG: Duration = Duration::from_secs(5 * 60);
/// How long a "recovered" notice stays in the active list.
const RECOVERED_VISIBLE: Duration = Duration::from_secs(10 * 60);

/// The kinds of alert, as sent in the webhook's `alert` field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertKind {
    BreakerOpened,
    HighFailureRate,
    OpenTooLong,
    Recovered,
}

/// One alert: what happened to which service, and when.
#[derive(Debug, Clone, Serialize)]
pub struct Alert {
    pub alert: AlertKind,
    pub service: String,
    /// `critical`, `warning` or `info`.
    pub severity: &'static str,
    pub message: String,
    pub at: DateTime<Utc>,
    /// For `recovered`: the message of the issue it clears, which Radarr's `HealthRestored`
    /// repeats (not part of the alert webhook's JSON).
    #[serde(skip)]
    pub restores: Option<String>,
}

/// Active alerts plus what sends them.
pub struct Alerts {
    active: Mutex<BTreeMap<(String, AlertKind), Alert>>,
    config: LiveConfig,
    notifier: Notifier,
    /// The `[alerts] webhooks` receivers' breaker.
    breaker: Arc<CircuitBreaker>,
}

/// Radarr's health-check name for a service's failures (the `type` of a Health payload).
fn health_source(service: &str) -> &'static str {
    match service {
        "hdbits" => "IndexerStatusCheck",
        s if s.starts_with("torznab:") => "IndexerStatusCheck",
        "qbittorrent" => "DownloadClientStatusCheck",
        "tmdb" => "MetadataSourceCheck",
        "database" => "DatabaseCheck",
        _ => "NotificationStatusCheck",
    }
}

/// Radarr's `Health` / `HealthRestored` notification for an alert, if it is one. A restored
/// notice carries the cleared issue's level and message, as Radarr's `OnHealthRestored(previous
/// check)` does — the only issue a recovery clears is "breaker opened", an `error`.
fn health_notification(alert: &Alert) -> Option<crate::services::notify::Event> {
    let source = health_source(&alert.service);
    Some(match alert.alert {
        AlertKind::BreakerOpened => health_event(false, "error", source, &alert.message),
        AlertKind::HighFailureRate => health_event(false, "warning", source, &alert.message),
        AlertKind::Recovered => {
            let message = alert.restores.as_deref().unwrap_or(&alert.message);
            health_event(true, "error", source, message)
        }
        AlertKind::OpenTooLong => return None,
    })
}

impl Alerts {
    /// Creates the alert book; alerts are sent through `notifier`.
    pub fn start(config: LiveConfig, notifier: Notifier, clock: Arc<dyn Clock>) -> Arc<Self> {
        let breaker = Arc::new(CircuitBreaker::new(
            "webhooks",
            BreakerConfig::with_defaults(3, 60),
            clock,
        ));
        Arc::new(Alerts {
            active: Mutex::new(BTreeMap::new()),
            config,
            notifier,
            breaker,
        })
    }

    /// Queues `alert` for every `[alerts] webhooks` URL and, as Radarr's Health or
    /// HealthRestored, for the notifications that want it.
    fn send(&self, alert: &Alert) {
        let cfg = self.config.get();
        let limit_ms = cfg.alerts.timeout_seconds.saturating_mul(1000).max(1);
        if self.breaker.config().call_timeout_ms != limit_ms {
            let next = BreakerConfig {
                call_timeout_ms: limit_ms,
                slow_call_ms: limit_ms,
                ..(*self.breaker.config()).clone()
            };
            if let Err(e) = self.breaker.update_config(next) {
                tracing::warn!(error = %e, "alerts.timeout_seconds not applied to the webhooks breaker");
            }
        }
        let body = serde_json::to_value(alert).unwrap_or_default();
        for url in &cfg.alerts.webhooks {
            let target = WebhookTarget {
                service: "webhooks".into(),
                url: url.clone(),
                put: false,
                username: String::new(),
                password: Secret::default(),
            };
            self.notifier
                .send_raw(target, self.breaker.clone(), body.clone());
        }
        if let Some(event) = health_notification(alert) {
            self.notifier.emit(event);
        }
    }

    /// Alerts currently in force, most severe first.
    pub fn active(&self) -> Vec<Alert> {
        let now = Utc::now();
        let mut book = self.active.lock();
        book.retain(|(_, k), a| {
            *k != AlertKind::Recovered
                || (now - a.at).to_std().unwrap_or_default() < RECOVERED_VISIBLE
        });
        book.values().cloned().collect()
    }

    fn raise(&self, kind: AlertKind, service: &str, severity: &'static str, message: String) {
        self.raise_alert(Alert {
            alert: kind,
            service: service.to_string(),
            severity,
            message,
            at: Utc::now(),
            restores: None,
        });
    }

    fn raise_alert(&self, alert: Alert) {
        let (service, kind) = (alert.service.clone(), alert.alert);
        let service = service.as_str();
        let fresh = self
            .active
            .lock()
            .insert((service.to_string(), kind), alert.clone())
            .is_none();
        if fresh {
            tracing::warn!(service, alert = ?kind, "{}", alert.message);
            self.send(&alert);
        }
    }

    /// Removes an active alert, handing it back.
    fn clear(&self, kind: AlertKind, service: &str) -> Option<Alert> {
        self.active.lock().remove(&(service.to_string(), kind))
    }

    /// Registry listener: opened and recovered come straight from transitions.
    pub fn on_event(&self, ev: &BreakerEvent) {
        match ev.to {
            BreakerState::Open | BreakerState::ForcedOpen
                if !matches!(
                    ev.from,
                    BreakerState::Open | BreakerState::ForcedOpen | BreakerState::HalfOpen
                ) =>
            {
                let _ = self.clear(AlertKind::Recovered, &ev.service);
                self.raise(
                    AlertKind::BreakerOpened,
                    &ev.service,
                    "critical",
                    format!("circuit breaker for {} opened: {}", ev.service, ev.reason),
                );
            }
            BreakerState::Closed | BreakerState::Disabled if ev.from != BreakerState::Closed => {
                let opened = self.clear(AlertKind::BreakerOpened, &ev.service);
                let too_long = self.clear(AlertKind::OpenTooLong, &ev.service);
                if opened.is_some() || too_long.is_some() {
                    self.raise_alert(Alert {
                        alert: AlertKind::Recovered,
                        service: ev.service.clone(),
                        severity: "info",
                        message: format!("{} recovered; circuit breaker closed", ev.service),
                        at: Utc::now(),
                        restores: opened.map(|a| a.message),
                    });
                }
            }
            _ => {}
        }
    }
}

impl Alerts {
    /// Periodic checks (run by the prober): failure rate above 10 % and open for over 5 minutes.
    /// The periodic checks over every breaker of `registry`, at the registry clock's wall time.
    pub fn evaluate(&self, registry: &Registry) {
        let now = registry.clock().wall();
        for b in registry.all() {
            self.check(&b, now);
        }
    }

    fn check(&self, b: &CircuitBreaker, now: DateTime<Utc>) {
        let snap = b.snapshot();
        let name = b.name();
        let cfg = b.config();
        if snap.failure_rate > FAILURE_RATE_ALERT
            && snap.window_calls >= cfg.minimum_calls.min(cfg.window_size)
        {
            self.raise(
                AlertKind::HighFailureRate,
                name,
                "warning",
                format!(
                    "{name}: {:.1} % of the last {} calls failed",
                    snap.failure_rate * 100.0,
                    snap.window_calls
                ),
            );
        } else {
            let _ = self.clear(AlertKind::HighFailureRate, name);
        }
        match snap.opened_at {
            Some(at)
                if snap.state.is_open()
                    && (now - at).to_std().unwrap_or_default() > OPEN_TOO_LONG =>
            {
                self.raise(
                    AlertKind::OpenTooLong,
                    name,
                    "critical",
                    format!(
                        "circuit breaker for {name} has been open since {}",
                        at.to_rfc3339()
                    ),
                );
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::breaker::{FailureKind, ManualClock};
    use crate::config::{Config, Sources};

    fn kinds(a: &Alerts, service: &str) -> Vec<AlertKind> {
        a.active()
            .into_iter()
            .filter(|x| x.service == service)
            .map(|x| x.alert)
            .collect()
    }

    #[tokio::test]
    async fn failure_rate_and_open_too_long_are_raised_once_and_cleared() {
        let clock = Arc::new(ManualClock::new());
        let reg = Registry::new(clock.clone());
        let cfg = BreakerConfig {
            recovery_timeout_seconds: 3600,
            ..BreakerConfig::with_defaults(3, 3600)
        };
        let b = reg.register("tmdb", cfg);
        let live = LiveConfig::new(Config::default(), Sources::default());
        let notifier = Notifier::start(crate::clients::webhook::WebhookClient::new(
            reqwest::Client::new(),
        ));
        let alerts = Alerts::start(live, notifier, clock.clone());
        let a2 = alerts.clone();
        reg.add_listener(Arc::new(move |ev| a2.on_event(ev)));

        // 2 failures in 10 calls: 20 % > 10 %, the window has its minimum of 10 calls.
        for i in 0..10 {
            let p = b.try_acquire().unwrap();
            if i % 5 == 0 {
                p.failure(Duration::from_millis(1), FailureKind::ServerError);
            } else {
                p.success(Duration::from_millis(1));
            }
        }
        alerts.evaluate(&reg);
        assert_eq!(kinds(&alerts, "tmdb"), vec![AlertKind::HighFailureRate]);
        // Healthy traffic pushes the rate down and clears it.
        for _ in 0..20 {
            b.try_acquire().unwrap().success(Duration::from_millis(1));
        }
        alerts.evaluate(&reg);
        assert!(kinds(&alerts, "tmdb").is_empty());

        // Opened: raised at once by the event; "open too long" only after 5 minutes.
        b.force_open();
        assert_eq!(kinds(&alerts, "tmdb"), vec![AlertKind::BreakerOpened]);
        clock.advance(Duration::from_secs(4 * 60));
        alerts.evaluate(&reg);
        assert_eq!(kinds(&alerts, "tmdb"), vec![AlertKind::BreakerOpened]);
        clock.advance(Duration::from_secs(2 * 60));
        alerts.evaluate(&reg);
        assert_eq!(
            kinds(&alerts, "tmdb"),
            vec![AlertKind::BreakerOpened, AlertKind::OpenTooLong]
        );
        // Recovery clears both and leaves a "recovered" notice.
        b.close();
        assert_eq!(kinds(&alerts, "tmdb"), vec![AlertKind::Recovered]);
    }

    #[test]
    fn health_restored_repeats_the_cleared_issues_level_and_message() {
        let opened = Alert {
            alert: AlertKind::BreakerOpened,
            service: "qbittorrent".into(),
            severity: "critical",
            message: "circuit breaker for qbittorrent opened: refused".into(),
            at: Utc::now(),
            restores: None,
        };
        let recovered = Alert {
            alert: AlertKind::Recovered,
            severity: "info",
            message: "qbittorrent recovered; circuit breaker closed".into(),
            restores: Some(opened.message.clone()),
            ..opened.clone()
        };
        let issue = health_notification(&opened).unwrap().body;
        let restored = health_notification(&recovered).unwrap().body;
        assert_eq!(issue["eventType"], "Health");
        assert_eq!(restored["eventType"], "HealthRestored");
        // Radarr's OnHealthRestored(previousCheck): the previous check's level, message and type.
        for field in ["level", "message", "type"] {
            assert_eq!(restored[field], issue[field], "{field}");
        }
        assert_eq!(restored["level"], "error");
        // The alert webhook's own JSON is unchanged.
        let webhook = serde_json::to_value(&recovered).unwrap();
        assert!(webhook.get("restores").is_none());
        assert!(health_notification(&Alert {
            alert: AlertKind::OpenTooLong,
            ..opened
        })
        .is_none());
    }
}
