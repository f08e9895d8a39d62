//! Indexers, download clients and TMDB's key, changed live through the API (Radarr's
//! `/api/v3/indexer` and `/api/v3/downloadclient`, reelarr's `/api/v1/settings/tmdb`).
//!
//! Why: Prowlarr adds, updates and removes indexers in Radarr through its API, and users change
//! credentials without restarting. Providers added through the API live in the database
//! (`providers` table); the config file's and the environment's are listed too, read-only,
//! and keep working exactly as before. Every change is saved first, then applied at once
//! (`apply.rs`): breakers, the search service's indexers, the download client in use and the
//! TMDB key follow, without a restart and without losing state. A restart loads the same.

mod apply;
mod check;
mod clients;
mod config_view;
mod model;
mod notifications;
pub mod spec;
mod tmdb;
mod triggers;

pub use apply::sync_registry;
pub use check::Failure;
pub use config_view::{CONFIG_ID_BASE, CONFIG_MESSAGE};
pub use model::{FieldInput, Provider, ProviderInput, Source, SECRET_PLACEHOLDER};
pub use spec::{FieldSpec, ImplSpec, ProviderKind};
pub use tmdb::TmdbSettings;
pub use triggers::Triggers;

use std::sync::Arc;

use parking_lot::{Mutex, RwLock};
use serde_json::Value;

use crate::breaker::Registry;
use crate::clients::factory::ClientFactory;
use crate::clients::tmdb::TmdbClient;
use crate::config::{Config, LiveConfig, Secret};
use crate::services::downloads::Downloads;
use crate::services::notify::Notifier;
use crate::services::search::SearchService;
use crate::services::ServiceError;
use crate::store::{Store, StoredProvider};
use model::invalid;

/// The providers service; cheap to clone.
#[derive(Clone)]
pub struct Providers {
    inner: Arc<Inner>,
}

/// What the service works on.
pub struct Parts {
    pub store: Arc<dyn Store>,
    pub config: LiveConfig,
    pub registry: Arc<Registry>,
    pub factory: ClientFactory,
    pub search: SearchService,
    pub downloads: Downloads,
    pub tmdb: TmdbClient,
    pub notifier: Notifier,
}

struct Inner {
    store: Arc<dyn Store>,
    config: LiveConfig,
    registry: Arc<Registry>,
    factory: ClientFactory,
    search: SearchService,
    downloads: Downloads,
    tmdb: TmdbClient,
    notifier: Notifier,
    /// The stored providers, as last read or written (searches never wait on the database).
    db: RwLock<Stored>,
    built: Mutex<apply::Built>,
    /// One change at a time, so a check-then-save cannot race another.
    write: tokio::sync::Mutex<()>,
}

/// The database's providers, in memory.
#[derive(Default)]
struct Stored {
    indexers: Vec<Provider>,
    clients: Vec<Provider>,
    notifications: Vec<Provider>,
    tmdb_key: Option<Secret>,
    tmdb_row: Option<i64>,
}

impl Stored {
    fn list(&self, kind: ProviderKind) -> &Vec<Provider> {
        match kind {
            ProviderKind::Indexer => &self.indexers,
            ProviderKind::DownloadClient => &self.clients,
            ProviderKind::Notification => &self.notifications,
        }
    }

    fn list_mut(&mut self, kind: ProviderKind) -> &mut Vec<Provider> {
        match kind {
            ProviderKind::Indexer => &mut self.indexers,
            ProviderKind::DownloadClient => &mut self.clients,
            ProviderKind::Notification => &mut self.notifications,
        }
    }
}

/// A stored row as a provider (`None`, logged, when it no longer parses).
fn from_row(row: StoredProvider) -> Option<Provider> {
    match serde_json::from_value::<Provider>(row.data) {
        Ok(mut p) => {
            p.id = row.id;
            p.name = row.name;
            Some(p)
        }
        Err(e) => {
            tracing::error!(id = row.id, kind = %row.kind, error = %e, "stored provider unreadable; ignored");
            None
        }
    }
}

