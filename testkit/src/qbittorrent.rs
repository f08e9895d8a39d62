//! Test harness for the real peer: starts Debian's `qbittorrent-nox` on 127.0.0.1 with a
//! temporary profile and a known password, and injects faults by PID (SIGKILL, SIGSTOP,
//! SIGCONT, restart on the same port and profile).
//!
//! Why: the retry journal's promises (nothing lost, nothing sent twice, replay on recovery)
//! only mean something against the real qBittorrent. Plain synchronous functions, no test
//! framework beyond `tempfile`, shared by unit tests in `src/` and integration tests in `tests/`.
//! Facts used: `/work/shared/reference/external-apis.md`, qBittorrent section.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use sha2::{Digest, Sha512};

/// The executable Debian's `qbittorrent-nox` package installs.
pub const BINARY: &str = "qbittorrent-nox";
/// WebUI user the harness configures.
pub const USERNAME: &str = "reelarr";
/// WebUI password the harness configures.
pub const PASSWORD: &str = "reelarr-harness-pw";
/// Environment variable that turns a missing binary from a skip into a failure (CI).
pub const REQUIRE_ENV: &str = "REELARR_REQUIRE_REAL_SERVICES";

/// Where `qbittorrent-nox` is on `PATH`, if installed.
pub fn binary_path() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(BINARY))
        .find(|p| p.is_file())
}

/// True when the real peer can be used. Otherwise prints a loud `SKIPPED` line to stderr and
/// returns false — or panics when `REELARR_REQUIRE_REAL_SERVICES=1`.
pub fn available_or_skip(test: &str) -> bool {
    if binary_path().is_some() {
        return true;
    }
    if std::env::var(REQUIRE_ENV).as_deref() == Ok("1") {
        panic!("{test}: qbittorrent-nox not installed but {REQUIRE_ENV}=1");
    }
    // Written to the real stderr (not `eprintln!`) so libtest's capture cannot hide it.
    let _ = writeln!(
        io::stderr(),
        "SKIPPED: qbittorrent-nox not installed ({test})"
    );
    false
}

/// A running (or deliberately stopped) qbittorrent-nox; killed when dropped.
pub struct QbitPeer {
    /// WebUI port on 127.0.0.1.
    pub port: u16,
    /// WebUI username.
    pub username: String,
    /// WebUI password.
    pub password: String,
    dir: tempfile::TempDir,
    child: Option<Child>,
}

impl QbitPeer {
    /// Starts a fresh instance with [`USERNAME`] / [`PASSWORD`] and waits until it answers.
    pub fn start() -> io::Result<QbitPeer> {
        Self::start_with(USERNAME, PASSWORD)
    }

    /// Starts a fresh instance with the given WebUI credentials.
    pub fn start_with(username: &str, password: &str) -> io::Result<QbitPeer> {
        let dir = tempfile::Builder::new().prefix("reelarr-qbit-").tempdir()?;
        let port = free_port()?;
        let mut peer = QbitPeer {
            port,
            username: username.into(),
            password: password.into(),
            dir,
            child: None,
        };
        peer.write_config()?;
        peer.spawn()?;
        Ok(peer)
    }

    /// `http://127.0.0.1:<port>`.
    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The `--profile` directory.
    pub fn profile_dir(&self) -> &Path {
        self.dir.path()
    }

    /// The default save path (inside the profile directory).
    pub fn download_dir(&self) -> PathBuf {
        self.dir.path().join("downloads")
    }

    /// PID of the running process.
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// SIGKILL and reap: the peer vanishes, connections are refused at once.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// SIGSTOP: connections still succeed but nothing answers (a hang, not a refusal).
    pub fn stop_signal(&self) -> io::Result<()> {
        self.signal("-STOP")
    }

    /// SIGCONT: resumes a stopped peer.
    pub fn cont_signal(&self) -> io::Result<()> {
        self.signal("-CONT")
    }

    /// Kills the process if running and starts it again on the same port and profile.
    pub fn restart(&mut self) -> io::Result<()> {
        self.kill();
        self.spawn()
    }

