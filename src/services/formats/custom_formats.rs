//! Custom formats (`/api/v3/customformat`): validated whole before anything is written, names
//! unique, and a deleted format leaves every profile's `formatItems` (as Radarr removes it).

use super::{load_formats, FormatsService, Result};
use crate::domain::custom_format::{CustomFormat, FormatError};
use crate::domain::profile::QualityProfile;
use crate::services::ServiceError;
use crate::store::StoredFormat;
use serde_json::Value;

fn invalid(e: FormatError) -> ServiceError {
    ServiceError::invalid("invalid_custom_format", e.to_string())
        .with("field", e.field.clone())
        .with("propertyName", e.field)
}

fn duplicate(name: &str) -> ServiceError {
    invalid(FormatError {
        field: "name".into(),
        message: format!("Must be unique: another custom format is named {name:?}"),
    })
}

fn not_found(id: i64) -> ServiceError {
    ServiceError::NotFound(format!("no custom format {id}"))
}

/// The stored JSON: the resource without its id (the row has it).
fn data(f: &CustomFormat) -> Value {
    let mut v = f.to_resource();
    if let Some(o) = v.as_object_mut() {
        o.remove("id");
    }
    v
}

impl FormatsService {
    /// Every custom format, in id order.
    pub async fn custom_formats(&self) -> Result<Vec<CustomFormat>> {
        Ok(load_formats(self.store.as_ref()).await?)
    }

    /// Format `id`, or `NotFound`.
    pub async fn custom_format(&self, id: i64) -> Result<CustomFormat> {
        self.custom_formats()
            .await?
            .into_iter()
            .find(|f| f.id == id)
            .ok_or_else(|| not_found(id))
    }

    /// Reads `body` and refuses a name another format (other than `id`) has.
    async fn checked(&self, body: &Value, id: i64) -> Result<CustomFormat> {
        let mut f = CustomFormat::from_resource(body).map_err(invalid)?;
        f.id = id;
        if self
            .custom_formats()
            .await?
            .iter()
            .any(|o| o.name == f.name && o.id != id)
        {
            return Err(duplicate(&f.name));
        }
        Ok(f)
    }

    /// Validates and stores a new format (a TRaSH-guide JSON is accepted as is).
    pub async fn add_custom_format(&self, body: &Value) -> Result<CustomFormat> {
        let mut f = self.checked(body, 0).await?;
        let stored = self
            .store
            .add_custom_format(&f.name, &data(&f))
            .await
            .map_err(|e| match ServiceError::from(e) {
                e if e.is_constraint() => duplicate(&f.name),
                e => e,
            })?;
        f.id = stored.id;
        Ok(f)
    }

    /// Validates and replaces format `id`.
    pub async fn update_custom_format(&self, id: i64, body: &Value) -> Result<CustomFormat> {
        self.custom_format(id).await?;
        let f = self.checked(body, id).await?;
        let row = StoredFormat {
            id,
            name: f.name.clone(),
            data: data(&f),
        };
        match self.store.update_custom_format(&row).await {
            Ok(true) => Ok(f),
            Ok(false) => Err(not_found(id)),
            Err(e) => Err(match ServiceError::from(e) {
                e if e.is_constraint() => duplicate(&f.name),
                e => e,
            }),
        }
    }

    /// Deletes format `id` and takes it out of every profile's `formatItems`. Profiles are
    /// also reconciled on every read, so a profile this pass could not rewrite (a database
    /// hiccup) never shows the deleted format either.
    pub async fn delete_custom_format(&self, id: i64) -> Result<()> {
        if !self.store.delete_custom_format(id).await? {
            return Err(not_found(id));
        }
        for mut p in self.store.profiles().await? {
            let Ok(mut profile) = serde_json::from_value::<QualityProfile>(p.data.clone()) else {
                continue;
            };
            let before = profile.format_items.len();
            profile.format_items.retain(|i| i64::from(i.format) != id);
            if profile.format_items.len() == before {
                continue;
            }
            p.data = serde_json::to_value(&profile).unwrap_or(p.data);
            if let Err(e) = self.store.update_profile(&p).await {
                tracing::warn!(profile = p.id, error = %e, "deleted custom format left in profile; hidden on read");
            }
        }
        Ok(())
    }
}
