//! Issue 17, item 5: the Prometheus alerting rules shipped in `packaging/prometheus/` (the seed's
//! four recommended alerts) pass `promtool check rules` and their unit tests (`promtool test
//! rules`, synthetic outage series), and only use series `/metrics` exports.

use reelarr_testkit::app::*;
use std::path::Path;
use std::process::Command;

fn run(promtool: &Path, args: &[&str]) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("packaging/prometheus");
    let out = Command::new(promtool)
        .args(args)
        .current_dir(&dir)
        .output()
        .unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "promtool {args:?}:\n{text}");
    assert!(text.contains("SUCCESS"), "promtool {args:?}:\n{text}");
}

#[test]
fn alert_rules_pass_promtool_check_and_their_tests() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let rules = std::fs::read_to_string(root.join("packaging/prometheus/reelarr-alerts.yml"))
        .expect("the rules file");
    for alert in [
        "ReelarrCircuitBreakerOpen",
        "ReelarrHighFailureRate",
        "ReelarrCircuitBreakerOpenTooLong",
        "ReelarrCircuitBreakerRecovered",
    ] {
        assert!(
            rules.contains(&format!("alert: {alert}\n")),
            "{alert} missing"
        );
    }
    // Every series a rule reads is one the metrics endpoint writes.
    let metrics = std::fs::read_to_string(root.join("src/metrics.rs")).unwrap();
    for word in rules.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')) {
        if word.starts_with("reelarr_") {
            assert!(
                metrics.contains(&format!("\"{word}\"")),
                "{word} is not exported"
            );
        }
    }
    let Some(promtool) = tool_or_skip("promtool", "prometheus") else {
        return;
    };
    run(&promtool, &["check", "rules", "reelarr-alerts.yml"]);
    run(&promtool, &["test", "rules", "reelarr-alerts.test.yml"]);
}
