//! Reading and writing Radarr's `CustomFormatResource` JSON. Reading accepts both shapes a user
//! has: the API's (`fields` as a list of `{name, value}` objects, what Radarr and recyclarr
//! send) and the export/TRaSH-guide one (`fields` as an object `{"value": ...}`); unknown keys
//! (`trash_id`, `trash_scores`, ...) are ignored. Every problem names the field it is about.

use super::spec::Implementation;
use super::{Condition, CustomFormat, Pattern, Specification};
use serde_json::{json, Map, Value};

/// Why a custom format cannot be saved: the JSON path of the offending field and a sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormatError {
    /// The field, e.g. `specifications[0].fields.value`.
    pub field: String,
    /// What is wrong with it.
    pub message: String,
}

impl std::fmt::Display for FormatError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

fn err(field: impl Into<String>, message: impl Into<String>) -> FormatError {
    FormatError {
        field: field.into(),
        message: message.into(),
    }
}

/// A field's value by name (case-insensitive) from either `fields` shape.
fn field_value<'a>(fields: &'a Value, name: &str) -> Option<&'a Value> {
    match fields {
        Value::Array(list) => list
            .iter()
            .find(|f| {
                f.get("name")
                    .and_then(Value::as_str)
                    .is_some_and(|n| n.eq_ignore_ascii_case(name))
            })
            .and_then(|f| f.get("value")),
        Value::Object(map) => map
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v),
        _ => None,
    }
    .filter(|v| !v.is_null())
}

/// A number given as a JSON number or a numeric string (Radarr's UI sends both).
fn number(v: &Value) -> Option<f64> {
    v.as_f64()
        .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
}

fn bool_of(v: Option<&Value>, field: &str) -> Result<bool, FormatError> {
    match v {
        None | Some(Value::Null) => Ok(false),
        Some(Value::Bool(b)) => Ok(*b),
        Some(_) => Err(err(field, "must be true or false")),
    }
}

fn condition(imp: Implementation, fields: &Value, at: &str) -> Result<Condition, FormatError> {
    let path = |name: &str| format!("{at}.fields.{name}");
    let regex = |name: &str| -> Result<Pattern, FormatError> {
        let raw = field_value(fields, name)
            .and_then(Value::as_str)
            .ok_or_else(|| err(path(name), "Regex Pattern must not be empty"))?;
        Pattern::new(raw).map_err(|m| err(path(name), m))
    };
    let select = |name: &str| -> Result<i64, FormatError> {
        let v = field_value(fields, name)
            .and_then(number)
            .filter(|n| n.fract() == 0.0)
            .map(|n| n as i64)
            .ok_or_else(|| err(path(name), "must be one of the listed values"))?;
        if v == 0 || !imp.options().iter().any(|(o, _)| *o == v) {
            return Err(err(
                path(name),
                format!("invalid {} condition value: {v}", imp.display()),
            ));
        }
        Ok(v)
    };
    Ok(match imp {
        Implementation::ReleaseTitle => Condition::ReleaseTitle(regex("value")?),
        Implementation::ReleaseGroup => Condition::ReleaseGroup(regex("value")?),
        Implementation::Edition => Condition::Edition(regex("value")?),
        Implementation::Source => Condition::Source(select("value")?),
        Implementation::Resolution => Condition::Resolution(select("value")?),
        Implementation::QualityModifier => Condition::QualityModifier(select("value")?),
        Implementation::IndexerFlag => Condition::IndexerFlag(select("value")?),
        Implementation::Language => Condition::Language {
            value: select("value")?,
            except: bool_of(
                field_value(fields, "exceptLanguage"),
                &path("exceptLanguage"),
            )?,
        },
        Implementation::Size => {
            let gb = |name: &str| {
                field_value(fields, name)
                    .and_then(number)
                    .filter(|n| n.is_finite())
                    .ok_or_else(|| err(path(name), "must be a number of GB"))
            };
            let (min, max) = (gb("min")?, gb("max")?);
            if min < 0.0 {
                return Err(err(path("min"), "must be greater than or equal to 0"));
            }
            if max <= min {
                return Err(err(path("max"), "must be greater than the minimum size"));
            }
            Condition::Size { min, max }
        }
    })
}

