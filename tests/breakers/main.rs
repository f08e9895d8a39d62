//! Issue 3 acceptance: breakers through the real binary and fake peers on 127.0.0.1.

mod alert_rules;
mod api;
mod chains;
mod figures;
mod live_config;
mod peers;
