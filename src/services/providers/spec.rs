//! The provider implementations reelarr offers and their fields, named as Radarr names them
//! (`TorznabSettings`, `HDBitsSettings`, `QBittorrentSettings`), so Prowlarr's sync and Radarr
//! clients find the fields they set (`baseUrl`, `apiPath`, `apiKey`, `categories`, ...).

use serde_json::{json, Value};

/// Indexers, download clients or notifications ("Connect"): the provider lists of Radarr's API.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ProviderKind {
    Indexer,
    DownloadClient,
    Notification,
}

impl ProviderKind {
    /// The `kind` stored with the row.
    pub fn as_str(self) -> &'static str {
        match self {
            ProviderKind::Indexer => "indexer",
            ProviderKind::DownloadClient => "downloadclient",
            ProviderKind::Notification => "notification",
        }
    }

    /// "indexer" / "download client", for messages.
    pub fn label(self) -> &'static str {
        match self {
            ProviderKind::Indexer => "indexer",
            ProviderKind::DownloadClient => "download client",
            ProviderKind::Notification => "notification",
        }
    }
}

/// How a field's value is read and checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueKind {
    Text,
    /// An absolute `http://` or `https://` URL.
    Url,
    /// A host name or address (no scheme, no path).
    Host,
    Int,
    /// A TCP port, 1..=65535.
    Port,
    Float,
    Bool,
    /// A list of integers (categories, flags): a JSON array or Radarr's comma-separated text.
    IntList,
    /// A list of absolute http(s) URLs (a Torznab indexer's `mirrorUrls`): a JSON array or
    /// comma-separated text.
    UrlList,
}

/// Radarr's `PrivacyLevel`: what must never be echoed (`apiKey`, `password`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Privacy {
    Normal,
    ApiKey,
    Password,
    UserName,
}

impl Privacy {
    /// The OpenAPI enum value.
    pub fn as_str(self) -> &'static str {
        match self {
            Privacy::Normal => "normal",
            Privacy::ApiKey => "apiKey",
            Privacy::Password => "password",
            Privacy::UserName => "userName",
        }
    }

    /// Whether the value is a secret (answered as `********`).
    pub fn is_secret(self) -> bool {
        matches!(self, Privacy::ApiKey | Privacy::Password)
    }
}

/// One settings field as Radarr's `Field` describes it.
#[derive(Debug)]
pub struct FieldSpec {
    pub name: &'static str,
    pub label: &'static str,
    /// Radarr's field type (`textbox`, `password`, `number`, `checkbox`, `select`, `url`).
    pub field_type: &'static str,
    pub kind: ValueKind,
    pub advanced: bool,
    pub privacy: Privacy,
    pub required: bool,
    pub help: &'static str,
    /// The default, as JSON text.
    pub default: &'static str,
    /// `(value, name)` of a select field.
    pub options: &'static [(i64, &'static str)],
}

impl FieldSpec {
    /// The default value.
    pub fn default_value(&self) -> Value {
        serde_json::from_str(self.default).unwrap_or(Value::Null)
    }
}

/// One implementation: its names, protocol and fields.
#[derive(Debug)]
pub struct ImplSpec {
    pub kind: ProviderKind,
    pub implementation: &'static str,
    pub implementation_name: &'static str,
    pub config_contract: &'static str,
    pub info_link: &'static str,
    /// `torrent` or `usenet`.
    pub protocol: &'static str,
    /// Listed in the schema (Prowlarr requires a Newznab entry there) but refused on save.
    pub schema_only: bool,
    pub fields: &'static [FieldSpec],
}

impl ImplSpec {
    /// The field named `name`.
    pub fn field(&self, name: &str) -> Option<&'static FieldSpec> {
        self.fields.iter().find(|f| f.name == name)
    }
}

const fn field(name: &'static str, label: &'static str, kind: ValueKind) -> FieldSpec {
    let field_type = match kind {
        ValueKind::Int | ValueKind::Port | ValueKind::Float => "number",
        ValueKind::Bool => "checkbox",
        ValueKind::IntList => "select",
        ValueKind::UrlList => "tag",
        ValueKind::Url => "url",
        _ => "textbox",
    };
    FieldSpec {
        name,
        label,
        field_type,
        kind,
        advanced: false,
        privacy: Privacy::Normal,
        required: false,
        help: "",
        default: "null",
        options: &[],
    }
}

const fn adv(mut f: FieldSpec) -> FieldSpec {
    f.advanced = true;
    f
}

const fn req(mut f: FieldSpec) -> FieldSpec {
    f.required = true;
    f
}

const fn dflt(mut f: FieldSpec, default: &'static str) -> FieldSpec {
    f.default = default;
    f
}

