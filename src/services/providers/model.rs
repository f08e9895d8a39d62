//! A provider (indexer or download client) as the service keeps it, what a client sends to add
//! or change one, and the checks that turn the latter into the former: every field of the
//! implementation present and of its type, secrets never echoed (`********`), and a bad value
//! refused naming its field before anything is saved.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::spec::{self, FieldSpec, ImplSpec, ProviderKind, ValueKind};
use super::triggers::{Triggers, TriggersInput};
use crate::services::ServiceError;

/// What Radarr answers instead of a secret, and what a client sends back to keep it.
pub const SECRET_PLACEHOLDER: &str = "********";

/// Where a provider's settings live.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// Added through the API; stored in the database.
    Database,
    /// From the config file or the environment; read-only through the API.
    Config,
}

/// One indexer or download client.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Provider {
    #[serde(skip)]
    pub id: i64,
    pub name: String,
    pub implementation: String,
    /// Download clients: in use at all.
    pub enable: bool,
    pub enable_rss: bool,
    pub enable_automatic_search: bool,
    pub enable_interactive_search: bool,
    /// 1 (first) to 50 (last), as in Radarr.
    pub priority: i32,
    pub download_client_id: i64,
    pub tags: Vec<i64>,
    /// Field values by name, secrets included (never sent out: see [`Provider::masked`]).
    pub fields: BTreeMap<String, Value>,
    /// Notifications: the events they are sent (none for the other kinds).
    #[serde(default, skip_serializing_if = "Triggers::is_off")]
    pub triggers: Triggers,
    #[serde(skip, default = "database")]
    pub source: Source,
}

fn database() -> Source {
    Source::Database
}

impl Provider {
    /// The implementation's spec (providers are only built for known implementations).
    pub fn spec(&self, kind: ProviderKind) -> Option<&'static ImplSpec> {
        spec::find(kind, &self.implementation)
    }

    /// A text field's value ("" when unset).
    pub fn text(&self, name: &str) -> String {
        match self.fields.get(name) {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Number(n)) => n.to_string(),
            _ => String::new(),
        }
    }

    /// An integer field's value.
    pub fn int(&self, name: &str) -> Option<i64> {
        self.fields.get(name).and_then(Value::as_i64)
    }

    /// A boolean field's value (false when unset).
    pub fn flag(&self, name: &str) -> bool {
        self.fields
            .get(name)
            .and_then(Value::as_bool)
            .unwrap_or(false)
    }

    /// Used by searches: enabled for automatic or interactive search.
    pub fn searches(&self) -> bool {
        self.enable_automatic_search || self.enable_interactive_search
    }

    /// Whether it is used at all (tested on save, by `testall`): a notification with a
    /// trigger, another provider enabled for anything.
    pub fn in_use(&self, kind: ProviderKind) -> bool {
        match kind {
            ProviderKind::Notification => self
                .triggers
                .flags()
                .iter()
                .any(|(n, on, _)| *on && n.starts_with("on")),
            _ => self.enable || self.searches() || self.enable_rss,
        }
    }

    /// A copy safe to send out: every non-empty secret is `********`.
    pub fn masked(&self, kind: ProviderKind) -> Provider {
        let mut p = self.clone();
        if let Some(spec) = self.spec(kind) {
            for f in spec.fields.iter().filter(|f| f.privacy.is_secret()) {
                if let Some(v) = p.fields.get_mut(f.name) {
                    if v.as_str().is_some_and(|s| !s.is_empty()) {
                        *v = Value::String(SECRET_PLACEHOLDER.into());
                    }
                }
            }
        }
        p
    }
}

/// What a client sends to add, change or test a provider (Radarr's resource; anything else in
/// the body, such as `implementationName` or `infoLink`, is ignored as Radarr ignores it).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProviderInput {
    #[serde(default)]
    pub id: Option<i64>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub implementation: Option<String>,
    #[serde(default)]
    pub enable: Option<bool>,
    #[serde(default)]
    pub enable_rss: Option<bool>,
    #[serde(default)]
    pub enable_automatic_search: Option<bool>,
    #[serde(default)]
    pub enable_interactive_search: Option<bool>,
    #[serde(default)]
    pub priority: Option<i32>,
    #[serde(default)]
    pub download_client_id: Option<i64>,
    #[serde(default)]
    pub tags: Option<Vec<i64>>,
    #[serde(default)]
    pub fields: Vec<FieldInput>,
    /// Notifications' `onGrab`, `onDownload`, ... flags.
    #[serde(flatten)]
    pub triggers: TriggersInput,
}

