//! Info-hash helpers: the BitTorrent v1 info-hash is the key that makes every qBittorrent
//! operation idempotent (journal dedupe, "is it already there?" checks), so we compute it
//! ourselves from a magnet link or from `.torrent` bytes before anything touches the network.

use std::fmt;

/// Why `.torrent` bytes could not yield an info-hash; the grab is refused before it is journaled.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid .torrent: {0}")]
pub struct InvalidTorrent(pub String);

/// Nesting deeper than this is refused, so a hostile file cannot overflow the stack.
const MAX_DEPTH: u32 = 64;

/// The lowercase hex v1 info-hash (`xt=urn:btih:`) of a magnet link, accepting the 40-char hex
/// and the 32-char base32 forms; `None` when the link has no usable btih.
pub fn magnet_info_hash(magnet: &str) -> Option<String> {
    let query = magnet.strip_prefix("magnet:?").or_else(|| {
        let lower = magnet.get(..8)?.to_ascii_lowercase();
        (lower == "magnet:?").then(|| &magnet[8..])
    })?;
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .filter(|(k, _)| k.eq_ignore_ascii_case("xt"))
        .find_map(|(_, v)| {
            let v = percent_decode(v);
            let lower = v.to_ascii_lowercase();
            normalize_info_hash(lower.strip_prefix("urn:btih:")?)
        })
}

/// Normalizes an info-hash to 40 lowercase hex digits; accepts hex (any case) or the
/// 32-character base32 form used in some magnets. Anything else is `None`.
pub fn normalize_info_hash(raw: &str) -> Option<String> {
    let raw = raw.trim();
    match raw.len() {
        40 if raw.bytes().all(|b| b.is_ascii_hexdigit()) => Some(raw.to_ascii_lowercase()),
        32 => base32_decode(raw).map(hex::encode),
        _ => None,
    }
}