const fn private(mut f: FieldSpec, privacy: Privacy) -> FieldSpec {
    f.privacy = privacy;
    if matches!(privacy, Privacy::Password) {
        f.field_type = "password";
    }
    f
}

const fn help(mut f: FieldSpec, text: &'static str) -> FieldSpec {
    f.help = text;
    f
}

const fn select(mut f: FieldSpec, options: &'static [(i64, &'static str)]) -> FieldSpec {
    f.field_type = "select";
    f.options = options;
    f
}

use ValueKind::*;

/// Newznab's movie categories, the Torznab default.
const MOVIE_CATEGORIES: &str = "[2000,2010,2020,2030,2040,2045,2050,2060]";

const NEWZNAB_FIELDS: &[FieldSpec] = &[
    req(field("baseUrl", "URL", Url)),
    adv(dflt(
        help(
            field("apiPath", "API Path", Text),
            "Path to the api, usually /api",
        ),
        "\"/api\"",
    )),
    private(field("apiKey", "API Key", Text), Privacy::ApiKey),
    dflt(field("categories", "Categories", IntList), MOVIE_CATEGORIES),
    adv(dflt(
        field("additionalParameters", "Additional Parameters", Text),
        "\"\"",
    )),
];

const TORZNAB_FIELDS: &[FieldSpec] = &[
    req(help(
        field("baseUrl", "URL", Url),
        "Torznab URL, e.g. Prowlarr's http://host:9696/1/",
    )),
    adv(dflt(
        help(
            field("apiPath", "API Path", Text),
            "Path to the api, usually /api",
        ),
        "\"/api\"",
    )),
    private(field("apiKey", "API Key", Text), Privacy::ApiKey),
    dflt(field("categories", "Categories", IntList), MOVIE_CATEGORIES),
    adv(dflt(
        field("additionalParameters", "Additional Parameters", Text),
        "\"\"",
    )),
    adv(dflt(
        field("multiLanguages", "Multi Languages", IntList),
        "[]",
    )),
    adv(dflt(
        help(
            field("minimumSeeders", "Minimum Seeders", Int),
            "Minimum number of seeders required.",
        ),
        "1",
    )),
    adv(field("seedCriteria.seedRatio", "Seed Ratio", Float)),
    adv(field("seedCriteria.seedTime", "Seed Time", Int)),
    adv(dflt(
        field("requiredFlags", "Required Flags", IntList),
        "[]",
    )),
    // reelarr's own (issue 17): failover endpoints, breakers `torznab:<name>#2`, `#3`, ...
    adv(dflt(
        help(
            field("mirrorUrls", "Mirror URLs", UrlList),
            "Alternative URLs of this indexer, tried in order when the URL above fails",
        ),
        "[]",
    )),
];

const HDBITS_FIELDS: &[FieldSpec] = &[
    req(private(field("username", "Username", Text), Privacy::UserName)),
    req(help(
        private(field("apiKey", "API Key", Text), Privacy::ApiKey),
        "Your HDBits passkey",
    )),
    req(adv(dflt(
        help(
            field("baseUrl", "API URL", Url),
            "Do not change this unless you know what you're doing, since your passkey will be sent to that host.",
        ),
        "\"https://hdbits.org\"",
    ))),
    adv(dflt(
        help(
            field("minimumSeeders", "Minimum Seeders", Int),
            "Minimum number of seeders required.",
        ),
        "1",
    )),
    adv(field("seedCriteria.seedRatio", "Seed Ratio", Float)),
    adv(field("seedCriteria.seedTime", "Seed Time", Int)),
];

const PRIORITIES: &[(i64, &str)] = &[(0, "Last"), (1, "First")];
const STATES: &[(i64, &str)] = &[(0, "Start"), (1, "Force Start"), (2, "Pause")];
const LAYOUTS: &[(i64, &str)] = &[(0, "Default"), (1, "Original"), (2, "Subfolder")];