/// One `{name, value}` of the input's `fields`.
#[derive(Clone, Debug, Deserialize)]
pub struct FieldInput {
    pub name: String,
    #[serde(default)]
    pub value: Value,
}

/// A 400 naming `field` (Radarr's `propertyName`).
pub fn invalid(field: &str, message: impl Into<String>) -> ServiceError {
    let message = message.into();
    ServiceError::invalid("validation_failed", format!("{field}: {message}"))
        .with("field", field)
        .with(
            "failures",
            serde_json::json!([{
                "propertyName": field,
                "errorMessage": message,
                "severity": "error",
            }]),
        )
}

/// Builds the provider `input` describes. `stored` is the provider being changed (its secrets
/// are kept where the input sends `********`); without one, `********` is refused.
pub fn build(
    kind: ProviderKind,
    input: &ProviderInput,
    stored: Option<&Provider>,
) -> Result<Provider, ServiceError> {
    let name = input.name.as_deref().unwrap_or("").trim().to_string();
    if name.is_empty() {
        return Err(invalid("name", "must not be empty"));
    }
    let implementation = input
        .implementation
        .as_deref()
        .ok_or_else(|| invalid("implementation", "must be given"))?;
    let spec = spec::find(kind, implementation).ok_or_else(|| {
        let known: Vec<&str> = spec::of_kind(kind)
            .filter(|s| !s.schema_only)
            .map(|s| s.implementation)
            .collect();
        invalid(
            "implementation",
            format!(
                "unknown {} implementation '{implementation}' (known: {})",
                kind.label(),
                known.join(", ")
            ),
        )
    })?;
    if spec.schema_only {
        return Err(invalid(
            "implementation",
            format!(
                "{} ({}) is not supported: reelarr downloads torrents only",
                spec.implementation, spec.protocol
            ),
        ));
    }
    if let Some(old) = stored {
        if !old.implementation.eq_ignore_ascii_case(spec.implementation) {
            return Err(invalid(
                "implementation",
                "cannot be changed; delete and add the provider instead",
            ));
        }
    }
    let priority = input
        .priority
        .or(stored.map(|s| s.priority))
        .unwrap_or(match kind {
            ProviderKind::Indexer | ProviderKind::Notification => 25,
            ProviderKind::DownloadClient => 1,
        });
    if !(1..=50).contains(&priority) {
        return Err(invalid("priority", "must be between 1 and 50"));
    }
    let given: Map<String, Value> = input
        .fields
        .iter()
        .map(|f| (f.name.clone(), f.value.clone()))
        .collect();
    let mut fields = BTreeMap::new();
    for f in spec.fields {
        let value = match given.get(f.name) {
            Some(v) if v.as_str() == Some(SECRET_PLACEHOLDER) && f.privacy.is_secret() => {
                match stored.and_then(|s| s.fields.get(f.name)) {
                    Some(old) => old.clone(),
                    None => {
                        return Err(invalid(
                            f.name,
                            "is the secret placeholder '********'; send the real value",
                        ))
                    }
                }
            }
            Some(v) => check(f, v)?,
            None => stored
                .and_then(|s| s.fields.get(f.name).cloned())
                .unwrap_or_else(|| f.default_value()),
        };
        if f.required && is_blank(&value) {
            return Err(invalid(f.name, "must not be empty"));
        }
        fields.insert(f.name.to_string(), value);
    }
    if spec.implementation == "Torznab" && fields.get("categories").is_some_and(is_blank) {
        return Err(invalid("categories", "'Categories' must be provided"));
    }
    let old = |get: fn(&Provider) -> bool| stored.map(get).unwrap_or(true);
    Ok(Provider {
        id: stored.map(|s| s.id).unwrap_or(0),
        name,
        implementation: spec.implementation.to_string(),
        enable: input.enable.unwrap_or(old(|p| p.enable)),
        enable_rss: input.enable_rss.unwrap_or(old(|p| p.enable_rss)),
        enable_automatic_search: input
            .enable_automatic_search
            .unwrap_or(old(|p| p.enable_automatic_search)),
        enable_interactive_search: input
            .enable_interactive_search
            .unwrap_or(old(|p| p.enable_interactive_search)),
        priority,
        download_client_id: input
            .download_client_id
            .or(stored.map(|s| s.download_client_id))
            .unwrap_or(0),
        tags: input
            .tags
            .clone()
            .or(stored.map(|s| s.tags.clone()))
            .unwrap_or_default(),
        fields,
        triggers: stored
            .map(|s| s.triggers.clone())
            .unwrap_or_default()
            .merged(&input.triggers),
        source: Source::Database,
    })
}

