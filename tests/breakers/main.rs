//! Issue 3 acceptance: breakers through the real binary and fake peers on 127.0.0.1.

mod api;
mod live_config;
mod peers;
