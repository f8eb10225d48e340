//! Time, injected.
//!
//! Everything that reads the time takes a [`Clock`], so TTL tests use a
//! [`ManualClock`] and never sleep. Times are unix milliseconds.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// A source of the current time.
pub trait Clock: Send + Sync {
    /// Unix time in milliseconds.
    fn now_ms(&self) -> i64;
    /// Unix time in microseconds.
    fn now_us(&self) -> i64 {
        self.now_ms() * 1000
    }
}

/// The system clock.
#[derive(Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> i64 {
        self.now_us() / 1000
    }
    fn now_us(&self) -> i64 {
        SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_micros() as i64)
    }
}

/// A clock that moves only when told to (tests).
#[derive(Debug, Default)]
pub struct ManualClock(AtomicI64);

impl ManualClock {
    /// A clock reading `ms`.
    pub fn new(ms: i64) -> Self {
        ManualClock(AtomicI64::new(ms))
    }
    /// Moves the clock forward by `ms`.
    pub fn advance(&self, ms: i64) {
        self.0.fetch_add(ms, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now_ms(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }
}

/// The 24-bit LRU clock (seconds resolution, like Redis's LRU_CLOCK).
pub fn lru_clock(now_ms: i64) -> u32 {
    ((now_ms / 1000) as u32) & 0x00FF_FFFF
}

/// Seconds since an entry's LRU stamp, handling the 24-bit wrap.
pub fn idle_seconds(now_ms: i64, stamp: u32) -> u64 {
    let now = lru_clock(now_ms);
    if now >= stamp {
        (now - stamp) as u64
    } else {
        (now + 0x0100_0000 - stamp) as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manual_clock_advances_only_when_told() {
        let c = ManualClock::new(1000);
        assert_eq!(c.now_ms(), 1000);
        c.advance(500);
        assert_eq!(c.now_ms(), 1500);
    }

    #[test]
    fn idle_time_survives_lru_clock_wrap() {
        let stamp = 0x00FF_FFFF;
        let now_ms = (0x0100_0000i64 + 4) * 1000;
        assert_eq!(idle_seconds(now_ms, stamp), 5);
    }
}