fn is_blank(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => s.trim().is_empty(),
        Value::Array(a) => a.is_empty(),
        _ => false,
    }
}

/// Checks one value against its field and returns it in its canonical JSON type.
fn check(f: &FieldSpec, v: &Value) -> Result<Value, ServiceError> {
    let bad = |what: &str| invalid(f.name, format!("must be {what}"));
    if v.is_null() {
        return Ok(match f.kind {
            ValueKind::IntList | ValueKind::UrlList => Value::Array(vec![]),
            _ => f.default_value(),
        });
    }
    let as_text = || match v {
        Value::String(s) => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    };
    Ok(match f.kind {
        ValueKind::Text => Value::String(as_text().ok_or_else(|| bad("text"))?),
        ValueKind::Url => {
            let s = as_text().ok_or_else(|| bad("a URL"))?;
            if !s.is_empty() && !is_http_url(&s) {
                return Err(bad("an absolute http:// or https:// URL"));
            }
            Value::String(s)
        }
        ValueKind::Host => {
            let s = as_text().ok_or_else(|| bad("a host name"))?;
            if s.contains("://") || s.contains('/') || s.chars().any(char::is_whitespace) {
                return Err(bad("a host name or address, without scheme or path"));
            }
            Value::String(s)
        }
        ValueKind::Int | ValueKind::Port => {
            let n = as_text()
                .and_then(|s| s.parse::<i64>().ok())
                .ok_or_else(|| bad("a whole number"))?;
            if f.kind == ValueKind::Port && !(1..=65535).contains(&n) {
                return Err(bad("a port between 1 and 65535"));
            }
            if !f.options.is_empty() && !f.options.iter().any(|(o, _)| *o == n) {
                return Err(bad("one of the listed options"));
            }
            Value::from(n)
        }
        ValueKind::Float => {
            let n = as_text()
                .filter(|s| !s.is_empty())
                .map(|s| s.parse::<f64>().map_err(|_| bad("a number")))
                .transpose()?;
            n.map(Value::from).unwrap_or(Value::Null)
        }
        ValueKind::Bool => match v {
            Value::Bool(b) => Value::Bool(*b),
            Value::String(s) if s == "true" || s == "false" => Value::Bool(s == "true"),
            _ => return Err(bad("true or false")),
        },
        ValueKind::IntList => {
            let items: Vec<Value> = match v {
                Value::Array(a) => a.clone(),
                Value::String(s) => s
                    .split(',')
                    .map(str::trim)
                    .filter(|p| !p.is_empty())
                    .map(|p| Value::String(p.into()))
                    .collect(),
                _ => return Err(bad("a list of numbers")),
            };
            let nums: Option<Vec<i64>> = items
                .iter()
                .map(|i| match i {
                    Value::Number(n) => n.as_i64(),
                    Value::String(s) => s.trim().parse().ok(),
                    _ => None,
                })
                .collect();
            Value::from(nums.ok_or_else(|| bad("a list of numbers"))?)
        }
        ValueKind::UrlList => {
            let items: Vec<String> = match v {
                Value::Array(a) => a
                    .iter()
                    .map(|i| i.as_str().map(|s| s.trim().to_string()))
                    .collect::<Option<_>>()
                    .ok_or_else(|| bad("a list of URLs"))?,
                Value::String(s) => s.split([',', ' ']).map(|p| p.trim().to_string()).collect(),
                _ => return Err(bad("a list of URLs")),
            };
            let items: Vec<String> = items.into_iter().filter(|u| !u.is_empty()).collect();
            if !items.iter().all(|u| is_http_url(u)) {
                return Err(bad("a list of absolute http:// or https:// URLs"));
            }
            Value::from(items)
        }
    })
}

/// `http(s)://host[...]` with a non-empty host and no whitespace.
pub fn is_http_url(s: &str) -> bool {
    let rest = s
        .strip_prefix("http://")
        .or_else(|| s.strip_prefix("https://"));
    match rest {
        Some(r) => {
            let host = r.split(['/', '?', '#']).next().unwrap_or("");
            !host.is_empty() && !s.chars().any(char::is_whitespace)
        }
        None => false,
    }
}

#[cfg(test)]
mod tests;