/// The lowercase hex v1 info-hash of a `.torrent` file: SHA-1 of the raw bencoded `info` value.
pub fn torrent_info_hash(bytes: &[u8]) -> Result<String, InvalidTorrent> {
    let (start, end) = info_span(bytes)?;
    Ok(hex::encode(sha1(&bytes[start..end])))
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        match (
            b[i],
            b.get(i + 1).and_then(|&c| hex(c)),
            b.get(i + 2).and_then(|&c| hex(c)),
        ) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (c, _, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// RFC 4648 base32 (case-insensitive, no padding) of exactly 20 bytes.
fn base32_decode(s: &str) -> Option<[u8; 20]> {
    let mut out = [0u8; 20];
    let (mut acc, mut bits, mut n) = (0u64, 0u32, 0usize);
    for c in s.bytes() {
        let v = match c.to_ascii_uppercase() {
            c @ b'A'..=b'Z' => c - b'A',
            c @ b'2'..=b'7' => c - b'2' + 26,
            _ => return None,
        };
        acc = (acc << 5) | u64::from(v);
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            *out.get_mut(n)? = (acc >> bits) as u8;
            n += 1;
        }
    }
    (n == 20).then_some(out)
}

/// A position-carrying bencode error.
struct At(usize, &'static str);

impl fmt::Display for At {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at byte {}", self.1, self.0)
    }
}

/// Byte range of the top-level `info` dictionary's raw encoding.
fn info_span(b: &[u8]) -> Result<(usize, usize), InvalidTorrent> {
    let bad = |e: At| InvalidTorrent(e.to_string());
    if b.first() != Some(&b'd') {
        return Err(InvalidTorrent("not a bencoded dictionary".into()));
    }
    let mut pos = 1;
    let mut found = None;
    loop {
        match b.get(pos) {
            None => return Err(bad(At(pos, "unterminated dictionary"))),
            Some(b'e') => break,
            Some(_) => {
                let (key, after_key) = string(b, pos).map_err(bad)?;
                let end = skip(b, after_key, 1).map_err(bad)?;
                if key == b"info" && found.is_none() {
                    if b[after_key] != b'd' {
                        return Err(InvalidTorrent("`info` is not a dictionary".into()));
                    }
                    found = Some((after_key, end));
                }
                pos = end;
            }
        }
    }
    found.ok_or_else(|| InvalidTorrent("no `info` dictionary".into()))
}

/// Parses a byte string at `pos`; returns it and the position after it.
fn string(b: &[u8], pos: usize) -> Result<(&[u8], usize), At> {
    let colon = b[pos..]
        .iter()
        .position(|&c| c == b':')
        .map(|i| pos + i)
        .ok_or(At(pos, "string without ':'"))?;
    let digits = &b[pos..colon];
    if digits.is_empty() || digits.len() > 12 || !digits.iter().all(u8::is_ascii_digit) {
        return Err(At(pos, "bad string length"));
    }
    let len: usize = std::str::from_utf8(digits)
        .ok()
        .and_then(|s| s.parse().ok())
        .ok_or(At(pos, "bad string length"))?;
    let end = (colon + 1)
        .checked_add(len)
        .filter(|&e| e <= b.len())
        .ok_or(At(pos, "string runs past the end"))?;
    Ok((&b[colon + 1..end], end))
}

/// Skips one bencoded value starting at `pos`; returns the position after it.
fn skip(b: &[u8], pos: usize, depth: u32) -> Result<usize, At> {
    if depth > MAX_DEPTH {
        return Err(At(pos, "nesting too deep"));
    }
    match b.get(pos) {
        Some(b'i') => {
            let end = b[pos..]
                .iter()
                .position(|&c| c == b'e')
                .map(|i| pos + i)
                .ok_or(At(pos, "unterminated integer"))?;
            let digits = &b[pos + 1..end];
            let digits = digits.strip_prefix(b"-").unwrap_or(digits);
            if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
                return Err(At(pos, "bad integer"));
            }
            Ok(end + 1)
        }
        Some(c @ (b'l' | b'd')) => {
            let dict = *c == b'd';
            let mut p = pos + 1;
            loop {
                match b.get(p) {
                    None => return Err(At(p, "unterminated list or dictionary")),
                    Some(b'e') => return Ok(p + 1),
                    Some(_) if dict => p = skip(b, string(b, p)?.1, depth + 1)?,
                    Some(_) => p = skip(b, p, depth + 1)?,
                }
            }
        }
        Some(b'0'..=b'9') => Ok(string(b, pos)?.1),
        Some(_) => Err(At(pos, "unexpected byte")),
        None => Err(At(pos, "value missing")),
    }
}

