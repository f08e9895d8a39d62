//! Notifications (`/api/v3/notification`) as providers: each stored Webhook connection becomes a
//! notifier target with its own `notification:<name>` breaker, and `test` sends Radarr's Test
//! payload through it.

use std::sync::Arc;

use super::check::Failure;
use super::model::Provider;
use super::triggers::Triggers;
use super::Providers;
use crate::breaker::CircuitBreaker;
use crate::clients::webhook::WebhookTarget;
use crate::config::Secret;
use crate::services::notify::{EventKind, Target};

/// The breaker a notification is sent through.
pub fn breaker_name(p: &Provider) -> String {
    format!("notification:{}", p.name)
}

/// The events the triggers ask for.
fn events(t: &Triggers) -> Vec<EventKind> {
    [
        (t.on_grab, EventKind::Grab),
        (t.on_download, EventKind::Download),
        (t.on_upgrade, EventKind::Upgrade),
        (t.on_movie_added, EventKind::MovieAdded),
        (t.on_movie_delete, EventKind::MovieDelete),
        (t.on_movie_file_delete, EventKind::MovieFileDelete),
        (
            t.on_movie_file_delete_for_upgrade,
            EventKind::MovieFileDeleteForUpgrade,
        ),
        (t.on_health_issue, EventKind::HealthIssue),
        (t.on_health_restored, EventKind::HealthRestored),
    ]
    .into_iter()
    .filter_map(|(on, kind)| on.then_some(kind))
    .collect()
}

/// The notifier target of connection `p`, sent through `breaker`.
fn target(p: &Provider, breaker: Arc<CircuitBreaker>) -> Target {
    Target {
        id: p.id,
        name: p.name.clone(),
        webhook: WebhookTarget {
            service: breaker_name(p),
            url: p.text("url"),
            put: p.int("method") == Some(2),
            username: p.text("username"),
            password: Secret::new(p.text("password")),
        },
        events: events(&p.triggers),
        include_health_warnings: p.triggers.include_health_warnings,
        tags: p.tags.clone(),
        breaker,
    }
}

impl Providers {
    /// Breakers of the stored notifications.
    pub(super) fn notification_breakers(&self) -> Vec<String> {
        self.inner
            .db
            .read()
            .notifications
            .iter()
            .map(breaker_name)
            .collect()
    }

    /// Hands the stored connections to the notifier (after the registry has their breakers).
    pub(super) fn apply_notifications(&self) {
        let list = self.inner.db.read().notifications.clone();
        let targets = list
            .iter()
            .filter_map(|p| {
                let b = self.inner.registry.get(&breaker_name(p));
                if b.is_none() {
                    tracing::error!(notification = %p.name, "no circuit breaker for notification; left out");
                }
                Some(target(p, b?))
            })
            .collect();
        self.inner.notifier.set_targets(targets);
    }

    /// Sends the Test payload to `p`; `in_use` (saved and unchanged) goes through its breaker.
    pub(super) async fn check_notification(&self, p: &Provider, in_use: bool) -> Option<Failure> {
        let name = breaker_name(p);
        let breaker = match (in_use, self.inner.registry.get(&name)) {
            (true, Some(b)) => b,
            // A trial of new settings: a scratch breaker with the same call timeout.
            _ => {
                let cfg = self.inner.config.get();
                let settings = cfg.circuit_breakers.notification.clone();
                Arc::new(CircuitBreaker::new(
                    name.as_str(),
                    settings,
                    self.inner.registry.clock().clone(),
                ))
            }
        };
        let t = target(p, breaker);
        self.inner
            .notifier
            .test(&t, in_use)
            .await
            .err()
            .map(|e| Failure::error("url", e))
    }
}
