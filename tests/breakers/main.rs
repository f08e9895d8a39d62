//! Issue 3 acceptance: breakers through the real binary and fake peers on 127.0.0.1.

#[path = "../common/mod.rs"]
mod common;

mod api;
mod live_config;
mod peers;
