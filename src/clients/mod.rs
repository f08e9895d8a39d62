//! Clients of external services. Each has a base URL, credentials and a timeout, returns typed
//! errors naming the service, and is called through that service's circuit breaker.

pub mod factory;
pub mod hdbits;
pub mod http;
pub mod images;
pub mod qbittorrent;
pub mod release;
pub mod tmdb;
pub mod torznab;
pub mod webhook;
