//! Time for the near cache, injected so TTL tests do not sleep.
//!
//! The hit path asks only whether an entry has expired, on every hit; a
//! precise `Instant::now()` (a vDSO `clock_gettime`) was an eighth of a
//! hit's cost. [`Clock::now_upper_bound`] answers from Linux's coarse
//! monotonic clock instead (the kernel's last tick, read without a
//! syscall) plus one tick, so it is never earlier than the true time: an
//! entry may expire up to two ticks early, never late.

use std::time::Instant;

/// A source of the current instant.
pub(crate) trait Clock: Send + Sync + 'static {
    /// The current instant, precisely.
    fn now(&self) -> Instant;

    /// An instant no earlier than the current one (cheaper than [`now`]).
    ///
    /// [`now`]: Clock::now
    fn now_upper_bound(&self) -> Instant {
        self.now()
    }
}

/// The real monotonic clock.
pub(crate) struct SystemClock;

impl Clock for SystemClock {
    #[inline]
    fn now(&self) -> Instant {
        Instant::now()
    }

    #[cfg(target_os = "linux")]
    #[inline]
    fn now_upper_bound(&self) -> Instant {
        coarse::now_upper_bound()
    }
}

#[cfg(target_os = "linux")]
mod coarse {
    use std::sync::OnceLock;
    use std::time::{Duration, Instant};

    /// A precise instant and the coarse clock's reading at about that time,
    /// and the coarse clock's resolution.
    struct Base {
        at: Instant,
        coarse: Duration,
        tick: Duration,
    }

    fn read(clock: libc::clockid_t) -> Duration {
        let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
        // SAFETY: `ts` is a valid, writable timespec; the clock id is a
        // constant the kernel knows.
        unsafe { libc::clock_gettime(clock, &mut ts) };
        Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
    }

    fn base() -> &'static Base {
        static BASE: OnceLock<Base> = OnceLock::new();
        BASE.get_or_init(|| {
            let mut res = libc::timespec { tv_sec: 0, tv_nsec: 0 };
            // SAFETY: as in `read`.
            unsafe { libc::clock_getres(libc::CLOCK_MONOTONIC_COARSE, &mut res) };
            let tick = Duration::new(res.tv_sec as u64, res.tv_nsec as u32).max(Duration::from_millis(1));
            // Coarse first: the precise base must not be earlier than it.
            let coarse = read(libc::CLOCK_MONOTONIC_COARSE);
            Base { at: Instant::now(), coarse, tick }
        })
    }

    /// The coarse reading and the base's each lag the true time by less
    /// than a tick, so their difference is within a tick of the true
    /// elapsed time: adding one tick bounds the present from above.
    pub(super) fn now_upper_bound() -> Instant {
        let b = base();
        b.at + read(libc::CLOCK_MONOTONIC_COARSE).saturating_sub(b.coarse) + b.tick
    }
}

#[cfg(test)]
pub(crate) mod manual {
    use std::sync::Mutex;
    use std::time::{Duration, Instant};

    /// A clock that moves only when told to.
    pub(crate) struct ManualClock(Mutex<Instant>);

    impl ManualClock {
        pub(crate) fn new() -> ManualClock {
            ManualClock(Mutex::new(Instant::now()))
        }

        pub(crate) fn advance(&self, by: Duration) {
            *self.0.lock().expect("not poisoned") += by;
        }
    }

    impl super::Clock for ManualClock {
        fn now(&self) -> Instant {
            *self.0.lock().expect("not poisoned")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Clock, SystemClock};
    use std::time::{Duration, Instant};

    /// Two ticks of a kernel at HZ=100, the coarsest in use.
    const MAX_EARLY: Duration = Duration::from_millis(20);

    #[test]
    fn the_upper_bound_is_never_before_now_and_not_far_after() {
        for _ in 0..10_000 {
            let before = Instant::now();
            let upper = SystemClock.now_upper_bound();
            let after = Instant::now();
            assert!(upper >= before, "upper bound earlier than a precise reading taken before it");
            assert!(upper <= after + MAX_EARLY, "upper bound {:?} ahead", upper - after);
        }
    }
}
