//! History event types exactly as Radarr names and numbers them (`MovieHistoryEventType`), so
//! the store keeps Radarr's camelCase names and the API can filter by name or by number.

/// The largest history page handed out; the API refuses bigger `pageSize`s with a 400.
pub const MAX_PAGE_SIZE: u32 = 10_000;

/// Which history to read: filters (empty = no filter), order by date and the page.
#[derive(Debug, Clone)]
pub struct HistoryQuery {
    pub movie_ids: Vec<i64>,
    /// Stored `event_type` strings to match (any of them).
    pub event_types: Vec<String>,
    pub download_id: Option<String>,
    /// Oldest first instead of newest first.
    pub ascending: bool,
    /// Starts at 1.
    pub page: u32,
    /// Clamped to 1..=[`MAX_PAGE_SIZE`].
    pub page_size: u32,
}

impl HistoryQuery {
    /// Newest first, no filter.
    pub fn page(page: u32, page_size: u32) -> Self {
        HistoryQuery {
            movie_ids: Vec::new(),
            event_types: Vec::new(),
            download_id: None,
            ascending: false,
            page,
            page_size,
        }
    }
}

/// Radarr's `MovieHistoryEventType`. The discriminants are Radarr's numbers (clients such as
/// LunaSea filter with `?eventType=3`); 2 and 5 are retired in Radarr and stay unused here.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HistoryEventType {
    Unknown = 0,
    Grabbed = 1,
    DownloadFolderImported = 3,
    DownloadFailed = 4,
    MovieFileDeleted = 6,
    MovieFolderImported = 7,
    MovieFileRenamed = 8,
    DownloadIgnored = 9,
}

use HistoryEventType::*;

/// Every type with the spellings older code or other tools might have stored for it.
const TABLE: &[(HistoryEventType, &str, &[&str])] = &[
    (Unknown, "unknown", &[]),
    (Grabbed, "grabbed", &["grab"]),
    (
        DownloadFolderImported,
        "downloadFolderImported",
        &["imported", "downloadImported"],
    ),
    (DownloadFailed, "downloadFailed", &["failed"]),
    (
        MovieFileDeleted,
        "movieFileDeleted",
        &["deleted", "fileDeleted"],
    ),
    (MovieFolderImported, "movieFolderImported", &[]),
    (MovieFileRenamed, "movieFileRenamed", &["renamed"]),
    (DownloadIgnored, "downloadIgnored", &["ignored"]),
];

/// Lower-case letters and digits only, so `download_failed`, `DownloadFailed` and
/// `downloadFailed` compare equal.
fn fold(s: &str) -> String {
    s.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

impl HistoryEventType {
    /// Every type, in Radarr's order.
    pub const ALL: [HistoryEventType; 8] = [
        Unknown,
        Grabbed,
        DownloadFolderImported,
        DownloadFailed,
        MovieFileDeleted,
        MovieFolderImported,
        MovieFileRenamed,
        DownloadIgnored,
    ];

    /// Radarr's camelCase name: what the store keeps and the API shows.
    pub fn as_str(self) -> &'static str {
        TABLE
            .iter()
            .find(|(t, _, _)| *t == self)
            .map(|(_, n, _)| *n)
            .unwrap_or("unknown")
    }

    /// Radarr's number for the type.
    pub fn number(self) -> i64 {
        self as i64
    }

    pub fn from_number(n: i64) -> Option<HistoryEventType> {
        Self::ALL.into_iter().find(|t| t.number() == n)
    }

    /// A stored or requested name in any casing (`downloadFailed`, `download_failed`,
    /// `DownloadFailed`) or one of the older aliases; `None` when it names no Radarr type.
    pub fn from_name(s: &str) -> Option<HistoryEventType> {
        let f = fold(s);
        TABLE
            .iter()
            .find(|(_, name, aliases)| fold(name) == f || aliases.iter().any(|a| fold(a) == f))
            .map(|(t, _, _)| *t)
    }

    /// A query value: Radarr's number or a name.
    pub fn parse(s: &str) -> Option<HistoryEventType> {
        match s.trim().parse::<i64>() {
            Ok(n) => Self::from_number(n),
            Err(_) => Self::from_name(s.trim()),
        }
    }

    /// The spellings a store filter must match for this type: the canonical name first, then
    /// the snake_case form and the aliases (rows written before names were canonical).
    pub fn stored_spellings(self) -> Vec<String> {
        let (_, name, aliases) = TABLE
            .iter()
            .find(|(t, _, _)| *t == self)
            .copied()
            .unwrap_or((Unknown, "unknown", &[]));
        let mut out = vec![name.to_string(), snake(name)];
        for a in aliases {
            out.push(a.to_string());
            out.push(snake(a));
        }
        out.dedup();
        out
    }
}

/// `downloadFolderImported` → `download_folder_imported`.
fn snake(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 4);
    for c in s.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::HistoryEventType as T;

    #[test]
    fn names_and_numbers_match_radarr() {
        assert_eq!(T::Grabbed.as_str(), "grabbed");
        assert_eq!(T::DownloadFolderImported.number(), 3);
        assert_eq!(T::MovieFileDeleted.number(), 6);
        assert_eq!(T::DownloadIgnored.number(), 9);
        assert_eq!(T::from_number(2), None, "retired in Radarr");
        for t in T::ALL {
            assert_eq!(T::from_name(t.as_str()), Some(t));
            assert_eq!(T::from_number(t.number()), Some(t));
        }
    }

    #[test]
    fn parses_numbers_names_and_old_spellings() {
        assert_eq!(T::parse("3"), Some(T::DownloadFolderImported));
        assert_eq!(T::parse("download_failed"), Some(T::DownloadFailed));
        assert_eq!(T::parse("MovieFileDeleted"), Some(T::MovieFileDeleted));
        assert_eq!(T::parse("imported"), Some(T::DownloadFolderImported));
        assert_eq!(T::parse("importFailed"), None);
        assert_eq!(T::parse("17"), None);
        let s = T::DownloadFolderImported.stored_spellings();
        assert_eq!(s[0], "downloadFolderImported");
        assert!(s.contains(&"download_folder_imported".to_string()));
    }
}
