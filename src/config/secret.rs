//! A string that must never be shown: API keys, passkeys, passwords.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use subtle::ConstantTimeEq;

/// Holds a credential so that `Debug`/`Display` (and therefore every log line, error message and
/// `{:?}` in a panic) print `[redacted]` instead of the value. Only `expose()` reveals it, which makes
/// every place that really needs the value easy to find with grep.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a value; surrounding whitespace (a trailing newline from a `*_FILE`) is trimmed.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into().trim().to_string())
    }

    /// The raw value, for the one call that must send it (an HTTP header, a form field, a hash check).
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// An empty secret means "not configured".
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Compares in constant time so that an attacker timing responses learns nothing about the value.
    pub fn ct_eq(&self, candidate: &str) -> bool {
        !self.0.is_empty() && self.0.as_bytes().ct_eq(candidate.as_bytes()).into()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_empty() {
            "[empty]"
        } else {
            "[redacted]"
        })
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

/// Serialization writes the real value: it exists only so the config file writer can persist it.
/// API response types never contain a `Secret`.
impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(Secret::new)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_never_show_the_value() {
        let s = Secret::new("hunter2");
        assert_eq!(format!("{s:?}"), "[redacted]");
        assert_eq!(format!("{s}"), "[redacted]");
        assert_eq!(s.expose(), "hunter2");
        assert!(!format!("{:?}", Some(&s)).contains("hunter2"));
    }

    #[test]
    fn constant_time_compare() {
        let s = Secret::new("abc");
        assert!(s.ct_eq("abc"));
        assert!(!s.ct_eq("abd"));
        assert!(!s.ct_eq("ab"));
        assert!(!Secret::default().ct_eq(""));
    }
}
