//! Checks a request body against a schema of reelarr's own OpenAPI document, so that a field the
//! server stores, ignores or answers with Radarr's default still has the type and range the
//! document promises (Schemathesis found `"movieFolderFormat": [..]` and `"weight": 2^31`
//! accepted). Covers what the document uses for bodies: `$ref`, `type`, `nullable`, `enum`,
//! `minimum`/`maximum` (int32 bounds from `format`), `minLength`/`maxLength`, `required`,
//! `properties`, `additionalProperties: false` and `items`. A failure is a 400 naming the field.

use super::error::ApiError;
use super::openapi::DOCUMENT;
use once_cell::sync::Lazy;
use serde_json::Value;

static DOC: Lazy<Value> = Lazy::new(|| serde_json::from_str(DOCUMENT).unwrap_or_default());

/// Checks `body` against `#/components/schemas/<schema>`; an unknown schema name checks nothing.
pub fn check(schema: &str, body: &Value) -> Result<(), ApiError> {
    let s = &DOC["components"]["schemas"][schema];
    check_value(s, body, "").map_err(|(field, msg)| {
        let field = if field.is_empty() {
            "body".to_string()
        } else {
            field
        };
        ApiError::bad_request("invalid_body", format!("{field}: {msg}")).with("field", field)
    })
}

/// Checks a list of items, each against `#/components/schemas/<schema>`.
pub fn check_list(schema: &str, body: &Value) -> Result<(), ApiError> {
    let list = serde_json::json!({"type": "array", "items": {"$ref": format!("#/components/schemas/{schema}")}});
    check_value(&list, body, "").map_err(|(field, msg)| {
        let field = if field.is_empty() {
            "body".to_string()
        } else {
            field
        };
        ApiError::bad_request("invalid_body", format!("{field}: {msg}")).with("field", field)
    })
}

type Fail = (String, String);

fn resolve(schema: &Value) -> &Value {
    match schema["$ref"]
        .as_str()
        .and_then(|r| r.strip_prefix("#/components/schemas/"))
    {
        Some(name) => &DOC["components"]["schemas"][name],
        None => schema,
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

fn check_value(schema: &Value, v: &Value, path: &str) -> Result<(), Fail> {
    let s = resolve(schema);
    let fail = |msg: String| Err((path.to_string(), msg));
    if v.is_null() {
        return if s["nullable"] == true || s.get("type").is_none() {
            Ok(())
        } else {
            fail("must not be null".into())
        };
    }
    if let Some(options) = s["enum"].as_array() {
        if !options.contains(v) {
            return fail(format!("must be one of {}", Value::Array(options.clone())));
        }
    }
    match s["type"].as_str() {
        Some("object") => check_object(s, v, path),
        Some("array") => {
            let Some(items) = v.as_array() else {
                return fail("must be an array".into());
            };
            for (i, item) in items.iter().enumerate() {
                check_value(&s["items"], item, &format!("{path}[{i}]"))?;
            }
            Ok(())
        }
        Some("string") => {
            let Some(text) = v.as_str() else {
                return fail("must be a string".into());
            };
            let n = text.chars().count() as u64;
            if s["minLength"].as_u64().is_some_and(|m| n < m) {
                return fail(format!("must be at least {} characters", s["minLength"]));
            }
            if s["maxLength"].as_u64().is_some_and(|m| n > m) {
                return fail(format!("must be at most {} characters", s["maxLength"]));
            }
            Ok(())
        }
        Some("integer") => {
            let Some(n) = v.as_i64() else {
                return fail("must be an integer".into());
            };
            let (lo, hi) = if s["format"] == "int32" {
                (i64::from(i32::MIN), i64::from(i32::MAX))
            } else {
                (i64::MIN, i64::MAX)
            };
            let lo = s["minimum"].as_i64().map_or(lo, |m| m.max(lo));
            let hi = s["maximum"].as_i64().map_or(hi, |m| m.min(hi));
            if n < lo || n > hi {
                return fail(format!("must be between {lo} and {hi}, got {n}"));
            }
            Ok(())
        }
        Some("number") => {
            let Some(n) = v.as_f64() else {
                return fail("must be a number".into());
            };
            if s["minimum"].as_f64().is_some_and(|m| n < m)
                || s["maximum"].as_f64().is_some_and(|m| n > m)
            {
                return fail(format!(
                    "must be between {} and {}, got {n}",
                    s["minimum"], s["maximum"]
                ));
            }
            Ok(())
        }
        Some("boolean") if !v.is_boolean() => fail("must be true or false".into()),
        _ => Ok(()),
    }
}

fn check_object(s: &Value, v: &Value, path: &str) -> Result<(), Fail> {
    let Some(obj) = v.as_object() else {
        return Err((path.to_string(), "must be a JSON object".into()));
    };
    for name in s["required"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
    {
        if !obj.contains_key(name) {
            return Err((join(path, name), "is required".into()));
        }
    }
    for (key, value) in obj {
        match s["properties"].get(key) {
            Some(prop) => check_value(prop, value, &join(path, key))?,
            None if s["additionalProperties"] == false => {
                return Err((join(path, key), "is not a known field".into()))
            }
            None => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn bodies_are_held_to_the_documented_types_and_ranges() {
        assert!(check("NamingConfig", &json!({"renameMovies": true, "extra": [1]})).is_ok());
        let e = check("NamingConfig", &json!({"movieFolderFormat": [1]})).unwrap_err();
        assert_eq!(e.extra["field"], "movieFolderFormat");
        assert!(check("NamingConfig", &json!(false)).is_err());
        assert!(check("NamingConfig", &json!([null])).is_err());
        let e = check("QualityDefinition", &json!({"weight": 2_147_483_648_i64})).unwrap_err();
        assert_eq!(e.extra["field"], "weight");
        let e = check_list("QualityDefinition", &json!([{"id": 1}, {"minSize": "x"}])).unwrap_err();
        assert_eq!(e.extra["field"], "[1].minSize");
        assert!(check(
            "QualityDefinition",
            &json!({"minSize": null, "quality": {"id": 3}})
        )
        .is_ok());
    }
}
