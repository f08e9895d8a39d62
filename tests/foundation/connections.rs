//! Slow and idle clients cannot hold the server (issue 12): silent connections, headers sent a
//! byte at a time and idle keep-alive connections are closed after `header_read_timeout_seconds`;
//! connections over the cap are answered 503 at once; and with a 256-file limit, hundreds of idle
//! connections do not stop `/health` from answering.

use reelarr_testkit::app::{client, command, write_config, Server};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::os::unix::process::CommandExt;
use std::process::Stdio;
use std::time::{Duration, Instant};

fn addr(s: &Server) -> String {
    s.base.trim_start_matches("http://").to_string()
}

/// Reads until the server closes the connection; returns what it sent, or None if it stayed
/// open past `limit`.
fn read_until_closed(conn: &mut TcpStream, limit: Duration) -> Option<String> {
    conn.set_read_timeout(Some(limit)).unwrap();
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match conn.read(&mut buf) {
            Ok(0) => return Some(String::from_utf8_lossy(&got).into_owned()),
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => {
                return Some(String::from_utf8_lossy(&got).into_owned())
            }
            Err(_) => return None,
        }
    }
}

#[test]
fn silent_slow_and_idle_connections_are_closed() {
    let dir = tempfile::tempdir().unwrap();
    write_config(dir.path(), "server.header_read_timeout_seconds = 1\n");
    let s = Server::start(dir.path(), &[]);
    // Says nothing at all.
    let mut silent = TcpStream::connect(addr(&s)).unwrap();
    // Sends half a request head and stops (slowloris).
    let mut slow = TcpStream::connect(addr(&s)).unwrap();
    slow.write_all(b"GET /health HTTP/1.1\r\nHost: x\r\n")
        .unwrap();
    // A keep-alive connection that had one answer and then goes idle.
    let mut idle = TcpStream::connect(addr(&s)).unwrap();
    idle.write_all(b"GET /ping HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    let mut first = [0u8; 512];
    assert!(
        idle.read(&mut first).unwrap() > 0,
        "the first request is answered"
    );
    for (name, conn) in [
        ("silent", &mut silent),
        ("slow", &mut slow),
        ("idle", &mut idle),
    ] {
        assert!(
            read_until_closed(conn, Duration::from_secs(10)).is_some(),
            "the {name} connection was still open after 10 s (timeout is 1 s)"
        );
    }
    s.stop();
}

#[tokio::test]
async fn connections_over_the_cap_get_503_and_health_still_answers() {
    let dir = tempfile::tempdir().unwrap();
    write_config(
        dir.path(),
        "server.max_connections = 20\nserver.header_read_timeout_seconds = 60\n",
    );
    let s = Server::start(dir.path(), &[]);
    let idle: Vec<TcpStream> = (0..20)
        .map(|_| TcpStream::connect(addr(&s)).unwrap())
        .collect();
    // Let the server accept them all.
    std::thread::sleep(Duration::from_millis(300));
    let mut over = TcpStream::connect(addr(&s)).unwrap();
    let _ = over.write_all(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
    let answer = read_until_closed(&mut over, Duration::from_secs(5)).expect("closed at once");
    assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
    assert!(answer.contains("too_many_connections"), "{answer}");
    assert!(
        answer.to_ascii_lowercase().contains("retry-after: 1"),
        "{answer}"
    );
    drop(idle);
    let mut ok = false;
    for _ in 0..50 {
        if let Ok(r) = client().get(s.url("/health")).send().await {
            if r.status() == 200 {
                ok = true;
                break;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(ok, "/health answers again once the idle clients leave");
    s.stop();
}

#[tokio::test]
async fn hundreds_of_idle_connections_under_a_256_file_limit() {
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let base = format!("127.0.0.1:{port}");
    let mut cmd = command(dir.path(), &[]);
    cmd.args(["serve", "--bind", &base])
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    // SAFETY: the closure runs in the forked child before exec and only calls setrlimit, which is
    // async-signal-safe, on a struct on its own stack.
    unsafe {
        cmd.pre_exec(|| {
            let lim = libc::rlimit {
                rlim_cur: 256,
                rlim_max: 256,
            };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &lim) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let mut child = cmd.spawn().unwrap();
    let health = format!("http://{base}/health");
    let deadline = Instant::now() + Duration::from_secs(30);
    while client().get(&health).send().await.is_err() {
        assert!(Instant::now() < deadline, "reelarr did not start");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // More idle connections than the process has file descriptors.
    let idle: Vec<TcpStream> = (0..360)
        .filter_map(|_| TcpStream::connect(&base).ok())
        .collect();
    assert!(idle.len() > 300, "opened {} connections", idle.len());
    std::thread::sleep(Duration::from_millis(300));
    let quick = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let mut answered = 0;
    for _ in 0..20 {
        // Fresh connection each time (the pool may hold one), so each is a new accept.
        let r = quick
            .get(&health)
            .header("Connection", "close")
            .send()
            .await;
        match &r {
            Ok(r) if r.status() == 200 || r.status() == 503 => answered += 1,
            other => eprintln!("/health: {other:?}"),
        }
    }
    let alive = child.try_wait().unwrap().is_none();
    drop(idle);
    let _ = child.kill();
    let _ = child.wait();
    assert!(alive, "reelarr exited under 360 idle connections");
    assert_eq!(
        answered, 20,
        "every /health got an answer (200, or 503 when over the cap)"
    );
}
