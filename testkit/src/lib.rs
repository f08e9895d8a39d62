//! Test support for reelarr, kept out of the shipped crate: programmable fake peers, harnesses
//! that start the real qbittorrent-nox, PostgreSQL and the reelarr binary, and a checker of
//! responses against Radarr's OpenAPI document.
//!
//! Why a crate: unit tests in `src/` and integration tests in `tests/` share these, and a
//! dev-dependency is the one way both can without shipping them or including files by path.
//! Nothing here imports reelarr; where a fake must exceed one of its limits, reelarr's own
//! tests check the relation (see [`http_fake::OVERSIZED`]).

pub mod app;
pub mod http_fake;
pub mod openapi;
pub mod postgres;
pub mod qbit_fake;
pub mod qbittorrent;
pub mod routes;
pub mod tmpfs;
pub mod torznab;
