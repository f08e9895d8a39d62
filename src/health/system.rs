//! Process figures for `/health/detailed` and `/metrics`, read from /proc (Linux).

use parking_lot::Mutex;
use std::sync::atomic::AtomicUsize;
use std::sync::Arc;
use std::time::Instant;

/// When this process started and how many HTTP connections it has open: shared by health,
/// metrics and the Radarr status endpoint, maintained by the server.
pub struct ProcessInfo {
    pub started: Instant,
    pub start_time: chrono::DateTime<chrono::Utc>,
    /// Open HTTP connections, counted by the server.
    pub connections: Arc<AtomicUsize>,
}

impl ProcessInfo {
    /// Figures for a process starting now.
    pub fn now() -> Self {
        ProcessInfo {
            started: Instant::now(),
            start_time: chrono::Utc::now(),
            connections: Arc::new(AtomicUsize::new(0)),
        }
    }
}

/// Samples CPU time between calls to compute a usage percentage.
pub struct SystemStats {
    last: Mutex<Option<(Instant, f64)>>,
}

impl Default for SystemStats {
    fn default() -> Self {
        SystemStats {
            last: Mutex::new(None),
        }
    }
}

/// Resident memory of this process in bytes (VmRSS), 0 if unknown.
pub fn rss_bytes() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<u64>().ok())
        })
        .map(|kb| kb * 1024)
        .unwrap_or(0)
}

/// User + system CPU seconds consumed by this process.
pub fn cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    let Some(rest) = stat.rfind(')').map(|i| &stat[i + 2..]) else {
        return 0.0;
    };
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    // SAFETY: sysconf has no memory-safety preconditions.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as f64;
    (ticks(11) + ticks(12)) / hz
}

impl SystemStats {
    /// CPU use since the previous call, in percent of one core (0 on the first call).
    pub fn cpu_percent(&self) -> f64 {
        let now = Instant::now();
        let cpu = cpu_seconds();
        let mut last = self.last.lock();
        let pct = match *last {
            Some((t, c)) if now > t => {
                ((cpu - c) / now.duration_since(t).as_secs_f64() * 100.0).max(0.0)
            }
            _ => 0.0,
        };
        *last = Some((now, cpu));
        (pct * 10.0).round() / 10.0
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn reads_proc() {
        assert!(super::rss_bytes() > 1024 * 1024);
        let s = super::SystemStats::default();
        s.cpu_percent();
        let mut x = 0u64;
        for i in 0..2_000_000u64 {
            x = x.wrapping_add(i * i);
        }
        assert!(x > 0);
        assert!(s.cpu_percent() >= 0.0);
    }
}
