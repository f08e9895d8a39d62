//! Breaker chains (issue 17): declared dependencies between services. A scheduled search needs
//! the database (to record its grab) and at least one indexer; a grab needs qBittorrent. While
//! what something depends on is open, it is held: the scheduler skips the search with the reason
//! instead of running it into a failure, and a grab is journaled with "will be sent when
//! qBittorrent is back" (every qBittorrent endpoint open: one that admits takes it). Health, `/api/v1/circuit-breakers` and `/api/v3/health` show each hold
//! as "held by <service>".

use crate::breaker::Registry;
use crate::services::search::SearchService;
use serde::Serialize;
use std::sync::Arc;

/// What a hold keeps back: scheduled searches.
pub const SEARCHES: &str = "scheduled searches";
/// What a hold keeps back: grabs (journaled, not lost).
pub const GRABS: &str = "grabs";

/// Something held back because a service it depends on is open, and by which.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Hold {
    /// [`SEARCHES`] or [`GRABS`].
    pub what: &'static str,
    /// `database`, `indexers` or `qbittorrent`.
    pub held_by: String,
    /// The breakers behind it (every indexer's for `indexers`).
    pub services: Vec<String>,
    /// "held by database: ...", for people.
    pub message: String,
}

/// The declared dependencies, read from the live breakers on every question (no state of its
/// own, so a recovered service releases its holds at once).
#[derive(Clone)]
pub struct Chains {
    registry: Arc<Registry>,
    search: SearchService,
}

impl Chains {
    pub fn new(registry: Arc<Registry>, search: SearchService) -> Self {
        Chains { registry, search }
    }

    fn open(&self, service: &str) -> bool {
        self.registry
            .get(service)
            .is_some_and(|b| b.state().is_open())
    }

    /// Why scheduled searches must not start now: the database could not record their grabs,
    /// or every indexer in use is open (none could answer).
    pub fn searches(&self) -> Option<Hold> {
        if self.open("database") {
            return Some(Hold {
                what: SEARCHES,
                held_by: "database".into(),
                services: vec!["database".into()],
                message: "held by database: a grab could not be recorded while the database is unavailable".into(),
            });
        }
        let indexers = self.search.indexers();
        // An indexer is open when its own URL and every mirror of it are.
        let open =
            |i: &crate::services::search::Indexer| i.breakers().iter().all(|b| b.state().is_open());
        if indexers.is_empty() || !indexers.iter().all(open) {
            return None;
        }
        let names: Vec<String> = indexers
            .iter()
            .flat_map(|i| i.breakers())
            .map(|b| b.name().to_string())
            .collect();
        Some(Hold {
            what: SEARCHES,
            held_by: "indexers".into(),
            message: format!(
                "held by indexers: every indexer is unavailable ({})",
                names.join(", ")
            ),
            services: names,
        })
    }

    /// Why grabs cannot be sent now (they still go to the journal): every qBittorrent
    /// endpoint (`qbittorrent` and each failover `qbittorrent:<name>`) is open.
    pub fn grabs(&self) -> Option<Hold> {
        let endpoints: Vec<String> = self
            .registry
            .all()
            .iter()
            .map(|b| b.name().to_string())
            .filter(|n| n == "qbittorrent" || n.starts_with("qbittorrent:"))
            .collect();
        let all_open = !endpoints.is_empty() && endpoints.iter().all(|n| self.open(n));
        all_open.then(|| Hold {
            what: GRABS,
            held_by: "qbittorrent".into(),
            services: endpoints,
            message:
                "held by qbittorrent: grabs are journaled and will be sent when qBittorrent is back"
                    .into(),
        })
    }

    /// Every hold in force.
    pub fn all(&self) -> Vec<Hold> {
        self.searches().into_iter().chain(self.grabs()).collect()
    }

    /// What breaker `service` holds back now (for its snapshot), e.g. `["scheduled searches"]`.
    pub fn holding(holds: &[Hold], service: &str) -> Vec<&'static str> {
        holds
            .iter()
            .filter(|h| h.services.iter().any(|s| s == service))
            .map(|h| h.what)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::breaker::{BreakerConfig, ManualClock};
    use crate::clients::torznab::TorznabClient;
    use crate::config::Secret;
    use crate::services::search::Indexer;
    use std::time::Duration;

    fn indexer(reg: &Registry, name: &str) -> Indexer {
        let client = TorznabClient::new(
            reqwest::Client::new(),
            name,
            "http://127.0.0.1:9/api",
            Secret::new("k"),
            Duration::from_secs(1),
        );
        Indexer::torznab(
            client,
            reg.register(&format!("torznab:{name}"), BreakerConfig::default()),
        )
    }

    #[test]
    fn holds_follow_the_declared_dependencies() {
        let reg = Arc::new(Registry::new(Arc::new(ManualClock::default())));
        for s in ["database", "qbittorrent"] {
            reg.register(s, BreakerConfig::default());
        }
        let search = SearchService::new(vec![indexer(&reg, "a"), indexer(&reg, "b")]);
        let chains = Chains::new(reg.clone(), search);
        assert_eq!(chains.all(), vec![]);

        // One indexer of two open: searches go on with the other.
        reg.get("torznab:a").unwrap().force_open();
        assert_eq!(chains.searches(), None);
        reg.get("torznab:b").unwrap().force_open();
        let h = chains.searches().expect("every indexer open");
        assert_eq!((h.what, h.held_by.as_str()), (SEARCHES, "indexers"));
        assert_eq!(h.services, ["torznab:a", "torznab:b"]);
        assert_eq!(Chains::holding(&chains.all(), "torznab:b"), [SEARCHES]);

        // The database comes first: without it no grab could be recorded.
        reg.get("database").unwrap().force_open();
        assert_eq!(chains.searches().unwrap().held_by, "database");

        assert_eq!(chains.grabs(), None);
        // A second qBittorrent endpoint: grabs are held only while both are open.
        reg.register("qbittorrent:second", BreakerConfig::default());
        reg.get("qbittorrent").unwrap().force_open();
        assert_eq!(chains.grabs(), None, "the second endpoint takes grabs");
        reg.get("qbittorrent:second").unwrap().force_open();
        let g = chains.grabs().unwrap();
        assert_eq!(g.services, ["qbittorrent", "qbittorrent:second"]);
        assert!(g.message.contains("will be sent when qBittorrent is back"));
        assert_eq!(Chains::holding(&chains.all(), "qbittorrent"), [GRABS]);

        // Recovery releases the holds at once.
        for s in ["database", "qbittorrent", "qbittorrent:second", "torznab:a"] {
            reg.get(s).unwrap().reset();
        }
        assert_eq!(chains.all(), vec![]);
    }
}
