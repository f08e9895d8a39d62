//! Gives memory that glibc's malloc holds but no longer uses back to the OS. glibc keeps what a
//! burst freed (full lists for 32 pollers, the start-up read of the library, the reload of a
//! 10,000-movie list) for reuse, so the process's RSS stayed at its peak long after the burst;
//! `malloc_trim(0)` returns every free page. Other C libraries (the static musl binaries) give
//! memory back themselves: there this does nothing.

use crate::state::AppState;
use std::sync::Arc;
use std::time::Duration;

/// How often the trimmer looks.
const TRIM_EVERY: Duration = Duration::from_secs(2);

/// Freed-but-held bytes below which trimming is not worth a walk of the heap.
pub const TRIM_ABOVE: usize = 2 << 20;

/// Bytes malloc holds free (in its heaps, not yet returned), or 0 where that is unknown.
pub fn held_free_bytes() -> usize {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        // SAFETY: mallinfo2 only reads the allocator's counters (glibc ≥ 2.33).
        let info = unsafe { libc::mallinfo2() };
        info.fordblks
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    {
        0
    }
}

/// Returns every free page of malloc's heaps to the OS; true when something was returned.
pub fn trim() -> bool {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        // SAFETY: malloc_trim takes the allocator's own locks; any thread may call it.
        unsafe { libc::malloc_trim(0) == 1 }
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    {
        false
    }
}

/// Every [`TRIM_EVERY`], when no full movie list is being streamed (during a burst the freed
/// memory is reused at once) and more than [`TRIM_ABOVE`] is held free, trims on a blocking
/// thread. The first look is at once, so start-up's garbage (the library read, the admin
/// password's 19 MB argon2 buffer) goes back before the first request.
pub fn spawn_trimmer(state: Arc<AppState>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(TRIM_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if state.library.lists_streaming() == 0 && held_free_bytes() > TRIM_ABOVE {
                let _ = tokio::task::spawn_blocking(trim).await;
            }
        }
    })
}

#[cfg(all(test, target_os = "linux", target_env = "gnu"))]
mod tests {
    /// This process's resident anonymous memory (heap and stacks), in bytes.
    fn rss_anon() -> usize {
        let status = std::fs::read_to_string("/proc/self/status").unwrap();
        let line = status.lines().find(|l| l.starts_with("RssAnon:")).unwrap();
        let kb: usize = line.split_whitespace().nth(1).unwrap().parse().unwrap();
        kb << 10
    }

    /// A freed burst stays resident until trimmed, and trimming gives it back.
    #[test]
    fn trimming_returns_what_a_burst_freed() {
        // 16 MB in blocks below the mmap threshold (so they live in the heap), all freed but
        // the last, which pins the heap's top so that free() alone cannot shrink it.
        let mut blocks: Vec<Vec<u8>> = (0..4096).map(|i| vec![i as u8; 4000]).collect();
        let pin = blocks.pop();
        drop(blocks);
        assert!(super::held_free_bytes() > super::TRIM_ABOVE);
        let before = rss_anon();
        assert!(super::trim(), "malloc_trim returned nothing");
        let after = rss_anon();
        assert!(
            after + (8 << 20) < before,
            "RSS {before} -> {after}: the 16 MB freed were not returned"
        );
        drop(pin);
    }
}
