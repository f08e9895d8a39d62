//! Torznab XML parsing with quick-xml's pull reader: the RSS result feed, the caps document
//! and the `<error code=".." description=".."/>` answer indexers send inside a 200.
//!
//! Why a pull reader instead of serde: indexers (Prowlarr, Jackett, NZBHydra, tracker
//! software) differ in element order, repeat `<category>`, mix CDATA and escaped text and add
//! vendor elements; a tolerant walk over the events takes what it knows and skips the rest.
//! The functions are total: any input yields a value or a [`FeedError`], never a panic, and
//! the work is bounded (items and attributes per item are capped).

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

/// Most items taken from one feed (Torznab `limit` tops out at a few hundred).
pub const MAX_ITEMS: usize = 5_000;
/// Most `torznab:attr` elements kept per item.
pub const MAX_ATTRS: usize = 64;

/// Why a Torznab document could not be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FeedError {
    /// The indexer answered `<error code=".." description=".."/>`.
    Api {
        /// Torznab error code (100–199 credentials, 200–203 parameters, 900/910 other).
        code: u32,
        /// The indexer's description.
        description: String,
    },
    /// Not well-formed XML, or not the expected document.
    Malformed(String),
}

/// One `<item>` of a result feed, as raw as it came; mapping to a release is the client's job.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TorznabItem {
    /// `<title>`.
    pub title: String,
    /// `<guid>`.
    pub guid: Option<String>,
    /// `<link>` (download URL or magnet).
    pub link: Option<String>,
    /// `<comments>` (details page).
    pub comments: Option<String>,
    /// `<pubDate>` (RFC 2822).
    pub pub_date: Option<String>,
    /// `<size>`.
    pub size: Option<u64>,
    /// `<enclosure url=..>`.
    pub enclosure_url: Option<String>,
    /// `<enclosure length=..>`.
    pub enclosure_length: Option<u64>,
    /// Every `torznab:attr` (`newznab:attr`) as (name, value), names lowercased.
    pub attrs: Vec<(String, String)>,
}

