//! Splits a release name into word tokens with byte offsets.
//!
//! Release names use `.`, `_`, spaces, dashes and brackets interchangeably as
//! separators, so the parser works on "words" and looks at the separator
//! characters around them only where it matters (`WEB-DL`, `DD+`, `-GROUP`).

/// Hard cap on tokens examined, so pathological input stays cheap.
pub(crate) const MAX_TOKENS: usize = 160;

/// One word of the release name: `body[start..end]`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Tok {
    pub start: usize,
    pub end: usize,
}

/// A tokenised release name (the part after any `[prefix]` brackets).
pub(crate) struct Tokens<'a> {
    /// The text the offsets refer to.
    pub body: &'a str,
    /// `body` with ASCII letters lower-cased (same byte offsets).
    pub lower: String,
    /// Word tokens in order.
    pub toks: Vec<Tok>,
    /// Tokens belonging to the release group; ignored by detectors.
    pub excluded: Vec<bool>,
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '\'' || c == '\u{2019}'
}

impl<'a> Tokens<'a> {
    /// Tokenise `body`.
    pub fn new(body: &'a str) -> Self {
        let mut toks = Vec::with_capacity(body.len() / 4 + 4);
        let mut start: Option<usize> = None;
        let bytes = body.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            // ASCII bytes classify directly; other characters are decoded.
            let (word, len) = if bytes[i] < 0x80 {
                (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'\'', 1)
            } else {
                match body[i..].chars().next() {
                    Some(c) => (is_word_char(c), c.len_utf8()),
                    None => break,
                }
            };
            if word {
                if start.is_none() {
                    start = Some(i);
                }
            } else if let Some(s) = start.take() {
                toks.push(Tok { start: s, end: i });
                if toks.len() >= MAX_TOKENS {
                    break;
                }
            }
            i += len;
        }
        if let Some(s) = start {
            if toks.len() < MAX_TOKENS {
                toks.push(Tok {
                    start: s,
                    end: body.len(),
                });
            }
        }
        let excluded = vec![false; toks.len()];
        Tokens {
            body,
            lower: body.to_ascii_lowercase(),
            toks,
            excluded,
        }
    }

    /// Number of tokens.
    pub fn len(&self) -> usize {
        self.toks.len()
    }

    /// Lower-cased text of token `i` ("" when out of range).
    pub fn low(&self, i: usize) -> &str {
        self.toks
            .get(i)
            .map(|t| &self.lower[t.start..t.end])
            .unwrap_or("")
    }

    /// Original text of token `i` ("" when out of range).
    pub fn raw(&self, i: usize) -> &str {
        self.toks
            .get(i)
            .map(|t| &self.body[t.start..t.end])
            .unwrap_or("")
    }

    /// The character right after token `i`, if any.
    pub fn after(&self, i: usize) -> Option<char> {
        self.toks
            .get(i)
            .and_then(|t| self.body[t.end..].chars().next())
    }

    /// The character right before token `i`, if any.
    pub fn before(&self, i: usize) -> Option<char> {
        self.toks
            .get(i)
            .and_then(|t| self.body[..t.start].chars().next_back())
    }

    /// True when tokens `i` and `i + 1` are joined by exactly one separator
    /// character (so `WEB-DL`, `WEB.DL`, `WEB DL` all count as a pair).
    pub fn adjacent(&self, i: usize) -> bool {
        match (self.toks.get(i), self.toks.get(i + 1)) {
            (Some(a), Some(b)) => {
                let gap = &self.body.as_bytes()[a.end..b.start];
                // One byte, or one multi-byte character (its lead byte first).
                gap.len() == 1
                    || (gap.len() > 1
                        && gap.len() <= 4
                        && gap[1..].iter().all(|c| c & 0xC0 == 0x80)
                        && gap[0] >= 0xC0)
            }
            _ => false,
        }
    }

    /// Lower-cased text of token `i + 1` when it directly follows token `i`.
    pub fn next_low(&self, i: usize) -> &str {
        if self.adjacent(i) {
            self.low(i + 1)
        } else {
            ""
        }
    }

    /// True when token `i` is usable by detectors (exists, not the group).
    pub fn usable(&self, i: usize) -> bool {
        i < self.toks.len() && !self.excluded[i]
    }
}

/// Split a token like `dd5`, `aac2`, `ddp5` into its letters and a trailing
/// single digit (`("dd", Some(5))`).
pub(crate) fn split_trailing_digit(w: &str) -> (&str, Option<u8>) {
    let b = w.as_bytes();
    if b.len() >= 2 && b[b.len() - 1].is_ascii_digit() && !b[b.len() - 2].is_ascii_digit() {
        (&w[..w.len() - 1], Some(b[b.len() - 1] - b'0'))
    } else {
        (w, None)
    }
}
