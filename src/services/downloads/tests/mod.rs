//! Tests of the download service through a qBittorrent peer: the testkit's scriptable fake
//! WebUI, and the real qbittorrent-nox (skipped loudly when it is not installed).

mod failover;
mod fake_peer;
mod real_peer;