impl TorznabItem {
    /// The first attribute called `name`.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every attribute called `name` (e.g. `category` repeats).
    pub fn attrs_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.attrs
            .iter()
            .filter(move |(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// What an indexer can do (`t=caps`), reduced to what the search needs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TorznabCaps {
    /// `<search available="yes">`.
    pub search_available: bool,
    /// `<movie-search available="yes">`.
    pub movie_search_available: bool,
    /// `movie-search` `supportedParams`, lowercased (`q`, `imdbid`, `tmdbid`…).
    pub movie_params: Vec<String>,
    /// `<limits max=..>`.
    pub limit_max: Option<u32>,
    /// Category ids (top level and sub-categories).
    pub categories: Vec<u32>,
}

impl TorznabCaps {
    /// Whether `t=movie&imdbid=` may be used.
    pub fn supports_imdb_movie_search(&self) -> bool {
        self.movie_search_available && self.movie_params.iter().any(|p| p == "imdbid")
    }
}

fn malformed(e: impl std::fmt::Display) -> FeedError {
    FeedError::Malformed(e.to_string())
}

/// Attribute `key` of an element, unescaped (lossy on bad escapes).
fn attr_of(e: &BytesStart<'_>, key: &[u8]) -> Result<Option<String>, FeedError> {
    for a in e.attributes() {
        let a = a.map_err(malformed)?;
        if a.key.as_ref() == key {
            let v = match a.unescape_value() {
                Ok(v) => v.into_owned(),
                Err(_) => String::from_utf8_lossy(&a.value).into_owned(),
            };
            return Ok(Some(v));
        }
    }
    Ok(None)
}

/// Turns an `<error>` element into the API error.
fn api_error(e: &BytesStart<'_>) -> Result<FeedError, FeedError> {
    let code = attr_of(e, b"code")?
        .and_then(|c| c.trim().parse().ok())
        .unwrap_or(900);
    let description = attr_of(e, b"description")?.unwrap_or_default();
    Ok(FeedError::Api { code, description })
}

/// Which text field of an item is being read.
#[derive(Clone, Copy)]
enum Field {
    Title,
    Guid,
    Link,
    Comments,
    PubDate,
    Size,
}

/// Parses a Torznab result feed (RSS 2.0). An `<error>` document is [`FeedError::Api`];
/// anything that is not well-formed RSS is [`FeedError::Malformed`].
pub fn parse_rss(body: &[u8]) -> Result<Vec<TorznabItem>, FeedError> {
    let mut reader = Reader::from_reader(body);
    reader.config_mut().trim_text(true);
    let mut depth = 0usize;
    let mut saw_root = false;
    let mut items = Vec::new();
    let mut item: Option<(usize, TorznabItem)> = None;
    let mut field: Option<(Field, String)> = None;
    loop {
        let ev = reader.read_event().map_err(malformed)?;
        match ev {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let empty = matches!(ev, Event::Empty(_));
                let name = e.name();
                if depth == 0 {
                    match name.as_ref() {
                        b"rss" => saw_root = true,
                        b"error" => return Err(api_error(e)?),
                        other => {
                            return Err(FeedError::Malformed(format!(
                                "expected an RSS feed, found <{}>",
                                String::from_utf8_lossy(other)
                            )))
                        }
                    }
                }
                match &mut item {
                    None if name.as_ref() == b"item" && !empty => {
                        item = Some((depth, TorznabItem::default()));
                    }
                    Some((item_depth, it)) if depth == *item_depth + 1 => {
                        let local = e.local_name();
                        let prefixed = name.as_ref().contains(&b':');
                        if prefixed && local.as_ref() == b"attr" {
                            if it.attrs.len() < MAX_ATTRS {
                                if let (Some(n), Some(v)) =
                                    (attr_of(e, b"name")?, attr_of(e, b"value")?)
                                {
                                    it.attrs.push((n.to_ascii_lowercase(), v));
                                }
                            }
                        } else if !prefixed && local.as_ref() == b"enclosure" {
                            it.enclosure_url = attr_of(e, b"url")?;
                            it.enclosure_length =
                                attr_of(e, b"length")?.and_then(|l| l.trim().parse().ok());
                        } else if !prefixed && !empty {
                            let f = match local.as_ref() {
                                b"title" => Some(Field::Title),
                                b"guid" => Some(Field::Guid),
                                b"link" => Some(Field::Link),
                                b"comments" => Some(Field::Comments),
                                b"pubDate" => Some(Field::PubDate),
                                b"size" => Some(Field::Size),
                                _ => None,
                            };
                            field = f.map(|f| (f, String::new()));
                        }
                    }
                    _ => {}
                }
                if !empty {
                    depth += 1;
                }
            }
            Event::End(_) => {
                depth = depth.saturating_sub(1);
                if let Some((f, text)) = field.take() {
                    if let Some((_, it)) = &mut item {
                        store(it, f, text);
                    }
                }
                if matches!(&item, Some((d, _)) if *d == depth) {
                    if let Some((_, it)) = item.take() {
                        if items.len() < MAX_ITEMS {
                            items.push(it);
                        }
                    }
                }
            }
            Event::Text(t) => {
                if let Some((_, buf)) = &mut field {
                    match t.unescape() {
                        Ok(s) => buf.push_str(&s),
                        Err(_) => buf.push_str(&String::from_utf8_lossy(&t)),
                    }
                }
            }
            Event::CData(t) => {
                if let Some((_, buf)) = &mut field {
                    buf.push_str(&String::from_utf8_lossy(&t));
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if depth != 0 {
        return Err(FeedError::Malformed("the document is truncated".into()));
    }
    if !saw_root {
        return Err(FeedError::Malformed("not an RSS feed".into()));
    }
    Ok(items)
}

fn store(it: &mut TorznabItem, f: Field, text: String) {
    let text = text.trim().to_string();
    if text.is_empty() {
        return;
    }
    match f {
        Field::Title => it.title = text,
        Field::Guid => it.guid = Some(text),
        Field::Link => it.link = Some(text),
        Field::Comments => it.comments = Some(text),
        Field::PubDate => it.pub_date = Some(text),
        Field::Size => it.size = text.parse().ok(),
    }
}

/// Parses a `t=caps` answer.
pub fn parse_caps(body: &[u8]) -> Result<TorznabCaps, FeedError> {
    let mut reader = Reader::from_reader(body);
    reader.config_mut().trim_text(true);
    let mut depth = 0usize;
    let mut saw_root = false;
    let mut caps = TorznabCaps::default();
    let yes = |v: Option<String>| v.is_some_and(|v| v.trim().eq_ignore_ascii_case("yes"));
    loop {
        let ev = reader.read_event().map_err(malformed)?;
        match ev {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let name = e.name();
                if depth == 0 {
                    match name.as_ref() {
                        b"caps" => saw_root = true,
                        b"error" => return Err(api_error(e)?),
                        _ => return Err(FeedError::Malformed("not a caps document".into())),
                    }
                }
                match name.as_ref() {
                    b"limits" => {
                        caps.limit_max = attr_of(e, b"max")?.and_then(|m| m.trim().parse().ok());
                    }
                    b"search" => caps.search_available = yes(attr_of(e, b"available")?),
                    b"movie-search" => {
                        caps.movie_search_available = yes(attr_of(e, b"available")?);
                        caps.movie_params = attr_of(e, b"supportedParams")?
                            .unwrap_or_default()
                            .split(',')
                            .map(|p| p.trim().to_ascii_lowercase())
                            .filter(|p| !p.is_empty())
                            .take(MAX_ATTRS)
                            .collect();
                    }
                    b"category" | b"subcat" if caps.categories.len() < MAX_ITEMS => {
                        if let Some(id) = attr_of(e, b"id")?.and_then(|i| i.trim().parse().ok()) {
                            caps.categories.push(id);
                        }
                    }
                    _ => {}
                }
                if matches!(ev, Event::Start(_)) {
                    depth += 1;
                }
            }
            Event::End(_) => depth = depth.saturating_sub(1),
            Event::Eof => break,
            _ => {}
        }
    }
    if depth != 0 {
        return Err(FeedError::Malformed("the document is truncated".into()));
    }
    if !saw_root {
        return Err(FeedError::Malformed("not a caps document".into()));
    }
    Ok(caps)
}
