//! reelarr: a single-binary, Radarr-compatible movie-collection manager whose every external
//! dependency sits behind a circuit breaker with a real fallback.

pub mod app;
pub mod auth;
pub mod commands;
pub mod config;
pub mod http;
pub mod server;
pub mod store;
pub mod telemetry;