fn specification(v: &Value, i: usize) -> Result<Specification, FormatError> {
    let at = format!("specifications[{i}]");
    let name = v
        .get("name")
        .and_then(Value::as_str)
        .filter(|n| !n.trim().is_empty())
        .ok_or_else(|| {
            err(
                format!("{at}.name"),
                "Condition name(s) cannot be empty or consist of only spaces",
            )
        })?;
    let class = v
        .get("implementation")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let imp = Implementation::by_class(class).ok_or_else(|| {
        let known: Vec<&str> = super::spec::ALL.iter().map(|i| i.class()).collect();
        err(
            format!("{at}.implementation"),
            format!(
                "unknown implementation {class:?}; reelarr evaluates {}",
                known.join(", ")
            ),
        )
    })?;
    let fields = v.get("fields").unwrap_or(&Value::Null);
    Ok(Specification {
        name: name.to_string(),
        condition: condition(imp, fields, &at)?,
        negate: bool_of(v.get("negate"), &format!("{at}.negate"))?,
        required: bool_of(v.get("required"), &format!("{at}.required"))?,
    })
}

impl CustomFormat {
    /// Reads a `CustomFormatResource` (either `fields` shape), checking it the way Radarr's
    /// validators do; the id is taken from the JSON (0 when absent). Name uniqueness is the
    /// caller's (it needs the other formats).
    pub fn from_resource(v: &Value) -> Result<CustomFormat, FormatError> {
        if !v.is_object() {
            return Err(err("body", "a custom format must be a JSON object"));
        }
        let name = v
            .get("name")
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .ok_or_else(|| err("name", "must not be empty"))?;
        let specs = match v.get("specifications") {
            Some(Value::Array(list)) if !list.is_empty() => list,
            _ => return Err(err("specifications", "Must contain at least one Condition")),
        };
        Ok(CustomFormat {
            id: v.get("id").and_then(Value::as_i64).unwrap_or(0),
            name: name.to_string(),
            include_when_renaming: bool_of(
                v.get("includeCustomFormatWhenRenaming"),
                "includeCustomFormatWhenRenaming",
            )?,
            specifications: specs
                .iter()
                .enumerate()
                .map(|(i, s)| specification(s, i))
                .collect::<Result<_, _>>()?,
        })
    }

    /// Radarr's `CustomFormatResource` with full `Field` objects.
    pub fn to_resource(&self) -> Value {
        json!({
            "id": self.id,
            "name": self.name,
            "includeCustomFormatWhenRenaming": self.include_when_renaming,
            "specifications": self.specifications.iter().map(Specification::to_resource).collect::<Vec<_>>(),
        })
    }
}

impl Specification {
    fn values(&self) -> Vec<(&'static str, Value)> {
        match &self.condition {
            Condition::ReleaseTitle(p) | Condition::ReleaseGroup(p) | Condition::Edition(p) => {
                vec![("value", json!(p.raw))]
            }
            Condition::Source(v)
            | Condition::Resolution(v)
            | Condition::QualityModifier(v)
            | Condition::IndexerFlag(v) => vec![("value", json!(v))],
            Condition::Language { value, except } => {
                vec![("value", json!(value)), ("exceptLanguage", json!(except))]
            }
            Condition::Size { min, max } => vec![("min", num(*min)), ("max", num(*max))],
        }
    }

    /// `CustomFormatSpecificationSchema` for this condition.
    fn to_resource(&self) -> Value {
        let imp = self.condition.implementation();
        json!({
            "name": self.name,
            "implementation": imp.class(),
            "implementationName": imp.display(),
            "infoLink": imp.info_link(),
            "negate": self.negate,
            "required": self.required,
            "fields": imp.field_objects(&self.values()),
        })
    }
}

/// The export shape of a resource (what Radarr's UI "Export" and the TRaSH guides write):
/// `fields` as `{name: value}`, without the schema decoration. Used to compare round trips.
pub fn export_shape(resource: &Value) -> Value {
    let mut out = Map::new();
    for key in ["name", "includeCustomFormatWhenRenaming"] {
        if let Some(v) = resource.get(key) {
            out.insert(key.into(), v.clone());
        }
    }
    let specs: Vec<Value> = resource
        .get("specifications")
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .map(|s| {
                    let fields: Map<String, Value> = match s.get("fields") {
                        Some(Value::Array(fs)) => fs
                            .iter()
                            .filter_map(|f| {
                                Some((
                                    f.get("name")?.as_str()?.to_string(),
                                    f.get("value")?.clone(),
                                ))
                            })
                            .collect(),
                        Some(Value::Object(m)) => m.clone(),
                        _ => Map::new(),
                    };
                    json!({
                        "name": s.get("name"),
                        "implementation": s.get("implementation"),
                        "negate": s.get("negate").cloned().unwrap_or(json!(false)),
                        "required": s.get("required").cloned().unwrap_or(json!(false)),
                        "fields": fields,
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    out.insert("specifications".into(), Value::Array(specs));
    Value::Object(out)
}

/// A JSON number that stays an integer when it is one (`1`, not `1.0`), as Radarr writes it.
pub(crate) fn num(v: f64) -> Value {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        json!(v as i64)
    } else {
        json!(v)
    }
}
