use super::*;
use serde_json::json;

fn input(v: Value) -> ProviderInput {
    serde_json::from_value(v).unwrap()
}

fn torznab(fields: Value) -> ProviderInput {
    input(json!({"name": "prowlarr", "implementation": "Torznab", "fields": fields}))
}

fn field_of(e: &ServiceError) -> String {
    match e {
        ServiceError::Invalid { extra, .. } => extra["field"].as_str().unwrap().to_string(),
        other => panic!("not a 400: {other}"),
    }
}

#[test]
fn torznab_gets_every_field_with_defaults() {
    let p = build(
        ProviderKind::Indexer,
        &torznab(json!([{"name": "baseUrl", "value": "http://p:9696/1/"}, {"name": "apiKey", "value": "k"}])),
        None,
    )
    .unwrap();
    assert_eq!(p.text("apiPath"), "/api");
    assert_eq!(
        p.fields["categories"],
        json!([2000, 2010, 2020, 2030, 2040, 2045, 2050, 2060])
    );
    assert_eq!(p.priority, 25);
    assert!(p.enable_automatic_search && p.enable_interactive_search);
    assert_eq!(
        p.masked(ProviderKind::Indexer).text("apiKey"),
        SECRET_PLACEHOLDER
    );
}

#[test]
fn bad_input_names_the_field() {
    let k = ProviderKind::Indexer;
    let e = build(
        k,
        &torznab(json!([{"name": "baseUrl", "value": "not a url"}])),
        None,
    );
    assert_eq!(field_of(&e.unwrap_err()), "baseUrl");
    let e = build(k, &torznab(json!([])), None);
    assert_eq!(field_of(&e.unwrap_err()), "baseUrl");
    let nameless = input(json!({"implementation": "Torznab"}));
    assert_eq!(field_of(&build(k, &nameless, None).unwrap_err()), "name");
    let unknown = input(json!({"name": "x", "implementation": "Rarbg"}));
    assert_eq!(
        field_of(&build(k, &unknown, None).unwrap_err()),
        "implementation"
    );
    let usenet = input(json!({"name": "x", "implementation": "Newznab"}));
    assert_eq!(
        field_of(&build(k, &usenet, None).unwrap_err()),
        "implementation"
    );
    let placeholder = torznab(json!([
        {"name": "baseUrl", "value": "http://p/1/"},
        {"name": "apiKey", "value": "********"}
    ]));
    assert_eq!(
        field_of(&build(k, &placeholder, None).unwrap_err()),
        "apiKey"
    );
    let port = input(json!({"name": "q", "implementation": "QBittorrent",
        "fields": [{"name": "port", "value": 70000}]}));
    let e = build(ProviderKind::DownloadClient, &port, None).unwrap_err();
    assert_eq!(field_of(&e), "port");
    let prio = input(json!({"name": "q", "implementation": "QBittorrent", "priority": 0}));
    let e = build(ProviderKind::DownloadClient, &prio, None).unwrap_err();
    assert_eq!(field_of(&e), "priority");
}

#[test]
fn placeholder_on_update_keeps_the_stored_secret() {
    let k = ProviderKind::DownloadClient;
    let first = input(json!({"name": "q", "implementation": "QBittorrent",
        "fields": [{"name": "password", "value": "s3cret"}, {"name": "port", "value": "9091"}]}));
    let old = build(k, &first, None).unwrap();
    assert_eq!(
        old.int("port"),
        Some(9091),
        "numbers in text are read as Radarr reads them"
    );
    let again = input(json!({"name": "q", "implementation": "qbittorrent",
        "fields": [{"name": "password", "value": "********"}]}));
    let p = build(k, &again, Some(&old)).unwrap();
    assert_eq!(p.text("password"), "s3cret");
    assert_eq!(p.implementation, "QBittorrent");
    let changed = input(json!({"name": "q", "implementation": "QBittorrent",
        "fields": [{"name": "password", "value": "new"}]}));
    assert_eq!(
        build(k, &changed, Some(&old)).unwrap().text("password"),
        "new"
    );
}
