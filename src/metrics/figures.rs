//! The seed's figures in the exposition: each breaker's availability per window, the length of
//! its last outage, and the histogram of outage lengths (issue 17). Read from the saved figures,
//! so they survive restarts like the file does.

use super::{escape, header};
use crate::breaker::{Figures, Registry, RECOVERY_BUCKETS_SECONDS};
use std::fmt::Write;

/// Appends the three families for every registered breaker to `o`.
pub fn render_figures(o: &mut String, registry: &Registry, figures: &Figures) {
    let figs: Vec<_> = registry
        .all()
        .iter()
        .map(|b| (escape(b.name()), figures.service(b.name())))
        .collect();
    header(
        o,
        "reelarr_circuit_breaker_availability_ratio",
        "gauge",
        "Share (0-1) of the observed time the breaker was closed, over the window (1h, 24h, 7d); kept across restarts.",
    );
    for (svc, f) in &figs {
        for (window, share) in &f.availability {
            let _ = writeln!(
                o,
                "reelarr_circuit_breaker_availability_ratio{{service=\"{svc}\",window=\"{window}\"}} {share}"
            );
        }
    }
    header(
        o,
        "reelarr_circuit_breaker_last_recovery_seconds",
        "gauge",
        "Length of the breaker's last outage, from leaving closed to closed again.",
    );
    for (svc, f) in &figs {
        if let Some(s) = f.recovery.last_seconds {
            let _ = writeln!(
                o,
                "reelarr_circuit_breaker_last_recovery_seconds{{service=\"{svc}\"}} {s}"
            );
        }
    }
    header(
        o,
        "reelarr_circuit_breaker_recovery_seconds",
        "histogram",
        "Lengths of the breaker's outages (open to closed); kept across restarts.",
    );
    for (svc, f) in &figs {
        let r = &f.recovery;
        for (le, n) in RECOVERY_BUCKETS_SECONDS.iter().zip(&r.cumulative) {
            let _ = writeln!(
                o,
                "reelarr_circuit_breaker_recovery_seconds_bucket{{service=\"{svc}\",le=\"{le}\"}} {n}"
            );
        }
        let _ = writeln!(
            o,
            "reelarr_circuit_breaker_recovery_seconds_bucket{{service=\"{svc}\",le=\"+Inf\"}} {}",
            r.count
        );
        let _ = writeln!(
            o,
            "reelarr_circuit_breaker_recovery_seconds_sum{{service=\"{svc}\"}} {}",
            r.sum_seconds
        );
        let _ = writeln!(
            o,
            "reelarr_circuit_breaker_recovery_seconds_count{{service=\"{svc}\"}} {}",
            r.count
        );
    }
}
