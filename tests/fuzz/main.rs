//! Property-based fuzzing of what reelarr reads from outside (issue 12): .torrent files (bencode),
//! the TOML config and environment, and the JSON bodies of the API, through the real server. The
//! release parser, Torznab XML and HDBits JSON have their own proptests next to their code.
//!
//! The test command runs a short pass (`PROPTEST_CASES` unset: the counts below). A long run:
//! `PROPTEST_CASES=100000 cargo test --release --test fuzz -- --nocapture` (about ten minutes per
//! target on two cores). Failures are kept in `proptest-regressions/` and replayed first.

mod api_bodies;
mod bencode;
mod config;

/// Cases for a property: `PROPTEST_CASES` when set (long runs), otherwise `short`.
fn cases(short: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(short)
}
