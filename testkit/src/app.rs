//! Test harness: runs the real `reelarr` binary on 127.0.0.1:0 with a private data dir and a clean
//! environment, captures its log, and stops it with real signals.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The `reelarr` binary under test. Cargo builds a package's binaries before its integration
/// tests and puts them in the profile directory, beside the `deps/` folder that holds the test
/// executable; `CARGO_BIN_EXE_reelarr`, when set at run time, wins. (The compile-time `env!` of
/// that variable is only available inside reelarr's own test targets, not in this crate.)
pub fn bin() -> PathBuf {
    if let Some(path) = std::env::var_os("CARGO_BIN_EXE_reelarr") {
        return PathBuf::from(path);
    }
    let exe = std::env::current_exe().expect("path of the running test executable");
    let mut dir = exe.parent().expect("test executable has a directory");
    if dir.ends_with("deps") {
        dir = dir.parent().expect("deps/ has a parent");
    }
    dir.join(format!("reelarr{}", std::env::consts::EXE_SUFFIX))
}

/// A running reelarr process.
pub struct Server {
    pub child: Child,
    pub base: String,
    pub data_dir: PathBuf,
    log: Arc<Mutex<String>>,
}

/// A command for the binary with only PATH and HOME kept from our environment.
pub fn command(data_dir: &Path, envs: &[(&str, &str)]) -> Command {
    let mut cmd = Command::new(bin());
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
    serde_json::from_str(&get_text(s, path).await).expect("a JSON answer")
}

/// `GET path` with the API key; the body as text (e.g. `/metrics`).
pub async fn get_text(s: &Server, path: &str) -> String {
    client()
        .get(s.url(path))
        .header("X-Api-Key", s.api_key())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}
