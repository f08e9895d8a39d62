//! Issue 2 acceptance: the real binary, started on 127.0.0.1:0 with a private data dir.

mod auth;
mod bad_input;
mod config_cli;
mod connections;
mod csrf;
mod logging;
mod startup;
mod ui_assets;
