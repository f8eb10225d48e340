//! Time, injected.
//!
//! Everything that reads the time takes a [`Clock`], so TTL tests use a
//! [`ManualClock`] and never sleep. Times are unix milliseconds.
//!
//! A command reads the clock once: [`command_start`] is one monotonic
//! reading that gives both the command's unix time ([`Clock::now_ms_at`])
//! and the start of its duration, and within a batch the end of one command
//! is the start of the next (three vDSO calls per command cost 4–6% of a
//! pipelined profile).

use std::cell::Cell;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

/// A source of the current time.
pub trait Clock: Send + Sync {
    /// Unix time in milliseconds.
    fn now_ms(&self) -> i64;
    /// Unix time in microseconds.
    fn now_us(&self) -> i64 {
        self.now_ms() * 1000
    }
    /// Unix time in milliseconds at a monotonic instant read just before.
    fn now_ms_at(&self, _at: Instant) -> i64 {
        self.now_ms()
    }
    /// Realigns derived readings with the wall clock (cron, every tick).
    fn resync(&self) {}
}

/// The system clock. Readings at an [`Instant`] are derived from the
/// monotonic clock plus an offset to the wall clock that [`Clock::resync`]
/// refreshes, so a wall-clock step shows within one cron tick.
#[derive(Debug)]
pub struct SystemClock {
    anchor: Instant,
    /// Unix microseconds at `anchor`.
    offset_us: AtomicI64,
}

impl Default for SystemClock {
    fn default() -> Self {
        let clock = SystemClock { anchor: Instant::now(), offset_us: AtomicI64::new(0) };
        clock.resync();
        clock
    }
}

fn wall_us() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_micros() as i64)
}

impl Clock for SystemClock {
    fn now_ms(&self) -> i64 {
        self.now_us() / 1000
    }
    fn now_us(&self) -> i64 {
        wall_us()
    }
    fn now_ms_at(&self, at: Instant) -> i64 {
        let since = at.saturating_duration_since(self.anchor).as_micros() as i64;
        (self.offset_us.load(Ordering::Relaxed) + since) / 1000
    }
    fn resync(&self) {
        let since = self.anchor.elapsed().as_micros() as i64;
        self.offset_us.store(wall_us() - since, Ordering::Relaxed);
    }
}

thread_local! {
    /// When the previous command of this thread's current batch ended.
    static BATCH_MARK: Cell<Option<Instant>> = const { Cell::new(None) };
}

/// Starts a batch: the next command reads the clock afresh. Called
/// whenever the connection may have waited (a new batch, a pause, a block).
pub fn new_batch() {
    BATCH_MARK.with(|m| m.set(None));
}

/// When a command starts: the end of the previous one in this batch, or now.
pub fn command_start() -> Instant {
    BATCH_MARK.with(|m| m.take()).unwrap_or_else(Instant::now)
}

/// When a command ends (and the next one of the batch starts).
pub fn command_end() -> Instant {
    let end = Instant::now();
    BATCH_MARK.with(|m| m.set(Some(end)));
    end
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
    fn derived_readings_follow_the_wall_clock() {
        let c = SystemClock::default();
        let before = c.now_ms();
        let derived = c.now_ms_at(Instant::now());
        let after = c.now_ms();
        assert!(before - 1 <= derived && derived <= after + 1, "{before} <= {derived} <= {after}");
    }

    #[test]
    fn a_batch_chains_command_times_until_the_next_batch() {
        new_batch();
        let first = command_start();
        let end = command_end();
        assert!(end >= first);
        assert_eq!(command_start(), end);
        assert!(command_start() >= end, "taken once, then read afresh");
        command_end();
        new_batch();
        std::thread::sleep(std::time::Duration::from_millis(2));
        assert!(command_start() >= end + std::time::Duration::from_millis(2));
    }

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
