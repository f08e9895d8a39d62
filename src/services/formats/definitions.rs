//! Quality definitions (`/api/v3/qualitydefinition`): Radarr's ids, titles and per-quality size
//! limits in MB per minute, stored as one row per quality and read by every size check.

use super::{FormatsService, Result};
use crate::domain::size_limits::{QualitySize, SizeLimits, MAX_RATE};
use crate::services::ServiceError;
use crate::store::StoredDefinition;
use serde_json::{json, Value};

/// One definition as the API shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Definition {
    /// Radarr's definition id (see [`SizeLimits::definition_id`]).
    pub id: u32,
    /// Display title (the quality's name unless renamed).
    pub title: String,
    /// The limits.
    pub size: QualitySize,
}

/// A JSON number or null, written as an integer when it is one (as Radarr writes it).
fn num(v: Option<f64>) -> Value {
    match v {
        Some(x) if x.fract() == 0.0 && x.abs() < 1e15 => json!(x as i64),
        Some(x) => json!(x),
        None => Value::Null,
    }
}

impl Definition {
    /// Radarr's `QualityDefinitionResource`.
    pub fn resource(&self) -> Value {
        json!({
            "id": self.id,
            "quality": self.size.quality,
            "title": self.title,
            "weight": self.size.quality.rank(),
            "minSize": num(Some(self.size.min)),
            "maxSize": num(self.size.max),
            "preferredSize": num(self.size.preferred),
        })
    }

    fn stored(&self) -> StoredDefinition {
        StoredDefinition {
            quality_id: i64::from(self.size.quality.id),
            data: json!({
                "title": self.title,
                "minSize": self.size.min,
                "maxSize": self.size.max,
                "preferredSize": self.size.preferred,
            }),
        }
    }
}

/// Every definition: Radarr's defaults with the stored rows over them, in id order.
pub(super) fn from_rows(rows: &[StoredDefinition]) -> Vec<Definition> {
    SizeLimits::radarr_defaults()
        .entries()
        .iter()
        .map(|d| {
            let id = SizeLimits::definition_id(d.quality.id).unwrap_or(0);
            let row = rows
                .iter()
                .find(|r| r.quality_id == i64::from(d.quality.id));
            let f = |k: &str| row.and_then(|r| r.data.get(k)).and_then(Value::as_f64);
            Definition {
                id,
                title: row
                    .and_then(|r| r.data.get("title"))
                    .and_then(Value::as_str)
                    .unwrap_or(d.quality.name)
                    .to_string(),
                size: match row {
                    Some(_) => QualitySize {
                        quality: d.quality,
                        min: f("minSize").unwrap_or(0.0),
                        preferred: f("preferredSize"),
                        max: f("maxSize"),
                    },
                    None => *d,
                },
            }
        })
        .collect()
}

fn invalid(field: &str, message: impl Into<String>) -> ServiceError {
    let message = format!("{field}: {}", message.into());
    ServiceError::invalid("invalid_quality_definition", message)
        .with("field", field)
        .with("propertyName", field)
}

/// Reads one `QualityDefinitionResource` over `current` (the definition with its id); the
/// quality, when given, must be the one the id stands for.
fn parse(body: &Value, current: &Definition, at: &str) -> Result<Definition> {
    let field = |k: &str| format!("{at}{k}");
    if let Some(qid) = body.pointer("/quality/id").and_then(Value::as_u64) {
        if qid != u64::from(current.size.quality.id) {
            return Err(invalid(
                &field("quality"),
                format!(
                    "definition {} is for quality {}",
                    current.id, current.size.quality.id
                ),
            ));
        }
    }
    let rate = |k: &str| -> Result<Option<f64>> {
        match body.get(k) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => v
                .as_f64()
                .filter(|x| x.is_finite() && (0.0..=MAX_RATE).contains(x))
                .map(Some)
                .ok_or_else(|| {
                    invalid(
                        &field(k),
                        format!("must be a number between 0 and {MAX_RATE}"),
                    )
                }),
        }
    };
    let size = QualitySize {
        quality: current.size.quality,
        min: rate("minSize")?.unwrap_or(0.0),
        preferred: rate("preferredSize")?,
        max: rate("maxSize")?,
    };
    if size.validate().is_err() {
        let k = match size.preferred {
            Some(p) if size.min > p => "preferredSize",
            _ => "maxSize",
        };
        return Err(invalid(
            &field(k),
            "minSize must not exceed preferredSize, nor preferredSize maxSize",
        ));
    }
    let title = match body.get("title") {
        Some(Value::String(t)) if !t.trim().is_empty() => t.trim().to_string(),
        Some(Value::Null) | None => current.title.clone(),
        Some(_) => return Err(invalid(&field("title"), "must be a non-empty string")),
    };
    Ok(Definition {
        id: current.id,
        title,
        size,
    })
}

impl FormatsService {
    /// Every quality definition, in Radarr's id order.
    pub async fn quality_definitions(&self) -> Result<Vec<Definition>> {
        Ok(from_rows(&self.store.quality_definitions().await?))
    }

    /// Definition `id`, or `NotFound`.
    pub async fn quality_definition(&self, id: i64) -> Result<Definition> {
        self.quality_definitions()
            .await?
            .into_iter()
            .find(|d| i64::from(d.id) == id)
            .ok_or_else(|| ServiceError::NotFound(format!("no quality definition {id}")))
    }

    /// Replaces definition `id` with `body`'s sizes and title.
    pub async fn update_quality_definition(&self, id: i64, body: &Value) -> Result<Definition> {
        let current = self.quality_definition(id).await?;
        let next = parse(body, &current, "")?;
        self.store.set_quality_definitions(&[next.stored()]).await?;
        Ok(next)
    }

    /// Replaces every definition `body` (a list) names by `id`, all or nothing: one invalid
    /// entry refuses the whole list. Answers the whole table afterwards.
    pub async fn update_quality_definitions(&self, body: &Value) -> Result<Vec<Definition>> {
        let list = body
            .as_array()
            .ok_or_else(|| invalid("body", "must be a list of quality definitions"))?;
        let all = self.quality_definitions().await?;
        let mut rows = Vec::with_capacity(list.len());
        for (i, item) in list.iter().enumerate() {
            let at = format!("[{i}].");
            let id = item
                .get("id")
                .and_then(Value::as_i64)
                .or_else(|| {
                    let qid = item.pointer("/quality/id")?.as_u64()?;
                    SizeLimits::definition_id(u32::try_from(qid).ok()?).map(i64::from)
                })
                .ok_or_else(|| invalid(&format!("{at}id"), "names no quality definition"))?;
            let current = all.iter().find(|d| i64::from(d.id) == id).ok_or_else(|| {
                invalid(&format!("{at}id"), format!("no quality definition {id}"))
            })?;
            rows.push(parse(item, current, &at)?.stored());
        }
        self.store.set_quality_definitions(&rows).await?;
        self.quality_definitions().await
    }
}
