//! `.torrent` bytes: whatever arrives (upload, indexer download), the info-hash reader answers
//! Ok or a typed error, never panics, never recurses without bound, and agrees with itself.

use proptest::prelude::*;
use reelarr::clients::qbittorrent::torrent_info_hash;

/// A valid single-file torrent, the seed the mutations start from.
const SEED: &[u8] = b"d8:announce22:http://127.0.0.1:1/ann4:infod6:lengthi16384e4:name8:demo.bin12:piece lengthi16384e6:pieces20:ABCDEFGHIJKLMNOPQRSTee";

/// Bencode-ish values: the grammar's pieces in random order and nesting.
fn bencode() -> impl Strategy<Value = Vec<u8>> {
    let leaf = prop_oneof![
        any::<i64>().prop_map(|i| format!("i{i}e").into_bytes()),
        proptest::collection::vec(any::<u8>(), 0..24).prop_map(|s| {
            let mut v = format!("{}:", s.len()).into_bytes();
            v.extend(s);
            v
        }),
        Just(b"4:info".to_vec()),
        Just(b"i-0e".to_vec()),
        Just(b"99999999999999999999:x".to_vec()),
    ];
    leaf.prop_recursive(6, 64, 8, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(|items| {
                let mut v = b"l".to_vec();
                items.into_iter().for_each(|i| v.extend(i));
                v.push(b'e');
                v
            }),
            proptest::collection::vec(inner, 0..6).prop_map(|items| {
                let mut v = b"d".to_vec();
                items.into_iter().for_each(|i| v.extend(i));
                v.push(b'e');
                v
            }),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(super::cases(2000)))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = torrent_info_hash(&bytes);
    }

    #[test]
    fn bencode_shapes_never_panic(v in bencode()) {
        let _ = torrent_info_hash(&v);
        let mut wrapped = b"d4:info".to_vec();
        wrapped.extend(&v);
        wrapped.push(b'e');
        if let Ok(h) = torrent_info_hash(&wrapped) {
            prop_assert_eq!(h.len(), 40, "a hash is 40 hex characters");
            prop_assert_eq!(torrent_info_hash(&wrapped).unwrap(), h, "deterministic");
        }
    }

    #[test]
    fn mutated_torrents_never_panic(
        flips in proptest::collection::vec((0..SEED.len(), any::<u8>()), 1..8),
        cut in 0..=SEED.len(),
    ) {
        let mut t = SEED.to_vec();
        for (at, b) in flips {
            t[at] = b;
        }
        let _ = torrent_info_hash(&t);
        let _ = torrent_info_hash(&SEED[..cut]);
    }
}

#[test]
fn the_seed_is_a_valid_torrent() {
    assert!(torrent_info_hash(SEED).is_ok());
}