impl Providers {
    /// Loads the stored providers, puts everything in force, and follows config reloads.
    pub async fn start(parts: Parts) -> Result<Providers, ServiceError> {
        let mut stored = Stored::default();
        for kind in [
            ProviderKind::Indexer,
            ProviderKind::DownloadClient,
            ProviderKind::Notification,
        ] {
            let rows = parts.store.providers(kind.as_str()).await?;
            *stored.list_mut(kind) = rows.into_iter().filter_map(from_row).collect();
        }
        if let Some(row) = parts.store.providers(tmdb::KIND).await?.into_iter().next() {
            stored.tmdb_row = Some(row.id);
            stored.tmdb_key = tmdb::key_of(&row.data);
        }
        let providers = Providers {
            inner: Arc::new(Inner {
                store: parts.store,
                config: parts.config.clone(),
                registry: parts.registry,
                factory: parts.factory,
                search: parts.search,
                downloads: parts.downloads,
                tmdb: parts.tmdb,
                notifier: parts.notifier,
                db: RwLock::new(stored),
                built: Mutex::new(apply::Built::default()),
                write: tokio::sync::Mutex::new(()),
            }),
        };
        providers.apply(&parts.config.get());
        let me = providers.clone();
        parts.config.on_change(move |cfg| me.apply(cfg));
        Ok(providers)
    }

    /// Every provider of `kind` (secrets masked), the database's and the config's, by id.
    pub fn list(&self, kind: ProviderKind) -> Vec<Provider> {
        let mut all = self.all(kind, &self.inner.config.get());
        all.sort_by_key(|p| p.id);
        all.iter().map(|p| p.masked(kind)).collect()
    }

    fn all(&self, kind: ProviderKind, cfg: &Config) -> Vec<Provider> {
        let mut all = self.inner.db.read().list(kind).clone();
        all.extend(match kind {
            ProviderKind::Indexer => config_view::indexers(cfg),
            ProviderKind::DownloadClient => config_view::download_clients(cfg),
            ProviderKind::Notification => Vec::new(),
        });
        all
    }

    fn find(&self, kind: ProviderKind, id: i64) -> Result<Provider, ServiceError> {
        self.all(kind, &self.inner.config.get())
            .into_iter()
            .find(|p| p.id == id)
            .ok_or_else(|| ServiceError::NotFound(format!("no {} {id}", kind.label())))
    }

    /// One provider (secrets masked).
    pub fn get(&self, kind: ProviderKind, id: i64) -> Result<Provider, ServiceError> {
        Ok(self.find(kind, id)?.masked(kind))
    }

    /// Each implementation of `kind` with every field at its default, for `schema`.
    pub fn schema(&self, kind: ProviderKind) -> Vec<Provider> {
        spec::of_kind(kind)
            .map(|s| Provider {
                id: 0,
                name: String::new(),
                implementation: s.implementation.to_string(),
                enable: true,
                enable_rss: true,
                enable_automatic_search: true,
                enable_interactive_search: true,
                priority: if kind == ProviderKind::Indexer { 25 } else { 1 },
                download_client_id: 0,
                tags: vec![],
                fields: spec::default_fields(s).into_iter().collect(),
                triggers: Triggers::default(),
                source: Source::Database,
            })
            .collect()
    }

    /// Refuses a provider that would clash with another: a taken name (any case, config ones
    /// included, since the name is the breaker's), or a second HDBits (one `hdbits` breaker).
    fn check_unique(&self, kind: ProviderKind, p: &Provider) -> Result<(), ServiceError> {
        let others: Vec<Provider> = self
            .all(kind, &self.inner.config.get())
            .into_iter()
            .filter(|o| !(o.id == p.id && o.source == Source::Database))
            .collect();
        if others.iter().any(|o| o.name.eq_ignore_ascii_case(&p.name)) {
            return Err(invalid("name", "Should be unique"));
        }
        if p.implementation == "HDBits" && others.iter().any(|o| o.implementation == "HDBits") {
            return Err(invalid(
                "implementation",
                "only one HDBits indexer can be set up",
            ));
        }
        Ok(())
    }

    /// Runs the provider's test unless `force` (Radarr's `forceSave`) or it is disabled; a
    /// failure refuses the save with the failures.
    async fn test_before_save(
        &self,
        kind: ProviderKind,
        p: &Provider,
        force: bool,
    ) -> Result<(), ServiceError> {
        if force || !p.in_use(kind) {
            return Ok(());
        }
        let failures = self.check(kind, p, false).await;
        match failures.first() {
            None => Ok(()),
            Some(f) => Err(invalid(&f.property_name, f.error_message.clone()).with(
                "failures",
                serde_json::to_value(&failures).unwrap_or(Value::Null),
            )),
        }
    }

