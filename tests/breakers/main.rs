//! Issue 3 acceptance: breakers through the real binary and fake peers on 127.0.0.1 (and issue
//! 17's adaptive thresholds).

mod adaptive;
mod alert_rules;
mod api;
mod chains;
mod figures;
mod live_config;
mod peers;
mod torznab_outage;
