//! reelarr: a single-binary, Radarr-compatible movie-collection manager whose every external
//! dependency sits behind a circuit breaker with a real fallback.

pub mod alerts;
pub mod app;
pub mod auth;
pub mod breaker;
pub mod clients;
pub mod commands;
pub mod config;
pub mod domain;
pub mod health;
pub mod http;
pub mod journal;
pub mod metrics;
pub mod services;
pub mod sqlite;
pub mod state;
pub mod store;
pub mod telemetry;
