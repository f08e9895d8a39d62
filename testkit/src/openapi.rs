//! A small checker of JSON responses against Radarr's OpenAPI schemas (field names and JSON types).
//! Reads `../shared/reference/radarr-openapi.json` beside the checkout (the repository root is
//! this crate's parent folder); never copied into the repo.

use serde_json::Value;

/// Radarr's document, if the shared folder is present (it is in CI).
pub fn radarr_doc() -> Option<Value> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/reference/radarr-openapi.json");
    let text = std::fs::read_to_string(&path).ok()?;
    serde_json::from_str(&text).ok()
}

fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => {
            let name = r.rsplit('/').next().unwrap();
            &doc["components"]["schemas"][name]
        }
        None => schema,
    }
}

/// Checks `value` against the named component schema; returns every mismatch as `path: problem`.
/// Fields we send that Radarr lacks are reported too unless `allow_extra`.
pub fn check(doc: &Value, schema_name: &str, value: &Value, allow_extra: bool) -> Vec<String> {
    let mut problems = Vec::new();
    let schema = &doc["components"]["schemas"][schema_name];
    assert!(!schema.is_null(), "no schema {schema_name}");
    walk(doc, schema, value, schema_name, allow_extra, &mut problems);
    problems
}

fn walk(
    doc: &Value,
    schema: &Value,
    v: &Value,
    path: &str,
    allow_extra: bool,
    out: &mut Vec<String>,
) {
    let schema = resolve(doc, schema);
    if v.is_null() {
        return; // Radarr marks most fields nullable.
    }
    if let Some(all) = schema.get("allOf").and_then(Value::as_array) {
        for s in all {
            walk(doc, s, v, path, allow_extra, out);
        }
        return;
    }
    if let Some(en) = schema.get("enum").and_then(Value::as_array) {
        if !en.contains(v) {
            out.push(format!("{path}: {v} not in enum {en:?}"));
        }
        return;
    }
    let ty = schema.get("type").and_then(Value::as_str);
    let ok = match ty {
        Some("integer") => v.is_i64() || v.is_u64(),
        Some("number") => v.is_number(),
        Some("string") => v.is_string(),
        Some("boolean") => v.is_boolean(),
        Some("array") => v.is_array(),
        Some("object") | None => v.is_object() || schema.get("properties").is_none(),
        Some(_) => true,
    };
    if !ok {
        out.push(format!(
            "{path}: expected {}, got {v}",
            ty.unwrap_or("object")
        ));
        return;
    }
    if let (Some(items), Some(arr)) = (schema.get("items"), v.as_array()) {
        for (i, x) in arr.iter().enumerate() {
            walk(doc, items, x, &format!("{path}[{i}]"), allow_extra, out);
        }
    }
    if let (Some(props), Some(obj)) = (
        schema.get("properties").and_then(Value::as_object),
        v.as_object(),
    ) {
        for (k, x) in obj {
            match props.get(k) {
                Some(s) => walk(doc, s, x, &format!("{path}.{k}"), allow_extra, out),
                None if !allow_extra => out.push(format!("{path}.{k}: not a Radarr field")),
                None => {}
            }
        }
    }
}

/// Asserts `v` matches Radarr's schema `name`; without the document (outside CI) says so loudly
/// and skips, and under `REELARR_REQUIRE_REAL_SERVICES=1` fails.
pub fn assert_schema(name: &str, v: &Value) {
    match radarr_doc() {
        Some(doc) => {
            let problems = check(&doc, name, v, false);
            assert!(problems.is_empty(), "{name}: {problems:#?}\n{v}");
        }
        None => {
            assert!(
                !crate::app::require_real_services(),
                "../shared/reference/radarr-openapi.json is required in CI"
            );
            eprintln!("*** SKIPPED schema validation of {name}: no Radarr OpenAPI document ***");
        }
    }
}
