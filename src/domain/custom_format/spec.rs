//! The condition implementations reelarr evaluates, with Radarr's class names, display names,
//! order and `fields` (their names, labels, types and select options), so `GET
//! /api/v3/customformat/schema` and every format read back look like Radarr's.

use crate::domain::parser::Language;
use serde_json::{json, Value};

/// A condition implementation, named as Radarr's specification classes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Implementation {
    /// `ReleaseTitleSpecification`.
    ReleaseTitle,
    /// `EditionSpecification`.
    Edition,
    /// `LanguageSpecification`.
    Language,
    /// `IndexerFlagSpecification`.
    IndexerFlag,
    /// `SourceSpecification`.
    Source,
    /// `ResolutionSpecification`.
    Resolution,
    /// `QualityModifierSpecification`.
    QualityModifier,
    /// `SizeSpecification`.
    Size,
    /// `ReleaseGroupSpecification`.
    ReleaseGroup,
}

/// Every implementation in Radarr's schema order.
pub const ALL: [Implementation; 9] = [
    Implementation::ReleaseTitle,
    Implementation::Edition,
    Implementation::Language,
    Implementation::IndexerFlag,
    Implementation::Source,
    Implementation::Resolution,
    Implementation::QualityModifier,
    Implementation::Size,
    Implementation::ReleaseGroup,
];

const INFO_LINK: &str = "https://wiki.servarr.com/radarr/settings#custom-formats-2";

/// Radarr's `QualitySource` names by number.
const SOURCES: [(i64, &str); 10] = [
    (0, "UNKNOWN"),
    (1, "CAM"),
    (2, "TELESYNC"),
    (3, "TELECINE"),
    (4, "WORKPRINT"),
    (5, "DVD"),
    (6, "TV"),
    (7, "WEBDL"),
    (8, "WEBRIP"),
    (9, "BLURAY"),
];

/// Radarr's `Resolution` names by number.
const RESOLUTIONS: [(i64, &str); 8] = [
    (0, "Unknown"),
    (360, "R360p"),
    (480, "R480p"),
    (540, "R540p"),
    (576, "R576p"),
    (720, "R720p"),
    (1080, "R1080p"),
    (2160, "R2160p"),
];

/// Radarr's `Modifier` names by number.
const MODIFIERS: [(i64, &str); 6] = [
    (0, "NONE"),
    (1, "REGIONAL"),
    (2, "SCREENER"),
    (3, "RAWHD"),
    (4, "BRDISK"),
    (5, "REMUX"),
];

/// Radarr's `IndexerFlags` bits.
const FLAGS: [(i64, &str); 12] = [
    (1, "G_Freeleech"),
    (2, "G_Halfleech"),
    (4, "G_DoubleUpload"),
    (8, "PTP_Golden"),
    (16, "PTP_Approved"),
    (32, "G_Internal"),
    (64, "AHD_Internal"),
    (128, "G_Scene"),
    (256, "G_Freeleech75"),
    (512, "G_Freeleech25"),
    (1024, "AHD_UserRelease"),
    (2048, "Nuked"),
];

/// The kind of value a field holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum FieldKind {
    /// A regular expression (text).
    Regex,
    /// One of a fixed list of numbers.
    Select,
    /// A number of GB.
    Gigabytes,
    /// A checkbox.
    Flag,
}

/// One field of an implementation: its API name, label and kind.
#[derive(Debug, Clone, Copy)]
pub(super) struct FieldDef {
    pub name: &'static str,
    pub label: &'static str,
    pub kind: FieldKind,
}

const fn f(name: &'static str, label: &'static str, kind: FieldKind) -> FieldDef {
    FieldDef { name, label, kind }
}

