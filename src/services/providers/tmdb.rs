//! TMDB's API key through reelarr's settings API (`/api/v1/settings/tmdb`; Radarr has no such
//! setting, it uses its own metadata proxy). `TMDB_API_KEY` / `[tmdb] api_key` win and make it
//! read-only; otherwise the key is stored as the `metadata` provider `TMDB` and applied at once.

use serde::Serialize;
use serde_json::{json, Value};

use super::model::{invalid, SECRET_PLACEHOLDER};
use super::{Providers, CONFIG_MESSAGE};
use crate::config::Secret;
use crate::services::ServiceError;

/// The provider kind the key is stored under.
pub(super) const KIND: &str = "metadata";
const NAME: &str = "TMDB";

/// The key from a stored row.
pub(super) fn key_of(data: &Value) -> Option<Secret> {
    data.get("apiKey")
        .and_then(Value::as_str)
        .filter(|k| !k.is_empty())
        .map(Secret::new)
}

/// What `GET /api/v1/settings/tmdb` answers (the key itself never).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TmdbSettings {
    /// `********` when a key is set, else "".
    pub api_key: String,
    /// `environment` (env or config file: read-only), `database` (set here) or `unset`.
    pub source: &'static str,
    pub read_only: bool,
    pub api_url: String,
    pub message: Option<&'static str>,
}

impl Providers {
    /// Where TMDB's key comes from and whether it is set.
    pub fn tmdb_settings(&self) -> TmdbSettings {
        let cfg = self.inner.config.get();
        let from_config = !cfg.tmdb.api_key.is_empty();
        let stored = self.inner.db.read().tmdb_key.is_some();
        let set = from_config || stored;
        TmdbSettings {
            api_key: if set {
                SECRET_PLACEHOLDER.into()
            } else {
                String::new()
            },
            source: match (from_config, stored) {
                (true, _) => "environment",
                (false, true) => "database",
                _ => "unset",
            },
            read_only: from_config,
            api_url: cfg.tmdb.api_url.clone(),
            message: from_config.then_some(CONFIG_MESSAGE),
        }
    }

    /// Stores a new key (an empty one removes it) and applies it to the next TMDB call;
    /// `********` keeps the current one.
    pub async fn set_tmdb_key(&self, key: &str) -> Result<TmdbSettings, ServiceError> {
        let _one = self.inner.write.lock().await;
        if self.tmdb_settings().read_only {
            return Err(ServiceError::Conflict {
                code: "provider_read_only",
                message: format!("TMDB API key: {CONFIG_MESSAGE}"),
            });
        }
        let key = key.trim();
        if key == SECRET_PLACEHOLDER {
            if self.inner.db.read().tmdb_key.is_none() {
                return Err(invalid(
                    "apiKey",
                    "is the secret placeholder '********'; send the real value",
                ));
            }
            return Ok(self.tmdb_settings());
        }
        if key.chars().any(char::is_whitespace) {
            return Err(invalid("apiKey", "must not contain spaces"));
        }
        let row = self.inner.db.read().tmdb_row;
        let store = &self.inner.store;
        let row = match (row, key.is_empty()) {
            (Some(id), true) => {
                store.delete_provider(KIND, id).await?;
                None
            }
            (None, true) => None,
            (Some(id), false) => {
                let p = crate::store::StoredProvider {
                    id,
                    kind: KIND.into(),
                    name: NAME.into(),
                    data: json!({"apiKey": key}),
                };
                store.update_provider(&p).await?;
                Some(id)
            }
            (None, false) => Some(
                store
                    .add_provider(KIND, NAME, &json!({"apiKey": key}))
                    .await?
                    .id,
            ),
        };
        {
            let mut db = self.inner.db.write();
            db.tmdb_row = row;
            db.tmdb_key = (!key.is_empty()).then(|| Secret::new(key));
        }
        self.apply(&self.inner.config.get());
        tracing::info!(
            set = !key.is_empty(),
            "TMDB API key changed through the API"
        );
        Ok(self.tmdb_settings())
    }
}
