//! Time for the near cache, injected so TTL tests do not sleep.

use std::time::Instant;

/// A source of the current instant.
pub(crate) trait Clock: Send + Sync + 'static {
    fn now(&self) -> Instant;
}

/// The real monotonic clock.
pub(crate) struct SystemClock;

impl Clock for SystemClock {
    #[inline]
    fn now(&self) -> Instant {
        Instant::now()
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
