//! Test harness: runs the real `reelarr` binary on 127.0.0.1:0 with a private data dir and a clean
//! environment, captures its log, and stops it with real signals.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_reelarr");

/// A running reelarr process.
pub struct Server {
    pub child: Child,
    pub base: String,
    pub data_dir: PathBuf,
    log: Arc<Mutex<String>>,
}

/// A command for the binary with only PATH and HOME kept from our environment.
pub fn command(data_dir: &Path, envs: &[(&str, &str)]) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", data_dir)
        .env("REELARR_DATA_DIR", data_dir)
        .env("REELARR_LOG", "info");
    for (k, v) in envs {
        cmd.env(k, v);
    }
    cmd
}

impl Server {
    /// Starts `reelarr serve --bind 127.0.0.1:0` and waits until it listens.
    pub fn start(data_dir: &Path, envs: &[(&str, &str)]) -> Server {
        Self::try_start(data_dir, envs).unwrap_or_else(|log| panic!("server did not start:\n{log}"))
    }

    /// Like `start`, but returns the log if the process exits before listening.
    pub fn try_start(data_dir: &Path, envs: &[(&str, &str)]) -> Result<Server, String> {
        let mut child = command(data_dir, envs)
            .args(["serve", "--bind", "127.0.0.1:0"])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn reelarr");
        let log = Arc::new(Mutex::new(String::new()));
        let (tx, rx) = std::sync::mpsc::channel();
        let stderr = child.stderr.take().unwrap();
        let l2 = log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(i) = line.find("listening on http://") {
                    let addr = line[i + "listening on http://".len()..]
                        .split_whitespace()
                        .next()
                        .unwrap_or("")
                        .to_string();
                    let _ = tx.send(addr);
                }
                let mut g = l2.lock().unwrap();
                g.push_str(&line);
                g.push('\n');
            }
        });
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Ok(addr) = rx.recv_timeout(Duration::from_millis(50)) {
                return Ok(Server {
                    child,
                    base: format!("http://{addr}"),
                    data_dir: data_dir.to_path_buf(),
                    log,
                });
            }
            if let Ok(Some(_)) = child.try_wait() {
                std::thread::sleep(Duration::from_millis(100));
                return Err(log.lock().unwrap().clone());
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                return Err(format!("timeout\n{}", log.lock().unwrap()));
            }
        }
    }

    /// Everything the server logged so far.
    pub fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// The API key from the config file the server wrote.
    pub fn api_key(&self) -> String {
        api_key_of(&self.data_dir)
    }

    pub fn signal(&self, sig: &str) {
        let ok = Command::new("kill")
            .args([&format!("-{sig}"), &self.child.id().to_string()])
            .status()
            .unwrap()
            .success();
        assert!(ok, "kill -{sig} failed");
    }

    /// SIGTERM, then wait for the exit (at most 30 s).
    pub fn stop(self) -> (ExitStatus, String) {
        self.signal("TERM");
        self.stop_after_signal()
    }

    /// Waits for the process to exit after a signal was already sent.
    pub fn stop_after_signal(mut self) -> (ExitStatus, String) {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(st) = self.child.try_wait().unwrap() {
                std::thread::sleep(Duration::from_millis(50));
                return (st, self.log());
            }
            assert!(
                Instant::now() < deadline,
                "server did not stop after SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Writes `config.toml` with a known API key followed by `body` (which must not open `[server]`).
pub fn write_config(data_dir: &Path, body: &str) {
    std::fs::write(
        data_dir.join("config.toml"),
        format!("server.api_key = \"{}\"\n{body}", "f".repeat(32)),
    )
    .unwrap();
}

pub fn api_key_of(data_dir: &Path) -> String {
    let text = std::fs::read_to_string(data_dir.join("config.toml")).unwrap();
    let v: toml::Table = text.parse().unwrap();
    v["server"]["api_key"].as_str().unwrap().to_string()
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
}

/// Polls `f` until it returns Some or `timeout` passes.
pub async fn eventually<T, F, Fut>(timeout: Duration, mut f: F) -> Option<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(v) = f().await {
            return Some(v);
        }
        if Instant::now() > deadline {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A programmable HTTP peer on 127.0.0.1:0: answers according to its mode and counts requests.
pub mod openapi;

pub mod fake {
    use std::sync::atomic::{AtomicU16, AtomicUsize, Ordering};
    use std::sync::Arc;
    use warp::Filter;

    /// 200 with `body`, any other status, or never answer (a hang).
    pub const HANG: u16 = 0;

    /// A fake that answers by path prefix from a fixed table (404 otherwise); a status switch
    /// turns every answer into that failure (or a hang), and requests are counted and recorded.
    #[derive(Clone)]
    pub struct Routes {
        pub addr: std::net::SocketAddr,
        status: Arc<AtomicU16>,
        hits: Arc<AtomicUsize>,
        pub paths: Arc<std::sync::Mutex<Vec<String>>>,
        pub bodies: Arc<std::sync::Mutex<Vec<String>>>,
    }

    /// The same fake answering every path with one body.
    pub type Fake = Routes;

    impl Routes {
        /// Answers `body` on every path, with `status` (or [`HANG`]).
        pub async fn start_fixed(status: u16, body: &'static str) -> Routes {
            let r = Routes::start(vec![("", body)]).await;
            r.set_status(status);
            r
        }

        pub async fn start(table: Vec<(&'static str, &'static str)>) -> Routes {
            let st = Arc::new(AtomicU16::new(200));
            let hits = Arc::new(AtomicUsize::new(0));
            let paths = Arc::new(std::sync::Mutex::new(Vec::new()));
            let bodies = Arc::new(std::sync::Mutex::new(Vec::new()));
            let (s2, h2, p2, b2) = (st.clone(), hits.clone(), paths.clone(), bodies.clone());
            let table = Arc::new(table);
            let route = warp::path::full()
                .and(warp::query::raw().or(warp::any().map(String::new)).unify())
                .and(warp::body::bytes())
                .then(
                    move |path: warp::path::FullPath, q: String, b: bytes::Bytes| {
                        let (st, hits, paths, bodies, table) = (
                            s2.clone(),
                            h2.clone(),
                            p2.clone(),
                            b2.clone(),
                            table.clone(),
                        );
                        async move {
                            hits.fetch_add(1, Ordering::SeqCst);
                            paths.lock().unwrap().push(format!("{}?{q}", path.as_str()));
                            bodies
                                .lock()
                                .unwrap()
                                .push(String::from_utf8_lossy(&b).to_string());
                            let code = st.load(Ordering::SeqCst);
                            if code == HANG {
                                tokio::time::sleep(std::time::Duration::from_secs(3600)).await;
                            }
                            let found = table.iter().find(|(p, _)| path.as_str().starts_with(p));
                            let (status, body) = match (code, found) {
                                (200, Some((_, body))) => (200, *body),
                                (200, None) => (404, "{}"),
                                (c, _) => (c, "{\"error\":\"fake failure\"}"),
                            };
                            warp::reply::with_status(
                                body,
                                warp::http::StatusCode::from_u16(status).unwrap(),
                            )
                        }
                    },
                );
            let (addr, server) = warp::serve(route).bind_ephemeral(([127, 0, 0, 1], 0));
            tokio::spawn(server);
            Routes {
                addr,
                status: st,
                hits,
                paths,
                bodies,
            }
        }

        pub fn url(&self) -> String {
            format!("http://{}", self.addr)
        }

        pub fn set_status(&self, s: u16) {
            self.status.store(s, Ordering::SeqCst);
        }

        pub fn hits(&self) -> usize {
            self.hits.load(Ordering::SeqCst)
        }
    }

    /// A loopback port with nothing listening: connections are refused at once.
    pub fn dead_port() -> u16 {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    }
}

/// Whether tests that need a real peer must fail instead of skipping (CI sets this).
pub fn require_real_services() -> bool {
    std::env::var("REELARR_REQUIRE_REAL_SERVICES").is_ok_and(|v| v == "1")
}

/// Finds an executable on PATH (or in `extra` directories); None when absent.
pub fn find_tool(name: &str, extra: &[&str]) -> Option<std::path::PathBuf> {
    let path = std::env::var("PATH").unwrap_or_default();
    path.split(':')
        .chain(extra.iter().copied())
        .map(|d| std::path::Path::new(d).join(name))
        .find(|p| p.is_file())
}

/// Returns the tool, or skips loudly (or panics under REELARR_REQUIRE_REAL_SERVICES=1).
pub fn tool_or_skip(name: &str, package: &str) -> Option<std::path::PathBuf> {
    match find_tool(name, &[]) {
        Some(p) => Some(p),
        None if require_real_services() => {
            panic!("{name} is required (REELARR_REQUIRE_REAL_SERVICES=1) but not installed: apt-get install {package}")
        }
        None => {
            eprintln!("\n*** SKIPPED: {name} not installed (apt-get install {package}); set REELARR_REQUIRE_REAL_SERVICES=1 to make this a failure ***\n");
            None
        }
    }
}

/// GET with the API key, returning the JSON body.
pub async fn get_json(s: &Server, path: &str) -> serde_json::Value {
    client()
        .get(s.url(path))
        .header("X-Api-Key", s.api_key())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}