    /// The torrents of `category`, asked of the WebUI directly (logs in like any client), as
    /// qBittorrent's own JSON objects.
    pub async fn torrents(&self, category: &str) -> Vec<serde_json::Value> {
        let c = reqwest::Client::new();
        let base = self.base_url();
        let r = c
            .post(format!("{base}/api/v2/auth/login"))
            .header("Referer", &base)
            .form(&[("username", &self.username), ("password", &self.password)])
            .send()
            .await
            .expect("qBittorrent answers the login");
        let sid = r
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with("SID="))
            .map(|v| v.split(';').next().unwrap_or_default().to_string())
            .expect("qBittorrent login cookie");
        c.get(format!("{base}/api/v2/torrents/info?category={category}"))
            .header("Cookie", sid)
            .header("Referer", &base)
            .send()
            .await
            .expect("qBittorrent lists torrents")
            .json()
            .await
            .unwrap_or_default()
    }

    /// The last ~4 KB of qBittorrent's log and stderr, for failure messages.
    pub fn log_tail(&self) -> String {
        let mut out = String::new();
        for p in [
            self.dir
                .path()
                .join("qBittorrent/data/logs/qbittorrent.log"),
            self.dir.path().join("stderr.log"),
        ] {
            if let Ok(s) = std::fs::read_to_string(&p) {
                let start = s.len().saturating_sub(4096);
                let start = (start..s.len())
                    .find(|&i| s.is_char_boundary(i))
                    .unwrap_or(s.len());
                out.push_str(&s[start..]);
            }
        }
        out
    }

    fn signal(&self, sig: &str) -> io::Result<()> {
        let pid = self
            .pid()
            .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, "peer not running"))?;
        let status = Command::new("kill")
            .args([sig, &pid.to_string()])
            .status()?;
        if status.success() {
            Ok(())
        } else {
            Err(io::Error::other(format!("kill {sig} {pid} failed")))
        }
    }

    fn spawn(&mut self) -> io::Result<()> {
        let stderr = std::fs::File::create(self.dir.path().join("stderr.log"))?;
        let child = Command::new(binary_path().unwrap_or_else(|| BINARY.into()))
            .arg(format!("--profile={}", self.dir.path().display()))
            .arg(format!("--webui-port={}", self.port))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(stderr)
            .spawn()?;
        self.child = Some(child);
        self.wait_ready(Duration::from_secs(15))
    }

    /// Polls `/api/v2/app/version` until any HTTP answer (403 counts as up).
    fn wait_ready(&mut self, limit: Duration) -> io::Result<()> {
        let deadline = Instant::now() + limit;
        let addr = SocketAddr::from(([127, 0, 0, 1], self.port));
        while Instant::now() < deadline {
            if let Some(child) = self.child.as_mut() {
                if let Some(status) = child.try_wait()? {
                    self.child = None;
                    return Err(io::Error::other(format!(
                        "qbittorrent-nox exited early ({status}): {}",
                        self.log_tail()
                    )));
                }
            }
            if probe(addr).unwrap_or(false) {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Err(io::Error::new(
            io::ErrorKind::TimedOut,
            format!(
                "qbittorrent-nox not ready after {limit:?}: {}",
                self.log_tail()
            ),
        ))
    }

    fn write_config(&self) -> io::Result<()> {
        let conf_dir = self.dir.path().join("qBittorrent/config");
        std::fs::create_dir_all(&conf_dir)?;
        let downloads = self.download_dir();
        std::fs::create_dir_all(&downloads)?;
        let (salt, key) = password_hash(&self.password);
        let conf = format!(
            "[LegalNotice]\nAccepted=true\n\n\
             [BitTorrent]\nSession\\DHTEnabled=false\nSession\\PeXEnabled=false\n\
             Session\\LSDEnabled=false\nSession\\Interface=lo\nSession\\InterfaceName=lo\n\
             Session\\InterfaceAddress=127.0.0.1\nSession\\Port=0\n\
             Session\\QueueingSystemEnabled=false\nSession\\DefaultSavePath={dl}\n\
             Session\\TempPath={dl}/incomplete\n\n\
             [Network]\nPortForwardingEnabled=false\n\n\
             [Preferences]\nConnection\\ResolvePeerCountries=false\nWebUI\\Address=127.0.0.1\n\
             WebUI\\Port={port}\nWebUI\\Username={user}\n\
             WebUI\\Password_PBKDF2=\"@ByteArray({salt}:{key})\"\nWebUI\\BanDuration=5\n\
             WebUI\\MaxAuthenticationFailCount=5\nWebUI\\UseUPnP=false\n\
             WebUI\\LocalHostAuth=true\nWebUI\\CSRFProtection=true\n",
            dl = downloads.display(),
            port = self.port,
            user = self.username,
            salt = base64(&salt),
            key = base64(&key),
        );
        std::fs::write(conf_dir.join("qBittorrent.conf"), conf)
    }
}

impl Drop for QbitPeer {
    fn drop(&mut self) {
        self.kill();
    }
}

/// (salt, PBKDF2 key) for `password`, computed once per process per password: 100 000
/// iterations are slow in an unoptimized test build and every test starts its own peer.
fn password_hash(password: &str) -> ([u8; 16], [u8; 64]) {
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};
    type SaltAndKey = ([u8; 16], [u8; 64]);
    static CACHE: OnceLock<Mutex<HashMap<String, SaltAndKey>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(hit) = cache
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get(password)
    {
        return *hit;
    }
    let salt: [u8; 16] = rand::random();
    let key = pbkdf2_hmac_sha512(password.as_bytes(), &salt, 100_000);
    cache
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(password.to_string(), (salt, key));
    (salt, key)
}