    /// Adds a provider: validated whole, tested (unless `force`), saved, then put in force.
    pub async fn create(
        &self,
        kind: ProviderKind,
        input: &ProviderInput,
        force: bool,
    ) -> Result<Provider, ServiceError> {
        let _one = self.inner.write.lock().await;
        let p = model::build(kind, input, None)?;
        self.check_unique(kind, &p)?;
        self.test_before_save(kind, &p, force).await?;
        let data = serde_json::to_value(&p).map_err(internal)?;
        let row = self
            .inner
            .store
            .add_provider(kind.as_str(), &p.name, &data)
            .await
            .map_err(|e| name_taken(e.into()))?;
        let p = Provider { id: row.id, ..p };
        self.inner.db.write().list_mut(kind).push(p.clone());
        self.apply(&self.inner.config.get());
        tracing::info!(kind = kind.label(), name = %p.name, id = p.id, "provider added");
        Ok(p.masked(kind))
    }

    /// Changes provider `id`; `********` keeps a stored secret. Config providers are read-only.
    pub async fn update(
        &self,
        kind: ProviderKind,
        id: i64,
        input: &ProviderInput,
        force: bool,
    ) -> Result<Provider, ServiceError> {
        let _one = self.inner.write.lock().await;
        let old = self.writable(kind, id)?;
        let p = model::build(kind, input, Some(&old))?;
        self.check_unique(kind, &p)?;
        self.test_before_save(kind, &p, force).await?;
        let data = serde_json::to_value(&p).map_err(internal)?;
        let row = StoredProvider {
            id,
            kind: kind.as_str().into(),
            name: p.name.clone(),
            data,
        };
        let found = self
            .inner
            .store
            .update_provider(&row)
            .await
            .map_err(|e| name_taken(e.into()))?;
        if !found {
            return Err(ServiceError::NotFound(format!("no {} {id}", kind.label())));
        }
        if let Some(slot) = self
            .inner
            .db
            .write()
            .list_mut(kind)
            .iter_mut()
            .find(|o| o.id == id)
        {
            *slot = p.clone();
        }
        self.apply(&self.inner.config.get());
        tracing::info!(kind = kind.label(), name = %p.name, id, "provider changed");
        Ok(p.masked(kind))
    }

    /// Removes provider `id`; its breaker goes with it.
    pub async fn delete(&self, kind: ProviderKind, id: i64) -> Result<(), ServiceError> {
        let _one = self.inner.write.lock().await;
        self.writable(kind, id)?;
        self.inner.store.delete_provider(kind.as_str(), id).await?;
        self.inner.db.write().list_mut(kind).retain(|o| o.id != id);
        self.apply(&self.inner.config.get());
        tracing::info!(kind = kind.label(), id, "provider removed");
        Ok(())
    }

    /// The stored provider `id`, or why it cannot be changed.
    fn writable(&self, kind: ProviderKind, id: i64) -> Result<Provider, ServiceError> {
        let p = self.find(kind, id)?;
        if p.source == Source::Config {
            return Err(ServiceError::Conflict {
                code: "provider_read_only",
                message: format!("{} '{}': {CONFIG_MESSAGE}", kind.label(), p.name),
            });
        }
        Ok(p)
    }

    /// Tests the provider `input` describes (`********` uses the stored secret of `input.id`).
    pub async fn test(
        &self,
        kind: ProviderKind,
        input: &ProviderInput,
    ) -> Result<Vec<Failure>, ServiceError> {
        let stored = input.id.and_then(|id| self.find(kind, id).ok());
        let p = model::build(kind, input, stored.as_ref())?;
        let in_use = stored
            .as_ref()
            .is_some_and(|s| s.fields == p.fields && s.name == p.name);
        let p = Provider {
            source: stored.map(|s| s.source).unwrap_or(Source::Database),
            ..p
        };
        Ok(self.check(kind, &p, in_use).await)
    }

    /// Tests every enabled provider of `kind`: `(id, failures)` each.
    pub async fn test_all(&self, kind: ProviderKind) -> Vec<(i64, Vec<Failure>)> {
        let all = self.all(kind, &self.inner.config.get());
        let on = all.into_iter().filter(|p| p.in_use(kind));
        let checks = on.map(|p| async move { (p.id, self.check(kind, &p, true).await) });
        futures_util::future::join_all(checks).await
    }
}

fn internal(e: serde_json::Error) -> ServiceError {
    ServiceError::Internal {
        context: "encoding provider settings",
        detail: e.to_string(),
    }
}

/// A uniqueness violation the in-memory check missed (a concurrent process) is the name's.
fn name_taken(e: ServiceError) -> ServiceError {
    if e.is_constraint() {
        invalid("name", "Should be unique")
    } else {
        e
    }
}
