//! Quality definitions, custom formats and the Radarr settings reelarr honours (naming, media
//! management, host): what may be stored (validated here, every problem naming its field) and
//! what the decision engine reads live on every search.

mod custom_formats;
mod definitions;
mod naming;
pub mod profiles;

pub use definitions::Definition;

use crate::config::LiveConfig;
use crate::domain::custom_format::CustomFormat;
use crate::domain::size_limits::SizeLimits;
use crate::services::ServiceError;
use crate::store::{Store, StoreError, StoredFormat};
use std::sync::Arc;

type Result<T> = std::result::Result<T, ServiceError>;

/// The formats service; cheap to clone.
#[derive(Clone)]
pub struct FormatsService {
    store: Arc<dyn Store>,
    config: LiveConfig,
}

impl FormatsService {
    /// Wires the store (behind the database breaker) and the live config (naming settings).
    pub fn new(store: Arc<dyn Store>, config: LiveConfig) -> Self {
        FormatsService { store, config }
    }
}

/// A stored format as the engine uses it; a row that no longer reads (written by a newer
/// reelarr, say) is skipped with a warning rather than failing every search.
fn parse_stored(f: &StoredFormat) -> Option<CustomFormat> {
    match CustomFormat::from_resource(&f.data) {
        Ok(mut cf) => {
            cf.id = f.id;
            cf.name = f.name.clone();
            Some(cf)
        }
        Err(e) => {
            tracing::warn!(id = f.id, name = %f.name, error = %e, "stored custom format is unreadable; ignored");
            None
        }
    }
}

/// Every stored custom format, parsed.
pub async fn load_formats(store: &dyn Store) -> std::result::Result<Vec<CustomFormat>, StoreError> {
    Ok(store
        .custom_formats()
        .await?
        .iter()
        .filter_map(parse_stored)
        .collect())
}

/// The live size table: stored quality definitions over Radarr's defaults.
pub async fn load_size_limits(store: &dyn Store) -> std::result::Result<SizeLimits, StoreError> {
    let rows = store.quality_definitions().await?;
    Ok(SizeLimits::from_entries(
        definitions::from_rows(&rows).into_iter().map(|d| d.size),
    ))
}
