//! Builds a real multi-file .torrent for a payload already on disk, so qBittorrent can check it
//! to 100 % without any network (the "complete it offline" trick of issue 6).

use std::path::Path;

fn bstr(out: &mut Vec<u8>, s: &[u8]) {
    out.extend_from_slice(format!("{}:", s.len()).as_bytes());
    out.extend_from_slice(s);
}

fn bint(out: &mut Vec<u8>, i: u64) {
    out.extend_from_slice(format!("i{i}e").as_bytes());
}

/// Writes `files` (relative path, bytes) under `save_dir/name/` and returns the .torrent bytes
/// and the info-hash (lowercase hex).
pub fn make(save_dir: &Path, name: &str, files: &[(&str, Vec<u8>)]) -> (Vec<u8>, String) {
    const PIECE: usize = 16 * 1024;
    let mut all = Vec::new();
    for (rel, data) in files {
        let p = save_dir.join(name).join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, data).unwrap();
        all.extend_from_slice(data);
    }
    let mut pieces = Vec::new();
    for chunk in all.chunks(PIECE) {
        pieces.extend_from_slice(&reelarr::clients::qbittorrent::sha1(chunk));
    }
    // info: keys in sorted order (files, name, piece length, pieces).
    let mut info = b"d".to_vec();
    bstr(&mut info, b"files");
    info.push(b'l');
    for (rel, data) in files {
        info.push(b'd');
        bstr(&mut info, b"length");
        bint(&mut info, data.len() as u64);
        bstr(&mut info, b"path");
        info.push(b'l');
        for part in rel.split('/') {
            bstr(&mut info, part.as_bytes());
        }
        info.extend_from_slice(b"ee");
    }
    info.push(b'e');
    bstr(&mut info, b"name");
    bstr(&mut info, name.as_bytes());
    bstr(&mut info, b"piece length");
    bint(&mut info, PIECE as u64);
    bstr(&mut info, b"pieces");
    bstr(&mut info, &pieces);
    info.push(b'e');
    let hash = hex::encode(reelarr::clients::qbittorrent::sha1(&info));
    let mut t = b"d".to_vec();
    bstr(&mut t, b"info");
    t.extend_from_slice(&info);
    t.push(b'e');
    (t, hash)
}

/// Deterministic, incompressible-looking bytes.
pub fn payload(len: usize, seed: u8) -> Vec<u8> {
    let mut x: u32 = 0x9e37_79b9 ^ u32::from(seed);
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            (x >> 24) as u8
        })
        .collect()
}
