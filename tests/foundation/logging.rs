//! Logging must never take the server down (issue 12): with stderr on a full device, or a pipe
//! whose reader has gone, the server starts, answers every request and counts the lost lines.

use reelarr_testkit::app::{api_key_of, client, command};
use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Waits until `/health` answers, or the process exits (returns false).
async fn wait_healthy(child: &mut Child, base: &str) -> bool {
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if let Ok(Some(status)) = child.try_wait() {
            eprintln!("reelarr exited early: {status}");
            return false;
        }
        if let Ok(r) = client().get(format!("{base}/health")).send().await {
            if r.status().is_success() {
                return true;
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    false
}

/// Every one of `n` requests gets an answer (none loses its connection).
async fn all_answered(base: &str, n: usize) {
    for i in 0..n {
        let r = client()
            .get(format!("{base}/health"))
            .send()
            .await
            .unwrap_or_else(|e| panic!("request {i} lost its connection: {e}"));
        assert!(r.status().is_success(), "request {i}: {}", r.status());
    }
}

async fn dropped_lines(base: &str, key: &str) -> u64 {
    let text = client()
        .get(format!("{base}/metrics"))
        .header("X-Api-Key", key)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix("reelarr_log_lines_dropped_total "))
        .and_then(|v| v.trim().parse().ok())
        .expect("the dropped-lines counter is exported")
}

#[tokio::test]
async fn stderr_on_a_full_device_neither_stops_start_nor_requests() {
    let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
        eprintln!("SKIP: no /dev/full on this machine");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut child = command(dir.path(), &[])
        .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::null())
        .stderr(full)
        .spawn()
        .unwrap();
    let up = wait_healthy(&mut child, &base).await;
    if up {
        all_answered(&base, 50).await;
        assert!(dropped_lines(&base, &api_key_of(dir.path())).await > 0);
        assert!(child.try_wait().unwrap().is_none(), "still running");
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(up, "reelarr did not start with stderr on /dev/full");
}

#[tokio::test]
async fn a_closed_log_pipe_loses_lines_not_requests() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut child = command(dir.path(), &[])
        .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    // Read until the server listens, then close the read end: every later log write is EPIPE.
    let listening = std::thread::spawn(move || {
        let mut reader = BufReader::new(stderr);
        let mut line = String::new();
        while reader.read_line(&mut line).unwrap_or(0) > 0 {
            if line.contains("listening on http://") {
                return true;
            }
            line.clear();
        }
        false
    })
    .join()
    .unwrap();
    assert!(listening, "the server never said it listens");
    let up = wait_healthy(&mut child, &base).await;
    if up {
        all_answered(&base, 50).await;
        assert!(dropped_lines(&base, &api_key_of(dir.path())).await > 0);
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(up, "reelarr stopped answering once its log pipe closed");
}