/// A port that was free a moment ago on 127.0.0.1.
fn free_port() -> io::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// One raw HTTP request; true for any HTTP status line.
fn probe(addr: SocketAddr) -> io::Result<bool> {
    let mut s = TcpStream::connect_timeout(&addr, Duration::from_millis(200))?;
    s.set_read_timeout(Some(Duration::from_millis(500)))?;
    write!(
        s,
        "GET /api/v2/app/version HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )?;
    let mut buf = [0u8; 12];
    let n = s.read(&mut buf)?;
    Ok(buf[..n].starts_with(b"HTTP/1."))
}

/// HMAC-SHA512 (RFC 2104), block size 128.
pub fn hmac_sha512(key: &[u8], msg: &[u8]) -> [u8; 64] {
    let (inner, outer) = hmac_pads(key);
    hmac_finish(&inner, &outer, msg)
}

fn hmac_pads(key: &[u8]) -> (Sha512, Sha512) {
    let mut k = [0u8; 128];
    if key.len() > 128 {
        k[..64].copy_from_slice(&Sha512::digest(key));
    } else {
        k[..key.len()].copy_from_slice(key);
    }
    let pad = |b: u8| k.map(|x| x ^ b);
    (
        Sha512::new().chain_update(pad(0x36)),
        Sha512::new().chain_update(pad(0x5c)),
    )
}

fn hmac_finish(inner: &Sha512, outer: &Sha512, msg: &[u8]) -> [u8; 64] {
    let ih = inner.clone().chain_update(msg).finalize();
    outer.clone().chain_update(ih).finalize().into()
}

/// PBKDF2-HMAC-SHA512 with a 64-byte output (one block), as qBittorrent stores WebUI passwords.
pub fn pbkdf2_hmac_sha512(password: &[u8], salt: &[u8], iterations: u32) -> [u8; 64] {
    let (inner, outer) = hmac_pads(password);
    let mut first = salt.to_vec();
    first.extend_from_slice(&1u32.to_be_bytes());
    let mut u = hmac_finish(&inner, &outer, &first);
    let mut t = u;
    for _ in 1..iterations {
        u = hmac_finish(&inner, &outer, &u);
        t.iter_mut().zip(u.iter()).for_each(|(a, b)| *a ^= b);
    }
    t
}

/// Standard base64 with padding.
pub fn base64(data: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for c in data.chunks(3) {
        let n = (u32::from(c[0]) << 16)
            | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
            | u32::from(*c.get(2).unwrap_or(&0));
        for i in 0..4 {
            if i <= c.len() {
                out.push(A[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_and_pbkdf2_match_known_vectors() {
        // RFC 4231 test case 2.
        assert_eq!(
            hex::encode(hmac_sha512(b"Jefe", b"what do ya want for nothing?")),
            "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737"
        );
        // Python: hashlib.pbkdf2_hmac('sha512', b'password', b'salt', c, 64)
        assert_eq!(
            hex::encode(pbkdf2_hmac_sha512(b"password", b"salt", 1)),
            "867f70cf1ade02cff3752599a3a53dc4af34c7a669815ae5d513554e1c8cf252c02d470a285a0501bad999bfe943c08f050235d7d68b1da55e63f73b60a57fce"
        );
        assert_eq!(
            hex::encode(pbkdf2_hmac_sha512(b"password", b"salt", 4096)),
            "d197b1b33db0143e018b12f3d1d1479e6cdebdcc97c5c0f87f6902e072f457b5143f30602641b3d55cd335988cb36b84376060ecd532e039b742a239434af2d5"
        );
    }

    #[test]
    fn base64_pads() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    }
}
