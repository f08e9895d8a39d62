//! Fake-server tests of the qBittorrent client.
