//! Prometheus text exposition (format 0.0.4) of breaker states, transitions, external calls and
//! their latency, the retry queue, HTTP requests, and the process. Rendered on demand from the
//! breakers' atomics; the only state kept here is the HTTP request counter.

mod figures;

pub use figures::render_figures;

use crate::breaker::{BreakerState, Registry};
use crate::health::{ProcessInfo, RetryQueue};
use parking_lot::Mutex;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::atomic::Ordering;

/// Most distinct `route` labels kept; beyond that requests count under `route="other"`.
const MAX_ROUTES: usize = 200;

/// `reelarr_http_requests_total{route,status}`.
#[derive(Default)]
pub struct HttpMetrics {
    counts: Mutex<BTreeMap<(String, u16), u64>>,
}

impl HttpMetrics {
    /// Counts one answered request under its normalised route.
    pub fn record(&self, path: &str, status: u16) {
        let mut route = route_label(path);
        let mut map = self.counts.lock();
        if map.len() >= MAX_ROUTES && !map.contains_key(&(route.clone(), status)) {
            route = "other".into();
        }
        *map.entry((route, status)).or_insert(0) += 1;
    }
}

/// Replaces ids in a path so labels stay few: `/api/v3/movie/12` → `/api/v3/movie/{id}`.
pub fn route_label(path: &str) -> String {
    if path.starts_with("/static/") {
        return "/static/{file}".into();
    }
    let known = ["/api/", "/health", "/ping", "/metrics", "/login", "/logout"];
    if path != "/" && !known.iter().any(|k| path.starts_with(k)) {
        return "unmatched".into();
    }
    path.split('/')
        .map(|seg| {
            if !seg.is_empty() && seg.chars().all(|c| c.is_ascii_digit()) {
                "{id}"
            } else {
                seg
            }
        })
        .take(8)
        .collect::<Vec<_>>()
        .join("/")
}

fn escape(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

fn header(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}");
    let _ = writeln!(out, "# TYPE {name} {kind}");
}

