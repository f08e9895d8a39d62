//! Release-name clean-up before tokenising: input cap, file extension,
//! website prefixes, tracker tags and leading `[prefix]` brackets.

use once_cell::sync::Lazy;
use regex::Regex;

/// Longest input (bytes) the parser looks at; release names are < 300.
pub(crate) const MAX_INPUT: usize = 512;

/// Truncate `s` to at most `max` bytes on a char boundary.
pub(crate) fn cap(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

const EXTENSIONS: &[&str] = &[
    "mkv", "mp4", "avi", "m4v", "wmv", "mov", "ts", "m2ts", "mts", "mpg", "mpeg", "iso", "img",
    "vob", "flv", "webm", "ogm", "3gp", "wtv", "rmvb", "asf", "strm", "par2", "nzb", "torrent",
    "rar", "mk3d", "divx", "ogv", "m2v", "rm",
];

const JUNK_TAGS: &[&str] = &[
    "ettv", "rartv", "rarbg", "cttv", "eztv", "ethd", "tgx", "publichd", "vtv", "mkvcage", "eztvx",
    "ion10",
];

static WEBSITE_PREFIX: Lazy<Regex> = Lazy::new(|| {
    Regex::new(
        r"(?i)^(?:\[\s*[-a-z0-9]+(?:\.[a-z0-9]+)+\s*\][ ._-]*|www\.[-a-z0-9]+\.[a-z]{2,6}(?-u:\b)[ ._-]*|www[ .][a-z0-9]+[ .][a-z]{2,6} +- +)",
    )
    .expect("valid regex")
});

/// The release name after clean-up, plus what clean-up learnt.
pub(crate) struct Cleaned {
    /// Cleaned name (extension, site prefixes and tracker tags removed).
    pub text: String,
    /// Byte offset in `text` where the movie name starts (after `[..]` prefixes).
    pub body_start: usize,
    /// Lower-cased file extension, when the name ends in a known one.
    pub ext: Option<String>,
    /// First `[prefix]` bracket, anime-style release group candidate.
    pub prefix: Option<String>,
}

fn is_junk_tag(content: &str) -> bool {
    let c = content.trim().to_ascii_lowercase();
    if JUNK_TAGS.contains(&c.as_str()) {
        return true;
    }
    // Website tags like [rarbg.com]; YTS.MX and friends are groups, not sites.
    // `[Vhs.Rip.Vff]` holds release notes: only a real top-level domain
    // makes a site.
    let tld = c.rsplit('.').next().unwrap_or("");
    c.contains('.')
        && !c.starts_with("yts")
        && is_site_tld(tld)
        && c.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
}

/// Top-level domains seen on tracker and site tags (`[rarbg.to]`,
/// `[sharethefiles.com]`, `[www.torrenting.org]`): generic ones and every
/// two-letter country code.
fn is_site_tld(tld: &str) -> bool {
    (tld.len() == 2 && tld.bytes().all(|b| b.is_ascii_lowercase()))
        || matches!(
            tld,
            "com"
                | "net"
                | "org"
                | "info"
                | "biz"
                | "xyz"
                | "top"
                | "club"
                | "site"
                | "online"
                | "link"
                | "app"
                | "dev"
                | "pro"
                | "mobi"
                | "name"
                | "live"
                | "stream"
                | "tech"
                | "show"
                | "cam"
                | "best"
                | "vip"
                | "one"
                | "fun"
                | "icu"
                | "lol"
                | "cyou"
                | "rip"
                | "world"
                | "space"
                | "website"
                | "zone"
        )
}

/// Strip extension, website prefix/suffix, tracker tags and leading
/// `[request]` brackets.
pub(crate) fn clean(input: &str) -> Cleaned {
    let mut s: &str = input.trim();
    let mut extension = None;
    if let Some(dot) = s.rfind('.') {
        let ext = &s[dot + 1..];
        if (2..=7).contains(&ext.len()) && EXTENSIONS.iter().any(|e| e.eq_ignore_ascii_case(ext)) {
            extension = Some(ext.to_ascii_lowercase());
            s = &s[..dot];
        }
    }
    let site_like = s.starts_with('[') || s.get(..3).is_some_and(|p| p.eq_ignore_ascii_case("www"));
    if let Some(m) = WEBSITE_PREFIX.find(s).filter(|_| site_like) {
        s = &s[m.end()..];
    }
    for _ in 0..6 {
        s = s.trim_end_matches([' ', '-', '_', '.']);
        let Some(open) = s.rfind('[') else { break };
        if !s.ends_with(']') || !is_junk_tag(&s[open + 1..s.len() - 1]) {
            break;
        }
        s = &s[..open];
    }
    let text = if s.contains(['【', '】']) {
        s.replace('【', "[").replace('】', "]")
    } else {
        s.to_string()
    };
    let mut body_start = 0;
    let mut prefix = None;
    while text[body_start..].starts_with('[') {
        let Some(close) = text[body_start..].find(']') else {
            break;
        };
        if prefix.is_none() {
            prefix = Some(text[body_start + 1..body_start + close].trim().to_string());
        }
        body_start += close + 1;
        body_start += text[body_start..].len()
            - text[body_start..]
                .trim_start_matches([' ', '.', '_', '-'])
                .len();
    }
    if body_start >= text.len() {
        // Everything was bracketed: parse it as is.
        body_start = 0;
        prefix = None;
    }
    Cleaned {
        text,
        body_start,
        ext: extension,
        prefix,
    }
}
