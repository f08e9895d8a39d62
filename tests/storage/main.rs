//! Issue 6, parts 6 and 7, through the real binary: seed scenario 3 (the database fails, the
//! breaker opens, reads are served read-only, writes are refused with Retry-After, grabs are
//! journaled, and everything comes back with nothing lost) on SQLite with a real lock held by
//! another process and on a real PostgreSQL that is stopped and started again; and the one-shot
//! `reelarr db copy` from SQLite into PostgreSQL. Issue 17: a start while PostgreSQL is down.

mod copy_cli;
mod degraded_start;
mod disk_full;
mod outage;
