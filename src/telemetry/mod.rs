//! Logging setup: human text or JSON lines, level from `log.level` / `REELARR_LOG`.
//!
//! Logging must never take the server down: when stderr cannot be written (a log file on a full
//! disk, a closed pipe), the line is dropped and counted instead of failing the request that
//! logged it. tracing-subscriber reports its own write errors with `eprintln!`, which panics when
//! stderr is the thing that failed, so that report is switched off too.

pub mod recent;

use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

/// Log lines that could not be written (exported as `reelarr_log_lines_dropped_total`).
static DROPPED: AtomicU64 = AtomicU64::new(0);

/// How many log lines were lost because stderr could not be written.
pub fn dropped_lines() -> u64 {
    DROPPED.load(Ordering::Relaxed)
}

/// stderr that never reports an error to its caller: a failed write is counted and forgotten.
struct LossyStderr;

impl Write for LossyStderr {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if std::io::stderr().write_all(buf).is_err() {
            DROPPED.fetch_add(1, Ordering::Relaxed);
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        let _ = std::io::stderr().flush();
        Ok(())
    }
}

/// Writes one line to stderr for the command line's own messages, never panicking (unlike
/// `eprintln!`) when stderr is closed or on a full device.
pub fn say(line: std::fmt::Arguments<'_>) {
    let mut err = std::io::stderr().lock();
    if err
        .write_fmt(line)
        .and_then(|_| err.write_all(b"\n"))
        .is_err()
    {
        DROPPED.fetch_add(1, Ordering::Relaxed);
    }
}

/// Like `say`, on stdout (answers of `check-config` and `healthcheck`).
pub fn print(line: std::fmt::Arguments<'_>) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_fmt(line).and_then(|_| out.write_all(b"\n"));
}

/// Installs the global subscriber once: the log output plus the in-memory ring of recent
/// records ([`recent`]), both behind the same level filter. Later calls (tests) are ignored.
pub fn init(level: &str, format: &str) {
    let filter = EnvFilter::try_new(level).unwrap_or_else(|_| EnvFilter::new("info"));
    let out = tracing_subscriber::fmt::layer()
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .log_internal_errors(false)
        .with_writer(|| LossyStderr);
    let out = if format == "json" {
        out.json().flatten_event(true).boxed()
    } else {
        out.boxed()
    };
    let _ = tracing_subscriber::registry()
        .with(out.and_then(recent::RecentLayer).with_filter(filter))
        .try_init();
}

/// `eprintln!` that never panics: see [`say`].
#[macro_export]
macro_rules! say {
    ($($arg:tt)*) => { $crate::telemetry::say(format_args!($($arg)*)) };
}

/// `println!` that never panics: see [`print`].
#[macro_export]
macro_rules! say_out {
    ($($arg:tt)*) => { $crate::telemetry::print(format_args!($($arg)*)) };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_write_is_counted_not_returned() {
        // Whatever stderr is during tests, the writer reports the whole buffer written.
        assert_eq!(LossyStderr.write(b"x\n").unwrap(), 2);
        assert!(LossyStderr.flush().is_ok());
    }
}