const QBITTORRENT_FIELDS: &[FieldSpec] = &[
    req(dflt(field("host", "Host", Host), "\"localhost\"")),
    req(dflt(field("port", "Port", Port), "8080")),
    dflt(
        help(
            field("useSsl", "Use SSL", Bool),
            "Use a secure connection (qBittorrent's 'Use HTTPS instead of HTTP').",
        ),
        "false",
    ),
    adv(dflt(
        help(
            field("urlBase", "URL Base", Text),
            "Adds a prefix to the qBittorrent url, such as http://[host]:[port]/[urlBase]/api",
        ),
        "\"\"",
    )),
    private(field("username", "Username", Text), Privacy::UserName),
    private(field("password", "Password", Text), Privacy::Password),
    dflt(
        help(
            field("movieCategory", "Category", Text),
            "The category reelarr's torrents get; download tracking follows it.",
        ),
        "\"reelarr\"",
    ),
    adv(dflt(
        field("movieImportedCategory", "Post-Import Category", Text),
        "\"\"",
    )),
    dflt(
        select(
            field("recentMoviePriority", "Recent Priority", Int),
            PRIORITIES,
        ),
        "0",
    ),
    dflt(
        select(
            field("olderMoviePriority", "Older Priority", Int),
            PRIORITIES,
        ),
        "0",
    ),
    dflt(
        select(field("initialState", "Initial State", Int), STATES),
        "0",
    ),
    dflt(field("sequentialOrder", "Sequential Order", Bool), "false"),
    dflt(field("firstAndLast", "First and Last First", Bool), "false"),
    dflt(
        select(field("contentLayout", "Content Layout", Int), LAYOUTS),
        "0",
    ),
];

const METHODS: &[(i64, &str)] = &[(1, "POST"), (2, "PUT")];

const WEBHOOK_FIELDS: &[FieldSpec] = &[
    req(help(
        field("url", "Webhook URL", Url),
        "Receives Radarr's webhook payloads as JSON.",
    )),
    dflt(
        help(
            select(field("method", "Method", Int), METHODS),
            "Which HTTP method to use submit to the Webservice",
        ),
        "1",
    ),
    private(field("username", "Username", Text), Privacy::UserName),
    private(field("password", "Password", Text), Privacy::Password),
];

/// Every implementation, in schema order.
pub static IMPLEMENTATIONS: &[ImplSpec] = &[
    ImplSpec {
        kind: ProviderKind::Indexer,
        implementation: "HDBits",
        implementation_name: "HDBits",
        config_contract: "HDBitsSettings",
        info_link: "https://wiki.servarr.com/radarr/supported#hdbits",
        protocol: "torrent",
        schema_only: false,
        fields: HDBITS_FIELDS,
    },
    ImplSpec {
        kind: ProviderKind::Indexer,
        implementation: "Newznab",
        implementation_name: "Newznab",
        config_contract: "NewznabSettings",
        info_link: "https://wiki.servarr.com/radarr/supported#newznab",
        protocol: "usenet",
        schema_only: true,
        fields: NEWZNAB_FIELDS,
    },
    ImplSpec {
        kind: ProviderKind::Indexer,
        implementation: "Torznab",
        implementation_name: "Torznab",
        config_contract: "TorznabSettings",
        info_link: "https://wiki.servarr.com/radarr/supported#torznab",
        protocol: "torrent",
        schema_only: false,
        fields: TORZNAB_FIELDS,
    },
    ImplSpec {
        kind: ProviderKind::DownloadClient,
        implementation: "QBittorrent",
        implementation_name: "qBittorrent",
        config_contract: "QBittorrentSettings",
        info_link: "https://wiki.servarr.com/radarr/supported#qbittorrent",
        protocol: "torrent",
        schema_only: false,
        fields: QBITTORRENT_FIELDS,
    },
    ImplSpec {
        kind: ProviderKind::Notification,
        implementation: "Webhook",
        implementation_name: "Webhook",
        config_contract: "WebhookSettings",
        info_link: "https://wiki.servarr.com/radarr/supported#webhook",
        protocol: "",
        schema_only: false,
        fields: WEBHOOK_FIELDS,
    },
];

/// The implementation named `name` (case-insensitive, as Radarr matches it) of `kind`.
pub fn find(kind: ProviderKind, name: &str) -> Option<&'static ImplSpec> {
    IMPLEMENTATIONS
        .iter()
        .find(|s| s.kind == kind && s.implementation.eq_ignore_ascii_case(name))
}

/// The implementations of `kind`, for `schema`.
pub fn of_kind(kind: ProviderKind) -> impl Iterator<Item = &'static ImplSpec> {
    IMPLEMENTATIONS.iter().filter(move |s| s.kind == kind)
}

/// Every field at its default, for `schema`.
pub fn default_fields(spec: &ImplSpec) -> serde_json::Map<String, Value> {
    spec.fields
        .iter()
        .map(|f| (f.name.to_string(), f.default_value()))
        .collect()
}

/// A select field's options as JSON (`value`, `name`, `order`).
pub fn options_json(f: &FieldSpec) -> Option<Value> {
    (!f.options.is_empty()).then(|| {
        json!(f
            .options
            .iter()
            .enumerate()
            .map(|(i, (v, n))| json!({"value": v, "name": n, "order": i}))
            .collect::<Vec<_>>())
    })
}
