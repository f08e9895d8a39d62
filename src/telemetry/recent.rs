//! The most recent log records kept in memory, for `GET /api/v3/log` and the System page's
//! "Logs" part. A `tracing` layer behind the same filter as the log output copies each event's
//! formatted text (message then `key=value` fields, as the text log line writes them — so it
//! holds exactly what the log already holds, and nothing logged is a secret) into a bounded ring.
//! Recording never blocks logging for longer than one push under a short lock, and never fails.

use chrono::{DateTime, Utc};
use parking_lot::Mutex;
use std::collections::VecDeque;
use std::fmt::Write as _;
use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::layer::{Context, Layer};

/// How many records are kept; older ones are dropped first.
pub const CAPACITY: usize = 1000;

/// One log record as the API shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct LogRecord {
    /// Increases by one per record over the process's life.
    pub id: u64,
    pub time: DateTime<Utc>,
    /// `trace`, `debug`, `info`, `warn` or `error`.
    pub level: &'static str,
    /// The module that logged (the event's target).
    pub logger: String,
    pub message: String,
}

/// The ring and the next id, behind one lock.
struct Ring {
    records: VecDeque<LogRecord>,
    next_id: u64,
}

static RING: Mutex<Ring> = Mutex::new(Ring {
    records: VecDeque::new(),
    next_id: 1,
});

/// A copy of the kept records, oldest first.
pub fn snapshot() -> Vec<LogRecord> {
    RING.lock().records.iter().cloned().collect()
}

/// Appends one record, dropping the oldest when full. The lock is held for the push only.
fn push(time: DateTime<Utc>, level: &'static str, logger: String, message: String) {
    let mut ring = RING.lock();
    let id = ring.next_id;
    ring.next_id += 1;
    if ring.records.len() >= CAPACITY {
        ring.records.pop_front();
    }
    ring.records.push_back(LogRecord {
        id,
        time,
        level,
        logger,
        message,
    });
}

/// Radarr's name for a level (lower case, `warn` not `warning`).
pub fn level_name(l: &Level) -> &'static str {
    match *l {
        Level::TRACE => "trace",
        Level::DEBUG => "debug",
        Level::INFO => "info",
        Level::WARN => "warn",
        _ => "error",
    }
}

/// The layer that fills the ring; added next to the log output in `telemetry::init`.
pub struct RecentLayer;

impl<S: Subscriber> Layer<S> for RecentLayer {
    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        let mut text = Text::default();
        event.record(&mut text);
        let meta = event.metadata();
        push(
            Utc::now(),
            level_name(meta.level()),
            meta.target().to_string(),
            text.finish(),
        );
    }
}

/// The event's message followed by its other fields as `key=value`, like the text log line.
#[derive(Default)]
struct Text {
    message: String,
    fields: String,
}

impl Text {
    fn finish(self) -> String {
        match (self.message.is_empty(), self.fields.is_empty()) {
            (_, true) => self.message,
            (true, false) => self.fields,
            (false, false) => format!("{} {}", self.message, self.fields),
        }
    }
}

impl Visit for Text {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.message.push_str(value);
        } else {
            self.record_debug(field, &value);
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            let _ = write!(self.message, "{value:?}");
            return;
        }
        if !self.fields.is_empty() {
            self.fields.push(' ');
        }
        let _ = write!(self.fields, "{}={value:?}", field.name());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tracing_subscriber::layer::SubscriberExt;

    #[test]
    fn events_are_kept_formatted_and_bounded() {
        let sub = tracing_subscriber::registry().with(RecentLayer);
        tracing::subscriber::with_default(sub, || {
            tracing::warn!(client = %"127.0.0.1", n = 3, "recent-test failed login");
            for i in 0..CAPACITY {
                tracing::info!(target: "recent_test_fill", "fill {i}");
            }
        });
        let all = snapshot();
        assert_eq!(all.len(), CAPACITY);
        let fill = format!("fill {}", CAPACITY - 1);
        assert!(all
            .iter()
            .any(|r| r.level == "info" && r.logger == "recent_test_fill" && r.message == fill));
        assert!(all.windows(2).all(|w| w[0].id < w[1].id));
        let mut t = Text::default();
        t.message.push_str("failed login");
        t.fields.push_str("client=127.0.0.1");
        assert_eq!(t.finish(), "failed login client=127.0.0.1");
    }
}
