//! One memory budget for every isolated reader of a run.
//!
//! Each isolated reader (see [`super::isolated`]) may take up to its address-space cap,
//! and the check reads on every thread at once: six hostile .ods on six threads took
//! 8 GB. A reader therefore reserves its cap from one budget shared by the process before
//! it starts, and waits while the others hold it: the run as a whole stays within the
//! budget, whatever the number of threads.

use std::sync::{Condvar, Mutex};

/// Memory the isolated readers of one run may hold together.
pub(super) struct Budget {
    total: u64,
    used: Mutex<u64>,
    freed: Condvar,
}

/// A reservation; given back when dropped.
pub(super) struct Reserved<'a> {
    budget: &'a Budget,
    bytes: u64,
}

impl Budget {
    pub(super) const fn new(total: u64) -> Budget {
        Budget {
            total,
            used: Mutex::new(0),
            freed: Condvar::new(),
        }
    }

    /// Waits until `bytes` fit beside what others hold (a reservation larger than the
    /// whole budget waits until it is alone), then holds them.
    pub(super) fn reserve(&self, bytes: u64) -> Reserved<'_> {
        let mut used = self.used.lock().unwrap_or_else(|e| e.into_inner());
        while *used > 0 && used.saturating_add(bytes) > self.total {
            used = self.freed.wait(used).unwrap_or_else(|e| e.into_inner());
        }
        *used += bytes;
        Reserved {
            budget: self,
            bytes,
        }
    }

    #[cfg(test)]
    fn used(&self) -> u64 {
        *self.used.lock().unwrap()
    }
}

impl Drop for Reserved<'_> {
    fn drop(&mut self) {
        let mut used = self.budget.used.lock().unwrap_or_else(|e| e.into_inner());
        *used -= self.bytes;
        self.budget.freed.notify_all();
    }
}

/// The budget of this process: half the machine's memory, at least 2 GiB (one reader at
/// its default cap).
pub(super) fn shared() -> &'static Budget {
    static SHARED: std::sync::OnceLock<Budget> = std::sync::OnceLock::new();
    SHARED.get_or_init(|| Budget::new((physical_memory() / 2).max(2 << 30)))
}

#[cfg(unix)]
fn physical_memory() -> u64 {
    // SAFETY: sysconf reads no memory of ours.
    let (pages, size) = unsafe {
        (
            libc::sysconf(libc::_SC_PHYS_PAGES),
            libc::sysconf(libc::_SC_PAGESIZE),
        )
    };
    if pages > 0 && size > 0 {
        (pages as u64).saturating_mul(size as u64)
    } else {
        0
    }
}

#[cfg(not(unix))]
fn physical_memory() -> u64 {
    0
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU64, Ordering};

    #[test]
    fn readers_together_never_hold_more_than_the_budget() {
        let budget = Budget::new(4 << 30);
        let peak = AtomicU64::new(0);
        std::thread::scope(|s| {
            for _ in 0..8 {
                s.spawn(|| {
                    let _held = budget.reserve(2 << 30);
                    peak.fetch_max(budget.used(), Ordering::SeqCst);
                    std::thread::sleep(std::time::Duration::from_millis(20));
                });
            }
        });
        assert_eq!(peak.load(Ordering::SeqCst), 4 << 30);
        assert_eq!(budget.used(), 0);
        // Larger than the whole budget: taken alone, not refused.
        let alone = budget.reserve(8 << 30);
        assert_eq!(budget.used(), 8 << 30);
        drop(alone);
    }
}
