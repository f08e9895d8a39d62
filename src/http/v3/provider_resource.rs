//! Radarr's provider resources (`IndexerResource`, `DownloadClientResource`) from the providers
//! service's values: the implementation's names, every field as Radarr's `Field` (secrets come
//! masked from the service), and a `message` on config-file providers saying they are
//! read-only there.

use serde_json::{json, Map, Value};

use crate::services::providers::spec::options_json;
use crate::services::providers::{
    Failure, FieldSpec, Provider, ProviderKind, Source, CONFIG_MESSAGE,
};

/// One Radarr `Field`.
fn field_json(order: usize, f: &FieldSpec, value: Option<&Value>) -> Value {
    let mut m = Map::new();
    m.insert("order".into(), json!(order));
    m.insert("name".into(), json!(f.name));
    m.insert("label".into(), json!(f.label));
    if !f.help.is_empty() {
        m.insert("helpText".into(), json!(f.help));
    }
    m.insert(
        "value".into(),
        value.cloned().unwrap_or_else(|| f.default_value()),
    );
    m.insert("type".into(), json!(f.field_type));
    m.insert("advanced".into(), json!(f.advanced));
    if let Some(options) = options_json(f) {
        m.insert("selectOptions".into(), options);
    }
    m.insert("privacy".into(), json!(f.privacy.as_str()));
    m.insert(
        "isFloat".into(),
        json!(f.kind == crate::services::providers::spec::ValueKind::Float),
    );
    Value::Object(m)
}

/// The provider as Radarr's resource of `kind`.
pub fn resource(kind: ProviderKind, p: &Provider) -> Value {
    let Some(spec) = p.spec(kind) else {
        return json!({"id": p.id, "name": p.name, "implementation": p.implementation});
    };
    let fields: Vec<Value> = spec
        .fields
        .iter()
        .enumerate()
        .map(|(i, f)| field_json(i, f, p.fields.get(f.name)))
        .collect();
    let mut v = json!({
        "id": p.id,
        "name": p.name,
        "fields": fields,
        "implementationName": spec.implementation_name,
        "implementation": spec.implementation,
        "configContract": spec.config_contract,
        "infoLink": spec.info_link,
        "tags": p.tags,
    });
    let o = v.as_object_mut().expect("an object");
    if kind != ProviderKind::Notification {
        o.insert("protocol".into(), json!(spec.protocol));
        o.insert("priority".into(), json!(p.priority));
    }
    if p.source == Source::Config {
        o.insert(
            "message".into(),
            json!({"message": CONFIG_MESSAGE, "type": "info"}),
        );
    }
    match kind {
        ProviderKind::Indexer => {
            o.insert("enableRss".into(), json!(p.enable_rss));
            o.insert(
                "enableAutomaticSearch".into(),
                json!(p.enable_automatic_search),
            );
            o.insert(
                "enableInteractiveSearch".into(),
                json!(p.enable_interactive_search),
            );
            // reelarr searches indexers; it keeps no RSS feed sync.
            o.insert("supportsRss".into(), json!(false));
            o.insert("supportsSearch".into(), json!(true));
            o.insert("downloadClientId".into(), json!(p.download_client_id));
        }
        ProviderKind::DownloadClient => {
            o.insert("enable".into(), json!(p.enable));
            o.insert("removeCompletedDownloads".into(), json!(false));
            o.insert("removeFailedDownloads".into(), json!(false));
        }
        ProviderKind::Notification => {
            o.insert("link".into(), json!(spec.info_link));
            o.insert("presets".into(), json!([]));
            for (name, on, supported) in p.triggers.flags() {
                o.insert(name.into(), json!(on));
                if let Some(event) = name.strip_prefix("on") {
                    o.insert(format!("supportsOn{event}"), json!(supported));
                }
            }
        }
    }
    v
}

/// Radarr's `ValidationFailure` list.
pub fn failures(list: &[Failure]) -> Value {
    serde_json::to_value(list).unwrap_or_else(|_| json!([]))
}