impl Implementation {
    /// Radarr's class name (the `implementation` field).
    pub fn class(self) -> &'static str {
        match self {
            Implementation::ReleaseTitle => "ReleaseTitleSpecification",
            Implementation::Edition => "EditionSpecification",
            Implementation::Language => "LanguageSpecification",
            Implementation::IndexerFlag => "IndexerFlagSpecification",
            Implementation::Source => "SourceSpecification",
            Implementation::Resolution => "ResolutionSpecification",
            Implementation::QualityModifier => "QualityModifierSpecification",
            Implementation::Size => "SizeSpecification",
            Implementation::ReleaseGroup => "ReleaseGroupSpecification",
        }
    }

    /// Radarr's display name (`implementationName`).
    pub fn display(self) -> &'static str {
        match self {
            Implementation::ReleaseTitle => "Release Title",
            Implementation::Edition => "Edition",
            Implementation::Language => "Language",
            Implementation::IndexerFlag => "Indexer Flag",
            Implementation::Source => "Source",
            Implementation::Resolution => "Resolution",
            Implementation::QualityModifier => "Quality Modifier",
            Implementation::Size => "Size",
            Implementation::ReleaseGroup => "Release Group",
        }
    }

    /// The implementation a class name names (case-insensitive), if reelarr evaluates it.
    pub fn by_class(class: &str) -> Option<Implementation> {
        ALL.into_iter()
            .find(|i| i.class().eq_ignore_ascii_case(class))
    }

    /// The fields it takes, in order.
    pub(super) fn fields(self) -> &'static [FieldDef] {
        use FieldKind::*;
        const REGEX: [FieldDef; 1] = [f("value", "Regular Expression", Regex)];
        const LANGUAGE: [FieldDef; 2] = [
            f("value", "Language", Select),
            f("exceptLanguage", "Except Language", Flag),
        ];
        const FLAG: [FieldDef; 1] = [f("value", "Flag", Select)];
        const SOURCE: [FieldDef; 1] = [f("value", "Source", Select)];
        const RESOLUTION: [FieldDef; 1] = [f("value", "Resolution", Select)];
        const MODIFIER: [FieldDef; 1] = [f("value", "Quality Modifier", Select)];
        const SIZE: [FieldDef; 2] = [
            f("min", "Minimum Size", Gigabytes),
            f("max", "Maximum Size", Gigabytes),
        ];
        match self {
            Implementation::ReleaseTitle
            | Implementation::ReleaseGroup
            | Implementation::Edition => &REGEX,
            Implementation::Language => &LANGUAGE,
            Implementation::IndexerFlag => &FLAG,
            Implementation::Source => &SOURCE,
            Implementation::Resolution => &RESOLUTION,
            Implementation::QualityModifier => &MODIFIER,
            Implementation::Size => &SIZE,
        }
    }

    /// The numbers a select field accepts, with Radarr's names.
    pub(super) fn options(self) -> Vec<(i64, String)> {
        let own = |list: &[(i64, &str)]| list.iter().map(|(v, n)| (*v, n.to_string())).collect();
        match self {
            Implementation::Source => own(&SOURCES),
            Implementation::Resolution => own(&RESOLUTIONS),
            Implementation::QualityModifier => own(&MODIFIERS),
            Implementation::IndexerFlag => own(&FLAGS),
            Implementation::Language => {
                let mut out = vec![(-1, "Any".to_string()), (-2, "Original".to_string())];
                out.extend(
                    Language::all()
                        .iter()
                        .map(|l| (i64::from(l.id()), l.name().to_string())),
                );
                out
            }
            _ => Vec::new(),
        }
    }

    /// Radarr's `Field` objects for this implementation, holding `values` (by field name).
    pub(super) fn field_objects(self, values: &[(&str, Value)]) -> Vec<Value> {
        self.fields()
            .iter()
            .enumerate()
            .map(|(order, def)| {
                let value = values
                    .iter()
                    .find(|(n, _)| *n == def.name)
                    .map(|(_, v)| v.clone())
                    .unwrap_or(Value::Null);
                let mut field = json!({
                    "order": order,
                    "name": def.name,
                    "label": def.label,
                    "value": value,
                    "type": match def.kind {
                        FieldKind::Regex => "textbox",
                        FieldKind::Select => "select",
                        FieldKind::Gigabytes => "number",
                        FieldKind::Flag => "checkbox",
                    },
                    "advanced": false,
                    "privacy": "normal",
                    "isFloat": def.kind == FieldKind::Gigabytes,
                });
                if def.kind == FieldKind::Regex {
                    field["helpText"] = json!("Custom Format RegEx is Case Insensitive");
                }
                if def.kind == FieldKind::Gigabytes {
                    field["unit"] = json!("GB");
                }
                if def.kind == FieldKind::Select {
                    field["selectOptions"] = self
                        .options()
                        .into_iter()
                        .enumerate()
                        .map(|(i, (v, n))| json!({"value": v, "name": n, "order": i, "dividerAfter": false}))
                        .collect();
                }
                field
            })
            .collect()
    }

    /// An empty condition of this kind as a schema entry (`CustomFormatSpecificationSchema`).
    fn schema_entry(self) -> Value {
        let defaults: Vec<(&str, Value)> = self
            .fields()
            .iter()
            .map(|d| {
                let v = match d.kind {
                    FieldKind::Regex => json!(""),
                    FieldKind::Select | FieldKind::Gigabytes => json!(0),
                    FieldKind::Flag => json!(false),
                };
                (d.name, v)
            })
            .collect();
        json!({
            "id": 0,
            "implementation": self.class(),
            "implementationName": self.display(),
            "infoLink": INFO_LINK,
            "negate": false,
            "required": false,
            "fields": self.field_objects(&defaults),
            "presets": [],
        })
    }

    /// The info link Radarr gives every condition.
    pub(super) fn info_link(self) -> &'static str {
        INFO_LINK
    }
}

/// `GET /api/v3/customformat/schema`: one empty condition per implementation reelarr evaluates.
pub fn schema() -> Vec<Value> {
    ALL.into_iter().map(Implementation::schema_entry).collect()
}