/// The whole exposition, from the breakers, the HTTP counters, the process figures and the
/// retry queue's figures.
pub fn render(
    registry: &Registry,
    http: &HttpMetrics,
    process: &ProcessInfo,
    retry_queue: RetryQueue,
) -> String {
    let mut o = String::with_capacity(8192);
    let breakers = registry.all();
    let snaps: Vec<_> = breakers.iter().map(|b| b.snapshot()).collect();

    header(
        &mut o,
        "reelarr_circuit_breaker_state",
        "gauge",
        "Circuit breaker state: 1 for the current state, 0 for the others.",
    );
    for s in &snaps {
        for st in BreakerState::ALL {
            let _ = writeln!(
                o,
                "reelarr_circuit_breaker_state{{service=\"{}\",state=\"{}\"}} {}",
                escape(&s.service),
                st.as_str(),
                u8::from(s.state == st)
            );
        }
    }
    header(
        &mut o,
        "reelarr_circuit_breaker_transitions_total",
        "counter",
        "State transitions of each circuit breaker.",
    );
    for s in &snaps {
        let _ = writeln!(
            o,
            "reelarr_circuit_breaker_transitions_total{{service=\"{}\"}} {}",
            escape(&s.service),
            registry.transitions_total(&s.service)
        );
    }
    header(
        &mut o,
        "reelarr_circuit_breaker_failure_rate",
        "gauge",
        "Failed share (0-1) of the calls in the sliding window.",
    );
    for s in &snaps {
        let _ = writeln!(
            o,
            "reelarr_circuit_breaker_failure_rate{{service=\"{}\"}} {}",
            escape(&s.service),
            s.failure_rate
        );
    }
    header(
        &mut o,
        "reelarr_external_requests_total",
        "counter",
        "Calls to external services by outcome.",
    );
    for s in &snaps {
        for (outcome, n) in [
            ("success", s.success_count),
            ("failure", s.failures),
            ("rejected", s.rejected),
            ("ignored", s.ignored),
            ("misconfigured", s.misconfigured_calls),
        ] {
            let _ = writeln!(
                o,
                "reelarr_external_requests_total{{service=\"{}\",outcome=\"{outcome}\"}} {n}",
                escape(&s.service)
            );
        }
    }
    header(
        &mut o,
        "reelarr_external_request_duration_seconds",
        "histogram",
        "Latency of calls to external services.",
    );
    for b in &breakers {
        let h = b.latency_histogram();
        let svc = escape(b.name());
        for (i, le) in h.bounds_seconds.iter().enumerate() {
            let _ = writeln!(
                o,
                "reelarr_external_request_duration_seconds_bucket{{service=\"{svc}\",le=\"{le}\"}} {}",
                h.cumulative[i]
            );
        }
        let _ = writeln!(
            o,
            "reelarr_external_request_duration_seconds_bucket{{service=\"{svc}\",le=\"+Inf\"}} {}",
            h.count
        );
        let _ = writeln!(
            o,
            "reelarr_external_request_duration_seconds_sum{{service=\"{svc}\"}} {}",
            h.sum_seconds
        );
        let _ = writeln!(
            o,
            "reelarr_external_request_duration_seconds_count{{service=\"{svc}\"}} {}",
            h.count
        );
    }
    header(
        &mut o,
        "reelarr_retry_queue_depth",
        "gauge",
        "qBittorrent operations waiting in the retry journal.",
    );
    let _ = writeln!(o, "reelarr_retry_queue_depth {}", retry_queue.depth);
    header(
        &mut o,
        "reelarr_retry_queue_dead_letters",
        "gauge",
        "qBittorrent operations given up on (dead-lettered).",
    );
    let _ = writeln!(o, "reelarr_retry_queue_dead_letters {}", retry_queue.dead);
    header(
        &mut o,
        "reelarr_grabs_resent_total",
        "counter",
        "Grabs re-sent to qBittorrent because it forgot them after accepting them.",
    );
    let _ = writeln!(
        o,
        "reelarr_grabs_resent_total {}",
        retry_queue.resent_since_start
    );

    header(
        &mut o,
        "reelarr_http_requests_total",
        "counter",
        "HTTP requests answered, by route and status.",
    );
    for ((route, status), n) in http.counts.lock().iter() {
        let _ = writeln!(
            o,
            "reelarr_http_requests_total{{route=\"{}\",status=\"{status}\"}} {n}",
            escape(route)
        );
    }
    header(
        &mut o,
        "reelarr_http_connections",
        "gauge",
        "Open HTTP connections.",
    );
    let _ = writeln!(
        o,
        "reelarr_http_connections {}",
        process.connections.load(Ordering::Relaxed)
    );

    header(
        &mut o,
        "process_resident_memory_bytes",
        "gauge",
        "Resident memory size in bytes.",
    );
    let _ = writeln!(
        o,
        "process_resident_memory_bytes {}",
        crate::health::system::rss_bytes()
    );
    header(
        &mut o,
        "process_cpu_seconds_total",
        "counter",
        "Total user and system CPU time spent in seconds.",
    );
    let _ = writeln!(
        o,
        "process_cpu_seconds_total {}",
        crate::health::system::cpu_seconds()
    );
    header(
        &mut o,
        "process_start_time_seconds",
        "gauge",
        "Start time of the process since unix epoch in seconds.",
    );
    let _ = writeln!(
        o,
        "process_start_time_seconds {}",
        process.start_time.timestamp()
    );
    header(
        &mut o,
        "reelarr_log_lines_dropped_total",
        "counter",
        "Log lines lost because stderr could not be written.",
    );
    let _ = writeln!(
        o,
        "reelarr_log_lines_dropped_total {}",
        crate::telemetry::dropped_lines()
    );
    header(
        &mut o,
        "reelarr_notifications_dropped_total",
        "counter",
        "Notification deliveries dropped because the delivery queue was full.",
    );
    let _ = writeln!(
        o,
        "reelarr_notifications_dropped_total {}",
        crate::services::notify::dropped_total()
    );
    header(
        &mut o,
        "reelarr_notifications_failed_total",
        "counter",
        "Notification deliveries that failed after their retries or were refused by an open breaker.",
    );
    let _ = writeln!(
        o,
        "reelarr_notifications_failed_total {}",
        crate::services::notify::failed_total()
    );
    header(
        &mut o,
        "reelarr_uptime_seconds",
        "gauge",
        "Seconds since reelarr started.",
    );
    let _ = writeln!(
        o,
        "reelarr_uptime_seconds {}",
        process.started.elapsed().as_secs()
    );
    header(
        &mut o,
        "reelarr_build_info",
        "gauge",
        "Build information; always 1.",
    );
    let _ = writeln!(
        o,
        "reelarr_build_info{{version=\"{}\"}} 1",
        env!("CARGO_PKG_VERSION")
    );
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn route_labels_are_bounded() {
        assert_eq!(route_label("/api/v3/movie/12"), "/api/v3/movie/{id}");
        assert_eq!(route_label("/static/app.js"), "/static/{file}");
        assert_eq!(route_label("/wp-admin/x.php"), "unmatched");
        assert_eq!(route_label("/"), "/");
        let m = HttpMetrics::default();
        for i in 0..(MAX_ROUTES + 50) {
            m.record(&format!("/api/x{i}"), 404);
        }
        assert!(m.counts.lock().len() <= MAX_ROUTES + 1);
    }
}
