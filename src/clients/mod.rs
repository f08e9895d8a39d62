//! Clients of external services. Each has a base URL, credentials and a timeout, returns typed
//! errors naming the service, and is called through that service's circuit breaker.

#[cfg(test)]
pub(crate) mod fakes;
pub mod hdbits;
pub mod http;
pub mod probe;
pub mod qbittorrent;
#[cfg(test)]
pub mod qbittorrent_harness;
pub mod release;
pub mod tmdb;
pub mod torznab;
