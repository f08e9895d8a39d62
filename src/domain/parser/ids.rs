//! Identifiers embedded in a release name: IMDb id, TMDb id and the
//! anime-style CRC release hash.  Each regex only runs when a cheap byte
//! scan says it can match: most names carry none of them.

use once_cell::sync::Lazy;
use regex::Regex;

static IMDB: Lazy<Regex> =
    Lazy::new(|| Regex::new(r"(?i)(?-u:\b)(tt\d{7,8})(?-u:\b)").expect("valid regex"));
static TMDB: Lazy<Regex> =
    Lazy::new(|| Regex::new(r"(?i)tmdb(?:id)?-(\d{1,9})").expect("valid regex"));

/// What one byte scan of the name says: whether an IMDb (`tt` + digit)
/// or TMDb (`tmdb`) id can be there at all.
pub(crate) struct Hints {
    imdb: bool,
    tmdb: bool,
}

impl Hints {
    /// Scan `name` once for both markers, in any case.
    pub(crate) fn scan(name: &str) -> Hints {
        let b = name.as_bytes();
        let mut h = Hints {
            imdb: false,
            tmdb: false,
        };
        for i in 0..b.len().saturating_sub(2) {
            if b[i] | 0x20 != b't' {
                continue;
            }
            let next = b[i + 1] | 0x20;
            h.imdb |= next == b't' && b[i + 2].is_ascii_digit();
            h.tmdb |= next == b'm'
                && b.get(i..i + 4)
                    .is_some_and(|w| w.eq_ignore_ascii_case(b"tmdb"));
        }
        h
    }
}

/// IMDb id (`tt1234567`), lower-cased.
pub(crate) fn imdb_id(name: &str, hints: &Hints) -> Option<String> {
    if !hints.imdb {
        return None;
    }
    IMDB.captures(name)
        .and_then(|c| c.get(1))
        .map(|m| m.as_str().to_ascii_lowercase())
}

/// TMDb id (`{tmdb-1234}`, `tmdbid-1234`).
pub(crate) fn tmdb_id(name: &str, hints: &Hints) -> Option<u32> {
    if !hints.tmdb {
        return None;
    }
    TMDB.captures(name)
        .and_then(|c| c.get(1))
        .and_then(|m| m.as_str().parse().ok())
}

/// The last 8-hex-digit CRC in brackets (`[ABCD1234]`, `(1a2b3c4d)`), as
/// anime releases carry it (Radarr's `releaseHash`); words of hex letters
/// only (`[DEADBEEF]`) are not taken.
pub(crate) fn release_hash(name: &str) -> Option<String> {
    let b = name.as_bytes();
    (0..b.len().saturating_sub(9))
        .rev()
        .find(|&i| {
            matches!(b[i], b'[' | b'(')
                && matches!(b[i + 9], b']' | b')')
                && b[i + 1..i + 9].iter().all(u8::is_ascii_hexdigit)
                && b[i + 1..i + 9].iter().any(u8::is_ascii_digit)
        })
        .map(|i| name[i + 1..i + 9].to_string())
}