/// SHA-1 (FIPS 180-4). Only for info-hashes, which BitTorrent v1 defines with it; not for security.
pub fn sha1(data: &[u8]) -> [u8; 20] {
    let mut h: [u32; 5] = [
        0x6745_2301,
        0xEFCD_AB89,
        0x98BA_DCFE,
        0x1032_5476,
        0xC3D2_E1F0,
    ];
    let mut msg = data.to_vec();
    msg.push(0x80);
    while msg.len() % 64 != 56 {
        msg.push(0);
    }
    msg.extend_from_slice(&((data.len() as u64).wrapping_mul(8)).to_be_bytes());
    for block in msg.chunks_exact(64) {
        let mut w = [0u32; 80];
        for (slot, word) in w.iter_mut().zip(block.chunks_exact(4)) {
            *slot = u32::from_be_bytes([word[0], word[1], word[2], word[3]]);
        }
        for i in 16..80 {
            w[i] = (w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16]).rotate_left(1);
        }
        let [mut a, mut b, mut c, mut d, mut e] = h;
        for (i, wi) in w.iter().enumerate() {
            let (f, k) = match i {
                0..=19 => ((b & c) | (!b & d), 0x5A82_7999),
                20..=39 => (b ^ c ^ d, 0x6ED9_EBA1),
                40..=59 => ((b & c) | (b & d) | (c & d), 0x8F1B_BCDC),
                _ => (b ^ c ^ d, 0xCA62_C1D6),
            };
            let t = a
                .rotate_left(5)
                .wrapping_add(f)
                .wrapping_add(e)
                .wrapping_add(k)
                .wrapping_add(*wi);
            (e, d, c, b, a) = (d, c, b.rotate_left(30), a, t);
        }
        for (hv, v) in h.iter_mut().zip([a, b, c, d, e]) {
            *hv = hv.wrapping_add(v);
        }
    }
    let mut out = [0u8; 20];
    for (chunk, v) in out.chunks_exact_mut(4).zip(h) {
        chunk.copy_from_slice(&v.to_be_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha1_matches_the_standard_vectors() {
        let hx = |d: &[u8]| hex::encode(sha1(d));
        assert_eq!(hx(b""), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
        assert_eq!(hx(b"abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
        assert_eq!(
            hx(b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "84983e441c3bd26ebaae4aa1f95129e5e54670f1"
        );
        // Computed independently with Python's hashlib (multi-block input).
        assert_eq!(
            hx(&[b'a'; 1000]),
            "291e9a6c66994949b57ba5e650361e98fc36b1ba"
        );
    }

    #[test]
    fn magnet_hex_and_base32_forms() {
        let hex = "C12FE1C06BBA254A9DC9F519B335AA7C1367A88A";
        let want = hex.to_ascii_lowercase();
        assert_eq!(
            magnet_info_hash(&format!("magnet:?xt=urn:btih:{hex}&dn=x")).as_deref(),
            Some(want.as_str())
        );
        assert_eq!(
            magnet_info_hash("magnet:?dn=x&xt=urn:btih:YEX6DQDLXISUVHOJ6UM3GNNKPQJWPKEK")
                .as_deref(),
            Some(want.as_str())
        );
        assert_eq!(
            magnet_info_hash("magnet:?xt=urn%3Abtih%3Ayex6dqdlxisuvhoj6um3gnnkpqjwpkek").as_deref(),
            Some(want.as_str())
        );
        assert_eq!(magnet_info_hash("magnet:?xt=urn:btih:abc"), None);
        assert_eq!(
            magnet_info_hash("magnet:?xt=urn:btih:YEX6DQDLXISUVHOJ6UM3GNNKPQJWPKE1"),
            None
        );
        assert_eq!(
            magnet_info_hash("http://example/?xt=urn:btih:".to_string().as_str()),
            None
        );
        assert_eq!(
            magnet_info_hash(&format!("magnet:?xt=urn:btih:{}", "g".repeat(40))),
            None
        );
    }

    /// A tiny single-file torrent whose `info` dict we know byte for byte.
    pub(crate) const DEMO_INFO: &[u8] =
        b"d6:lengthi16384e4:name8:demo.bin12:piece lengthi16384e6:pieces20:ABCDEFGHIJKLMNOPQRSTe";

    #[test]
    fn torrent_info_hash_is_sha1_of_the_raw_info_dict() {
        let mut t = b"d8:announce22:http://127.0.0.1:1/ann7:comment5:hello4:info".to_vec();
        t.extend_from_slice(DEMO_INFO);
        t.extend_from_slice(b"5:ziggyli1ei-2eee");
        // Python: hashlib.sha1(DEMO_INFO).hexdigest()
        assert_eq!(
            torrent_info_hash(&t).unwrap(),
            "fb9d9d51774faf43d334c582c4b902b76b7ec616"
        );
    }

    #[test]
    fn torrent_errors_are_reported() {
        assert!(torrent_info_hash(b"").is_err());
        assert!(torrent_info_hash(b"garbage").is_err());
        assert!(torrent_info_hash(b"d4:infoi1ee").is_err());
        assert!(torrent_info_hash(b"d3:foo3:bare").is_err());
        assert!(torrent_info_hash(b"d4:infod4:name").is_err());
        assert!(torrent_info_hash(b"d4:infod4:name99:xee").is_err());
        let deep = format!("d4:infod1:x{}{}ee", "l".repeat(200), "e".repeat(200));
        let err = torrent_info_hash(deep.as_bytes()).unwrap_err();
        assert!(err.0.contains("nesting too deep"), "{err}");
        assert!(torrent_info_hash(deep.as_bytes()).is_err());
        assert!(torrent_info_hash(b"d4:infod4:name1:xee").is_ok());
    }
}
