//! The tracking shards' lock: a spin lock whose release is a plain store.
//!
//! Every tracked read takes one tracking shard lock while it already holds
//! its data shard's, for a few dozen nanoseconds. parking_lot's mutex costs
//! two atomic read-modify-writes per use (acquire and release), measured as
//! most of [`super::Tracking::remember`]; this one costs one. The sections
//! it guards never block, so a waiter spins, yielding its thread now and
//! then in case the holder was preempted (a sweep of a whole shard can take
//! a while).

use std::sync::atomic::{AtomicBool, Ordering};

use parking_lot::lock_api::{GuardSend, Mutex, RawMutex};

/// The raw lock.
pub struct RawSpin(AtomicBool);

/// Spins between yields.
const SPINS: u32 = 64;

// SAFETY: `lock` returns only after this thread changed the flag from false
// to true (Acquire), and only `unlock` (Release) sets it back, so at most
// one holder exists and its writes are seen by the next.
unsafe impl RawMutex for RawSpin {
    #[allow(clippy::declare_interior_mutable_const)]
    const INIT: RawSpin = RawSpin(AtomicBool::new(false));
    type GuardMarker = GuardSend;

    fn lock(&self) {
        let mut spins = 0;
        while !self.try_lock() {
            while self.0.load(Ordering::Relaxed) {
                spins += 1;
                if spins % SPINS == 0 {
                    std::thread::yield_now();
                } else {
                    std::hint::spin_loop();
                }
            }
        }
    }

    fn try_lock(&self) -> bool {
        self.0.compare_exchange_weak(false, true, Ordering::Acquire, Ordering::Relaxed).is_ok()
    }

    unsafe fn unlock(&self) {
        self.0.store(false, Ordering::Release);
    }
}

/// A value guarded by a [`RawSpin`].
pub type SpinMutex<T> = Mutex<RawSpin, T>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn threads_incrementing_under_the_lock_lose_no_update() {
        let counter = std::sync::Arc::new(SpinMutex::new(0u64));
        let threads: Vec<_> = (0..4)
            .map(|_| {
                let c = counter.clone();
                std::thread::spawn(move || {
                    for _ in 0..100_000 {
                        *c.lock() += 1;
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().expect("thread");
        }
        assert_eq!(*counter.lock(), 400_000);
        let held = counter.lock();
        assert!(counter.try_lock().is_none(), "held");
        drop(held);
        assert!(counter.try_lock().is_some());
    }
}
